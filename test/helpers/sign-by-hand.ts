/**
 * Signed URLs written by hand with node:crypto, for verifier tests that need a
 * correctly signed but wrong request (a malformed policy, an epoch in
 * milliseconds, a P1363 ECDSA signature): no cfsign code involved.
 */
import { sign, type KeyObject } from "node:crypto";

/** CloudFront-safe base64 (standard base64, then + → -, = → _, / → ~). */
export function toCloudFrontBase64(bytes: Uint8Array | string): string {
  return Buffer.from(bytes).toString("base64").replace(/\+/g, "-").replace(/=/g, "_").replace(/\//g, "~");
}

/** The signature over `text` with `privateKey` (DER for ECDSA unless `p1363`). */
export function signText(text: string, privateKey: KeyObject, hash: "SHA1" | "SHA256", p1363 = false): Buffer {
  const digest = hash === "SHA256" ? "sha256" : "sha1";
  return p1363
    ? sign(digest, Buffer.from(text), { key: privateKey, dsaEncoding: "ieee-p1363" })
    : sign(digest, Buffer.from(text), privateKey);
}

/** `url` + custom-policy parameters for `policyText`, signed by hand. */
export function customUrl(
  url: string,
  policyText: string,
  privateKey: KeyObject,
  keyPairId: string,
  hash: "SHA1" | "SHA256",
): string {
  const sep = url.includes("?") ? "&" : "?";
  return (
    `${url}${sep}Policy=${toCloudFrontBase64(policyText)}&Signature=${toCloudFrontBase64(signText(policyText, privateKey, hash))}` +
    `&Key-Pair-Id=${keyPairId}${hash === "SHA256" ? "&Hash-Algorithm=SHA256" : ""}`
  );
}

/** `url` + canned parameters with a literal `Expires` text, signed by hand. */
export function cannedUrl(
  url: string,
  expires: string,
  privateKey: KeyObject,
  keyPairId: string,
  hash: "SHA1" | "SHA256",
  p1363 = false,
): string {
  const policy = `{"Statement":[{"Resource":"${url}","Condition":{"DateLessThan":{"AWS:EpochTime":${expires}}}}]}`;
  const sep = url.includes("?") ? "&" : "?";
  return (
    `${url}${sep}Expires=${expires}&Signature=${toCloudFrontBase64(signText(policy, privateKey, hash, p1363))}` +
    `&Key-Pair-Id=${keyPairId}${hash === "SHA256" ? "&Hash-Algorithm=SHA256" : ""}`
  );
}
