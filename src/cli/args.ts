/**
 * Where command-line options are parsed: `node:util` `parseArgs` for the
 * tokens, then cfsign's own checks and messages. `parseArgs`'s own strict-mode
 * messages echo a stray argument verbatim, and a stray argument may be a
 * passphrase or a URL, so they are never shown.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { CliError } from "./report.ts";

/** One option of a command. */
interface OptionSpec {
  /** `string` options take a value (`--name VALUE` or `--name=VALUE`); `boolean` options take none. */
  readonly type: "string" | "boolean";
}

/** A command's options, by long name without the leading `--`. */
type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** Parsed values: a string per given string option, `true` per given flag. */
export type OptionValues<S extends OptionSpecs> = {
  -readonly [K in keyof S]?: S[K]["type"] extends "string" ? string : true;
};

/** How to parse one command's arguments. */
interface ParseContext {
  /** The command, for the hint line: `Run 'cfsign <command> --help' for usage.` */
  readonly command: string;
  /** Options that are refused on purpose, with the reason (e.g. `passphrase`). */
  readonly refused?: Readonly<Record<string, string>>;
  /** A hint for an unexpected positional argument (e.g. "pass the URL with --url"). */
  readonly positionalHint?: string;
  /**
   * How many positional arguments the command takes (default 0), for
   * {@link parseArguments}; `cfsign inspect URL` takes one.
   */
  readonly maxPositionals?: number;
}

/** What {@link parseArguments} returns: the options, and the positional arguments in order. */
interface ParsedArguments<S extends OptionSpecs> {
  readonly values: OptionValues<S>;
  readonly positionals: readonly string[];
}

/**
 * Parses `args` against `specs`. Refuses unknown options (with a suggestion),
 * a string option without a value or whose value looks like the next option,
 * a value given to a flag, an option given twice, and positional arguments.
 *
 * @param args - the arguments after the command name
 * @param specs - the command's options
 * @param context - command name and special cases, for messages
 * @returns the values given
 * @throws {@link CliError} `USAGE`
 */
export function parseOptions<S extends OptionSpecs>(
  args: readonly string[],
  specs: S,
  context: ParseContext,
): OptionValues<S> {
  return parseArguments(args, specs, { ...context, maxPositionals: 0 }).values;
}

/**
 * Parses `args` as {@link parseOptions} does, but also accepts up to
 * `context.maxPositionals` positional arguments (anywhere, or after `--`).
 * A positional argument is never echoed in a message.
 *
 * @param args - the arguments after the command name
 * @param specs - the command's options
 * @param context - command name, special cases, and how many positionals are allowed
 * @returns the values given and the positional arguments
 * @throws {@link CliError} `USAGE`
 */
export function parseArguments<S extends OptionSpecs>(
  args: readonly string[],
  specs: S,
  context: ParseContext,
): ParsedArguments<S> {
  const hint = `Run 'cfsign ${context.command} --help' for usage.`;
  const usage = (message: string): CliError => new CliError("USAGE", message, hint);
  const { tokens } = parseArgs({
    args: [...args],
    options: specs as Record<string, { type: "string" | "boolean" }>,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const values: Record<string, string | true> = {};
  const positionals: string[] = [];
  const maxPositionals = context.maxPositionals ?? 0;
  for (const token of tokens) {
    if (token.kind === "option-terminator") continue;
    if (token.kind === "positional" && positionals.length < maxPositionals) {
      positionals.push(token.value);
      continue;
    }
    if (token.kind === "positional") {
      if (maxPositionals > 0) {
        throw usage(
          `too many arguments (argument ${token.index + 1}); '${context.command}' takes at most ${maxPositionals}` +
            (context.positionalHint === undefined ? "" : ` (${context.positionalHint})`),
        );
      }
      throw usage(
        `unexpected argument in position ${token.index + 1}; '${context.command}' takes only options` +
          (context.positionalHint === undefined ? "" : ` (${context.positionalHint})`),
      );
    }
    const { name, rawName } = token;
    if (context.refused !== undefined && Object.hasOwn(context.refused, name)) {
      throw usage(`${rawName} is not accepted: ${context.refused[name]}`);
    }
    if (!Object.hasOwn(specs, name)) {
      const candidates = rawName.startsWith("--") ? suggest(name, Object.keys(specs)) : [];
      throw usage(
        `unknown option ${rawName}` +
          (candidates.length === 0 ? "" : ` (did you mean ${candidates.map((c) => "--" + c).join(" or ")}?)`),
      );
    }
    if (Object.hasOwn(values, name)) throw usage(`--${name} is given more than once`);
    if (specs[name]!.type === "boolean") {
      if (token.value !== undefined) throw usage(`--${name} is a flag and takes no value`);
      values[name] = true;
      continue;
    }
    const value = token.value;
    if (value === undefined || value === "") throw usage(`--${name} needs a value`);
    if (token.inlineValue !== true && value.length > 1 && value.startsWith("-")) {
      throw usage(
        `--${name} needs a value, but the next argument starts with '-'; ` +
          `if the value really starts with '-', write --${name}=VALUE`,
      );
    }
    values[name] = value;
  }
  return { values: values as OptionValues<S>, positionals };
}

/**
 * Names from `candidates` close to `input`: those it is a prefix of (or that
 * are a prefix of it), else those within a small edit distance; at most three.
 *
 * @param input - what was typed
 * @param candidates - known names
 * @returns close names, best first
 */
export function suggest(input: string, candidates: readonly string[]): string[] {
  const lower = input.toLowerCase();
  if (lower.length >= 3) {
    const prefixed = candidates.filter((c) => c.startsWith(lower) || lower.startsWith(c));
    if (prefixed.length > 0) return prefixed.slice(0, 3);
  }
  const limit = Math.max(1, Math.min(3, Math.floor(lower.length / 3)));
  return candidates
    .map((c) => ({ c, d: editDistance(lower, c) }))
    .filter(({ d }) => d <= limit)
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map(({ c }) => c);
}

/** Levenshtein distance, with a transposition counted as one edit. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push(new Array<number>(b.length + 1).fill(0));
    rows[i]![0] = i;
  }
  for (let j = 0; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}
