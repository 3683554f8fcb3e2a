/**
 * The signer: key imported and checked once, hot path loaded once, then many
 * URLs signed per call; also signed cookies and shared policies (./shared-policy.ts).
 * Runtime-neutral; the entry points inject the key importer (node:crypto or
 * WebCrypto) and the hot path.
 *
 * @module
 */
import { CfSignError, fail, type BatchFailure } from "./errors.ts";
import { applySignTimeout, ECDSA_P256_MAX_DER_BYTES, RSA_2048_SIGNATURE_BYTES } from "./crypto/custom.ts";
import type {
  HashAlgorithm,
  KeyAlgorithm,
  KeyImporter,
  KeyImportOptions,
  PrivateKeyInput,
  SigningKey,
} from "./crypto/types.ts";
import type { EngineName, HotPath, PolicySpec, UrlParts } from "./engine/types.ts";
import { cookieAttributes, setCookie, type CookieAttributeOptions } from "./cloudfront/cookie.ts";
import { isHlsPlaylist } from "./formats/hls.ts";
import { hasWildcard, policyConditions, requireExpires, type Conditions } from "./cloudfront/conditions.ts";
import { validateKeyPairId } from "./cloudfront/key-pair-id.ts";
import { checkBaseUrl, sharedFolderResource, signHlsUris, type PlaylistFailure } from "./playlist.ts";
import { resourceCovers, validateResource } from "./cloudfront/resource.ts";
import type { DateInput } from "./cloudfront/time.ts";
import { MAX_URL_BYTES, validateUrl } from "./cloudfront/url.ts";
import { SignatureCache } from "./lib/signature-cache.ts";
import { rewriteLines, type RewriteLinesOptions, type RewriteLinesResult } from "./rewrite-lines.ts";
import { SignedPolicy } from "./shared-policy.ts";

/** Which platform API performs the private-key operation. */
export type CryptoBackend = "node" | "webcrypto";

/** Options of {@link createSigner}. */
export interface SignerOptions {
  /** The CloudFront public key id (key group) or legacy key pair id, e.g. `K2JCJMDEHXQW5F`. */
  keyPairId: string;
  /** The private key; see {@link PrivateKeyInput}. */
  privateKey: PrivateKeyInput;
  /** Passphrase of an encrypted PKCS#8 PEM key. */
  passphrase?: string | undefined;
  /** `"SHA256"` (default; adds `Hash-Algorithm=SHA256`) or `"SHA1"` (CloudFront's legacy default). */
  hashAlgorithm?: HashAlgorithm | undefined;
  /** Hot-path implementation. Default `"wasm"`. */
  engine?: EngineName | undefined;
  /** Platform signing API. Default: `"node"` where node:crypto exists, else `"webcrypto"`. */
  backend?: CryptoBackend | undefined;
  /** Signatures in flight at once within a batch. Default 64. */
  concurrency?: number | undefined;
  /** Current time in milliseconds, for checking that `expires` is in the future. Default `Date.now`. */
  clock?: (() => number) | undefined;
  /**
   * Node only: sign large batches on worker threads instead of libuv's thread pool. A thread count,
   * or `"auto"`: one per core, for ECDSA keys only (an RSA signature costs far more than the thread-pool
   * round trip, so threads do not help there; see README "Performance"). Threads start on the first batch
   * of at least 64 signatures and never keep the process alive when idle; `signer.close()` stops them.
   * Not available with a custom signer or in other runtimes. Default: none.
   */
  workers?: WorkersOption | undefined;
  /**
   * Remember up to this many signatures, keyed by the exact policy bytes, so that a URL signed again
   * with the same policy (see `expiresWindow`) costs no signature. Default 0 (off).
   */
  signatureCacheSize?: number | undefined;
  /**
   * Custom signers only: milliseconds a signature may take before that item fails with
   * `SIGNING_FAILED` ("timed out"); a late answer is ignored. The timer is cleared when the call
   * settles, so it holds the process at most this long. Whole milliseconds, 1 to 2147483647.
   * Ignored for platform keys. Default: none (a custom signer that never answers hangs the batch).
   */
  signTimeoutMs?: number | undefined;
}

/** `workers` of {@link SignerOptions}: a thread count or `"auto"`. */
export type WorkersOption = number | "auto";

/** @internal Signs whole batches somewhere else (worker threads); provided by the Node entry. */
export interface BatchSigner {
  /** Threads used. */
  readonly size: number;
  /** One signature (or per-item `SIGNING_FAILED` error) per payload, in order. */
  signMany(payloads: readonly Uint8Array[]): Promise<(Uint8Array | CfSignError)[]>;
  /** Stops the threads. */
  close(): Promise<void>;
}

/** Policy options for one URL (or defaults for a batch). */
export interface SignOptions {
  /** End of validity (`DateLessThan`): a `Date`, integer epoch seconds, or ISO-8601 with a zone. Required. */
  expires: DateInput;
  /** Start of validity (`DateGreaterThan`; no access on or before it). Makes the policy custom. */
  starts?: DateInput | undefined;
  /** IPv4 address or CIDR allowed to use the URL. Makes the policy custom. */
  ipAddress?: string | undefined;
  /** Resource pattern with `*`/`?` wildcards that must cover the URL. Makes the policy custom. */
  resource?: string | undefined;
  /** Allow a resource of `*` or with a wildcard in the scheme or host. */
  allowAnyResource?: boolean | undefined;
  /** Percent-encode characters that must be encoded (spaces, non-ASCII, quotes, ...), then sign the encoded URL. */
  encode?: boolean | undefined;
  /**
   * Round `expires` up to the next multiple of this many seconds (epoch-aligned), so that the same
   * URL signed again within the window gets the same policy and, with `signatureCacheSize`, the same
   * signature: repeatable URLs that browsers and CDNs can cache. The URL stays valid up to this much
   * longer than asked. E.g. `300`: the next 5-minute boundary at or after `expires`.
   */
  expiresWindow?: number | undefined;
}

