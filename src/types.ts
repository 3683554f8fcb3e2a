/**
 * The shared option and result types of the signing operations (signer, batch,
 * cookies, shared policy, rewriteLines, playlists), in one module that imports
 * no operation, so that the operations can import it without import cycles.
 * Types only: nothing here runs.
 *
 * @module
 */
import type { CfSignError } from "./errors.ts";
import type { CookieAttributeOptions } from "./cloudfront/cookie.ts";
import type { DateInput } from "./cloudfront/time.ts";
import type { HashAlgorithm, PrivateKeyInput } from "./crypto/types.ts";
import type { EngineName } from "./engine/types.ts";

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
  /**
   * Called for inputs that sign but are probably not what you meant: today `S3_HOST`, a URL or
   * resource on an Amazon S3 endpoint (`bucket.s3.amazonaws.com`), which CloudFront never checks,
   * so the signature grants nothing there. The item is still signed. Default: none (no warnings are
   * looked for, which costs nothing).
   */
  onWarning?: ((warning: SignWarning) => void) | undefined;
}

/** A warning given to {@link SignerOptions.onWarning}. */
export interface SignWarning {
  /** `S3_HOST`: the host is an Amazon S3 endpoint, not a CloudFront distribution. */
  readonly code: "S3_HOST";
  /** What it means and what to do instead; never the URL. */
  readonly message: string;
  /** Position of the item in a batch (`signUrls`, `signStream`), when the warning is about one item. */
  readonly index?: number;
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

/**
 * Why one item of a call was not signed, the one failure shape of cfsign: a URL of `signUrls`,
 * `signStream` or `SignedPolicy.applyAll`, a line of `rewriteLines`, a URI of `signPlaylist`.
 * The other items of the call are still signed.
 */
export interface ItemFailure {
  /** 0-based position of the item among the call's items (URLs, lines, URIs); `error.index` is the same number. */
  readonly index: number;
  /** 1-based line number of the item in the input text, where the input is text (lines, playlists). */
  readonly line?: number | undefined;
  /** Why; its message never contains the URL. */
  readonly error: CfSignError;
}

/** One result of {@link Signer.signUrls}, in input order: the signed URL, or why the item was not signed. */
export type BatchResult = { readonly ok: true; readonly url: string } | ({ readonly ok: false } & ItemFailure);

/** Options of {@link Signer.signStream}. */
export interface StreamOptions extends Partial<SignOptions> {
  /**
   * Items signed per batch; at most two batches are in flight, sharing the signer's `concurrency`.
   * Default 64, or 256 with `workers` (a larger window keeps more alive between young-generation
   * collections, see docs/runtimes.md, "Memory per Node version"; worker threads take signatures in
   * blocks and need the larger one to stay busy).
   */
  window?: number | undefined;
}

/**
 * How {@link Signer.signPlaylist} signs a playlist's URIs:
 *
 * - `"per-uri"`: each URI on its own (canned policy, or custom with `starts`/`ipAddress`/`resource`),
 *   one signature each, through {@link Signer.signUrls}
 * - `"shared"`: one custom policy for the playlist's folder (`…/folder/*`, or `resource`), signed once
 *   with {@link Signer.signPolicy} and applied to every URI. Use it for Low-Latency HLS and CMCD query
 *   mode: players add `_HLS_msn`/`_HLS_part` or `CMCD=` to requests, which a per-URI signature refuses
 */
export type PlaylistMode = "per-uri" | "shared";

/** Options of {@link Signer.signPlaylist}: the policy options of {@link Signer.signUrls}, and where the playlist is served from. */
export interface SignPlaylistOptions {
  /**
   * The absolute URL the playlist is served from, e.g. `https://cdn.example.com/videos/intro/master.m3u8`.
   * Relative URIs are resolved against it (WHATWG URL rules: `../`, `/`, `?query`), and `QUERYPARAM`
   * variables read from its query. It may be left out when every URI of the playlist is absolute;
   * then a relative URI is refused with `INVALID_ARGUMENT` (naming its line), and `mode: "shared"`
   * needs `resource`, since there is no folder for the policy to default to.
   */
  baseUrl?: string | undefined;
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
  /**
   * Values of the variables a media playlist imports (`EXT-X-DEFINE:IMPORT="name"`) from its
   * multivariant playlist. `NAME`/`VALUE` definitions and `QUERYPARAM` (from `baseUrl`'s query) are
   * read from the playlist itself, as a player does.
   */
  variables?: Readonly<Record<string, string>> | undefined;
  /**
   * Per-URI mode, URIs whose requests a player extends with its own query parameters (a Low-Latency
   * playlist's `EXT-X-RENDITION-REPORT`, interstitial `X-ASSET-URI`/`X-ASSET-LIST`, the content
   * steering `SERVER-URI`): `"refuse"` (default) reports them with `PLAYER_ADDS_QUERY`; `"sign"`
   * signs them as written, for a player known not to add them (hls.js with `lowLatencyMode: false`).
   */
  playerQueries?: "refuse" | "sign" | undefined;
  /** Throw one `BATCH_FAILED` error (its `failures` list each failing URI's index) instead of reporting failures. */
  strict?: boolean | undefined;
}
