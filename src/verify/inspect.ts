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
 * usable at the edge. Its types are in ./inspect-types.ts, its reading of the
 * policy's conditions in ./inspect-policy.ts.
 *
 * @module
 */
import { isMissingKeyPairId, keyPairIdProblem } from "../cloudfront/key-pair-id.ts";
import {
  SIGNING_PARAMETER_NAMES,
  signingParameterIgnoringCase,
  type SigningParameterName,
} from "../cloudfront/params.ts";
import { cannedPolicyText } from "../cloudfront/policy.ts";
import {
  decodeSigningValue,
  hasSigningParametersInFragment,
  isExpiresText,
  isS3PresignedUrl,
  splitSignedUrl,
  unsignedUrl as unsignedUrlOf,
} from "../cloudfront/signed-url.ts";
import { s3HostKind } from "../cloudfront/s3.ts";
import { toEpochSeconds } from "../cloudfront/time.ts";
import { clientRewrite } from "../cloudfront/client-rewrite.ts";
import { MAX_URL_BYTES } from "../cloudfront/url.ts";
import { fail } from "../errors.ts";
import { inspectPolicy } from "./inspect-policy.ts";
import type { Finding, FindingCode, InspectOptions, Inspection } from "./inspect-types.ts";
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
  if (isMissingKeyPairId(keyPairId)) {
    error(
      "MISSING_KEY_PAIR_ID",
      keyPairId === null ? "the Key-Pair-Id parameter is missing" : "the Key-Pair-Id parameter is empty",
    );
  } else {
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

  const { policy, policyText, resource, expires, starts, ipAddress } = inspectPolicy(
    policyBytes,
    kind,
    unsignedUrl,
    nowSeconds,
    error,
    warn,
  );
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
