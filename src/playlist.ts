/**
 * Signing the URIs of one HLS playlist: which URIs are signed, as what absolute
 * URL (resolved against the URL the playlist is served from, with WHATWG URL
 * rules), and how the signed URLs are put back with every other byte unchanged
 * (./hls.ts). One implementation for `Signer.signPlaylist` and `cfsign playlist`
 * (src/cli/playlist.ts); runtime-neutral (no `node:` imports). How a batch of
 * URLs is signed (one signature each, or one shared policy) is the caller's.
 *
 * @module
 */
import { CfSignError, type CfSignErrorCode } from "./errors.ts";
import type { BatchResult } from "./types.ts";
import { playlistUris, rewritePlaylist, type PlaylistUri, type PlaylistUriKind } from "./formats/hls.ts";
import { validateUrl } from "./cloudfront/url.ts";

/**
 * Checks the URL a playlist is served from (the base of its relative URIs).
 *
 * @param text - the URL
 * @param name - what the caller calls it (`baseUrl`, `--base-url`), put before the message
 * @returns the URL
 * @throws {@link CfSignError} the codes of `validateUrl` (`INVALID_URL`, `URL_HAS_FRAGMENT`, ...), message prefixed by `name`
 */
export function checkBaseUrl(text: unknown, name: string): string {
  try {
    return validateUrl(text);
  } catch (err) {
    // validateUrl's message describes the problem without the URL; say which argument it is about.
    if (err instanceof CfSignError) throw new CfSignError(err.code, `${name}: ${err.message}`, { cause: err });
    throw err;
  }
}

/** The folder of a URL: everything up to the last `/` of its path (the query and the file name dropped). */
export function folderOf(url: string): string {
  const q = url.indexOf("?");
  const path = q === -1 ? url : url.slice(0, q);
  return path.slice(0, path.lastIndexOf("/") + 1);
}

/**
 * The shared policy's default resource for a playlist served from `base`: its folder and `*`.
 * A `*` already in the folder's path is a character of the URL but a wildcard in the policy, and
 * would widen the grant to sibling folders, so it is refused, as `signUrl` refuses a URL with `*`
 * when the resource defaults to the URL.
 *
 * @throws {@link CfSignError} `URL_HAS_WILDCARD`
 */
export function sharedFolderResource(base: string): string {
  const folder = folderOf(base);
  if (folder.includes("*")) {
    throw new CfSignError(
      "URL_HAS_WILDCARD",
      "the playlist's folder contains *, which the shared policy would read as a wildcard and widen the grant; " +
        "percent-encode it (%2A) or pass the policy's resource explicitly",
    );
  }
  return folder + "*";
}

/** `value` resolved against `base` (WHATWG URL), or `undefined` when it cannot be. */
export function safeResolve(value: string, base: string): string | undefined {
  try {
    return new URL(value, base).href;
  } catch {
    return undefined;
  }
}

/** True when a URI is relative (has no scheme). */
export function isRelativeUri(uri: string): boolean {
  return !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(uri);
}

/** A URI of a playlist, with the absolute URL it is signed as. */
export interface PlaylistTarget {
  readonly ref: PlaylistUri;
  /** The absolute URL signed. */
  readonly resolved: string;
  /** True when the URI was relative. */
  readonly relative: boolean;
}

/** Why a URI cannot be signed, before any signing. */
export interface TargetRefusal {
  readonly code: CfSignErrorCode;
  readonly message: string;
}

/**
 * What to do with a URI: sign its absolute form, leave it (`"skip"`: not http(s),
 * such as an `skd://` or `data:` key URI), or refuse it (a relative URI that is not
 * URL-safe, or with no base to resolve against).
 */
export function targetOf(ref: PlaylistUri, base: string | undefined): PlaylistTarget | "skip" | TargetRefusal {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(ref.uri);
  if (scheme !== null) {
    const s = scheme[1]!.toLowerCase();
    return s === "http" || s === "https" ? { ref, resolved: ref.uri, relative: false } : "skip";
  }
  if (base === undefined) return { code: "INVALID_URL", message: "the URI is relative and there is no base URL to resolve it against" };
  if (!/^[A-Za-z0-9\-._~:/?@!$&()*+,;=%]*$/.test(ref.uri) || /%(?![0-9A-Fa-f]{2})/.test(ref.uri)) {
    return {
      code: "URL_UNSAFE_CHARACTER",
      message: "the relative URI has a character that must be percent-encoded (a space, non-ASCII, a quote, #...); encode it in the playlist",
    };
  }
  const resolved = safeResolve(ref.uri, base);
  return resolved === undefined
    ? { code: "INVALID_URL", message: "the URI cannot be resolved against the base URL" }
    : { ref, resolved, relative: true };
}

