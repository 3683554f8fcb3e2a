/**
 * The batch operations of a signer: `signUrl`, `signUrls` (with `strict`) and `signStream`, over the
 * pipeline in ./batch/:
 *
 * - ./batch/core.ts: what every operation of one signer shares ({@link SignerCore})
 * - ./batch/window.ts: validation, policies, signing and assembly, window by window
 * - ./batch/sign.ts: signatures with a bounded number in flight, or on worker threads
 * - ./batch/stream.ts: `signStream`, a source read as fast as its results are consumed
 *
 * @module
 */
import { CfSignError, fail, type BatchFailure } from "./errors.ts";
import type { BatchItem, BatchOptions, BatchResult, SignOptions } from "./types.ts";
import type { SignerCore } from "./batch/core.ts";
import { runBatch } from "./batch/window.ts";

export { createCore, warnAboutHost, type SignerCore } from "./batch/core.ts";
export { signOne } from "./batch/sign.ts";
export { signStream } from "./batch/stream.ts";

/** `Signer.signUrl`: one URL through the batch pipeline; its failure is thrown. */
export async function signUrl(core: SignerCore, url: string, options: SignOptions): Promise<string> {
  const [result] = await runBatch(core, [url], options);
  if (result === undefined) fail("INTERNAL", "the batch returned no result for the URL");
  if (!result.ok) throw result.error;
  return result.url;
}

/** `Signer.signUrls`: one result per item, or with `strict` one `BATCH_FAILED` error. */
export async function signUrls(
  core: SignerCore,
  items: readonly BatchItem[],
  options: BatchOptions,
): Promise<BatchResult[]> {
  if (!Array.isArray(items)) fail("INVALID_ARGUMENT", "signUrls takes an array of URLs or { url, ... } items");
  const results = await runBatch(core, items, options);
  if (options.strict === true) {
    const failures: BatchFailure[] = [];
    for (const r of results) if (!r.ok) failures.push({ index: r.index, code: r.error.code });
    if (failures.length > 0) {
      throw batchFailed(
        `${items.length} items`,
        failures,
        failures.slice(0, 10).map((f) => `${f.index} (${f.code})`),
      );
    }
  }
  return results;
}

/**
 * The one error of a strict batch: how many of `what` failed, the first ten `named`, every failure in
 * `failures` (no URL is returned).
 */
export function batchFailed(what: string, failures: BatchFailure[], named: readonly string[]): CfSignError {
  return new CfSignError(
    "BATCH_FAILED",
    `${failures.length} of ${what} failed, nothing was returned: ${named.join(", ")}` +
      (failures.length > 10 ? ", ..." : ""),
    { failures },
  );
}
