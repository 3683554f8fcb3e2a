/**
 * The WebAssembly hot path: the same bytes as `jsHotPath` (./js.ts), computed
 * by the module built from assembly/.
 *
 * Boundary: only numbers cross it. This file owns every byte of linear memory
 * from the module's `heapBase()` up; each call lays out, from there,
 * 8-aligned: a table of rows (assembly/layout.ts, read here from the generated
 * ./layout.generated.ts, so the offsets cannot drift apart), a u32 array of string
 * lengths, a u32 array of output offsets, the UTF-8 of all input strings (one
 * `TextEncoder.encodeInto` per ~1 MiB of text, not one per string), any binary
 * inputs, then the output. A batch costs a constant number of calls (lengths,
 * size, write). Memory grows on demand and never shrinks; typed-array views are
 * rebuilt after every growth, because growth detaches the old `ArrayBuffer`.
 * Results are copies, never views into linear memory.
 *
 * This file instantiates the module and holds base64 and `rewriteLines`; the
 * views and string packing are in ./wasm-memory.ts, the policy and URL tables
 * in ./wasm-tables.ts.
 *
 * @module
 */
import {
  REWRITE_FLAG_WORDS,
  RewriteIntoTooSmall,
  rewriteBound,
  type HotPath,
  type RewriteOutput,
  type RewritePlan,
} from "./types.ts";
import {
  R_FLAGGED_COUNT,
  R_KEEP_COMMENTS,
  R_MAX_URL_BYTES,
  R_OPTIONS,
  R_PREFIX_LEN,
  R_PREFIX_PTR,
  R_QUERY_LEN,
  R_QUERY_PTR,
  R_SCAN_FROM,
  R_SIZE,
} from "./layout.generated.ts";
import { align8, decoder, encoder, Heap, StringPacker, type WasmContext, type WasmExports } from "./wasm-memory.ts";
import { assembleUrls, serializePolicies } from "./wasm-tables.ts";

const EXPORTED_FUNCTIONS = [
  "heapBase",
  "utf8Lengths",
  "policiesSize",
  "policiesWrite",
  "urlsSize",
  "urlsWrite",
  "base64Encode",
  "base64Decode",
  "countLines",
  "rewriteLines",
] as const;

/**
 * Instantiates the cfsign module and returns a hot path over it. One instance
 * serves every call (calls are synchronous and never re-enter), so create one
 * per signer, not per batch.
 *
 * @param module - the compiled cfsign module (see ./load.ts for where each entry gets it)
 * @returns a {@link HotPath} whose output is byte for byte that of `jsHotPath`.
 * @throws {TypeError} (as a rejection) if `module` is not the cfsign module.
 * @throws {RangeError} from the returned functions: when an epoch is not an
 *   integer from 0 to 2^53 (outside that range the WASM side could not print it
 *   as JavaScript does), or when a batch would need more than 4 GiB of memory.
 * @example
 * ```ts
 * const hotPath = await createWasmHotPath(await WebAssembly.compile(bytes));
 * const [policy] = hotPath.serializePolicies([{ resource: "https://d.example/a", expires: 1767225600 }]);
 * ```
 */
export async function createWasmHotPath(module: WebAssembly.Module): Promise<HotPath> {
  return fromInstance(await WebAssembly.instantiate(module, {}));
}

/**
 * {@link createWasmHotPath}, instantiating synchronously: for Node, where the
 * main thread may (a browser's refuses a module this size).
 *
 * @param module - the compiled cfsign module
 * @returns the hot path
 * @throws {TypeError} if `module` is not the cfsign module
 */
export function createWasmHotPathSync(module: WebAssembly.Module): HotPath {
  return fromInstance(new WebAssembly.Instance(module, {}));
}

function fromInstance(instance: WebAssembly.Instance): HotPath {
  const exports = instance.exports as unknown as WasmExports;
  if (
    !(exports.memory instanceof WebAssembly.Memory) ||
    EXPORTED_FUNCTIONS.some((name) => typeof exports[name] !== "function")
  ) {
    throw new TypeError("createWasmHotPath: not the cfsign WebAssembly module");
  }
  return wasmHotPath(exports);
}

