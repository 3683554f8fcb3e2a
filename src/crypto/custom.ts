/**
 * Adapter for {@link CustomSigner}s (KMS, HSM, remote signers). Their output is
 * checked before it reaches a URL: a wrong-length or malformed signature becomes
 * a `SIGNING_FAILED` error for that item, never a URL CloudFront would refuse.
 *
 * @module
 */
import { CfSignError, fail } from "../errors.js";
import { ecdsaDerToP1363, ecdsaP1363ToDer } from "./der.js";
import type { CustomSigner, HashAlgorithm, SigningKey } from "./types.js";

/** RSA-2048 signatures are exactly the modulus size (RFC 8017 §8.2.1). */
export const RSA_2048_SIGNATURE_BYTES = 256;
/** Largest DER encoding of a P-256 ECDSA signature (2 × 33-byte INTEGER + headers). */
export const ECDSA_P256_MAX_DER_BYTES = 72;

/**
 * Wraps a custom signer after checking its shape.
 *
 * @throws {@link CfSignError} `INVALID_KEY` when the object is not a usable signer
 */
export function wrapCustomSigner(signer: CustomSigner, hashAlgorithm: HashAlgorithm): SigningKey {
  const algorithm = signer.algorithm;
  if (algorithm !== "RSA" && algorithm !== "ECDSA") {
    fail("INVALID_KEY", 'a custom signer needs algorithm "RSA" or "ECDSA"');
  }
  const format = signer.signatureFormat ?? "der";
  if (format !== "der" && format !== "p1363") {
    fail("INVALID_KEY", 'a custom signer\'s signatureFormat must be "der" or "p1363"');
  }
  return {
    algorithm,
    hashAlgorithm,
    async sign(data: Uint8Array): Promise<Uint8Array> {
      let out: unknown;
      try {
        out = await signer.sign(data, hashAlgorithm);
      } catch (cause) {
        if (cause instanceof CfSignError) throw cause;
        throw new CfSignError("SIGNING_FAILED", "the custom signer failed", { cause });
      }
      const bytes =
        out instanceof Uint8Array ? out : out instanceof ArrayBuffer ? new Uint8Array(out) : null;
      if (bytes === null) fail("SIGNING_FAILED", "the custom signer must return a Uint8Array or ArrayBuffer");
      return checkSignature(algorithm, format, bytes);
    },
  };
}

function checkSignature(algorithm: "RSA" | "ECDSA", format: "der" | "p1363", bytes: Uint8Array): Uint8Array {
  if (algorithm === "RSA") {
    if (bytes.length !== RSA_2048_SIGNATURE_BYTES) {
      fail(
        "SIGNING_FAILED",
        `the custom signer returned ${bytes.length} bytes; an RSA-2048 signature is ${RSA_2048_SIGNATURE_BYTES}`,
      );
    }
    return bytes.slice();
  }
  if (format === "p1363") {
    if (bytes.length !== 64) {
      fail("SIGNING_FAILED", `the custom signer returned ${bytes.length} bytes; a raw P-256 signature is 64`);
    }
    return ecdsaP1363ToDer(bytes);
  }
  if (ecdsaDerToP1363(bytes) === null) {
    fail(
      "SIGNING_FAILED",
      "the custom signer did not return a DER ECDSA P-256 signature " +
        '(if it returns raw r||s, set signatureFormat: "p1363")',
    );
  }
  return bytes.slice();
}
