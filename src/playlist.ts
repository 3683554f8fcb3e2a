/**
 * Signing HLS playlists (`Signer.signPlaylist`, `Signer.signPlaylists`, `cfsign playlist`): which
 * URIs are signed, as what absolute URL (resolved against the URL the playlist is served from, with
 * WHATWG URL rules, after `EXT-X-DEFINE` variables are substituted as a player does), which are
 * refused and why, and how the signed URLs are put back with every other byte unchanged
 * (./formats/hls.ts). Runtime-neutral (no `node:` imports).
 *
 * @module
 */
import { CfSignError, fail, type CfSignErrorCode } from "./errors.ts";
import { batchFailed, signUrls, type SignerCore } from "./batch.ts";
import { signPolicy, type SignedPolicy } from "./shared-policy.ts";
import { ownOptions, policyConditions, requireExpires } from "./lib/options.ts";
import type { BatchResult, ItemFailure, PlaylistMode, SignPlaylistOptions } from "./types.ts";
import {
  hasVariableReference,
  isHlsPlaylist,
  PLAYER_QUERY_KINDS,
  playlistDefinitions,
  playlistUris,
  rewritePlaylist,
  substituteVariables,
  type PlaylistUri,
  type PlaylistUriKind,
} from "./formats/hls.ts";
import { resourceCoversPrefix, validateResource } from "./cloudfront/resource.ts";
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
  /** The URI after variable substitution (the URI as written when it has no variable). */
  readonly uri: string;
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

/** True for a Low-Latency HLS playlist, whose players add `_HLS_msn`/`_HLS_part` to playlist requests. */
export function isLowLatencyPlaylist(text: string): boolean {
  return /^#EXT-X-(?:PART|PRELOAD-HINT|PART-INF|SERVER-CONTROL:.*CAN-BLOCK-RELOAD=YES)/m.test(text);
}