/** True for a Low-Latency HLS playlist, whose players add `_HLS_msn`/`_HLS_part` to playlist requests. */
export function isLowLatencyPlaylist(text: string): boolean {
  return /^#EXT-X-(?:PART|PRELOAD-HINT|PART-INF|SERVER-CONTROL:.*CAN-BLOCK-RELOAD=YES)/m.test(text);
}

/** A URI of a playlist that was not signed; it is left in the playlist as it was. */
export interface PlaylistFailure {
  /** 1-based line number of the URI. */
  readonly line: number;
  /** 0-based position among the playlist's URIs, in order of appearance. */
  readonly index: number;
  /** What the URI points at (`segment`, `variant`, `key`, `map`, ...). */
  readonly kind: PlaylistUriKind;
  /** Why; `error.index` is the URI's `index`. The message never contains the URI. */
  readonly error: CfSignError;
}

/** What {@link signHlsUris} returns. */
export interface HlsSigning {
  /** The playlist with every signed URI replaced; every other byte as it was. */
  readonly text: string;
  /** URIs to sign (http(s) or relative): `signed` + failures. */
  readonly uris: number;
  readonly signed: number;
  /** URIs left as they were because they are not http(s) (`skd://`, `data:`, ...). */
  readonly skipped: number;
  /** The URIs not signed, in playlist order. */
  readonly failures: PlaylistFailure[];
  /** The URIs signed, in playlist order. */
  readonly targets: PlaylistTarget[];
  /** See {@link isLowLatencyPlaylist}. */
  readonly lowLatency: boolean;
}

/**
 * Signs every http(s) or relative URI of an HLS playlist with `sign` and rewrites
 * the playlist: a signed URI is replaced by its absolute signed URL (or, with
 * `keepRelative`, a relative URI by itself plus the signing query); a URI that
 * cannot be signed is left unchanged and reported; one that is not http(s) is left.
 *
 * @param text - the playlist (already known to be HLS)
 * @param base - the URL it is served from (validated), or `undefined` when there is none
 * @param keepRelative - keep relative URIs relative
 * @param sign - signs absolute URLs; one result per URL, in order (`Signer.signUrls`, `SignedPolicy.applyAll`)
 * @throws {@link CfSignError} `INVALID_ARGUMENT` when `text` is not an HLS playlist; what `sign` throws
 */
export async function signHlsUris(
  text: string,
  base: string | undefined,
  keepRelative: boolean,
  sign: (urls: string[]) => BatchResult[] | Promise<BatchResult[]>,
): Promise<HlsSigning> {
  const refs = playlistUris(text);
  const failures: PlaylistFailure[] = [];
  const refuse = (ref: PlaylistUri, error: CfSignError): void => {
    failures.push({ line: ref.line, index: ref.index, kind: ref.kind, error });
  };
  const targets: PlaylistTarget[] = [];
  let skipped = 0;
  for (const ref of refs) {
    const t = targetOf(ref, base);
    if (t === "skip") skipped++;
    else if ("code" in t) refuse(ref, new CfSignError(t.code, t.message, { index: ref.index }));
    else targets.push(t);
  }
  const results = targets.length === 0 ? [] : await sign(targets.map((t) => t.resolved));
  const replacements = new Map<number, string>();
  const signed: PlaylistTarget[] = [];
  for (let k = 0; k < targets.length; k++) {
    const t = targets[k]!;
    const r = results[k];
    if (r === undefined) {
      refuse(t.ref, new CfSignError("SIGNING_FAILED", "internal: no result for the URI", { index: t.ref.index }));
      continue;
    }
    if (!r.ok) {
      refuse(t.ref, r.error.withIndex(t.ref.index));
      continue;
    }
    signed.push(t);
    // The signing query: what was appended to the resolved URL (`?...` or `&...`).
    const suffix = r.url.slice(t.resolved.length);
    replacements.set(t.ref.index, keepRelative && t.relative ? t.ref.uri + suffix : r.url);
  }
  failures.sort((a, b) => a.index - b.index);
  return {
    text: rewritePlaylist(text, (ref) => replacements.get(ref.index)),
    uris: refs.length - skipped,
    signed: signed.length,
    skipped,
    failures,
    targets: signed,
    lowLatency: isLowLatencyPlaylist(text),
  };
}
