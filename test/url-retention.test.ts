/**
 * A signed URL kept by the caller keeps nothing else alive: not the text of the window it was
 * assembled with, and not the caller's input text when the input URLs were slices of it. Each
 * engine signs several batches with a real ECDSA P-256 key, one URL of each batch (or of each
 * `signStream` window) is kept, the rest dropped, and the heap is measured after full collections.
 *
 * Before the fix (Node 24) the WASM engine decoded a window's output as one string and handed out
 * slices of it (V8 sliced strings): 12 kept URLs kept 6.0 MB alive (a 2,000-URL window, ~0.5 MB,
 * each), 94 kept from `signStream` 6.5 MB (256-URL windows). The TypeScript engine built each URL
 * by concatenation, a V8 cons string whose first part is the caller's URL: when that URL was a
 * slice of a larger text, 12 kept URLs kept 5.0 MB of the caller's texts alive. After the fix each
 * URL is its own flat string: 8 to 120 KB of growth measured, for every engine and input.
 */
import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";
import { beforeAll, describe, expect, test } from "vitest";
import { createSigner } from "../src/index.js";
import { ecKey } from "./helpers/keys.js";

const HOST = "https://d111111abcdef8.cloudfront.net";
const NOW_MS = Date.UTC(2026, 0, 1);
const EXPIRES = NOW_MS / 1000 + 3600;
/** URLs per batch: one window (2,048 at most), ~530 KB of signed URLs. */
const SIZE = 2000;
const BATCHES = 12;
/** signStream's window, given explicitly: 256 URLs, ~68 KB of signed URLs (the default is 64, src/batch/stream.ts). */
const STREAM_WINDOW = 256;
/**
 * Heap growth allowed, bytes. The kept URLs themselves take 4 KB (12) to 30 KB (94); the rest of
 * the measured growth (8 to 120 KB after the fix) is the heap's own noise after two collections.
 * The old code grew 5.0 to 6.5 MB, so 1 MiB fails it by 4.7x or more and passes the fixed code by
 * 8x or more.
 */
const BOUND = 1 << 20;

let gc: () => void;
beforeAll(() => {
  setFlagsFromString("--expose-gc");
  gc = runInNewContext("gc") as () => void;
});

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/**
 * Batch `b`'s URLs: fresh strings, or slices of one text, as a caller reading a tab-separated file
 * gets them (`text.split("\n")`, then the URL column of each line: ~520 KB of text per batch).
 */
function urls(b: number, sliced: boolean): string[] {
  const list = Array.from(
    { length: SIZE },
    (_, i) => `${HOST}/videos/2026/${b}/segment-${i}.ts?quality=1080p&session=${b}-${i}`,
  );
  if (!sliced) return list;
  const title = "a segment of a video, with a title that is longer than its URL ".repeat(2);
  const text = list.map((url, i) => `${i}\t${url}\t${title}`).join("\n");
  return text.split("\n").map((line) => line.slice(line.indexOf("\t") + 1, line.lastIndexOf("\t")));
}

describe.each(["wasm", "js"] as const)("engine %s: a kept URL keeps nothing else alive", (engine) => {
  for (const sliced of [false, true]) {
    test(`one URL kept from each of ${BATCHES} batches of ${SIZE} (input ${sliced ? "sliced from a text" : "fresh strings"})`, async () => {
      const signer = await createSigner({
        keyPairId: "K2JCJMDEHXQW5F",
        privateKey: ecKey().privateKey,
        engine,
        clock: () => NOW_MS,
      });
      // Warm-up: memory grows to this batch size, code is compiled and optimized.
      for (let b = 0; b < 3; b++) await signer.signUrls(urls(b, sliced), { expires: EXPIRES });
      const before = heapUsed();
      const kept: string[] = [];
      for (let b = 0; b < BATCHES; b++) {
        const results = await signer.signUrls(urls(b, sliced), { expires: EXPIRES });
        const result = results[(b * 167) % SIZE]!;
        if (!result.ok) throw result.error;
        kept.push(result.url);
      }
      const grown = heapUsed() - before;
      expect(kept).toHaveLength(BATCHES);
      expect(new Set(kept).size).toBe(BATCHES);
      expect(grown, `heap growth, bytes, keeping ${BATCHES} URLs`).toBeLessThan(BOUND);
    });
  }

  test(`signStream: one URL kept of every ${STREAM_WINDOW}`, async () => {
    const signer = await createSigner({
      keyPairId: "K2JCJMDEHXQW5F",
      privateKey: ecKey().privateKey,
      engine,
      clock: () => NOW_MS,
    });
    // A lazy source, so that no array of every input URL stays alive.
    function* source(batches: number): Generator<string> {
      for (let b = 0; b < batches; b++) yield* urls(b, false);
    }
    for await (const result of signer.signStream(source(2), { expires: EXPIRES })) void result;
    const before = heapUsed();
    const kept: string[] = [];
    let i = 0;
    for await (const result of signer.signStream(source(BATCHES), { expires: EXPIRES, window: STREAM_WINDOW })) {
      if (i++ % STREAM_WINDOW === 100 && result.ok) kept.push(result.url);
    }
    const grown = heapUsed() - before;
    expect(kept).toHaveLength(Math.ceil((BATCHES * SIZE - 100) / STREAM_WINDOW));
    expect(grown, `heap growth, bytes, keeping ${kept.length} URLs`).toBeLessThan(BOUND);
  });
});
