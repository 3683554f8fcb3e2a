/**
 * The verifier (src/verify/verify.ts): one reason per failure, CloudFront's order, the
 * time boundary, an IpAddress condition failing closed without `clientIp`
 * (`IP_ADDRESS_NOT_CHECKED`, `ignoreIpAddress`), every accepted key form, the
 * named common mistakes, and the
 * wildcard table through a signed policy. The round-trip and mutation properties
 * are in test/verify-properties.test.ts; independent signers in
 * test/verify-independent.test.ts.
 */
import { generateKeyPairSync, webcrypto } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import { CfSignError, createSigner, verifyCookies, verifyUrl, type Signer, type VerifyOptions } from "../src/index.js";
import { ecKey, rsaKey } from "./helpers/keys.js";
import { cannedUrl, customUrl } from "./helpers/sign-by-hand.js";
import { H, WILDCARD_CASES } from "./helpers/wildcard-cases.js";

const NOW_MS = Date.UTC(2026, 0, 1);
const NOW = NOW_MS / 1000;
const EXPIRES = NOW + 3600;
const KID = "K2JCJMDEHXQW5F";
/** Signed cookies need a host of one's own: none can reach a *.cloudfront.net host (COOKIE_DOMAIN_MISMATCH). */
const C = "https://cdn.example.com";

const rsaPublicPem = (): string => rsaKey().publicKey.export({ type: "spki", format: "pem" }) as string;
const keys = (): Record<string, string> => ({ [KID]: rsaPublicPem() });
const opts = (extra: Partial<VerifyOptions> = {}): VerifyOptions => ({ publicKeys: keys(), now: NOW, ...extra });

let signer: Signer;
let sha1Signer: Signer;
beforeAll(async () => {
  signer = await createSigner({ keyPairId: KID, privateKey: rsaKey().privatePem, clock: () => NOW_MS });
  sha1Signer = await createSigner({
    keyPairId: KID,
    privateKey: rsaKey().privatePem,
    hashAlgorithm: "SHA1",
    clock: () => NOW_MS,
  });
});

describe("a valid URL", () => {
  test("canned: OK with the rebuilt policy and its facts", async () => {
    const url = await signer.signUrl(`${H}/a.jpg?v=1`, { expires: EXPIRES });
    const r = await verifyUrl(url, opts());
    expect(r).toMatchObject({
      valid: true,
      reason: "OK",
      kind: "canned",
      via: "url",
      keyPairId: KID,
      hashAlgorithm: "SHA256",
      resource: `${H}/a.jpg?v=1`,
      expiresAt: new Date(EXPIRES * 1000),
      policyText: `{"Statement":[{"Resource":"${H}/a.jpg?v=1","Condition":{"DateLessThan":{"AWS:EpochTime":${EXPIRES}}}}]}`,
    });
    expect(r.policy?.Statement[0].Condition.DateLessThan["AWS:EpochTime"]).toBe(EXPIRES);
  });

  test("custom: OK, with starts, IP and resource reported", async () => {
    const url = await signer.signUrl(`${H}/g/a.jpg`, {
      expires: EXPIRES,
      starts: NOW - 60,
      ipAddress: "192.0.2.0/24",
      resource: `${H}/g/*`,
    });
    const r = await verifyUrl(url, opts({ clientIp: "192.0.2.200" }));
    expect(r).toMatchObject({
      valid: true,
      kind: "custom",
      resource: `${H}/g/*`,
      startsAt: new Date((NOW - 60) * 1000),
      ipAddress: "192.0.2.0/24",
      ipAddressChecked: true,
    });
  });

  test("an IpAddress condition without clientIp is not valid: IP_ADDRESS_NOT_CHECKED (see 'IpAddress fails closed')", async () => {
    const url = await signer.signUrl(`${H}/a.jpg`, { expires: EXPIRES, ipAddress: "192.0.2.0/24" });
    const r = await verifyUrl(url, opts());
    expect(r).toMatchObject({
      valid: false,
      reason: "IP_ADDRESS_NOT_CHECKED",
      ipAddressChecked: false,
      ipAddress: "192.0.2.0/24",
    });
  });

  test("now defaults to the current time", async () => {
    const live = await createSigner({ keyPairId: KID, privateKey: rsaKey().privatePem });
    const url = await live.signUrl(`${H}/a.jpg`, { expires: Math.floor(Date.now() / 1000) + 60 });
    expect((await verifyUrl(url, { publicKeys: keys() })).reason).toBe("OK");
  });

  test("a #fragment is dropped as clients drop it", async () => {
    const url = await signer.signUrl(`${H}/a.jpg`, { expires: EXPIRES });
    expect((await verifyUrl(url + "#t=10", opts())).reason).toBe("OK");
  });
});

