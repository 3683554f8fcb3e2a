/**
 * Checks shared by the node:crypto and WebCrypto adapters.
 *
 * @module
 */
import { CfSignError, fail } from "../errors.ts";
import type { SigningKey } from "./types.ts";

/** A PEM private key block: PKCS#8 (`PRIVATE KEY`, `ENCRYPTED PRIVATE KEY`), PKCS#1 (`RSA`), SEC1 (`EC`). */
const PRIVATE_KEY_BLOCK = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/g;

/**
 * How many PEM private key blocks `text` holds. More than one is refused: node:crypto and
 * WebCrypto would quietly use the first, and CloudFront checks against one public key per ID.
 */
export function countPrivateKeyBlocks(text: string): number {
  return text.match(PRIVATE_KEY_BLOCK)?.length ?? 0;
}

/**
 * Recognises inputs that are clearly not a private key (a public key, a
 * certificate) and says so; `null` when nothing is recognised.
 */
export function describeKeyProblem(input: unknown): string | null {
  const text =
    typeof input === "string"
      ? input.slice(0, 200)
      : input instanceof Uint8Array
        ? String.fromCharCode(...input.subarray(0, 200))
        : null;
  if (text === null) return null;
  if (/-----BEGIN (RSA )?PUBLIC KEY-----/.test(text)) {
    return "a public key was given where the private key is needed (the public key goes to CloudFront's key group)";
  }
  if (text.includes("-----BEGIN CERTIFICATE-----")) {
    return "a certificate was given where the private key is needed";
  }
  if (/^\s*$/.test(text)) return "the private key is empty";
  if (text.includes("-----BEGIN")) {
    const keys = countPrivateKeyBlocks(
      typeof input === "string" ? input : new TextDecoder().decode(input as Uint8Array),
    );
    if (keys > 1) return `the PEM holds ${keys} private keys; pass only the one whose public key CloudFront has`;
  }
  return null;
}

/**
 * Signs a few bytes once, so that a platform that refuses the hash (SHA-1 under
 * FIPS or a hardened crypto policy) fails when the signer is created, with the
 * fix in the message, rather than in the middle of a batch.
 *
 * @throws {@link CfSignError} `UNSUPPORTED_HASH`, `SIGNING_FAILED`
 */
export async function checkHashSupported(key: SigningKey): Promise<void> {
  let signature: Uint8Array;
  try {
    signature = await key.sign(new Uint8Array([0x63, 0x66]));
  } catch (cause) {
    if (key.hashAlgorithm === "SHA1") {
      throw new CfSignError(
        "UNSUPPORTED_HASH",
        'this platform refuses SHA-1 signatures (a FIPS or hardened crypto policy); use hashAlgorithm: "SHA256"',
        { cause },
      );
    }
    throw new CfSignError("SIGNING_FAILED", "a test signature with the key failed", { cause });
  }
  if (signature.length === 0) fail("SIGNING_FAILED", "the platform returned an empty signature");
}
