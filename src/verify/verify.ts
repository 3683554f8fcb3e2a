/**
 * The verifier: checks a signed URL or a set of signed cookies the way
 * CloudFront does, and says in one stable reason code why it would give 403.
 * Runtime-neutral: WebCrypto for the public-key operation (../crypto/public-key.ts).
 *
 * The order follows CloudFront's own checks of a request:
 * 1. any signing parameter in the query makes it a signed URL, otherwise the cookies count;
 * 2. `Key-Pair-Id` present and known;
 * 3. the signature over the decoded `Policy`, or over the canned policy rebuilt from
 *    the URL without the signing parameters plus `Expires`, with SHA-1 or SHA-256;
 * 4. the policy's conditions: one statement, `Resource` (wildcards), `DateLessThan`,
 *    `DateGreaterThan`, `IpAddress` (which fails closed: without `clientIp` it is
 *    `IP_ADDRESS_NOT_CHECKED`, unless `ignoreIpAddress` is set).
 * The URL is taken apart by ../cloudfront/signed-url.ts, which `cfsign inspect` shares.
 * When a check fails, a few likely causes are tried (the other hash, a query
 * parameter added after signing, another known key) to name the mistake.
 *
 * @module
 */
import { fail } from "../errors.ts";
import { importVerifyKey, verifySignature, type PublicKeyInput, type VerifyKey } from "../crypto/public-key.ts";
import type { HashAlgorithm } from "../crypto/types.ts";
import { cidrContains, parseClientIp, parseIpv4Cidr } from "../cloudfront/ip.ts";
import { keyPairIdProblem } from "../cloudfront/key-pair-id.ts";
import { parseSigningCookies } from "../cloudfront/cookie.ts";
import { COOKIE_PREFIX, SIGNING_PARAMETER_NAMES, type SigningParameterName } from "../cloudfront/params.ts";
import { cannedPolicyText, readPolicy, type CloudFrontPolicy } from "../cloudfront/policy.ts";
import { resourceCovers } from "../cloudfront/resource.ts";
import { s3HostKind } from "../cloudfront/s3.ts";
import { MAX_EPOCH_SECONDS, toEpochSeconds, type DateInput } from "../cloudfront/time.ts";
import {
  decodeSigningValue,
  hasSigningParametersInFragment,
  isExpiresText,
  isS3PresignedUrl,
  splitSignedUrl,
  unsignedUrl,
  type SignedUrlParts,
} from "../cloudfront/signed-url.ts";
import { MAX_URL_BYTES, clientRewrite } from "../cloudfront/url.ts";

export type { CloudFrontPolicy } from "../cloudfront/policy.ts";

/**
 * Why a request is accepted or refused; one stable code per outcome.
 *
 * - `OK`: every check passed.
 * - `MISSING_KEY_PAIR_ID`: no `Key-Pair-Id` (or `CloudFront-Key-Pair-Id` cookie); also a request with no signing data at all.
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
 *   (`validateUrl`, `clientRewrite` in src/cloudfront/url.ts).
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

/** Adds the warnings about the request's host (src/cloudfront/s3.ts) to a verdict. */
function withHostWarnings(verdict: VerifyResult, url: string): VerifyResult {
  const s3 = s3HostKind(url);
  return s3 === null ? verdict : { ...verdict, warnings: [{ code: "S3_HOST", message: s3.message }] };
}

/**
 * Checks a signed URL as CloudFront would.
 *
 * @param signedUrl - the URL as the client sends it (a `#fragment` is dropped, as clients do)
 * @param options - `publicKeys` (required), `now`, `clientIp` (or `ignoreIpAddress`), `boundary`
 * @returns the outcome; `valid` is true only with reason `OK`
 * @throws {@link CfSignError} `INVALID_ARGUMENT` for bad options (also `clientIp` with `ignoreIpAddress`),
 *   `INVALID_IP_ADDRESS` for a bad `clientIp`,
 *   `INVALID_DATE` for a bad `now`, `INVALID_KEY`/`UNSUPPORTED_KEY` when the key the URL names is unusable
 * @example
 * ```ts
 * const result = await verifyUrl(url, { publicKeys: { K2JCJMDEHXQW5F: publicKeyPem } });
 * if (!result.valid) console.log(result.reason, result.message);
 * ```
 */
