/**
 * A cfsign custom signer for a key held in an HSM, through PKCS#11 (the `pkcs11js` binding):
 * the private key never leaves the token. Tested with SoftHSM2 (test/hsm.test.ts).
 *
 * - RSA-2048: `CKM_SHA256_RSA_PKCS`, the token hashes and pads (RSASSA-PKCS1-v1_5, SHA-256).
 * - ECDSA P-256: SHA-256 computed here, then `CKM_ECDSA` over the digest; PKCS#11 returns raw
 *   r‖s (PKCS#11 v2.40 §2.3.1), so the signer declares `signatureFormat: "p1363"` and cfsign
 *   converts it to the DER CloudFront expects (src/crypto/der.ts), checking its length.
 *
 * A PKCS#11 session runs one operation at a time; the calls here are synchronous, so signatures
 * on one session never interleave. For more throughput, open one session per worker.
 *
 * @example
 * ```ts
 * import pkcs11js from "pkcs11js";
 * import { createSigner } from "cfsign";
 * import { pkcs11Signer } from "./pkcs11-signer.ts";
 *
 * const pkcs11 = new pkcs11js.PKCS11();
 * pkcs11.load("/usr/lib/softhsm/libsofthsm2.so");
 * pkcs11.C_Initialize();
 * const session = pkcs11.C_OpenSession(pkcs11.C_GetSlotList(true)[0]!, pkcs11js.CKF_SERIAL_SESSION);
 * pkcs11.C_Login(session, pkcs11js.CKU_USER, process.env.HSM_PIN!);
 * const [privateKey] = findKeys(pkcs11, session, "cloudfront-signing");
 * const signer = await createSigner({ keyPairId: "K2JCJMDEHXQW5F", privateKey: pkcs11Signer({ pkcs11, session, privateKey, algorithm: "ECDSA" }) });
 * ```
 */
import { createHash } from "node:crypto";
import pkcs11js from "pkcs11js";
import type { CustomSigner, HashAlgorithm } from "cfsign";

/** Options of {@link pkcs11Signer}. */
export interface Pkcs11SignerOptions {
  /** A loaded and initialised module. */
  readonly pkcs11: pkcs11js.PKCS11;
  /** A session logged in as the user. */
  readonly session: pkcs11js.Handle;
  /** The private key's object handle (CKA_SIGN true). */
  readonly privateKey: pkcs11js.Handle;
  /** `"RSA"` for an RSA-2048 key, `"ECDSA"` for a P-256 key. */
  readonly algorithm: "RSA" | "ECDSA";
}

const RSA_2048_BYTES = 256;
const P256_RAW_BYTES = 64;

/**
 * A custom signer over a PKCS#11 private key.
 *
 * @param options - module, session, key handle and algorithm
 * @returns a {@link CustomSigner} for `createSigner({ privateKey })`
 */
export function pkcs11Signer(options: Pkcs11SignerOptions): CustomSigner {
  const { pkcs11, session, privateKey, algorithm } = options;
  return {
    algorithm,
    signatureFormat: algorithm === "ECDSA" ? "p1363" : "der",
    async sign(data: Uint8Array, hash: HashAlgorithm): Promise<Uint8Array> {
      if (hash !== "SHA256") throw new Error("this example signs with SHA-256 only (Hash-Algorithm=SHA256)");
      if (algorithm === "RSA") {
        pkcs11.C_SignInit(session, { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS }, privateKey);
        return new Uint8Array(pkcs11.C_Sign(session, Buffer.from(data), Buffer.alloc(RSA_2048_BYTES)));
      }
      const digest = createHash("sha256").update(data).digest();
      pkcs11.C_SignInit(session, { mechanism: pkcs11js.CKM_ECDSA }, privateKey);
      return new Uint8Array(pkcs11.C_Sign(session, digest, Buffer.alloc(P256_RAW_BYTES)));
    },
  };
}

/** DER of the P-256 curve's OID (RFC 5480 §2.1.1.1: secp256r1), the value of CKA_EC_PARAMS. */
export const P256_EC_PARAMS = Buffer.from("06082a8648ce3d030107", "hex");

/**
 * Generates a key pair on the token: RSA-2048 or P-256, the private half sensitive and not
 * extractable (it can sign, never be read).
 *
 * @returns the two object handles
 */
export function generateKeyPair(
  pkcs11: pkcs11js.PKCS11,
  session: pkcs11js.Handle,
  algorithm: "RSA" | "ECDSA",
  label: string,
): { publicKey: pkcs11js.Handle; privateKey: pkcs11js.Handle } {
  const common = [
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_LABEL, value: label },
  ];
  const publicTemplate =
    algorithm === "RSA"
      ? [
          ...common,
          { type: pkcs11js.CKA_VERIFY, value: true },
          { type: pkcs11js.CKA_MODULUS_BITS, value: 2048 },
          { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) },
        ]
      : [
          ...common,
          { type: pkcs11js.CKA_VERIFY, value: true },
          { type: pkcs11js.CKA_EC_PARAMS, value: P256_EC_PARAMS },
        ];
  const privateTemplate = [
    ...common,
    { type: pkcs11js.CKA_SIGN, value: true },
    { type: pkcs11js.CKA_PRIVATE, value: true },
    { type: pkcs11js.CKA_SENSITIVE, value: true },
    { type: pkcs11js.CKA_EXTRACTABLE, value: false },
  ];
  const mechanism = algorithm === "RSA" ? pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN : pkcs11js.CKM_EC_KEY_PAIR_GEN;
  return pkcs11.C_GenerateKeyPair(session, { mechanism }, publicTemplate, privateTemplate);
}

/**
 * The public half as a JWK, read from the token (CKA_MODULUS/CKA_PUBLIC_EXPONENT, or CKA_EC_POINT):
 * what `crypto.createPublicKey({ key, format: "jwk" })` and cfsign's `verifyUrl` take, and
 * what becomes the SPKI PEM uploaded to CloudFront.
 */
export function publicJwk(
  pkcs11: pkcs11js.PKCS11,
  session: pkcs11js.Handle,
  publicKey: pkcs11js.Handle,
  algorithm: "RSA" | "ECDSA",
): JsonWebKey {
  const b64u = (b: Buffer): string => b.toString("base64url");
  if (algorithm === "RSA") {
    const [n, e] = pkcs11.C_GetAttributeValue(session, publicKey, [
      { type: pkcs11js.CKA_MODULUS },
      { type: pkcs11js.CKA_PUBLIC_EXPONENT },
    ]);
    return { kty: "RSA", n: b64u(n!.value as Buffer), e: b64u(e!.value as Buffer) };
  }
  const [point] = pkcs11.C_GetAttributeValue(session, publicKey, [{ type: pkcs11js.CKA_EC_POINT }]);
  // CKA_EC_POINT is the DER OCTET STRING of the uncompressed point 04 || x || y (65 bytes: 04 41 04 ...).
  const der = point!.value as Buffer;
  const raw = der[0] === 0x04 && der[1] === 0x41 ? der.subarray(2) : der;
  if (raw.length !== 65 || raw[0] !== 0x04) throw new Error("CKA_EC_POINT is not an uncompressed P-256 point");
  return { kty: "EC", crv: "P-256", x: b64u(raw.subarray(1, 33)), y: b64u(raw.subarray(33)) };
}
