/**
 * No source file under src/ is over 400 lines (generated files aside): a file that
 * long holds more than one job, and is split by job (docs/architecture.md, "Where
 * things are"). Lines are counted as `wc -l` counts them.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { expect, test } from "vitest";

const SRC = resolve(import.meta.dirname, "../src");
const MAX_LINES = 400;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".generated.ts") ? [path] : [];
  });
}

test(`no file under src/ (except *.generated.ts) is over ${MAX_LINES} lines`, () => {
  const files = sources(SRC);
  expect(files.length).toBeGreaterThan(50);
  const over = files
    .map((file) => ({ file: relative(SRC, file), lines: readFileSync(file, "utf8").split("\n").length - 1 }))
    .filter((f) => f.lines > MAX_LINES)
    .map((f) => `src/${f.file}: ${f.lines} lines`);
  expect(over).toEqual([]);
});
