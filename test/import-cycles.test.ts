/**
 * The import graph of src/ has no cycle, type-only imports included: a cycle means
 * two modules can only be read together (and, for values, that one of them sees the
 * other half-initialised). The graph is read with the TypeScript scanner
 * (`ts.preProcessFile`: static imports, re-exports and dynamic `import()`), so no
 * tool beyond the compiler the project already pins is needed.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, test } from "vitest";

const SRC = resolve(import.meta.dirname, "../src");

/** Every .ts file under `dir`. */
function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(path));
    else if (entry.name.endsWith(".ts")) out.push(path);
  }
  return out;
}

/** The src/ files each src/ file imports (relative `.ts`/`.js` specifiers only). */
function importGraph(files: readonly string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    const targets: string[] = [];
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith(".")) continue;
      const target = resolve(dirname(file), fileName.replace(/\.js$/, ".ts"));
      if (known.has(target)) targets.push(target);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** One cycle per strongly connected component of more than one file (or a file importing itself), as paths. */
function cycles(graph: Map<string, string[]>): string[][] {
  // Tarjan's algorithm; the graph is small, recursion depth is bounded by the file count.
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v))
        found.push(component.map((f) => relative(SRC, f)).sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe("the import graph of src/", () => {
  test("has no cycle, counting type-only imports and dynamic import()", () => {
    expect(cycles(importGraph(sources(SRC)))).toEqual([]);
  });

  test("the cycle check finds a cycle when there is one (two files, and one through three files)", () => {
    const g = new Map([
      ["/a.ts", ["/b.ts"]],
      ["/b.ts", ["/a.ts"]],
      ["/c.ts", ["/d.ts"]],
      ["/d.ts", ["/e.ts"]],
      ["/e.ts", ["/c.ts"]],
      ["/f.ts", ["/a.ts"]],
    ]);
    expect(
      cycles(g)
        .map((c) => c.length)
        .sort(),
    ).toEqual([2, 3]);
  });

  test("the graph reader sees type-only imports, re-exports and dynamic imports", () => {
    const graph = importGraph(sources(SRC));
    const edges = (file: string): string[] => (graph.get(join(SRC, file)) ?? []).map((f) => relative(SRC, f));
    expect(edges("api.ts")).toContain("types.ts"); // export type { ... } from
    expect(edges("index.ts")).toContain("node/worker-signing.ts"); // await import(...)
  });
});
