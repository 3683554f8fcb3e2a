/**
 * Test support for the runtime runs: the built package packed with `npm pack`
 * and installed from the tarball into a temporary project, as a user would get it;
 * the package's `exports` resolved for a set of conditions, as a bundler would;
 * and a Worker's module graph collected for miniflare, which does not resolve
 * package names itself (wrangler bundles before it does).
 */
import { execFileSync, spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));
export const BIN = join(REPO, "node_modules", ".bin");

/** One file of `npm pack --json`. */
export interface PackedFile {
  path: string;
  size: number;
}

export interface Stage {
  /** The temporary project: `node_modules/cfsign` (from the tarball), `conformance/`, `vectors/`, `examples/`. */
  root: string;
  /** The installed package directory. */
  pkgDir: string;
  /** The installed package.json. */
  pkg: { name: string; version: string; exports: Record<string, unknown>; files: string[] };
  /** What `npm pack` put in the tarball. */
  files: PackedFile[];
  /** Removes the temporary project. */
  dispose(): void;
}

/**
 * Packs the built package (dist/ must be current: `npm test` builds first) and
 * installs the tarball into a fresh temporary project with the conformance suite,
 * the vectors and the examples beside it.
 */
export function stagePackage(): Stage {
  const root = mkdtempSync(join(tmpdir(), "cfsign-runtimes-"));
  const out = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", root], {
    cwd: REPO,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  const [packed] = JSON.parse(out) as [{ filename: string; files: PackedFile[] }];
  const pkgDir = join(root, "node_modules", "cfsign");
  mkdirSync(pkgDir, { recursive: true });
  // A package with no dependencies installs as its extracted tarball (npm would add only the .bin link).
  execFileSync("tar", ["-xzf", join(root, packed.filename), "-C", pkgDir, "--strip-components=1"]);
  const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as Stage["pkg"];
  writeFileSync(
    join(root, "package.json"),
    JSON.stringify(
      { name: "cfsign-runtime-check", private: true, type: "module", dependencies: { cfsign: pkg.version } },
      null,
      2,
    ),
  );
  cpSync(join(REPO, "test", "conformance"), join(root, "conformance"), { recursive: true });
  mkdirSync(join(root, "vectors"));
  cpSync(join(REPO, "test", "vectors", "cloudfront.json"), join(root, "vectors", "cloudfront.json"));
  cpSync(join(REPO, "examples"), join(root, "examples"), { recursive: true });
  return { root, pkgDir, pkg, files: packed.files, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

/**
 * Resolves a package `exports` target for a set of conditions the way Node and
 * bundlers do: the first key, in object order, that is an active condition
 * (Node.js "Conditional exports"; esbuild and wrangler follow the same rule).
 */
export function resolveExport(target: unknown, conditions: ReadonlySet<string>): string | null {
  if (typeof target === "string") return target;
  if (target === null || typeof target !== "object" || Array.isArray(target)) return null;
  for (const [key, value] of Object.entries(target)) {
    if (conditions.has(key)) {
      const found = resolveExport(value, conditions);
      if (found !== null) return found;
    }
  }
  return null;
}

/** The conditions wrangler gives esbuild for Workers, and the ones browser bundlers use. */
export const WORKERD_CONDITIONS = new Set(["workerd", "worker", "browser", "import", "default"]);
export const BROWSER_CONDITIONS = new Set(["browser", "import", "default"]);

/** The installed file that `import "cfsign"` gives under `conditions`. */
export function entryFile(stage: Stage, conditions: ReadonlySet<string>): string {
  const target = resolveExport(stage.pkg.exports["."], conditions);
  if (target === null) throw new Error(`no export of cfsign for ${[...conditions].join(", ")}`);
  return join(stage.pkgDir, target);
}

/** Static import and re-export specifiers of an ES module (the forms tsc and our sources emit). */
export function staticImports(source: string): string[] {
  const out: string[] = [];
  const re = /^\s*(?:import|export)\b[^;'"]*?\bfrom\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']/gm;
  for (const m of source.matchAll(re)) out.push((m[1] ?? m[2])!);
  return out;
}

/** A miniflare module. */
export interface WorkerModule {
  type: "ESModule" | "CompiledWasm";
  path: string;
  contents: string | Uint8Array;
}

/**
 * The module graph of a Worker for miniflare: every file reachable by static
 * imports, `.wasm` as CompiledWasm (what wrangler's default rules do), and
 * `import "cfsign"` resolved with `conditions` through an alias module placed
 * where workerd looks for it (a bare name resolves beside the importing module).
 */
export function workerModules(stage: Stage, workerFile: string, conditions: ReadonlySet<string>): WorkerModule[] {
  const entry = entryFile(stage, conditions);
  const modules: WorkerModule[] = [];
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    if (file.endsWith(".wasm")) {
      modules.push({ type: "CompiledWasm", path: file, contents: readFileSync(file) });
      return;
    }
    const source = readFileSync(file, "utf8");
    modules.push({ type: "ESModule", path: file, contents: source });
    for (const spec of staticImports(source)) {
      if (spec === "cfsign") {
        const alias = join(dirname(file), "cfsign");
        if (!seen.has(alias)) {
          seen.add(alias);
          const target = relative(dirname(file), entry).split(sep).join("/");
          modules.push({ type: "ESModule", path: alias, contents: `export * from "./${target}";\n` });
        }
        visit(entry);
      } else if (spec.startsWith("./") || spec.startsWith("../")) {
        visit(resolve(dirname(file), spec));
      } else {
        throw new Error(
          `${relative(stage.root, file)} imports "${spec}": a Worker module must not (no node: builtins, no other packages)`,
        );
      }
    }
  };
  visit(workerFile);
  return modules;
}

/** The result of running a command to completion. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command with a time limit; never rejects. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<RunResult> {
  const started = performance.now();
  return new Promise((done) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, ms: Math.round(performance.now() - started) });
    });
    child.on("error", (err) => {
      clearTimeout(timer);
      done({ code: -1, stdout, stderr: `${stderr}${String(err)}`, ms: Math.round(performance.now() - started) });
    });
  });
}

/** The report a conformance runner prints as `CONFORMANCE {json}`. */
export interface ConformanceReport {
  runtime: { name: string; version: string; detail: string };
  entry: string;
  passed: number;
  failed: number;
  failures: { name: string; message: string }[];
  ms: number;
  resolved?: string;
}

/** Parses the `CONFORMANCE` line out of a runner's output. */
export function parseReport(stdout: string): ConformanceReport | null {
  const line = stdout.split("\n").find((l) => l.startsWith("CONFORMANCE "));
  return line === undefined ? null : (JSON.parse(line.slice("CONFORMANCE ".length)) as ConformanceReport);
}

/** One line for the log: which runtime really ran, which file it loaded, and the counts. */
export function describeReport(r: ConformanceReport, extra = ""): string {
  // file:///tmp/.../node_modules/cfsign/dist/web.js or http://127.0.0.1:port/node_modules/cfsign/dist/web.js
  const where = (r.resolved ?? "").replace(/^.*\/node_modules\/cfsign\//, "");
  const version = r.runtime.version === "" ? "" : ` ${r.runtime.version}`;
  return (
    `conformance: ${r.runtime.name}${version} (${r.runtime.detail})${extra}, entry "${r.entry}"` +
    `${where === "" ? "" : ` = cfsign/${where}`}: ${r.passed} passed, ${r.failed} failed in ${r.ms} ms`
  );
}

/** A free TCP port on 127.0.0.1 (for servers that cannot report the port they bound). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address !== null ? done(address.port) : fail(new Error("no port")),
      );
    });
  });
}
