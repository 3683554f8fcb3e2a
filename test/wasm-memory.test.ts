/**
 * The WASM engine's memory handling: any batch size works (empty, around 64 KiB
 * page boundaries, several MiB), memory grows between and within calls with
 * views rebuilt, and results are copies that later calls cannot change.
 */
import { readFileSync } from "node:fs";
import { afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import { jsHotPath } from "../src/engine/js.js";
import type { HotPath, PolicySpec, UrlParts } from "../src/engine/types.js";
import { createWasmHotPath } from "../src/engine/wasm.js";
import { createHotPathLoader } from "../src/engine/load.js";
import { loadWasmModule } from "./helpers/wasm.js";

const PAGE = 65536;
const EXPIRES = 1767225600;
const HOST = "https://d111111abcdef8.cloudfront.net";

let module: WebAssembly.Module;
let shared: HotPath;
beforeAll(async () => {
  module = await loadWasmModule();
  shared = await createWasmHotPath(module);
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** A hot path on a new instance, whose memory starts at its initial size. */
const fresh = (): Promise<HotPath> => createWasmHotPath(module);

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

/** Deterministic pseudo-random bytes. */
function bytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x;
  }
  return out;
}

function samePolicies(w: HotPath, specs: readonly PolicySpec[]): void {
  const got = w.serializePolicies(specs);
  const want = jsHotPath.serializePolicies(specs);
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (hex(got[i]!) !== hex(want[i]!)) expect.fail(`policy ${i} differs`);
  }
}

function sameUrls(w: HotPath, parts: readonly UrlParts[], suffix: string): void {
  const got = w.assembleUrls(parts, suffix);
  const want = jsHotPath.assembleUrls(parts, suffix);
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (got[i] !== want[i]) expect.fail(`URL ${i} differs`);
  }
}

describe("empty input", () => {
  test("every function accepts empty input", () => {
    expect(shared.serializePolicies([])).toEqual([]);
    expect(shared.assembleUrls([], "&Key-Pair-Id=K")).toEqual([]);
    expect(shared.encodeBase64(new Uint8Array(0))).toBe("");
    expect(shared.decodeBase64("")).toEqual(new Uint8Array(0));
  });

  test("empty strings and byte arrays inside a batch", () => {
    samePolicies(shared, [
      { resource: "", expires: 0, ipAddress: "", starts: 0 },
      { resource: "", expires: 1 },
    ]);
    sameUrls(
      shared,
      [
        { url: "", expires: 0, signature: new Uint8Array(0) },
        { url: "", policy: new Uint8Array(0), signature: new Uint8Array(0) },
      ],
      "",
    );
  });
});

describe("page boundaries", () => {
  const sizes: number[] = [];
  for (const pages of [1, 2, 3]) for (let d = -4; d <= 4; d++) sizes.push(pages * PAGE + d);

  test.each(sizes)("base64 of %i bytes on a fresh instance", async (n) => {
    const w = await fresh();
    const input = bytes(n, n);
    const encoded = w.encodeBase64(input);
    expect(encoded).toBe(jsHotPath.encodeBase64(input));
    expect(hex(w.decodeBase64(encoded)!)).toBe(hex(input));
  });

  test.each(sizes)("decoding %i characters on a fresh instance", async (n) => {
    const w = await fresh();
    const t = "A".repeat(n);
    const js = jsHotPath.decodeBase64(t);
    const got = w.decodeBase64(t);
    expect(got === null ? null : hex(got)).toBe(js === null ? null : hex(js));
  });

  test.each(sizes)("policy with a %i-byte resource on a fresh instance", async (n) => {
    samePolicies(await fresh(), [{ resource: "a".repeat(n), expires: EXPIRES }]);
    samePolicies(await fresh(), [
      { resource: "\n".repeat(Math.floor(n / 6)), expires: EXPIRES, ipAddress: "é".repeat(Math.floor(n / 4)) },
    ]);
  });

  test.each(sizes)("URL batch totalling about %i bytes on a fresh instance", async (n) => {
    const count = Math.max(1, Math.floor(n / 400));
    const parts: UrlParts[] = [];
    for (let i = 0; i < count; i++)
      parts.push({ url: `${HOST}/${"p".repeat(i % 50)}`, expires: EXPIRES + i, signature: bytes(256, i + 1) });
    sameUrls(await fresh(), parts, "&Key-Pair-Id=K2JCJMDEHXQW5F");
  });

  test("every table and string size across the first page boundary", async () => {
    const w = await fresh();
    // Grow the batch one row at a time so each region's end crosses 64 KiB somewhere.
    const specs: PolicySpec[] = [];
    for (let i = 0; i < 700; i++) {
      specs.push({ resource: `${HOST}/${"x".repeat(i % 97)}`, expires: EXPIRES + i, ...(i % 3 ? { starts: i } : {}) });
      if (i % 7 === 0) samePolicies(w, specs);
    }
  });
});