export async function verifyUrl(signedUrl: string, options: VerifyOptions): Promise<VerifyResult> {
  const settings = readOptions(options);
  if (typeof signedUrl !== "string") fail("INVALID_ARGUMENT", "verifyUrl takes the signed URL as a string");
  return withHostWarnings(await judgeUrl(signedUrl, settings), signedUrl);
}

async function judgeUrl(signedUrl: string, settings: Settings): Promise<VerifyResult> {
  const request = parseRequest(signedUrl);
  if (request === null) return invalidUrl(signedUrl, "url");
  if (request.signing.size === 0) return unsigned(request, "url");
  return rewritten(request, "url") ?? check(request, request.signing, "url", settings, "");
}

/**
 * Checks a request authorised by CloudFront signed cookies. As CloudFront does,
 * a request URL that carries any signing parameter is judged as a signed URL and
 * its cookies are ignored (the result then has `via: "url"`).
 *
 * @param requestUrl - the URL the client requests
 * @param cookies - the cookies: a `Cookie` header value (`"CloudFront-Policy=...; CloudFront-Signature=..."`)
 *   or an object of names and values
 * @param options - `publicKeys` (required), `now`, `clientIp` (or `ignoreIpAddress`), `boundary`
 * @returns the outcome; `valid` is true only with reason `OK`
 * @throws {@link CfSignError} as {@link verifyUrl}
 * @example
 * ```ts
 * const result = await verifyCookies("https://cdn.example.com/gallery/a.jpg", request.headers.get("cookie") ?? "", {
 *   publicKeys: { K2JCJMDEHXQW5F: publicKeyPem },
 * });
 * ```
 */
export async function verifyCookies(
  requestUrl: string,
  cookies: Readonly<Record<string, string>> | string,
  options: VerifyOptions,
): Promise<VerifyResult> {
  const settings = readOptions(options);
  if (typeof requestUrl !== "string") fail("INVALID_ARGUMENT", "verifyCookies takes the request URL as a string");
  return withHostWarnings(await judgeCookies(requestUrl, cookies, settings), requestUrl);
}

async function judgeCookies(
  requestUrl: string,
  cookies: Readonly<Record<string, string>> | string,
  settings: Settings,
): Promise<VerifyResult> {
  const jar = parseSigningCookies(cookies);
  const request = parseRequest(requestUrl);
  if (request === null) return invalidUrl(requestUrl, "cookies");
  if (request.signing.size > 0) {
    const note =
      " (the URL carries signing parameters, so CloudFront judges it as a signed URL and ignores the cookies)";
    return rewritten(request, "url", note) ?? check(request, request.signing, "url", settings, note);
  }
  if (jar.size === 0) {
    const s3 = s3Result(request, "cookies");
    if (s3 !== null) return s3;
    return result(
      "MISSING_KEY_PAIR_ID",
      "the request has no CloudFront-* cookies and no signing parameters in the URL",
      {
        kind: "canned",
        via: "cookies",
      },
    );
  }
  return rewritten(request, "cookies") ?? check(request, jar, "cookies", settings, "");
}

/**
 * `CLIENT_REWRITES_URL` when a client would change the request URL before sending it: CloudFront then checks
 * other bytes than these, so no verdict on these bytes would be about the request CloudFront receives.
 */
function rewritten(request: SignedUrlParts, via: "url" | "cookies", note = ""): VerifyResult | null {
  const change = clientRewrite(request.sent);
  if (change === null) return null;
  return result(
    "CLIENT_REWRITES_URL",
    `a client would not send this URL as given: it ${change.change}, so CloudFront would check other bytes ` +
      "(a canned signature or a Resource made for these bytes would not match); sign and request the URL in the " +
      "form clients send" +
      note,
    { kind: request.signing.has("Policy") ? "custom" : "canned", via },
  );
}

interface Settings {
  readonly publicKeys: Readonly<Record<string, PublicKeyInput>>;
  readonly now: number;
  readonly clientIp: number | "ipv6" | undefined;
  readonly ignoreIpAddress: boolean;
  readonly inclusive: boolean;
}

