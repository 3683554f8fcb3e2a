/**
 * Hostile or damaged private keys that parse: a key whose private part does not
 * belong to its public part would sign every URL for another public key (403 for
 * every URL). node:crypto signs with such an EC key (it keeps the public point as
 * given); WebCrypto refuses it; cfsign refuses it on both backends. An RSA key with a
 * damaged member is refused when the test signature fails, or signs correctly (OpenSSL
 * checks the CRT result and falls back to d), which the last test pins.
 */
import { createPublicKey, generateKeyPairSync, verify } from "node:crypto";
import { describe, expect, test } from "vitest";
import { createSigner } from "../src/index.js";
import { fromCloudFrontBase64, parseSignedUrl } from "./helpers/verify.js";

const NOW_MS = Date.UTC(2026, 0, 1);
const EXPIRES = NOW_MS / 1000 + 3600;
const KID = "K2JCJMDEHXQW5F";
const URL_ = "https://d111111abcdef8.cloudfront.net/a.jpg";
const BACKENDS = ["node", "webcrypto"] as const;

const a = generateKeyPairSync("ec", { namedCurve: "P-256" });
const b = generateKeyPairSync("ec", { namedCurve: "P-256" });
const jwkA = a.privateKey.export({ format: "jwk" });
const jwkB = b.privateKey.export({ format: "jwk" });

/** SEC1 DER of key A with key B's public point in place of its own (same length, still valid DER). */
function sec1WithForeignPoint(): string {
  const der = a.privateKey.export({ type: "sec1", format: "der" });
  const pointB = Buffer.concat([
    Buffer.from([4]),
    Buffer.from(jwkB.x!, "base64url"),
    Buffer.from(jwkB.y!, "base64url"),
  ]);
  const mixed = Buffer.concat([der.subarray(0, der.length - 65), pointB]);
  return `-----BEGIN EC PRIVATE KEY-----\n${mixed.toString("base64").replace(/.{64}/g, "$&\n")}\n-----END EC PRIVATE KEY-----\n`;
}

describe.each(BACKENDS)("backend %s", (backend) => {
  test.each([
    ["a JWK with another key's d", { ...jwkA, d: jwkB.d }],
    ["a JWK with one character of d changed", { ...jwkA, d: (jwkA.d![0] === "A" ? "B" : "A") + jwkA.d!.slice(1) }],
    ["a JWK whose d is not base64url", { ...jwkA, d: `${jwkA.d!.slice(0, 10)}!${jwkA.d!.slice(11)}` }],
    ["a SEC1 PEM with another key's public point", sec1WithForeignPoint()],
  ])("refuses %s with INVALID_KEY", async (_name, privateKey) => {
    await expect(createSigner({ keyPairId: KID, privateKey: privateKey as never, backend })).rejects.toMatchObject({
      code: "INVALID_KEY",
    });
  });

  test("refuses a PEM holding two private keys with INVALID_KEY naming how many (node:crypto would use the first)", async () => {
    const pemA = a.privateKey.export({ type: "pkcs8", format: "pem" }) as string;
    const pemB = b.privateKey.export({ type: "sec1", format: "pem" }) as string;
    for (const privateKey of [pemA + pemB, new TextEncoder().encode(pemA + pemB)]) {
      const error = await createSigner({ keyPairId: KID, privateKey, backend }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "INVALID_KEY", message: expect.stringContaining("holds 2 private keys") });
      expect(String((error as Error).message)).not.toContain(pemA.split("\n")[1]!.slice(0, 20));
    }
  });

  test("accepts openssl ecparam -genkey output: EC PARAMETERS then one EC PRIVATE KEY", async () => {
    const params = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n";
    const pem = params + (a.privateKey.export({ type: "sec1", format: "pem" }) as string);
    const signer = await createSigner({ keyPairId: KID, privateKey: pem, backend, clock: () => NOW_MS });
    const parsed = parseSignedUrl(await signer.signUrl(URL_, { expires: EXPIRES }));
    expect(
      verify("sha256", Buffer.from(parsed.policy), a.publicKey, fromCloudFrontBase64(parsed.params.get("Signature")!)),
    ).toBe(true);
  });

  test("accepts the intact JWK, and its signatures verify with its own x and y", async () => {
    const signer = await createSigner({ keyPairId: KID, privateKey: jwkA, backend, clock: () => NOW_MS });
    const url = await signer.signUrl(URL_, { expires: EXPIRES });
    const parsed = parseSignedUrl(url);
    const pub = createPublicKey({ key: { kty: "EC", crv: "P-256", x: jwkA.x, y: jwkA.y }, format: "jwk" });
    expect(
      verify("sha256", Buffer.from(parsed.policy), pub, fromCloudFrontBase64(parsed.params.get("Signature")!)),
    ).toBe(true);
  });

  test.each(["d", "p", "q", "dp", "dq", "qi"] as const)(
    "an RSA JWK with %s damaged is refused or signs for its n and e, never for another key",
    async (member) => {
      const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
      const jwk = rsa.privateKey.export({ format: "jwk" });
      const value = jwk[member]!;
      const damaged = { ...jwk, [member]: value.slice(0, 5) + (value[5] === "A" ? "B" : "A") + value.slice(6) };
      let signer;
      try {
        signer = await createSigner({ keyPairId: KID, privateKey: damaged, backend, clock: () => NOW_MS });
      } catch (err) {
        expect(err).toMatchObject({ code: expect.stringMatching(/^(INVALID_KEY|SIGNING_FAILED)$/) });
        return;
      }
      const parsed = parseSignedUrl(await signer.signUrl(URL_, { expires: EXPIRES }));
      expect(
        verify(
          "sha256",
          Buffer.from(parsed.policy),
          rsa.publicKey,
          fromCloudFrontBase64(parsed.params.get("Signature")!),
        ),
      ).toBe(true);
    },
  );
});
