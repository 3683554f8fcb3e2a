/**
 * The throughput features of the signer give the same bytes as the plain path:
 * worker threads (`workers`), streaming (`signStream`), repeatable URLs
 * (`expiresWindow` + `signatureCacheSize`), windowed batches, and bulk rewriting
 * with a real shared policy (`rewriteLines`). RSA URLs are compared byte for
 * byte (PKCS#1 v1.5 is deterministic); ECDSA URLs are verified with the public key.
 */
import { sign as nodeSign } from "node:crypto";
import fc from "fast-check";
import { afterAll, describe, expect, test } from "vitest";
import { createSigner, type BatchItem, type BatchResult, type Signer } from "../src/index.js";
import { SignatureCache } from "../src/lib/signature-cache.js";
import { ecKey, rsaKey } from "./helpers/keys.js";
import { verifySignedUrl } from "./helpers/verify.js";

const HOST = "https://d111111abcdef8.cloudfront.net";
const NOW = 1_800_000_000_000;
const EXPIRES = 1_800_003_600;
const clock = (): number => NOW;
const KPID = "K2JCJMDEHXQW5F";

const signers: Signer[] = [];
async function make(options: Partial<Parameters<typeof createSigner>[0]> = {}, key = rsaKey()): Promise<Signer> {
  const signer = await createSigner({ keyPairId: KPID, privateKey: key.privatePem, clock, ...options });
  signers.push(signer);
  return signer;
}
afterAll(async () => {
  await Promise.all(signers.map((s) => s.close()));
});

/** A batch with canned and custom items and bad items sprinkled in. */
function mixedItems(n: number): BatchItem[] {
  return Array.from({ length: n }, (_, i): BatchItem => {
    if (i % 37 === 5) return `${HOST}/bad path/${i}.jpg`;
    if (i % 41 === 7) return `${HOST}/a/${i}.jpg?Expires=1`;
    if (i % 5 === 0) return { url: `${HOST}/gallery/${i}.jpg`, resource: `${HOST}/gallery/*`, starts: EXPIRES - 7200 };
    return `${HOST}/photos/${i}/img.jpg${i % 3 === 0 ? "?w=800" : ""}`;
  });
}

const summary = (results: readonly BatchResult[]) => results.map((r) => (r.ok ? r.url : `${r.index}:${r.error.code}`));

describe("windowed batches", () => {
  test("a batch longer than one window gives the results of one-by-one signing, in order", async () => {
    const signer = await make();
    const items = mixedItems(4500); // more than two windows of 2048
    const batch = await signer.signUrls(items, { expires: EXPIRES });
    const sample = [0, 5, 7, 2047, 2048, 2049, 4095, 4096, 4499];
    for (const i of sample) {
      const item = items[i]!;
      const one = await signer.signUrls([item], { expires: EXPIRES });
      const r = batch[i]!;
      expect(r.ok).toBe(one[0]!.ok);
      if (r.ok && one[0]!.ok) expect(r.url).toBe(one[0]!.url);
      if (!r.ok) expect(r.index).toBe(i);
    }
    expect(batch.filter((r) => !r.ok).length).toBe(items.filter((_, i) => i % 37 === 5 || i % 41 === 7).length);
  });
});

