/**
 * Where the command line reads bulk input and writes output: the three input
 * formats (lines, a JSON array, CSV with a `url` column) read as a stream in
 * bounded memory, their writers in the same shape, and output files that are
 * never left half-written (a temporary file in the same directory, fsync, then
 * rename; removed on failure or Ctrl-C).
 *
 * Messages never contain the `--input` or `--output` path or any input text:
 * like every option value they may be something else typed in the wrong place.
 *
 * @module
 */
import { createReadStream, rmdirSync, unlinkSync, type ReadStream } from "node:fs";
import { mkdtemp, open, readFile, rename, rmdir, stat, unlink, type FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, extname, join } from "node:path";
import { StringDecoder } from "node:string_decoder";
import type { CliIo } from "./command.ts";
import { CliError } from "./report.ts";

/** The bulk input formats. */
export type BulkFormat = "lines" | "json" | "csv";

/**
 * What a command may need beyond {@link CliIo}: standard input, and whether
 * standard error is a terminal (for the progress bar). Both default to the
 * process's own.
 */
export interface TerminalIo extends CliIo {
  /** Standard input, for `--input -`. */
  readonly stdin?: NodeJS.ReadableStream;
  /** True when standard error is a terminal. */
  readonly stderrIsTTY?: boolean;
  /** Width of the terminal on standard error. */
  readonly stderrColumns?: number;
}

/** Standard input of `io`, or the process's. */
export function stdinOf(io: CliIo): NodeJS.ReadableStream {
  return (io as TerminalIo).stdin ?? process.stdin;
}

/** Whether standard error is a terminal, and its width. */
export function stderrTerminal(io: CliIo): { isTTY: boolean; columns: number } {
  const t = io as TerminalIo;
  const isTTY = t.stderrIsTTY ?? process.stderr.isTTY === true;
  const columns = t.stderrColumns ?? (process.stderr.columns || 80);
  return { isTTY, columns };
}

/**
 * The format of `--input`: `given` when set, else from the file's extension
 * (`.json`, `.csv`), else lines.
 *
 * @throws {@link CliError} `USAGE` for an unknown `--format`
 */
export function bulkFormat(given: string | undefined, inputPath: string): BulkFormat {
  if (given !== undefined) {
    const f = given.toLowerCase();
    if (f === "lines" || f === "json" || f === "csv") return f;
    throw new CliError("USAGE", "--format must be lines, json or csv", "Run 'cfsign sign --help' for usage.");
  }
  const ext = inputPath === "-" ? "" : extname(inputPath).toLowerCase();
  return ext === ".json" ? "json" : ext === ".csv" ? "csv" : "lines";
}

/** Describes a file-system error in a few words, without the path. */
export function describeFsError(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  switch (code) {
    case "ENOENT":
      return "no such file or directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "it is a directory";
    case "ENOTDIR":
      return "a part of the path is not a directory";
    case "EEXIST":
      return "it already exists";
    case "ENOSPC":
      return "no space left on the device";
    case "EROFS":
      return "read-only file system";
    default:
      return typeof code === "string" ? code : "failed";
  }
}

// ---------------------------------------------------------------------------
// Reading

/** A source of input text in chunks, with the bytes read so far and the total when known. */
export interface InputSource {
  /** Text chunks (UTF-8 decoded; a character split across chunks is kept whole). */
  readonly chunks: AsyncIterable<string>;
  /** Bytes read so far. */
  bytesRead(): number;
  /** The file's size in bytes, or `undefined` for standard input. */
  readonly totalBytes: number | undefined;
  /** Stops reading (on an early failure). */
  close(): void;
}

/**
 * Opens `--input` (a file, or `-` for standard input) as a stream.
 *
 * @param path - the path, or `-`
 * @param io - for standard input
 * @param what - how messages name it, e.g. `--input`
 * @throws {@link CliError} `INPUT` when the file cannot be opened
 */
