/**
 * A bulk input in CSV (RFC 4180), read as a stream in bounded memory: a header
 * row naming the columns, then records; a field may be quoted with `"`, a `""`
 * inside is one `"`, and a quoted field may span lines. Every field but the URL
 * is copied to the output byte for byte; the URL field is replaced by the
 * signed URL (quoted when it needs to be).
 *
 * A URL field longer than the limit is skipped without being held in memory
 * (`URL_TOO_LONG`); one that is not UTF-8 is `INVALID_UTF8`; a row with an
 * empty URL field is `INVALID_URL`. A record whose other fields together pass
 * {@link CsvReadOptions.maxRecordBytes} fails the input (they would have to be
 * held to be copied).
 *
 * @module
 */
import { CfSignError } from "../errors.ts";
import {
  ByteBuilder,
  concatBytes,
  decodeLenient,
  decodeUtf8,
  encodeUtf8,
  inputError,
  maxItemBytes,
  notUtf8,
  tooLong,
  withoutBom,
  type BulkFrame,
  type BulkReadOptions,
  type BulkRecord,
} from "./bulk.ts";
import { quoteCsv } from "./frames.ts";

export { CSV_FRAME, quoteCsv } from "./frames.ts";

/** Options of {@link readCsv}. */
export interface CsvReadOptions extends BulkReadOptions {
  /** The header name of the column holding the URLs, compared without case. Default `url`. */
  readonly column?: string | undefined;
  /** The most bytes of one record, the URL field aside. Default 1 MiB. */
  readonly maxRecordBytes?: number | undefined;
}

const FIELD_START = 0;
const UNQUOTED = 1;
const UNQUOTED_CR = 2;
const QUOTED = 3;
const QUOTE_SEEN = 4;
const QUOTE_CR = 5;

const COMMA = /* @__PURE__ */ new Uint8Array([44]);
const CR = /* @__PURE__ */ new Uint8Array([13]);

/**
 * Reads CSV with a URL column from a byte stream.
 *
 * @param chunks - the input's bytes in chunks of any size
 * @param options - the URL column's name and the size limits
 * @returns the records in input order: the header row as a `pass` record, then one record per row
 * @throws {@link CfSignError} `INVALID_INPUT_FORMAT` for an empty input, a header without the column,
 *   a quoted field never closed, text after a closing quote, or a record over `maxRecordBytes`
 * @example
 * ```ts
 * import { readCsv } from "cfsign";
 * for await (const r of readCsv(file, { column: "link" })) {
 *   const out = r.kind === "pass" ? r.bytes : r.render(r.kind === "url" ? await signer.signUrl(r.url, { expires }) : undefined);
 *   await writer.write(out);
 * }
 * ```
 */
