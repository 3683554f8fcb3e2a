// The hash that says which bench/ the self-test proved: SHA-256 over the path and
// contents of every file git tracks under bench/, except what runs of the bench
// write (results, the self-test's own results). `npm run bench:selftest` records
// it in .ci/bench-selftest.stamp when it passes; .ci/run compares (node
// bench/lib/stamp.js --check) and runs the self-test when they differ.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const WRITTEN_BY_RUNS = new Set(["bench/results.json", "bench/results.svg", "bench/selftest-results.json"]);

/** @param {string} rootPath the checkout's root directory */
export function benchHash(rootPath) {
  const files = execFileSync("git", ["ls-files", "-z", "--", "bench"], { cwd: rootPath, encoding: "utf8" })
    .split("\0")
    .filter((f) => f !== "" && !WRITTEN_BY_RUNS.has(f))
    .sort();
  const hash = createHash("sha256");
  for (const f of files) {
    hash.update(f + "\0");
    hash.update(readFileSync(join(rootPath, f)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

// `node bench/lib/stamp.js --check`: exit 0 when the stamp matches bench/, 1 when it does not.
if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes("--check")) {
  const rootPath = fileURLToPath(new URL("../../", import.meta.url));
  let stamp = "";
  try {
    stamp = readFileSync(join(rootPath, ".ci", "bench-selftest.stamp"), "utf8").trim();
  } catch {}
  const now = benchHash(rootPath);
  console.log(
    stamp === now
      ? `bench/ unchanged since the last bench:selftest (${now.slice(0, 12)})`
      : `bench/ changed since the last bench:selftest (${stamp.slice(0, 12) || "none"} → ${now.slice(0, 12)})`,
  );
  process.exitCode = stamp === now ? 0 : 1;
}
