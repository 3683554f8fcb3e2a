/**
 * Where the command line opens its input: `--input` files and standard input
 * as byte streams, the bulk formats (read by the library's src/formats/
 * readers), whole small inputs such as playlists, and how file-system errors
 * are described. Output is ./output.ts.
 *
 * Messages never contain the `--input` or `--output` path or any input text:
 * like every option value they may be something else typed in the wrong place.
 *
 * @module
 */
import { createReadStream, type ReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { extname } from "node:path";
import { CfSignError } from "../errors.ts";
import type { BulkFrame, BulkRecord } from "../formats/bulk.ts";
import { CSV_FRAME, readCsv } from "../formats/csv.ts";
import { JSON_ARRAY_FRAME, readJsonArray } from "../formats/json-array.ts";
import { LINES_FRAME, readLines } from "../formats/lines.ts";
import type { CliIo } from "./command.ts";
import { CliError } from "./report.ts";

/** The bulk input formats. */
type BulkFormat = "lines" | "json" | "csv";

/**
 * What a command may need beyond {@link CliIo}: standard input, and whether
 * standard error is a terminal (for the progress bar). Both default to the
 * process's own.
 */
interface TerminalIo extends CliIo {
  /** Standard input, for `--input -`. */
  readonly stdin?: NodeJS.ReadableStream;
  /** True when standard error is a terminal. */
  readonly stderrIsTTY?: boolean;
  /** Width of the terminal on standard error. */
  readonly stderrColumns?: number;
}

/** Standard input of `io`, or the process's. */
function stdinOf(io: CliIo): NodeJS.ReadableStream {
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
    case "EPIPE":
      return "the reading end of the pipe was closed";
    case "EFBIG":
      return "the file is too large";
    case "EDQUOT":
      return "disk quota exceeded";
    case "EIO":
      return "input/output error";
    default:
      return typeof code === "string" ? code : "failed";
  }
}

/**
 * Whether two paths name the same file (the same device and inode, after
 * symbolic links), as `test a -ef b` does; false when either does not exist.
 *
 * @param a - a path
 * @param b - another path
 */
export async function sameFile(a: string, b: string): Promise<boolean> {
  try {
    const [x, y] = await Promise.all([stat(a), stat(b)]);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

/** A source of input bytes in chunks, with the bytes read so far and the total when known. */
interface InputSource {
  /** Byte chunks. */
  readonly chunks: AsyncIterable<Uint8Array>;
  /** Bytes read so far. */
  bytesRead(): number;
  /** The file's size in bytes, or `undefined` for standard input. */
  readonly totalBytes: number | undefined;
  /** Stops reading (on an early failure). */
  close(): void;
}

/**
 * Opens `--input` (a file, or `-` for standard input) as a stream of bytes.
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
  async function* chunks(): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of stream as AsyncIterable<Uint8Array | string>) {
        const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
        read += bytes.length;
        yield bytes;
      }
    } catch (err) {
      throw new CliError("INPUT", `reading the ${what} failed: ${describeFsError(err)}`);
    }
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

/** The most bytes {@link readWholeInput} reads: far more than any playlist or signed URL. */
const MAX_WHOLE_INPUT_BYTES = 64 << 20;

/**
 * Reads a whole (small) input, such as a playlist or a URL, as UTF-8 text;
 * refuses more than {@link MAX_WHOLE_INPUT_BYTES} (without reading further)
 * and bytes that are not UTF-8 (never replaced by U+FFFD).
 *
 * @param path - a file, or `-` for standard input
 * @param io - for standard input
 * @param what - how messages name it
 * @throws {@link CliError} `INPUT`
 */
export async function readWholeInput(path: string, io: CliIo, what = "--input"): Promise<string> {
  const source = await openInput(path, io, what);
  const parts: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of source.chunks) {
      total += chunk.length;
      if (total > MAX_WHOLE_INPUT_BYTES) {
        throw new CliError(
          "INPUT",
          `the ${what} is larger than ${MAX_WHOLE_INPUT_BYTES >> 20} MiB; cfsign reads it whole, so it refuses more`,
        );
      }
      parts.push(chunk);
    }
  } finally {
    source.close();
  }
  const bytes = Buffer.concat(parts, total);
  try {
    // ignoreBOM keeps a byte order mark in the text: a playlist is rewritten byte for byte, BOM included.
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const bad = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes).indexOf("\uFFFD");
    const line = bytes.toString("latin1", 0, Math.max(0, bad)).split("\n").length;
    throw new CliError("INPUT", `the ${what} is not valid UTF-8 (from about line ${line}); fix the file's encoding`);
  }
}

/**
 * Reads records from `source` in the given format (the library's streaming
 * readers: every one keeps only the unfinished item in memory).
 *
 * @throws {@link CliError} `INPUT` for input that is not valid in its format
 */
export async function* readRecords(
  source: InputSource,
  format: BulkFormat,
  column = "url",
): AsyncGenerator<BulkRecord> {
  const records =
    format === "lines"
      ? readLines(source.chunks)
      : format === "json"
        ? readJsonArray(source.chunks)
        : readCsv(source.chunks, { column });
  try {
    yield* records;
  } catch (err) {
    if (err instanceof CfSignError && err.code === "INVALID_INPUT_FORMAT") {
      const hint =
        format === "json"
          ? "Use --format lines for one URL per line."
          : err.message.includes("header")
            ? "Name the URL column with --column NAME, or use --format lines."
            : undefined;
      throw new CliError("INPUT", err.message, hint);
    }
    throw err;
  }
}

/** The frame of the output in `format`. */
export function outputFrame(format: BulkFormat): BulkFrame {
  return format === "json" ? JSON_ARRAY_FRAME : format === "csv" ? CSV_FRAME : LINES_FRAME;
}
