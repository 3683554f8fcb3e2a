/**
 * signCookies: canned or custom, the Set-Cookie values, the cookie attributes it
 * refuses, and the same validation and codes as signed URLs. Signatures are
 * checked with node:crypto over the policy as the test rebuilds it.
 */
import { verify as nodeVerify } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import { CfSignError, createSigner, type CfSignErrorCode, type SignCookiesOptions, type Signer } from "../src/index.js";
import { rsaKey } from "./helpers/keys.js";
import { fromCloudFrontBase64 } from "./helpers/verify.js";

const NOW_MS = Date.UTC(2026, 0, 1);
const NOW = NOW_MS / 1000;
const EXPIRES = NOW + 3600;
const KID = "K2JCJMDEHXQW5F";
const CDN = "https://cdn.example.com";

let signer: Signer;
beforeAll(async () => {
  signer = await createSigner({ keyPairId: KID, privateKey: rsaKey().privatePem, clock: () => NOW_MS });
});

const policyOf = (value: string): string => fromCloudFrontBase64(value).toString("utf8");
const signatureVerifies = (policy: string, signature: string, digest = "sha256"): boolean =>
  nodeVerify(digest, Buffer.from(policy), rsaKey().publicKey, fromCloudFrontBase64(signature));

describe("canned or custom", () => {
  test("only expires and a plain URL: canned, one Set-Cookie per cookie, Secure and HttpOnly, no Expires or Max-Age", async () => {
    const r = await signer.signCookies({ resource: `${CDN}/downloads/game.zip?v=2`, expires: EXPIRES });
    expect(r.kind).toBe("canned");
    expect(Object.keys(r.cookies)).toEqual([
      "CloudFront-Expires",
      "CloudFront-Signature",
      "CloudFront-Key-Pair-Id",
      "CloudFront-Hash-Algorithm",
    ]);
    expect(r.cookies["CloudFront-Expires"]).toBe(String(EXPIRES));
    const policy = `{"Statement":[{"Resource":"${CDN}/downloads/game.zip?v=2","Condition":{"DateLessThan":{"AWS:EpochTime":${EXPIRES}}}}]}`;
    expect(signatureVerifies(policy, r.cookies["CloudFront-Signature"])).toBe(true);
    expect(r.setCookie).toEqual([
      `CloudFront-Expires=${EXPIRES}; Path=/; Secure; HttpOnly`,
      `CloudFront-Signature=${r.cookies["CloudFront-Signature"]}; Path=/; Secure; HttpOnly`,
      `CloudFront-Key-Pair-Id=${KID}; Path=/; Secure; HttpOnly`,
      "CloudFront-Hash-Algorithm=SHA256; Path=/; Secure; HttpOnly",
    ]);
    for (const header of r.setCookie) expect(header).not.toMatch(/; (Expires|Max-Age)=/i);
  });

  test.each([
    ["a * wildcard", { resource: `${CDN}/gallery/*` }],
    ["a ? beyond the query separator", { resource: `${CDN}/a.jpg?v=?` }],
    ["starts", { resource: `${CDN}/a.jpg`, starts: NOW }],
    ["ipAddress", { resource: `${CDN}/a.jpg`, ipAddress: "192.0.2.0/24" }],
  ])("%s: custom, CloudFront-Policy holds the policy", async (_, extra) => {
    const r = await signer.signCookies({ expires: EXPIRES, ...extra });
    expect(r.kind).toBe("custom");
    expect(r.cookies["CloudFront-Expires"]).toBeUndefined();
    const policy = policyOf(r.cookies["CloudFront-Policy"]!);
    expect(JSON.parse(policy).Statement[0].Resource).toBe(extra.resource);
    expect(signatureVerifies(policy, r.cookies["CloudFront-Signature"])).toBe(true);
  });

  test("no resource needs allowAnyResource, and then grants everything (*)", async () => {
    await expect(signer.signCookies({ expires: EXPIRES })).rejects.toMatchObject({ code: "INVALID_RESOURCE" });
    const r = await signer.signCookies({ expires: EXPIRES, allowAnyResource: true });
    expect(JSON.parse(policyOf(r.cookies["CloudFront-Policy"]!)).Statement[0].Resource).toBe("*");
  });

  test("SHA-1 signers emit no CloudFront-Hash-Algorithm", async () => {
    const sha1 = await createSigner({
      keyPairId: KID,
      privateKey: rsaKey().privatePem,
      hashAlgorithm: "SHA1",
      clock: () => NOW_MS,
    });
    const r = await sha1.signCookies({ resource: `${CDN}/g/*`, expires: EXPIRES });
    expect(r.cookies["CloudFront-Hash-Algorithm"]).toBeUndefined();
    expect(r.setCookie).toHaveLength(3);
    expect(
      signatureVerifies(policyOf(r.cookies["CloudFront-Policy"]!), r.cookies["CloudFront-Signature"], "sha1"),
    ).toBe(true);
  });

  test("both engines emit the same cookies (RSA signatures are deterministic)", async () => {
    const wasm = await createSigner({
      keyPairId: KID,
      privateKey: rsaKey().privatePem,
      engine: "wasm",
      clock: () => NOW_MS,
    });
    const js = await createSigner({
      keyPairId: KID,
      privateKey: rsaKey().privatePem,
      engine: "js",
      clock: () => NOW_MS,
    });
    const options: SignCookiesOptions = {
      resource: `${CDN}/g/é*`.replace("é", "%C3%A9"),
      expires: EXPIRES,
      ipAddress: "192.0.2.1",
    };
    expect(await wasm.signCookies(options)).toEqual(await js.signCookies(options));
  });
});

