/**
 * How the command line reports a failure: `cfsign: CODE: message` on stderr
 * (plus an optional hint line), nothing on stdout, and an exit status chosen
 * by the code. The command line never echoes an option's value in a message
 * (a value may be a passphrase typed in the wrong place, or a whole URL); the
 * one exception is the key file path, which is not secret and which the user
 * needs to see.
 *
 * @module
 */
import { CfSignError, type CfSignErrorCode } from "../errors.ts";
import type { CliIo } from "./command.ts";

/** Codes only the command line produces (the library's codes are {@link CfSignErrorCode}). */
export type CliErrorCode =
  /** Unknown command or option, missing or malformed option, unset passphrase variable. */
  | "USAGE"
  /** The `--private-key` file cannot be read, or is not a key file. */
  | "KEY_FILE"
  /** The `--input` (or a playlist it names) cannot be read, or is not in the format it claims (JSON, CSV, HLS, DASH). */
  | "INPUT"
  /** The output cannot be written, or would overwrite something (an existing key without `--force`). */
  | "OUTPUT"
  /** A bug: an error that is neither a `CliError` nor a `CfSignError`. */
  | "INTERNAL";

/**
 * An error the command line found itself, or a library error with a hint in
 * the command line's terms ({@link CliError.withHint}).
 */
export class CliError extends Error {
  /** Stable code, printed after `cfsign: `. */
  readonly code: CliErrorCode | CfSignErrorCode;
  /** A second line printed on stderr, e.g. `Run 'cfsign sign --help' for usage.` */
  readonly hint: string | undefined;

  /**
   * @param code - stable code
   * @param message - what is wrong and what to do; never an option's value
   * @param hint - optional second line
   * @param cause - the underlying error, shown only with `CFSIGN_DEBUG`
   */
  constructor(code: CliErrorCode | CfSignErrorCode, message: string, hint?: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "CliError";
    this.code = code;
    this.hint = hint;
  }

  /** The library error `err`, reported with the same code and message and a hint line. */
  static withHint(err: CfSignError, hint: string | undefined): CliError {
    return new CliError(err.code, err.message, hint, err.cause);
  }
}

/** Exit statuses of every command. */
export const EXIT = {
  /** Success: the result is on stdout. */
  OK: 0,
  /** The URL or policy was refused (CloudFront would give 403, or the grant would be wider than asked). */
  REFUSED: 1,
  /** Usage or key error: fix the command line or the key. */
  USAGE: 2,
  /** Signing failed on this platform, or a bug. */
  FAILED: 3,
} as const;

type ExitStatus = (typeof EXIT)[keyof typeof EXIT];

/**
 * The exit status of every code. A `Record` over the union, so a code added to
 * the library fails to compile here until it is classified.
 */
const STATUS: Readonly<Record<CfSignErrorCode | CliErrorCode, ExitStatus>> = {
  INVALID_URL: EXIT.REFUSED,
  URL_HAS_FRAGMENT: EXIT.REFUSED,
  URL_UNSAFE_CHARACTER: EXIT.REFUSED,
  URL_TOO_LONG: EXIT.REFUSED,
  URL_HAS_SIGNING_PARAMETER: EXIT.REFUSED,
  URL_HAS_S3_SIGNATURE: EXIT.REFUSED,
  URL_HAS_WILDCARD: EXIT.REFUSED,
  INVALID_DATE: EXIT.REFUSED,
  DATE_IN_MILLISECONDS: EXIT.REFUSED,
  EXPIRES_IN_PAST: EXIT.REFUSED,
  INVALID_DATE_RANGE: EXIT.REFUSED,
  INVALID_IP_ADDRESS: EXIT.REFUSED,
  IPV6_NOT_SUPPORTED: EXIT.REFUSED,
  INVALID_RESOURCE: EXIT.REFUSED,
  RESOURCE_MISMATCH: EXIT.REFUSED,
  RESOURCE_TOO_BROAD: EXIT.REFUSED,
  BATCH_FAILED: EXIT.REFUSED,
  COOKIE_DOMAIN_NOT_ALLOWED: EXIT.REFUSED,
  COOKIE_DOMAIN_MISMATCH: EXIT.REFUSED,
  INVALID_COOKIE_ATTRIBUTE: EXIT.REFUSED,
  COOKIE_TOO_LARGE: EXIT.REFUSED,
  INVALID_UTF8: EXIT.REFUSED,
  URI_HAS_VARIABLE: EXIT.REFUSED,
  PLAYER_ADDS_QUERY: EXIT.REFUSED,
  USAGE: EXIT.USAGE,
  KEY_FILE: EXIT.USAGE,
  INPUT: EXIT.USAGE,
  OUTPUT: EXIT.USAGE,
  INVALID_ARGUMENT: EXIT.USAGE,
  INVALID_INPUT_FORMAT: EXIT.USAGE,
  INVALID_KEY_PAIR_ID: EXIT.USAGE,
  INVALID_KEY: EXIT.USAGE,
  UNSUPPORTED_KEY: EXIT.USAGE,
  UNSUPPORTED_HASH: EXIT.USAGE,
  SIGNING_FAILED: EXIT.FAILED,
  KEY_UNAVAILABLE: EXIT.USAGE,
  ABORTED: EXIT.FAILED,
  ENGINE_FAILURE: EXIT.FAILED,
  INTERNAL: EXIT.FAILED,
};

