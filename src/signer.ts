/**
 * The {@link Signer} that `createSigner` returns (./create-signer.ts imports the key
 * and loads the hot path once); then many URLs signed per call. The Signer
 * holds the state; each operation lives in a module of its own:
 *
 * - ./batch.ts: `signUrl`, `signUrls`, `signStream` (validate, build the policy, sign, assemble)
 * - ./cookies.ts: `signCookies`
 * - ./shared-policy.ts: `signPolicy` and {@link SignedPolicy}
 * - ./rewrite-lines.ts: `rewriteLines`
 * - ./playlist.ts: the URIs of an HLS playlist
 *
 * Runtime-neutral; the entry points inject the key importer (node:crypto or
 * WebCrypto) and the hot path.
 *
 * @module
 */
import { fail } from "./errors.ts";
import { signStream, signUrl, signUrls, type SignerCore } from "./batch.ts";
import type { HashAlgorithm, KeyAlgorithm } from "./crypto/types.ts";
import type { EngineName } from "./engine/types.ts";
import type { SignedPlaylist, SignedPlaylists, SignPlaylistsOptions } from "./playlist.ts";
import type { SignedManifest, SignManifestOptions } from "./manifest.ts";
import { rewriteLines, type RewriteLinesOptions, type RewriteLinesResult } from "./rewrite-lines.ts";
import { signPolicy, SignedPolicy } from "./shared-policy.ts";
import type {
  BatchItem,
  BatchOptions,
  BatchResult,
  SignCookiesOptions,
  SignedCookies,
  SignOptions,
  SignPlaylistOptions,
  SignPolicyOptions,
  StreamOptions,
} from "./types.ts";

export type { SignedPlaylist, SignedPlaylists, SignPlaylistsOptions } from "./playlist.ts";
export type { SignedManifest, SignManifestOptions } from "./manifest.ts";

/** The one way to construct a {@link Signer}, set by its static block: its constructor is private. */
let newSigner: (core: SignerCore) => Signer;

/**
 * Signs CloudFront URLs and cookies with one key. Create it with `createSigner`.
 * It holds no key material in enumerable properties; `util.inspect`,
 * `JSON.stringify` and `toString` show only the key pair id and settings.
 */
export class Signer {
  readonly #core: SignerCore;

  private constructor(core: SignerCore) {
    this.#core = core;
  }

  static {
    newSigner = (core) => new Signer(core);
  }

  /** The key pair id put in every URL. */
  get keyPairId(): string {
    return this.#core.keyPairId;
  }
  /** `"RSA"` or `"ECDSA"`. */
  get algorithm(): KeyAlgorithm {
    return this.#core.key.algorithm;
  }
  /** `"SHA256"` or `"SHA1"`. */
  get hashAlgorithm(): HashAlgorithm {
    return this.#core.key.hashAlgorithm;
  }
  /** The hot-path engine in use. */
  get engine(): EngineName {
    return this.#core.hotPath.name;
  }
  /** Worker threads used for large batches (0: libuv's thread pool, or the platform's own). */
  get workers(): number {
    return this.#core.batchSigner?.size ?? 0;
  }

