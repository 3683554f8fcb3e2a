/**
 * What the three bulk input readers (./lines.ts, ./json-array.ts, ./csv.ts)
 * share: the record they yield, their options, and the byte helpers that keep
 * memory bounded. They read bytes, not text, so that invalid UTF-8 is refused
 * item by item (never replaced by U+FFFD) and so that anything copied to the
 * output (comments, other CSV fields) is copied byte for byte. No `node:`
 * imports: they run at the edge as well (Workers, Deno, Bun, browsers).
 *
 * @module
 */
import { CfSignError } from "../errors.ts";
import { DEFAULT_MAX_ITEM_BYTES, type BulkFrame } from "./frames.ts";

/**
 * One item of a bulk input, in input order.
 *
 * - `url`: a URL to sign; {@link BulkUrlRecord.render} writes the result back in the input's shape.
 * - `pass`: bytes copied to the output unchanged (a blank line, a comment, the CSV header).
 * - `bad`: an item that cannot be signed at all (too long, not UTF-8, a CSV row with no URL);
 *   `render(undefined)` writes its empty place.
 */
export type BulkRecord = BulkUrlRecord | BulkPassRecord | BulkBadRecord;

/** A URL to sign. */
export interface BulkUrlRecord {
  readonly kind: "url";
  /** The URL, with surrounding white space removed. */
  readonly url: string;
  /** Where it starts in the input, counted from 1. */
  readonly line: number;
  /**
   * The output for this item: the signed URL in the input's shape, or its empty place (an empty
   * line, `null` in a JSON array, an empty CSV field) when `signed` is `undefined`.
   */
  render(signed: string | undefined): string | Uint8Array;
}

/** Bytes copied to the output unchanged. */
export interface BulkPassRecord {
  readonly kind: "pass";
  readonly bytes: Uint8Array;
}

/** An item that cannot be signed; its place in the output is left empty. */
export interface BulkBadRecord {
  readonly kind: "bad";
  /** Where it starts in the input, counted from 1. */
  readonly line: number;
  /**
   * Why, with a code: `URL_TOO_LONG` (longer than {@link BulkReadOptions.maxUrlBytes}; the rest of
   * it was skipped unread into memory), `INVALID_UTF8` (its bytes are not UTF-8), `INVALID_URL` (a
   * CSV row with an empty URL field). The message never holds the item's text.
   */
  readonly error: CfSignError;
  /** The item's empty place in the output (call with `undefined`). */
  render(signed: undefined): string | Uint8Array;
}

/** Options of every bulk reader. */
export interface BulkReadOptions {
  /**
   * The most bytes one item may take in the input (a line, a JSON string literal with its quotes
   * and escapes, a CSV field). A longer item is reported as `URL_TOO_LONG` and skipped without
   * being held in memory. Default {@link DEFAULT_MAX_ITEM_BYTES}: twice CloudFront's 8,192-byte
   * URL limit, so white space or JSON escapes around a URL that fits never matter.
   */
  readonly maxUrlBytes?: number | undefined;
}

export { DEFAULT_MAX_ITEM_BYTES };

export type { BulkFrame };

/** @internal The limit of `options`, checked. */
export function maxItemBytes(options: BulkReadOptions | undefined): number {
  const max = options?.maxUrlBytes ?? DEFAULT_MAX_ITEM_BYTES;
  if (!Number.isInteger(max) || max < 1)
    throw new CfSignError("INVALID_ARGUMENT", "maxUrlBytes must be a positive integer");
  return max;
}

/** @internal A malformed input (not a JSON array of strings, CSV without its column). */
export function inputError(message: string): CfSignError {
  return new CfSignError("INVALID_INPUT_FORMAT", message);
}

/** @internal The error of an item longer than the limit. */
export function tooLong(what: string, max: number): CfSignError {
  return new CfSignError(
    "URL_TOO_LONG",
    `the ${what} is longer than ${max.toLocaleString("en-US")} bytes; CloudFront accepts URLs of at most 8,192 bytes (the rest was skipped)`,
  );
}

/** @internal The error of an item that is not UTF-8. */
export function notUtf8(what: string): CfSignError {
  return new CfSignError(
    "INVALID_UTF8",
    `the ${what} is not valid UTF-8; fix the input's encoding (it was not signed: a replacement character would sign a URL that is not in the input)`,
  );
}

const fatal = /* @__PURE__ */ new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lenient = /* @__PURE__ */ new TextDecoder("utf-8", { ignoreBOM: true });
const encoder = /* @__PURE__ */ new TextEncoder();

/** @internal `bytes` as text, or `undefined` when they are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! >= 0x80) {
      try {
        return fatal.decode(bytes);
      } catch {
        return undefined;
      }
    }
  }
  return latin1(bytes);
}

/** @internal `bytes` as text, invalid sequences replaced (only for names, never for URLs). */
export function decodeLenient(bytes: Uint8Array): string {
  return lenient.decode(bytes);
}

/** @internal UTF-8 bytes of `text`. */
export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** ASCII bytes as a string, without TextDecoder's per-call cost for short lines. */
function latin1(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 8192)
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]);
  return s;
}

/** @internal The pieces joined into one array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** @internal A growable byte buffer. */
export class ByteBuilder {
  #buf = new Uint8Array(256);
  #len = 0;

  get length(): number {
    return this.#len;
  }

  append(bytes: Uint8Array): void {
    const need = this.#len + bytes.length;
    if (need > this.#buf.length) {
      const grown = new Uint8Array(Math.max(need, this.#buf.length * 2));
      grown.set(this.#buf.subarray(0, this.#len));
      this.#buf = grown;
    }
    this.#buf.set(bytes, this.#len);
    this.#len = need;
  }

  /** The bytes so far (a copy), and empties the builder. */
  take(): Uint8Array {
    const out = this.#buf.slice(0, this.#len);
    this.clear();
    return out;
  }

  /** The bytes so far, without copying (valid until the next change). */
  view(): Uint8Array {
    return this.#buf.subarray(0, this.#len);
  }

  clear(): void {
    this.#len = 0;
    // A builder that held a long item gives its memory back.
    if (this.#buf.length > 1 << 16) this.#buf = new Uint8Array(256);
  }
}

/**
 * @internal The chunks without a leading UTF-8 byte order mark (EF BB BF), which
 * is not part of the first item.
 */
export async function* withoutBom(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let head: Uint8Array = new Uint8Array(0);
  let checked = false;
  for await (const chunk of chunks) {
    if (checked) {
      yield chunk;
      continue;
    }
    head = head.length === 0 ? chunk : concatBytes([head, chunk]);
    if (head.length < 3 && head.every((b, i) => b === BOM[i])) continue;
    checked = true;
    yield head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? head.subarray(3) : head;
  }
  // Fewer than three bytes, all a prefix of the mark: not a mark, just the input.
  if (!checked && head.length > 0) yield head;
}

const BOM = [0xef, 0xbb, 0xbf];
