/**
 * A bulk input that is a JSON array of URL strings (RFC 8259), read as a
 * stream in bounded memory: `[`, strings separated by commas, `]`. Each string
 * is decoded by `JSON.parse` itself. A string longer than the limit is skipped
 * without being held in memory (`URL_TOO_LONG`); one whose bytes are not UTF-8
 * is `INVALID_UTF8`. Anything else that is not an array of strings fails the
 * whole input with `INVALID_INPUT_FORMAT`.
 *
 * @module
 */
import {
  ByteBuilder,
  decodeUtf8,
  inputError,
  maxItemBytes,
  notUtf8,
  tooLong,
  withoutBom,
  type BulkFrame,
  type BulkReadOptions,
  type BulkRecord,
} from "./bulk.ts";

const QUOTE = /* @__PURE__ */ new Uint8Array([34]);

export { JSON_ARRAY_FRAME } from "./frames.ts";

/**
 * Reads a JSON array of URL strings from a byte stream.
 *
 * @param chunks - the input's bytes in chunks of any size
 * @param options - the longest string held in memory
 * @returns the records in input order; write {@link JSON_ARRAY_FRAME}'s head, each record's
 *   `render`, then its tail, to get an array of the signed URLs
 * @throws {@link CfSignError} `INVALID_INPUT_FORMAT` when the input is not a JSON array of strings
 *   (the message names the line); records before the error have been yielded already
 * @example
 * ```ts
 * import { JSON_ARRAY_FRAME, readJsonArray } from "cfsign";
 * let out = JSON_ARRAY_FRAME.head;
 * for await (const r of readJsonArray(request.body)) {
 *   out += r.kind === "url" ? r.render(await signer.signUrl(r.url, { expires })) : r.kind === "bad" ? r.render(undefined) : "";
 * }
 * out += JSON_ARRAY_FRAME.tail;
 * ```
 */
export async function* readJsonArray(
  chunks: AsyncIterable<Uint8Array>,
  options?: BulkReadOptions,
): AsyncGenerator<BulkRecord> {
  const max = maxItemBytes(options);
  const bad = (line: number, what: string): Error =>
    inputError(`the JSON input is not an array of URL strings: ${what} on line ${line}`);
  const iterator = withoutBom(chunks)[Symbol.asyncIterator]();
  let chunk: Uint8Array = new Uint8Array(0);
  let pos = 0;
  let eof = false;
  /** Ensures an unread byte at `pos` (false at the end of the input). */
  const more = async (): Promise<boolean> => {
    while (pos >= chunk.length) {
      if (eof) return false;
      const next = await iterator.next();
      if (next.done === true) {
        eof = true;
        return false;
      }
      chunk = next.value;
      pos = 0;
    }
    return true;
  };
  let line = 1;
  const skipSpace = async (): Promise<boolean> => {
    for (;;) {
      if (!(await more())) return false;
      const c = chunk[pos]!;
      if (c === 10) line++;
      else if (c !== 32 && c !== 9 && c !== 13) return true;
      pos++;
    }
  };
  let state: "start" | "item" | "after" | "end" = "start";
  let items = 0;
  const literal = new ByteBuilder();
  for (;;) {
    if (!(await skipSpace())) {
      if (state === "end") return;
      throw bad(line, state === "start" ? "the input is empty" : "the input ends before the closing ]");
    }
    const c = chunk[pos]!;
    if (state === "end") throw bad(line, "there is more after the closing ]");
    if (state === "start") {
      if (c !== 91 /* [ */) throw bad(line, "it does not start with [");
      pos++;
      state = "item";
      if ((await skipSpace()) && chunk[pos] === 93 /* ] */) {
        pos++;
        state = "end";
      }
      continue;
    }
    if (state === "after") {
      if (c === 44 /* , */) state = "item";
      else if (c === 93) state = "end";
      else throw bad(line, "expected , or ] after an item");
      pos++;
      continue;
    }
    // state === "item": a string literal, read to its closing quote (perhaps across chunks).
    if (c !== 34 /* " */) throw bad(line, c === 93 && items > 0 ? "a comma before ]" : "an item that is not a string");
    const start = line;
    let overLimit = false;
    let escaped = false;
    let closed = false;
    literal.clear();
    literal.append(QUOTE);
    pos++;
    while (!closed) {
      if (!(await more())) throw bad(start, "a string that is never closed");
      const from = pos;
      let i = pos;
      for (; i < chunk.length; i++) {
        const b = chunk[i]!;
        if (escaped) escaped = false;
        else if (b === 92 /* \ */) escaped = true;
        else if (b === 34) {
          closed = true;
          break;
        } else if (b === 10) throw bad(line, "a string with a line break in it");
      }
      const end = closed ? i + 1 : i;
      if (!overLimit) {
        if (literal.length + (end - from) > max + 2) {
          overLimit = true;
          literal.clear();
        } else {
          literal.append(chunk.subarray(from, end));
        }
      }
      pos = end;
    }
    items++;
    const first = items === 1;
    const render = (signed: string | undefined): string =>
      (first ? "" : ",") + "\n  " + (signed === undefined ? "null" : JSON.stringify(signed));
    if (overLimit) {
      yield { kind: "bad", line: start, error: tooLong("string", max), render };
    } else {
      const text = decodeUtf8(literal.view());
      if (text === undefined) {
        yield { kind: "bad", line: start, error: notUtf8("string"), render };
      } else {
        let url: unknown;
        try {
          url = JSON.parse(text);
        } catch {
          throw bad(start, "a string with an invalid escape");
        }
        yield { kind: "url", url: url as string, line: start, render };
      }
    }
    state = "after";
  }
}
