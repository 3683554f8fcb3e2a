/**
 * Where a URI of a playlist or manifest points: the URL it is served from checked, a URI resolved
 * against it as a player resolves it (WHATWG URL), the fixed part of a URI with variables turned
 * into the absolute prefix every substitution shares, and the folder a shared policy covers by
 * default. Used by HLS (./sign-hls-uris.ts, ../playlist.ts), DASH (../manifest.ts) and `cfsign playlist`.
 * Runtime-neutral.
 *
 * @module
 */
import { CfSignError, type CfSignErrorCode } from "../errors.ts";
import type { PlaylistUri } from "../formats/hls.ts";
import { validateUrl } from "../cloudfront/url.ts";

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
  /** The URI after variable substitution (the URI as written when it has no variable). */
  readonly uri: string;
  /** The absolute URL signed. */
  readonly resolved: string;
  /** True when the URI was relative. */
  readonly relative: boolean;
}

/** Why a URI cannot be signed, before any signing. */
interface TargetRefusal {
  readonly code: CfSignErrorCode;
  readonly message: string;
}

const URI_SAFE = /^[A-Za-z0-9\-._~:/?@!$&()*+,;=%]*$/;

/**
 * What to do with a URI (after variable substitution): sign its absolute form, leave it (`"skip"`:
 * not http(s), such as an `skd://` or `data:` key URI), or refuse it (a relative URI that is not
 * URL-safe, or with no base to resolve against).
 *
 * @param ref - the URI as found
 * @param base - the URL the playlist is served from
 * @param uri - the URI to judge, when it differs from `ref.uri` (variables substituted)
 */
export function targetOf(
  ref: PlaylistUri,
  base: string | undefined,
  uri: string = ref.uri,
): PlaylistTarget | "skip" | TargetRefusal {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri);
  if (scheme !== null) {
    const s = scheme[1]!.toLowerCase();
    return s === "http" || s === "https" ? { ref, uri, resolved: uri, relative: false } : "skip";
  }
  if (base === undefined)
    return { code: "INVALID_URL", message: "the URI is relative and there is no base URL to resolve it against" };
  if (!URI_SAFE.test(uri) || /%(?![0-9A-Fa-f]{2})/.test(uri)) {
    return {
      code: "URL_UNSAFE_CHARACTER",
      message:
        "the relative URI has a character that must be percent-encoded (a space, non-ASCII, a quote, #...); encode it in the playlist",
    };
  }
  const resolved = safeResolve(uri, base);
  return resolved === undefined
    ? { code: "INVALID_URL", message: "the URI cannot be resolved against the base URL" }
    : { ref, uri, resolved, relative: true };
}

/**
 * Where every URL starting with `fixed` (a URI's or template's part before its first variable)
 * lands once resolved against `base` as a player resolves it: the absolute prefix that all of them
 * share, or a refusal when there is none because the variable could still decide the scheme or host
 * (an empty fixed part, `https` or `https://cdn` before the variable).
 *
 * @param fixed - the fixed part, as written
 * @param base - the URL of the playlist or manifest (or the BaseURL in effect)
 * @param digitsOnly - the variables stand for digits only (DASH `$Number$`, `$Time$`), which can
 *   never form a scheme, a host or a dot segment, so any fixed part has a prefix
 * @returns the absolute prefix, or why there is none
 */
export function fixedPrefix(fixed: string, base: string | undefined, digitsOnly = false): string | TargetRefusal {
  const hostDecided = (): TargetRefusal => ({
    code: "URI_HAS_VARIABLE",
    message:
      "a variable comes before the end of the URI's host, so it decides where the URI points; no policy can be checked before substitution",
  });
  const absolute = /^[A-Za-z][A-Za-z0-9+.-]*:/.test(fixed);
  if (absolute && !/^https?:\/\/[^/?#]+[/?]/i.test(fixed)) {
    if (!digitsOnly || !/^https?:\/\//i.test(fixed)) return hostDecided();
  }
  if (
    !absolute &&
    !digitsOnly &&
    (fixed === "" ||
      /^[A-Za-z][A-Za-z0-9+.-]*$/.test(fixed) ||
      (fixed.startsWith("//") && !/^\/\/[^/?#]+[/?]/.test(fixed)))
  ) {
    return hostDecided();
  }
  if (!URI_SAFE.test(fixed) || /%(?![0-9A-Fa-f]{2})/.test(fixed)) {
    return {
      code: "URL_UNSAFE_CHARACTER",
      message:
        "the URI has a character that must be percent-encoded before its variable; encode it where it is written",
    };
  }
  if (!absolute && base === undefined)
    return { code: "INVALID_URL", message: "the URI is relative and there is no base URL to resolve it against" };
  // A sentinel after the fixed part keeps a trailing "." or ".." from reading as a dot segment, and
  // makes an empty last segment resolve into the folder rather than to the base's file name.
  const resolved = safeResolve(fixed + "0", base ?? fixed + "0");
  if (resolved === undefined || !resolved.endsWith("0"))
    return { code: "INVALID_URL", message: "the URI's fixed part cannot be resolved against the base URL" };
  return resolved.slice(0, -1);
}
