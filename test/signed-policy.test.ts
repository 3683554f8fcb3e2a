/**
 * signPolicy: one custom policy signed once, applied to many URLs. URLs are
 * checked with node:crypto (test/helpers/verify.ts) and by the verifier.
 */
import { beforeAll, describe, expect, test } from "vitest";
import { CfSignError, SignedPolicy, createSigner, verifyUrl, type CustomSigner, type Signer } from "../src/index.js";
import { sign as nodeSign } from "node:crypto";
import { inspect } from "node:util";
import { rsaKey } from "./helpers/keys.js";
import { parseSignedUrl, verifySignedUrl } from "./helpers/verify.js";

const NOW_MS = Date.UTC(2026, 0, 1);
const NOW = NOW_MS / 1000;
const EXPIRES = NOW + 3600;
const KID = "K2JCJMDEHXQW5F";
const CDN = "https://cdn.example.com";
const GALLERY = `${CDN}/gallery/*`;

let signer: Signer;
let policy: SignedPolicy;
beforeAll(async () => {
  signer = await createSigner({ keyPairId: KID, privateKey: rsaKey().privatePem, clock: () => NOW_MS });
  policy = await signer.signPolicy({ resource: GALLERY, expires: EXPIRES, starts: NOW - 5, ipAddress: "192.0.2.0/24" });
});