export async function* readCsv(
  chunks: AsyncIterable<Uint8Array>,
  options?: CsvReadOptions,
): AsyncGenerator<BulkRecord> {
  const maxUrl = maxItemBytes(options);
  const maxRecord = options?.maxRecordBytes ?? 1 << 20;
  const column = (options?.column ?? "url").toLowerCase();
  let state = FIELD_START;
  let header = true;
  let urlField = -1;
  let fields: Uint8Array[] = [];
  const field = new ByteBuilder();
  let urlTooLong = false;
  let recordBytes = 0;
  let line = 1;
  let startLine = 1;
  let fieldLine = 1;
  let any = false;

  const append = (bytes: Uint8Array): void => {
    if (bytes.length === 0) return;
    if (!header && fields.length === urlField) {
      if (urlTooLong) return;
      if (field.length + bytes.length > maxUrl) {
        urlTooLong = true;
        field.clear();
        return;
      }
    } else if ((recordBytes += bytes.length) > maxRecord) {
      throw inputError(`the CSV record on line ${startLine} is longer than ${maxRecord.toLocaleString("en-US")} bytes`);
    }
    field.append(bytes);
  };
  const endField = (): void => {
    fields.push(field.take());
    fieldLine = line;
  };
  const endRecord = (terminator: string): BulkRecord | undefined => {
    const record = fields;
    const overLimit = urlTooLong;
    const at = startLine;
    fields = [];
    urlTooLong = false;
    recordBytes = 0;
    if (terminator.endsWith("\n")) line++;
    startLine = fieldLine = line;
    const end = encodeUtf8(terminator);
    const joined = (parts: readonly Uint8Array[]): Uint8Array =>
      concatBytes(parts.flatMap((p, i) => (i === 0 ? [p] : [COMMA, p])).concat([end]));
    if (header) {
      header = false;
      const names = record.map((f) => unquote(decodeLenient(f)).trim().toLowerCase());
      urlField = names.indexOf(column);
      if (urlField === -1) {
        throw inputError(
          // The column's name is not echoed: on the command line it is an option value, which may be anything.
          `the CSV header (line ${at}) has no ${column === "url" ? "'url' column" : "column with the name given as the URL column"}`,
        );
      }
      return { kind: "pass", bytes: joined(record) };
    }
    if (record.length === 1 && isBlank(record[0]!)) return { kind: "pass", bytes: joined(record) };
    const index = urlField;
    const render = (signed: string | undefined): Uint8Array => {
      const parts = record.slice();
      while (parts.length <= index) parts.push(new Uint8Array(0));
      parts[index] = signed === undefined ? new Uint8Array(0) : encodeUtf8(quoteCsv(signed));
      return joined(parts);
    };
    if (overLimit) return { kind: "bad", line: at, error: tooLong("URL field", maxUrl), render };
    const raw = record[index];
    const text = raw === undefined ? "" : decodeUtf8(raw);
    if (text === undefined) return { kind: "bad", line: at, error: notUtf8("URL field"), render };
    const url = unquote(text).trim();
    if (url === "")
      return {
        kind: "bad",
        line: at,
        error: new CfSignError("INVALID_URL", "the row has no value in the URL column"),
        render,
      };
    return { kind: "url", url, line: at, render };
  };
  const afterQuote = (): Error => inputError(`the CSV input has text after a closing quote on line ${line}`);

  for await (const chunk of withoutBom(chunks)) {
    if (chunk.length > 0) any = true;
    let i = 0;
    while (i < chunk.length) {
      const b = chunk[i]!;
      let record: BulkRecord | undefined;
      switch (state) {
        case FIELD_START:
          if (b === 34) {
            append(chunk.subarray(i, i + 1));
            state = QUOTED;
            i++;
          } else state = UNQUOTED;
          break;
        case UNQUOTED: {
          let j = i;
          while (j < chunk.length) {
            const c = chunk[j]!;
            if (c === 44 || c === 10 || c === 13) break;
            j++;
          }
          append(chunk.subarray(i, j));
          i = j;
          if (j === chunk.length) break;
          i++;
          if (chunk[j] === 44) {
            endField();
            state = FIELD_START;
          } else if (chunk[j] === 10) {
            endField();
            record = endRecord("\n");
            state = FIELD_START;
          } else state = UNQUOTED_CR;
          break;
        }
        case UNQUOTED_CR:
          if (b === 10) {
            endField();
            record = endRecord("\r\n");
            state = FIELD_START;
            i++;
          } else {
            // A CR inside an unquoted field is part of it.
            append(CR);
            state = UNQUOTED;
          }
          break;
        case QUOTED: {
          const q = chunk.indexOf(34, i);
          const end = q === -1 ? chunk.length : q + 1;
          for (let k = chunk.indexOf(10, i); k !== -1 && k < end; k = chunk.indexOf(10, k + 1)) line++;
          append(chunk.subarray(i, end));
          i = end;
          if (q !== -1) state = QUOTE_SEEN;
          break;
        }
        case QUOTE_SEEN:
          i++;
          if (b === 34) {
            append(chunk.subarray(i - 1, i));
            state = QUOTED;
          } else if (b === 44) {
            endField();
            state = FIELD_START;
          } else if (b === 10) {
            endField();
            record = endRecord("\n");
            state = FIELD_START;
          } else if (b === 13) state = QUOTE_CR;
          else throw afterQuote();
          break;
        case QUOTE_CR:
          if (b !== 10) throw afterQuote();
          i++;
          endField();
          record = endRecord("\r\n");
          state = FIELD_START;
          break;
      }
      if (record !== undefined) yield record;
    }
  }
  let last: BulkRecord | undefined;
  switch (state) {
    case QUOTED:
      throw inputError(`the CSV input has a quoted field that is never closed (from line ${fieldLine})`);
    case FIELD_START:
      if (fields.length > 0) {
        endField();
        last = endRecord("");
      }
      break;
    case UNQUOTED_CR:
    case QUOTE_CR:
      endField();
      last = endRecord("\r");
      break;
    default:
      endField();
      last = endRecord("");
  }
  if (last !== undefined) yield last;
  if (header || !any) throw inputError("the CSV input is empty; it needs a header row with a url column");
}

/** The value of a field as written: quotes removed and `""` made `"` when it is quoted. */
function unquote(raw: string): string {
  return raw.startsWith('"')
    ? raw.slice(1, raw.endsWith('"') && raw.length > 1 ? -1 : undefined).replace(/""/g, '"')
    : raw;
}

function isBlank(bytes: Uint8Array): boolean {
  for (const c of bytes) if (c !== 32 && c !== 9 && c !== 13) return false;
  return true;
}
