/**
 * The `cfsign` command line. `bin/cfsign.js` calls {@link main}; every
 * subcommand is one entry of {@link COMMANDS} with its own help text.
 *
 * @example
 * ```sh
 * cfsign sign --url https://d111111abcdef8.cloudfront.net/photo.jpg \
 *   --key-pair-id K2JCJMDEHXQW5F --private-key private_key.pem --date-less-than 2030-01-01T00:00:00Z
 * ```
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { suggest } from "./cli/args.ts";
import type { CliIo, Command } from "./cli/command.ts";
import { describeFsError } from "./cli/io.ts";
import { CliError, EXIT, reportError } from "./cli/report.ts";
import { signCommand } from "./cli/commands/sign.ts";
import { signCookiesCommand } from "./cli/commands/sign-cookies.ts";
import { verifyCommand } from "./cli/commands/verify.ts";
import { playlistCommand } from "./cli/commands/playlist.ts";
import { keygenCommand } from "./cli/commands/keygen.ts";
import { inspectCommand } from "./cli/commands/inspect.ts";
import { kmsPublicKeyCommand } from "./cli/commands/kms-public-key.ts";
import { serveCommand } from "./cli/commands/serve.ts";
import { benchCommand } from "./cli/commands/bench.ts";

export type { CliIo, Command } from "./cli/command.ts";

/** The subcommands, in the order `cfsign --help` lists them. */
export const COMMANDS: readonly Command[] = [
  signCommand,
  signCookiesCommand,
  verifyCommand,
  playlistCommand,
  keygenCommand,
  inspectCommand,
  serveCommand,
  kmsPublicKeyCommand,
  benchCommand,
];

const TOP_HINT = "Run 'cfsign --help' for the commands.";

/**
 * Runs the command line.
 *
 * @param argv - the arguments after `node cfsign`, i.e. `process.argv.slice(2)`
 * @param io - output and environment; the process's by default
 * @returns the exit status: 0 success, 1 URL or policy refused, 2 usage or key error, 3 signing failure
 * @example
 * ```ts
 * process.exitCode = await main(process.argv.slice(2));
 * ```
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let status: number;
  try {
    status = await dispatch(argv, io);
  } catch (err) {
    status = reportError(err, io);
  }
  // A failed write to stdout ends the process with its own status (141 or 2) before this returns.
  await io.flushStdout?.();
  return status;
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    throw new CliError("USAGE", "no command given; try 'cfsign sign --help'", TOP_HINT);
  }
  if (first === "--help" || first === "-h" || first === "help") {
    const [topic, ...extra] = first === "help" ? rest : [];
    if (extra.length > 0) throw new CliError("USAGE", "'cfsign help' takes at most one command name", TOP_HINT);
    io.stdout(topic === undefined ? topHelp() : findCommand(topic).help);
    return EXIT.OK;
  }
  if (first === "--version") {
    io.stdout(version() + "\n");
    return EXIT.OK;
  }
  if (first.startsWith("-")) {
    // Not echoed beyond the option's name: a stray argument may be a secret.
    const name = first.split("=", 1)[0];
    throw new CliError(
      "USAGE",
      `unknown option ${name} before the command; options go after it (cfsign sign --url ...)`,
      TOP_HINT,
    );
  }
  const command = findCommand(first);
  const terminator = rest.indexOf("--");
  const options = terminator === -1 ? rest : rest.slice(0, terminator);
  if (options.includes("--help") || options.includes("-h")) {
    io.stdout(command.help);
    return EXIT.OK;
  }
  return command.run(rest, io);
}

function findCommand(name: string): Command {
  const command = COMMANDS.find((c) => c.name === name);
  if (command !== undefined) return command;
  const close = suggest(
    name,
    COMMANDS.map((c) => c.name),
  );
  throw new CliError(
    "USAGE",
    // The name is shown only if it is a plausible command word, never an arbitrary argument.
    (/^[a-z][a-z-]{0,30}$/.test(name) ? `unknown command '${name}'` : "unknown command") +
      (close.length === 0 ? "" : ` (did you mean '${close.join("' or '")}'?)`),
    TOP_HINT,
  );
}

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const list = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n");
  return `cfsign ${version()}: Amazon CloudFront signed URLs

Usage:
  cfsign <command> [options]
  cfsign help <command>        the command's options, examples and exit statuses
  cfsign --version

Commands:
${list}

Run 'cfsign <command> --help' for its options and examples.
`;
}

/** The package version, from the package.json beside `dist/` (and beside `src/`). */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: unknown };
  if (typeof pkg.version !== "string") throw new CliError("INTERNAL", "package.json has no version");
  return pkg.version;
}

function processIo(): CliIo {
  process.stdout.on("error", stdoutFailed);
  // Standard error failing too leaves nothing to report on; the exit status still says it.
  process.stderr.on("error", () => undefined);
  let last: Promise<void> = Promise.resolve();
  const write = (data: string | Uint8Array): void => {
    last = new Promise((resolve) => {
      try {
        process.stdout.write(data, (err) => {
          if (err !== undefined && err !== null) stdoutFailed(err);
          resolve();
        });
      } catch (err) {
        stdoutFailed(err);
      }
    });
  };
  return {
    stdout: write,
    stdoutBytes: write,
    // Writes complete in order: the last one done means all are.
    flushStdout: () => last,
    stderr: (text) => void process.stderr.write(text),
    env: process.env,
  };
}

/** Exit status when the reader of standard output went away: 128 + SIGPIPE, as a shell reports a tool that SIGPIPE stopped. */
export const EXIT_PIPE_CLOSED = 141;

/**
 * Standard output failed. A closed pipe (`cfsign ... | head`) stops the command
 * quietly, as Unix tools do, with status 141; any other error (`> /dev/full`:
 * no space left) is an `OUTPUT` error, status 2. Temporary files are removed
 * on the way out (./cli/output.ts).
 */
function stdoutFailed(err: unknown): void {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === "EPIPE" || code === "ERR_STREAM_DESTROYED") process.exit(EXIT_PIPE_CLOSED);
  try {
    process.stderr.write(`cfsign: OUTPUT: writing to standard output failed: ${describeFsError(err)}\n`);
  } catch {
    // Nowhere left to say it.
  }
  process.exit(EXIT.USAGE);
}
