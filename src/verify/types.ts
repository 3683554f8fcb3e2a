/**
 * The verifier's public types: its options, its result and the reason codes
 * (`verifyUrl`, `verifyCookies` in ./verify.ts; the gate in ./gate.ts).
 *
 * @module
 */
import type { HashAlgorithm } from "../crypto/types.ts";
import type { PublicKeyInput } from "../crypto/public-key.ts";
import type { CloudFrontPolicy } from "../cloudfront/policy.ts";
import type { DateInput } from "../cloudfront/time.ts";

export type { CloudFrontPolicy } from "../cloudfront/policy.ts";

/**
 * Why a request is accepted or refused; one stable code per outcome.
 *
 * - `OK`: every check passed.
 * - `MISSING_KEY_PAIR_ID`: no or an empty `Key-Pair-Id` (or `CloudFront-Key-Pair-Id` cookie), as CloudFront says "Missing Key-Pair-Id"; also a request with no signing data at all.
 * - `UNKNOWN_KEY`: the `Key-Pair-Id` is not one of `publicKeys`.
 * - `MISSING_SIGNATURE`: no `Signature`.
 * - `DUPLICATE_SIGNING_PARAMETER`: a signing parameter or cookie appears twice.
 * - `MALFORMED_POLICY`: neither or both of `Expires`/`Policy`; `Policy` not base64, not UTF-8 JSON, or not
 *   CloudFront's policy shape (one statement, `DateLessThan`, integer epochs, IPv4 CIDR, no unknown keys); `Expires` not digits.
 * - `STANDARD_BASE64`: `Signature` or `Policy` uses standard base64 (`+ / =`) instead of CloudFront's `- ~ _`.
 * - `HASH_ALGORITHM_MISMATCH`: `Hash-Algorithm` is neither `SHA1` nor `SHA256`, or the signature verifies only with the other hash.
 * - `PARAMETER_ADDED_AFTER_SIGNING`: a canned signature fails, but verifies without some of the URL's own query
 *   parameters (added after signing, or placed after the signing parameters).
 * - `BAD_SIGNATURE`: the signature does not verify (the message names a known key it verifies with, or a raw
 *   P1363 ECDSA signature, when that is the cause).
 * - `MILLISECOND_EPOCH`: a correctly signed time is 10^11 or more, i.e. milliseconds where seconds belong
 *   (an `Expires` thousands of years away, or a start that never comes).
 * - `RESOURCE_MISMATCH`: the policy's `Resource` does not cover the request URL.
 * - `EXPIRED`: now is at or after `DateLessThan` (see {@link VerifyOptions.boundary}).
 * - `NOT_YET_VALID`: now is at or before `DateGreaterThan` (see {@link VerifyOptions.boundary}).
 * - `IP_NOT_ALLOWED`: `clientIp` is outside the policy's `IpAddress` CIDR (or is IPv6).
 * - `IP_ADDRESS_NOT_CHECKED`: every other check passed, but the policy has an `IpAddress` condition and no
 *   `clientIp` was given, so the verifier cannot say CloudFront would accept the request (it refuses every client
 *   outside the range). Pass `clientIp`, or `ignoreIpAddress: true` to judge the rest (see {@link VerifyOptions}).
 * - `S3_PRESIGNED_URL`: the URL is an S3 presigned URL (`X-Amz-Signature`, `AWSAccessKeyId`), not a CloudFront one.
 * - `SIGNING_PARAMETERS_IN_FRAGMENT`: the signing parameters sit after a `#`, which clients never send.
 * - `INVALID_URL`: the request URL is not an absolute `http(s)://` URL.
 * - `CLIENT_REWRITES_URL`: a client would not send the URL as given (upper-case scheme or host, a default port,
 *   user information, `.`/`..` segments, a space, non-ASCII, `'` in the query, no path, ...), so CloudFront
 *   would check other bytes; the message names what the client changes. The signer refuses the same URLs
 *   (`validateUrl` in src/cloudfront/url.ts, `clientRewrite` in src/cloudfront/client-rewrite.ts).
 */
export type VerifyReason =
  | "OK"
  | "MISSING_KEY_PAIR_ID"
  | "UNKNOWN_KEY"
  | "MISSING_SIGNATURE"
  | "DUPLICATE_SIGNING_PARAMETER"
  | "MALFORMED_POLICY"
  | "STANDARD_BASE64"
  | "HASH_ALGORITHM_MISMATCH"
  | "PARAMETER_ADDED_AFTER_SIGNING"
  | "BAD_SIGNATURE"
  | "MILLISECOND_EPOCH"
  | "RESOURCE_MISMATCH"
  | "EXPIRED"
  | "NOT_YET_VALID"
  | "IP_NOT_ALLOWED"
  | "IP_ADDRESS_NOT_CHECKED"
  | "S3_PRESIGNED_URL"
  | "SIGNING_PARAMETERS_IN_FRAGMENT"
  | "INVALID_URL"
  | "CLIENT_REWRITES_URL";

