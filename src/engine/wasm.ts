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
 * @module
 */
import {
  REWRITE_FLAG_WORDS,
  RewriteIntoTooSmall,
  rewriteBound,
  type HotPath,
  type PolicySpec,
  type RewriteOutput,
  type RewritePlan,
  type UrlParts,
} from "./types.ts";
import {
  P_EXPIRES,
  P_FLAGS,
  P_HAS_IP,
  P_HAS_STARTS,
  P_IP_LEN,
  P_IP_PTR,
  P_RESOURCE_LEN,
  P_RESOURCE_PTR,
  P_STARTS,
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
  ROW_SIZE,
  U_EXPIRES,
  U_FLAGS,
  U_HAS_POLICY,
  U_POLICY_LEN,
  U_POLICY_PTR,
  U_SIGNATURE_LEN,
  U_SIGNATURE_PTR,
  U_URL_LEN,
  U_URL_PTR,
} from "./layout.generated.ts";

/** The module's exports (assembly/index.ts). `usize` results arrive as signed i32: use `>>> 0`. */
interface WasmExports {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  utf8Lengths(text: number, textLen: number, lens: number, count: number): number;
  policiesSize(table: number, count: number): number;
  policiesWrite(table: number, count: number, out: number, offsets: number): number;
  urlsSize(table: number, count: number, suffixLen: number): number;
  urlsWrite(table: number, count: number, suffix: number, suffixLen: number, out: number, offsets: number): number;
  base64Encode(src: number, n: number, dst: number): number;
  base64Decode(src: number, n: number, dst: number): number;
  countLines(input: number, n: number): number;
  rewriteLines(input: number, n: number, settings: number, out: number, flagged: number): number;
}

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

const PAGE = 65536;
/** A 32-bit memory addresses at most 65,536 pages (4 GiB). */
const MAX_PAGES = 65536;
/** Text handed to one `encodeInto`: large enough to amortise the call, small enough to avoid huge flattened strings. */
const CHUNK_CHARS = 1 << 20;

const encoder = /* @__PURE__ */ new TextEncoder();
const decoder = /* @__PURE__ */ new TextDecoder();

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

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

/** Typed-array views of linear memory that stay valid across growth. */
class Heap {
  u8!: Uint8Array;
  u32!: Uint32Array;
  f64!: Float64Array;

  constructor(private readonly memory: WebAssembly.Memory) {
    this.refresh();
  }

  /** Makes bytes `[0, end)` addressable, growing memory if needed, and returns with fresh views. */
  reserve(end: number): void {
    if (this.u8.buffer !== this.memory.buffer) this.refresh();
    if (end <= this.u8.byteLength) return;
    const have = this.u8.byteLength / PAGE;
    const need = Math.ceil(end / PAGE);
    if (need > MAX_PAGES) {
      throw new RangeError(`cfsign wasm engine: batch needs ${end} bytes of memory, more than WebAssembly's 4 GiB`);
    }
    try {
      // Doubling keeps the number of grow calls (and copies) logarithmic.
      this.memory.grow(Math.min(Math.max(need, have * 2), MAX_PAGES) - have);
    } catch {
      try {
        this.memory.grow(need - have);
      } catch (cause) {
        throw new RangeError(`cfsign wasm engine: could not grow memory to ${end} bytes`, {
          cause,
        });
      }
    }
    this.refresh();
  }

  private refresh(): void {
    const buffer = this.memory.buffer;
    this.u8 = new Uint8Array(buffer);
    this.u32 = new Uint32Array(buffer);
    this.f64 = new Float64Array(buffer);
  }
}

/** Largest epoch printed identically by both engines: every integer up to 2^53 is exact as f64 and as u64. */
const MAX_EPOCH = 2 ** 53;

function checkEpoch(value: number, index: number, field: string): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_EPOCH) {
    throw new RangeError(`item ${index}: ${field} must be an integer from 0 to 2^53`);
  }
  return value;
}

