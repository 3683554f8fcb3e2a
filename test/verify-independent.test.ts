/**
 * The verifier against signatures it did not make, and signed cookies against a
 * verifier we did not write:
 *
 * - URLs signed by botocore's CloudFrontSigner and cookies built from botocore's
 *   policy and a `cryptography` signature (test/vectors/verifier/verifier.json,
 *   generator beside it), each with the outcome the fixture names;
 * - URLs and cookies from @aws-sdk/cloudfront-signer (its parameter order and its
 *   condition order differ from cfsign's; CloudFront accepts any);
 * - cookies from `signCookies`, checked with node:crypto over a policy rebuilt by hand.
 */
import { verify as nodeVerify } from "node:crypto";
import { readFileSync } from "node:fs";
import { getSignedCookies, getSignedUrl } from "@aws-sdk/cloudfront-signer";
import { describe, expect, test } from "vitest";
import { createSigner, verifyCookies, verifyUrl, type VerifyReason } from "../src/index.js";
import { ecKey, rsaKey } from "./helpers/keys.js";
import { fromCloudFrontBase64 } from "./helpers/verify.js";

interface Keyed {
  keyPairId: string;
  pkcs8Pem: string;
  spkiPem: string;
}
interface UrlCase {
  name: string;
  url: string;
  expect: VerifyReason;
  now: number;
  clientIp?: string;
}
interface CookieCase {
  name: string;
  requestUrl: string;
  cookies: Record<string, string>;
  cookieHeader: string;
  expect: VerifyReason;
  now: number;
  clientIp?: string;
}
const fixture = JSON.parse(readFileSync(new URL("./vectors/verifier/verifier.json", import.meta.url), "utf8")) as {
  keys: Record<"rsa" | "p256", Keyed>;
  urls: UrlCase[];
  cookies: CookieCase[];
};
const publicKeys = Object.fromEntries(Object.values(fixture.keys).map((k) => [k.keyPairId, k.spkiPem]));

describe("botocore-signed URLs (test/vectors/verifier)", () => {
  test.each(fixture.urls.map((c) => [c.name, c] as const))("%s", async (_, c) => {
    const result = await verifyUrl(c.url, { publicKeys, now: c.now, clientIp: c.clientIp });
    expect({ reason: result.reason, message: result.message }).toMatchObject({ reason: c.expect });
    expect(result.valid).toBe(c.expect === "OK");
  });
});

describe("hand-built cookies from botocore's policy (test/vectors/verifier)", () => {
  test.each(fixture.cookies.map((c) => [c.name, c] as const))("%s", async (_, c) => {
    for (const jar of [c.cookies, c.cookieHeader]) {
      const result = await verifyCookies(c.requestUrl, jar, { publicKeys, now: c.now, clientIp: c.clientIp });
      expect({ reason: result.reason, message: result.message }).toMatchObject({ reason: c.expect });
      expect(result.via).toBe("cookies");
    }
  });
});

const HOST = "https://d111111abcdef8.cloudfront.net";
/** Signed cookies need an alternate domain name: none reaches a *.cloudfront.net host (COOKIE_DOMAIN_MISMATCH). */
const COOKIE_HOST = "https://cdn.example.com";
const KEY_PAIR_ID = "K2JCJMDEHXQW5F";
const NOW = Date.UTC(2026, 0, 1) / 1000;
const EXPIRES = NOW + 3600;

