/**
 * Every error cfsign throws or reports is a {@link CfSignError} with a stable
 * {@link CfSignErrorCode}. Messages say what to do; they never contain key
 * material, a passphrase or a whole URL (at most a short, named fragment such as
 * one offending character or a query parameter name).
 *
 * @module
 */

/** Stable error codes. New codes may be added; existing ones are never renamed. */
export type CfSignErrorCode =
  /** An argument has the wrong type or shape (not a CloudFront rule, a programming error). */
  | "INVALID_ARGUMENT"
  /** The URL is not an absolute `http://` or `https://` URL. */
  | "INVALID_URL"
  /** The URL has a `#fragment`; browsers never send it, so the signed bytes would differ. */
  | "URL_HAS_FRAGMENT"
  /** The URL contains a character that must be percent-encoded (the message shows the encoding). */
  | "URL_UNSAFE_CHARACTER"
  /** The signed URL would exceed CloudFront's 8,192-byte URL limit. */
  | "URL_TOO_LONG"
  /** The URL already carries one of CloudFront's signing parameters. */
  | "URL_HAS_SIGNING_PARAMETER"
  /**
   * The URL carries an Amazon S3 presigning parameter (`X-Amz-Signature`, `X-Amz-Credential`, ... or
   * `AWSAccessKeyId`): it is an S3 presigned URL, which CloudFront never checks. Sign the object's CloudFront
   * URL without them.
   */
  | "URL_HAS_S3_SIGNATURE"
  /** The URL, used as a custom-policy resource, contains `*` or `?` wildcards that would widen the grant. */
  | "URL_HAS_WILDCARD"
  /** `expires` or `starts` is not a Date, integer epoch seconds or an ISO-8601 string with a zone. */
  | "INVALID_DATE"
  /** A number that looks like milliseconds (or microseconds) was given where epoch seconds are expected. */
  | "DATE_IN_MILLISECONDS"
  /** `expires` is not in the future. */
  | "EXPIRES_IN_PAST"
  /** `starts` is not before `expires`. */
  | "INVALID_DATE_RANGE"
  /** `ipAddress` is not a valid IPv4 address or CIDR block. */
  | "INVALID_IP_ADDRESS"
  /** `ipAddress` is IPv6, which CloudFront policies do not support. */
  | "IPV6_NOT_SUPPORTED"
  /** `resource` is not a valid policy resource pattern. */
  | "INVALID_RESOURCE"
  /** `resource` does not cover the URL being signed. */
  | "RESOURCE_MISMATCH"
  /** `resource` is `*` or has a wildcard in the scheme or host; pass `allowAnyResource: true` to mean it. */
  | "RESOURCE_TOO_BROAD"
  /** `keyPairId` is missing or not a CloudFront public key id. */
  | "INVALID_KEY_PAIR_ID"
  /** The private key (or, for the verifier, a public key) could not be read (bad PEM/DER/JWK, wrong or missing passphrase). */
  | "INVALID_KEY"
  /** The key is readable but is not an RSA-2048 or ECDSA P-256 key, the only kinds CloudFront accepts. */
  | "UNSUPPORTED_KEY"
  /** The platform refuses the hash algorithm (for example SHA-1 under a FIPS or hardened OpenSSL policy). */
  | "UNSUPPORTED_HASH"
  /** The signing operation failed or returned an unusable signature. */
  | "SIGNING_FAILED"
  /**
   * A key service (AWS KMS, an HSM) refuses to use the key for reasons every further request would meet
   * too (access denied, key disabled or pending deletion, key not found): the whole call fails instead of
   * spending one request per item.
   */
  | "KEY_UNAVAILABLE"
  /** The caller's `AbortSignal` fired: the call stopped, no further requests were sent. */
  | "ABORTED"
  /** A strict batch had failing items; see {@link CfSignError.failures}. */
  | "BATCH_FAILED"
  /** The WebAssembly hot path could not be loaded in this runtime. */
  | "ENGINE_FAILURE"
  /**
   * A bug in cfsign: one of its own checks failed (an invariant, not the caller's input), or an item
   * failed with an error that is not a `CfSignError`; `cause` holds it. Please report it.
   */
  | "INTERNAL"
  /**
   * A signed cookie's `domain` is `cloudfront.net` or under it; CloudFront's guide does not allow
   * `*.cloudfront.net` there (`private-content-setting-signed-cookie-custom-policy`): serve the
   * distribution under your own alternate domain name and set the cookies for that.
   */
  | "COOKIE_DOMAIN_NOT_ALLOWED"
  /**
   * A signed cookie's `domain` cannot reach the host of the resource it grants (cookies for
   * `https://cdn.example.com/*` with `domain: "other.org"`), so browsers would never send them with the
   * requests they are for; or, for a resource whose host is a wildcard, no one domain covers every host.
   */
  | "COOKIE_DOMAIN_MISMATCH"
  /** A signed cookie's `domain`, `path` or `sameSite` is malformed (`;`, CR/LF, spaces, `SameSite=None` without `Secure`, ...). */
  | "INVALID_COOKIE_ATTRIBUTE"
  /** A signed cookie would exceed the 4,096 bytes browsers are required to store per cookie (RFC 6265 §6.1). */
  | "COOKIE_TOO_LARGE"
  /**
   * An item of a bulk input (a line, a JSON string, a CSV field) is not valid UTF-8. It is refused
   * rather than decoded with U+FFFD in place of the bad bytes, which would sign a URL that is not in
   * the input.
   */
  | "INVALID_UTF8"
  /**
   * A bulk input is not valid in its format (`readJsonArray`: not an array of strings; `readCsv`: no
   * header with the URL column, an unclosed quote, a record over the size limit).
   */
  | "INVALID_INPUT_FORMAT"
  /**
   * A playlist URI uses an `EXT-X-DEFINE` variable (`{$name}`) with no value in reach (an `IMPORT`
   * without the multivariant playlist's definitions, a `QUERYPARAM` missing from the playlist's URL,
   * or no definition at all): the URL a player requests is known only after it substitutes the
   * variable, so it cannot be signed on its own. Give the values (`variables`), define them with
   * `NAME`/`VALUE`, or sign with a shared policy that covers the URI's fixed part.
   */
  | "URI_HAS_VARIABLE"
  /**
   * A player adds query parameters of its own to this URI's requests (Low-Latency HLS
   * `_HLS_msn`/`_HLS_part` on playlist reloads, interstitial `_HLS_primary_id`, content steering
   * `_HLS_pathway`), and a query added after signing gives 403 with a per-URI signature. Sign with
   * a shared policy (`mode: "shared"`), or pass `playerQueries: "sign"` when the player is known not to add them.
   */
  | "PLAYER_ADDS_QUERY";