describe("IpAddress fails closed", () => {
  const IP_POLICY = { expires: EXPIRES, ipAddress: "192.0.2.0/24" } as const;

  test("an IP policy without clientIp: IP_ADDRESS_NOT_CHECKED, with the fix in the message", async () => {
    const url = await signer.signUrl(`${H}/a.jpg`, IP_POLICY);
    const r = await verifyUrl(url, opts());
    expect(r).toMatchObject({
      valid: false,
      reason: "IP_ADDRESS_NOT_CHECKED",
      kind: "custom",
      ipAddress: "192.0.2.0/24",
      ipAddressChecked: false,
      expiresAt: new Date(EXPIRES * 1000),
    });
    expect(r.message).toContain("192.0.2.0/24");
    expect(r.message).toContain("pass clientIp");
    expect(r.message).toContain("ignoreIpAddress: true");
  });

  test("with clientIp inside the range: OK, checked", async () => {
    const url = await signer.signUrl(`${H}/a.jpg`, IP_POLICY);
    for (const clientIp of ["192.0.2.0", "192.0.2.77", "192.0.2.255", "::ffff:192.0.2.9"]) {
      expect(await verifyUrl(url, opts({ clientIp }))).toMatchObject({
        valid: true,
        reason: "OK",
        message: "valid",
        ipAddressChecked: true,
      });
    }
  });

  test("with clientIp outside the range: IP_NOT_ALLOWED, checked", async () => {
    const url = await signer.signUrl(`${H}/a.jpg`, IP_POLICY);
    for (const clientIp of ["192.0.3.1", "198.51.100.1", "2001:db8::1"]) {
      expect(await verifyUrl(url, opts({ clientIp }))).toMatchObject({
        valid: false,
        reason: "IP_NOT_ALLOWED",
        ipAddressChecked: true,
      });
    }
  });

  test("with ignoreIpAddress: true: OK, and ipAddressChecked: false says the condition was skipped", async () => {
    const url = await signer.signUrl(`${H}/a.jpg`, IP_POLICY);
    const r = await verifyUrl(url, opts({ ignoreIpAddress: true }));
    expect(r).toMatchObject({ valid: true, reason: "OK", ipAddress: "192.0.2.0/24", ipAddressChecked: false });
    expect(r.message).toContain("not checked");
    // Explicit false is the default: still fails closed.
    expect((await verifyUrl(url, opts({ ignoreIpAddress: false }))).reason).toBe("IP_ADDRESS_NOT_CHECKED");
  });

  test("ignoreIpAddress changes nothing else: other failures keep their reason, and a policy without IpAddress is unaffected", async () => {
    const url = await signer.signUrl(`${H}/a.jpg`, IP_POLICY);
    // The earlier checks still come first, with or without clientIp.
    expect((await verifyUrl(url, opts({ now: EXPIRES + 1 }))).reason).toBe("EXPIRED");
    expect((await verifyUrl(url, opts({ now: EXPIRES + 1, ignoreIpAddress: true }))).reason).toBe("EXPIRED");
    expect((await verifyUrl(url.replace("a.jpg", "b.jpg"), opts())).reason).toBe("RESOURCE_MISMATCH");
    const plain = await signer.signUrl(`${H}/a.jpg`, { expires: EXPIRES, starts: NOW - 60 });
    for (const extra of [{}, { ignoreIpAddress: true }]) {
      const r = await verifyUrl(plain, opts(extra));
      expect(r).toMatchObject({ valid: true, reason: "OK", message: "valid" });
      expect(r).not.toHaveProperty("ipAddressChecked");
    }
  });

  test("signed cookies: the same three outcomes", async () => {
    const { cookies } = await signer.signCookies({ resource: `${C}/g/*`, ...IP_POLICY });
    const jar = cookies as Record<string, string>;
    expect(await verifyCookies(`${C}/g/a.jpg`, jar, opts())).toMatchObject({
      valid: false,
      reason: "IP_ADDRESS_NOT_CHECKED",
      via: "cookies",
      ipAddressChecked: false,
    });
    expect(await verifyCookies(`${C}/g/a.jpg`, jar, opts({ clientIp: "192.0.2.1" }))).toMatchObject({
      valid: true,
      reason: "OK",
      ipAddressChecked: true,
    });
    expect(await verifyCookies(`${C}/g/a.jpg`, jar, opts({ clientIp: "192.0.3.1" }))).toMatchObject({
      valid: false,
      reason: "IP_NOT_ALLOWED",
    });
    expect(await verifyCookies(`${C}/g/a.jpg`, jar, opts({ ignoreIpAddress: true }))).toMatchObject({
      valid: true,
      reason: "OK",
      ipAddressChecked: false,
    });
  });

  test("ignoreIpAddress with clientIp, or not a boolean: INVALID_ARGUMENT", async () => {
    const url = await signer.signUrl(`${H}/a.jpg`, IP_POLICY);
    await expect(verifyUrl(url, opts({ clientIp: "192.0.2.1", ignoreIpAddress: true }))).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    await expect(verifyUrl(url, opts({ ignoreIpAddress: "yes" as never }))).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    // clientIp with an explicit false is fine.
    expect((await verifyUrl(url, opts({ clientIp: "192.0.2.1", ignoreIpAddress: false }))).reason).toBe("OK");
  });
});

