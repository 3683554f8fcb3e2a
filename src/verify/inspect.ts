/**
 * The inspector: what a signed URL says, read without any key (the policy, its
 * kind, times, IP range, resource, key id and hash), and the mistakes visible
 * without the key. The signature itself needs the public key: the verifier
 * (./verify.ts).
 *
 * It reads a URL exactly as the verifier does, with the same rules
 * (src/cloudfront/): the same parser (signed-url.ts), the same strict base64
 * decoder, the same policy reader, the same request-as-sent rule (url.ts), so
 * that a URL the inspector finds no error in is refused by the verifier only for
 * what needs the key or the client's address. Its finding codes are the
 * verifier's `VerifyReason` codes where one exists. Runtime-neutral: no Node API,
 * usable at the edge.
 *
 * @module
 */
import { keyPairIdProblem } from "../cloudfront/key-pair-id.ts";
import {
  SIGNING_PARAMETER_NAMES,
  signingParameterIgnoringCase,
  type SigningParameterName,
} from "../cloudfront/params.ts";
import { cannedPolicyText, readPolicy } from "../cloudfront/policy.ts";
import { resourceCovers } from "../cloudfront/resource.ts";
import {
  decodeSigningValue,
  hasSigningParametersInFragment,
  isExpiresText,
  isS3PresignedUrl,
  splitSignedUrl,
  unsignedUrl as unsignedUrlOf,
} from "../cloudfront/signed-url.ts";
import { s3HostKind } from "../cloudfront/s3.ts";
import { MAX_EPOCH_SECONDS, toEpochSeconds, type DateInput } from "../cloudfront/time.ts";
import { clientRewrite } from "../cloudfront/client-rewrite.ts";
import { MAX_URL_BYTES } from "../cloudfront/url.ts";
import { fail } from "../errors.ts";

/** What a finding is about; the verifier's reason codes where they mean the same. */
export type FindingCode =
  | "NOT_SIGNED"
  | "INVALID_URL"
  | "CLIENT_REWRITES_URL"
  | "S3_PRESIGNED_URL"
  | "S3_HOST"
  | "SIGNING_PARAMETERS_IN_FRAGMENT"
  | "FRAGMENT"
  | "DUPLICATE_SIGNING_PARAMETER"
  | "SIGNING_PARAMETER_CASE"
  | "MISSING_KEY_PAIR_ID"
  | "KEY_PAIR_ID_FORMAT"
  | "MISSING_SIGNATURE"
  | "MALFORMED_POLICY"
  | "STANDARD_BASE64"
  | "HASH_ALGORITHM_MISMATCH"
  | "MILLISECOND_EPOCH"
  | "EXPIRED"
  | "NOT_YET_VALID"
  | "RESOURCE_MISMATCH"
  | "PARAMETER_ADDED_AFTER_SIGNING"
  | "RESOURCE_ANY"
  | "RESOURCE_QUESTION_MARK"
  | "URL_TOO_LONG"
  | "SIGNATURE_FORMAT";

/** One mistake seen in a URL. */
export interface Finding {
  /** `error`: CloudFront would refuse the URL (403); `warning`: it may work but is likely a mistake. */
  readonly severity: "error" | "warning";
  /** What it is about. */
  readonly code: FindingCode;
  /** The mistake in words, with the fix when one is known. Never the whole URL. */
  readonly message: string;
}

/** A point in time of a policy. */
export interface PolicyTime {
  /** Epoch seconds, as in the policy. */
  readonly epoch: number;
  /** `2030-01-01T00:00:00Z`, or `null` when out of the range a date can show. */
  readonly utc: string | null;
  /** `in 59 minutes`, `3 days ago`. */
  readonly relative: string;
}

