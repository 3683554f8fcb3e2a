/**
 * Making the signatures of a batch: the platform key with a bounded number in flight, or the
 * worker threads for a large batch.
 *
 * @module
 */
import { CfSignError, fail } from "../errors.ts";
import type { SignerCore } from "./core.ts";

/** Smallest batch worth sending to worker threads. */
const BATCH_SIGNER_MIN = 64;

/**
 * Signs with at most `concurrency` signatures in flight; an item's failure is returned, a platform
 * failure thrown (once the signatures in flight have settled; none is started after it).
 *
 * A callback pump rather than `concurrency` async workers: an async function's suspended frame and
 * its promises per worker were most of what a `signStream` kept alive between two young-generation
 * collections, and survivors are what makes V8 grow its young generation (docs/runtimes.md, "Memory").
 */
export function signAll(
  core: SignerCore,
  payloads: readonly Uint8Array[],
  concurrency: number = core.concurrency,
): Promise<(Uint8Array | CfSignError)[]> {
  if (core.batchSigner !== undefined && payloads.length >= BATCH_SIGNER_MIN) return core.batchSigner.signMany(payloads);
  const n = payloads.length;
  const out: (Uint8Array | CfSignError)[] = new Array(n);
  if (n === 0) return Promise.resolve(out);
  const { key } = core;
  return new Promise((resolve, reject) => {
    let next = 0;
    let settled = 0;
    let fatal: unknown;
    const settle = (i: number, err: unknown, sig: Uint8Array | undefined): void => {
      if (err === null || err === undefined) {
        out[i] =
          sig === undefined || sig.length === 0
            ? new CfSignError("SIGNING_FAILED", "the platform returned an empty signature")
            : sig;
      } else if (err instanceof CfSignError && err.code === "SIGNING_FAILED") out[i] = err;
      else if (err instanceof CfSignError) fatal ??= err;
      else out[i] = new CfSignError("SIGNING_FAILED", "signing failed", { cause: err });
      settled++;
      if (fatal === undefined && next < n) start();
      else if (settled === next) {
        if (fatal === undefined) resolve(out);
        else reject(fatal);
      }
    };
    const start = (): void => {
      const i = next++;
      try {
        if (key.signTo !== undefined) {
          key.signTo(payloads[i]!, (err, sig) => settle(i, err, sig));
        } else {
          key.sign(payloads[i]!).then(
            (sig) => settle(i, null, sig),
            (err: unknown) => settle(i, err ?? new Error("rejected without a reason"), undefined),
          );
        }
      } catch (err) {
        // Settled later, as a rejection would be: a key that throws at once must not recurse through the batch.
        queueMicrotask(() => settle(i, err ?? new Error("thrown without a reason"), undefined));
      }
    };
    for (let w = Math.min(concurrency, n); w > 0; w--) start();
  });
}

/** Signs one policy (cookies, shared policies); a signing failure is thrown. */
export async function signOne(core: SignerCore, policy: Uint8Array): Promise<Uint8Array> {
  const [sig] = await signAll(core, [policy]);
  if (sig === undefined) fail("INTERNAL", "the batch returned no signature");
  if (sig instanceof CfSignError) throw sig;
  return sig;
}
