/**
 * The published declarations, type-checked as a user's project would: the packed package, a
 * Node project with `lib: ["ES2022"]` (no DOM lib) and `@types/node`, `skipLibCheck: false`,
 * `strict`, under TypeScript 5.6, 5.9 (the project's own) and the current major (7, the native
 * compiler, run as its `tsc` CLI), with `module` node16, nodenext and bundler, from an ES module
 * and from a CommonJS one. Regression: the declarations named the DOM's `CryptoKey` and
 * `JsonWebKey`, so such a project got 6 errors, and with `skipLibCheck: true` the unknown names
 * became `any` and `privateKey: 123` type-checked.
 */
import { mkdirSync, writeFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { REPO, run, stagePackage, type Stage } from "./runtimes/stage.js";
import { toolPackage } from "./runtimes/tools.js";

let stage: Stage;
let tools: string;

const COMPILERS = {
  "5.6": () => join(tools, "node_modules", "ts56", "bin", "tsc"),
  "5.9": () => join(REPO, "node_modules", "typescript", "bin", "tsc"),
  "7": () => join(tools, "node_modules", "ts7", "bin", "tsc"),
} as const;
type Compiler = keyof typeof COMPILERS;
const MODULES = {
  node16: { module: "node16" },
  nodenext: { module: "nodenext" },
  bundler: { module: "preserve", moduleResolution: "bundler" },
};
type ModuleSetting = keyof typeof MODULES;

// Every key form, both public API directions, and what must be refused.
const ESM = `import { createSigner, verifyUrl, type PrivateKeyInput, type PublicKeyInput } from "cfsign";
import { generateKeyPairSync, webcrypto } from "node:crypto";
const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
const jwk = privateKey.export({ format: "jwk" });
const cryptoKey: webcrypto.CryptoKey = await webcrypto.subtle.importKey("jwk", jwk, { name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
const forms: PrivateKeyInput[] = [privateKey, privateKey.export({ format: "pem", type: "pkcs8" }) as string, jwk, cryptoKey, new Uint8Array(0)];
const signer = await createSigner({ keyPairId: "K2JCJMDEHXQW5F", privateKey: forms[0]! });
const url: string = await signer.signUrl("https://d111111abcdef8.cloudfront.net/a.jpg", { expires: 2_000_000_000 });
const keys: Record<string, PublicKeyInput> = { K2JCJMDEHXQW5F: publicKey, other: publicKey.export({ format: "jwk" }) };
const verdict = await verifyUrl(url, { publicKeys: keys });
console.log(verdict.valid);
// @ts-expect-error a number is not a private key
await createSigner({ keyPairId: "K2JCJMDEHXQW5F", privateKey: 123 });
// @ts-expect-error an object that is no key form is not a private key
await createSigner({ keyPairId: "K2JCJMDEHXQW5F", privateKey: { kid: 1 } });
`;
// CommonJS: a static import of the ES-module-only package (require(esm)), and the dynamic import.
const CJS_STATIC = `import { createSigner } from "cfsign";
export const make = (pem: string) => createSigner({ keyPairId: "K2JCJMDEHXQW5F", privateKey: pem });
`;
const CJS_DYNAMIC = `export async function make(pem: string) {
  const { createSigner } = await import("cfsign");
  // @ts-expect-error a number is not a private key
  await createSigner({ keyPairId: "K2JCJMDEHXQW5F", privateKey: 123 });
  return createSigner({ keyPairId: "K2JCJMDEHXQW5F", privateKey: pem });
}
`;
const FILES = { "esm.mts": ESM, "cjs-static.cts": CJS_STATIC, "cjs-dynamic.cts": CJS_DYNAMIC };
type File = keyof typeof FILES;

beforeAll(() => {
  tools = toolPackage("types-consumer");
  stage = stagePackage();
  mkdirSync(join(stage.root, "node_modules", "@types"), { recursive: true });
  symlinkSync(join(REPO, "node_modules", "@types", "node"), join(stage.root, "node_modules", "@types", "node"));
  symlinkSync(join(REPO, "node_modules", "undici-types"), join(stage.root, "node_modules", "undici-types"));
  for (const [name, text] of Object.entries(FILES)) writeFileSync(join(stage.root, name), text);
}, 600_000);
afterAll(() => stage?.dispose());

/** Type-checks the three consumer files in one run; the error codes per file. */
async function typeCheck(
  compiler: Compiler,
  moduleSetting: ModuleSetting,
): Promise<{ codes: Record<File, string[]>; output: string }> {
  const config = join(stage.root, `tsconfig.${compiler}.${moduleSetting}.json`);
  const compilerOptions = {
    target: "ES2022",
    lib: ["ES2022"],
    types: ["node"],
    strict: true,
    skipLibCheck: false,
    noEmit: true,
    ...MODULES[moduleSetting],
  };
  writeFileSync(config, JSON.stringify({ compilerOptions, files: Object.keys(FILES) }));
  const r = await run(process.execPath, [COMPILERS[compiler](), "-p", config], { cwd: stage.root, timeoutMs: 180_000 });
  const output = r.stdout + r.stderr;
  const codes = { "esm.mts": [], "cjs-static.cts": [], "cjs-dynamic.cts": [] } as Record<File, string[]>;
  for (const m of output.matchAll(/^(\S+?)\(\d+,\d+\): error (TS\d+)/gm)) {
    const file = m[1]! in codes ? (m[1] as File) : "esm.mts";
    codes[file].push(file === m[1] ? m[2]! : `${m[1]}: ${m[2]}`);
  }
  expect(r.code === 0, output).toBe(Object.values(codes).every((c) => c.length === 0));
  return { codes, output };
}

// What TypeScript says about a static import from CommonJS: node16 (every version) and TS 5.6's
// nodenext have no require(esm) and report TS1479; nodenext from TS 5.8 on and bundler accept it.
const cjsStaticRefused = (compiler: Compiler, moduleSetting: ModuleSetting): boolean =>
  moduleSetting === "node16" || (moduleSetting === "nodenext" && compiler === "5.6");

describe.each(Object.keys(COMPILERS) as Compiler[])("TypeScript %s, no DOM lib, skipLibCheck false", (compiler) => {
  test.each(Object.keys(MODULES) as ModuleSetting[])(
    "module %s: an ES module consumer type-checks every key form and refuses privateKey: 123; a CommonJS one type-checks with await import(), and with a static import where TypeScript knows require(esm)",
    async (moduleSetting) => {
      const { codes, output } = await typeCheck(compiler, moduleSetting);
      // An unused @ts-expect-error (TS2578) would mean 123 or { kid: 1 } was accepted; an error in a
      // cfsign .d.ts (a DOM name, TS2304) is counted under esm.mts with its file name.
      expect(codes["esm.mts"], output).toEqual([]);
      expect(codes["cjs-dynamic.cts"], output).toEqual([]);
      expect(codes["cjs-static.cts"], output).toEqual(cjsStaticRefused(compiler, moduleSetting) ? ["TS1479"] : []);
    },
    200_000,
  );
});
