/**
 * The hostile-input table (test/helpers/hostile-inputs.ts) through the command
 * line, run for real (`node bin/cfsign.js`, which needs `dist/`: `npm test` builds
 * first): every row as `cfsign sign --url` with its options as arguments, and the
 * rows without options through `cfsign sign --input` as a JSON array (which carries
 * any string, NUL included) and as lines. Each must be refused with its code on
 * stderr, the right exit status and nothing on stdout, or signed into a URL that
 * test/helpers/check-signed.ts accepts. The clock is the real one, so the rows are
 * built from the real time.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { cidr, epochSeconds, signedUrlProblems, type Grant, type SignedBy } from "./helpers/check-signed.js";
import { cliArguments, GOOD, hostileRows, type CliExpect, type HostileRow } from "./helpers/hostile-inputs.js";
import { rsaKey } from "./helpers/keys.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const BIN = join(ROOT, "bin/cfsign.js");
const KID = "K2JCJMDEHXQW5F";
const NOW = Math.floor(Date.now() / 1000);
const EXPIRES = NOW + 3600;
const rows = hostileRows(NOW, EXPIRES);
const BY: SignedBy = {
  get publicKey() {
    return rsaKey().publicKey;
  },
  keyPairId: KID,
  hash: "SHA256",
};

/** Exit status of each code (src/cli/report.ts): refusals 1, usage and argument errors 2. */
const statusOf = (code: string): number => (code === "USAGE" || code === "INVALID_ARGUMENT" ? 2 : 1);

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cfsign(args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** Runs `tasks` with at most `limit` at once. */
async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, tasks.length) }, async () => {
      while (next < tasks.length) {
        const i = next++;
        out[i] = await tasks[i]!();
      }
    }),
  );
  return out;
}

function grantOf(row: HostileRow, base: string): Grant {
  const o = row.options;
  const custom = o["starts"] !== undefined || o["ipAddress"] !== undefined || o["resource"] !== undefined;
  return {
    custom,
    resource: custom ? ((o["resource"] as string | undefined) ?? base) : base,
    expires: Object.hasOwn(o, "expires") ? epochSeconds(o["expires"], "floor") : EXPIRES,
    starts: o["starts"] === undefined ? undefined : epochSeconds(o["starts"], "ceil"),
    ipAddress: typeof o["ipAddress"] === "string" ? cidr(o["ipAddress"]) : undefined,
  };
}

/**
 * Arguments and text files are UTF-8, so a lone surrogate never reaches the command line: it
 * arrives as U+FFFD. Refused as any non-ASCII character is, or with --encode signed as %EF%BF%BD.
 * (JSON input carries the surrogate itself, as `\udc00`.)
 */
/**
 * What a row becomes in a UTF-8 file: a lone surrogate is written as U+FFFD (EF BF BD, valid
 * UTF-8), a character that really is in the file; --encode signs it as %EF%BF%BD.
 */
function asFileLine(input: string, encode: boolean): { expected?: CliExpect; base?: string } {
  const arrives = Buffer.from(input, "utf8").toString("utf8");
  if (arrives === input || !encode) return {};
  return { expected: "signed", base: arrives.replace(/\uFFFD/g, "%EF%BF%BD") };
}

function asArgv(input: string): { expected?: CliExpect; base?: string } {
  const arrives = Buffer.from(input, "utf8").toString("utf8");
  if (arrives === input) return {};
  // A lone surrogate cannot be encoded: the program receives U+FFFD in its place. Signing that
  // (with --encode, as %EF%BF%BD) would sign a URL nobody typed; it is refused as not UTF-8.
  return { expected: "INVALID_UTF8" };
}

let dir: string;
let keyFile: string;
const keyArgs = (): string[] => [`--key-pair-id=${KID}`, `--private-key=${keyFile}`];