/** What {@link inspectSignedUrl} found. */
export interface Inspection {
  /** True when the URL carries any CloudFront signing parameter. */
  readonly signed: boolean;
  /** `custom` when it has `Policy`, `canned` when it has `Expires`. */
  readonly kind: "canned" | "custom" | null;
  /** The `Key-Pair-Id`, when present. */
  readonly keyPairId: string | null;
  /** The declared `Hash-Algorithm`, or `SHA1` (CloudFront's default) when there is none. */
  readonly hashAlgorithm: string | null;
  /** The URL without the signing parameters: the bytes a canned policy covers. */
  readonly unsignedUrl: string;
  /** The policy's `Resource`; `null` when a custom policy has none (every URL). */
  readonly resource: string | null;
  /** `DateLessThan`. */
  readonly expires: PolicyTime | null;
  /** `DateGreaterThan`. */
  readonly starts: PolicyTime | null;
  /** `IpAddress.AWS:SourceIp`. */
  readonly ipAddress: string | null;
  /** The policy: decoded from `Policy`, or the canned policy rebuilt from the URL as CloudFront does. */
  readonly policy: unknown;
  /** Its exact text. */
  readonly policyText: string | null;
  /** The signature's size and what that size suggests. */
  readonly signature: { readonly bytes: number; readonly looksLike: string } | null;
  /** Every mistake seen, errors and warnings, in the order they were found. */
  readonly findings: readonly Finding[];
}

/** Options of {@link inspectSignedUrl}. */
export interface InspectOptions {
  /** The time to judge expiry against: a `Date`, integer epoch seconds, or ISO-8601 with a zone. Default: now. */
  readonly now?: DateInput | undefined;
}

const encoder = /* @__PURE__ */ new TextEncoder();

/**
 * Reads a signed URL without a key and lists the mistakes it can see: standard
 * base64, duplicated or missing signing parameters, a malformed policy, milliseconds
 * for seconds, expiry, a resource that does not cover the URL, a URL a client would
 * rewrite, an S3 presigned URL or S3 host, parameters after the signing ones, a fragment.
 *
 * @param url - the signed URL (with its fragment, if any: a fragment is a finding)
 * @param options - `now`
 * @returns the decoded parts and the findings; never throws for a malformed URL
 * @throws {@link CfSignError} `INVALID_ARGUMENT` when `url` is not a string, `INVALID_DATE` for a bad `now`
 * @example
 * ```ts
 * const { findings, expires } = inspectSignedUrl(url);
 * for (const f of findings) console.log(f.severity, f.code, f.message);
 * ```
 */
