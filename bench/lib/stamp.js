// The hash that says which gate the self-test proved: SHA-256 over the path and
// contents of the gate's files, as git tracks them. The gate is what `npm run
// bench:ci` runs and what `npm run bench:selftest` proves it with:
//
// - bench/run.js (the runner; its CI_SUITES names the suites the gate runs),
//   bench/selftest.js, bench/thresholds.json;
// - bench/lib/* (measurement, set-up, this file), bench/frozen/* (the stages'
//   reference), bench/cold/* (the cold-start scripts), bench/internals.ts (what
//   the stage suite's current side exports from src/);
// - bench/suites/<name>.js for every suite in run.js's CI_SUITES.
//
// Not the other suites (the full bench's: signing, hot-path, rewrite, stream,
// runtimes, ...), not what runs write (results, the self-test's own results), not
// the competitors' lockfile (bench/thirdparty: only the cold start's reference,
// which every CI run's bench:ci checks anyway), not src/ (the self-test proves the
// gate, on whatever build it is given). `npm run bench:selftest` records the hash
// in .ci/bench-selftest.stamp when it passes; .ci/run compares (`node
// bench/lib/stamp.js --check`) and runs the self-test when they differ.
// `--list` prints the files covered.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const GATE_FILES = [
  /^bench\/run\.js$/,
  /^bench\/selftest\.js$/,
  /^bench\/thresholds\.json$/,
  /^bench\/internals\.ts$/,
  /^bench\/lib\/[^/]+$/,
  /^bench\/frozen\/[^/]+$/,
  /^bench\/cold\/[^/]+$/,
];

/** The suites `npm run bench:ci` runs, as bench/run.js names them (`const CI_SUITES = [...]`). */
export function ciSuites(rootPath) {
  const runJs = readFileSync(join(rootPath, "bench", "run.js"), "utf8");
  const m = runJs.match(/^const CI_SUITES = \[([^\]]*)\];/m);
  if (m === null) throw new Error("bench/lib/stamp.js: bench/run.js has no `const CI_SUITES = [...];` line");
  const names = [...m[1].matchAll(/"([^"]+)"/g)].map((x) => x[1]);
  if (names.length === 0) throw new Error("bench/lib/stamp.js: CI_SUITES in bench/run.js is empty");
  return names;
}

/** The gate's files (paths relative to the root, sorted) among those git tracks. */
export function gateFiles(rootPath) {
  const suites = new Set(ciSuites(rootPath).map((n) => `bench/suites/${n}.js`));
  const tracked = execFileSync("git", ["ls-files", "-z", "--", "bench"], { cwd: rootPath, encoding: "utf8" })
    .split("\0")
    .filter((f) => f !== "");
  const files = tracked.filter((f) => suites.has(f) || GATE_FILES.some((re) => re.test(f))).sort();
  for (const s of suites) if (!files.includes(s)) throw new Error(`bench/lib/stamp.js: ${s} is not tracked by git`);
  return files;
}

/** @param {string} rootPath the checkout's root directory */
export function benchHash(rootPath) {
  const hash = createHash("sha256");
  for (const f of gateFiles(rootPath)) {
    hash.update(f + "\0");
    hash.update(readFileSync(join(rootPath, f)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

// `node bench/lib/stamp.js --check`: exit 0 when the stamp matches the gate's files, 1 when it does not.
// `node bench/lib/stamp.js --list`: the files the stamp covers.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rootPath = fileURLToPath(new URL("../../", import.meta.url));
  if (process.argv.includes("--list")) {
    for (const f of gateFiles(rootPath)) console.log(f);
  } else if (process.argv.includes("--check")) {
    let stamp = "";
    try {
      stamp = readFileSync(join(rootPath, ".ci", "bench-selftest.stamp"), "utf8").trim();
    } catch {}
    const now = benchHash(rootPath);
    console.log(
      stamp === now
        ? `the gate's files are unchanged since the last bench:selftest passed (${now.slice(0, 12)})`
        : `the gate's files changed since the last bench:selftest passed (${stamp.slice(0, 12) || "no stamp"} → ${now.slice(0, 12)})`,
    );
    process.exitCode = stamp === now ? 0 : 1;
  } else {
    console.log(benchHash(rootPath));
  }
}
