/**
 * Node only: turns the `workers` option of `createSigner` into a batch signer
 * on worker threads (./worker-pool.ts). Loaded with `import()` by the Node
 * entry only when `workers` is set, so neither `node:worker_threads` nor this
 * file is ever loaded otherwise.
 *
 * @module
 */
import { KeyObject, type webcrypto } from "node:crypto";
import { availableParallelism } from "node:os";
import { fail } from "../errors.ts";
import { toKeyObject } from "../crypto/node.ts";
import {
  isCryptoKey,
  isCustomSigner,
  isNonExtractableCryptoKey,
  type KeyAlgorithm,
  type KeyImportOptions,
} from "../crypto/types.ts";
import type { BatchSigner, WorkersOption } from "../types.ts";
import { createSigningPool } from "./worker-pool.ts";

/**
 * A worker-thread batch signer for an already imported and checked key, or
 * `null` when `"auto"` decides that threads would not help: RSA (each signature
 * costs ~1 ms, so libuv's thread pool already keeps every core busy; measured
 * in bench/), or a single core; or that they cannot take the key (a CryptoKey
 * created with `extractable: false`).
 *
 * @param key - the key as given to `createSigner` (re-read here into a `KeyObject`, which worker threads can receive)
 * @param algorithm - the checked key's algorithm
 * @param workers - a thread count, or `"auto"`
 * @returns the batch signer, or `null`
 * @throws {@link CfSignError} `INVALID_ARGUMENT` for a custom signer (it signs where it lives), a
 *   non-extractable CryptoKey with a thread count, or a bad count
 */
export function createBatchSigner(
  key: KeyImportOptions,
  algorithm: KeyAlgorithm,
  workers: WorkersOption,
): BatchSigner | null {
  if (isCustomSigner(key.privateKey)) {
    fail("INVALID_ARGUMENT", "workers cannot be used with a custom signer; it signs wherever it lives");
  }
  if (isNonExtractableCryptoKey(key.privateKey)) {
    // Worker threads receive a KeyObject, and Node deprecates making one from such a key (DEP0204).
    if (workers === "auto") return null;
    fail(
      "INVALID_ARGUMENT",
      "workers need a key node:crypto can hold: a CryptoKey created with extractable: false stays in WebCrypto; " +
        'pass the PEM, a KeyObject or an extractable CryptoKey, or leave workers out (or "auto")',
    );
  }
  let size: number;
  if (workers === "auto") {
    size = availableParallelism();
    if (algorithm === "RSA" || size < 2) return null;
  } else {
    size = workers;
  }
  const keyObject =
    key.privateKey instanceof KeyObject
      ? key.privateKey
      : isCryptoKey(key.privateKey)
        ? KeyObject.from(key.privateKey as webcrypto.CryptoKey)
        : toKeyObject(key.privateKey, key.passphrase);
  return createSigningPool(keyObject, algorithm, key.hashAlgorithm, { size });
}
