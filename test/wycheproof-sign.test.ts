/**
 * Wycheproof RSASSA-PKCS1-v1_5 signature generation (rsa_pkcs1_2048_sig_gen_test.json,
 * test/vectors/wycheproof/): both signing adapters must reproduce every SHA-1 and
 * SHA-256 signature byte for byte. PKCS#1 v1.5 is deterministic, so the bytes are
 * fixed by the key and message alone; they were produced by Wycheproof, not by us.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { importSigningKey as importNode } from "../src/crypto/node.js";
import { importSigningKey as importWeb } from "../src/crypto/webcrypto.js";

interface SigGenTest {
  tcId: number;
  comment: string;
  msg: string;
  sig: string;
  result: "valid" | "acceptable" | "invalid";
  flags: string[];
}
interface SigGenGroup {
  type: string;
  keySize: number;
  sha: string;
  privateKey: { modulus: string; publicExponent: string; privateExponent: string };
  privateKeyPem: string;
  privateKeyPkcs8: string;
  tests: SigGenTest[];
}
interface SigGenFile {
  algorithm: string;
  schema: string;
  numberOfTests: number;
  testGroups: SigGenGroup[];
}

const file = JSON.parse(
  readFileSync(new URL("./vectors/wycheproof/rsa_pkcs1_2048_sig_gen_test.json", import.meta.url), "utf8"),
) as SigGenFile;

const HASHES = { "SHA-1": "SHA1", "SHA-256": "SHA256" } as const;
type WycheproofHash = keyof typeof HASHES;
const isUsed = (g: SigGenGroup): g is SigGenGroup & { sha: WycheproofHash } => g.sha in HASHES;
const used = file.testGroups.filter(isUsed);

const ADAPTERS = [
  ["node", importNode],
  ["webcrypto", importWeb],
] as const;

function fromHex(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, "hex"));
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

function pkcs8Pem(hex: string): string {
  const lines =
    Buffer.from(hex, "hex")
      .toString("base64")
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join("\n")}\n-----END PRIVATE KEY-----\n`;
}

/** Bit length of an unsigned big-endian hex integer. */
function bitLength(hex: string): number {
  const trimmed = hex.replace(/^0+/, "");
  return trimmed.length === 0 ? 0 : (trimmed.length - 1) * 4 + parseInt(trimmed[0]!, 16).toString(2).length;
}

/** The key encodings taken straight from each Wycheproof group. */
const FORMS = [
  ["PKCS#1 PEM (privateKeyPem)", (g: SigGenGroup) => g.privateKeyPem],
  ["PKCS#8 PEM (privateKeyPkcs8, wrapped)", (g: SigGenGroup) => pkcs8Pem(g.privateKeyPkcs8)],
  ["PKCS#8 DER bytes (privateKeyPkcs8)", (g: SigGenGroup) => fromHex(g.privateKeyPkcs8)],
] as const;

describe("Wycheproof rsa_pkcs1_2048_sig_gen_test.json: what the file holds", () => {
  it("is the RSASSA-PKCS1-v1_5 generation file we expect", () => {
    expect(file.algorithm).toBe("RSASSA-PKCS1-v1_5");
    expect(file.schema).toBe("rsassa_pkcs1_generate_schema_v1.json");
    expect(file.testGroups.every((g) => g.type === "RsassaPkcs1Generate")).toBe(true);
    expect(file.testGroups.reduce((n, g) => n + g.tests.length, 0)).toBe(file.numberOfTests);
  });

  it("has only 2048-bit moduli (CloudFront's size), some with e = 3", () => {
    for (const g of file.testGroups) {
      expect(g.keySize).toBe(2048);
      expect(bitLength(g.privateKey.modulus)).toBe(2048);
    }
    const exponents = new Set(used.map((g) => g.privateKey.publicExponent.replace(/^0+/, "")));
    expect([...exponents].sort()).toEqual(["10001", "3"]);
  });

  it("has 1 SHA-1 group (8 tests) and 3 SHA-256 groups (10 tests), none invalid", () => {
    const count = (sha: string) => used.filter((g) => g.sha === sha);
    expect(count("SHA-1").length).toBe(1);
    expect(count("SHA-1").flatMap((g) => g.tests).length).toBe(8);
    expect(count("SHA-256").length).toBe(3);
    expect(count("SHA-256").flatMap((g) => g.tests).length).toBe(10);
    // Generation vectors: every signature is the one correct output ("acceptable" marks a weak hash or e = 3).
    expect(used.flatMap((g) => g.tests).every((t) => t.result !== "invalid")).toBe(true);
    // The other hashes are not CloudFront's and are deliberately not run (SHA-512: e = 65537 and e = 3).
    expect(
      file.testGroups
        .filter((g) => !isUsed(g))
        .map((g) => g.sha)
        .sort(),
    ).toEqual(["SHA-224", "SHA-384", "SHA-512", "SHA-512"]);
  });
});

for (const [adapterName, importSigningKey] of ADAPTERS) {
  describe(`Wycheproof RSA PKCS#1 v1.5 signature generation through src/crypto/${adapterName}.ts`, () => {
    used.forEach((group, gi) => {
      const hashAlgorithm = HASHES[group.sha];
      for (const [formName, form] of FORMS) {
        const label = `group ${gi} (${group.sha}, e=0x${group.privateKey.publicExponent}), key as ${formName}`;
        it(`${label}: reproduces tcId ${group.tests.map((t) => t.tcId).join(", ")}`, async () => {
          const key = await importSigningKey({ privateKey: form(group), hashAlgorithm });
          expect(key.algorithm).toBe("RSA");
          expect(key.hashAlgorithm).toBe(hashAlgorithm);
          for (const t of group.tests) {
            const signature = await key.sign(fromHex(t.msg));
            expect(signature, `tcId ${t.tcId}`).toBeInstanceOf(Uint8Array);
            expect(toHex(signature), `tcId ${t.tcId} (${t.comment || "no comment"})`).toBe(t.sig);
          }
        });
      }
    });

    it("signs with the hash it was asked for, not the other one", async () => {
      // The SHA-1 group's key, asked for SHA-256, must not give the SHA-1 bytes (and vice versa).
      const g = used.find((x) => x.sha === "SHA-1")!;
      const t = g.tests.find((x) => x.msg.length > 0)!;
      const key = await importSigningKey({ privateKey: g.privateKeyPem, hashAlgorithm: "SHA256" });
      expect(toHex(await key.sign(fromHex(t.msg)))).not.toBe(t.sig);
    });
  });
}
