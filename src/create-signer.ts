/**
 * `createSignerWith`, what every entry's `createSigner` calls: the options checked, the key
 * imported and checked once, the hot path loaded once, worker threads started when asked for,
 * and the {@link Signer} (./signer.ts) made over them. Runtime-neutral: the entry points inject
 * the key importers (node:crypto or WebCrypto) and the hot-path loader.
 *
 * @module
 */
import { fail } from "./errors.ts";
import { createCore } from "./batch.ts";
import { applySignTimeout } from "./crypto/custom.ts";
import type { KeyAlgorithm, KeyImporter, KeyImportOptions } from "./crypto/types.ts";
import type { EngineName, HotPath } from "./engine/types.ts";
import { validateKeyPairId } from "./cloudfront/key-pair-id.ts";
import { signerFromCore, type Signer } from "./signer.ts";
import type { BatchSigner, CryptoBackend, SignerOptions, WorkersOption } from "./types.ts";

/** What an entry point provides to {@link createSignerWith}. */
interface SignerPlatform {
  /** Key importers by backend; a missing one is not available in this runtime. */
  readonly importers: Partial<Record<CryptoBackend, KeyImporter>>;
  /** The default backend of this entry point. */
  readonly defaultBackend: CryptoBackend;
  /** Loads a hot path by name (once; implementations cache). */
  loadHotPath(name: EngineName): Promise<HotPath>;
  /**
   * Where worker threads exist (the Node entry): a batch signer for the `workers` option, or `null`
   * when `"auto"` finds threads would not help. Absent: `workers` is refused.
   */
  readonly createBatchSigner?:
    | ((key: KeyImportOptions, algorithm: KeyAlgorithm, workers: WorkersOption) => Promise<BatchSigner | null>)
    | undefined;
}

/**
 * Creates a signer on a given platform. Entry points call this with their
 * importers and hot-path loader; applications call `createSigner`.
 *
 * @throws {@link CfSignError} `INVALID_KEY_PAIR_ID`, `INVALID_KEY`, `UNSUPPORTED_KEY`, `UNSUPPORTED_HASH`, `INVALID_ARGUMENT`
 */
export async function createSignerWith(options: SignerOptions, platform: SignerPlatform): Promise<Signer> {
  if (typeof options !== "object" || options === null) fail("INVALID_ARGUMENT", "createSigner takes an options object");
  const { keyPairId, privateKey, passphrase } = options;
  validateKeyPairId(keyPairId);
  if (privateKey === undefined || privateKey === null) fail("INVALID_KEY", "privateKey is required");
  if (passphrase !== undefined && typeof passphrase !== "string")
    fail("INVALID_ARGUMENT", "passphrase must be a string");
  const hashAlgorithm = options.hashAlgorithm ?? "SHA256";
  if (hashAlgorithm !== "SHA256" && hashAlgorithm !== "SHA1") {
    fail("INVALID_ARGUMENT", 'hashAlgorithm must be "SHA256" or "SHA1"');
  }
  const engine = options.engine ?? "wasm";
  if (engine !== "wasm" && engine !== "js") fail("INVALID_ARGUMENT", 'engine must be "wasm" or "js"');
  const backend = options.backend ?? platform.defaultBackend;
  const importer = platform.importers[backend];
  if (importer === undefined) fail("INVALID_ARGUMENT", `the ${backend} backend is not available in this runtime`);
  const concurrency = options.concurrency ?? 64;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    fail("INVALID_ARGUMENT", "concurrency must be a positive integer");
  const clock = options.clock ?? Date.now;
  if (typeof clock !== "function") fail("INVALID_ARGUMENT", "clock must be a function returning milliseconds");
  const cacheSize = options.signatureCacheSize ?? 0;
  if (!Number.isInteger(cacheSize) || cacheSize < 0)
    fail("INVALID_ARGUMENT", "signatureCacheSize must be a whole number");
  const { onWarning } = options;
  if (onWarning !== undefined && typeof onWarning !== "function")
    fail("INVALID_ARGUMENT", "onWarning must be a function");
  const { workers } = options;
  if (workers !== undefined) {
    if (workers !== "auto" && (!Number.isInteger(workers) || workers < 1)) {
      fail("INVALID_ARGUMENT", 'workers must be a positive whole number or "auto"');
    }
    if (platform.createBatchSigner === undefined) {
      fail("INVALID_ARGUMENT", "workers need node:worker_threads, which this runtime's entry does not use");
    }
    if (backend !== "node") fail("INVALID_ARGUMENT", 'workers sign with node:crypto; they need backend "node"');
  }
  const keyOptions: KeyImportOptions = {
    privateKey: applySignTimeout(privateKey, options.signTimeoutMs),
    passphrase,
    hashAlgorithm,
  };
  const [key, hotPath] = await Promise.all([importer(keyOptions), platform.loadHotPath(engine)]);
  const batchSigner =
    workers === undefined ? null : await platform.createBatchSigner!(keyOptions, key.algorithm, workers);
  return signerFromCore(createCore(key, hotPath, { keyPairId, concurrency, clock, batchSigner, cacheSize, onWarning }));
}