beforeAll(() => {
  if (!existsSync(join(ROOT, "dist/cli.js")))
    throw new Error("dist/cli.js is missing: run `npm run build` first (npm test does)");
  dir = mkdtempSync(join(tmpdir(), "cfsign-hostile-cli-"));
  keyFile = join(dir, "key.pem");
  writeFileSync(keyFile, rsaKey().privatePem, { mode: 0o600 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const single = rows.filter(
  (r) =>
    (r.cli ?? r.url) !== "skip" &&
    typeof r.input === "string" &&
    !r.input.includes("\u0000") &&
    cliArguments(r.options, EXPIRES) !== null,
);

/**
 * Runs many command lines in one process through `main` of dist/cli.js, the function
 * bin/cfsign.js calls with `process.argv.slice(2)`. Each argument goes through a UTF-8
 * round trip first, as the operating system delivers arguments.
 */
function cfsignMany(argvs: readonly (readonly string[])[]): Promise<Run[]> {
  const script = `
    import { main } from ${JSON.stringify(new URL("../dist/cli.js", import.meta.url).href)};
    let input = "";
    for await (const chunk of process.stdin) input += chunk;
    const out = [];
    for (const argv of JSON.parse(input)) {
      let stdout = "", stderr = "";
      const io = { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, env: { PATH: process.env.PATH } };
      const status = await main(argv.map((a) => Buffer.from(a, "utf8").toString("utf8")), io);
      out.push({ status, stdout, stderr });
    }
    process.stdout.write(JSON.stringify(out));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.on("error", reject);
    child.on("close", (status) =>
      status === 0 ? resolve(JSON.parse(stdout) as Run[]) : reject(new Error(`driver exited ${status}: ${stderr}`)),
    );
    child.stdin.end(JSON.stringify(argvs));
  });
}

describe("cfsign sign --url", () => {
  const argvOf = (row: HostileRow): string[] => [
    "sign",
    `--url=${row.input as string}`,
    ...keyArgs(),
    ...cliArguments(row.options, EXPIRES)!,
  ];
  let runs: Run[];
  beforeAll(async () => {
    runs = await cfsignMany(single.map(argvOf));
  }, 120_000);

  test("at least 100 rows run through the command line", () => {
    expect(single.length).toBeGreaterThanOrEqual(100);
  });

  test("every row is refused with its code and exit status, or signed exactly", () => {
    const problems: string[] = [];
    single.forEach((row, i) => {
      const run = runs[i]!;
      const input = row.input as string;
      const arrives = asArgv(input);
      const expected: CliExpect = arrives.expected ?? row.cli ?? row.url;
      if (expected === "signed") {
        if (run.status !== 0) return void problems.push(`${row.name}: exit ${run.status}: ${run.stderr.trim()}`);
        if (run.stderr !== "") problems.push(`${row.name}: stderr not empty`);
        const lines = run.stdout.split("\n");
        if (lines.length !== 2 || lines[1] !== "") problems.push(`${row.name}: stdout is not one line`);
        const base = arrives.base ?? row.signedAs ?? input;
        for (const p of signedUrlProblems(lines[0], base, grantOf(row, base), BY)) problems.push(`${row.name}: ${p}`);
        return;
      }
      const first = run.stderr.split("\n")[0]!;
      if (!first.startsWith(`cfsign: ${expected}: `))
        problems.push(`${row.name}: ${JSON.stringify(first.slice(0, 120))}, expected ${expected}`);
      if (run.status !== statusOf(expected))
        problems.push(`${row.name}: exit ${run.status}, expected ${statusOf(expected)}`);
      if (run.stdout !== "") problems.push(`${row.name}: stdout not empty on failure`);
      if (input.length > 30 && run.stderr.includes(input)) problems.push(`${row.name}: stderr holds the whole URL`);
    });
    expect(problems).toEqual([]);
  });

  test("bin/cfsign.js gives the same bytes, statuses and messages (one row per outcome, run for real)", async () => {
    const seen = new Set<string>();
    const sample = single.flatMap((row, i) => {
      const key = String(row.cli ?? row.url) + (Object.keys(row.options).length > 0 ? "+options" : "");
      if (seen.has(key)) return [];
      seen.add(key);
      return [i];
    });
    expect(sample.length).toBeGreaterThanOrEqual(20);
    const real = await pool(
      sample.map((i) => () => cfsign(argvOf(single[i]!))),
      Math.max(2, availableParallelism()),
    );
    sample.forEach((i, k) =>
      expect({ row: single[i]!.name, ...real[k]! }).toEqual({ row: single[i]!.name, ...runs[i]! }),
    );
  }, 120_000);
});

describe("cfsign sign --input", () => {
  /** What bulk mode must do: the library's answer (a NUL cannot reach `--url`, but a JSON string carries it). */
  const bulkExpect = (row: HostileRow): CliExpect =>
    row.cli === "skip" && typeof row.input === "string" && row.input.includes("\u0000")
      ? row.url
      : (row.cli ?? row.url);
  // The rows that need no option beyond --encode: one file per format and option set.
  const bulk = rows.filter((r) => {
    const keys = Object.keys(r.options);
    return (
      typeof r.input === "string" &&
      bulkExpect(r) !== "skip" &&
      (keys.length === 0 || (keys.length === 1 && r.options["encode"] === true))
    );
  });

  test("at least 100 rows run through bulk mode", () => {
    expect(bulk.length).toBeGreaterThanOrEqual(100);
  });

  test.each(["json", "lines"] as const)(
    "--format %s: each row refused on its line or signed in its place",
    async (format) => {
      const problems: string[] = [];
      let total = 0;
      for (const encode of [false, true]) {
        let list = bulk.filter((r) => (r.options["encode"] === true) === encode);
        // A line cannot hold a line break; a line is trimmed, so only the rows whose trimmed form is GOOD keep spaces.
        if (format === "lines") {
          list = list.filter(
            (r) =>
              !/[\r\n\u0000]/.test(r.input as string) &&
              ((r.input as string).trim() === r.input || (r.input as string).trim() === GOOD),
          );
        }
        total += list.length;
        const file = join(dir, `in-${format}-${encode}.${format === "json" ? "json" : "txt"}`);
        const out = join(dir, `out-${format}-${encode}`);
        const inputs = list.map((r) => r.input as string);
        // JSON: item k on line k + 2; lines: URL k on line k + 1.
        writeFileSync(
          file,
          format === "json" ? `[\n${inputs.map((u) => JSON.stringify(u)).join(",\n")}\n]\n` : inputs.join("\n") + "\n",
        );
        const run = await cfsign([
          "sign",
          `--input=${file}`,
          `--format=${format}`,
          `--output=${out}`,
          ...keyArgs(),
          `--date-less-than=${EXPIRES}`,
          ...(encode ? ["--encode"] : []),
        ]);
        const reported = new Map<number, string>();
        for (const line of run.stderr.split("\n")) {
          const m = /^cfsign: line (\d+): ([A-Z0-9_]+): /.exec(line);
          if (m !== null) reported.set(Number(m[1]), m[2]!);
        }
        const written = readFileSync(out, "utf8");
        const outputs: (string | null)[] =
          format === "json" ? (JSON.parse(written) as (string | null)[]) : written.split("\n").slice(0, -1);
        if (outputs.length !== list.length)
          problems.push(`${format} encode=${encode}: ${outputs.length} outputs for ${list.length} inputs`);
        let failures = 0;
        list.forEach((row, k) => {
          const input = row.input as string;
          const lineNo = format === "json" ? k + 2 : k + 1;
          const trimmed = format === "lines" ? input.trim() : input;
          const arrives = format === "lines" ? asFileLine(input, encode) : {};
          const expected = trimmed !== input ? "signed" : (arrives.expected ?? bulkExpect(row));
          const got = outputs[k];
          if (expected === "signed") {
            const base = arrives.base ?? row.signedAs ?? trimmed;
            if (typeof got !== "string" || got === "")
              return void problems.push(`${format} / ${row.name}: not signed (${reported.get(lineNo)})`);
            for (const p of signedUrlProblems(got, base, grantOf(row, base), BY))
              problems.push(`${format} / ${row.name}: ${p}`);
            return;
          }
          failures++;
          if (reported.get(lineNo) !== expected)
            problems.push(
              `${format} / ${row.name}: line ${lineNo} reported ${reported.get(lineNo)}, expected ${expected}`,
            );
          if (got !== null && got !== "") problems.push(`${format} / ${row.name}: a failed line has output`);
        });
        if (run.status !== (failures > 0 ? 1 : 0)) problems.push(`${format} encode=${encode}: exit ${run.status}`);
        for (const row of list) {
          const input = row.input as string;
          if (input.length > 30 && run.stderr.includes(input))
            problems.push(`${format} / ${row.name}: stderr holds the whole URL`);
        }
      }
      expect(total).toBeGreaterThanOrEqual(format === "json" ? 100 : 90);
      expect(problems).toEqual([]);
    },
    60_000,
  );
});
