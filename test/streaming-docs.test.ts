/**
 * docs/streaming.md's examples run as written: its ```js blocks, joined in order, are one module
 * run by Node against the built package (imported as "cfsign", the package's own name), and what
 * they print is what the comments beside them say.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { requireBuild, ROOT } from "./helpers/cli.js";

test("every example of docs/streaming.md runs and prints what its comments say", () => {
  requireBuild();
  const doc = readFileSync(join(ROOT, "docs/streaming.md"), "utf8");
  const blocks = [...doc.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
  expect(blocks.length).toBeGreaterThanOrEqual(6);
  const file = join(ROOT, `.streaming-docs-${process.pid}.mjs`);
  writeFileSync(file, blocks.join("\n"));
  let out: string;
  try {
    out = execFileSync(process.execPath, [file], { cwd: ROOT, encoding: "utf8", timeout: 30_000 });
  } finally {
    rmSync(file, { force: true });
  }
  // The printed values the comments promise, in order.
  expect(out).toContain("true\n"); // the substituted seg1.ts URL
  expect(out).toContain("true [ 'line 5: PLAYER_ADDS_QUERY' ]\n");
  expect(out).toContain("https://d111111abcdef8.cloudfront.net/videos/sample/*\n");
  expect(out).toContain("4 0 https://d111111abcdef8.cloudfront.net/videos/sample/*\n");
  expect(out).toMatch(/^0$/m);
}, 60_000);
