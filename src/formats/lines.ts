/**
 * A bulk input of one URL per line, read as a stream in bounded memory. Blank
 * lines and lines whose first non-blank character is `#` are copied to the
 * output byte for byte (a comment of any length is copied in pieces); LF and
 * CRLF line ends are kept. A line longer than the limit is skipped without
 * being held in memory and reported as `URL_TOO_LONG`; a line that is not
 * valid UTF-8 is reported as `INVALID_UTF8`, never signed with U+FFFD in it.
 *
 * @module
 */
import {
  ByteBuilder,
  decodeUtf8,
  maxItemBytes,
  notUtf8,
  tooLong,
  withoutBom,
  type BulkFrame,
  type BulkReadOptions,
  type BulkRecord,
} from "./bulk.ts";

export { LINES_FRAME } from "./frames.ts";

/** Holding the line (it is within the limit so far). */
const KEEP = 0;
/** A long comment: copied to the output in pieces. */
const PASS = 1;
/** A long line that is not a comment: skipped to its end. */
const SKIP = 2;
type Mode = typeof KEEP | typeof PASS | typeof SKIP;

/**
 * Reads one URL per line from a byte stream (a file, standard input, a request body).
 *
 * @param chunks - the input's bytes in chunks of any size (a `ReadableStream<Uint8Array>` is
 *   async iterable in Node, Deno, Bun and Workers)
 * @param options - the longest line held in memory
 * @returns the records in input order; a URL record's `line` counts from 1
 * @throws {@link CfSignError} only what `chunks` throws
 * @example
 * ```ts
 * import { readLines } from "cfsign";
 * let out = "";
 * for await (const record of readLines(request.body)) {
 *   if (record.kind === "pass") continue;
 *   const signed = record.kind === "url" ? await signer.signUrl(record.url, { expires }) : undefined;
 *   out += record.render(signed);
 * }
 * ```
 */
export async function* readLines(
  chunks: AsyncIterable<Uint8Array>,
  options?: BulkReadOptions,
): AsyncGenerator<BulkRecord> {
  const max = maxItemBytes(options);
  const partial = new ByteBuilder();
  let mode: Mode = KEEP;
  let line = 0;
  let lastByte = -1;
  for await (const chunk of withoutBom(chunks)) {
    let at = 0;
    while (at < chunk.length) {
      const lf = chunk.indexOf(10, at);
      const end = lf === -1 ? chunk.length : lf;
      if (end > at) lastByte = chunk[end - 1]!;
      if (mode === KEEP) {
        if (partial.length + (end - at) <= max) {
          partial.append(chunk.subarray(at, end));
        } else if (isComment(partial.view(), chunk.subarray(at, end))) {
          mode = PASS;
          yield { kind: "pass", bytes: partial.take() };
          yield { kind: "pass", bytes: chunk.slice(at, end) };
        } else {
          mode = SKIP;
          partial.clear();
        }
      } else if (mode === PASS && end > at) {
        yield { kind: "pass", bytes: chunk.slice(at, end) };
      }
      if (lf === -1) break;
      line++;
      yield endOfLine(mode, partial, line, max, true, lastByte);
      mode = KEEP;
      lastByte = -1;
      at = lf + 1;
    }
  }
  if (partial.length > 0 || mode !== KEEP) yield endOfLine(mode, partial, line + 1, max, false, lastByte);
}

const LF = /* @__PURE__ */ new Uint8Array([10]);

function endOfLine(
  mode: Mode,
  partial: ByteBuilder,
  line: number,
  max: number,
  hasLf: boolean,
  lastByte: number,
): BulkRecord {
  if (mode === PASS) return { kind: "pass", bytes: hasLf ? LF : new Uint8Array(0) };
  if (mode === SKIP) {
    const terminator = hasLf ? (lastByte === 13 ? "\r\n" : "\n") : "";
    return { kind: "bad", line, error: tooLong("line", max), render: () => terminator };
  }
  let bytes = partial.view();
  let terminator = "";
  if (hasLf) {
    terminator = bytes.length > 0 && bytes[bytes.length - 1] === 13 ? "\r\n" : "\n";
    if (terminator === "\r\n") bytes = bytes.subarray(0, bytes.length - 1);
  }
  const text = decodeUtf8(bytes);
  if (text === undefined) {
    if (isComment(bytes, undefined)) return { kind: "pass", bytes: withTerminator(partial.take(), hasLf) };
    partial.clear();
    return { kind: "bad", line, error: notUtf8("line"), render: () => terminator };
  }
  const trimmed = text.trim();
  if (trimmed === "" || trimmed.startsWith("#")) return { kind: "pass", bytes: withTerminator(partial.take(), hasLf) };
  partial.clear();
  return { kind: "url", url: trimmed, line, render: (signed) => (signed ?? "") + terminator };
}

function withTerminator(bytes: Uint8Array, hasLf: boolean): Uint8Array {
  if (!hasLf) return bytes;
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  out[bytes.length] = 10;
  return out;
}

/** Whether the first byte that is not ASCII white space is `#`. */
function isComment(a: Uint8Array, b: Uint8Array | undefined): boolean {
  for (const part of b === undefined ? [a] : [a, b]) {
    for (const c of part) {
      if (c === 32 || c === 9 || c === 13 || c === 11 || c === 12) continue;
      return c === 35;
    }
  }
  return false;
}
