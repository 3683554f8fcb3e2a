/**
 * The KMS keys CloudFront can use ({@link KMS_KEY_SPECS}) and the check of a key `GetPublicKey`
 * described ({@link checkKey}): its spec, usage, signing algorithms and public key. Part of the
 * `cfsign/kms` entry (../kms.ts).
 *
 * @module
 */
import { CfSignError } from "../errors.ts";
import { importVerifyKey, type VerifyKey } from "../crypto/public-key.ts";
import type { KeyAlgorithm } from "../crypto/types.ts";

/** The two KMS key specs CloudFront can use, and what each signs with. */
export const KMS_KEY_SPECS = {
  RSA_2048: { algorithm: "RSA", signingAlgorithm: "RSASSA_PKCS1_V1_5_SHA_256" },
  ECC_NIST_P256: { algorithm: "ECDSA", signingAlgorithm: "ECDSA_SHA_256" },
} as const satisfies Record<string, { algorithm: KeyAlgorithm; signingAlgorithm: string }>;

/** A KMS key spec CloudFront accepts. */
export type KmsKeySpec = keyof typeof KMS_KEY_SPECS;

/** The KMS signing algorithm cfsign uses for a {@link KmsKeySpec}. */
export type KmsSigningAlgorithm = (typeof KMS_KEY_SPECS)[KmsKeySpec]["signingAlgorithm"];

interface Described {
  KeyId?: string | undefined;
  KeySpec?: string | undefined;
  CustomerMasterKeySpec?: string | undefined;
  KeyUsage?: string | undefined;
  SigningAlgorithms?: readonly string[] | undefined;
  PublicKey?: Uint8Array | undefined;
}

/**
 * The key's spec, checked three ways: the spec KMS names (`KeySpec`, or the deprecated
 * `CustomerMasterKeySpec` that older endpoints and emulators return alone), its usage and
 * signing algorithms, and the public key itself (an RSA-2048 or P-256 SPKI of the same kind).
 */
export async function checkKey(
  d: Described,
): Promise<{ spec: KmsKeySpec; publicKeyDer: Uint8Array; verifyKey: VerifyKey }> {
  const named = d.KeySpec ?? d.CustomerMasterKeySpec;
  if (typeof named !== "string")
    throw new CfSignError(
      "UNSUPPORTED_KEY",
      "GetPublicKey named no key spec; cannot tell whether CloudFront accepts the key",
    );
  const shown = /^[A-Z0-9_]{1,40}$/.test(named) ? named : "another kind";
  if (d.KeyUsage !== undefined && d.KeyUsage !== "SIGN_VERIFY") {
    throw new CfSignError(
      "UNSUPPORTED_KEY",
      `the KMS key is for ${/^[A-Z_]{1,40}$/.test(d.KeyUsage) ? d.KeyUsage : "another use"}; CloudFront signing needs an asymmetric SIGN_VERIFY key (RSA_2048 or ECC_NIST_P256)`,
    );
  }
  if (!Object.hasOwn(KMS_KEY_SPECS, named)) {
    throw new CfSignError(
      "UNSUPPORTED_KEY",
      `the KMS key is ${shown}; CloudFront accepts only RSA_2048 and ECC_NIST_P256 keys (create one with ` +
        "aws kms create-key --key-usage SIGN_VERIFY --key-spec ECC_NIST_P256)",
    );
  }
  const spec = named as KmsKeySpec;
  const { algorithm, signingAlgorithm } = KMS_KEY_SPECS[spec];
  if (d.SigningAlgorithms !== undefined && !d.SigningAlgorithms.includes(signingAlgorithm)) {
    throw new CfSignError(
      "UNSUPPORTED_KEY",
      `the KMS key does not offer ${signingAlgorithm}, the algorithm CloudFront needs for ${spec}`,
    );
  }
  if (!(d.PublicKey instanceof Uint8Array) || d.PublicKey.length === 0) {
    throw new CfSignError("UNSUPPORTED_KEY", "GetPublicKey returned no public key");
  }
  const publicKeyDer = d.PublicKey.slice();
  let verifyKey: VerifyKey;
  try {
    verifyKey = await importVerifyKey(toPem(publicKeyDer));
  } catch (cause) {
    throw new CfSignError("UNSUPPORTED_KEY", `the public key KMS returned is not a usable ${spec} key`, { cause });
  }
  if (verifyKey.algorithm !== algorithm) {
    throw new CfSignError(
      "UNSUPPORTED_KEY",
      `the public key KMS returned is not an ${algorithm} key, though the key spec is ${spec}`,
    );
  }
  return { spec, publicKeyDer, verifyKey };
}

/** SPKI DER as PEM, 64 characters a line (RFC 7468 §2). */
export function toPem(der: Uint8Array): string {
  let binary = "";
  for (const b of der) binary += String.fromCharCode(b);
  const lines = btoa(binary).match(/.{1,64}/g) ?? [];
  return `-----BEGIN PUBLIC KEY-----\n${lines.join("\n")}\n-----END PUBLIC KEY-----\n`;
}