export async function openInput(path: string, io: CliIo, what = "--input"): Promise<InputSource> {
  let read = 0;
  let stream: NodeJS.ReadableStream;
  let totalBytes: number | undefined;
  if (path === "-") {
    stream = stdinOf(io);
  } else {
    try {
      const info = await stat(path);
      if (info.isDirectory()) throw Object.assign(new Error("directory"), { code: "EISDIR" });
      totalBytes = info.isFile() ? info.size : undefined;
      const handle = await open(path, "r");
      stream = createReadStream("", { fd: handle, highWaterMark: 1 << 20 });
    } catch (err) {
      throw new CliError("INPUT", `cannot read the ${what} file: ${describeFsError(err)}`);
    }
  }
  async function* chunks(): AsyncGenerator<string> {
    const decoder = new StringDecoder("utf8");
    try {
      for await (const chunk of stream as AsyncIterable<Buffer | string>) {
        const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
        read += bytes.length;
        const text = decoder.write(bytes);
        if (text !== "") yield text;
      }
    } catch (err) {
      throw new CliError("INPUT", `reading the ${what} failed: ${describeFsError(err)}`);
    }
    const rest = decoder.end();
    if (rest !== "") yield rest;
  }
  return {
    chunks: chunks(),
    bytesRead: () => read,
    totalBytes,
    close: () => {
      if (path !== "-") (stream as ReadStream).destroy();
    },
  };
}

/**
 * Reads a whole (small) input, such as a playlist, as text.
 *
 * @param path - a file, or `-` for standard input
 * @param io - for standard input
 * @param what - how messages name it
 * @throws {@link CliError} `INPUT`
 */
export async function readWholeInput(path: string, io: CliIo, what = "--input"): Promise<string> {
  if (path !== "-") {
    try {
      return await readFile(path, "utf8");
    } catch (err) {
      throw new CliError("INPUT", `cannot read the ${what} file: ${describeFsError(err)}`);
    }
  }
  let text = "";
  for await (const chunk of (await openInput("-", io, what)).chunks) text += chunk;
  return text;
}

/** One item of a bulk input. */
export type BulkRecord =
  /** A URL to sign; `line` is where it starts (1-based). */
  | { readonly kind: "url"; readonly url: string; readonly line: number; readonly out: OutputShape }
  /** Something copied to the output unchanged (a blank line, a comment, the CSV header). */
  | { readonly kind: "pass"; readonly text: string }
  /** An item that cannot be signed at all (a CSV row without a url field). */
  | { readonly kind: "bad"; readonly line: number; readonly code: "INVALID_URL"; readonly message: string; readonly out: OutputShape };

/** How to write a record's result back in its format. */
export interface OutputShape {
  /** The text for the signed URL (`undefined`: the item failed). */
  render(signed: string | undefined): string;
}

/**
 * Reads records from `source` in the given format. Every parser keeps only the
 * unfinished tail of the input in memory.
 *
 * @throws {@link CliError} `INPUT` for input that is not valid in its format
 */
export function readRecords(source: InputSource, format: BulkFormat, column = "url"): AsyncGenerator<BulkRecord> {
  switch (format) {
    case "lines":
      return readLines(source.chunks);
    case "json":
      return readJsonArray(source.chunks);
    case "csv":
      return readCsv(source.chunks, column);
  }
}

/** How bulk output opens and closes in each format (the JSON array's brackets). */
export interface FormatFrame {
  readonly head: string;
  readonly tail: string;
}

/** The frame of the output in `format`. */
export function outputFrame(format: BulkFormat): FormatFrame {
  return format === "json" ? { head: "[", tail: "\n]\n" } : { head: "", tail: "" };
}

