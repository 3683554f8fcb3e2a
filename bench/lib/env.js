// What the numbers were measured on, and the set-up every suite needs: the built
// library (dist/) and the competitors in bench/thirdparty (installed on demand,
// never dependencies of cfsign).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

export const root = new URL("../../", import.meta.url);
const thirdparty = new URL("bench/thirdparty/", root);

/** Machine, runtime and date, printed beside every table. */
export function machine() {
  let openssl = "unknown";
  try {
    openssl = execFileSync("openssl", ["version"], { encoding: "utf8" }).trim();
  } catch {}
  return {
    date: new Date().toISOString(),
    cores: availableParallelism(),
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    v8: process.versions.v8,
    nodeOpenssl: process.versions.openssl,
    openssl,
    platform: `${process.platform}-${process.arch}`,
  };
}

/** Load average now, as [1, 5, 15] minutes. */
export const load = () => loadavg().map((x) => Math.round(x * 100) / 100);

/** Builds dist/ when it is missing (npm ci builds it through `prepare`). */
export function ensureBuilt() {
  if (existsSync(new URL("dist/index.js", root)) && existsSync(new URL("build/bench-internals.js", root))) return;
  console.error("bench: dist/ is missing, running npm run build");
  run("npm", ["run", "build"], root);
}

/** Installs bench/thirdparty from its lockfile when it is not installed yet. */
export function ensureThirdparty() {
  if (existsSync(new URL("node_modules/.package-lock.json", thirdparty))) return;
  console.error("bench: installing the competitors into bench/thirdparty (npm ci)");
  run("npm", ["ci", "--prefix", "bench/thirdparty", "--no-audit", "--no-fund"], root);
}

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, stdio: ["ignore", "inherit", "inherit"] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed`);
}

/** Imports a package from bench/thirdparty (never the root's node_modules). */
export async function thirdpartyImport(name) {
  const require = createRequire(new URL("package.json", thirdparty));
  const mod = await import(pathToFileURL(require.resolve(name)).href);
  return mod.default && Object.keys(mod).length <= 2 ? { ...mod.default, ...mod } : mod;
}

/** Imports a module of the built library, e.g. `dist("index.js")`. */
export const dist = (path) => import(new URL(`dist/${path}`, root).href);

/** The engines, URL validation and the rewrite planner (bench/internals.ts, built into build/). */
export const internals = () => import(new URL("build/bench-internals.js", root).href);