describe("the time boundary", () => {
  const at = (seconds: number): Date => new Date(seconds * 1000);

  test("DateLessThan: exclusive by default (expired at the instant), inclusive on request", async () => {
    const url = await signer.signUrl(`${H}/a.jpg`, { expires: EXPIRES });
    expect((await verifyUrl(url, opts({ now: at(EXPIRES - 0.001) }))).reason).toBe("OK");
    expect((await verifyUrl(url, opts({ now: EXPIRES }))).reason).toBe("EXPIRED");
    expect((await verifyUrl(url, opts({ now: EXPIRES, boundary: "exclusive" }))).reason).toBe("EXPIRED");
    expect((await verifyUrl(url, opts({ now: EXPIRES, boundary: "inclusive" }))).reason).toBe("OK");
    expect((await verifyUrl(url, opts({ now: at(EXPIRES + 0.001), boundary: "inclusive" }))).reason).toBe("EXPIRED");
  });

  test("DateGreaterThan: no access on or before it by default, inclusive on request", async () => {
    const starts = NOW + 100;
    const url = await signer.signUrl(`${H}/a.jpg`, { expires: EXPIRES, starts });
    expect((await verifyUrl(url, opts({ now: starts }))).reason).toBe("NOT_YET_VALID");
    expect((await verifyUrl(url, opts({ now: at(starts + 0.001) }))).reason).toBe("OK");
    expect((await verifyUrl(url, opts({ now: starts, boundary: "inclusive" }))).reason).toBe("OK");
    expect((await verifyUrl(url, opts({ now: at(starts - 0.001), boundary: "inclusive" }))).reason).toBe(
      "NOT_YET_VALID",
    );
  });

  test("now accepts a Date, epoch seconds and ISO-8601", async () => {
    const url = await signer.signUrl(`${H}/a.jpg`, { expires: EXPIRES });
    const iso = new Date(EXPIRES * 1000).toISOString();
    for (const now of [new Date(EXPIRES * 1000), EXPIRES, iso])
      expect((await verifyUrl(url, opts({ now }))).reason).toBe("EXPIRED");
  });
});