async function* readLines(chunks: AsyncIterable<string>): AsyncGenerator<BulkRecord> {
  let buffer = "";
  let line = 0;
  const emit = function* (text: string, terminator: string): Generator<BulkRecord> {
    line++;
    const trimmed = text.trim();
    if (trimmed === "" || trimmed.startsWith("#")) {
      yield { kind: "pass", text: text + terminator };
      return;
    }
    yield { kind: "url", url: trimmed, line, out: { render: (signed) => (signed ?? "") + terminator } };
  };
  let first = true;
  for await (const chunk of chunks) {
    buffer += chunk;
    if (first) {
      buffer = buffer.replace(/^\uFEFF/, "");
      first = false;
    }
    let at = 0;
    for (let lf = buffer.indexOf("\n"); lf !== -1; lf = buffer.indexOf("\n", at)) {
      const cr = lf > at && buffer.charCodeAt(lf - 1) === 13;
      yield* emit(buffer.slice(at, cr ? lf - 1 : lf), cr ? "\r\n" : "\n");
      at = lf + 1;
    }
    buffer = buffer.slice(at);
  }
  if (buffer !== "") yield* emit(buffer, "");
}

/**
 * A JSON array of strings, read as a stream: `[`, then strings separated by
 * commas, then `]`. Each string is decoded by `JSON.parse` itself.
 */
async function* readJsonArray(chunks: AsyncIterable<string>): AsyncGenerator<BulkRecord> {
  const bad = (line: number, what: string): CliError =>
    new CliError("INPUT", `the JSON input is not an array of URL strings: ${what} on line ${line}`, "Use --format lines for one URL per line.");
  let buffer = "";
  let pos = 0;
  let line = 1;
  let state: "start" | "item" | "after" | "end" = "start";
  let items = 0;
  let eof = false;
  const iterator = chunks[Symbol.asyncIterator]();
  /** Ensures at least one unread character (false at the end of input). */
  const more = async (): Promise<boolean> => {
    while (pos >= buffer.length) {
      if (eof) return false;
      const next = await iterator.next();
      if (next.done === true) {
        eof = true;
        return false;
      }
      buffer = buffer.slice(pos) + next.value;
      pos = 0;
    }
    return true;
  };
  const skipSpace = async (): Promise<boolean> => {
    for (;;) {
      if (!(await more())) return false;
      const c = buffer.charCodeAt(pos);
      if (c === 10) line++;
      else if (c !== 32 && c !== 9 && c !== 13 && c !== 0xfeff) return true;
      pos++;
    }
  };
  for (;;) {
    if (!(await skipSpace())) {
      if (state === "end") return;
      throw bad(line, state === "start" ? "the input is empty" : "the input ends before the closing ]");
    }
    const c = buffer[pos]!;
    if (state === "end") throw bad(line, "there is more after the closing ]");
    if (state === "start") {
      if (c !== "[") throw bad(line, "it does not start with [");
      pos++;
      state = "item";
      if ((await skipSpace()) && buffer[pos] === "]") {
        pos++;
        state = "end";
      }
      continue;
    }
    if (state === "after") {
      if (c === ",") state = "item";
      else if (c === "]") state = "end";
      else throw bad(line, "expected , or ] after an item");
      pos++;
      continue;
    }
    // state === "item": a string, read to its closing quote (perhaps across chunks).
    if (c !== '"') throw bad(line, c === "]" && items > 0 ? "a comma before ]" : "an item that is not a string");
    let end = -1;
    for (;;) {
      for (let i = pos + 1; i < buffer.length; i++) {
        const ch = buffer.charCodeAt(i);
        if (ch === 92 /* \ */) i++;
        else if (ch === 34 /* " */) {
          end = i;
          break;
        } else if (ch === 10) throw bad(line, "a string with a line break in it");
      }
      if (end !== -1 || eof) break;
      const next = await iterator.next();
      if (next.done === true) eof = true;
      else {
        buffer = buffer.slice(pos) + next.value;
        pos = 0;
      }
    }
    if (end === -1) throw bad(line, "a string that is never closed");
    let url: unknown;
    try {
      url = JSON.parse(buffer.slice(pos, end + 1));
    } catch {
      throw bad(line, "a string with an invalid escape");
    }
    pos = end + 1;
    items++;
    const first = items === 1;
    yield {
      kind: "url",
      url: url as string,
      line,
      out: { render: (signed) => (first ? "" : ",") + "\n  " + (signed === undefined ? "null" : JSON.stringify(signed)) },
    };
    state = "after";
  }
}