export function inspectSignedUrl(url: string, options: InspectOptions = {}): Inspection {
  if (typeof url !== "string") fail("INVALID_ARGUMENT", "inspectSignedUrl takes the signed URL as a string");
  const { now } = options;
  const nowSeconds =
    now === undefined
      ? Date.now() / 1000
      : now instanceof Date
        ? now.getTime() / 1000
        : toEpochSeconds(now, "now", "floor");
  const findings: Finding[] = [];
  const error = (code: FindingCode, message: string): void => void findings.push({ severity: "error", code, message });
  const warn = (code: FindingCode, message: string): void => void findings.push({ severity: "warning", code, message });

  const parts = splitSignedUrl(url);
  const { sent, own, signing, fragment } = parts;
  const unsignedUrl = unsignedUrlOf(parts);
  const base: Inspection = {
    signed: signing.size > 0,
    kind: null,
    keyPairId: null,
    hashAlgorithm: null,
    unsignedUrl,
    resource: null,
    expires: null,
    starts: null,
    ipAddress: null,
    policy: null,
    policyText: null,
    signature: null,
    findings,
  };

  if (!/^https?:\/\/[^/?#\s]+(?:[/?#]|$)/i.test(url)) {
    error("INVALID_URL", "the URL is not an absolute http:// or https:// URL");
    return base;
  }
  const bytes = encoder.encode(sent).length;
  if (bytes > MAX_URL_BYTES)
    error("URL_TOO_LONG", `the URL is ${bytes} bytes; CloudFront accepts at most ${MAX_URL_BYTES}`);
  const rewrite = clientRewrite(sent);
  if (rewrite !== null) {
    error(
      "CLIENT_REWRITES_URL",
      `a client would not send this URL as given: it ${rewrite.change}, so CloudFront would check other bytes`,
    );
  }
  const s3 = s3HostKind(sent);
  if (s3 !== null) warn("S3_HOST", s3.message);
  if (isS3PresignedUrl(parts)) {
    error(
      "S3_PRESIGNED_URL",
      "this is an Amazon S3 presigned URL (X-Amz-Signature, X-Amz-Credential, ... or AWSAccessKeyId), not a " +
        "CloudFront signed URL; CloudFront checks only its own Key-Pair-Id, Signature and Expires or Policy",
    );
  }
  if (fragment !== undefined) {
    if (hasSigningParametersInFragment(fragment)) {
      error(
        "SIGNING_PARAMETERS_IN_FRAGMENT",
        "signing parameters come after the #fragment, which clients never send; sign the URL without its fragment " +
          "and add the fragment after the signing parameters",
      );
    } else {
      warn(
        "FRAGMENT",
        "the URL has a #fragment; clients do not send it, so it is not part of what CloudFront checks (fine if it was added after signing)",
      );
    }
  }
  const caseMistakes = new Set<string>();
  for (const { name } of own) {
    const wrongCase = signingParameterIgnoringCase(name);
    if (wrongCase !== undefined) caseMistakes.add(`${name.slice(0, 40)} (CloudFront's name is ${wrongCase})`);
  }
  for (const mistake of caseMistakes) {
    warn(
      "SIGNING_PARAMETER_CASE",
      `the query parameter ${mistake} differs only in case from a signing parameter; CloudFront's names are case-sensitive`,
    );
  }
  if (signing.size === 0) {
    if (!findings.some((f) => f.code === "S3_PRESIGNED_URL" || f.code === "SIGNING_PARAMETERS_IN_FRAGMENT")) {
      error(
        "NOT_SIGNED",
        "the URL carries no CloudFront signing parameters (Expires or Policy, Signature, Key-Pair-Id)",
      );
    }
    return base;
  }

  for (const name of SIGNING_PARAMETER_NAMES) {
    const count = signing.get(name)?.length ?? 0;
    if (count > 1) error("DUPLICATE_SIGNING_PARAMETER", `${name} appears ${count} times (was the URL signed twice?)`);
  }
  const one = (name: SigningParameterName): string | undefined => signing.get(name)?.[0];
  const keyPairId = one("Key-Pair-Id") ?? null;
  if (keyPairId === null) error("MISSING_KEY_PAIR_ID", "the Key-Pair-Id parameter is missing");
  else {
    const problem = keyPairIdProblem(keyPairId);
    if (problem !== null) error("KEY_PAIR_ID_FORMAT", `Key-Pair-Id: ${problem} (CloudFront answers "Unknown Key")`);
  }
  const declared = one("Hash-Algorithm");
  if (declared !== undefined && declared !== "SHA1" && declared !== "SHA256") {
    error("HASH_ALGORITHM_MISMATCH", "Hash-Algorithm must be SHA1 or SHA256 (upper case)");
  }
  const hashAlgorithm = declared ?? "SHA1";

  const signatureText = one("Signature");
  let signature: Inspection["signature"] = null;
  if (signatureText === undefined) {
    error("MISSING_SIGNATURE", "the Signature parameter is missing");
  } else {
    const decoded = decodeForDisplay(signatureText, "Signature", "SIGNATURE_FORMAT", error);
    if (decoded !== null) {
      const looksLike =
        decoded.length === 256
          ? "RSA-2048"
          : decoded.length >= 68 && decoded.length <= 72 && decoded[0] === 0x30
            ? "ECDSA P-256 (DER)"
            : decoded.length === 64
              ? "ECDSA P-256 raw r||s (P1363)"
              : "neither RSA-2048 nor ECDSA P-256";
      signature = { bytes: decoded.length, looksLike };
      if (decoded.length === 64) {
        error(
          "SIGNATURE_FORMAT",
          "the signature is 64 bytes: a raw r||s ECDSA signature as WebCrypto returns it, but CloudFront needs DER (about 70-72 bytes)",
        );
      } else if (looksLike.startsWith("neither")) {
        error(
          "SIGNATURE_FORMAT",
          `the signature is ${decoded.length} bytes, which is neither an RSA-2048 (256) nor an ECDSA P-256 DER (70-72) signature`,
        );
      }
    }
  }

  const expiresText = one("Expires");
  const policyParam = one("Policy");
  const kind: Inspection["kind"] = policyParam !== undefined ? "custom" : expiresText !== undefined ? "canned" : null;
  let policyBytes: Uint8Array | null = null;
  if (expiresText !== undefined && policyParam !== undefined) {
    error("MALFORMED_POLICY", "both Expires and Policy are present; a signed URL carries exactly one");
  } else if (expiresText === undefined && policyParam === undefined) {
    error("MALFORMED_POLICY", "neither Expires (canned policy) nor Policy (custom policy) is present");
  }
  if (policyParam !== undefined) {
    policyBytes = decodeForDisplay(policyParam, "Policy", "MALFORMED_POLICY", error);
  } else if (expiresText !== undefined) {
    if (!isExpiresText(expiresText)) error("MALFORMED_POLICY", "Expires must be whole epoch seconds (digits only)");
    else policyBytes = encoder.encode(cannedPolicyText(unsignedUrl, expiresText));
  }

  let policy: unknown = null;
  let policyText: string | null = null;
  let resource: string | null = null;
  let expires: PolicyTime | null = null;
  let starts: PolicyTime | null = null;
  let ipAddress: string | null = null;
  if (policyBytes !== null) {
    const read = readPolicy(policyBytes);
    policyText = read.text ?? null;
    if (read.policy === undefined) {
      error("MALFORMED_POLICY", `the policy is not a valid CloudFront policy: ${read.problem}`);
      policy = read.json ?? null;
    } else {
      policy = read.policy;
      const statement = read.policy.Statement[0];
      resource = statement.Resource ?? null;
      const lessThan = statement.Condition.DateLessThan["AWS:EpochTime"];
      const greaterThan = statement.Condition.DateGreaterThan?.["AWS:EpochTime"];
      ipAddress = statement.Condition.IpAddress?.["AWS:SourceIp"] ?? null;
      expires = policyTime(lessThan, nowSeconds);
      if (lessThan >= MAX_EPOCH_SECONDS) {
        error(
          "MILLISECOND_EPOCH",
          "DateLessThan is 10^11 or more: milliseconds where epoch seconds belong (Date.now() instead of Date.now() / 1000?)",
        );
      } else if (nowSeconds >= lessThan) {
        error("EXPIRED", `expired ${expires.relative} (DateLessThan ${expires.utc})`);
      }
      if (greaterThan !== undefined) {
        starts = policyTime(greaterThan, nowSeconds);
        if (greaterThan >= MAX_EPOCH_SECONDS) {
          error(
            "MILLISECOND_EPOCH",
            "DateGreaterThan is 10^11 or more: milliseconds where epoch seconds belong; access would never start",
          );
        } else if (nowSeconds <= greaterThan) {
          error("NOT_YET_VALID", `not valid yet: access starts after ${starts.utc} (${starts.relative})`);
        }
      }
      if (kind === "custom") {
        if (resource === null || resource === "*") {
          warn(
            "RESOURCE_ANY",
            "the policy's Resource is " +
              (resource === null ? "absent" : '"*"') +
              ": the URL's signature works for every file of every distribution that trusts this key",
          );
        } else if (!resourceCovers(resource, unsignedUrl)) {
          error("RESOURCE_MISMATCH", "the policy's Resource does not cover this URL (without its signing parameters)");
        } else if (resource.includes("?") && !resource.includes("*")) {
          warn(
            "RESOURCE_QUESTION_MARK",
            "the policy's Resource has a ?, which a custom policy reads as a wildcard for any one character (also " +
              "the query separator): it grants more than this one URL (a.jpg?v=1 also grants a.jpgXv=1). For exactly " +
              "this URL use a canned policy (only expires), or an explicit resource without ?",
          );
        }
      }
    }
  }
  const after = own.filter((p) => p.afterSigning);
  if (after.length > 0) {
    const listed = after
      .slice(0, 3)
      .map((p) => JSON.stringify(p.name.slice(0, 40)))
      .join(", ");
    warn(
      "PARAMETER_ADDED_AFTER_SIGNING",
      `the query parameter${after.length > 1 ? "s" : ""} ${listed}${after.length > 3 ? ", ..." : ""} come${after.length > 1 ? "" : "s"} after the signing parameters: ` +
        (kind === "canned"
          ? "if added after signing, the canned policy CloudFront rebuilds from the URL no longer matches the signature (403)"
          : "if added after signing, it is fine only while the policy's Resource covers the URL with it"),
    );
  }
  return {
    ...base,
    kind,
    keyPairId,
    hashAlgorithm,
    resource,
    expires,
    starts,
    ipAddress,
    policy,
    policyText,
    signature,
  };
}

/**
 * Decodes a `Signature` or `Policy` value with the verifier's strict decoder, reporting a mistake as a finding.
 * Standard base64 is a finding (`STANDARD_BASE64`, an error, as in the verifier) and, to show the rest, is
 * decoded by the same strict decoder after mapping `+ / =` (or their escapes) to `- ~ _`.
 */
function decodeForDisplay(
  text: string,
  name: "Signature" | "Policy",
  otherCode: FindingCode,
  error: (code: FindingCode, message: string) => void,
): Uint8Array | null {
  const decoded = decodeSigningValue(text, name);
  if (decoded.bytes !== undefined) return decoded.bytes;
  error(decoded.problem === "STANDARD_BASE64" ? "STANDARD_BASE64" : otherCode, decoded.message);
  if (decoded.problem !== "STANDARD_BASE64") return null;
  const mapped = text
    .replace(/%2B/gi, "-")
    .replace(/%2F/gi, "~")
    .replace(/%3D/gi, "_")
    .replace(/\+/g, "-")
    .replace(/\//g, "~")
    .replace(/=/g, "_");
  return decodeSigningValue(mapped, name).bytes ?? null;
}

function policyTime(epoch: number, now: number): PolicyTime {
  const date = new Date(epoch * 1000);
  const utc = Number.isFinite(date.getTime()) ? date.toISOString().replace(/\.000Z$/, "Z") : null;
  return { epoch, utc, relative: relativeTime(epoch - now) };
}

/**
 * A duration from now in words: `in 59 minutes`, `3 days ago`. Whole units,
 * rounded down, so "in 59 minutes" is never really an hour.
 *
 * @param seconds - positive for the future, negative for the past
 * @returns the words
 * @example
 * ```ts
 * relativeTime(-3 * 86400); // "3 days ago"
 * ```
 */
export function relativeTime(seconds: number): string {
  const s = Math.abs(seconds);
  const [n, unit] =
    s < 90
      ? [Math.floor(s), "second"]
      : s < 90 * 60
        ? [Math.floor(s / 60), "minute"]
        : s < 48 * 3600
          ? [Math.floor(s / 3600), "hour"]
          : s < 730 * 86400
            ? [Math.floor(s / 86400), "day"]
            : [Math.floor(s / (365.25 * 86400)), "year"];
  const text = `${n} ${unit}${n === 1 ? "" : "s"}`;
  return seconds >= 0 ? `in ${text}` : `${text} ago`;
}
