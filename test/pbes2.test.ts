/**
 * Encrypted PKCS#8 through the WebCrypto backend (src/crypto/pbes2.ts): every PBES2
 * variant the openssl CLI writes with PBKDF2 and AES-CBC decrypts to the same key the
 * node backend reads (same RSA signatures, ECDSA signatures that verify); scrypt, 3DES,
 * PBES1 and legacy `Proc-Type` PEM are refused with INVALID_KEY and a way out; wrong
 * passphrases, and any corruption of the DER, give INVALID_KEY and nothing else.
 * Vectors: test/vectors/pbes2/pbes2.json, made by test/vectors/pbes2/generate.py.
 */
import { verify } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CfSignError, createSigner } from "../src/index.js";
import { decryptPkcs8 } from "../src/crypto/pbes2.js";
import { parsePem, readTlv } from "../src/crypto/der.js";

interface Pbes2Case {
  id: string;
  key: "rsa2048" | "p256";
  passphrase: string;
  webcrypto: "decrypts" | "INVALID_KEY";
  pem: string;
}
const pbes2 = JSON.parse(readFileSync(new URL("./vectors/pbes2/pbes2.json", import.meta.url), "utf8")) as {
  wrongPassphrase: string;
  cases: Pbes2Case[];
};
const v = JSON.parse(readFileSync(new URL("./vectors/cloudfront.json", import.meta.url), "utf8")) as {
  keyPairId: string;
  expires: number;
  clockMs: number;
  keys: Record<"rsa2048" | "p256", { pkcs8Pem: string; spkiPem: string }>;
  canned: { url: string; policy: string; sha256: { url: string } }[];
};
const clock = (): number => v.clockMs;
const canned = v.canned[0]!;

function signatureOf(url: string): Buffer {
  const text = url.slice(url.indexOf("&Signature=") + 11).split("&")[0]!;
  return Buffer.from(text.replace(/-/g, "+").replace(/_/g, "=").replace(/~/g, "/"), "base64");
}

async function code(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, "expected a CfSignError").toBeInstanceOf(CfSignError);
  return (err as CfSignError).code;
}

describe("PBES2 vectors from the openssl CLI", () => {
  it("cover every PRF and AES key size, and the refused schemes", () => {
    expect(pbes2.cases.filter((c) => c.webcrypto === "decrypts").length).toBeGreaterThanOrEqual(8);
    expect(pbes2.cases.map((c) => c.id)).toEqual(
      expect.arrayContaining(["scrypt", "pbes1-sha1-3des", "legacy-proc-type"]),
    );
  });

  for (const c of pbes2.cases) {
    it(`${c.id}: node backend reads it (the vector is sound)`, async () => {
      const signer = await createSigner({
        keyPairId: v.keyPairId,
        privateKey: c.pem,
        passphrase: c.passphrase,
        backend: "node",
        clock,
      });
      expect(signer.algorithm).toBe(c.key === "rsa2048" ? "RSA" : "ECDSA");
    });

    if (c.webcrypto === "decrypts") {
      it(`${c.id}: the WebCrypto backend decrypts it to the same key`, async () => {
        const options = { keyPairId: v.keyPairId, privateKey: c.pem, passphrase: c.passphrase, clock };
        const web = await createSigner({ ...options, backend: "webcrypto" });
        const url = await web.signUrl(canned.url, { expires: v.expires });
        if (c.key === "rsa2048") {
          expect(url).toBe(canned.sha256.url);
        } else {
          const ok = verify(
            "sha256",
            Buffer.from(canned.policy),
            { key: v.keys.p256.spkiPem, dsaEncoding: "der" },
            signatureOf(url),
          );
          expect(ok).toBe(true);
        }
        const der = parsePem(c.pem)!.der;
        const pkcs8 = await decryptPkcs8(der, c.passphrase, crypto.subtle);
        expect(Buffer.from(pkcs8).toString("base64")).toBe(
          Buffer.from(parsePem(v.keys[c.key].pkcs8Pem)!.der).toString("base64"),
        );
      });

      it(`${c.id}: a wrong or missing passphrase is INVALID_KEY`, async () => {
        for (const passphrase of [pbes2.wrongPassphrase, undefined, ""]) {
          expect(
            await code(
              createSigner({ keyPairId: v.keyPairId, privateKey: c.pem, passphrase, backend: "webcrypto", clock }),
            ),
          ).toBe("INVALID_KEY");
        }
      });
    } else {
      it(`${c.id}: the WebCrypto backend refuses it with INVALID_KEY and names the way out`, async () => {
        const err = await createSigner({
          keyPairId: v.keyPairId,
          privateKey: c.pem,
          passphrase: c.passphrase,
          backend: "webcrypto",
          clock,
        }).then(
          () => null,
          (e: unknown) => e as CfSignError,
        );
        expect(err?.code).toBe("INVALID_KEY");
        expect(err?.message).toMatch(/node backend/);
        expect(err?.message).not.toContain(c.passphrase);
      });
    }
  }
});