function wasmHotPath(wasm: WasmExports): HotPath {
  const heap = new Heap(wasm.memory);
  const base = align8(wasm.heapBase() >>> 0);
  const ctx: WasmContext = { wasm, heap, base, strings: new StringPacker(wasm, heap) };

  function encodeBase64(bytes: Uint8Array): string {
    const n = bytes.length;
    const src = base;
    const dst = src + n;
    heap.reserve(dst + Math.ceil(n / 3) * 4);
    heap.u8.set(bytes, src);
    const len = wasm.base64Encode(src, n, dst) >>> 0;
    return decoder.decode(heap.u8.subarray(dst, dst + len));
  }

  function decodeBase64(text: string): Uint8Array | null {
    const n = text.length;
    if (n % 4 !== 0) return null;
    const src = base;
    const dst = src + n;
    heap.reserve(dst + (n / 4) * 3);
    // Capacity n: the text fits only if it is all ASCII, and any other character
    // is outside the alphabet anyway.
    const { read, written } = encoder.encodeInto(text, heap.u8.subarray(src, dst));
    if (read !== n || written !== n) return null;
    const len = wasm.base64Decode(src, n, dst);
    return len < 0 ? null : heap.u8.slice(dst, dst + len);
  }

  /**
   * Two calls whatever the input size: count lines (to size the output), then rewrite. The result
   * leaves linear memory in one copy: to a new buffer, or with `into` to the caller's.
   */
  function rewriteLines(input: Uint8Array, plan: RewritePlan, into?: Uint8Array): RewriteOutput {
    const n = input.length;
    const src = base;
    heap.reserve(src + n);
    heap.u8.set(input, src);
    const lines = wasm.countLines(src, n) >>> 0;
    const bound = rewriteBound(n, lines, plan.query.length);
    if (into !== undefined && into.length < bound) throw new RewriteIntoTooSmall(bound, into.length);
    const prefix = align8(src + n);
    const query = prefix + plan.prefix.length;
    const settings = align8(query + plan.query.length);
    const flagged = align8(settings + R_SIZE);
    const out = flagged + lines * REWRITE_FLAG_WORDS * 4;
    heap.reserve(out + bound);
    const { u8, u32 } = heap;
    for (const [text, at, what] of [
      [plan.prefix, prefix, "prefix"],
      [plan.query, query, "query"],
    ] as const) {
      const { read, written } = encoder.encodeInto(text, u8.subarray(at, at + text.length));
      if (read !== text.length || written !== text.length) throw new RangeError(`rewriteLines: ${what} must be ASCII`);
    }
    u32[(settings + R_PREFIX_PTR) >>> 2] = prefix;
    u32[(settings + R_PREFIX_LEN) >>> 2] = plan.prefix.length;
    u32[(settings + R_SCAN_FROM) >>> 2] = plan.scanFrom;
    u32[(settings + R_QUERY_PTR) >>> 2] = query;
    u32[(settings + R_QUERY_LEN) >>> 2] = plan.query.length;
    u32[(settings + R_MAX_URL_BYTES) >>> 2] = plan.maxUrlBytes;
    u32[(settings + R_OPTIONS) >>> 2] = plan.keepComments ? R_KEEP_COMMENTS : 0;
    const total = wasm.rewriteLines(src, n, settings, out, flagged) >>> 0;
    const words = heap.u32[(settings + R_FLAGGED_COUNT) >>> 2]! * REWRITE_FLAG_WORDS;
    let bytes: Uint8Array;
    if (into === undefined) {
      bytes = heap.u8.slice(out, out + total);
    } else {
      into.set(heap.u8.subarray(out, out + total));
      bytes = into.subarray(0, total);
    }
    return {
      bytes,
      lines,
      flagged: heap.u32.slice(flagged / 4, flagged / 4 + words),
    };
  }

  return {
    name: "wasm",
    serializePolicies: (specs) => serializePolicies(ctx, specs),
    assembleUrls: (parts, suffix) => assembleUrls(ctx, parts, suffix),
    encodeBase64,
    decodeBase64,
    rewriteLines,
  };
}
