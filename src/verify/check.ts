/**
 * The checks of one signed request, in CloudFront's order (see ./verify.ts): duplicate and missing
 * signing values, the key, the hash, the signature over the policy, the policy's shape, `Resource`,
 * the dates and `IpAddress`. Stops at the first failure with its reason code.
 *
 * @module
 */
import { importVerifyKey, verifySignature } from "../crypto/public-key.ts";
import type { HashAlgorithm } from "../crypto/types.ts";
import { cidrContains, parseIpv4Cidr } from "../cloudfront/ip.ts";
import { isMissingKeyPairId, keyPairIdProblem } from "../cloudfront/key-pair-id.ts";
import { COOKIE_PREFIX, SIGNING_PARAMETER_NAMES, type SigningParameterName } from "../cloudfront/params.ts";
import { cannedPolicyText, readPolicy, type CloudFrontPolicy } from "../cloudfront/policy.ts";
import { resourceCovers } from "../cloudfront/resource.ts";
import { MAX_EPOCH_SECONDS } from "../cloudfront/time.ts";
import {
  decodeSigningValue,
  isExpiresText,
  isS3PresignedUrl,
  unsignedUrl,
  type SignedUrlParts,
} from "../cloudfront/signed-url.ts";
import { badSignatureHint, findAddedParameters, resourceHint } from "./diagnose.ts";
import type { Settings } from "./options.ts";
import type { VerifyReason, VerifyResult } from "./types.ts";

export type Fields = Omit<VerifyResult, "valid" | "reason" | "message">;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function result(reason: VerifyReason, message: string, fields: Fields): VerifyResult {
  return { valid: reason === "OK", reason, message, ...fields };
}

const encoder = /* @__PURE__ */ new TextEncoder();

export async function check(
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
  if (isMissingKeyPairId(keyPairId)) {
    if (keyPairId === "") return done("MISSING_KEY_PAIR_ID", `the ${label("Key-Pair-Id")} ${what} is empty`);
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

/** `S3_PRESIGNED_URL` when the URL is an Amazon S3 presigned URL, else `null`. */
export function s3Result(request: SignedUrlParts, via: "url" | "cookies"): VerifyResult | null {
  if (!isS3PresignedUrl(request)) return null;
  return result(
    "S3_PRESIGNED_URL",
    "this is an Amazon S3 presigned URL (X-Amz-Signature or AWSAccessKeyId), not a CloudFront signed URL; " +
      "CloudFront checks only its own Key-Pair-Id, Signature and Expires/Policy",
    { kind: "canned", via },
  );
}