/** The exit status for an error code (an unknown code counts as a failure). */
function exitStatusFor(code: string): ExitStatus {
  return Object.hasOwn(STATUS, code) ? STATUS[code as keyof typeof STATUS] : EXIT.FAILED;
}

/**
 * Writes `err` to stderr and returns its exit status. Only the code and the
 * message are shown: a `CfSignError`'s message is safe by contract; its
 * `cause` (platform details) is shown only when `CFSIGN_DEBUG` is set.
 *
 * @param err - what was thrown
 * @param io - where to write
 * @returns the exit status
 */
export function reportError(err: unknown, io: CliIo): number {
  const debug = io.env["CFSIGN_DEBUG"] !== undefined && io.env["CFSIGN_DEBUG"] !== "";
  if (err instanceof CliError || err instanceof CfSignError) {
    io.stderr(`cfsign: ${err.code}: ${err.message}\n`);
    if (err instanceof CliError && err.hint !== undefined) io.stderr(err.hint + "\n");
    if (debug && err.cause !== undefined) io.stderr(`cause: ${describe(err.cause)}\n`);
    return exitStatusFor(err.code);
  }
  // Anything else is a bug; its message was not written with secrets in mind, so it stays behind CFSIGN_DEBUG.
  const name = err instanceof Error ? err.name : typeof err;
  io.stderr(`cfsign: INTERNAL: unexpected ${name}; set CFSIGN_DEBUG=1 to see it, and please report it\n`);
  if (debug) io.stderr(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return EXIT.FAILED;
}

function describe(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return `${cause.name}${typeof code === "string" ? ` (${code})` : ""}: ${cause.message}`;
  }
  return String(cause);
}

/** Library codes the command line reports under one of its own (`INVALID_INPUT_FORMAT` is `INPUT`). */
const REPORTED_AS_CLI_CODE: readonly string[] = ["INVALID_INPUT_FORMAT"];

/**
 * The "Exit status" section of a command's help, listed from the same table
 * that decides the status, so the two cannot drift apart.
 *
 * @param omit - codes the command can never produce (e.g. `BATCH_FAILED` for a single URL)
 * @param words - the command's own words: `meanings` of a status (e.g. bulk signing: 1 "some lines
 *   failed"), and the section's first line
 */
export function exitStatusHelp(
  omit: readonly string[] = [],
  words: { readonly meanings?: Partial<Record<ExitStatus, string>>; readonly heading?: string } = {},
): string {
  const codes = (status: ExitStatus): string[] =>
    (Object.keys(STATUS) as (keyof typeof STATUS)[]).filter(
      (code) => STATUS[code] === status && !omit.includes(code) && !REPORTED_AS_CLI_CODE.includes(code),
    );
  const rows: [ExitStatus, string][] = [
    [EXIT.OK, "the signed URL was printed on stdout"],
    [EXIT.REFUSED, "the URL or policy was refused:"],
    [EXIT.USAGE, "usage or key error:"],
    [EXIT.FAILED, "signing failed on this platform, or a bug:"],
  ];
  for (const row of rows) row[1] = words.meanings?.[row[0]] ?? row[1];
  let text =
    (words.heading ?? "Exit status (errors go to stderr as 'cfsign: CODE: message'; stdout stays empty):") + "\n";
  for (const [status, meaning] of rows) {
    text += `  ${status}  ${meaning}\n`;
    if (status !== EXIT.OK) text += wrap(codes(status).join(", "), 6, 96);
  }
  return text;
}

