/**
 * One rule for "the request as a client sends it" (src/cloudfront/client-rewrite.ts clientRewrite), held by the signer
 * and the verifier alike: the signer refuses a URL a client would rewrite (a future 403), and the verifier
 * reports CLIENT_REWRITES_URL for it, naming the change, instead of VALID. Driven by the shared table
 * (test/helpers/client-rewrites.ts), then by generated URLs (fast-check), with the WHATWG URL serializer as
 * an independent oracle where it applies.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, test } from "vitest";
import { createSigner, inspectSignedUrl, verifyCookies, verifyUrl, type Signer } from "../src/index.js";
import { CLIENT_REWRITE_ROWS } from "./helpers/client-rewrites.js";
import { rsaKey } from "./helpers/keys.js";
import { cannedUrl } from "./helpers/sign-by-hand.js";

const NOW_MS = Date.UTC(2026, 0, 1);
const NOW = NOW_MS / 1000;
const EXPIRES = NOW + 3600;
const KID = "K2JCJMDEHXQW5F";
const publicKeys = (): Record<string, string> => ({
  [KID]: rsaKey().publicKey.export({ type: "spki", format: "pem" }) as string,
});

let signer: Signer;
beforeAll(async () => {
  signer = await createSigner({ keyPairId: KID, privateKey: rsaKey().privatePem, clock: () => NOW_MS });
});

/** The signer's verdict: "signed", or the refusal code. */
async function signerVerdict(url: string): Promise<string> {
  try {
    await signer.signUrl(url, { expires: EXPIRES });
    return "signed";
  } catch (err) {
    return (err as { code: string }).code;
  }
}

/** The URL with canned signing parameters made by hand (node:crypto) over its exact bytes. */
const signedByHand = (url: string): string => cannedUrl(url, String(EXPIRES), rsaKey().privateKey, KID, "SHA1");

describe.each(CLIENT_REWRITE_ROWS)("%s", (_name, url, change) => {
  test("the signer refuses it exactly when a client rewrites it", async () => {
    const verdict = await signerVerdict(url);
    if (change === null) expect(verdict).toBe("signed");
    else expect(["INVALID_URL", "URL_UNSAFE_CHARACTER"]).toContain(verdict);
  });

  test("the verifier reports CLIENT_REWRITES_URL, naming the change, exactly then", async () => {
    const r = await verifyUrl(signedByHand(url), { publicKeys: publicKeys(), now: NOW });
    if (change === null) {
      expect(r).toMatchObject({ valid: true, reason: "OK" });
    } else {
      expect(r).toMatchObject({ valid: false, reason: "CLIENT_REWRITES_URL" });
      expect(r.message).toContain(change);
    }
  });

  test("the inspector reports it too", () => {
    const codes = inspectSignedUrl(signedByHand(url), { now: NOW }).findings.map((f) => f.code);
    expect(codes.includes("CLIENT_REWRITES_URL")).toBe(change !== null);
  });
});

describe("signed cookies", () => {
  test("a gallery/../x request under a gallery/* cookie is not VALID (it was: the pattern matched the bytes)", async () => {
    const { cookies } = await signer.signCookies({ resource: "https://cdn.example.com/gallery/*", expires: EXPIRES });
    const jar = cookies as Record<string, string>;
    const options = { publicKeys: publicKeys(), now: NOW };
    expect((await verifyCookies("https://cdn.example.com/gallery/a.jpg", jar, options)).reason).toBe("OK");
    const r = await verifyCookies("https://cdn.example.com/gallery/../private/x.jpg", jar, options);
    expect(r).toMatchObject({ valid: false, reason: "CLIENT_REWRITES_URL", via: "cookies" });
    expect(r.message).toContain('resolves the "." and ".." segments');
  });
});

describe("generated URLs", () => {
  // Pieces on which the signer, the verifier and (but for user information) the WHATWG serializer agree.
  const scheme = fc.constantFrom("https", "HTTPS", "Https", "http");
  const host = fc.constantFrom("cdn.example.com", "CDN.example.com", "cdn.Example.com", "bücher.example");
  const port = fc.constantFrom("", ":443", ":80", ":8443");
  const userinfo = fc.constantFrom("", "", "", "user@", "u:p@");
  const segment = fc.constantFrom(
    "a",
    "b.jpg",
    ".",
    "..",
    "%2e",
    "%2E%2E",
    ".x",
    "a..b",
    "my file",
    "café",
    'a"b',
    "<x>",
    "{y}",
    "q`r",
    "o'k",
    "%20",
  );
  const query = fc.constantFrom("", "?v=1", "?name=o'brien", "?a=1&b=2", "?x=%27");
  const url = fc
    .record({
      scheme,
      host,
      port,
      userinfo,
      segments: fc.array(segment, { minLength: 0, maxLength: 4 }),
      query,
      slash: fc.boolean(),
    })
    .map(
      (u) =>
        `${u.scheme}://${u.userinfo}${u.host}${u.port}${u.segments.length > 0 || u.slash ? "/" : ""}${u.segments.join("/")}${u.query}`,
    );

  test("signer refuses ⇔ verifier flags CLIENT_REWRITES_URL ⇔ a WHATWG client sends other bytes", async () => {
    await fc.assert(
      fc.asyncProperty(url, async (u) => {
        const refused = (await signerVerdict(u)) !== "signed";
        const r = await verifyUrl(signedByHand(u), { publicKeys: publicKeys(), now: NOW });
        expect({ u, reason: r.reason }).toEqual({ u, reason: refused ? "CLIENT_REWRITES_URL" : "OK" });
        if (!/@/.test(u)) expect({ u, rewritten: new URL(u).href !== u }).toEqual({ u, rewritten: refused });
      }),
      { numRuns: 300 },
    );
  }, 60_000);
});
