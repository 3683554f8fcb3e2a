/**
 * An independent check of signed URLs for tests: it takes the URL apart with
 * plain string operations and node:crypto, without any cfsign code.
 */
import { verify, type KeyObject } from "node:crypto";

const SIGNING = new Set(["Expires", "Policy", "Signature", "Key-Pair-Id", "Hash-Algorithm"]);

export interface ParsedSignedUrl {
  /** The URL without the signing parameters, as CloudFront rebuilds it. */
  base: string;
  params: Map<string, string>;
  /** Names of the signing parameters in the order they appear. */
  order: string[];
  /** The policy bytes that were signed (decoded Policy, or the canned policy rebuilt). */
  policy: string;
}

/** CloudFront-safe base64 back to bytes. */
export function fromCloudFrontBase64(text: string): Buffer {
  return Buffer.from(text.replace(/-/g, "+").replace(/_/g, "=").replace(/~/g, "/"), "base64");
}

/** Splits a signed URL into its base and signing parameters, and rebuilds the signed policy. */
export function parseSignedUrl(url: string): ParsedSignedUrl {
  const q = url.indexOf("?");
  const path = q === -1 ? url : url.slice(0, q);
  const query = q === -1 ? [] : url.slice(q + 1).split("&");
  const own: string[] = [];
  const params = new Map<string, string>();
  const order: string[] = [];
  for (const pair of query) {
    const eq = pair.indexOf("=");
    const name = eq === -1 ? pair : pair.slice(0, eq);
    if (SIGNING.has(name)) {
      if (params.has(name)) throw new Error(`duplicate ${name}`);
      params.set(name, pair.slice(eq + 1));
      order.push(name);
    } else {
      own.push(pair);
    }
  }
  const base = own.length === 0 ? path : `${path}?${own.join("&")}`;
  const policy = params.has("Policy")
    ? fromCloudFrontBase64(params.get("Policy")!).toString("utf8")
    : `{"Statement":[{"Resource":"${base}","Condition":{"DateLessThan":{"AWS:EpochTime":${params.get("Expires")}}}}]}`;
  return { base, params, order, policy };
}

/** True when the URL's signature verifies over its policy with `publicKey`. */
export function verifySignedUrl(url: string, publicKey: KeyObject): boolean {
  const parsed = parseSignedUrl(url);
  const hash = parsed.params.get("Hash-Algorithm") === "SHA256" ? "sha256" : "sha1";
  const signature = fromCloudFrontBase64(parsed.params.get("Signature") ?? "");
  return verify(hash, Buffer.from(parsed.policy, "utf8"), publicKey, signature);
}