/** Options of {@link Signer.signPolicy}. */
export interface SignPolicyOptions {
  /** Resource pattern with `*`/`?` wildcards, e.g. `https://cdn.example.com/gallery/*`. Required. */
  resource: string;
  /** End of validity (`DateLessThan`): a `Date`, integer epoch seconds, or ISO-8601 with a zone. Required. */
  expires: DateInput;
  /** Start of validity (`DateGreaterThan`; no access on or before it). */
  starts?: DateInput | undefined;
  /** IPv4 address or CIDR allowed to use the URLs. */
  ipAddress?: string | undefined;
  /** Allow a resource of `*` or with a wildcard in the scheme or host. */
  allowAnyResource?: boolean | undefined;
}

/** Options of {@link Signer.signCookies}: the policy, then the cookie attributes. */
export interface SignCookiesOptions extends CookieAttributeOptions {
  /**
   * The URL (canned policy, when no other condition is given) or the pattern with `*`/`?`
   * wildcards (custom policy) the cookies grant. Required unless `allowAnyResource` is set.
   */
  resource?: string | undefined;
  /** End of validity (`DateLessThan`): a `Date`, integer epoch seconds, or ISO-8601 with a zone. Required. */
  expires: DateInput;
  /** Start of validity (`DateGreaterThan`; no access on or before it). Makes the policy custom. */
  starts?: DateInput | undefined;
  /** IPv4 address or CIDR allowed to use the cookies. Makes the policy custom. */
  ipAddress?: string | undefined;
  /** Allow a resource of `*` or with a wildcard in the scheme or host; without a resource, grant every file. */
  allowAnyResource?: boolean | undefined;
}

/** The names of CloudFront's signed cookies. */
export type CloudFrontCookieName =
  | "CloudFront-Expires"
  | "CloudFront-Policy"
  | "CloudFront-Signature"
  | "CloudFront-Key-Pair-Id"
  | "CloudFront-Hash-Algorithm";

/** What {@link Signer.signCookies} returns. */
export interface SignedCookies {
  /** `"canned"` (`CloudFront-Expires`) or `"custom"` (`CloudFront-Policy`). */
  readonly kind: "canned" | "custom";
  /** The cookie values by name (for frameworks that set cookies from name and value). */
  readonly cookies: {
    readonly "CloudFront-Expires"?: string;
    readonly "CloudFront-Policy"?: string;
    readonly "CloudFront-Signature": string;
    readonly "CloudFront-Key-Pair-Id": string;
    /** `SHA256` when the signer uses SHA-256; absent for SHA-1. */
    readonly "CloudFront-Hash-Algorithm"?: string;
  };
  /** One `Set-Cookie` header value per cookie, in the order above. */
  readonly setCookie: readonly string[];
}

/** One batch item: a URL, or a URL with its own policy options overriding the batch's. */
export type BatchItem = string | ({ url: string } & Partial<SignOptions>);

/** Options of {@link Signer.signUrls}. */
export interface BatchOptions extends Partial<SignOptions> {
  /** Throw one `BATCH_FAILED` error (listing every failing index) instead of reporting per item. */
  strict?: boolean | undefined;
}

/** One result of {@link Signer.signUrls}, in input order. */
export type BatchResult =
  | { readonly ok: true; readonly url: string }
  | { readonly ok: false; readonly index: number; readonly error: CfSignError };

/**
 * How {@link Signer.signPlaylist} signs a playlist's URIs:
 *
 * - `"per-uri"`: each URI on its own (canned policy, or custom with `starts`/`ipAddress`/`resource`),
 *   one signature each, through {@link Signer.signUrls}
 * - `"shared"`: one custom policy for the playlist's folder (`…/folder/*`, or `resource`), signed once
 *   with {@link Signer.signPolicy} and applied to every URI. Use it for Low-Latency HLS: players add
 *   `_HLS_msn` and `_HLS_part` to playlist requests, which a per-URI signature refuses
 */
export type PlaylistMode = "per-uri" | "shared";

/** Options of {@link Signer.signPlaylist}: the policy options of {@link Signer.signUrls}, and where the playlist is served from. */
export interface SignPlaylistOptions {
  /**
   * The absolute URL the playlist is served from, e.g. `https://cdn.example.com/videos/intro/master.m3u8`.
   * Relative URIs are resolved against it (WHATWG URL rules: `../`, `/`, `?query`). Required.
   */
  baseUrl: string;
  /** `"per-uri"` (default) or `"shared"`; see {@link PlaylistMode}. */
  mode?: PlaylistMode | undefined;
  /** End of validity (`DateLessThan`): a `Date`, integer epoch seconds, or ISO-8601 with a zone. Required. */
  expires: DateInput;
  /** Start of validity (`DateGreaterThan`; no access on or before it). Makes a per-URI policy custom. */
  starts?: DateInput | undefined;
  /** IPv4 address or CIDR allowed to use the URLs. Makes a per-URI policy custom. */
  ipAddress?: string | undefined;
  /**
   * Per-URI: a pattern that must cover every URI (a custom policy per URI). Shared: the shared policy's
   * resource instead of the playlist's folder, e.g. `https://cdn.example.com/videos/*` when segments
   * live beside the playlist's folder rather than under it.
   */
  resource?: string | undefined;
  /** Allow a `resource` of `*` or with a wildcard in the scheme or host. */
  allowAnyResource?: boolean | undefined;
  /** Keep relative URIs relative, with the signing query appended (default: the absolute signed URL). */
  keepRelative?: boolean | undefined;
  /** Throw one `BATCH_FAILED` error (its `failures` list each failing URI's index) instead of reporting failures. */
  strict?: boolean | undefined;
}