describe("one reason per failure", () => {
  const base = (): Promise<string> => signer.signUrl(`${H}/a.jpg?v=1`, { expires: EXPIRES });

  test("MISSING_KEY_PAIR_ID: no signing data at all, or no Key-Pair-Id", async () => {
    expect((await verifyUrl(`${H}/a.jpg`, opts())).reason).toBe("MISSING_KEY_PAIR_ID");
    const url = (await base()).replace(`&Key-Pair-Id=${KID}`, "");
    expect((await verifyUrl(url, opts())).reason).toBe("MISSING_KEY_PAIR_ID");
  });

  test("UNKNOWN_KEY: a Key-Pair-Id not in publicKeys (own properties only)", async () => {
    const url = await base();
    expect((await verifyUrl(url, { publicKeys: { KOTHER: rsaPublicPem() }, now: NOW })).reason).toBe("UNKNOWN_KEY");
    const proto = (await base()).replace(`Key-Pair-Id=${KID}`, "Key-Pair-Id=toString");
    expect((await verifyUrl(proto, opts())).reason).toBe("UNKNOWN_KEY");
  });

  test("MISSING_SIGNATURE", async () => {
    const url = (await base()).replace(/&Signature=[^&]*/, "");
    expect((await verifyUrl(url, opts())).reason).toBe("MISSING_SIGNATURE");
  });

  test("DUPLICATE_SIGNING_PARAMETER", async () => {
    const url = await base();
    expect((await verifyUrl(url + `&Expires=${EXPIRES}`, opts())).reason).toBe("DUPLICATE_SIGNING_PARAMETER");
  });

  test("MALFORMED_POLICY: neither or both of Expires and Policy, non-digit Expires", async () => {
    const url = await base();
    expect((await verifyUrl(url.replace(/Expires=\d+&/, ""), opts())).reason).toBe("MALFORMED_POLICY");
    expect((await verifyUrl(url + "&Policy=e30_", opts())).reason).toBe("MALFORMED_POLICY");
    expect((await verifyUrl(url.replace(`Expires=${EXPIRES}`, `Expires=${EXPIRES}.0`), opts())).reason).toBe(
      "MALFORMED_POLICY",
    );
    expect((await verifyUrl(url.replace(`Expires=${EXPIRES}`, `Expires=-${EXPIRES}`), opts())).reason).toBe(
      "MALFORMED_POLICY",
    );
  });

  test.each([
    ["not JSON", "{Statement:[]}"],
    [
      "two statements",
      `{"Statement":[{"Condition":{"DateLessThan":{"AWS:EpochTime":${EXPIRES}}}},{"Condition":{"DateLessThan":{"AWS:EpochTime":${EXPIRES}}}}]}`,
    ],
    [
      "no DateLessThan",
      `{"Statement":[{"Resource":"${H}/a.jpg","Condition":{"DateGreaterThan":{"AWS:EpochTime":${NOW - 1}}}}]}`,
    ],
    [
      "an epoch as a string",
      `{"Statement":[{"Resource":"${H}/a.jpg","Condition":{"DateLessThan":{"AWS:EpochTime":"${EXPIRES}"}}}]}`,
    ],
    [
      "a fractional epoch",
      `{"Statement":[{"Resource":"${H}/a.jpg","Condition":{"DateLessThan":{"AWS:EpochTime":${EXPIRES}.5}}}]}`,
    ],
    [
      "an unknown condition",
      `{"Statement":[{"Resource":"${H}/a.jpg","Condition":{"DateLessThan":{"AWS:EpochTime":${EXPIRES}},"StringLike":{"a":"b"}}}]}`,
    ],
    [
      "an unknown statement key",
      `{"Statement":[{"Effect":"Allow","Resource":"${H}/a.jpg","Condition":{"DateLessThan":{"AWS:EpochTime":${EXPIRES}}}}]}`,
    ],
    [
      "an IPv6 SourceIp",
      `{"Statement":[{"Resource":"${H}/a.jpg","Condition":{"DateLessThan":{"AWS:EpochTime":${EXPIRES}},"IpAddress":{"AWS:SourceIp":"2001:db8::/32"}}}]}`,
    ],
    [
      "a Resource that is not a string",
      `{"Statement":[{"Resource":["${H}/a.jpg"],"Condition":{"DateLessThan":{"AWS:EpochTime":${EXPIRES}}}}]}`,
    ],
  ])("MALFORMED_POLICY: a correctly signed policy with %s", async (_, text) => {
    const url = customUrl(`${H}/a.jpg`, text, rsaKey().privateKey, KID, "SHA256");
    const r = await verifyUrl(url, opts());
    expect(r.reason).toBe("MALFORMED_POLICY");
    expect(r.policyText).toBe(text);
  });

  test("a custom policy without Resource covers every URL", async () => {
    const text = `{"Statement":[{"Condition":{"DateLessThan":{"AWS:EpochTime":${EXPIRES}}}}]}`;
    const r = await verifyUrl(customUrl(`${H}/any/thing.jpg`, text, rsaKey().privateKey, KID, "SHA1"), opts());
    expect(r).toMatchObject({ reason: "OK", kind: "custom", hashAlgorithm: "SHA1" });
    expect(r.resource).toBeUndefined();
  });

  test("BAD_SIGNATURE: signed by another key, with that key named when it is known", async () => {
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const url = cannedUrl(`${H}/a.jpg`, String(EXPIRES), other.privateKey, KID, "SHA256");
    const alone = await verifyUrl(url, opts());
    expect(alone.reason).toBe("BAD_SIGNATURE");
    const both = await verifyUrl(url, opts({ publicKeys: { ...keys(), KOTHERKEY: other.publicKey } }));
    expect(both.reason).toBe("BAD_SIGNATURE");
    expect(both.message).toContain('"KOTHERKEY"');
  });

  test("BAD_SIGNATURE: a P1363 ECDSA signature, named as such", async () => {
    const url = cannedUrl(`${H}/a.jpg`, String(EXPIRES), ecKey().privateKey, KID, "SHA256", true);
    const r = await verifyUrl(url, { publicKeys: { [KID]: ecKey().publicKey }, now: NOW });
    expect(r.reason).toBe("BAD_SIGNATURE");
    expect(r.message).toContain("P1363");
  });

  test("BAD_SIGNATURE: a signature that is not base64 at all", async () => {
    const url = (await base()).replace(/Signature=[^&]*/, "Signature=not.base64!");
    expect((await verifyUrl(url, opts())).reason).toBe("BAD_SIGNATURE");
  });

  test("HASH_ALGORITHM_MISMATCH: an unknown value, or a signature made with the other hash", async () => {
    const sha256 = await base();
    expect((await verifyUrl(sha256.replace("Hash-Algorithm=SHA256", "Hash-Algorithm=MD5"), opts())).reason).toBe(
      "HASH_ALGORITHM_MISMATCH",
    );
    expect((await verifyUrl(sha256.replace("Hash-Algorithm=SHA256", "Hash-Algorithm=sha256"), opts())).reason).toBe(
      "HASH_ALGORITHM_MISMATCH",
    );
    const dropped = await verifyUrl(sha256.replace("&Hash-Algorithm=SHA256", ""), opts());
    expect(dropped.reason).toBe("HASH_ALGORITHM_MISMATCH");
    expect(dropped.message).toContain("Hash-Algorithm=SHA256");
    const sha1 = await sha1Signer.signUrl(`${H}/a.jpg`, { expires: EXPIRES });
    expect((await verifyUrl(sha1 + "&Hash-Algorithm=SHA256", opts())).reason).toBe("HASH_ALGORITHM_MISMATCH");
    expect((await verifyUrl(sha1 + "&Hash-Algorithm=SHA1", opts())).reason).toBe("OK");
  });

  test("EXPIRED and NOT_YET_VALID say the times in words", async () => {
    const url = await signer.signUrl(`${H}/a.jpg`, { expires: EXPIRES, starts: NOW + 10 });
    const early = await verifyUrl(url, opts());
    expect(early.reason).toBe("NOT_YET_VALID");
    expect(early.message).toContain("2026-01-01T00:00:10Z");
    const late = await verifyUrl(url, opts({ now: EXPIRES + 5 }));
    expect(late.reason).toBe("EXPIRED");
    expect(late.message).toContain("2026-01-01T01:00:00Z");
  });

  test("IP_NOT_ALLOWED: outside the CIDR, or an IPv6 client; IPv4-mapped IPv6 counts as IPv4", async () => {
    const url = await signer.signUrl(`${H}/a.jpg`, { expires: EXPIRES, ipAddress: "192.0.2.0/24" });
    expect((await verifyUrl(url, opts({ clientIp: "192.0.3.1" }))).reason).toBe("IP_NOT_ALLOWED");
    expect((await verifyUrl(url, opts({ clientIp: "2001:db8::1" }))).reason).toBe("IP_NOT_ALLOWED");
    expect((await verifyUrl(url, opts({ clientIp: "::ffff:192.0.2.9" }))).reason).toBe("OK");
    await expect(verifyUrl(url, opts({ clientIp: "not an ip" }))).rejects.toMatchObject({ code: "INVALID_IP_ADDRESS" });
  });

  test("RESOURCE_MISMATCH, with the added parameter named when dropping it would match", async () => {
    const url = await signer.signUrl(`${H}/a.jpg?v=1`, { expires: EXPIRES, ipAddress: "0.0.0.0/0" });
    const r = await verifyUrl(url + "&utm=x", opts());
    expect(r.reason).toBe("RESOURCE_MISMATCH");
    expect(r.message).toContain("after signing");
  });
});