describe("cookie attributes", () => {
  test("domain, path, secure, httpOnly and sameSite are written in that order", async () => {
    const r = await signer.signCookies({
      resource: `${CDN}/g/*`,
      expires: EXPIRES,
      domain: ".example.com",
      path: "/g/",
      sameSite: "lax",
    });
    for (const header of r.setCookie)
      expect(header).toMatch(
        /^CloudFront-[A-Za-z-]+=[^;]+; Domain=\.example\.com; Path=\/g\/; Secure; HttpOnly; SameSite=Lax$/,
      );
    const plain = await signer.signCookies({
      resource: `${CDN}/g/*`,
      expires: EXPIRES,
      secure: false,
      httpOnly: false,
      sameSite: "Strict",
    });
    expect(plain.setCookie[0]).toMatch(/; Path=\/; SameSite=Strict$/);
  });

  test.each([
    ["cloudfront.net", "COOKIE_DOMAIN_NOT_ALLOWED"],
    ["d111111abcdef8.cloudfront.net", "COOKIE_DOMAIN_NOT_ALLOWED"],
    [".d111111abcdef8.cloudfront.net", "COOKIE_DOMAIN_NOT_ALLOWED"],
    ["D111111ABCDEF8.CloudFront.NET", "COOKIE_DOMAIN_NOT_ALLOWED"],
    ["example.com; HttpOnly", "INVALID_COOKIE_ATTRIBUTE"],
    ["example.com\r\nSet-Cookie: x=1", "INVALID_COOKIE_ATTRIBUTE"],
    ["example .com", "INVALID_COOKIE_ATTRIBUTE"],
    ["https://example.com", "INVALID_COOKIE_ATTRIBUTE"],
    ["example.com:443", "INVALID_COOKIE_ATTRIBUTE"],
    ["example.com/", "INVALID_COOKIE_ATTRIBUTE"],
    ["", "INVALID_COOKIE_ATTRIBUTE"],
  ] as const)("domain %j is refused with %s", async (domain, code) => {
    await expect(signer.signCookies({ resource: `${CDN}/g/*`, expires: EXPIRES, domain })).rejects.toMatchObject({
      code,
    });
  });

  test("a cloudfront.net look-alike is fine", async () => {
    const r = await signer.signCookies({
      resource: "https://cdn.notcloudfront.net/g/*",
      expires: EXPIRES,
      domain: "notcloudfront.net",
    });
    expect(r.setCookie[0]).toContain("; Domain=notcloudfront.net;");
  });

  test.each(["g/", "/a;b", "/a b", "/a\nb", "/a\rb", "/é", ""])("path %j is refused", async (path) => {
    await expect(signer.signCookies({ resource: `${CDN}/g/*`, expires: EXPIRES, path })).rejects.toMatchObject({
      code: "INVALID_COOKIE_ATTRIBUTE",
    });
  });

  test("sameSite must be Strict, Lax or None, and None needs Secure", async () => {
    const base = { resource: `${CDN}/g/*`, expires: EXPIRES };
    await expect(signer.signCookies({ ...base, sameSite: "Sometimes" as never })).rejects.toMatchObject({
      code: "INVALID_COOKIE_ATTRIBUTE",
    });
    await expect(signer.signCookies({ ...base, sameSite: "None", secure: false })).rejects.toMatchObject({
      code: "INVALID_COOKIE_ATTRIBUTE",
    });
    expect((await signer.signCookies({ ...base, sameSite: "none" })).setCookie[0]).toMatch(
      /; Secure; HttpOnly; SameSite=None$/,
    );
  });

  test("a cookie over 4,096 bytes is refused before signing", async () => {
    const resource = `${CDN}/${"a".repeat(3100)}/*`;
    await expect(signer.signCookies({ resource, expires: EXPIRES })).rejects.toMatchObject({
      code: "COOKIE_TOO_LARGE",
    });
  });
});