  /**
   * Signs one URL.
   *
   * @param url - absolute `https://` or `http://` URL, exactly as clients will request it
   * @param options - `expires` (required), and `starts`/`ipAddress`/`resource` for a custom policy
   * @returns the signed URL
   * @throws {@link CfSignError} with the code of the first problem found
   * @example
   * ```ts
   * const url = await signer.signUrl("https://d111111abcdef8.cloudfront.net/video.mp4", {
   *   expires: new Date(Date.now() + 3600_000),
   * });
   * ```
   */
  signUrl(url: string, options: SignOptions): Promise<string> {
    return signUrl(this.#core, url, options);
  }

  /**
   * Signs many URLs in one call: every item is validated first, then all are
   * signed with many signatures in flight, then assembled in one hot-path call.
   *
   * @param items - URLs, or `{ url, ...options }` objects overriding `options` per item
   * @param options - batch-wide policy options, and `strict`
   * @returns one result per item, in input order: `{ ok: true, url }` or `{ ok: false, index, error }`
   * @throws {@link CfSignError} `BATCH_FAILED` in strict mode when any item fails (no URL is returned);
   *   key and platform failures (`UNSUPPORTED_HASH`, ...) always throw
   * @example
   * ```ts
   * const results = await signer.signUrls(urls, { expires: Math.floor(Date.now() / 1000) + 300 });
   * for (const r of results) if (!r.ok) console.error(r.index, r.error.code);
   * ```
   */
  signUrls(items: readonly BatchItem[], options: BatchOptions = {}): Promise<BatchResult[]> {
    return signUrls(this.#core, items, options);
  }

  /**
   * Signs a stream of URLs (or `{ url, ...options }` items) and yields one
   * result per item, in input order, as soon as its batch is done. Items are
   * taken in batches of `window` through the same path as {@link Signer.signUrls};
   * at most two batches are in flight and the source is read only as fast as the
   * results are consumed, so memory stays bounded for any length of input.
   *
   * @param source - an iterable, async iterable or web `ReadableStream` of URLs or items; a string item
   *   may end with `\n` or `\r\n` (lines from a reader), which is removed
   * @param options - batch-wide policy options, and `window` (items per batch, default 1024)
   * @returns an async generator of results: `{ ok: true, url }` or `{ ok: false, index, error }` where
   *   `index` is the item's position in the stream
   * @throws {@link CfSignError} key and platform failures (`SIGNING_FAILED` from a stopped worker, ...);
   *   `INVALID_ARGUMENT` when `source` is not iterable
   * @example
   * ```ts
   * import { createReadStream } from "node:fs";
   * import { createInterface } from "node:readline";
   * const lines = createInterface({ input: createReadStream("urls.txt") });
   * for await (const r of signer.signStream(lines, { expires })) {
   *   if (r.ok) out.write(r.url + "\n");
   * }
   * ```
   */
  signStream(
    source: Iterable<BatchItem> | AsyncIterable<BatchItem> | ReadableStream<BatchItem>,
    options: StreamOptions = {},
  ): AsyncGenerator<BatchResult, void, undefined> {
    return signStream(this.#core, source, options);
  }

  /**
   * Signs a set of CloudFront signed cookies: one policy, one signature, and a
   * ready `Set-Cookie` value per cookie (`private-content-setting-signed-cookie-canned-policy`,
   * `...-custom-policy`).
   *
   * The policy is canned (`CloudFront-Expires`) when only `expires` and a plain
   * `resource` URL (no `*`, no `?` beyond the query separator) are given; the cookies
   * then grant exactly that URL. Otherwise it is custom (`CloudFront-Policy`): give a
   * pattern such as `https://cdn.example.com/gallery/*` to grant many files. A `?`
   * in a resource with no other wildcard is read as the query separator (the narrower
   * reading); add `*` or a condition to use it as a wildcard.
   *
   * The `Set-Cookie` values carry no `Expires`/`Max-Age` (the guide advises against
   * them: the policy decides how long access lasts), and default to `Path=/; Secure; HttpOnly`.
   *
   * @param options - `expires` (required), `resource` (required unless `allowAnyResource`),
   *   `starts`, `ipAddress`, and the cookie attributes `domain`, `path`, `secure`, `httpOnly`, `sameSite`
   * @returns the cookie values by name, and one `Set-Cookie` header value per cookie
   * @throws {@link CfSignError} the URL and policy codes of {@link Signer.signUrl} (`INVALID_URL`,
   *   `URL_HAS_SIGNING_PARAMETER`, `INVALID_RESOURCE`, `RESOURCE_TOO_BROAD`, `INVALID_DATE`,
   *   `EXPIRES_IN_PAST`, `INVALID_IP_ADDRESS`, ...), `INVALID_COOKIE_ATTRIBUTE`,
   *   `COOKIE_DOMAIN_NOT_ALLOWED`, `COOKIE_TOO_LARGE`, `SIGNING_FAILED`
   * @example
   * ```ts
   * const { setCookie } = await signer.signCookies({
   *   resource: "https://cdn.example.com/gallery/*",
   *   expires: new Date(Date.now() + 3600_000),
   *   domain: "example.com",
   * });
   * res.setHeader("Set-Cookie", setCookie);
   * ```
   */
  async signCookies(options: SignCookiesOptions): Promise<SignedCookies> {
    return (await import("./cookies.ts")).signCookies(this.#core, options);
  }

  /**
   * Signs one custom policy once, for many URLs: every URL the policy's
   * `resource` covers gets the same `Policy`, `Signature` and `Key-Pair-Id`
   * parameters, with no signature per URL. The usual use is a wildcard resource
   * such as `https://cdn.example.com/gallery/*` for all the files of one page.
   *
   * @param options - `resource` (required) and `expires` (required), optional `starts`, `ipAddress`, `allowAnyResource`
   * @returns a {@link SignedPolicy}; its `apply(url)` and `applyAll(urls)` add the precomputed query to URLs
   * @throws {@link CfSignError} `INVALID_RESOURCE`, `RESOURCE_TOO_BROAD`, `INVALID_DATE`, `DATE_IN_MILLISECONDS`,
   *   `EXPIRES_IN_PAST`, `INVALID_DATE_RANGE`, `INVALID_IP_ADDRESS`, `IPV6_NOT_SUPPORTED`, `SIGNING_FAILED`
   * @example
   * ```ts
   * const gallery = await signer.signPolicy({
   *   resource: "https://cdn.example.com/gallery/*",
   *   expires: Math.floor(Date.now() / 1000) + 3600,
   * });
   * const urls = gallery.applyAll(photoUrls); // [{ ok: true, url }, ...]
   * ```
   */
  signPolicy(options: SignPolicyOptions): Promise<SignedPolicy> {
    return signPolicy(this.#core, options);
  }

  /**
   * Signs every URL line of a list held as bytes (a gallery file, a playlist
   * body) with one shared policy from {@link Signer.signPolicy}: a constant
   * number of hot-path calls for the whole input. A byte scan proves most lines
   * valid; any line it cannot is checked by the same validator as
   * `SignedPolicy.apply`, so the output and the refusals are exactly those of
   * applying the policy line by line.
   *
   * @param policy - the shared policy
   * @param input - lines separated by `\n` or `\r\n`, as UTF-8 bytes or a string
   * @param options - `keepComments`: copy lines starting with `#` unchanged (HLS tags); `into`: write the
   *   output into this buffer from index 0 instead of a new one (then `bytes` is `into.subarray(0, length)`
   *   and the rest of `into` is not touched), so one buffer can serve every call with no output allocation.
   *   `into` must hold at least `rewriteLinesMaxBytes(policy, input)` bytes (input bytes + lines ×
   *   (query length + 1)) and must not overlap `input`; the next call with it overwrites `bytes`.
   * @returns `bytes` (signed lines with their own line ends; empty lines kept, refused lines left out),
   *   `lines`, and `failures` (`{ index, line, error }`: `index` and `error.index` count lines from 0, `line` from 1)
   * @throws {@link CfSignError} `EXPIRES_IN_PAST` when the policy has expired; `INVALID_ARGUMENT` for a
   *   policy not from `signPolicy`, an input neither bytes nor a string, or an `into` that is not a
   *   `Uint8Array`, is smaller than `rewriteLinesMaxBytes(policy, input)` (the message gives both sizes)
   *   or overlaps `input` (in these cases `into` is left untouched)
   * @example
   * ```ts
   * const gallery = await signer.signPolicy({ resource: "https://cdn.example.com/gallery/*", expires });
   * const { bytes, failures } = signer.rewriteLines(gallery, await readFile("gallery.txt"));
   * // Reusing one buffer (sized once, here for this input; any larger size works too):
   * const into = new Uint8Array(rewriteLinesMaxBytes(gallery, body));
   * const { bytes: signed } = signer.rewriteLines(gallery, body, { into }); // signed: a view of into
   * ```
   */
  rewriteLines(
    policy: SignedPolicy,
    input: Uint8Array | string,
    options: RewriteLinesOptions = {},
  ): RewriteLinesResult {
    if (!(policy instanceof SignedPolicy))
      fail("INVALID_ARGUMENT", "rewriteLines takes a SignedPolicy from signer.signPolicy");
    return rewriteLines(this.#core.hotPath, policy, input, options, this.#core.clock() / 1000);
  }

  /**
   * Signs every URI of an HLS playlist (RFC 8216bis) and returns the playlist with
   * every other byte unchanged: media segment and variant stream lines, the
   * `URI="..."` of `EXT-X-KEY`, `EXT-X-SESSION-KEY`, `EXT-X-MAP`, `EXT-X-MEDIA`,
   * `EXT-X-I-FRAME-STREAM-INF`, `EXT-X-SESSION-DATA`, `EXT-X-PART`,
   * `EXT-X-PRELOAD-HINT` and `EXT-X-RENDITION-REPORT`, the `X-ASSET-URI`/`X-ASSET-LIST`
   * of `EXT-X-DATERANGE` and the `SERVER-URI` of `EXT-X-CONTENT-STEERING`. `EXT-X-DEFINE`
   * variables are substituted as a player does. Relative URIs are resolved
   * against `baseUrl` and replaced by the absolute signed URL (or kept relative with
   * `keepRelative`); a playlist whose URIs are all absolute needs no `baseUrl`. What
   * `cfsign playlist` calls for one playlist (./playlist.ts; docs/streaming.md).
   *
   * Per URI, URIs a player extends with its own query (Low-Latency rendition reports,
   * interstitial assets, the steering server) are refused with `PLAYER_ADDS_QUERY` unless
   * `playerQueries: "sign"`; a variable with no value in reach is `URI_HAS_VARIABLE`.
   *
   * A URI that cannot be signed (a space in it, not covered by the shared policy,
   * a signing parameter already in it, ...) is left unchanged in the text and
   * reported in `failures` with its line; the other URIs are still signed. URIs that
   * are not http(s) (`skd://`, `data:`) are left unchanged and counted in `skipped`.
   *
   * @param text - the playlist's text (starting with `#EXTM3U`, after an optional BOM)
   * @param options - `baseUrl` (required unless every URI is absolute), `expires` (required), `mode`,
   *   `starts`, `ipAddress`, `resource`, `allowAnyResource`, `keepRelative`, `variables`, `playerQueries`, `strict`
   * @returns the signed text, counts, and per-URI failures
   * @throws {@link CfSignError} `INVALID_ARGUMENT` (not an HLS playlist, a bad option, no `baseUrl` for a
   *   relative URI (the message names its line), `mode: "shared"` with neither `baseUrl` nor `resource`), the `baseUrl` codes
   *   of `signUrl` (`INVALID_URL`, `URL_HAS_FRAGMENT`, ...), the policy codes (`INVALID_DATE`,
   *   `EXPIRES_IN_PAST`, `INVALID_IP_ADDRESS`, `INVALID_RESOURCE`, ...) once for the whole playlist,
   *   `BATCH_FAILED` with `strict`, key and platform failures (`SIGNING_FAILED`)
   * @example
   * ```ts
   * const { text: signed, failures } = await signer.signPlaylist(text, {
   *   baseUrl: "https://cdn.example.com/videos/intro/master.m3u8",
   *   expires: Math.floor(Date.now() / 1000) + 3600,
   * });
   * for (const f of failures) console.error(`line ${f.line}: ${f.error.code}`);
   * ```
   */
  async signPlaylist(text: string, options: SignPlaylistOptions): Promise<SignedPlaylist> {
    return (await import("./playlist.ts")).signPlaylist(this.#core, text, options);
  }

  /**
   * Signs an HLS master playlist and the media playlists it names (variant streams, `EXT-X-MEDIA`,
   * `EXT-X-I-FRAME-STREAM-INF`) together, as `cfsign playlist --recursive` does: each is loaded with
   * `load(url)` (the master from `baseUrl`, the others at the URL a player resolves from the master)
   * and signed as {@link Signer.signPlaylist} signs it, under one shared policy in `mode: "shared"`.
   * In per-URI mode a variant whose media playlist is Low-Latency is refused (`PLAYER_ADDS_QUERY`),
   * and media playlists get the master's variables for `EXT-X-DEFINE:IMPORT`.
   *
   * @param options - those of {@link Signer.signPlaylist} (`baseUrl` is the master's URL), `load`, `maxPlaylists`
   * @returns every playlist's signed text with its URL, totals, failures with their playlist's URL
   * @throws {@link CfSignError} as {@link Signer.signPlaylist}; `INVALID_ARGUMENT` when a loaded text is not
   *   a playlist or there are more than `maxPlaylists`; whatever `load` throws
   * @example
   * ```ts
   * const { playlists } = await signer.signPlaylists({
   *   baseUrl: "https://cdn.example.com/videos/intro/master.m3u8",
   *   mode: "shared",
   *   expires: Math.floor(Date.now() / 1000) + 3600,
   *   load: async (url) => (await fetch(url.replace("https://cdn.example.com", origin))).text(),
   * });
   * for (const p of playlists) await store(p.url, p.text);
   * ```
   */
  async signPlaylists(options: SignPlaylistsOptions): Promise<SignedPlaylists> {
    return (await import("./playlist.ts")).signPlaylists(this.#core, options);
  }

  /**
   * Signs a DASH manifest (MPD, ISO/IEC 23009-1) under one shared policy: the policy's query is
   * appended to every `SegmentTemplate` `media`/`initialization`/`index`, segment-list URL,
   * `BaseURL` that is itself the media URL, `Location` and `PatchLocation`, after checking that
   * the policy covers every URL a player builds from it (BaseURLs resolved MPD → Period →
   * AdaptationSet → Representation; a template by its part before the first `$Number$`/`$Time$`).
   * One not covered is left as it was and reported (`RESOURCE_MISMATCH`); every other byte is unchanged.
   *
   * @param text - the MPD's text
   * @param options - `baseUrl` (the MPD's URL) and `expires` (required), `starts`, `ipAddress`,
   *   `resource` (default: the MPD's folder and `*`), `allowAnyResource`, `strict`
   * @returns the signed text, counts, failures (1-based line, where, code) and the policy
   * @throws {@link CfSignError} `INVALID_ARGUMENT` (not an MPD, a bad option), the `baseUrl` and policy
   *   codes once for the whole manifest, `BATCH_FAILED` with `strict`, key and platform failures
   * @example
   * ```ts
   * const { text: signed, failures } = await signer.signManifest(mpd, {
   *   baseUrl: "https://cdn.example.com/videos/intro/manifest.mpd",
   *   expires: Math.floor(Date.now() / 1000) + 3600,
   * });
   * ```
   */
  async signManifest(text: string, options: SignManifestOptions): Promise<SignedManifest> {
    return (await import("./manifest.ts")).signManifest(this.#core, text, options);
  }

  /**
   * Stops the worker threads of the `workers` option, if any; later batches are
   * signed on libuv's thread pool. Idle threads never keep the process alive, so
   * this is only needed to free them early.
   *
   * @returns when the threads have exited
   */
  async close(): Promise<void> {
    const { batchSigner } = this.#core;
    this.#core.batchSigner = undefined;
    await batchSigner?.close();
  }

  /** `Signer(K2JCJMDEHXQW5F, RSA, SHA256, wasm)`: never key material. */
  toString(): string {
    return `Signer(${this.#core.keyPairId}, ${this.algorithm}, ${this.hashAlgorithm}, ${this.engine})`;
  }

  /** JSON form: key pair id and settings only. */
  toJSON(): { keyPairId: string; algorithm: KeyAlgorithm; hashAlgorithm: HashAlgorithm; engine: EngineName } {
    return {
      keyPairId: this.#core.keyPairId,
      algorithm: this.algorithm,
      hashAlgorithm: this.hashAlgorithm,
      engine: this.engine,
    };
  }

  /** Node's `util.inspect` form: the same as {@link Signer.toString}. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/**
 * A {@link Signer} over a signer's core: how ./create-signer.ts makes one (the constructor is private).
 *
 * @param core - the key, hot path and settings
 * @returns the signer
 */
export function signerFromCore(core: SignerCore): Signer {
  return newSigner(core);
}