describe("named mistakes", () => {
  test("STANDARD_BASE64 in Signature (raw or percent-encoded) and in Policy", async () => {
    const url = await signer.signUrl(`${H}/a.jpg`, { expires: EXPIRES, ipAddress: "192.0.2.0/24" });
    const sig = /Signature=([^&]*)/.exec(url)![1]!;
    const standard = sig.replace(/-/g, "+").replace(/_/g, "=").replace(/~/g, "/");
    expect((await verifyUrl(url.replace(sig, standard), opts())).reason).toBe("STANDARD_BASE64");
    expect((await verifyUrl(url.replace(sig, encodeURIComponent(standard)), opts())).reason).toBe("STANDARD_BASE64");
    const policy = /Policy=([^&]*)/.exec(url)![1]!;
    const policyStandard = policy.replace(/-/g, "+").replace(/_/g, "=").replace(/~/g, "/");
    expect(policyStandard).not.toBe(policy);
    expect((await verifyUrl(url.replace(policy, policyStandard), opts())).reason).toBe("STANDARD_BASE64");
  });

  test("PARAMETER_ADDED_AFTER_SIGNING: after the signing parameters, before them, or a duplicate", async () => {
    const url = await signer.signUrl(`${H}/a.jpg?v=1`, { expires: EXPIRES });
    expect((await verifyUrl(url + "&utm_source=mail", opts())).reason).toBe("PARAMETER_ADDED_AFTER_SIGNING");
    expect((await verifyUrl(url.replace("?v=1&", "?v=1&x=2&"), opts())).reason).toBe("PARAMETER_ADDED_AFTER_SIGNING");
    expect((await verifyUrl(url.replace("?v=1&", "?v=1&v=1&"), opts())).reason).toBe("PARAMETER_ADDED_AFTER_SIGNING");
    // Signed without a query, then given one.
    const bare = await signer.signUrl(`${H}/a.jpg`, { expires: EXPIRES });
    expect((await verifyUrl(bare.replace("?", "?a=1&"), opts())).reason).toBe("PARAMETER_ADDED_AFTER_SIGNING");
  });

  test("S3_PRESIGNED_URL: SigV4 and SigV2 query authentication", async () => {
    const v4 =
      "https://bucket.s3.amazonaws.com/a.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20260101%2Fus-east-1%2Fs3%2Faws4_request" +
      "&X-Amz-Date=20260101T000000Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host&X-Amz-Signature=abc123";
    const v2 =
      "https://bucket.s3.amazonaws.com/a.jpg?AWSAccessKeyId=AKIDEXAMPLE&Expires=1767229200&Signature=abc%2B%3D";
    expect((await verifyUrl(v4, opts())).reason).toBe("S3_PRESIGNED_URL");
    expect((await verifyUrl(v2, opts())).reason).toBe("S3_PRESIGNED_URL");
  });

  test("MILLISECOND_EPOCH: a correctly signed Expires or DateGreaterThan in milliseconds", async () => {
    const ms = String(EXPIRES * 1000);
    expect((await verifyUrl(cannedUrl(`${H}/a.jpg`, ms, rsaKey().privateKey, KID, "SHA256"), opts())).reason).toBe(
      "MILLISECOND_EPOCH",
    );
    const text = `{"Statement":[{"Resource":"${H}/a.jpg","Condition":{"DateLessThan":{"AWS:EpochTime":${EXPIRES}},"DateGreaterThan":{"AWS:EpochTime":${NOW * 1000}}}}]}`;
    expect((await verifyUrl(customUrl(`${H}/a.jpg`, text, rsaKey().privateKey, KID, "SHA1"), opts())).reason).toBe(
      "MILLISECOND_EPOCH",
    );
  });

  test("SIGNING_PARAMETERS_IN_FRAGMENT: botocore's URL for a URL with a #fragment", async () => {
    const url = await signer.signUrl(`${H}/a.jpg`, { expires: EXPIRES });
    const broken = `${H}/a.jpg#t=10&` + url.slice(url.indexOf("?") + 1);
    expect((await verifyUrl(broken, opts())).reason).toBe("SIGNING_PARAMETERS_IN_FRAGMENT");
  });

  test("INVALID_URL", async () => {
    expect((await verifyUrl("/a.jpg?Expires=1", opts())).reason).toBe("INVALID_URL");
    expect((await verifyUrl("ftp://h/a", opts())).reason).toBe("INVALID_URL");
    const huge = await verifyUrl(
      `https://d111111abcdef8.cloudfront.net/${"a".repeat(9000)}?Expires=1&Signature=x&Key-Pair-Id=K`,
      opts(),
    );
    expect(huge.reason).toBe("INVALID_URL");
    expect(huge.message).toContain("8192");
  });
});

