/**
 * Byte-for-byte agreement with @aws-sdk/cloudfront-signer (pinned devDependency),
 * an independent implementation, for URLs it does not re-encode.
 *
 * The SDK orders its query parameters Expires, Key-Pair-Id, Signature,
 * Hash-Algorithm; cfsign's documented order is Expires|Policy, Signature,
 * Key-Pair-Id, Hash-Algorithm (CloudFront accepts any order). So the URLs are
 * compared after putting the SDK's parameters into cfsign's order: every byte of
 * the base URL, of each value, and of the signature must match.
 */
import { getSignedUrl } from "@aws-sdk/cloudfront-signer";
import { describe, expect, test } from "vitest";
import { createSigner } from "../src/index.js";
import { rsaKey } from "./helpers/keys.js";

const EXPIRES = 4102444800; // 2100-01-01T00:00:00Z
const KEY_PAIR_ID = "K2JCJMDEHXQW5F";
const ORDER = ["Expires", "Policy", "Signature", "Key-Pair-Id", "Hash-Algorithm"];

const URLS = [
  "https://d111111abcdef8.cloudfront.net/image.jpg",
  "https://d111111abcdef8.cloudfront.net/videos/2026/intro.mp4",
  "https://d111111abcdef8.cloudfront.net/image.jpg?color=red&size=medium",
  "https://d111111abcdef8.cloudfront.net/a-b_c.d/e~f.txt",
  "https://d111111abcdef8.cloudfront.net/hls/stream/segment00042.ts",
  "http://example.com/downloads/report.pdf",
  "https://cdn.example.com:8443/private/file.zip",
];

/** The SDK's URL with its signing parameters put into cfsign's order. */
function reorder(url: string): string {
  const q = url.indexOf("?");
  const pairs = url.slice(q + 1).split("&");
  const own = pairs.filter((p) => !ORDER.includes(p.slice(0, p.indexOf("="))));
  const signing = pairs
    .filter((p) => ORDER.includes(p.slice(0, p.indexOf("="))))
    .sort((a, b) => ORDER.indexOf(a.slice(0, a.indexOf("="))) - ORDER.indexOf(b.slice(0, b.indexOf("="))));
  return url.slice(0, q) + "?" + [...own, ...signing].join("&");
}

describe.each(["SHA1", "SHA256"] as const)("%s", (hashAlgorithm) => {
  test.each(["wasm", "js"] as const)("canned URLs match the SDK byte for byte (engine %s)", async (engine) => {
    const privateKey = rsaKey().privatePem;
    const signer = await createSigner({ keyPairId: KEY_PAIR_ID, privateKey, hashAlgorithm, engine });
    const ours = await signer.signUrls(URLS, { expires: EXPIRES, strict: true });
    for (const [i, url] of URLS.entries()) {
      const theirs = getSignedUrl({
        url,
        keyPairId: KEY_PAIR_ID,
        privateKey,
        dateLessThan: new Date(EXPIRES * 1000).toISOString(),
        algorithm: hashAlgorithm,
      });
      // Precondition of the comparison: the SDK did not re-encode this URL.
      expect(theirs.startsWith(url + (url.includes("?") ? "&" : "?"))).toBe(true);
      expect(ours[i]).toEqual({ ok: true, url: reorder(theirs) });
    }
  });

  test("custom policies with one optional condition match the SDK (its condition order differs only with two)", async () => {
    const privateKey = rsaKey().privatePem;
    const signer = await createSigner({ keyPairId: KEY_PAIR_ID, privateKey, hashAlgorithm });
    const url = URLS[2]!;
    const common = {
      url,
      keyPairId: KEY_PAIR_ID,
      privateKey,
      algorithm: hashAlgorithm,
      dateLessThan: "2100-01-01T00:00:00Z",
    };
    const withIp = getSignedUrl({ ...common, ipAddress: "192.0.2.0/24" });
    expect(await signer.signUrl(url, { expires: EXPIRES, ipAddress: "192.0.2.0/24" })).toBe(reorder(withIp));
    const withStart = getSignedUrl({ ...common, dateGreaterThan: "2026-01-01T00:00:00Z" });
    expect(await signer.signUrl(url, { expires: EXPIRES, starts: "2026-01-01T00:00:00Z" })).toBe(reorder(withStart));
  });
});
