/**
 * The JSR package (jsr.json): the web entry (".") and the Node entry ("./node") published from the
 * TypeScript sources. `deno publish --dry-run` type-checks them, looks for slow types (exports
 * without explicit types, which JSR cannot document or check fast) and lists what would be
 * published. Regression: the dry run failed on the git-ignored, generated WASM bytes module
 * (`excluded-module`); jsr.json un-ignores it, and the build generates it before publishing.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { BIN, REPO, run } from "./runtimes/stage.js";

test("deno publish --dry-run passes with no slow-types finding and publishes the generated WASM bytes, not the CLI or the Workers entry", async () => {
  const jsr = JSON.parse(readFileSync(join(REPO, "jsr.json"), "utf8")) as {
    version: string;
    exports: Record<string, string>;
  };
  const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string };
  expect(jsr.version).toBe(pkg.version);
  expect(jsr.exports).toEqual({ ".": "./src/web.ts", "./node": "./src/index.ts" });

  const r = await run(join(BIN, "deno"), ["publish", "--dry-run", "--allow-dirty", "--no-check=remote"], {
    cwd: REPO,
    env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
    timeoutMs: 240_000,
  });
  const output = r.stdout + r.stderr;
  expect(r.code, output).toBe(0);
  expect(output).toContain("Checking for slow types in the public API...");
  expect(output).toContain("Success Dry run complete");
  expect(output).not.toMatch(/warning|error\[|slow-type|excluded-module/i);
  const files = [...output.matchAll(/file:\/\/\S*?\/src\/(\S+) \(/g)].map((m) => m[1]);
  expect(files).toContain("engine/wasm-bytes.generated.ts");
  expect(files).toContain("engine/layout.generated.ts");
  expect(files).toContain("web.ts");
  expect(files).toContain("index.ts");
  expect(files.filter((f) => f!.startsWith("cli") || f === "workerd.ts")).toEqual([]);
}, 300_000);