function readOptions(options: VerifyOptions): Settings {
  if (typeof options !== "object" || options === null)
    fail("INVALID_ARGUMENT", "the verifier takes an options object with publicKeys");
  const { publicKeys, now, clientIp, ignoreIpAddress = false, boundary = "exclusive" } = options;
  if (typeof publicKeys !== "object" || publicKeys === null) {
    fail("INVALID_ARGUMENT", "publicKeys must map key ids to public keys, e.g. { K2JCJMDEHXQW5F: pem }");
  }
  if (boundary !== "exclusive" && boundary !== "inclusive")
    fail("INVALID_ARGUMENT", 'boundary must be "exclusive" or "inclusive"');
  if (typeof ignoreIpAddress !== "boolean") fail("INVALID_ARGUMENT", "ignoreIpAddress must be true or false");
  if (ignoreIpAddress && clientIp !== undefined) {
    fail(
      "INVALID_ARGUMENT",
      "pass clientIp or ignoreIpAddress, not both: with clientIp the IpAddress condition is checked",
    );
  }
  let nowSeconds: number;
  if (now === undefined) nowSeconds = Date.now() / 1000;
  else if (now instanceof Date) {
    if (!Number.isFinite(now.getTime())) fail("INVALID_DATE", "now is an invalid Date");
    nowSeconds = now.getTime() / 1000; // keep milliseconds: they decide the bounds
  } else nowSeconds = toEpochSeconds(now, "now", "floor");
  return {
    publicKeys,
    now: nowSeconds,
    clientIp: clientIp === undefined ? undefined : parseClientIp(clientIp),
    ignoreIpAddress,
    inclusive: boundary === "inclusive",
  };
}

type Fields = Omit<VerifyResult, "valid" | "reason" | "message">;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function result(reason: VerifyReason, message: string, fields: Fields): VerifyResult {
  return { valid: reason === "OK", reason, message, ...fields };
}

function invalidUrl(url: string, via: "url" | "cookies"): VerifyResult {
  const message =
    url.length > MAX_URL_BYTES
      ? `the request URL is longer than CloudFront's ${MAX_URL_BYTES}-byte limit, so it never reaches a signature check`
      : "the request URL is not an absolute http:// or https:// URL";
  return result("INVALID_URL", message, { kind: "canned", via });
}

function unsigned(request: SignedUrlParts, via: "url" | "cookies"): VerifyResult {
  const s3 = s3Result(request, via);
  if (s3 !== null) return s3;
  if (request.fragment !== undefined && hasSigningParametersInFragment(request.fragment)) {
    return result(
      "SIGNING_PARAMETERS_IN_FRAGMENT",
      "the signing parameters come after a #fragment, which clients never send; sign the URL without its fragment " +
        "and add the fragment after the signing parameters (botocore appends them after it)",
      { kind: /(?:^|[?&])Policy=/.test(request.fragment) ? "custom" : "canned", via },
    );
  }
  return result(
    "MISSING_KEY_PAIR_ID",
    "the URL carries no CloudFront signing parameters (Key-Pair-Id, Signature, ...)",
    {
      kind: "canned",
      via,
    },
  );
}

function s3Result(request: SignedUrlParts, via: "url" | "cookies"): VerifyResult | null {
  if (!isS3PresignedUrl(request)) return null;
  return result(
    "S3_PRESIGNED_URL",
    "this is an Amazon S3 presigned URL (X-Amz-Signature or AWSAccessKeyId), not a CloudFront signed URL; " +
      "CloudFront checks only its own Key-Pair-Id, Signature and Expires/Policy",
    { kind: "canned", via },
  );
}

/**
 * Splits a request URL; `null` when it is not an absolute http(s) URL or is
 * longer than CloudFront accepts (which also bounds the diagnosis work below).
 */
