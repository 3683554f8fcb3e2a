/**
 * Signing HLS playlists: `Signer.signPlaylist` (one playlist) and `Signer.signPlaylists` (a master
 * playlist and the media playlists it names). The options are checked by
 * ./lib/streaming-options.ts, each playlist's URIs signed by ./lib/sign-hls-uris.ts (resolved with
 * ./lib/uri-targets.ts) and put back with every other byte unchanged (./formats/hls.ts).
 * Runtime-neutral (no `node:` imports).
 *
 * @module
 */
import { fail } from "./errors.ts";
import type { SignerCore } from "./batch.ts";
import type { SignedPolicy } from "./shared-policy.ts";
import type { PlaylistMode, SignPlaylistOptions } from "./types.ts";
import { isHlsPlaylist, playlistUris, substituteVariables, type PlaylistUriKind } from "./formats/hls.ts";
import { isRelativeUri, targetOf } from "./lib/uri-targets.ts";
import {
  isLowLatencyPlaylist,
  signHlsUris,
  variableValues,
  type HlsSigning,
  type PlaylistFailure,
} from "./lib/sign-hls-uris.ts";
import { checkStreamingOptions, sharedPolicyFor, signerFor, strictFailure } from "./lib/streaming-options.ts";

export type { PlaylistFailure } from "./lib/sign-hls-uris.ts";

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
    fail(
      "INVALID_ARGUMENT",
      "signPlaylist takes the playlist's text and an options object with expires (and baseUrl when a URI is relative)",
    );
  }
  if (typeof text !== "string") fail("INVALID_ARGUMENT", "signPlaylist takes the playlist's text as a string");
  if (!isHlsPlaylist(text)) {
    fail("INVALID_ARGUMENT", "not an HLS playlist: the first line must be #EXTM3U (after an optional byte order mark)");
  }
  const { options, checked } = checkStreamingOptions(core, "signPlaylist", given, undefined, "optional");
  if (checked.base === undefined) {
    // Without baseUrl every URI must be absolute: a relative one has nothing to resolve against.
    const relative = playlistUris(text).find((ref) => isRelativeUri(ref.uri));
    if (relative !== undefined) {
      fail(
        "INVALID_ARGUMENT",
        `the playlist has relative URIs (the first on line ${relative.line}); give baseUrl, the URL the playlist is served from`,
      );
    }
  }
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
export interface SignPlaylistsOptions extends Omit<SignPlaylistOptions, "variables" | "baseUrl"> {
  /** The URL the master playlist is served from (and loaded from with `load`). Required. */
  baseUrl: string;
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