/**
 * CSV (RFC 4180): a header row naming the columns, then records; fields may be
 * quoted with `"`, a `""` inside is one `"`, and a quoted field may span lines.
 * Every field but the URL is copied byte for byte; the URL field is written
 * quoted when it needs to be.
 */
async function* readCsv(chunks: AsyncIterable<string>, column: string): AsyncGenerator<BulkRecord> {
  let buffer = "";
  let line = 1;
  let urlField = -1;
  let header = true;
  let first = true;
  const iterator = chunks[Symbol.asyncIterator]();
  for (let eof = false; !eof; ) {
    const next = await iterator.next();
    if (next.done === true) eof = true;
    else buffer += first ? next.value.replace(/^\uFEFF/, "") : next.value;
    first = false;
    let at = 0;
    for (;;) {
      const record = parseCsvRecord(buffer, at, eof, line);
      if (record === null) break;
      const startLine = line;
      line += record.lines;
      at = record.end;
      if (header) {
        header = false;
        const names = record.fields.map((f) => f.value.trim().toLowerCase());
        urlField = names.indexOf(column.toLowerCase());
        if (urlField === -1) {
          throw new CliError(
            "INPUT",
            // A --column value is not echoed: every option value may be something typed in the wrong place.
            `the CSV header (line ${startLine}) has no ${column === "url" ? "'url' column" : "column named by --column"}`,
            "Name the URL column with --column NAME, or use --format lines.",
          );
        }
        yield { kind: "pass", text: buffer.slice(record.start, record.end) };
        continue;
      }
      if (record.fields.length === 1 && record.fields[0]!.raw.trim() === "") {
        yield { kind: "pass", text: buffer.slice(record.start, record.end) };
        continue;
      }
      const raws = record.fields.map((f) => f.raw);
      const terminator = record.terminator;
      const index = urlField;
      const out: OutputShape = {
        render: (signed) => {
          const fields = raws.slice();
          while (fields.length <= index) fields.push("");
          fields[index] = signed === undefined ? "" : quoteCsv(signed);
          return fields.join(",") + terminator;
        },
      };
      const field = record.fields[urlField];
      if (field === undefined || field.value.trim() === "") {
        yield { kind: "bad", line: startLine, code: "INVALID_URL", message: "the row has no value in the URL column", out };
      } else {
        yield { kind: "url", url: field.value.trim(), line: startLine, out };
      }
    }
    buffer = buffer.slice(at);
  }
  if (header) throw new CliError("INPUT", "the CSV input is empty; it needs a header row with a url column");
}

interface CsvRecord {
  readonly start: number;
  readonly end: number;
  readonly fields: readonly { readonly raw: string; readonly value: string }[];
  readonly terminator: string;
  /** Line breaks consumed (inside quoted fields and the terminator). */
  readonly lines: number;
}