describe.each([
  ["RSA", rsaKey],
  ["ECDSA", ecKey],
] as const)("@aws-sdk/cloudfront-signer output, %s", (_, key) => {
  const keys = (): Record<string, string> => ({
    [KEY_PAIR_ID]: key().publicKey.export({ type: "spki", format: "pem" }) as string,
  });

  test.each(["SHA1", "SHA256"] as const)("canned and custom URLs verify (%s)", async (algorithm) => {
    const common = {
      keyPairId: KEY_PAIR_ID,
      privateKey: key().privatePem,
      algorithm,
      dateLessThan: new Date(EXPIRES * 1000).toISOString(),
    };
    const canned = getSignedUrl({ ...common, url: `${HOST}/image.jpg?color=red` });
    const custom = getSignedUrl({
      ...common,
      url: `${HOST}/gallery/a.jpg`,
      dateGreaterThan: new Date((NOW - 60) * 1000).toISOString(),
      ipAddress: "192.0.2.0/24",
    });
    for (const url of [canned, custom]) {
      const result = await verifyUrl(url, { publicKeys: keys(), now: NOW, clientIp: "192.0.2.1" });
      expect(result.reason).toBe("OK");
      expect(result.hashAlgorithm).toBe(algorithm);
    }
    expect((await verifyUrl(custom, { publicKeys: keys(), now: NOW, clientIp: "192.0.3.1" })).reason).toBe(
      "IP_NOT_ALLOWED",
    );
    expect((await verifyUrl(canned, { publicKeys: keys(), now: EXPIRES })).reason).toBe("EXPIRED");
  });

  test.each(["SHA1", "SHA256"] as const)("canned and custom cookies verify (%s)", async (algorithm) => {
    const common = { keyPairId: KEY_PAIR_ID, privateKey: key().privatePem, algorithm };
    const canned = getSignedCookies({
      ...common,
      url: `${HOST}/downloads/game.zip`,
      dateLessThan: new Date(EXPIRES * 1000).toISOString(),
    });
    const policy = JSON.stringify({
      Statement: [{ Resource: `${HOST}/gallery/*`, Condition: { DateLessThan: { "AWS:EpochTime": EXPIRES } } }],
    });
    const custom = getSignedCookies({ ...common, policy });
    // The SDK returns CloudFront-Expires as a number; a cookie jar holds text.
    const asRecord = (c: object): Record<string, string> =>
      Object.fromEntries(
        Object.entries(c)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => [k, String(v)]),
      );
    const okCanned = await verifyCookies(`${HOST}/downloads/game.zip`, asRecord(canned), {
      publicKeys: keys(),
      now: NOW,
    });
    expect(okCanned).toMatchObject({ reason: "OK", kind: "canned", via: "cookies", hashAlgorithm: algorithm });
    const okCustom = await verifyCookies(`${HOST}/gallery/2026/b.jpg`, asRecord(custom), {
      publicKeys: keys(),
      now: NOW,
    });
    expect(okCustom).toMatchObject({ reason: "OK", kind: "custom", via: "cookies" });
    const outside = await verifyCookies(`${HOST}/private/b.jpg`, asRecord(custom), { publicKeys: keys(), now: NOW });
    expect(outside.reason).toBe("RESOURCE_MISMATCH");
  });
});

describe("cookies from signCookies verify under node:crypto with a policy rebuilt by hand", () => {
  test.each([
    ["RSA", rsaKey, "SHA256"],
    ["RSA", rsaKey, "SHA1"],
    ["ECDSA", ecKey, "SHA256"],
    ["ECDSA", ecKey, "SHA1"],
  ] as const)("%s %s", async (_, key, hashAlgorithm) => {
    const signer = await createSigner({
      keyPairId: KEY_PAIR_ID,
      privateKey: key().privatePem,
      hashAlgorithm,
      clock: () => NOW * 1000,
    });
    const digest = hashAlgorithm === "SHA256" ? "sha256" : "sha1";

    const canned = await signer.signCookies({ resource: `${COOKIE_HOST}/downloads/game.zip?v=2`, expires: EXPIRES });
    const cannedPolicy = `{"Statement":[{"Resource":"${COOKIE_HOST}/downloads/game.zip?v=2","Condition":{"DateLessThan":{"AWS:EpochTime":${EXPIRES}}}}]}`;
    expect(canned.cookies["CloudFront-Expires"]).toBe(String(EXPIRES));
    expect(
      nodeVerify(
        digest,
        Buffer.from(cannedPolicy),
        key().publicKey,
        fromCloudFrontBase64(canned.cookies["CloudFront-Signature"]),
      ),
    ).toBe(true);

    const custom = await signer.signCookies({
      resource: `${COOKIE_HOST}/gallery/*`,
      expires: EXPIRES,
      starts: NOW - 10,
      ipAddress: "192.0.2.0/24",
    });
    const customPolicy =
      `{"Statement":[{"Resource":"${COOKIE_HOST}/gallery/*","Condition":{"DateLessThan":{"AWS:EpochTime":${EXPIRES}},` +
      `"IpAddress":{"AWS:SourceIp":"192.0.2.0/24"},"DateGreaterThan":{"AWS:EpochTime":${NOW - 10}}}}]}`;
    expect(fromCloudFrontBase64(custom.cookies["CloudFront-Policy"]!).toString("utf8")).toBe(customPolicy);
    expect(
      nodeVerify(
        digest,
        Buffer.from(customPolicy),
        key().publicKey,
        fromCloudFrontBase64(custom.cookies["CloudFront-Signature"]),
      ),
    ).toBe(true);
    for (const c of [canned, custom]) {
      expect(c.cookies["CloudFront-Key-Pair-Id"]).toBe(KEY_PAIR_ID);
      expect(c.cookies["CloudFront-Hash-Algorithm"]).toBe(hashAlgorithm === "SHA256" ? "SHA256" : undefined);
    }
  });
});
