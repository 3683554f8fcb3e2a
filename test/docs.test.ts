/**
 * The documentation is part of the product: every JavaScript example in README.md and docs/*.md
 * runs as written against the built package, the error tables list exactly the codes the code
 * defines, and the API reference (TypeDoc over the TSDoc) builds without a warning.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = new URL("../", import.meta.url).pathname;

/** README.md and every Markdown page under docs/ (not the generated API reference). */
function pages(): string[] {
  const docs = readdirSync(join(root, "docs"), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".md") && !f.startsWith("api/"))
    .map((f) => `docs/${f}`);
  return ["README.md", ...docs.sort()];
}

/** The ```js blocks of a Markdown page, with the line each starts on. */
function jsBlocks(page: string): { line: number; code: string }[] {
  const lines = readFileSync(join(root, page), "utf8").split("\n");
  const blocks: { line: number; code: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== "```js") continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end]!.trim() !== "```") end++;
    blocks.push({ line: start, code: lines.slice(start, end).join("\n") });
    i = end;
  }
  return blocks;
}

/** The string members of `export type NAME = "A" | "B" ...;` wherever in src/ it is declared. */
function unionMembers(name: string): string[] {
  for (const file of readdirSync(join(root, "src"), { recursive: true, encoding: "utf8" })) {
    if (!file.endsWith(".ts")) continue;
    const text = readFileSync(join(root, "src", file), "utf8");
    const start = text.indexOf(`export type ${name} =`);
    if (start === -1) continue;
    const code = text
      .slice(start)
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/\/\/.*$/gm, "");
    const body = code.slice(0, code.indexOf(";"));
    return [...body.matchAll(/"([A-Z0-9_]+)"/g)].map((m) => m[1]!);
  }
  throw new Error(`no export type ${name} in src/`);
}

/** The codes in the first column of the table under the `## heading` of docs/errors.md. */
function tableCodes(heading: string): string[] {
  const text = readFileSync(join(root, "docs/errors.md"), "utf8");
  const at = text.indexOf(`## ${heading}`);
  if (at === -1) throw new Error(`docs/errors.md has no section "${heading}"`);
  const next = text.indexOf("\n## ", at + 3);
  const section = text.slice(at, next === -1 ? undefined : next);
  return [...section.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]!);
}

describe("docs/errors.md lists exactly the codes the code defines", () => {
  it.each([
    ["Library error codes", "CfSignErrorCode"],
    ["Command-line error codes", "CliErrorCode"],
    ["Verifier reasons", "VerifyReason"],
  ])("the table under %s holds every member of %s, once, and nothing else", (heading, type) => {
    const documented = tableCodes(heading);
    expect(new Set(documented).size, "a code listed twice").toBe(documented.length);
    expect([...documented].sort()).toEqual([...new Set(unionMembers(type))].sort());
  });
});

describe("every ```js example in README.md and docs/ runs as written", () => {
  let dir = "";
  beforeAll(() => {
    // A project that has installed cfsign, with a key where the examples read it.
    dir = mkdtempSync(join(tmpdir(), "cfsign-docs-"));
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(root, join(dir, "node_modules", "cfsign"), "dir");
    symlinkSync(join(root, "examples"), join(dir, "examples"), "dir");
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const privatePem = privateKey.export({ type: "pkcs8", format: "pem" }) as string;
    const publicPem = publicKey.export({ type: "spki", format: "pem" }) as string;
    mkdirSync(join(dir, "keys"));
    for (const at of [dir, join(dir, "keys")]) {
      writeFileSync(join(at, "private_key.pem"), privatePem, { mode: 0o600 });
      writeFileSync(join(at, "public_key.pem"), publicPem);
    }
  });
  afterAll(() => {
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  const cases = pages().flatMap((page) => jsBlocks(page).map((b) => ({ name: `${page}:${b.line}`, ...b })));

  it("finds the examples (README.md has some)", () => {
    expect(cases.some((c) => c.name.startsWith("README.md:"))).toBe(true);
  });

  it.each(cases)("$name", ({ name, code }) => {
    const file = join(dir, `${name.replace(/[^A-Za-z0-9]+/g, "-")}.mjs`);
    writeFileSync(file, code);
    const run = spawnSync(process.execPath, [file], { cwd: dir, encoding: "utf8", timeout: 30_000 });
    expect(run.error, `${name} did not finish`).toBeUndefined();
    expect(run.status, `${name} failed:\n${run.stderr}`).toBe(0);
  });
});

describe("the API reference", () => {
  it("builds from the TSDoc with TypeDoc without a single warning", () => {
    // typedoc.json sets treatWarningsAsErrors; --emit none checks without writing docs/api/.
    const typedoc = join(root, "node_modules/typedoc/bin/typedoc");
    const out = execFileSync(process.execPath, [typedoc, "--emit", "none"], {
      cwd: root,
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(out).not.toMatch(/warning/i);
  }, 150_000);
});