function wasmHotPath(wasm: WasmExports): HotPath {
  const heap = new Heap(wasm.memory);
  const base = align8(wasm.heapBase() >>> 0);

  // String packing state: strings are appended to `chunk` and written with one
  // encodeInto per chunk; `lens` receives each string's UTF-16 length, which
  // utf8Lengths turns into UTF-8 byte lengths unless everything was ASCII.
  let lensAt = 0;
  let count = 0;
  let textAt = 0;
  let textEnd = 0;
  let ascii = true;
  let chunk = "";

  function beginStrings(lens: number, text: number): void {
    lensAt = lens / 4;
    count = 0;
    textAt = textEnd = text;
    ascii = true;
    chunk = "";
  }

  function addString(s: string): void {
    heap.u32[lensAt + count++] = s.length;
    chunk += s;
    if (chunk.length >= CHUNK_CHARS) flushStrings();
  }

  function flushStrings(): void {
    if (chunk.length === 0) return;
    // A UTF-16 unit never takes more than 3 UTF-8 bytes (a pair takes 4 for 2 units).
    const capacity = chunk.length * 3;
    heap.reserve(textEnd + capacity);
    const { written } = encoder.encodeInto(chunk, heap.u8.subarray(textEnd, textEnd + capacity));
    ascii &&= written === chunk.length;
    textEnd += written;
    chunk = "";
  }

  /** Finishes packing; afterwards `heap.u32[lensAt + k]` is the UTF-8 length of string k. */
  function endStrings(): number {
    flushStrings();
    if (!ascii) wasm.utf8Lengths(textAt, textEnd - textAt, lensAt * 4, count);
    return textEnd;
  }

  function serializePolicies(specs: readonly PolicySpec[]): Uint8Array[] {
    const n = specs.length;
    if (n === 0) return [];
    const table = base;
    const lens = table + n * ROW_SIZE;
    const offsets = lens + 8 * n;
    const text = align8(offsets + 4 * (n + 1));
    heap.reserve(text);

    beginStrings(lens, text);
    for (let i = 0; i < n; i++) {
      const spec = specs[i]!;
      addString(spec.resource);
      addString(spec.ipAddress ?? "");
    }
    const out = endStrings();

    const { f64, u32 } = heap;
    let p = text;
    for (let i = 0, row = table, len = lens >>> 2; i < n; i++, row += ROW_SIZE, len += 2) {
      const spec = specs[i]!;
      let flags = 0;
      f64[(row + P_EXPIRES) >>> 3] = checkEpoch(spec.expires, i, "expires");
      if (spec.starts !== undefined) {
        flags |= P_HAS_STARTS;
        f64[(row + P_STARTS) >>> 3] = checkEpoch(spec.starts, i, "starts");
      }
      if (spec.ipAddress !== undefined) flags |= P_HAS_IP;
      const resourceLen = u32[len]!;
      const ipLen = u32[len + 1]!;
      u32[(row + P_FLAGS) >>> 2] = flags;
      u32[(row + P_RESOURCE_PTR) >>> 2] = p;
      u32[(row + P_RESOURCE_LEN) >>> 2] = resourceLen;
      u32[(row + P_IP_PTR) >>> 2] = p + resourceLen;
      u32[(row + P_IP_LEN) >>> 2] = ipLen;
      p += resourceLen + ipLen;
    }

    heap.reserve(out + wasm.policiesSize(table, n));
    const total = wasm.policiesWrite(table, n, out, offsets) >>> 0;
    const bytes = heap.u8.slice(out, out + total);
    const ends = heap.u32;
    const result = new Array<Uint8Array>(n);
    for (let i = 0, o = offsets / 4; i < n; i++, o++) {
      result[i] = bytes.subarray(ends[o]!, ends[o + 1]!);
    }
    return result;
  }

  function assembleUrls(parts: readonly UrlParts[], suffix: string): string[] {
    const n = parts.length;
    if (n === 0) return [];
    const table = base;
    const lens = table + n * ROW_SIZE;
    const offsets = lens + 4 * (n + 1);
    const text = align8(offsets + 4 * (n + 1));
    heap.reserve(text);

    let binaryLen = 0;
    beginStrings(lens, text);
    for (let i = 0; i < n; i++) {
      const part = parts[i]!;
      addString(part.url);
      binaryLen += part.signature.length + (part.policy?.length ?? 0);
    }
    addString(suffix);
    const binary = endStrings();
    const out = binary + binaryLen;
    heap.reserve(out);

    const { u8, u32, f64 } = heap;
    let p = text;
    let b = binary;
    for (let i = 0, row = table, len = lens >>> 2; i < n; i++, row += ROW_SIZE, len++) {
      const part = parts[i]!;
      const urlLen = u32[len]!;
      u32[(row + U_URL_PTR) >>> 2] = p;
      u32[(row + U_URL_LEN) >>> 2] = urlLen;
      p += urlLen;
      if (part.policy === undefined) {
        f64[(row + U_EXPIRES) >>> 3] = checkEpoch(part.expires as number, i, "expires");
        u32[(row + U_FLAGS) >>> 2] = 0;
      } else {
        u32[(row + U_FLAGS) >>> 2] = U_HAS_POLICY;
        u8.set(part.policy, b);
        u32[(row + U_POLICY_PTR) >>> 2] = b;
        u32[(row + U_POLICY_LEN) >>> 2] = part.policy.length;
        b += part.policy.length;
      }
      u8.set(part.signature, b);
      u32[(row + U_SIGNATURE_PTR) >>> 2] = b;
      u32[(row + U_SIGNATURE_LEN) >>> 2] = part.signature.length;
      b += part.signature.length;
    }
    const suffixLen = u32[lens / 4 + n]!;

    heap.reserve(out + wasm.urlsSize(table, n, suffixLen));
    const total = wasm.urlsWrite(table, n, p, suffixLen, out, offsets) >>> 0;
    const all = decoder.decode(heap.u8.subarray(out, out + total));
    const view = heap.u32;
    const result = new Array<string>(n);
    if (all.length === total) {
      for (let i = 0, o = offsets / 4; i < n; i++, o++) result[i] = all.slice(view[o], view[o + 1]);
    } else {
      // Not ASCII: convert byte offsets to UTF-16 offsets. Only the url and the
      // suffix can hold non-ASCII text, and their UTF-16 lengths are known.
      const suffixExtra = suffixLen - suffix.length;
      let start = 0;
      for (let i = 0, o = offsets / 4, len = lens / 4; i < n; i++, o++, len++) {
        const bytes = view[o + 1]! - view[o]!;
        const end = start + bytes - (view[len]! - parts[i]!.url.length) - suffixExtra;
        result[i] = all.slice(start, end);
        start = end;
      }
    }
    return result;
  }

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

  return { name: "wasm", serializePolicies, assembleUrls, encodeBase64, decodeBase64, rewriteLines };
}