/** Parses one record at `at`; `null` when the buffer holds no complete record yet. */
function parseCsvRecord(buffer: string, at: number, eof: boolean, line: number): CsvRecord | null {
  if (at >= buffer.length) return null;
  const fields: { raw: string; value: string }[] = [];
  let i = at;
  let lines = 0;
  for (;;) {
    const fieldStart = i;
    let value: string;
    if (buffer[i] === '"') {
      value = "";
      i++;
      for (;;) {
        const q = buffer.indexOf('"', i);
        if (q === -1) {
          if (eof) throw new CliError("INPUT", `the CSV input has a quoted field that is never closed (from line ${line + lines})`);
          return null;
        }
        const part = buffer.slice(i, q);
        lines += countLineBreaks(part);
        value += part;
        if (buffer[q + 1] === '"') {
          value += '"';
          i = q + 2;
          continue;
        }
        if (q + 1 >= buffer.length && !eof) return null;
        i = q + 1;
        break;
      }
    } else {
      let j = i;
      while (j < buffer.length && buffer[j] !== "," && buffer[j] !== "\n") j++;
      if (j >= buffer.length && !eof) return null;
      const end = buffer[j] === "\n" && j > i && buffer[j - 1] === "\r" ? j - 1 : j;
      value = buffer.slice(i, end);
      i = end;
    }
    fields.push({ raw: buffer.slice(fieldStart, i), value });
    if (buffer[i] === ",") {
      i++;
      continue;
    }
    if (i >= buffer.length) {
      if (!eof) return null;
      return { start: at, end: i, fields, terminator: "", lines };
    }
    let terminator: string;
    if (buffer[i] === "\n") terminator = "\n";
    else if (buffer[i] === "\r" && buffer[i + 1] === "\n") terminator = "\r\n";
    else if (buffer[i] === "\r" && i + 1 >= buffer.length) {
      if (!eof) return null;
      terminator = "\r";
    } else {
      // Only after a quoted field: an unquoted one ends at a comma or a line break.
      throw new CliError("INPUT", `the CSV input has text after a closing quote on line ${line + lines}`);
    }
    return { start: at, end: i + terminator.length, fields, terminator, lines: lines + 1 };
  }
}

function countLineBreaks(text: string): number {
  let n = 0;
  for (let k = text.indexOf("\n"); k !== -1; k = text.indexOf("\n", k + 1)) n++;
  return n;
}

/** A CSV field: quoted (with `"` doubled) when it has a comma, quote, line break or surrounding space. */
export function quoteCsv(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? '"' + value.replace(/"/g, '""') + '"' : value;
}

// ---------------------------------------------------------------------------
// Writing

/** Where output goes: written in pieces, then committed (made visible) or aborted (nothing left behind). */
export interface OutputSink {
  write(text: string): Promise<void>;
  /** Makes the output visible: renames the file into place, or copies the buffered output to stdout. */
  commit(): Promise<void>;
  /** Discards everything written; never throws. */
  abort(): Promise<void>;
}

const live = new Set<string>();
const liveDirs = new Set<string>();
let handlersInstalled = false;

/** Removes temporary files (and their private directories) if the process is interrupted, so Ctrl-C never leaves one behind. */
function trackTemp(path: string): void {
  live.add(path);
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const [signal, status] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]] as const) {
    process.once(signal, () => {
      for (const p of live) {
        try {
          unlinkSync(p);
        } catch {
          // Already gone.
        }
      }
      for (const d of liveDirs) {
        try {
          rmdirSync(d);
        } catch {
          // Already gone.
        }
      }
      process.exit(status);
    });
  }
}

/**
 * A temporary file beside `target` (same directory, so the rename is atomic),
 * created exclusively with `mode`.
 */
async function createTemp(target: string, mode: number, flags = "wx"): Promise<{ path: string; handle: FileHandle }> {
  const dir = dirname(target);
  for (let attempt = 0; ; attempt++) {
    const path = join(dir, `.${basename(target)}.cfsign-${process.pid}-${Math.random().toString(36).slice(2, 10)}.tmp`);
    try {
      const handle = await open(path, flags, mode);
      trackTemp(path);
      return { path, handle };
    } catch (err) {
      if ((err as { code?: unknown }).code === "EEXIST" && attempt < 5) continue;
      throw err;
    }
  }
}

/**
 * Output to a file, atomically: written to a temporary file in the same
 * directory, flushed with fsync, then renamed over `path`. Until the rename,
 * an existing file at `path` is untouched; on failure the temporary file is removed.
 *
 * @param path - the output file
 * @param what - how messages name it (e.g. `--output`)
 * @param mode - permissions of a new file (default 0o666, less the umask)
 * @throws {@link CliError} `OUTPUT` when the directory does not exist or is not writable
 */