/** A URI of a playlist that was not signed; it is left in the playlist as it was. */
export interface PlaylistFailure extends ItemFailure {
  /** 1-based line number of the URI. */
  readonly line: number;
  /** 0-based position among the playlist's URIs, in order of appearance; `error.index` is the same. */
  readonly index: number;
  /** What the URI points at (`segment`, `variant`, `key`, `map`, ...). */
  readonly kind: PlaylistUriKind;
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

/** How {@link signHlsUris} signs. */
export interface HlsSigningOptions {
  /** The URL the playlist is served from (validated), or `undefined` when there is none. */
  readonly base: string | undefined;
  /** Keep relative URIs relative. */
  readonly keepRelative: boolean;
  /** Signs absolute URLs; one result per URL, in order (`Signer.signUrls`, `SignedPolicy.applyAll`). */
  readonly sign: (urls: string[]) => BatchResult[] | Promise<BatchResult[]>;
  /**
   * Shared mode: the policy whose query `sign` appends. A URI with a variable that has no value is
   * then signed when the policy covers every URL its fixed part can become (the part before the
   * variable, resolved); without it (per-URI mode) such a URI is refused with `URI_HAS_VARIABLE`.
   */
  readonly shared?: SignedPolicy | undefined;
  /** Values of `EXT-X-DEFINE:IMPORT` variables (the multivariant playlist's definitions). */
  readonly imported?: ReadonlyMap<string, string> | undefined;
  /** Per-URI mode: `"refuse"` URIs a player adds query parameters to (`PLAYER_ADDS_QUERY`), or `"sign"` them. */
  readonly playerQueries?: "refuse" | "sign" | undefined;
  /** Per-URI mode, a master playlist: true for a variant URL whose media playlist is Low-Latency. */
  readonly lowLatencyAt?: ((resolved: string) => boolean) | undefined;
}

/**
 * The values of a playlist's variables as a player has them (§4.4.2.3): `NAME`/`VALUE` definitions,
 * `QUERYPARAM` from the query of the URL the playlist is loaded from, and `IMPORT` from the
 * multivariant playlist's values.
 *
 * @param text - the playlist
 * @param base - the URL it is loaded from
 * @param imported - the multivariant playlist's values, for `IMPORT`
 * @returns name → value
 */
export function variableValues(
  text: string,
  base: string | undefined,
  imported?: ReadonlyMap<string, string>,
): Map<string, string> {
  const values = new Map<string, string>();
  let query: URLSearchParams | undefined;
  for (const d of playlistDefinitions(text)) {
    if (d.source === "value") values.set(d.name, d.value!);
    else if (d.source === "import") {
      const v = imported?.get(d.name);
      if (v !== undefined) values.set(d.name, v);
    } else if (base !== undefined) {
      query ??= new URL(base).searchParams;
      const v = query.get(d.name);
      if (v !== null) values.set(d.name, v);
    }
  }
  return values;
}

/**
 * Signs every http(s) or relative URI of an HLS playlist with `options.sign` and rewrites the
 * playlist: a signed URI is replaced by its absolute signed URL (or, with `keepRelative`, a relative
 * URI by itself plus the signing query; a URI with variables by itself, variables kept, plus the
 * query); a URI that cannot be signed is left unchanged and reported; one that is not http(s) is left.
 *
 * @param text - the playlist (already known to be HLS)
 * @param options - base URL, mode, and how to sign
 * @returns the signed text, counts, failures and the URIs signed
 * @throws {@link CfSignError} `INVALID_ARGUMENT` when `text` is not an HLS playlist; what `sign` throws
 */
export async function signHlsUris(text: string, options: HlsSigningOptions): Promise<HlsSigning> {
  const { base, keepRelative, sign, shared } = options;
  const refs = playlistUris(text);
  const lowLatency = isLowLatencyPlaylist(text);
  const values = variableValues(text, base, options.imported);
  const refuseQueries = shared === undefined && options.playerQueries !== "sign";
  const failures: PlaylistFailure[] = [];
  const refuse = (ref: PlaylistUri, code: CfSignErrorCode, message: string): void => {
    failures.push({
      line: ref.line,
      index: ref.index,
      kind: ref.kind,
      error: new CfSignError(code, message, { index: ref.index }),
    });
  };
  const targets: PlaylistTarget[] = [];
  const replacements = new Map<number, string>();
  const signed: PlaylistTarget[] = [];
  let skipped = 0;
  for (const ref of refs) {
    const variable = hasVariableReference(ref.uri);
    const { uri, unresolved } = variable ? substituteVariables(ref.uri, values) : { uri: ref.uri, unresolved: false };
    if (unresolved) {
      if (shared === undefined) {
        refuse(
          ref,
          "URI_HAS_VARIABLE",
          "the URI uses a variable with no value in reach (EXT-X-DEFINE IMPORT or QUERYPARAM, or none); a per-URI signature needs the URL a player requests after substitution: pass its value, or sign with a shared policy",
        );
        continue;
      }
      const at = uri.search(/\{\$[A-Za-z0-9_-]+\}/);
      if (/^(?!https?:)[A-Za-z][A-Za-z0-9+.-]*:/i.test(uri.slice(0, at))) {
        skipped++;
        continue;
      }
      const prefix = fixedPrefix(uri.slice(0, at), base);
      if (typeof prefix !== "string") refuse(ref, prefix.code, prefix.message);
      else if (!resourceCoversPrefix(shared.resource, prefix)) {
        refuse(
          ref,
          "RESOURCE_MISMATCH",
          "the shared policy's resource does not cover every URL the URI's fixed part (before its first variable) can become; pass a wider resource",
        );
      } else {
        const target: PlaylistTarget = { ref, uri, resolved: prefix, relative: !/^https?:/i.test(uri) };
        signed.push(target);
        replacements.set(ref.index, ref.uri + (ref.uri.includes("?") ? "&" : "?") + shared.query);
      }
      continue;
    }
    const t = targetOf(ref, base, uri);
    if (t === "skip") skipped++;
    else if ("code" in t) refuse(ref, t.code, t.message);
    else if (
      refuseQueries &&
      (PLAYER_QUERY_KINDS.has(ref.kind) ||
        (ref.kind === "rendition-report" && lowLatency) ||
        (ref.playlist && options.lowLatencyAt?.(t.resolved) === true))
    ) {
      refuse(
        ref,
        "PLAYER_ADDS_QUERY",
        ref.kind === "rendition-report" || (ref.playlist && !PLAYER_QUERY_KINDS.has(ref.kind))
          ? "a Low-Latency HLS player adds _HLS_msn/_HLS_part to this playlist's requests, which a per-URI signature refuses; sign with a shared policy"
          : "a player adds query parameters to this URI's requests (interstitials: _HLS_primary_id; content steering: _HLS_pathway), which a per-URI signature refuses; sign with a shared policy",
      );
    } else targets.push(t);
  }
  const results = targets.length === 0 ? [] : await sign(targets.map((t) => t.resolved));
  for (let k = 0; k < targets.length; k++) {
    const t = targets[k]!;
    const r = results[k];
    if (r === undefined) {
      refuse(t.ref, "INTERNAL", "the signer returned no result for the URI");
      continue;
    }
    if (!r.ok) {
      failures.push({ line: t.ref.line, index: t.ref.index, kind: t.ref.kind, error: r.error.withIndex(t.ref.index) });
      continue;
    }
    signed.push(t);
    // The signing query: what was appended to the resolved URL (`?...` or `&...`).
    const suffix = r.url.slice(t.resolved.length);
    // In shared mode a URI written with variables keeps them (the player substitutes them); a
    // per-URI signature is for the substituted URL, so that is what is written.
    const written = shared !== undefined && t.uri !== t.ref.uri ? t.ref.uri : t.uri;
    replacements.set(t.ref.index, (keepRelative && t.relative) || written !== t.uri ? written + suffix : r.url);
  }
  failures.sort((a, b) => a.index - b.index);
  signed.sort((a, b) => a.ref.index - b.ref.index);
  return {
    text: rewritePlaylist(text, (ref) => replacements.get(ref.index)),
    uris: refs.length - skipped,
    signed: signed.length,
    skipped,
    failures,
    targets: signed,
    lowLatency,
  };
}

/** What `Signer.signPlaylist` returns. */
export interface SignedPlaylist {
  /**
   * The playlist with each signed URI replaced by its absolute signed URL; every other byte (tags,
   * comments, blank lines, byte ranges, line ends, a BOM, a missing final newline) unchanged. URIs
   * that were not signed (see `failures`) and URIs that are not http(s) are left exactly as written.
   */
  readonly text: string;
  /** The mode used. */
  readonly mode: PlaylistMode;
  /** URIs to sign (http(s) or relative): `signed` + `failures.length`. */
  readonly uris: number;
  /** URIs signed. */
  readonly signed: number;
  /** URIs left as they were because they are not http(s) (an `skd://` FairPlay key, `data:`). */
  readonly skipped: number;
  /** The URIs that could not be signed, in playlist order, with their line; the rest are signed. */
  readonly failures: readonly PlaylistFailure[];
  /** `"shared"`: the policy signed for the playlist (its `query` can sign other URLs it covers). */
  readonly policy: SignedPolicy | undefined;
  /**
   * True for a Low-Latency HLS playlist (`EXT-X-PART`, `EXT-X-PRELOAD-HINT`, blocking reload). Its
   * players add `_HLS_msn`/`_HLS_part` to playlist requests, which per-URI signatures of playlist URIs
   * refuse: sign it with `mode: "shared"`.
   */
  readonly lowLatency: boolean;
}

/** The options common to every playlist and manifest operation, checked once. */
interface Checked {
  readonly base: string;
  readonly mode: PlaylistMode;
  readonly expires: number;
  readonly starts: number | undefined;
  readonly ipAddress: string | undefined;
  readonly resource: string | undefined;
  readonly allowAnyResource: boolean;
}

/** @internal Checks the options every streaming operation shares, in the order of every entry point. */
export function checkStreamingOptions(
  core: SignerCore,
  what: string,
  given: unknown,
  modes: readonly PlaylistMode[] = ["per-uri", "shared"],
): { options: SignPlaylistOptions; checked: Checked } {
  if (typeof given !== "object" || given === null)
    fail("INVALID_ARGUMENT", `${what} takes the text and an options object with baseUrl and expires`);
  const options = ownOptions(given as SignPlaylistOptions);
  if (options.baseUrl === undefined)
    fail("INVALID_ARGUMENT", `${what} needs baseUrl: the absolute URL the file is served from`);
  const base = checkBaseUrl(options.baseUrl, "baseUrl");
  const mode = options.mode ?? modes[0]!;
  if (!modes.includes(mode)) fail("INVALID_ARGUMENT", `mode must be ${modes.map((m) => `"${m}"`).join(" or ")}`);
  if (options.playerQueries !== undefined && options.playerQueries !== "refuse" && options.playerQueries !== "sign") {
    fail("INVALID_ARGUMENT", 'playerQueries must be "refuse" or "sign"');
  }
  if (options.variables !== undefined && (typeof options.variables !== "object" || options.variables === null)) {
    fail("INVALID_ARGUMENT", "variables must be an object of names to string values");
  }
  // The policy options are checked once, in the order of every entry point: a bad date fails the
  // call, not each URI.
  requireExpires(options);
  const { expires, starts, ipAddress } = policyConditions(options, core.clock() / 1000);
  const allowAnyResource = options.allowAnyResource === true;
  const resource =
    options.resource === undefined ? undefined : validateResource(options.resource, allowAnyResource).pattern;
  return { options, checked: { base, mode, expires, starts, ipAddress, resource, allowAnyResource } };
}

/** @internal The shared policy of a streaming operation: `resource`, or the folder of `base`. */
export function sharedPolicyFor(core: SignerCore, c: Checked): Promise<SignedPolicy> {
  return signPolicy(core, {
    resource: c.resource ?? sharedFolderResource(c.base),
    expires: c.expires,
    starts: c.starts,
    ipAddress: c.ipAddress,
    allowAnyResource: c.allowAnyResource,
  });
}

function signerFor(
  core: SignerCore,
  c: Checked,
  shared: SignedPolicy | undefined,
): (urls: string[]) => BatchResult[] | Promise<BatchResult[]> {
  if (shared !== undefined) return (urls) => shared.applyAll(urls);
  const { expires, starts, ipAddress, resource, allowAnyResource } = c;
  return (urls) => signUrls(core, urls, { expires, starts, ipAddress, resource, allowAnyResource });
}

/** @internal The one error of a strict call: how many of `what` failed, the first ten by line. */
export function strictFailure(
  what: string,
  failures: readonly { index: number; line: number; error: CfSignError }[],
): CfSignError {
  return batchFailed(
    what,
    failures.map((f) => ({ index: f.index, code: f.error.code })),
    failures.slice(0, 10).map((f) => `line ${f.line} (${f.error.code})`),
  );
}

function variablesMap(v: Readonly<Record<string, string>> | undefined): Map<string, string> | undefined {
  if (v === undefined) return undefined;
  const out = new Map<string, string>();
  for (const [k, value] of Object.entries(v)) {
    if (typeof value !== "string") fail("INVALID_ARGUMENT", "variables must be an object of names to string values");
    out.set(k, value);
  }
  return out;
}

/**
 * `Signer.signPlaylist`: signs every URI of one HLS playlist (see the method's documentation).
 *
 * @param core - the signer's key, engine and clock
 * @param text - the playlist's text
 * @param given - the options
 * @returns the signed playlist
 * @throws {@link CfSignError} as `Signer.signPlaylist`
 */
export async function signPlaylist(
  core: SignerCore,
  text: string,
  given: SignPlaylistOptions,
): Promise<SignedPlaylist> {
  if (typeof given !== "object" || given === null) {
    fail("INVALID_ARGUMENT", "signPlaylist takes the playlist's text and an options object with baseUrl and expires");
  }
  if (typeof text !== "string") fail("INVALID_ARGUMENT", "signPlaylist takes the playlist's text as a string");
  if (!isHlsPlaylist(text)) {
    fail("INVALID_ARGUMENT", "not an HLS playlist: the first line must be #EXTM3U (after an optional byte order mark)");
  }
  const { options, checked } = checkStreamingOptions(core, "signPlaylist", given);
  const policy = checked.mode === "shared" ? await sharedPolicyFor(core, checked) : undefined;
  const signed = await signHlsUris(text, {
    base: checked.base,
    keepRelative: options.keepRelative === true,
    sign: signerFor(core, checked, policy),
    shared: policy,
    imported: variablesMap(options.variables),
    playerQueries: options.playerQueries,
  });
  if (options.strict === true && signed.failures.length > 0)
    throw strictFailure(`${signed.uris} URIs of the playlist`, signed.failures);
  return {
    text: signed.text,
    mode: checked.mode,
    uris: signed.uris,
    signed: signed.signed,
    skipped: signed.skipped,
    failures: signed.failures,
    policy,
    lowLatency: signed.lowLatency,
  };
}

/** Options of `Signer.signPlaylists`: those of `signPlaylist`, and how to load a playlist. */
export interface SignPlaylistsOptions extends Omit<SignPlaylistOptions, "variables"> {
  /**
   * Loads a playlist's text by its absolute URL (as resolved from the master, without any signing
   * query): from a CDN origin, a bucket, or a disk. Called once per distinct media playlist.
   */
  load: (url: string) => Promise<string> | string;
  /** At most this many media playlists are loaded (default 1,000); more is refused with `INVALID_ARGUMENT`. */
  maxPlaylists?: number | undefined;
}

/** One playlist of {@link SignedPlaylists}. */
export interface SignedPlaylistsEntry extends Omit<SignedPlaylist, "mode" | "policy"> {
  /** The URL it is served from: `baseUrl` for the master, else as resolved from the master. */
  readonly url: string;
  /** The 1-based lines of the master that name it (empty for the master). */
  readonly namedOn: readonly number[];
}

/** What `Signer.signPlaylists` returns. */
export interface SignedPlaylists {
  /** The master first, then each media playlist in the order the master first names it. */
  readonly playlists: readonly SignedPlaylistsEntry[];
  readonly mode: PlaylistMode;
  /** Totals over every playlist. */
  readonly uris: number;
  readonly signed: number;
  readonly skipped: number;
  /** Every failure, with the URL of its playlist. */
  readonly failures: readonly (PlaylistFailure & { readonly url: string })[];
  /** `"shared"`: the one policy signed for all of them. */
  readonly policy: SignedPolicy | undefined;
  /** True when any of them is a Low-Latency playlist. */
  readonly lowLatency: boolean;
}

/** How many media playlists `signPlaylists` loads at once. */
const LOAD_CONCURRENCY = 8;

const FOLLOWED: ReadonlySet<PlaylistUriKind> = new Set(["variant", "media", "i-frame"]);

/**
 * `Signer.signPlaylists`: signs an HLS master playlist and the media playlists it names (variant
 * streams, `EXT-X-MEDIA`, `EXT-X-I-FRAME-STREAM-INF`), loaded with `options.load`. In per-URI mode
 * a variant whose media playlist is Low-Latency is refused with `PLAYER_ADDS_QUERY` (its player
 * reloads it with `_HLS_msn`), and each media playlist gets the master's variables for `IMPORT`.
 *
 * @param core - the signer's key, engine and clock
 * @param given - the options, with `baseUrl` the master's URL and `load`
 * @returns every playlist signed
 * @throws {@link CfSignError} as `Signer.signPlaylists`
 */
export async function signPlaylists(core: SignerCore, given: SignPlaylistsOptions): Promise<SignedPlaylists> {
  const { options, checked } = checkStreamingOptions(core, "signPlaylists", given);
  const load = (given as SignPlaylistsOptions).load;
  if (typeof load !== "function")
    fail("INVALID_ARGUMENT", "signPlaylists needs load: a function that returns a playlist's text by its URL");
  const max = (given as SignPlaylistsOptions).maxPlaylists ?? 1000;
  if (!Number.isInteger(max) || max < 0) fail("INVALID_ARGUMENT", "maxPlaylists must be a whole number");
  const fetchText = async (url: string): Promise<string> => {
    const text = await load(url);
    if (typeof text !== "string") fail("INVALID_ARGUMENT", "load must return the playlist's text as a string");
    if (!isHlsPlaylist(text))
      fail("INVALID_ARGUMENT", "a loaded playlist is not an HLS playlist: its first line must be #EXTM3U");
    return text;
  };
  const masterText = await fetchText(checked.base);
  const masterValues = variableValues(masterText, checked.base);
  // The media playlists, by the URL a player resolves from the master (variables substituted).
  const children = new Map<string, number[]>();
  for (const ref of playlistUris(masterText)) {
    if (!FOLLOWED.has(ref.kind)) continue;
    const { uri, unresolved } = substituteVariables(ref.uri, masterValues);
    if (unresolved) continue;
    const t = targetOf(ref, checked.base, uri);
    if (t === "skip" || "code" in t) continue;
    const lines = children.get(t.resolved);
    if (lines === undefined) children.set(t.resolved, [ref.line]);
    else lines.push(ref.line);
  }
  if (children.size > max)
    fail("INVALID_ARGUMENT", `the master names ${children.size} media playlists, more than maxPlaylists (${max})`);
  // Loaded a few at a time (a CDN origin or bucket answers in parallel), kept in the master's order.
  const texts = new Map<string, string>();
  const urls = [...children.keys()];
  for (let k = 0; k < urls.length; k += LOAD_CONCURRENCY) {
    const batch = urls.slice(k, k + LOAD_CONCURRENCY);
    const loaded = await Promise.all(batch.map((url) => fetchText(url)));
    batch.forEach((url, i) => texts.set(url, loaded[i]!));
  }
  const lowLatencyUrls = new Set([...texts].filter(([, t]) => isLowLatencyPlaylist(t)).map(([u]) => u));

  const policy = checked.mode === "shared" ? await sharedPolicyFor(core, checked) : undefined;
  const sign = signerFor(core, checked, policy);
  const common = {
    keepRelative: options.keepRelative === true,
    sign,
    shared: policy,
    playerQueries: options.playerQueries,
  };
  const playlists: SignedPlaylistsEntry[] = [];
  const failures: (PlaylistFailure & { url: string })[] = [];
  const add = (url: string, namedOn: number[], s: HlsSigning): void => {
    playlists.push({
      url,
      namedOn,
      text: s.text,
      uris: s.uris,
      signed: s.signed,
      skipped: s.skipped,
      failures: s.failures,
      lowLatency: s.lowLatency,
    });
    for (const f of s.failures) failures.push({ ...f, url });
  };
  add(
    checked.base,
    [],
    await signHlsUris(masterText, { ...common, base: checked.base, lowLatencyAt: (u) => lowLatencyUrls.has(u) }),
  );
  for (const [url, namedOn] of children) {
    add(url, namedOn, await signHlsUris(texts.get(url)!, { ...common, base: url, imported: masterValues }));
  }
  const total = (k: "uris" | "signed" | "skipped"): number => playlists.reduce((n, p) => n + p[k], 0);
  if (options.strict === true && failures.length > 0) {
    throw strictFailure(
      `${total("uris")} URIs of ${playlists.length} playlists`,
      failures.map((f, index) => ({ ...f, index })),
    );
  }
  return {
    playlists,
    mode: checked.mode,
    uris: total("uris"),
    signed: total("signed"),
    skipped: total("skipped"),
    failures,
    policy,
    lowLatency: playlists.some((p) => p.lowLatency),
  };
}