describe("large input", () => {
  test("100,000 canned policies and URLs in one batch each", () => {
    const specs: PolicySpec[] = [];
    const parts: UrlParts[] = [];
    const signature = bytes(72);
    for (let i = 0; i < 100_000; i++) {
      const url = `${HOST}/videos/${i}/segment-${i % 977}.ts${i % 5 ? "" : "?v=2"}`;
      specs.push({ resource: url, expires: EXPIRES + i });
      parts.push({ url, expires: EXPIRES + i, signature });
    }
    samePolicies(shared, specs);
    sameUrls(shared, parts, "&Key-Pair-Id=K2JCJMDEHXQW5F&Hash-Algorithm=SHA256");
  });

  test("non-ASCII text spread over several encodeInto chunks", () => {
    const specs: PolicySpec[] = [];
    const parts: UrlParts[] = [];
    for (let i = 0; i < 30_000; i++) {
      const resource = `${HOST}/${i % 3 ? "é" : "😀"}/${"ü".repeat(i % 40)}/${i}\u0001"`;
      specs.push({ resource, expires: EXPIRES, ipAddress: i % 2 ? "ü" : "192.0.2.0/24" });
      parts.push({ url: resource, policy: bytes(i % 200, i + 1), signature: bytes(72, i + 7) });
    }
    samePolicies(shared, specs);
    sameUrls(shared, parts, "&Key-Pair-Id=Kü😀");
  });

  test("several-MiB single items", async () => {
    const w = await fresh();
    const big = bytes(5 * 1024 * 1024 + 1);
    const encoded = w.encodeBase64(big);
    expect(encoded).toBe(jsHotPath.encodeBase64(big));
    expect(hex(w.decodeBase64(encoded)!)).toBe(hex(big));
    // Control characters expand sixfold.
    samePolicies(w, [
      {
        resource: "\u0001".repeat(1024 * 1024) + "😀".repeat(300_000),
        expires: EXPIRES,
        ipAddress: '"'.repeat(500_000),
      },
    ]);
    sameUrls(
      w,
      [{ url: `${HOST}/${"é".repeat(2 * 1024 * 1024)}?q`, policy: big, signature: bytes(256) }],
      "&Key-Pair-Id=K",
    );
  });
});