export async function fileSink(path: string, what = "--output", mode = 0o666): Promise<OutputSink> {
  let temp: { path: string; handle: FileHandle };
  try {
    const info = await stat(path).catch(() => null);
    if (info?.isDirectory() === true) throw Object.assign(new Error("directory"), { code: "EISDIR" });
    temp = await createTemp(path, mode);
  } catch (err) {
    const missingDir = (err as { code?: unknown }).code === "ENOENT";
    throw new CliError("OUTPUT", `cannot write the ${what} file: ${missingDir ? "its directory does not exist" : describeFsError(err)}`);
  }
  let pending = "";
  let done = false;
  const flush = async (): Promise<void> => {
    if (pending === "") return;
    const text = pending;
    pending = "";
    await temp.handle.write(text);
  };
  const fsFail = (err: unknown): CliError => new CliError("OUTPUT", `writing the ${what} file failed: ${describeFsError(err)}`);
  const sink: OutputSink = {
    async write(text) {
      pending += text;
      if (pending.length >= 1 << 20) {
        try {
          await flush();
        } catch (err) {
          await sink.abort();
          throw fsFail(err);
        }
      }
    },
    async commit() {
      try {
        await flush();
        await temp.handle.sync();
        await temp.handle.close();
        await rename(temp.path, path);
        live.delete(temp.path);
        done = true;
      } catch (err) {
        await sink.abort();
        throw fsFail(err);
      }
      await syncDirectory(dirname(path));
    },
    async abort() {
      if (done) return;
      done = true;
      await temp.handle.close().catch(() => undefined);
      await unlink(temp.path).catch(() => undefined);
      live.delete(temp.path);
    },
  };
  return sink;
}

/** Makes a rename durable: fsync of the directory (not possible on every platform; best effort). */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Windows and some file systems refuse to open or sync a directory.
  }
}

/**
 * Output to standard output. Written as it comes, unless `hold` is set: then
 * it is kept in a temporary file (bounded memory) and copied to stdout on
 * commit, so that `--strict` can write nothing when an item fails.
 */
export async function stdoutSink(io: CliIo, hold: boolean): Promise<OutputSink> {
  if (!hold) {
    let pending = "";
    return {
      async write(text) {
        pending += text;
        if (pending.length >= 1 << 16) {
          io.stdout(pending);
          pending = "";
        }
      },
      async commit() {
        if (pending !== "") io.stdout(pending);
        pending = "";
      },
      async abort() {
        if (pending !== "") io.stdout(pending);
        pending = "";
      },
    };
  }
  let dir: string;
  let temp: { path: string; handle: FileHandle };
  try {
    dir = await mkdtemp(join(tmpdir(), "cfsign-"));
    liveDirs.add(dir);
    temp = await createTemp(join(dir, "stdout"), 0o600, "wx+");
  } catch (err) {
    throw new CliError("OUTPUT", `cannot create a temporary file for --strict output: ${describeFsError(err)}`);
  }
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await temp.handle.close().catch(() => undefined);
    await unlink(temp.path).catch(() => undefined);
    live.delete(temp.path);
    await rmdir(dir).catch(() => undefined);
    liveDirs.delete(dir);
  };
  return {
    async write(text) {
      await temp.handle.write(text);
    },
    async commit() {
      try {
        const handle = temp.handle;
        const buffer = Buffer.alloc(1 << 20);
        const decoder = new StringDecoder("utf8");
        for (let position = 0; ; ) {
          const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
          if (bytesRead === 0) break;
          position += bytesRead;
          io.stdout(decoder.write(buffer.subarray(0, bytesRead)));
        }
        const rest = decoder.end();
        if (rest !== "") io.stdout(rest);
      } finally {
        await close();
      }
    },
    abort: close,
  };
}
