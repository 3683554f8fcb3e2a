/**
 * Linear memory as the WASM hot path (./wasm.ts) uses it: the module's exports, typed-array views
 * that stay valid when memory grows ({@link Heap}), and the packing of many strings into UTF-8 with
 * one `TextEncoder.encodeInto` per ~1 MiB of text, not one per string ({@link StringPacker}).
 *
 * @module
 */

/** The module's exports (assembly/index.ts). `usize` results arrive as signed i32: use `>>> 0`. */
export interface WasmExports {
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

/** What every operation of the WASM hot path works with. */
export interface WasmContext {
  readonly wasm: WasmExports;
  readonly heap: Heap;
  /** The first byte JavaScript owns (the module's `heapBase()`, 8-aligned). */
  readonly base: number;
  readonly strings: StringPacker;
}

const PAGE = 65536;
/** A 32-bit memory addresses at most 65,536 pages (4 GiB). */
const MAX_PAGES = 65536;
/** Text handed to one `encodeInto`: large enough to amortise the call, small enough to avoid huge flattened strings. */
const CHUNK_CHARS = 1 << 20;

export const encoder = /* @__PURE__ */ new TextEncoder();
export const decoder = /* @__PURE__ */ new TextDecoder();

export const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/** Typed-array views of linear memory that stay valid across growth. */
export class Heap {
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

export function checkEpoch(value: number, index: number, field: string): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_EPOCH) {
    throw new RangeError(`item ${index}: ${field} must be an integer from 0 to 2^53`);
  }
  return value;
}

/**
 * Packs strings into linear memory: each is appended to a chunk written with one `encodeInto` per
 * chunk; `lens` receives each string's UTF-16 length, which `utf8Lengths` turns into UTF-8 byte
 * lengths unless everything was ASCII.
 */
export class StringPacker {
  private lensAt = 0;
  private count = 0;
  private textAt = 0;
  private textEnd = 0;
  private ascii = true;
  private chunk = "";

  constructor(
    private readonly wasm: WasmExports,
    private readonly heap: Heap,
  ) {}

  /** Starts packing: lengths at byte `lens`, text from byte `text`. */
  begin(lens: number, text: number): void {
    this.lensAt = lens / 4;
    this.count = 0;
    this.textAt = this.textEnd = text;
    this.ascii = true;
    this.chunk = "";
  }

  add(s: string): void {
    this.heap.u32[this.lensAt + this.count++] = s.length;
    this.chunk += s;
    if (this.chunk.length >= CHUNK_CHARS) this.flush();
  }

  private flush(): void {
    const chunk = this.chunk;
    if (chunk.length === 0) return;
    // A UTF-16 unit never takes more than 3 UTF-8 bytes (a pair takes 4 for 2 units).
    const capacity = chunk.length * 3;
    const heap = this.heap;
    heap.reserve(this.textEnd + capacity);
    const { written } = encoder.encodeInto(chunk, heap.u8.subarray(this.textEnd, this.textEnd + capacity));
    this.ascii &&= written === chunk.length;
    this.textEnd += written;
    this.chunk = "";
  }

  /** Finishes packing and returns the end of the text; afterwards `heap.u32[lens / 4 + k]` is the UTF-8 length of string k. */
  end(): number {
    this.flush();
    if (!this.ascii) this.wasm.utf8Lengths(this.textAt, this.textEnd - this.textAt, this.lensAt * 4, this.count);
    return this.textEnd;
  }
}