describe("workers", () => {
  test("RSA on worker threads: byte-identical URLs to the thread pool, failures in place", async () => {
    const plain = await make();
    const threaded = await make({ workers: 2 });
    expect(threaded.workers).toBe(2);
    const items = mixedItems(700);
    const a = await plain.signUrls(items, { expires: EXPIRES });
    const b = await threaded.signUrls(items, { expires: EXPIRES });
    expect(summary(b)).toEqual(summary(a));
  });

  test("ECDSA on worker threads: every URL verifies with the public key", async () => {
    const key = ecKey();
    const threaded = await make({ workers: 2 }, key);
    const items = Array.from({ length: 500 }, (_, i) => `${HOST}/ec/${i}.jpg`);
    const results = await threaded.signUrls(items, { expires: EXPIRES });
    for (const r of results) {
      expect(r.ok).toBe(true);
      if (r.ok) expect(verifySignedUrl(r.url, key.publicKey)).toBe(true);
    }
  });

  test('"auto" uses threads for ECDSA on several cores, never for RSA', async () => {
    expect((await make({ workers: "auto" })).workers).toBe(0);
    const ec = await make({ workers: "auto" }, ecKey());
    const { availableParallelism } = await import("node:os");
    expect(ec.workers).toBe(availableParallelism() >= 2 ? availableParallelism() : 0);
  });

  test("close() stops the threads; later batches still sign, on the thread pool", async () => {
    const signer = await make({ workers: 1 });
    const items = Array.from({ length: 100 }, (_, i) => `${HOST}/c/${i}.jpg`);
    const before = await signer.signUrls(items, { expires: EXPIRES });
    await signer.close();
    expect(signer.workers).toBe(0);
    expect(summary(await signer.signUrls(items, { expires: EXPIRES }))).toEqual(summary(before));
  });

  test("bad workers options are refused", async () => {
    for (const workers of [0, -1, 1.5, "all"] as const) {
      await expect(make({ workers: workers as never })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    }
    await expect(make({ workers: 2, backend: "webcrypto" })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    const custom = {
      algorithm: "ECDSA" as const,
      sign: async () => new Uint8Array(64),
      signatureFormat: "p1363" as const,
    };
    await expect(createSigner({ keyPairId: KPID, privateKey: custom, workers: 2 })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
  });
});

describe("signStream", () => {
  async function* slowly<T>(items: readonly T[]): AsyncGenerator<T> {
    for (const item of items) {
      await Promise.resolve();
      yield item;
    }
  }

  test("same results as signUrls, in order, with stream positions as indexes, from every kind of source", async () => {
    const signer = await make();
    const items = mixedItems(300);
    const expected = summary(await signer.signUrls(items, { expires: EXPIRES }));
    const collect = async (source: Parameters<Signer["signStream"]>[0]) => {
      const out: BatchResult[] = [];
      for await (const r of signer.signStream(source, { expires: EXPIRES, window: 7 })) out.push(r);
      return summary(out);
    };
    expect(await collect(items)).toEqual(expected);
    expect(await collect(slowly(items))).toEqual(expected);
    expect(
      await collect(
        new ReadableStream<BatchItem>({
          start(controller) {
            for (const item of items) controller.enqueue(item);
            controller.close();
          },
        }),
      ),
    ).toEqual(expected);
    const lines = items.map((item, i) => (typeof item === "string" ? item + (i % 2 ? "\n" : "\r\n") : item));
    expect(await collect(lines)).toEqual(expected);
  });

  test("backpressure: the source is read only about two windows ahead of the consumer", async () => {
    const signer = await make({}, ecKey());
    let produced = 0;
    async function* source(): AsyncGenerator<string> {
      for (let i = 0; i < 100_000; i++) {
        produced++;
        yield `${HOST}/bp/${i}.jpg`;
      }
    }
    const stream = signer.signStream(source(), { expires: EXPIRES, window: 50 });
    const first = await stream.next();
    expect(first.value).toMatchObject({ ok: true });
    expect(produced).toBeLessThanOrEqual(3 * 50);
    for (let i = 0; i < 120; i++) await stream.next();
    expect(produced).toBeLessThanOrEqual(121 + 3 * 50);
    await stream.return(undefined);
  });

  test("the default window is 64 on the thread pool and 256 with workers (docs/runtimes.md, memory)", async () => {
    // How far the source is read before the first result: two windows in flight, one being filled.
    async function readAhead(signer: Signer): Promise<number> {
      let produced = 0;
      function* source(): Generator<string> {
        for (let i = 0; i < 10_000; i++) {
          produced++;
          yield `${HOST}/window/${i}.jpg`;
        }
      }
      const stream = signer.signStream(source(), { expires: EXPIRES });
      expect((await stream.next()).value).toMatchObject({ ok: true });
      await stream.return(undefined);
      return produced;
    }
    const pool = await readAhead(await make({}, ecKey()));
    expect(pool).toBeGreaterThanOrEqual(2 * 64);
    expect(pool).toBeLessThanOrEqual(3 * 64 + 1);
    const workers = await readAhead(await make({ workers: 1 }, ecKey()));
    expect(workers).toBeGreaterThanOrEqual(2 * 256);
    expect(workers).toBeLessThanOrEqual(3 * 256 + 1);
  });

  test("stopping early closes the source", async () => {
    const signer = await make();
    let closed = false;
    async function* source(): AsyncGenerator<string> {
      try {
        for (let i = 0; ; i++) yield `${HOST}/stop/${i}.jpg`;
      } finally {
        closed = true;
      }
    }
    for await (const r of signer.signStream(source(), { expires: EXPIRES, window: 10 })) {
      expect(r.ok).toBe(true);
      break;
    }
    expect(closed).toBe(true);
  });

  test("a synchronous source stopped early is closed too (it is read without a promise per item)", async () => {
    const signer = await make();
    let closed = false;
    let produced = 0;
    function* source(): Generator<string> {
      try {
        for (let i = 0; ; i++) {
          produced++;
          yield `${HOST}/stop-sync/${i}.jpg`;
        }
      } finally {
        closed = true;
      }
    }
    for await (const r of signer.signStream(source(), { expires: EXPIRES, window: 10 })) {
      expect(r.ok).toBe(true);
      break;
    }
    expect(closed).toBe(true);
    expect(produced).toBeLessThanOrEqual(3 * 10);
  });

  test("its two windows in flight share `concurrency`: never more signatures in flight than that", async () => {
    const { privateKey } = ecKey();
    let inFlight = 0;
    let peak = 0;
    const custom = {
      algorithm: "ECDSA" as const,
      async sign(data: Uint8Array) {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 1));
        inFlight--;
        return new Uint8Array(nodeSign("sha256", data, privateKey));
      },
    };
    const signer = await make({ privateKey: custom, concurrency: 8 });
    let ok = 0;
    const urls = Array.from({ length: 300 }, (_, i) => `${HOST}/shared/${i}.jpg`);
    for await (const r of signer.signStream(urls, { expires: EXPIRES, window: 50 })) if (r.ok) ok++;
    expect(ok).toBe(300);
    expect(peak).toBeGreaterThanOrEqual(4);
    expect(peak).toBeLessThanOrEqual(8);
  });

  test("a source that is not iterable, or a bad window, is refused", async () => {
    const signer = await make();
    await expect(signer.signStream(42 as never, { expires: EXPIRES }).next()).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    await expect(signer.signStream([], { expires: EXPIRES, window: 0 }).next()).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
  });
});

describe("repeatable URLs", () => {
  test("expiresWindow rounds expires up to the next multiple, never down", async () => {
    const signer = await make();
    fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 86_400 }),
        async (ttl, window) => {
          const expires = NOW / 1000 + ttl;
          const url = await signer.signUrl(`${HOST}/w.jpg`, { expires, expiresWindow: window });
          const got = Number(new URL(url).searchParams.get("Expires"));
          expect(got % window).toBe(0);
          expect(got).toBeGreaterThanOrEqual(expires);
          expect(got - expires).toBeLessThan(window);
        },
      ),
      { numRuns: 200 },
    );
  });

  test("within one window, the same object gets the same URL, ECDSA included, from the cache", async () => {
    const key = ecKey();
    let now = NOW;
    const signer = await createSigner({
      keyPairId: KPID,
      privateKey: key.privatePem,
      clock: () => now,
      signatureCacheSize: 100,
    });
    signers.push(signer);
    const urls = Array.from({ length: 20 }, (_, i) => `${HOST}/r/${i}.jpg`);
    const ask = () => signer.signUrls(urls, { expires: Math.floor(now / 1000) + 3600, expiresWindow: 300 });
    now = 1_800_000_001_000; // one second past a 300 s boundary: expires rounds up to the same boundary ...
    const first = summary(await ask());
    now += 120_000; // ... two minutes later too
    const second = summary(await ask());
    expect(second).toEqual(first);
    for (const u of second) expect(verifySignedUrl(u, key.publicKey)).toBe(true);
    now += 300_000; // the next window
    const third = summary(await ask());
    expect(third[0]).not.toEqual(first[0]);
  });

  test("cached RSA signatures are the signatures the key would make (same bytes with and without the cache)", async () => {
    const cached = await make({ signatureCacheSize: 3 });
    const plain = await make();
    const items = mixedItems(50);
    for (let round = 0; round < 3; round++) {
      expect(summary(await cached.signUrls(items, { expires: EXPIRES }))).toEqual(
        summary(await plain.signUrls(items, { expires: EXPIRES })),
      );
    }
  });

  test("the LRU keeps the most recently used entries", () => {
    const cache = new SignatureCache(2);
    const sig = (n: number) => new Uint8Array([n]);
    cache.set("a", sig(1));
    cache.set("b", sig(2));
    expect(cache.get("a")?.[0]).toBe(1); // a is now the most recent
    cache.set("c", sig(3)); // evicts b
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")?.[0]).toBe(1);
    expect(cache.get("c")?.[0]).toBe(3);
    expect(cache.size).toBe(2);
    const big = new Uint8Array(1000).subarray(10, 20);
    cache.set("view", big);
    expect(cache.get("view")!.buffer).not.toBe(big.buffer); // a copy, not the large buffer
    expect(cache.get("view")!.length).toBe(10);
  });

  test("bad expiresWindow and signatureCacheSize are refused", async () => {
    const signer = await make();
    for (const expiresWindow of [0, -5, 1.5, 31_536_001]) {
      await expect(signer.signUrl(`${HOST}/x.jpg`, { expires: EXPIRES, expiresWindow })).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
      });
    }
    await expect(make({ signatureCacheSize: -1 })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });
});