describe("corrupted EncryptedPrivateKeyInfo", () => {
  const c = pbes2.cases.find((x) => x.id === "aes256-sha256")!;
  const der = parsePem(c.pem)!.der;

  it("every truncation is INVALID_KEY", async () => {
    for (let n = 0; n < der.length; n += n < 120 ? 1 : 97) {
      await expect(decryptPkcs8(der.subarray(0, n), c.passphrase, crypto.subtle)).rejects.toMatchObject({
        code: "INVALID_KEY",
      });
    }
  });

  it("a flipped bit anywhere before the ciphertext gives INVALID_KEY or UNSUPPORTED_KEY, never a wrong key", async () => {
    // A flipped IV bit flips the same bit of the first plaintext block (CBC): it can turn the key's
    // algorithm OID into another one (UNSUPPORTED_KEY), or the PKCS#8 version 0 into 1, which is
    // still the same key (OneAsymmetricKey, RFC 5958): that signer must then sign like the original.
    const outer = readTlv(der, 0)!;
    const algorithm = readTlv(der, outer.start)!;
    const data = readTlv(der, algorithm.end)!;
    expect(data.start).toBeGreaterThan(80);
    const seen = new Set<string>();
    for (let i = 0; i < data.start; i++) {
      const bad = der.slice();
      bad[i]! ^= 0x01;
      const pem = `-----BEGIN ENCRYPTED PRIVATE KEY-----\n${Buffer.from(bad).toString("base64")}\n-----END ENCRYPTED PRIVATE KEY-----\n`;
      const outcome = await createSigner({
        keyPairId: v.keyPairId,
        privateKey: pem,
        passphrase: c.passphrase,
        backend: "webcrypto",
        clock,
      }).then(
        async (signer) =>
          (await signer.signUrl(canned.url, { expires: v.expires })) === canned.sha256.url
            ? "the same key"
            : "a wrong key",
        (e: unknown) => (e instanceof CfSignError ? e.code : `other: ${String(e)}`),
      );
      expect(["INVALID_KEY", "UNSUPPORTED_KEY", "the same key"], `byte ${i}`).toContain(outcome);
      seen.add(outcome);
    }
    expect(seen.has("INVALID_KEY")).toBe(true);
  });

  it("an absurd iteration count is refused before any work", async () => {
    // Rewrite the 2-byte iteration INTEGER (2048 = 0x0800) to 0x7fff... is not possible in place, so
    // build one: the same structure with iterations 2^31 - 1 and a 4-byte INTEGER.
    const hex = Buffer.from(der).toString("hex");
    const at = hex.indexOf("02020800");
    expect(at).toBeGreaterThan(0);
    const patched = Buffer.from(hex.slice(0, at) + "02027fff" + hex.slice(at + 8), "hex");
    const started = performance.now();
    const err = await decryptPkcs8(new Uint8Array(patched), c.passphrase, crypto.subtle).catch(
      (e: unknown) => e as CfSignError,
    );
    expect(err).toMatchObject({ code: "INVALID_KEY" });
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
