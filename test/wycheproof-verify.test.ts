/**
 * Wycheproof signature verification vectors (test/vectors/wycheproof/, Apache-2.0)
 * through the verifier's public-key path (src/crypto/public-key.ts): every
 * `valid` signature accepted, every `invalid` one rejected.
 *
 * - rsa_signature_2048_sha256_test.json: RSASSA-PKCS1-v1_5 SHA-256, keys as SPKI PEM
 *   and as JWK.
 * - ecdsa_secp256r1_sha256_test.json: ECDSA P-256 SHA-256 with DER signatures, what
 *   CloudFront carries; keys as SPKI PEM. BER, non-minimal, padded or otherwise
 *   non-DER encodings must be rejected (the verifier reads strict DER only).
 * - ecdsa_secp256r1_sha256_p1363_test.json: the same curve with raw r‖s signatures,
 *   straight to WebCrypto (format "p1363"); keys as JWK (SPKI PEM for the groups
 *   that have no JWK).
 *
 * `acceptable` cases: the three files hold exactly one, RSA tcId 8 "Missing NULL in
 * the ASN encoding" (flag MissingNull: a DigestInfo without the NULL parameters of
 * the hash's AlgorithmIdentifier). Decision: REJECT. RFC 8017 §9.2 defines one
 * encoding with the NULL; no CloudFront signer (OpenSSL, WebCrypto, KMS, the SDKs)
 * omits it, so accepting it would only widen what the verifier calls valid. WebCrypto
 * on Node (OpenSSL 3) rejects it, and the test pins that, so a runtime that starts
 * accepting it is noticed rather than silently followed.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { importVerifyKey, verifySignature } from "../src/crypto/public-key.js";

interface VerifyTest {
  tcId: number;
  comment: string;
  msg: string;
  sig: string;
  result: "valid" | "acceptable" | "invalid";
  flags: string[];
}
interface VerifyGroup {
  sha: string;
  publicKeyPem: string;
  keyJwk?: JsonWebKey;
  publicKeyJwk?: JsonWebKey;
  tests: VerifyTest[];
}
interface VerifyFile {
  numberOfTests: number;
  testGroups: VerifyGroup[];
}

function load(name: string): VerifyFile {
  return JSON.parse(readFileSync(new URL(`./vectors/wycheproof/${name}`, import.meta.url), "utf8")) as VerifyFile;
}

const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "hex"));

/** Decisions for `acceptable` cases, by file and tcId (see the module comment). */
const ACCEPTABLE: Record<string, Record<number, boolean>> = {
  "rsa_signature_2048_sha256_test.json": { 8: false },
};

function expected(file: string, t: VerifyTest): boolean {
  if (t.result === "valid") return true;
  if (t.result === "invalid") return false;
  const decision = ACCEPTABLE[file]?.[t.tcId];
  if (decision === undefined)
    throw new Error(`undecided acceptable case ${file} tcId ${t.tcId} (${t.flags.join(", ")})`);
  return decision;
}

const FILES = [
  { file: "rsa_signature_2048_sha256_test.json", algorithm: "RSA", format: "der", keyForms: ["pem", "jwk"] },
  { file: "ecdsa_secp256r1_sha256_test.json", algorithm: "ECDSA", format: "der", keyForms: ["pem"] },
  { file: "ecdsa_secp256r1_sha256_p1363_test.json", algorithm: "ECDSA", format: "p1363", keyForms: ["jwk"] },
] as const;

describe.each(FILES)("$file", ({ file, algorithm, format, keyForms }) => {
  const data = load(file);

  test("every test is SHA-256 and counted", () => {
    const count = data.testGroups.reduce((n, g) => n + g.tests.length, 0);
    expect(count).toBe(data.numberOfTests);
    expect(new Set(data.testGroups.map((g) => g.sha))).toEqual(new Set(["SHA-256"]));
  });

  test.each(keyForms)(
    "every valid accepted, every invalid rejected, acceptable as decided (key as %s)",
    async (form) => {
      const wrong: string[] = [];
      let checked = 0;
      for (const group of data.testGroups) {
        // Groups whose key has no JWK form in the file (none in the RSA file) fall back to the PEM.
        const jwk = group.keyJwk ?? group.publicKeyJwk;
        const input = form === "jwk" && jwk !== undefined ? jwk : group.publicKeyPem;
        const key = await importVerifyKey(input);
        expect(key.algorithm).toBe(algorithm);
        for (const t of group.tests) {
          const ok = await verifySignature(key, algorithm, "SHA256", hex(t.msg), hex(t.sig), format);
          if (ok !== expected(file, t)) wrong.push(`tcId ${t.tcId} (${t.result}, ${t.comment}): got ${ok}`);
          checked++;
        }
      }
      expect(wrong).toEqual([]);
      expect(checked).toBe(data.numberOfTests);
    },
  );
});
