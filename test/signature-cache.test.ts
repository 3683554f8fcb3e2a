/**
 * The signature cache (src/lib/signature-cache.ts): an LRU whose every operation
 * is O(1) whatever its history (issue #12, item 17: batches were slower with
 * `signatureCacheSize` than without, because each eviction took the oldest key
 * with `map.keys().next()`, which walks every deleted entry V8 still keeps at the
 * front of the Map's table: tens of µs per eviction at 100,000 entries).
 */
import fc from "fast-check";
import { afterEach, describe, expect, test, vi } from "vitest";
import { SignatureCache } from "../src/lib/signature-cache.js";

const sig = (n: number, length = 8): Uint8Array => new Uint8Array(length).fill(n & 0xff);

afterEach(() => {
  vi.restoreAllMocks();
});

describe("SignatureCache", () => {
  test("evicting from a full cache never iterates a Map (no walk over deleted entries)", () => {
    const cache = new SignatureCache(1000, 8);
    for (let i = 0; i < 1000; i++) cache.set(`k${i}`, sig(i));
    const iterations = [
      vi.spyOn(Map.prototype, "keys"),
      vi.spyOn(Map.prototype, "values"),
      vi.spyOn(Map.prototype, "entries"),
      vi.spyOn(Map.prototype, "forEach"),
      vi.spyOn(Map.prototype, Symbol.iterator),
    ];
    for (let i = 1000; i < 6000; i++) {
      cache.set(`k${i}`, sig(i)); // a new key: evicts the least recently used one
      cache.get(`k${i - 500}`);
    }
    for (const spy of iterations) expect(spy).not.toHaveBeenCalled();
    expect(cache.size).toBe(1000);
  });

  test("the entries kept and their order are exactly those of a least-recently-used list (model check)", () => {
    const op = fc.oneof(
      fc.record({ set: fc.integer({ min: 0, max: 12 }), n: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ get: fc.integer({ min: 0, max: 12 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(op, { maxLength: 80 }), (capacity, ops) => {
        const cache = new SignatureCache(capacity, 8);
        let model: { key: string; n: number }[] = []; // most recent first
        for (const o of ops) {
          if ("set" in o) {
            const key = `k${o.set}`;
            cache.set(key, sig(o.n));
            model = [{ key, n: o.n }, ...model.filter((e) => e.key !== key)].slice(0, capacity);
          } else {
            const key = `k${o.get}`;
            const got = cache.get(key);
            const hit = model.find((e) => e.key === key);
            expect(got === undefined ? undefined : got[0]).toBe(hit?.n);
            if (hit !== undefined) model = [hit, ...model.filter((e) => e !== hit)];
          }
          expect(cache.keysByRecency()).toEqual(model.map((e) => e.key));
          expect(cache.size).toBe(model.length);
        }
      }),
      { numRuns: 300 },
    );
  });

  test("a signature is copied in: later changes to the caller's bytes do not reach the cache", () => {
    const cache = new SignatureCache(4, 72);
    const big = new Uint8Array(1000).fill(7);
    const view = big.subarray(10, 80); // 70 bytes, a view into a larger buffer
    cache.set("a", view);
    big.fill(9);
    const got = cache.get("a")!;
    expect(got.length).toBe(70);
    expect(got.buffer).not.toBe(big.buffer);
    expect([...got].every((b) => b === 7)).toBe(true);
  });

  test("copyTo writes the signature at the offset and returns its length, or -1 and writes nothing", () => {
    const cache = new SignatureCache(4, 72);
    cache.set("a", sig(5, 71));
    const target = new Uint8Array(200).fill(1);
    expect(cache.copyTo("a", target, 100)).toBe(71);
    expect(target[99]).toBe(1);
    expect(target.subarray(100, 171).every((b) => b === 5)).toBe(true);
    expect(target[171]).toBe(1);
    expect(cache.copyTo("missing", target, 0)).toBe(-1);
    expect(target[0]).toBe(1);
  });

  test("a slot reused after eviction holds the new signature only (a shorter one after a longer one)", () => {
    const cache = new SignatureCache(1, 72);
    cache.set("long", sig(1, 72));
    cache.set("short", sig(2, 64)); // evicts "long", same slot
    expect(cache.get("long")).toBeUndefined();
    const got = cache.get("short")!;
    expect(got.length).toBe(64);
    expect(got.every((b) => b === 2)).toBe(true);
  });

  test("a signature longer than the slot size is not cached", () => {
    const cache = new SignatureCache(4, 72);
    cache.set("rsa", sig(1, 256));
    expect(cache.get("rsa")).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
