/**
 * Runs the real `cfsign` command (`node bin/cfsign.js`, which needs `dist/`) as
 * a child process with a clean environment, optional stdin, and a report of its
 * peak memory (via test/fixtures/max-rss.mjs, preloaded with --import).
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const BIN = join(ROOT, "bin/cfsign.js");
const MAX_RSS = join(ROOT, "test/fixtures/max-rss.mjs");

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Peak resident set size in bytes, when `measure` was set. */
  maxRss?: number;
}

export interface RunOptions {
  env?: Record<string, string>;
  stdin?: string;
  cwd?: string;
  /** Extra `node` flags before bin/cfsign.js (e.g. `--max-old-space-size=48`). */
  nodeFlags?: string[];
  /** Measure peak RSS. */
  measure?: boolean;
}

/** Runs `node bin/cfsign.js ...args`. */
export function cfsign(args: readonly string[], options: RunOptions = {}): Promise<Run> {
  requireBuild();
  const rssFile =
    options.measure === true
      ? join(tmpdir(), `cfsign-rss-${process.pid}-${Math.random().toString(36).slice(2)}`)
      : undefined;
  const flags = [...(options.nodeFlags ?? []), ...(rssFile === undefined ? [] : ["--import", MAX_RSS])];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...flags, BIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        ...(rssFile === undefined ? {} : { CFSIGN_TEST_RSS_FILE: rssFile }),
        ...options.env,
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.stdin ?? "");
    child.on("error", reject);
    child.on("close", (status) => {
      const run: Run = { status, stdout, stderr };
      if (rssFile !== undefined && existsSync(rssFile)) {
        run.maxRss = Number(readFileSync(rssFile, "utf8"));
        rmSync(rssFile, { force: true });
      }
      resolve(run);
    });
  });
}

/**
 * The newest modification time of the files under `dir` (recursively), in milliseconds.
 *
 * @param dir - a directory of the checkout
 * @returns the newest file's mtime and its path
 */
function newestUnder(dir: string): { mtime: number; path: string } {
  let newest = { mtime: 0, path: "" };
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const mtime = statSync(path).mtimeMs;
    if (mtime > newest.mtime) newest = { mtime, path };
  }
  return newest;
}

let checked = false;

/**
 * Fails the test early with a clear message when dist/ has not been built, or was built before
 * the last change to src/ (the CLI tests run dist/, so they would test old code).
 */
export function requireBuild(): void {
  if (checked) return;
  const cli = join(ROOT, "dist/cli.js");
  if (!existsSync(cli)) {
    throw new Error("dist/cli.js is missing: run `npm run build` first (npm test does)");
  }
  const built = statSync(cli).mtimeMs;
  const newest = newestUnder(join(ROOT, "src"));
  if (newest.mtime > built) {
    throw new Error(
      `dist/ is older than src/ (${relative(ROOT, newest.path)} changed after the last build), and these tests run dist/: ` +
        "run `npm run build` first (npm test does)",
    );
  }
  checked = true;
}
