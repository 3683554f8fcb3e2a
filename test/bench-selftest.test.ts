/**
 * The gate's proof (docs/performance.md, "The self-test"): which files the stamp in
 * .ci/bench-selftest.stamp covers (bench/lib/stamp.js), so that .ci/run runs
 * `npm run bench:selftest` exactly when the gate changed; and that every injection of
 * bench/selftest.js still applies to the build (a renamed function in src/ would otherwise
 * only show the next time the gate changes). Nothing here times anything.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import { requireBuild } from "./helpers/cli.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const stamp = (await import(new URL("../bench/lib/stamp.js", import.meta.url).href)) as {
  ciSuites(rootPath: string): string[];
  gateFiles(rootPath: string): string[];
  benchHash(rootPath: string): string;
};

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd, encoding: "utf8" });

/** A git repository with a small bench/ tree and the real bench/lib/stamp.js. */
function repo(ciSuites = '"stages", "cache"'): string {
  const d = mkdtempSync(join(tmpdir(), "cfsign-stamp-"));
  dirs.push(d);
  const files: Record<string, string> = {
    "bench/run.js": `const SUITES = {};\nconst CI_SUITES = [${ciSuites}];\n`,
    "bench/selftest.js": "// selftest\n",
    "bench/thresholds.json": '{ "checks": {} }\n',
    "bench/internals.ts": "export {};\n",
    "bench/lib/paired.js": "// paired\n",
    "bench/frozen/internals.js": "// frozen\n",
    "bench/cold/cfsign.js": "// cold\n",
    "bench/suites/stages.js": "// stages\n",
    "bench/suites/cache.js": "// cache\n",
    "bench/suites/signing.js": "// not in the gate\n",
    "bench/suites/runtimes.js": "// not in the gate\n",
    "bench/results.json": "{}\n",
    "bench/selftest-results.json": "{}\n",
    "bench/thirdparty/package.json": "{}\n",
    "bench/serve-load.js": "// not in the gate\n",
  };
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(dirname(join(d, f)), { recursive: true });
    writeFileSync(join(d, f), text);
  }
  cpSync(join(root, "bench/lib/stamp.js"), join(d, "bench/lib/stamp.js"));
  git(d, "init", "-q");
  git(d, "add", "-A");
  git(d, "commit", "-qm", "bench");
  return d;
}

describe("bench/lib/stamp.js", () => {
  test("covers the runner, the self-test, the bounds, lib, frozen, cold and the CI suites: nothing else", () => {
    const d = repo();
    expect(stamp.gateFiles(d)).toEqual([
      "bench/cold/cfsign.js",
      "bench/frozen/internals.js",
      "bench/internals.ts",
      "bench/lib/paired.js",
      "bench/lib/stamp.js",
      "bench/run.js",
      "bench/selftest.js",
      "bench/suites/cache.js",
      "bench/suites/stages.js",
      "bench/thresholds.json",
    ]);
  });

  test("the hash changes with a gate file and not with a results file or another suite", () => {
    const d = repo();
    const before = stamp.benchHash(d);
    for (const f of ["bench/results.json", "bench/selftest-results.json", "bench/suites/runtimes.js"]) {
      writeFileSync(join(d, f), "changed\n");
    }
    expect(stamp.benchHash(d)).toBe(before);
    writeFileSync(join(d, "bench/thresholds.json"), '{ "checks": { "x": { "min": 0.1 } } }\n');
    expect(stamp.benchHash(d)).not.toBe(before);
  });

  test("a suite added to CI_SUITES joins the stamp; one that git does not track is an error", () => {
    const d = repo('"stages", "cache", "signing"');
    expect(stamp.gateFiles(d)).toContain("bench/suites/signing.js");
    const e = repo('"stages", "missing"');
    expect(() => stamp.gateFiles(e)).toThrow(/bench\/suites\/missing\.js is not tracked/);
  });

  test("--check exits 0 only when .ci/bench-selftest.stamp holds the hash", () => {
    const d = repo();
    const check = () => spawnSync(process.execPath, ["bench/lib/stamp.js", "--check"], { cwd: d, encoding: "utf8" });
    expect(check().status).toBe(1); // no stamp
    mkdirSync(join(d, ".ci"));
    writeFileSync(join(d, ".ci/bench-selftest.stamp"), stamp.benchHash(d) + "\n");
    expect(check().status).toBe(0);
    writeFileSync(join(d, "bench/suites/stages.js"), "// changed\n");
    const changed = check();
    expect(changed.status).toBe(1);
    expect(changed.stdout).toMatch(/changed since the last bench:selftest passed/);
  });

  test("in this checkout, the CI suites are bench/run.js's and every one is covered", () => {
    const runJs = readFileSync(join(root, "bench/run.js"), "utf8");
    const suites = stamp.ciSuites(root);
    expect(suites).toContain("stages");
    for (const s of suites) {
      expect(runJs).toMatch(new RegExp(`^\\s+"?${s}"?: async`, "m")); // a suite run.js knows
      expect(stamp.gateFiles(root)).toContain(`bench/suites/${s}.js`);
    }
    expect(stamp.gateFiles(root)).not.toContain("bench/results.json");
    expect(stamp.gateFiles(root)).not.toContain("bench/selftest-results.json");
  });
});

describe("bench/selftest.js --dry-run", () => {
  test("every injection still applies to the build, which still loads and signs", { timeout: 180_000 }, () => {
    requireBuild();
    const run = spawnSync(process.execPath, ["bench/selftest.js", "--dry-run"], {
      cwd: root,
      encoding: "utf8",
      timeout: 170_000,
    });
    // On a fresh clone the first bench run installs the competitors (bench/lib/env.js says so on
    // stderr, and npm prints its summary); nothing else may appear there.
    const stderr = run.stderr
      .split("\n")
      .filter((l) => l.trim() !== "" && !l.startsWith("bench: installing the competitors"))
      .join("\n");
    expect(stderr).toBe("");
    expect(run.status).toBe(0);
    const lines = run.stdout.split("\n").filter((l) => / edits, /.test(l));
    expect(lines.length).toBeGreaterThanOrEqual(19);
    for (const l of lines) expect(l).toMatch(/loads and signs$/);
  });
});