describe("rewriteLines with a real shared policy", () => {
  test("equals SignedPolicy.apply line by line, refusals included, for both engines", async () => {
    const wasm = await make();
    const js = await make({ engine: "js" });
    const policy = await wasm.signPolicy({ resource: `${HOST}/gallery/*`, expires: EXPIRES });
    const piece = fc.constantFrom(
      "a",
      "1",
      "/",
      ".",
      "%20",
      "%",
      "?",
      "&",
      "=",
      "x=1",
      "Expires=",
      "#",
      " ",
      "é",
      "'",
      "+",
    );
    const line = fc.oneof(
      fc.array(piece, { maxLength: 10 }).map((p) => `${HOST}/gallery/${p.join("")}`),
      fc.array(piece, { maxLength: 6 }).map((p) => `${HOST}/other/${p.join("")}`),
      fc.constant(""),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 15 }), fc.boolean(), (lines, useJs) => {
        const text = lines.join("\n");
        const got = (useJs ? js : wasm).rewriteLines(policy, new TextEncoder().encode(text));
        const expected: string[] = [];
        const failures: { index: number; line: number; code: string }[] = [];
        const parts = text.split("\n");
        if (text === "") parts.pop();
        parts.forEach((l, i) => {
          const eol = i < parts.length - 1 ? "\n" : "";
          if (l === "") return void expected.push(eol);
          try {
            expected.push(policy.apply(l) + eol);
          } catch (err) {
            failures.push({ index: i, line: i + 1, code: (err as { code: string }).code });
          }
        });
        expect(new TextDecoder().decode(got.bytes)).toBe(expected.join(""));
        expect(got.failures.map((f) => ({ index: f.index, line: f.line, code: f.error.code }))).toEqual(failures);
      }),
      { numRuns: 500 },
    );
  });

  test("an expired policy, or something that is not a SignedPolicy, is refused", async () => {
    let now = NOW;
    const signer = await createSigner({ keyPairId: KPID, privateKey: rsaKey().privatePem, clock: () => now });
    const policy = await signer.signPolicy({ resource: `${HOST}/g/*`, expires: EXPIRES });
    now = (EXPIRES + 1) * 1000;
    expect(() => signer.rewriteLines(policy, `${HOST}/g/a.jpg`)).toThrow(
      expect.objectContaining({ code: "EXPIRES_IN_PAST" }),
    );
    expect(() => signer.rewriteLines({} as never, "x")).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
  });
});
