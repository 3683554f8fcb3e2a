/**
 * When a signature or resource check fails, the likely cause named for the message: a query parameter
 * added after signing, a key imported for the other hash, a raw P1363 ECDSA signature, another trusted
 * key that verifies it. Only tried after a failure, so a valid request never pays for them.
 *
 * @module
 */
import { importVerifyKey, verifySignature, type VerifyKey } from "../crypto/public-key.ts";
import type { HashAlgorithm } from "../crypto/types.ts";
import { cannedPolicyText } from "../cloudfront/policy.ts";
import { resourceCovers } from "../cloudfront/resource.ts";
import { unsignedUrl, type SignedUrlParts } from "../cloudfront/signed-url.ts";
import type { Settings } from "./options.ts";

const encoder = /* @__PURE__ */ new TextEncoder();

/**
 * For a canned signature that fails: the URL's own parameters whose removal
 * makes it verify, described for the message; `null` if none does. Tries the
 * parameters after the signing ones, each parameter alone, and all of them.
 */
export async function findAddedParameters(
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

export function resourceHint(request: SignedUrlParts, resource: string): string {
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
export async function badSignatureHint(
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
