/**
 * What a `cfsign` subcommand is: a name, a one-line summary for `cfsign --help`,
 * its own help text, and a `run` that returns the exit status. New subcommands
 * (sign-cookies, verify, playlist, keygen, inspect) are one file each under
 * `src/cli/` and one entry in the table in `src/cli.ts`.
 *
 * @module
 */

/** Where a command writes and what it may read from its environment. */
export interface CliIo {
  /** Writes to standard output (results only). */
  readonly stdout: (text: string) => void;
  /** Writes bytes to standard output as they are (copied input, such as a comment that is not UTF-8); optional. */
  readonly stdoutBytes?: (bytes: Uint8Array) => void;
  /**
   * Resolves when everything written to standard output has been written (a failed write has
   * ended the process by then); optional. Awaited before a summary says the output is complete.
   */
  readonly flushStdout?: () => Promise<void>;
  /** Writes to standard error (errors and hints only). */
  readonly stderr: (text: string) => void;
  /** Environment variables (`--passphrase-env` reads one by name). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** One subcommand of `cfsign`. */
export interface Command {
  /** The word after `cfsign`, e.g. `sign`. */
  readonly name: string;
  /** One line for the command list of `cfsign --help`. */
  readonly summary: string;
  /** The full help text of `cfsign help <name>` and `cfsign <name> --help`, ending with a newline. */
  readonly help: string;
  /**
   * Runs the command. `--help` never reaches it (the dispatcher prints {@link Command.help}).
   *
   * @param args - the arguments after the command name
   * @param io - output streams and environment
   * @returns the exit status
   * @throws `CliError` or `CfSignError`, which the dispatcher reports on stderr with an exit status
   */
  run(args: readonly string[], io: CliIo): Promise<number>;
}