describe("growth and ownership", () => {
  test("memory grows between calls and views are rebuilt", async () => {
    const grow = vi.spyOn(WebAssembly.Memory.prototype, "grow");
    const w = await fresh();
    const small = [{ resource: `${HOST}/a`, expires: EXPIRES }];
    samePolicies(w, small);
    const before = grow.mock.calls.length;
    samePolicies(w, [{ resource: "a".repeat(3 * PAGE), expires: EXPIRES }]);
    expect(grow.mock.calls.length).toBeGreaterThan(before);
    // After growth, the same instance must keep working through new views.
    samePolicies(w, small);
    sameUrls(w, [{ url: `${HOST}/a`, expires: EXPIRES, signature: bytes(256) }], "&Key-Pair-Id=K");
    expect(w.encodeBase64(bytes(10))).toBe(jsHotPath.encodeBase64(bytes(10)));
  });

  test("memory grows within a call, between writing the input and the output", async () => {
    const grow = vi.spyOn(WebAssembly.Memory.prototype, "grow");
    const w = await fresh();
    // Small input, output six times larger: the input fits, the output does not.
    samePolicies(w, [{ resource: "\u0000".repeat(PAGE / 2), expires: EXPIRES }]);
    expect(grow).toHaveBeenCalled();
  });

  test("results are copies: later calls do not change them, and changing them does not reach WASM", async () => {
    const w = await fresh();
    const first = w.serializePolicies([
      { resource: "first", expires: 1 },
      { resource: "second", expires: 2 },
    ]);
    const firstHex = first.map(hex);
    const decoded = w.decodeBase64("AQID")!;
    w.serializePolicies([{ resource: "z".repeat(4 * PAGE), expires: 9 }]);
    w.decodeBase64("_____".slice(1));
    expect(first.map(hex)).toEqual(firstHex);
    expect(Array.from(decoded)).toEqual([1, 2, 3]);
    // One fresh buffer per batch, sized to the batch: not linear memory.
    expect(first[0]!.buffer).toBe(first[1]!.buffer);
    expect(first[0]!.buffer.byteLength).toBe(first[0]!.length + first[1]!.length);
    first[0]!.fill(0);
    samePolicies(w, [{ resource: "first", expires: 1 }]);
  });

  test("out-of-contract epochs throw RangeError and leave the instance usable", async () => {
    const w = await fresh();
    for (const bad of [1.5, -1, Number.NaN, Infinity, 2 ** 53 + 2]) {
      expect(() => w.serializePolicies([{ resource: "r", expires: bad }])).toThrow(RangeError);
      expect(() => w.serializePolicies([{ resource: "r", expires: 1, starts: bad }])).toThrow(RangeError);
      expect(() => w.assembleUrls([{ url: "u", expires: bad, signature: new Uint8Array(1) }], "")).toThrow(RangeError);
    }
    expect(() => w.assembleUrls([{ url: "u", signature: new Uint8Array(1) }], "")).toThrow(RangeError);
    samePolicies(w, [{ resource: "r", expires: 2 ** 53 }]);
  });

  test("a loader instantiates the module once and every signer of the entry shares it; a failed load is retried", async () => {
    let calls = 0;
    const load = createHotPathLoader(() => {
      calls++;
      return Promise.resolve(module);
    });
    const [a, b] = await Promise.all([load("wasm"), load("wasm")]);
    expect(a).toBe(b);
    expect(await load("wasm")).toBe(a);
    expect(calls).toBe(1);

    let attempts = 0;
    const flaky = createHotPathLoader(() =>
      ++attempts === 1 ? Promise.reject(new Error("first")) : Promise.resolve(module),
    );
    await expect(flaky("wasm")).rejects.toMatchObject({ code: "ENGINE_FAILURE" });
    expect((await flaky("wasm")).name).toBe("wasm");
    expect(attempts).toBe(2);
  });
});

describe("the row layout", () => {
  test("src/engine/layout.generated.ts holds exactly the constants of assembly/layout.ts, with the same values", async () => {
    const source = readFileSync(new URL("../assembly/layout.ts", import.meta.url), "utf8");
    const expected: Record<string, number> = {};
    for (const m of source.matchAll(/^export const (\w+): \w+ = (\d+);/gm)) expected[m[1]!] = Number(m[2]);
    expect(Object.keys(expected).length).toBeGreaterThan(20);
    expect({ ...(await import("../src/engine/layout.generated.js")) }).toEqual(expected);
  });

  test("the WebAssembly rewriteLines export takes five numbers (input, length, settings row, output, flagged), not twelve", async () => {
    const instance = await WebAssembly.instantiate(await loadWasmModule(), {});
    expect((instance.exports.rewriteLines as (...args: number[]) => number).length).toBe(5);
  });
});