describe("public key forms", () => {
  test.each([
    ["RSA", rsaKey],
    ["ECDSA", ecKey],
  ] as const)("%s: SPKI PEM, JWK, KeyObject (public and private), CryptoKey", async (_, key) => {
    const s = await createSigner({ keyPairId: KID, privateKey: key().privatePem, clock: () => NOW_MS });
    const url = await s.signUrl(`${H}/a.jpg`, { expires: EXPIRES });
    const spki = key().publicKey.export({ type: "spki", format: "pem" }) as string;
    const jwk = key().publicKey.export({ format: "jwk" }) as JsonWebKey;
    const params =
      key === rsaKey ? { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } : { name: "ECDSA", namedCurve: "P-256" };
    const cryptoKey = await webcrypto.subtle.importKey("jwk", jwk, params, false, ["verify"]);
    for (const input of [
      spki,
      jwk,
      { ...jwk, alg: "whatever", use: "sig" },
      key().publicKey,
      key().privateKey,
      cryptoKey,
    ]) {
      expect((await verifyUrl(url, { publicKeys: { [KID]: input as never }, now: NOW })).reason).toBe("OK");
    }
  });

  test("RSA: PKCS#1 PEM (BEGIN RSA PUBLIC KEY)", async () => {
    const url = await signer.signUrl(`${H}/a.jpg`, { expires: EXPIRES });
    const pkcs1 = rsaKey().publicKey.export({ type: "pkcs1", format: "pem" }) as string;
    expect((await verifyUrl(url, { publicKeys: { [KID]: pkcs1 }, now: NOW })).reason).toBe("OK");
  });

  test("an RSA CryptoKey bound to one hash: re-imported for the other when extractable, else named", async () => {
    const url = await sha1Signer.signUrl(`${H}/a.jpg`, { expires: EXPIRES });
    const jwk = rsaKey().publicKey.export({ format: "jwk" }) as JsonWebKey;
    const params = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
    const extractable = await webcrypto.subtle.importKey("jwk", jwk, params, true, ["verify"]);
    expect((await verifyUrl(url, { publicKeys: { [KID]: extractable }, now: NOW })).reason).toBe("OK");
    const sealed = await webcrypto.subtle.importKey("jwk", jwk, params, false, ["verify"]);
    const r = await verifyUrl(url, { publicKeys: { [KID]: sealed }, now: NOW });
    expect(r.reason).toBe("BAD_SIGNATURE");
    expect(r.message).toContain("not extractable");
  });

  test.each([
    ["a private key PEM", () => rsaKey().privatePem, "INVALID_KEY"],
    ["a certificate", () => "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", "INVALID_KEY"],
    ["text that is not PEM", () => "hello", "INVALID_KEY"],
    ["a number", () => 42, "INVALID_KEY"],
    [
      "RSA-1024",
      () => generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({ type: "spki", format: "pem" }),
      "UNSUPPORTED_KEY",
    ],
    [
      "P-384",
      () => generateKeyPairSync("ec", { namedCurve: "P-384" }).publicKey.export({ type: "spki", format: "pem" }),
      "UNSUPPORTED_KEY",
    ],
    [
      "Ed25519",
      () => generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }),
      "UNSUPPORTED_KEY",
    ],
    ["an OKP JWK", () => generateKeyPairSync("ed25519").publicKey.export({ format: "jwk" }), "UNSUPPORTED_KEY"],
  ])("%s is refused with %s (thrown: a configuration error, not a verdict)", async (_, make, code) => {
    const url = await signer.signUrl(`${H}/a.jpg`, { expires: EXPIRES });
    await expect(verifyUrl(url, { publicKeys: { [KID]: make() as never }, now: NOW })).rejects.toSatisfy(
      (e: unknown) => e instanceof CfSignError && e.code === code,
    );
  });

  test("bad options are thrown as INVALID_ARGUMENT", async () => {
    const url = await signer.signUrl(`${H}/a.jpg`, { expires: EXPIRES });
    await expect(verifyUrl(url, {} as never)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(verifyUrl(url, opts({ boundary: "closed" as never }))).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    await expect(verifyUrl(42 as never, opts())).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(verifyUrl(url, opts({ now: Date.now() }))).rejects.toMatchObject({ code: "DATE_IN_MILLISECONDS" });
  });
});