/**
 * How a time equal to a policy's bound is judged. `"exclusive"` (default) reads the
 * policy literally: `DateLessThan` means now < DateLessThan, so at now == DateLessThan
 * the request is `EXPIRED`; `DateGreaterThan` means "no access on or before", so at
 * now == DateGreaterThan it is `NOT_YET_VALID`. `"inclusive"` accepts both equal
 * instants. CloudFront does not document its behaviour at the exact second.
 */
export type TimeBoundary = "exclusive" | "inclusive";

/** Options of {@link verifyUrl} and {@link verifyCookies}. */
export interface VerifyOptions {
  /** The trusted public keys by key id (the key group): SPKI PEM, public JWK, `CryptoKey` or Node `KeyObject`. */
  publicKeys: Readonly<Record<string, PublicKeyInput>>;
  /** The time of the request: a `Date`, integer epoch seconds, or ISO-8601 with a zone. Default: now. */
  now?: DateInput | undefined;
  /**
   * The client's IP address, as CloudFront will see it (the address the request comes from, not one from
   * `X-Forwarded-For` behind another proxy), to check a policy's `IpAddress` condition. IPv4, or IPv6 (which an
   * `IpAddress` condition never matches); IPv4-mapped IPv6 (`::ffff:192.0.2.1`) counts as IPv4.
   *
   * Without it, a policy with an `IpAddress` condition is not valid: the result is `IP_ADDRESS_NOT_CHECKED`,
   * since CloudFront would refuse the request from every address outside the range. Pass `ignoreIpAddress: true`
   * to check everything else instead.
   */
  clientIp?: string | undefined;
  /**
   * Skip a policy's `IpAddress` condition on purpose: with no `clientIp`, a request that passes every other
   * check is `OK` with `ipAddressChecked: false`, instead of `IP_ADDRESS_NOT_CHECKED`. For checking a URL or
   * cookies away from the client (a test, a support tool) where its address is unknown. Not together with
   * `clientIp` (`INVALID_ARGUMENT`). Default: `false`.
   */
  ignoreIpAddress?: boolean | undefined;
  /** Judgement at exactly a bound; default `"exclusive"`. See {@link TimeBoundary}. */
  boundary?: TimeBoundary | undefined;
}

/** What {@link verifyUrl} and {@link verifyCookies} found. */
export interface VerifyResult {
  /** True only with reason `OK`. */
  readonly valid: boolean;
  /** The first failing check, or `OK`. */
  readonly reason: VerifyReason;
  /** The reason in plain words, with the fix when one is known. Never key material. */
  readonly message: string;
  /** `"custom"` when a `Policy` was sent, else `"canned"`. */
  readonly kind: "canned" | "custom";
  /** Where the signing data came from: the query (`"url"`) or the `CloudFront-*` cookies. */
  readonly via: "url" | "cookies";
  /** The `Key-Pair-Id`, when present. */
  readonly keyPairId?: string;
  /** The hash the request declares (`SHA1` when it declares none). */
  readonly hashAlgorithm?: HashAlgorithm;
  /** The policy as JSON (canned: the one rebuilt from the URL), when it could be read. */
  readonly policy?: CloudFrontPolicy;
  /** The policy's exact text (the signed bytes as UTF-8), when it could be read. */
  readonly policyText?: string;
  /** The policy's `Resource` (absent from a custom policy means every URL). */
  readonly resource?: string;
  /** `DateLessThan`. */
  readonly expiresAt?: Date;
  /** `DateGreaterThan`. */
  readonly startsAt?: Date;
  /** `IpAddress.AWS:SourceIp`. */
  readonly ipAddress?: string;
  /**
   * Set when the policy has an `IpAddress` and the checks reached it: `true` when `clientIp` was checked against
   * it, `false` when no `clientIp` was given (the result is then `IP_ADDRESS_NOT_CHECKED`, or `OK` with
   * `ignoreIpAddress: true`).
   */
  readonly ipAddressChecked?: boolean;
  /**
   * What is probably not what you meant, whatever the verdict: today `S3_HOST`, a request to an Amazon
   * S3 endpoint, which CloudFront never sees (S3 ignores CloudFront's signing parameters). Absent when
   * there is nothing to say.
   */
  readonly warnings?: readonly VerifyWarning[];
}

/** One of {@link VerifyResult.warnings}. */
export interface VerifyWarning {
  /** `S3_HOST`: the host is an Amazon S3 endpoint, not a CloudFront distribution. */
  readonly code: "S3_HOST";
  /** What it means and what to do instead. */
  readonly message: string;
}