/** What {@link Signer.signPlaylist} returns. */
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

/**
 * The one error of a strict batch: how many of `what` failed, the first ten `named`, every failure in
 * `failures` (no URL is returned).
 */
function batchFailed(what: string, failures: BatchFailure[], named: readonly string[]): CfSignError {
  return new CfSignError(
    "BATCH_FAILED",
    `${failures.length} of ${what} failed, nothing was returned: ${named.join(", ")}` + (failures.length > 10 ? ", ..." : ""),
    { failures },
  );
}

/** What an entry point provides to {@link createSignerWith}. */
export interface SignerPlatform {
  /** Key importers by backend; a missing one is not available in this runtime. */
  readonly importers: Partial<Record<CryptoBackend, KeyImporter>>;
  /** The default backend of this entry point. */
  readonly defaultBackend: CryptoBackend;
  /** Loads a hot path by name (once; implementations cache). */
  loadHotPath(name: EngineName): Promise<HotPath>;
  /**
   * Where worker threads exist (the Node entry): a batch signer for the `workers` option, or `null`
   * when `"auto"` finds threads would not help. Absent: `workers` is refused.
   */
  readonly createBatchSigner?:
    | ((key: KeyImportOptions, algorithm: KeyAlgorithm, workers: WorkersOption) => Promise<BatchSigner | null>)
    | undefined;
}

/** Options of {@link Signer.signStream}. */
export interface StreamOptions extends Partial<SignOptions> {
  /** Items signed per batch; at most two batches are in flight. Default 1024. */
  window?: number | undefined;
}

/** Internal settings of a {@link Signer} beyond the basics. */
interface SignerExtras {
  readonly batchSigner?: BatchSigner | null | undefined;
  readonly cacheSize?: number | undefined;
}

/** Items validated and signed together: bounded work in flight, and preparation overlapping signing. */
const WINDOW = 2048;
/** Smallest batch worth sending to worker threads. */
const BATCH_SIGNER_MIN = 64;
/** Largest `expiresWindow`: one year. */
const MAX_EXPIRES_WINDOW = 31_536_000;


interface Prepared {
  readonly url: string;
  readonly spec: PolicySpec;
  readonly canned: boolean;
}

/** One window of a batch after validation, with its signing under way. */
interface Staged {
  readonly prepared: Prepared[];
  /** Position in the batch of each prepared item. */
  readonly positions: number[];
  readonly policies: Uint8Array[];
  /** Indexes into `prepared` of the items short enough to sign. */
  readonly signable: number[];
  /** Per signable item: a signature from the cache, or undefined. */
  readonly cached: (Uint8Array | undefined)[];
  /** Per signable item: its cache key (when the cache is on). */
  readonly keys: string[] | undefined;
  /** Signatures of the signable items that were not cached, in order. */
  readonly signing: Promise<(Uint8Array | CfSignError)[]>;
}

/**
 * Signs CloudFront URLs and cookies with one key. Create it with `createSigner`.
 * It holds no key material in enumerable properties; `util.inspect`,
 * `JSON.stringify` and `toString` show only the key pair id and settings.
 */
export class Signer {
  readonly #key: SigningKey;
  readonly #hotPath: HotPath;
  readonly #keyPairId: string;
  readonly #suffix: string;
  readonly #concurrency: number;
  readonly #clock: () => number;
  readonly #maxSignatureChars: number;
  #batchSigner: BatchSigner | undefined;
  readonly #cache: SignatureCache | undefined;

  /** @internal Use `createSigner`. */
  constructor(
    key: SigningKey,
    hotPath: HotPath,
    keyPairId: string,
    concurrency: number,
    clock: () => number,
    extras: SignerExtras = {},
  ) {
    this.#batchSigner = extras.batchSigner ?? undefined;
    this.#cache = extras.cacheSize ? new SignatureCache(extras.cacheSize) : undefined;
    this.#key = key;
    this.#hotPath = hotPath;
    this.#keyPairId = keyPairId;
    this.#suffix = "&Key-Pair-Id=" + keyPairId + (key.hashAlgorithm === "SHA256" ? "&Hash-Algorithm=SHA256" : "");
    this.#concurrency = concurrency;
    this.#clock = clock;
    const maxSignatureBytes = key.algorithm === "RSA" ? RSA_2048_SIGNATURE_BYTES : ECDSA_P256_MAX_DER_BYTES;
    this.#maxSignatureChars = base64Length(maxSignatureBytes);
  }

