/**
 * What every operation of one signer shares: the key, the hot path and the settings
 * ({@link SignerCore}), made once by `createSigner`.
 *
 * @module
 */
import { ECDSA_P256_MAX_DER_BYTES, RSA_2048_SIGNATURE_BYTES } from "../crypto/custom.ts";
import type { SigningKey } from "../crypto/types.ts";
import type { HotPath } from "../engine/types.ts";
import { s3HostKind } from "../cloudfront/s3.ts";
import { SignatureCache } from "../lib/signature-cache.ts";
import type { BatchSigner, SignWarning } from "../types.ts";

/** What every operation of one signer shares: the key, the hot path and the settings. */
export interface SignerCore {
  readonly key: SigningKey;
  readonly hotPath: HotPath;
  readonly keyPairId: string;
  /** `&Key-Pair-Id=K`, and `&Hash-Algorithm=SHA256` for SHA-256: the end of every signed query. */
  readonly suffix: string;
  /** Signatures in flight at once. */
  readonly concurrency: number;
  /** Current time, milliseconds. */
  readonly clock: () => number;
  /** Characters of the longest signature this key makes, in CloudFront base64. */
  readonly maxSignatureChars: number;
  readonly cache: SignatureCache | undefined;
  /** Worker threads for large batches; cleared by `Signer.close`. */
  batchSigner: BatchSigner | undefined;
  /** `SignerOptions.onWarning`. */
  readonly onWarning: ((warning: SignWarning) => void) | undefined;
}

/** The settings of {@link createCore} beyond key and hot path. */
interface CoreSettings {
  readonly keyPairId: string;
  readonly concurrency: number;
  readonly clock: () => number;
  readonly batchSigner?: BatchSigner | null | undefined;
  readonly cacheSize?: number | undefined;
  readonly onWarning?: ((warning: SignWarning) => void) | undefined;
}

/** The shared state of a signer (the arguments are already validated by `createSigner`). */
export function createCore(key: SigningKey, hotPath: HotPath, settings: CoreSettings): SignerCore {
  const maxSignatureBytes = key.algorithm === "RSA" ? RSA_2048_SIGNATURE_BYTES : ECDSA_P256_MAX_DER_BYTES;
  return {
    key,
    hotPath,
    keyPairId: settings.keyPairId,
    suffix: "&Key-Pair-Id=" + settings.keyPairId + (key.hashAlgorithm === "SHA256" ? "&Hash-Algorithm=SHA256" : ""),
    concurrency: settings.concurrency,
    clock: settings.clock,
    maxSignatureChars: base64Length(maxSignatureBytes),
    cache: settings.cacheSize ? new SignatureCache(settings.cacheSize, maxSignatureBytes) : undefined,
    batchSigner: settings.batchSigner ?? undefined,
    onWarning: settings.onWarning,
  };
}

/**
 * Tells `onWarning` when a URL or resource is on an S3 endpoint (src/cloudfront/s3.ts): signed, but
 * CloudFront never sees a request sent there.
 */
export function warnAboutHost(core: SignerCore, url: string, index?: number): void {
  if (core.onWarning === undefined) return;
  const s3 = s3HostKind(url);
  if (s3 !== null)
    core.onWarning(
      index === undefined ? { code: "S3_HOST", message: s3.message } : { code: "S3_HOST", message: s3.message, index },
    );
}

/** Characters of CloudFront-safe base64 for `n` bytes. */
export function base64Length(n: number): number {
  return Math.ceil(n / 3) * 4;
}
