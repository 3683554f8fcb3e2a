/**
 * `Signer.signStream`: items taken from any iterable, async iterable or web `ReadableStream` in
 * windows, each window signed through the batch pipeline (./window.ts), at most two windows in
 * flight, and the source read only as fast as the results are consumed.
 *
 * Memory (docs/runtimes.md, "Memory per Node version"): what a stream keeps alive is what V8's young
 * generation copies at each collection, and V8 grows the young generation by the bytes that survived
 * (up to 2 × 64 MiB on Node 24 and 26). So the stream keeps little alive: windows of 64 items (256 with
 * `workers`, whose threads take signatures in blocks), at most `concurrency` signatures in flight across
 * both windows, a synchronous source read without a promise per item.
 *
 * @module
 */
import { fail } from "../errors.ts";
import type { BatchItem, BatchResult, StreamOptions } from "../types.ts";
import type { SignerCore } from "./core.ts";
import { failure, runBatch } from "./window.ts";

/**
 * Items per window when `StreamOptions.window` is not given (docs/runtimes.md, "Memory per Node version").
 * On the thread pool 64 signs as fast as 256 and keeps a quarter as much alive (Node 24, 1,000,000 URLs:
 * 127 → 98 MiB); a worker pool gets blocks of at least `BATCH_SIGNER_MIN` (64) signatures per round trip
 * and was 20% slower at 64 than at 256.
 */
const STREAM_WINDOW = 64;
const STREAM_WINDOW_WORKERS = 256;

/** A source's items one window at a time; `close` ends it early (calls the iterator's `return`). */
interface Puller {
  /** Appends up to `max` items to `into`; false once the source is exhausted. */
  fill(into: BatchItem[], max: number): boolean | Promise<boolean>;
  close(): unknown;
}

/** `Signer.signStream`. */
export async function* signStream(
  core: SignerCore,
  source: Iterable<BatchItem> | AsyncIterable<BatchItem> | ReadableStream<BatchItem>,
  options: StreamOptions,
): AsyncGenerator<BatchResult, void, undefined> {
  const window = options.window ?? (core.batchSigner === undefined ? STREAM_WINDOW : STREAM_WINDOW_WORKERS);
  if (!Number.isInteger(window) || window < 1) fail("INVALID_ARGUMENT", "window must be a positive integer");
  // Two windows sign at once: each gets half of the signer's concurrency.
  const concurrency = Math.max(1, Math.ceil(core.concurrency / 2));
  const puller = pull(source);
  try {
    let offset = 0;
    let more = true;
    let pending: { results: Promise<BatchResult[]>; offset: number } | undefined;
    for (;;) {
      const batch: BatchItem[] = [];
      if (more) {
        const filled = puller.fill(batch, window);
        more = typeof filled === "boolean" ? filled : await filled;
      }
      let started: { results: Promise<BatchResult[]>; offset: number } | undefined;
      if (batch.length > 0) {
        started = { results: runBatch(core, batch, options, concurrency), offset };
        started.results.catch(() => {});
        offset += batch.length;
      }
      if (pending !== undefined) {
        const results = await pending.results;
        for (let i = 0; i < results.length; i++) {
          const r = results[i]!;
          // The window's array lets go of each result as it is handed out.
          results[i] = undefined as unknown as BatchResult;
          yield r.ok ? r : failure(r.error, pending.offset + r.index);
        }
      }
      if (started === undefined) return;
      pending = started;
    }
  } finally {
    await puller.close();
  }
}

/** Removes one trailing `\n` or `\r\n` from a string item. */
function clean(item: BatchItem): BatchItem {
  if (typeof item !== "string" || !item.endsWith("\n")) return item;
  return item.slice(0, item.endsWith("\r\n") ? -2 : -1);
}

/** Reads an iterable synchronously, an async iterable or a web ReadableStream with one await per item. */
function pull(source: Iterable<BatchItem> | AsyncIterable<BatchItem> | ReadableStream<BatchItem>): Puller {
  if (source !== null && typeof source === "object") {
    if (Symbol.asyncIterator in source) {
      const it = (source as AsyncIterable<BatchItem>)[Symbol.asyncIterator]();
      return {
        async fill(into, max) {
          while (into.length < max) {
            const step = await it.next();
            if (step.done === true) return false;
            into.push(clean(step.value));
          }
          return true;
        },
        close: () => it.return?.(),
      };
    }
    if (Symbol.iterator in source) {
      const it = (source as Iterable<BatchItem>)[Symbol.iterator]();
      return {
        fill(into, max) {
          while (into.length < max) {
            const step = it.next();
            if (step.done === true) return false;
            into.push(clean(step.value));
          }
          return true;
        },
        close: () => it.return?.(),
      };
    }
    if (typeof (source as ReadableStream<BatchItem>).getReader === "function") {
      const reader = (source as ReadableStream<BatchItem>).getReader();
      return {
        async fill(into, max) {
          while (into.length < max) {
            const { done, value } = await reader.read();
            if (done) return false;
            into.push(clean(value));
          }
          return true;
        },
        async close() {
          await reader.cancel();
          reader.releaseLock();
        },
      };
    }
  }
  fail("INVALID_ARGUMENT", "signStream takes an iterable, an async iterable or a ReadableStream of URLs");
}