function parseRequest(url: string): SignedUrlParts | null {
  if (url.length > MAX_URL_BYTES) return null;
  if (!/^https?:\/\/[^/?#\s]+(?:[/?#]|$)/i.test(url)) return null;
  return splitSignedUrl(url);
}

const encoder = /* @__PURE__ */ new TextEncoder();

async function check(
  request: SignedUrlParts,
  values: ReadonlyMap<SigningParameterName, readonly string[]>,
  via: "url" | "cookies",
  settings: Settings,
  note: string,
): Promise<VerifyResult> {
  const label = (name: SigningParameterName): string => (via === "url" ? name : COOKIE_PREFIX + name);
  const what = via === "url" ? "parameter" : "cookie";
  const kind: "canned" | "custom" = values.has("Policy") ? "custom" : "canned";
  // Filled in as the checks go; `done` copies it into the result, so later additions never reach an earlier one.
  const fields: Mutable<Fields> = { kind, via };
  const done = (reason: VerifyReason, message: string): VerifyResult => result(reason, message + note, fields);

  for (const name of SIGNING_PARAMETER_NAMES) {
    if ((values.get(name)?.length ?? 0) > 1) {
      return done(
        "DUPLICATE_SIGNING_PARAMETER",
        `${label(name)} appears more than once` +
          (via === "url" ? " (was the URL signed twice?)" : " (cookies set for two paths or domains?)"),
      );
    }
  }
  const one = (name: SigningParameterName): string | undefined => values.get(name)?.[0];

  const keyPairId = one("Key-Pair-Id");
  if (keyPairId === undefined) {
    if (via === "url") {
      const s3 = s3Result(request, via);
      if (s3 !== null) return s3;
    }
    return done("MISSING_KEY_PAIR_ID", `the ${label("Key-Pair-Id")} ${what} is missing`);
  }
  fields.keyPairId = keyPairId;
  if (!Object.hasOwn(settings.publicKeys, keyPairId)) {
    const problem = keyPairIdProblem(keyPairId);
    return done(
      "UNKNOWN_KEY",
      `${label("Key-Pair-Id")} names a key that is not among the trusted public keys` +
        (problem === null ? "" : `; ${problem}`),
    );
  }

  const signatureText = one("Signature");
  if (signatureText === undefined) return done("MISSING_SIGNATURE", `the ${label("Signature")} ${what} is missing`);

  const expiresText = one("Expires");
  const policyParam = one("Policy");
  if (expiresText === undefined && policyParam === undefined) {
    return done(
      "MALFORMED_POLICY",
      `neither ${label("Expires")} (canned policy) nor ${label("Policy")} (custom policy) is present`,
    );
  }
  if (expiresText !== undefined && policyParam !== undefined) {
    return done(
      "MALFORMED_POLICY",
      `both ${label("Expires")} and ${label("Policy")} are present; a request carries exactly one` +
        (via === "cookies" ? " (an old canned cookie left beside a new custom one?)" : ""),
    );
  }

  const declared = one("Hash-Algorithm");
  if (declared !== undefined && declared !== "SHA1" && declared !== "SHA256") {
    return done("HASH_ALGORITHM_MISMATCH", `${label("Hash-Algorithm")} must be SHA1 or SHA256`);
  }
  const hash: HashAlgorithm = declared === "SHA256" ? "SHA256" : "SHA1";
  fields.hashAlgorithm = hash;

  const key = await importVerifyKey(settings.publicKeys[keyPairId]!);

  const decodedSignature = decodeSigningValue(signatureText, label("Signature"));
  if (decodedSignature.bytes === undefined) {
    return done(
      decodedSignature.problem === "STANDARD_BASE64" ? "STANDARD_BASE64" : "BAD_SIGNATURE",
      decodedSignature.message,
    );
  }
  const signature = decodedSignature.bytes;

  // The signed bytes.
  let policyBytes: Uint8Array;
  let policyText: string | undefined; // a canned policy's text, so that readPolicy need not decode its bytes again
  const base = unsignedUrl(request);
  if (policyParam !== undefined) {
    const decoded = decodeSigningValue(policyParam, label("Policy"));
    if (decoded.bytes === undefined) {
      return done(decoded.problem === "STANDARD_BASE64" ? "STANDARD_BASE64" : "MALFORMED_POLICY", decoded.message);
    }
    policyBytes = decoded.bytes;
  } else {
    if (!isExpiresText(expiresText!)) {
      return done("MALFORMED_POLICY", `${label("Expires")} must be whole epoch seconds (digits only)`);
    }
    policyText = cannedPolicyText(base, expiresText!);
    policyBytes = encoder.encode(policyText);
  }
  const read = readPolicy(policyText ?? policyBytes);
  if (read.policy !== undefined) {
    fields.policy = read.policy;
    fields.policyText = read.text;
    addConditionFields(fields, read.policy);
  } else if (read.text !== undefined) {
    fields.policyText = read.text;
  }

  if (!(await verifySignature(key, key.algorithm, hash, policyBytes, signature))) {
    const other: HashAlgorithm = hash === "SHA1" ? "SHA256" : "SHA1";
    if (await verifySignature(key, key.algorithm, other, policyBytes, signature)) {
      return done(
        "HASH_ALGORITHM_MISMATCH",
        `the signature was made with ${other === "SHA256" ? "SHA-256" : "SHA-1"} but the request ` +
          (declared === undefined
            ? `has no ${label("Hash-Algorithm")}, so CloudFront uses SHA-1; add ${label("Hash-Algorithm")}=SHA256`
            : `declares ${label("Hash-Algorithm")}=${declared}; ` +
              (other === "SHA1" ? `remove it (SHA-1 is the default)` : `set it to SHA256`)),
      );
    }
    if (policyParam === undefined) {
      const added = await findAddedParameters(request, expiresText!, key, hash, signature);
      if (added !== null) {
        return done(
          "PARAMETER_ADDED_AFTER_SIGNING",
          `the canned signature verifies without ${added}: a canned policy covers the exact URL, so the query ` +
            "must be final before signing (CloudFront rebuilds the policy from every parameter it receives)",
        );
      }
    }
    return done(
      "BAD_SIGNATURE",
      "the signature does not verify" +
        (await badSignatureHint(settings, keyPairId, key, hash, policyBytes, signature)),
    );
  }

  if (read.policy === undefined)
    return done("MALFORMED_POLICY", `the policy is not a valid CloudFront policy: ${read.problem}`);
  const statement = read.policy.Statement[0];
  const expires = statement.Condition.DateLessThan["AWS:EpochTime"];
  const starts = statement.Condition.DateGreaterThan?.["AWS:EpochTime"];
  if (expires >= MAX_EPOCH_SECONDS || (starts !== undefined && starts >= MAX_EPOCH_SECONDS)) {
    const field = expires >= MAX_EPOCH_SECONDS ? "DateLessThan" : "DateGreaterThan";
    return done(
      "MILLISECOND_EPOCH",
      `the policy's ${field} is 10^11 or more: milliseconds where epoch seconds belong (Date.now() instead of ` +
        "Date.now() / 1000?); " +
        (field === "DateLessThan" ? "the grant would last for thousands of years" : "access would never start"),
    );
  }

  const resource = statement.Resource;
  if (resource !== undefined && !resourceCovers(resource, base)) {
    return done(
      "RESOURCE_MISMATCH",
      "the policy's Resource does not cover the request URL" + resourceHint(request, resource),
    );
  }

  const now = settings.now;
  if (settings.inclusive ? now > expires : now >= expires) {
    return done(
      "EXPIRED",
      `expired: DateLessThan is ${isoSeconds(expires)} and now is ${isoSeconds(now)}` +
        (now === expires ? ' (the same instant, expired under boundary "exclusive")' : ""),
    );
  }
  if (starts !== undefined && (settings.inclusive ? now < starts : now <= starts)) {
    return done(
      "NOT_YET_VALID",
      `not yet valid: DateGreaterThan is ${isoSeconds(starts)} (no access on or before it) and now is ${isoSeconds(now)}`,
    );
  }

  const ip = statement.Condition.IpAddress?.["AWS:SourceIp"];
  if (ip !== undefined) {
    if (settings.clientIp === undefined) {
      fields.ipAddressChecked = false;
      if (settings.ignoreIpAddress)
        return done("OK", `valid; the IpAddress condition (${ip}) was not checked (ignoreIpAddress)`);
      return done(
        "IP_ADDRESS_NOT_CHECKED",
        `the policy allows only clients in ${ip} and no clientIp was given, so whether CloudFront accepts the request ` +
          "depends on who sends it; pass clientIp (the address CloudFront will see), or ignoreIpAddress: true to " +
          "check everything else (every other check passed)",
      );
    }
    fields.ipAddressChecked = true;
    if (settings.clientIp === "ipv6") {
      return done(
        "IP_NOT_ALLOWED",
        `the policy allows only ${ip} and the client address is IPv6, which an IpAddress condition never matches`,
      );
    }
    const cidr = parseIpv4Cidr(ip);
    if ("code" in cidr || !cidrContains(cidr, settings.clientIp)) {
      return done("IP_NOT_ALLOWED", `the client IP is outside the policy's IpAddress ${ip}`);
    }
  }
  return done("OK", "valid");
}

function isoSeconds(seconds: number): string {
  return new Date(Math.floor(seconds) * 1000).toISOString().replace(".000Z", "Z");
}

/** The policy's conditions as result fields (`resource`, `expiresAt`, `startsAt`, `ipAddress`). */
function addConditionFields(fields: Mutable<Fields>, policy: CloudFrontPolicy): void {
  const s = policy.Statement[0];
  if (s.Resource !== undefined) fields.resource = s.Resource;
  fields.expiresAt = new Date(s.Condition.DateLessThan["AWS:EpochTime"] * 1000);
  const st = s.Condition.DateGreaterThan?.["AWS:EpochTime"];
  if (st !== undefined) fields.startsAt = new Date(st * 1000);
  const ip = s.Condition.IpAddress?.["AWS:SourceIp"];
  if (ip !== undefined) fields.ipAddress = ip;
}

/**
 * For a canned signature that fails: the URL's own parameters whose removal
 * makes it verify, described for the message; `null` if none does. Tries the
 * parameters after the signing ones, each parameter alone, and all of them.
 */
async function findAddedParameters(
  request: SignedUrlParts,
  expires: string,
  key: VerifyKey,
  hash: HashAlgorithm,
  signature: Uint8Array,
): Promise<string | null> {
  const own = request.own;
  if (own.length === 0) return null;
  const tries: { kept: typeof own; said: string }[] = [];
  const before = own.filter((p) => !p.afterSigning);
  if (before.length < own.length)
    tries.push({ kept: before, said: "the query parameters placed after the signing parameters" });
  if (own.length <= 32) {
    for (let i = 0; i < own.length; i++) {
      tries.push({
        kept: own.filter((_, k) => k !== i),
        said: `the query parameter ${JSON.stringify(own[i]!.name.slice(0, 40))}`,
      });
    }
  }
  if (own.length > 1) tries.push({ kept: [], said: "any of its query parameters" });
  const seen = new Set<string>();
  for (const t of tries) {
    const base = unsignedUrl(request, t.kept);
    if (seen.has(base)) continue;
    seen.add(base);
    if (await verifySignature(key, key.algorithm, hash, encoder.encode(cannedPolicyText(base, expires)), signature))
      return t.said;
  }
  return null;
}

function resourceHint(request: SignedUrlParts, resource: string): string {
  const own = request.own;
  const before = own.filter((p) => !p.afterSigning);
  if (before.length < own.length && resourceCovers(resource, unsignedUrl(request, before))) {
    return " because of the query parameters placed after the signing parameters (added after signing?)";
  }
  if (own.length <= 32) {
    for (let i = 0; i < own.length; i++) {
      if (
        resourceCovers(
          resource,
          unsignedUrl(
            request,
            own.filter((_, k) => k !== i),
          ),
        )
      ) {
        return ` because of the query parameter ${JSON.stringify(own[i]!.name.slice(0, 40))} (added after signing?)`;
      }
    }
  }
  return "";
}

/** Names a likely cause of a bad signature, if one of a few checks finds it. */
async function badSignatureHint(
  settings: Settings,
  keyPairId: string,
  key: VerifyKey,
  hash: HashAlgorithm,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<string> {
  if ((await key.forHash(hash)) === null) {
    return `; the key is an RSA CryptoKey imported for the other hash and not extractable, so it cannot check ${hash} signatures (pass PEM, a JWK or an extractable key)`;
  }
  if (
    key.algorithm === "ECDSA" &&
    signature.length === 64 &&
    (await verifySignature(key, "ECDSA", hash, data, signature, "p1363"))
  ) {
    return "; it is a raw r||s (P1363) ECDSA signature, as WebCrypto returns it, but CloudFront needs DER";
  }
  let tried = 0;
  for (const [id, input] of Object.entries(settings.publicKeys)) {
    if (id === keyPairId || ++tried > 8) continue;
    try {
      const other = await importVerifyKey(input);
      if (await verifySignature(other, other.algorithm, hash, data, signature)) {
        return `; it verifies with the key ${JSON.stringify(id)}, so Key-Pair-Id names the wrong key`;
      }
    } catch {
      // An unusable key elsewhere in the set is not this request's problem.
    }
  }
  return "";
}