describe("cookies", () => {
  const header = (setCookie: readonly string[]): string => setCookie.map((c) => c.slice(0, c.indexOf(";"))).join("; ");

  test("a Cookie header or a record; other cookies ignored", async () => {
    const { cookies, setCookie } = await signer.signCookies({ resource: `${C}/g/*`, expires: EXPIRES });
    expect((await verifyCookies(`${C}/g/a.jpg`, `theme=dark; ${header(setCookie)}; x=1`, opts())).reason).toBe("OK");
    expect((await verifyCookies(`${C}/g/a.jpg`, { ...cookies, theme: "dark" }, opts())).reason).toBe("OK");
    expect((await verifyCookies(`${C}/h/a.jpg`, cookies, opts())).reason).toBe("RESOURCE_MISMATCH");
  });

  test("a URL with any signing parameter is judged as a signed URL; its cookies are ignored", async () => {
    const { cookies } = await signer.signCookies({ resource: `${C}/g/*`, expires: EXPIRES });
    const r = await verifyCookies(`${C}/g/a.jpg?Expires=1`, cookies, opts());
    expect(r).toMatchObject({ via: "url", reason: "MISSING_KEY_PAIR_ID" });
    expect(r.message).toContain("ignores the cookies");
  });

  test("no CloudFront cookies: MISSING_KEY_PAIR_ID; a cookie twice: DUPLICATE_SIGNING_PARAMETER", async () => {
    expect((await verifyCookies(`${C}/a.jpg`, "session=1", opts())).reason).toBe("MISSING_KEY_PAIR_ID");
    const { setCookie } = await signer.signCookies({ resource: `${C}/g/*`, expires: EXPIRES });
    const twice = header(setCookie) + "; CloudFront-Key-Pair-Id=" + KID;
    expect((await verifyCookies(`${C}/g/a.jpg`, twice, opts())).reason).toBe("DUPLICATE_SIGNING_PARAMETER");
  });

  test("an old canned cookie beside a new custom one: MALFORMED_POLICY, with the likely cause", async () => {
    const custom = await signer.signCookies({ resource: `${C}/g/*`, expires: EXPIRES });
    const r = await verifyCookies(`${C}/g/a.jpg`, { ...custom.cookies, "CloudFront-Expires": String(EXPIRES) }, opts());
    expect(r.reason).toBe("MALFORMED_POLICY");
    expect(r.message).toContain("old canned cookie");
  });

  test("canned cookies grant exactly their URL", async () => {
    const { cookies, kind } = await signer.signCookies({ resource: `${C}/d/game.zip`, expires: EXPIRES });
    expect(kind).toBe("canned");
    expect((await verifyCookies(`${C}/d/game.zip`, cookies, opts())).reason).toBe("OK");
    expect((await verifyCookies(`${C}/d/game.zip?x=1`, cookies, opts())).reason).toBe("PARAMETER_ADDED_AFTER_SIGNING");
    expect((await verifyCookies(`${C}/d/other.zip`, cookies, opts())).reason).toBe("BAD_SIGNATURE");
  });
});