describe("the same validation and codes as signed URLs", () => {
  const rows: [name: string, options: Partial<SignCookiesOptions>, code: CfSignErrorCode][] = [
    ["no expires", { resource: `${CDN}/a.jpg`, expires: undefined }, "INVALID_DATE"],
    ["expires in the past", { resource: `${CDN}/a.jpg`, expires: NOW - 1 }, "EXPIRES_IN_PAST"],
    ["expires at now", { resource: `${CDN}/a.jpg`, expires: NOW }, "EXPIRES_IN_PAST"],
    ["expires in milliseconds", { resource: `${CDN}/a.jpg`, expires: EXPIRES * 1000 }, "DATE_IN_MILLISECONDS"],
    ["an ISO date without a zone", { resource: `${CDN}/a.jpg`, expires: "2026-01-02T00:00:00" }, "INVALID_DATE"],
    ["starts after expires", { resource: `${CDN}/a.jpg`, starts: EXPIRES + 1 }, "INVALID_DATE_RANGE"],
    ["an IPv6 address", { resource: `${CDN}/a.jpg`, ipAddress: "2001:db8::/32" }, "IPV6_NOT_SUPPORTED"],
    ["a bad IPv4 CIDR", { resource: `${CDN}/a.jpg`, ipAddress: "192.0.2.1/24" }, "INVALID_IP_ADDRESS"],
    ["canned: a relative URL", { resource: "/a.jpg" }, "INVALID_URL"],
    ["canned: an upper-case host", { resource: "https://CDN.example.com/a.jpg" }, "INVALID_URL"],
    ["canned: a fragment", { resource: `${CDN}/a.jpg#x` }, "URL_HAS_FRAGMENT"],
    ["canned: a space", { resource: `${CDN}/a b.jpg` }, "URL_UNSAFE_CHARACTER"],
    ["canned: a signing parameter", { resource: `${CDN}/a.jpg?Expires=1` }, "URL_HAS_SIGNING_PARAMETER"],
    ["custom: a broad resource", { resource: "https://*.example.com/*" }, "RESOURCE_TOO_BROAD"],
    ["custom: *", { resource: "*" }, "RESOURCE_TOO_BROAD"],
    ["custom: a resource with a space", { resource: `${CDN}/a b/*` }, "INVALID_RESOURCE"],
    ["custom: a resource without a scheme", { resource: "cdn.example.com/*" }, "INVALID_RESOURCE"],
    ["a resource that is not a string", { resource: 42 as never }, "INVALID_ARGUMENT"],
  ];
  test.each(rows)("%s: %s", async (_, extra, code) => {
    const err = await signer.signCookies({ expires: EXPIRES, ...extra } as SignCookiesOptions).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CfSignError);
    expect((err as CfSignError).code).toBe(code);
    expect((err as CfSignError).index).toBeUndefined();
  });

  test("signUrl refuses the same inputs with the same codes", async () => {
    for (const [, extra, code] of rows) {
      if (extra.resource === undefined || typeof extra.resource !== "string" || extra.resource.includes("*")) continue;
      const err = await signer
        .signUrl(extra.resource, { expires: EXPIRES, ...extra, resource: undefined })
        .catch((e: unknown) => e);
      expect((err as CfSignError).code).toBe(code);
    }
  });

  test("options must be an object", async () => {
    await expect(signer.signCookies(undefined as never)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });
});