describe("the signed policy", () => {
  test("holds the policy bytes, the precomputed query and the conditions", () => {
    expect(policy).toBeInstanceOf(SignedPolicy);
    expect(new TextDecoder().decode(policy.policy)).toBe(
      `{"Statement":[{"Resource":"${GALLERY}","Condition":{"DateLessThan":{"AWS:EpochTime":${EXPIRES}},` +
        `"IpAddress":{"AWS:SourceIp":"192.0.2.0/24"},"DateGreaterThan":{"AWS:EpochTime":${NOW - 5}}}}]}`,
    );
    expect(policy.query).toMatch(
      new RegExp(`^Policy=[A-Za-z0-9~_-]+&Signature=[A-Za-z0-9~_-]+&Key-Pair-Id=${KID}&Hash-Algorithm=SHA256$`),
    );
    expect(policy).toMatchObject({ resource: GALLERY, expires: EXPIRES, starts: NOW - 5, ipAddress: "192.0.2.0/24" });
    expect(String(policy)).toBe(`SignedPolicy(${GALLERY}, expires ${EXPIRES})`);
  });

  test("JSON and console.log show what it grants but never the query, a working grant", () => {
    const signature = /Signature=([^&]+)/.exec(policy.query)![1]!;
    const json = JSON.stringify(policy);
    expect(JSON.parse(json)).toEqual({
      policy: new TextDecoder().decode(policy.policy),
      resource: GALLERY,
      expires: EXPIRES,
      starts: NOW - 5,
      ipAddress: "192.0.2.0/24",
    });
    const shown = inspect(policy, { depth: 5 });
    expect(shown).toMatch(/^SignedPolicy \{/);
    expect(shown).toContain(GALLERY);
    expect(shown).toContain(`[not shown: ${policy.query.length} characters`);
    for (const text of [json, shown]) {
      expect(text).not.toContain(signature);
      expect(text).not.toContain("Signature=");
    }
    // Asked for by name, it is there.
    expect(policy.query).toContain(`Signature=${signature}`);
  });

  test("apply appends the query with ? or &; every URL verifies independently and with verifyUrl", async () => {
    for (const url of [`${CDN}/gallery/a.jpg`, `${CDN}/gallery/2026/b.jpg?w=640&h=480`, `${CDN}/gallery/`]) {
      const signed = policy.apply(url);
      expect(signed).toBe(url + (url.includes("?") ? "&" : "?") + policy.query);
      expect(verifySignedUrl(signed, rsaKey().publicKey)).toBe(true);
      expect(parseSignedUrl(signed).base).toBe(url);
      expect(
        (await verifyUrl(signed, { publicKeys: { [KID]: rsaKey().publicKey }, now: NOW, clientIp: "192.0.2.1" }))
          .reason,
      ).toBe("OK");
    }
  });

  test("signs once, however many URLs are applied", async () => {
    let calls = 0;
    const counting: CustomSigner = {
      algorithm: "RSA",
      async sign(data, hash) {
        calls++;
        return nodeSign(hash === "SHA256" ? "sha256" : "sha1", data, rsaKey().privateKey);
      },
    };
    const s = await createSigner({ keyPairId: KID, privateKey: counting, clock: () => NOW_MS });
    const shared = await s.signPolicy({ resource: GALLERY, expires: EXPIRES });
    const results = shared.applyAll(Array.from({ length: 1000 }, (_, i) => `${CDN}/gallery/${i}.jpg`));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(calls).toBe(1);
  });

  test("both engines make the same query", async () => {
    const make = async (engine: "wasm" | "js"): Promise<string> =>
      (
        await (
          await createSigner({ keyPairId: KID, privateKey: rsaKey().privatePem, engine, clock: () => NOW_MS })
        ).signPolicy({
          resource: `${CDN}/%C3%A9t%C3%A9/*`,
          expires: EXPIRES,
        })
      ).query;
    expect(await make("wasm")).toBe(await make("js"));
  });
});

describe("apply and applyAll refuse", () => {
  const cases: [name: string, url: unknown, code: string][] = [
    ["a URL the resource does not cover", `${CDN}/private/a.jpg`, "RESOURCE_MISMATCH"],
    ["another host", "https://cdn2.example.com/gallery/a.jpg", "RESOURCE_MISMATCH"],
    ["http for an https resource", "http://cdn.example.com/gallery/a.jpg", "RESOURCE_MISMATCH"],
    ["a URL already signed", `${CDN}/gallery/a.jpg?Policy=x`, "URL_HAS_SIGNING_PARAMETER"],
    ["a relative URL", "/gallery/a.jpg", "INVALID_URL"],
    ["a fragment", `${CDN}/gallery/a.jpg#top`, "URL_HAS_FRAGMENT"],
    ["a space", `${CDN}/gallery/a b.jpg`, "URL_UNSAFE_CHARACTER"],
    ["a URL that would pass 8,192 bytes", `${CDN}/gallery/${"a".repeat(8192 - 40)}`, "URL_TOO_LONG"],
    ["not a string", 42, "INVALID_ARGUMENT"],
  ];

  test.each(cases)("apply: %s (%s)", (_, url, code) => {
    expect(() => policy.apply(url as string)).toThrow(expect.objectContaining({ code }));
  });

  test("applyAll: the same failures per item, with their index, and the good neighbours signed", () => {
    const urls = cases.flatMap(([, url]) => [`${CDN}/gallery/ok.jpg`, url]) as string[];
    const results = policy.applyAll(urls);
    expect(results).toHaveLength(urls.length);
    results.forEach((r, i) => {
      if (i % 2 === 0) {
        expect(r).toEqual({ ok: true, url: `${CDN}/gallery/ok.jpg?${policy.query}` });
      } else {
        expect(r.ok).toBe(false);
        if (!r.ok) {
          expect(r.index).toBe(i);
          expect(r.error).toBeInstanceOf(CfSignError);
          expect(r.error.code).toBe(cases[(i - 1) / 2]![2]);
          expect(r.error.index).toBe(i);
        }
      }
    });
  });

  test("applyAll takes an array", () => {
    expect(() => policy.applyAll("x" as never)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
  });

  test("an expired shared policy: apply and applyAll throw EXPIRES_IN_PAST", async () => {
    let now = NOW_MS;
    const s = await createSigner({ keyPairId: KID, privateKey: rsaKey().privatePem, clock: () => now });
    const shared = await s.signPolicy({ resource: GALLERY, expires: EXPIRES });
    expect(shared.apply(`${CDN}/gallery/a.jpg`)).toContain("Policy=");
    now = EXPIRES * 1000;
    expect(() => shared.apply(`${CDN}/gallery/a.jpg`)).toThrow(expect.objectContaining({ code: "EXPIRES_IN_PAST" }));
    expect(() => shared.applyAll([`${CDN}/gallery/a.jpg`])).toThrow(
      expect.objectContaining({ code: "EXPIRES_IN_PAST" }),
    );
  });
});

describe("signPolicy refuses", () => {
  test.each([
    ["no resource", { expires: EXPIRES }, "INVALID_RESOURCE"],
    ["* without allowAnyResource", { resource: "*", expires: EXPIRES }, "RESOURCE_TOO_BROAD"],
    ["a wildcard host", { resource: "https://*.example.com/*", expires: EXPIRES }, "RESOURCE_TOO_BROAD"],
    ["a bad pattern", { resource: "cdn.example.com/*", expires: EXPIRES }, "INVALID_RESOURCE"],
    ["no expires", { resource: GALLERY }, "INVALID_DATE"],
    ["expires in the past", { resource: GALLERY, expires: NOW }, "EXPIRES_IN_PAST"],
    ["milliseconds", { resource: GALLERY, expires: EXPIRES * 1000 }, "DATE_IN_MILLISECONDS"],
    ["starts after expires", { resource: GALLERY, expires: EXPIRES, starts: EXPIRES }, "INVALID_DATE_RANGE"],
    ["IPv6", { resource: GALLERY, expires: EXPIRES, ipAddress: "::1" }, "IPV6_NOT_SUPPORTED"],
    ["not an object", null, "INVALID_ARGUMENT"],
  ])("%s (%s)", async (_, options, code) => {
    await expect(signer.signPolicy(options as never)).rejects.toMatchObject({ code });
  });

  test("* with allowAnyResource covers every URL", async () => {
    const any = await signer.signPolicy({ resource: "*", expires: EXPIRES, allowAnyResource: true });
    expect(any.applyAll(["https://a.example/x", "http://b.example:8080/y?z=1"]).every((r) => r.ok)).toBe(true);
  });
});