/** One failing item of a strict batch. */
export interface BatchFailure {
  /** Position of the item in the input. */
  readonly index: number;
  /** The item's error code. */
  readonly code: CfSignErrorCode;
}

/** Options for {@link CfSignError}. */
export interface CfSignErrorOptions {
  /** The underlying error, kept for debugging (never shown in the message). */
  cause?: unknown;
  /** Index of the failing item in a batch. */
  index?: number;
  /** For `BATCH_FAILED`: every failing item. */
  failures?: readonly BatchFailure[];
}

/**
 * The one error class of cfsign.
 *
 * @example
 * ```ts
 * try {
 *   await signer.signUrl("https://d111111abcdef8.cloudfront.net/a b.jpg", { expires });
 * } catch (err) {
 *   if (err instanceof CfSignError && err.code === "URL_UNSAFE_CHARACTER") { ... }
 * }
 * ```
 */
export class CfSignError extends Error {
  /** Stable, machine-readable code. */
  readonly code: CfSignErrorCode;
  /** Index of the failing item in a batch, when the error concerns one item. */
  readonly index: number | undefined;
  /** For `BATCH_FAILED`: every failing item, in input order. */
  readonly failures: readonly BatchFailure[] | undefined;

  /**
   * @param code - stable code
   * @param message - what went wrong and what to do; must not contain key material or whole URLs
   * @param options - cause, batch index, batch failures
   */
  constructor(code: CfSignErrorCode, message: string, options: CfSignErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CfSignError";
    this.code = code;
    this.index = options.index;
    this.failures = options.failures;
  }

  /** A copy of this error that records the batch index of the item it concerns. */
  withIndex(index: number): CfSignError {
    const copy = new CfSignError(this.code, this.message, {
      cause: this.cause,
      index,
      failures: this.failures,
    });
    copy.stack = this.stack;
    return copy;
  }

  /** JSON form: code, message and index only (the cause may hold platform details). */
  toJSON(): { name: string; code: CfSignErrorCode; message: string; index?: number } {
    return this.index === undefined
      ? { name: this.name, code: this.code, message: this.message }
      : { name: this.name, code: this.code, message: this.message, index: this.index };
  }
}

/**
 * The error of item `index` of a batch (a URL, a line, a URI): a `CfSignError` gets the index; anything
 * else is a bug in cfsign, reported as `INTERNAL` with the original as `cause`.
 *
 * @param err - what processing the item threw
 * @param index - the item's position, from 0
 * @returns the error to report for the item
 */
export function itemError(err: unknown, index: number): CfSignError {
  return err instanceof CfSignError
    ? err.withIndex(index)
    : new CfSignError("INTERNAL", "the item could not be processed: an unexpected error (a bug in cfsign; see cause)", {
        cause: err,
        index,
      });
}

/** Shorthand used across the library. */
export function fail(code: CfSignErrorCode, message: string, cause?: unknown): never {
  throw new CfSignError(code, message, cause === undefined ? {} : { cause });
}