function wrap(text: string, indent: number, width: number): string {
  const pad = " ".repeat(indent);
  let out = "";
  let line = pad;
  for (const word of text.split(" ")) {
    if (line.length > indent && line.length + 1 + word.length > width) {
      out += line + "\n";
      line = pad;
    }
    line += (line.length > indent ? " " : "") + word;
  }
  return out + line + "\n";
}

/** One item of a bulk job that failed, for {@link ItemFailures}. */
interface ItemFailure {
  /** Where it is: `line 17`, or `video/720p/index.m3u8 line 3`. */
  readonly where: string;
  /** 1-based line of the input. */
  readonly line: number;
  /** The playlist file it is in, relative to the input's directory (`playlist --recursive` only). */
  readonly file?: string;
  readonly code: string;
  readonly message: string;
}

/**
 * The failing items of a bulk job (`sign --input`, `playlist`): each reported
 * on stderr as `cfsign: line 17: CODE: message` as it is found (never the URL:
 * a library message names at most one character or parameter), or, with
 * `--json`, kept for the summary (the first {@link ItemFailures.LIMIT}) and
 * counted by code.
 */
export class ItemFailures {
  /** Failures kept for the JSON summary; the rest are only counted. */
  static readonly LIMIT = 1000;
  readonly #io: CliIo;
  readonly #json: boolean;
  readonly #beforeWrite: () => void;
  readonly #kept: ItemFailure[] = [];
  readonly #byCode = new Map<string, number>();
  #count = 0;
  #status: ExitStatus = EXIT.OK;

  /**
   * @param io - where failures are written
   * @param json - keep them for a JSON summary instead of writing them
   * @param beforeWrite - called before a line is written (to clear a progress bar)
   */
  constructor(io: CliIo, json: boolean, beforeWrite: () => void = () => undefined) {
    this.#io = io;
    this.#json = json;
    this.#beforeWrite = beforeWrite;
  }

  /** Records one failure. */
  add(failure: ItemFailure): void {
    this.#count++;
    this.#byCode.set(failure.code, (this.#byCode.get(failure.code) ?? 0) + 1);
    const status = exitStatusFor(failure.code);
    // A platform failure (3) outranks a refused item (1).
    if (status > this.#status) this.#status = status;
    if (this.#json) {
      if (this.#kept.length < ItemFailures.LIMIT) this.#kept.push(failure);
      return;
    }
    this.#beforeWrite();
    this.#io.stderr(`cfsign: ${failure.where}: ${failure.code}: ${failure.message}\n`);
  }

  /** How many failed. */
  get count(): number {
    return this.#count;
  }

  /** The exit status the failures call for: 0 none, 1 items refused, 3 signing failed on this platform. */
  get status(): number {
    return this.#count === 0
      ? EXIT.OK
      : Math.max(EXIT.REFUSED, this.#status === EXIT.USAGE ? EXIT.REFUSED : this.#status);
  }

  /** The distinct codes seen, in order of first appearance. */
  get codes(): string[] {
    return [...this.#byCode.keys()];
  }

  /** For a JSON summary: counts by code, and the first failures. */
  toJSON(): { byCode: Record<string, number>; items: ItemFailure[]; itemsTruncated: boolean } {
    return {
      byCode: Object.fromEntries(this.#byCode),
      items: this.#kept.map(({ line, file, code, message }) =>
        file === undefined
          ? { where: `line ${line}`, line, code, message }
          : { where: `${file} line ${line}`, file, line, code, message },
      ),
      itemsTruncated: this.#count > this.#kept.length,
    };
  }
}