  /** The key pair id put in every URL. */
  get keyPairId(): string {
    return this.#keyPairId;
  }
  /** `"RSA"` or `"ECDSA"`. */
  get algorithm(): KeyAlgorithm {
    return this.#key.algorithm;
  }
  /** `"SHA256"` or `"SHA1"`. */
  get hashAlgorithm(): HashAlgorithm {
    return this.#key.hashAlgorithm;
  }
  /** The hot-path engine in use. */
  get engine(): EngineName {
    return this.#hotPath.name;
  }
  /** Worker threads used for large batches (0: libuv's thread pool, or the platform's own). */
  get workers(): number {
    return this.#batchSigner?.size ?? 0;
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
  async signUrl(url: string, options: SignOptions): Promise<string> {
    const [result] = await this.#run([url], options);
    if (result === undefined) fail("INVALID_ARGUMENT", "internal: no result");
    if (!result.ok) throw result.error;
    return result.url;
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
  async signUrls(items: readonly BatchItem[], options: BatchOptions = {}): Promise<BatchResult[]> {
    if (!Array.isArray(items)) fail("INVALID_ARGUMENT", "signUrls takes an array of URLs or { url, ... } items");
    const results = await this.#run(items, options);
    if (options.strict === true) {
      const failures: BatchFailure[] = [];
      for (const r of results) if (!r.ok) failures.push({ index: r.index, code: r.error.code });
      if (failures.length > 0) {
        throw batchFailed(`${items.length} items`, failures, failures.slice(0, 10).map((f) => `${f.index} (${f.code})`));
      }
    }
    return results;
  }

  /**
   * Signs a batch window by window: window k+1 is validated and its policies
   * built while window k is being signed, and each window is assembled in one
   * hot-path call. Results land at their batch positions.
   */
  async #run(items: readonly BatchItem[], given: Partial<SignOptions>): Promise<BatchResult[]> {
    const defaults = ownOptions(given);
    const nowSeconds = this.#clock() / 1000;
    const n = items.length;
    const results: BatchResult[] = new Array(n);
    let inFlight: Staged | undefined;
    for (let start = 0; ; start += WINDOW) {
      const next = start < n ? this.#stage(items, start, Math.min(n, start + WINDOW), defaults, nowSeconds, results) : undefined;
      if (inFlight !== undefined) this.#finish(inFlight, await inFlight.signing, results);
      if (next === undefined) break;
      inFlight = next;
    }
    return results;
  }

  /** Validates items [start, end), builds their policies and starts signing the ones not in the cache. */
  #stage(
    items: readonly BatchItem[],
    start: number,
    end: number,
    defaults: Partial<SignOptions>,
    nowSeconds: number,
    results: BatchResult[],
  ): Staged {
    const prepared: Prepared[] = [];
    const positions: number[] = [];
    for (let i = start; i < end; i++) {
      try {
        prepared.push(this.#prepare(items[i], defaults, nowSeconds));
        positions.push(i);
      } catch (err) {
        results[i] = failure(err, i);
      }
    }
    const policies = prepared.length === 0 ? [] : this.#hotPath.serializePolicies(prepared.map((p) => p.spec));
    const signable: number[] = [];
    for (let k = 0; k < prepared.length; k++) {
      const p = prepared[k]!;
      const head = p.canned ? 8 + String(p.spec.expires).length : 7 + base64Length(policies[k]!.length);
      const length = p.url.length + 1 + head + 11 + this.#maxSignatureChars + this.#suffix.length;
      if (length > MAX_URL_BYTES) {
        results[positions[k]!] = failure(
          new CfSignError(
            "URL_TOO_LONG",
            `the signed URL would be up to ${length} bytes; CloudFront accepts at most ${MAX_URL_BYTES}` +
              (p.canned ? "" : " (a shorter resource pattern shortens the Policy parameter)"),
          ),
          positions[k]!,
        );
      } else {
        signable.push(k);
      }
    }
    const cache = this.#cache;
    const cached: (Uint8Array | undefined)[] = new Array(signable.length);
    let keys: string[] | undefined;
    const toSign: Uint8Array[] = [];
    if (cache === undefined) {
      for (const k of signable) toSign.push(policies[k]!);
    } else {
      keys = new Array(signable.length);
      for (let s = 0; s < signable.length; s++) {
        const policy = policies[signable[s]!]!;
        const key = SignatureCache.key(policy);
        keys[s] = key;
        const hit = cache.get(key);
        cached[s] = hit;
        if (hit === undefined) toSign.push(policy);
      }
    }
    const signing = toSign.length === 0 ? Promise.resolve([]) : this.#signAll(toSign);
    // Awaited in #run; until then a platform failure must not count as unhandled.
    signing.catch(() => {});
    return { prepared, positions, policies, signable, cached, keys, signing };
  }

  /** Assembles the signed URLs of a staged window (one hot-path call) and stores the results. */
  #finish(staged: Staged, signatures: readonly (Uint8Array | CfSignError)[], results: BatchResult[]): void {
    const { prepared, positions, policies, signable, cached, keys } = staged;
    const parts: UrlParts[] = [];
    const partPositions: number[] = [];
    let next = 0;
    for (let s = 0; s < signable.length; s++) {
      const k = signable[s]!;
      let sig = cached[s];
      if (sig === undefined) {
        const made = signatures[next++]!;
        if (made instanceof CfSignError) {
          results[positions[k]!] = failure(made, positions[k]!);
          continue;
        }
        sig = made;
        if (keys !== undefined) this.#cache!.set(keys[s]!, made);
      }
      const p = prepared[k]!;
      parts.push(p.canned ? { url: p.url, expires: p.spec.expires, signature: sig } : { url: p.url, policy: policies[k]!, signature: sig });
      partPositions.push(positions[k]!);
    }
    if (parts.length === 0) return;
    const urls = this.#hotPath.assembleUrls(parts, this.#suffix);
    for (let s = 0; s < urls.length; s++) results[partPositions[s]!] = { ok: true, url: urls[s]! };
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
  async *signStream(
    source: Iterable<BatchItem> | AsyncIterable<BatchItem> | ReadableStream<BatchItem>,
    options: StreamOptions = {},
  ): AsyncGenerator<BatchResult, void, undefined> {
    const window = options.window ?? 1024;
    if (!Number.isInteger(window) || window < 1) fail("INVALID_ARGUMENT", "window must be a positive integer");
    const iterator = iterate(source);
    try {
      let offset = 0;
      let pending: { results: Promise<BatchResult[]>; offset: number } | undefined;
      for (;;) {
        const batch: BatchItem[] = [];
        while (batch.length < window) {
          const step = await iterator.next();
          if (step.done === true) break;
          const item = step.value;
          batch.push(typeof item === "string" ? stripLineEnd(item) : item);
        }
        let started: { results: Promise<BatchResult[]>; offset: number } | undefined;
        if (batch.length > 0) {
          started = { results: this.#run(batch, options), offset };
          started.results.catch(() => {});
          offset += batch.length;
        }
        if (pending !== undefined) {
          for (const r of await pending.results) yield r.ok ? r : failure(r.error, pending.offset + r.index);
        }
        if (started === undefined) return;
        pending = started;
      }
    } finally {
      await iterator.return?.();
    }
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
   *   `into` must hold at least `rewriteLinesMaxBytes(input, policy)` bytes (input bytes + lines ×
   *   (query length + 1)) and must not overlap `input`; the next call with it overwrites `bytes`.
   * @returns `bytes` (signed lines with their own line ends; empty lines kept, refused lines left out),
   *   `lines`, and `failures` (`{ line, error }`, with `error.index === line`)
   * @throws {@link CfSignError} `EXPIRES_IN_PAST` when the policy has expired; `INVALID_ARGUMENT` for a
   *   policy not from `signPolicy`, an input neither bytes nor a string, or an `into` that is not a
   *   `Uint8Array`, is smaller than `rewriteLinesMaxBytes(input, policy)` (the message gives both sizes)
   *   or overlaps `input` (in these cases `into` is left untouched)
   * @example
   * ```ts
   * const gallery = await signer.signPolicy({ resource: "https://cdn.example.com/gallery/*", expires });
   * const { bytes, failures } = signer.rewriteLines(gallery, await readFile("gallery.txt"));
   * // Reusing one buffer (sized once, here for this input; any larger size works too):
   * const into = new Uint8Array(rewriteLinesMaxBytes(body, gallery));
   * const { bytes: signed } = signer.rewriteLines(gallery, body, { into }); // signed: a view of into
   * ```
   */
  rewriteLines(policy: SignedPolicy, input: Uint8Array | string, options: RewriteLinesOptions = {}): RewriteLinesResult {
    if (!(policy instanceof SignedPolicy)) fail("INVALID_ARGUMENT", "rewriteLines takes a SignedPolicy from signer.signPolicy");
    return rewriteLines(this.#hotPath, policy, input, options, this.#clock() / 1000);
  }

  /**
   * Signs every URI of an HLS playlist (RFC 8216bis) and returns the playlist with
   * every other byte unchanged: media segment and variant stream lines, and the
   * `URI="..."` of `EXT-X-KEY`, `EXT-X-SESSION-KEY`, `EXT-X-MAP`, `EXT-X-MEDIA`,
   * `EXT-X-I-FRAME-STREAM-INF`, `EXT-X-SESSION-DATA`, `EXT-X-PART`,
   * `EXT-X-PRELOAD-HINT` and `EXT-X-RENDITION-REPORT`. Relative URIs are resolved
   * against `baseUrl` and replaced by the absolute signed URL (or kept relative with
   * `keepRelative`). The same code as `cfsign playlist`.
   *
   * A URI that cannot be signed (a space in it, not covered by the shared policy,
   * a signing parameter already in it, ...) is left unchanged in the text and
   * reported in `failures` with its line; the other URIs are still signed. URIs that
   * are not http(s) (`skd://`, `data:`) are left unchanged and counted in `skipped`.
   *
   * @param text - the playlist's text (starting with `#EXTM3U`, after an optional BOM)
   * @param options - `baseUrl` (required), `expires` (required), `mode`, `starts`, `ipAddress`,
   *   `resource`, `allowAnyResource`, `keepRelative`, `strict`
   * @returns the signed text, counts, and per-URI failures
   * @throws {@link CfSignError} `INVALID_ARGUMENT` (not an HLS playlist, a bad option), the `baseUrl` codes
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
  async signPlaylist(text: string, given: SignPlaylistOptions): Promise<SignedPlaylist> {
    if (typeof given !== "object" || given === null) {
      fail("INVALID_ARGUMENT", "signPlaylist takes the playlist's text and an options object with baseUrl and expires");
    }
    if (typeof text !== "string") fail("INVALID_ARGUMENT", "signPlaylist takes the playlist's text as a string");
    if (!isHlsPlaylist(text)) {
      fail("INVALID_ARGUMENT", "not an HLS playlist: the first line must be #EXTM3U (after an optional byte order mark)");
    }
    const options = ownOptions(given);
    if (options.baseUrl === undefined) {
      fail("INVALID_ARGUMENT", "signPlaylist needs baseUrl: the absolute URL the playlist is served from");
    }
    const base = checkBaseUrl(options.baseUrl, "baseUrl");
    const mode = options.mode ?? "per-uri";
    if (mode !== "per-uri" && mode !== "shared") fail("INVALID_ARGUMENT", 'mode must be "per-uri" or "shared"');
    // The policy options are checked once, in the order of every entry point: a bad date fails the
    // call, not each URI.
    requireExpires(options);
    const { expires, starts, ipAddress } = policyConditions(options, this.#clock() / 1000);
    const allowAnyResource = options.allowAnyResource === true;
    const resource = options.resource === undefined ? undefined : validateResource(options.resource, allowAnyResource).pattern;
    let policy: SignedPolicy | undefined;
    let sign: (urls: string[]) => BatchResult[] | Promise<BatchResult[]>;
    if (mode === "shared") {
      const shared = await this.signPolicy({ resource: resource ?? sharedFolderResource(base), expires, starts, ipAddress, allowAnyResource });
      policy = shared;
      sign = (urls) => shared.applyAll(urls);
    } else {
      sign = (urls) => this.signUrls(urls, { expires, starts, ipAddress, resource, allowAnyResource });
    }
    const signed = await signHlsUris(text, base, options.keepRelative === true, sign);
    const { failures } = signed;
    if (options.strict === true && failures.length > 0) {
      throw batchFailed(
        `${signed.uris} URIs of the playlist`,
        failures.map((f) => ({ index: f.index, code: f.error.code })),
        failures.slice(0, 10).map((f) => `line ${f.line} (${f.error.code})`),
      );
    }
    return {
      text: signed.text,
      mode,
      uris: signed.uris,
      signed: signed.signed,
      skipped: signed.skipped,
      failures,
      policy,
      lowLatency: signed.lowLatency,
    };
  }

  /**
   * Stops the worker threads of the `workers` option, if any; later batches are
   * signed on libuv's thread pool. Idle threads never keep the process alive, so
   * this is only needed to free them early.
   *
   * @returns when the threads have exited
   */
  async close(): Promise<void> {
    const batchSigner = this.#batchSigner;
    this.#batchSigner = undefined;
    await batchSigner?.close();
  }

  #prepare(item: BatchItem | undefined, defaults: Partial<SignOptions>, nowSeconds: number): Prepared {
    let rawUrl: unknown;
    let o: Partial<SignOptions>;
    if (typeof item === "string") {
      rawUrl = item;
      o = defaults;
    } else if (typeof item === "object" && item !== null) {
      rawUrl = item.url;
      o = Object.assign(ownOptions(defaults), definedOnly(item));
    } else {
      fail("INVALID_ARGUMENT", "each item must be a URL string or an object with a url");
    }
    requireExpires(o);
    const url = validateUrl(rawUrl, { encode: o.encode });
    const c = withWindow(policyConditions(o, nowSeconds), o.expiresWindow);
    const custom = c.starts !== undefined || c.ipAddress !== undefined || o.resource !== undefined;
    if (!custom) return { url, spec: { resource: url, expires: c.expires }, canned: true };

    let resource: string;
    if (o.resource === undefined) {
      // The URL becomes a pattern in a custom policy: a * or a second ? would widen the grant.
      if (hasWildcard(url)) {
        fail(
          "URL_HAS_WILDCARD",
          "the URL contains * or ? (beyond the query separator), which a custom policy reads as wildcards " +
            "and would widen the grant; percent-encode them (%2A, %3F) or pass an explicit resource",
        );
      }
      resource = url;
    } else {
      resource = validateResource(o.resource, o.allowAnyResource === true).pattern;
      if (!resourceCovers(resource, url)) {
        fail("RESOURCE_MISMATCH", "resource does not cover the URL being signed, so CloudFront would refuse it");
      }
    }
    return { url, spec: { resource, expires: c.expires, starts: c.starts, ipAddress: c.ipAddress }, canned: false };
  }

  /** Signs one policy; a signing failure is thrown. */
  async #signOne(policy: Uint8Array): Promise<Uint8Array> {
    const [sig] = await this.#signAll([policy]);
    if (sig === undefined) fail("SIGNING_FAILED", "internal: no signature");
    if (sig instanceof CfSignError) throw sig;
    return sig;
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
  async signCookies(given: SignCookiesOptions): Promise<SignedCookies> {
    if (typeof given !== "object" || given === null) fail("INVALID_ARGUMENT", "signCookies takes an options object");
    const options = ownOptions(given);
    requireExpires(options);
    const nowSeconds = this.#clock() / 1000;
    const { resource } = options;
    let spec: PolicySpec;
    let canned = false;
    const conditionsGiven = options.starts !== undefined || options.ipAddress !== undefined;
    if (resource === undefined) {
      if (options.allowAnyResource !== true) {
        fail(
          "INVALID_RESOURCE",
          "signCookies needs a resource (the URL or pattern the cookies grant), or allowAnyResource: true to grant " +
            "every file of every distribution that trusts this key",
        );
      }
      // "*" grants what an absent Resource grants (CLOUDFRONT.md "Wildcards"), in the hot path's one policy shape.
      const c = policyConditions(options, nowSeconds);
      spec = { resource: "*", expires: c.expires, starts: c.starts, ipAddress: c.ipAddress };
    } else if (!conditionsGiven && typeof resource === "string" && !hasWildcard(resource)) {
      const url = validateUrl(resource);
      const c = policyConditions(options, nowSeconds);
      spec = { resource: url, expires: c.expires };
      canned = true;
    } else {
      const pattern = validateResource(resource, options.allowAnyResource === true).pattern;
      const c = policyConditions(options, nowSeconds);
      spec = { resource: pattern, expires: c.expires, starts: c.starts, ipAddress: c.ipAddress };
    }
    const attributes = cookieAttributes(options);
    const [policy] = this.#hotPath.serializePolicies([spec]);
    if (policy === undefined) fail("INVALID_ARGUMENT", "internal: no policy");
    const policyValue = canned ? undefined : this.#hotPath.encodeBase64(policy);
    // Check the size before signing: the signature's length is known in advance.
    const head: [string, string] = canned ? ["CloudFront-Expires", String(spec.expires)] : ["CloudFront-Policy", policyValue!];
    setCookie(head[0], head[1], attributes);
    const signature = this.#hotPath.encodeBase64(await this.#signOne(policy));
    const pairs: [CloudFrontCookieName, string][] = [head as [CloudFrontCookieName, string]];
    pairs.push(["CloudFront-Signature", signature], ["CloudFront-Key-Pair-Id", this.#keyPairId]);
    if (this.#key.hashAlgorithm === "SHA256") pairs.push(["CloudFront-Hash-Algorithm", "SHA256"]);
    const cookies: Partial<Record<CloudFrontCookieName, string>> = {};
    const headers: string[] = [];
    for (const [name, value] of pairs) {
      cookies[name] = value;
      headers.push(setCookie(name, value, attributes));
    }
    return { kind: canned ? "canned" : "custom", cookies: cookies as SignedCookies["cookies"], setCookie: headers };
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
  async signPolicy(given: SignPolicyOptions): Promise<SignedPolicy> {
    if (typeof given !== "object" || given === null) fail("INVALID_ARGUMENT", "signPolicy takes an options object");
    const options = ownOptions(given);
    requireExpires(options);
    if (options.resource === undefined) {
      fail("INVALID_RESOURCE", "signPolicy needs a resource, e.g. https://cdn.example.com/gallery/*");
    }
    const resource = validateResource(options.resource, options.allowAnyResource === true).pattern;
    const c = policyConditions(options, this.#clock() / 1000);
    const spec: PolicySpec = { resource, expires: c.expires, starts: c.starts, ipAddress: c.ipAddress };
    const [shared] = this.#hotPath.serializePolicies([spec]);
    if (shared === undefined) fail("INVALID_ARGUMENT", "internal: no policy");
    const policy = shared.slice(); // the hot path may return a view into a buffer it reuses
    const signature = await this.#signOne(policy);
    const query =
      "Policy=" + this.#hotPath.encodeBase64(policy) + "&Signature=" + this.#hotPath.encodeBase64(signature) + this.#suffix;
    return new SignedPolicy({ policy, query, resource, expires: c.expires, starts: c.starts, ipAddress: c.ipAddress, clock: this.#clock });
  }

  /** Signs with at most `concurrency` signatures in flight; an item's failure is returned, a platform failure thrown. */
  async #signAll(payloads: readonly Uint8Array[]): Promise<(Uint8Array | CfSignError)[]> {
    if (this.#batchSigner !== undefined && payloads.length >= BATCH_SIGNER_MIN) return this.#batchSigner.signMany(payloads);
    const out: (Uint8Array | CfSignError)[] = new Array(payloads.length);
    let next = 0;
    let fatal: unknown;
    const worker = async (): Promise<void> => {
      while (next < payloads.length && fatal === undefined) {
        const i = next++;
        try {
          const sig = await this.#key.sign(payloads[i]!);
          out[i] = sig.length === 0 ? new CfSignError("SIGNING_FAILED", "the platform returned an empty signature") : sig;
        } catch (err) {
          if (err instanceof CfSignError && err.code === "SIGNING_FAILED") out[i] = err;
          else if (err instanceof CfSignError) fatal = err;
          else out[i] = new CfSignError("SIGNING_FAILED", "signing failed", { cause: err });
        }
      }
    };
    const workers: Promise<void>[] = [];
    for (let w = 0; w < Math.min(this.#concurrency, payloads.length); w++) workers.push(worker());
    await Promise.all(workers);
    if (fatal !== undefined) throw fatal;
    return out;
  }

  /** `Signer(K2JCJMDEHXQW5F, RSA, SHA256, wasm)`: never key material. */
  toString(): string {
    return `Signer(${this.#keyPairId}, ${this.algorithm}, ${this.hashAlgorithm}, ${this.engine})`;
  }

  /** JSON form: key pair id and settings only. */
  toJSON(): { keyPairId: string; algorithm: KeyAlgorithm; hashAlgorithm: HashAlgorithm; engine: EngineName } {
    return { keyPairId: this.#keyPairId, algorithm: this.algorithm, hashAlgorithm: this.hashAlgorithm, engine: this.engine };
  }

  /** Node's `util.inspect` form: the same as {@link Signer.toString}. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

function failure(err: unknown, index: number): BatchResult {
  const error =
    err instanceof CfSignError
      ? err.withIndex(index)
      : new CfSignError("INVALID_ARGUMENT", "the item could not be processed", { cause: err, index });
  return { ok: false, index, error };
}

/**
 * The caller's options as their own properties only, on an object without a
 * prototype: an inherited `resource` or `allowAnyResource` (planted through a
 * prototype-pollution bug elsewhere in the application) must never widen a grant.
 */
function ownOptions<T extends object>(value: T): T {
  return Object.assign(Object.create(null) as T, value);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  const out = Object.create(null) as Partial<T>;
  for (const [k, v] of Object.entries(value)) if (v !== undefined && k !== "url") (out as Record<string, unknown>)[k] = v;
  return out;
}

/** Rounds `expires` up to the next multiple of `window` seconds (see {@link SignOptions.expiresWindow}). */
function withWindow(c: Conditions, window: number | undefined): Conditions {
  if (window === undefined) return c;
  if (!Number.isInteger(window) || window < 1 || window > MAX_EXPIRES_WINDOW) {
    fail("INVALID_ARGUMENT", "expiresWindow must be a whole number of seconds from 1 to 31536000 (one year)");
  }
  return { ...c, expires: Math.ceil(c.expires / window) * window };
}

/** Removes one trailing `\n` or `\r\n`. */
function stripLineEnd(line: string): string {
  if (!line.endsWith("\n")) return line;
  return line.slice(0, line.endsWith("\r\n") ? -2 : -1);
}

/** An async iterator over an iterable, async iterable or web ReadableStream. */
function iterate<T>(source: Iterable<T> | AsyncIterable<T> | ReadableStream<T>): AsyncIterator<T> & { return?(): Promise<unknown> } {
  if (source !== null && typeof source === "object") {
    if (Symbol.asyncIterator in source) return (source as AsyncIterable<T>)[Symbol.asyncIterator]();
    if (Symbol.iterator in source) {
      const it = (source as Iterable<T>)[Symbol.iterator]();
      return {
        next: async () => it.next(),
        return: async () => it.return?.() ?? { done: true, value: undefined },
      };
    }
    if (typeof (source as ReadableStream<T>).getReader === "function") {
      const reader = (source as ReadableStream<T>).getReader();
      return {
        next: async () => {
          const { done, value } = await reader.read();
          return done ? { done: true, value: undefined } : { done: false, value: value as T };
        },
        return: async () => {
          await reader.cancel();
          reader.releaseLock();
          return { done: true, value: undefined };
        },
      };
    }
  }
  fail("INVALID_ARGUMENT", "signStream takes an iterable, an async iterable or a ReadableStream of URLs");
}

/** Characters of CloudFront-safe base64 for `n` bytes. */
function base64Length(n: number): number {
  return Math.ceil(n / 3) * 4;
}

/**
 * Creates a signer on a given platform. Entry points call this with their
 * importers and hot-path loader; applications call `createSigner`.
 *
 * @throws {@link CfSignError} `INVALID_KEY_PAIR_ID`, `INVALID_KEY`, `UNSUPPORTED_KEY`, `UNSUPPORTED_HASH`, `INVALID_ARGUMENT`
 */
export async function createSignerWith(options: SignerOptions, platform: SignerPlatform): Promise<Signer> {
  if (typeof options !== "object" || options === null) fail("INVALID_ARGUMENT", "createSigner takes an options object");
  const { keyPairId, privateKey, passphrase } = options;
  validateKeyPairId(keyPairId);
  if (privateKey === undefined || privateKey === null) fail("INVALID_KEY", "privateKey is required");
  if (passphrase !== undefined && typeof passphrase !== "string") fail("INVALID_ARGUMENT", "passphrase must be a string");
  const hashAlgorithm = options.hashAlgorithm ?? "SHA256";
  if (hashAlgorithm !== "SHA256" && hashAlgorithm !== "SHA1") {
    fail("INVALID_ARGUMENT", 'hashAlgorithm must be "SHA256" or "SHA1"');
  }
  const engine = options.engine ?? "wasm";
  if (engine !== "wasm" && engine !== "js") fail("INVALID_ARGUMENT", 'engine must be "wasm" or "js"');
  const backend = options.backend ?? platform.defaultBackend;
  const importer = platform.importers[backend];
  if (importer === undefined) fail("INVALID_ARGUMENT", `the ${backend} backend is not available in this runtime`);
  const concurrency = options.concurrency ?? 64;
  if (!Number.isInteger(concurrency) || concurrency < 1) fail("INVALID_ARGUMENT", "concurrency must be a positive integer");
  const clock = options.clock ?? Date.now;
  if (typeof clock !== "function") fail("INVALID_ARGUMENT", "clock must be a function returning milliseconds");
  const cacheSize = options.signatureCacheSize ?? 0;
  if (!Number.isInteger(cacheSize) || cacheSize < 0) fail("INVALID_ARGUMENT", "signatureCacheSize must be a whole number");
  const { workers } = options;
  if (workers !== undefined) {
    if (workers !== "auto" && (!Number.isInteger(workers) || workers < 1)) {
      fail("INVALID_ARGUMENT", 'workers must be a positive whole number or "auto"');
    }
    if (platform.createBatchSigner === undefined) {
      fail("INVALID_ARGUMENT", "workers need node:worker_threads, which this runtime's entry does not use");
    }
    if (backend !== "node") fail("INVALID_ARGUMENT", 'workers sign with node:crypto; they need backend "node"');
  }
  const keyOptions: KeyImportOptions = { privateKey: applySignTimeout(privateKey, options.signTimeoutMs), passphrase, hashAlgorithm };
  const [key, hotPath] = await Promise.all([importer(keyOptions), platform.loadHotPath(engine)]);
  const batchSigner =
    workers === undefined ? null : await platform.createBatchSigner!(keyOptions, key.algorithm, workers);
  return new Signer(key, hotPath, keyPairId, concurrency, clock, { batchSigner, cacheSize });
}