describe("the wildcard table through a signed policy and the verifier", () => {
  test.each(WILDCARD_CASES)("%s covers %s: %s", async (pattern, url, expected) => {
    const policy = await signer.signPolicy({ resource: pattern, expires: EXPIRES, allowAnyResource: true });
    // Built by hand: apply() would refuse the URLs the pattern does not cover.
    const signed = url + (url.includes("?") ? "&" : "?") + policy.query;
    const r = await verifyUrl(signed, opts());
    expect(r.reason).toBe(expected ? "OK" : "RESOURCE_MISMATCH");
    expect(r.resource).toBe(pattern);
  });
});

describe("messages", () => {
  test("never contain key material or the whole URL", async () => {
    const url = await signer.signUrl(`${H}/secret-name-xyz.jpg?token=abcdef`, { expires: EXPIRES });
    const sig = /Signature=([^&]*)/.exec(url)![1]!;
    const pem = rsaPublicPem().split("\n")[1]!;
    for (const broken of [
      url + "&x=1",
      url.replace(sig, (sig[0] === "A" ? "B" : "A") + sig.slice(1)),
      url.replace(KID, "KNOPE"),
    ]) {
      const r = await verifyUrl(broken, opts());
      expect(r.valid).toBe(false);
      expect(r.message).not.toContain("secret-name-xyz");
      expect(r.message).not.toContain(sig.slice(0, 20));
      expect(r.message).not.toContain(pem.slice(0, 20));
    }
  });
});
