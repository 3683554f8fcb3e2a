/**
 * Packaging gates: what `npm pack` publishes is what every entry needs; every
 * `exports` target exists; the Workers and browser entries reach no `node:` module
 * (and the Workers entry no inlined bytes); the shipped `.wasm` is the inlined one;
 * publint and @arethetypeswrong/cli pass on the packed package (both offline).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as nodeModule from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { rsaKey } from "./helpers/keys.js";
import {
  BIN,
  BROWSER_CONDITIONS,
  REPO,
  WORKERD_CONDITIONS,
  resolveExport,
  run,
  stagePackage,
  staticImports,
  type Stage,
} from "./runtimes/stage.js";

let stage: Stage;
let published: Set<string>;

beforeAll(() => {
  stage = stagePackage();
  published = new Set(stage.files.map((f) => f.path));
}, 120_000);
afterAll(() => stage?.dispose());

/** Every file reachable from `file` by static imports and re-exports, and every specifier that is not a relative path. */
function graph(file: string): { files: string[]; external: string[] } {
  const files: string[] = [];
  const external = new Set<string>();
  const seen = new Set<string>();
  const visit = (f: string): void => {
    if (seen.has(f)) return;
    seen.add(f);
    files.push(f);
    if (f.endsWith(".wasm")) return;
    const source = readFileSync(f, "utf8");
    for (const spec of staticImports(source)) {
      if (spec.startsWith("./") || spec.startsWith("../")) visit(resolve(dirname(f), spec));
      else external.add(spec);
    }
    // Dynamic imports count too: a lazily loaded node: module is still one a runtime might lack.
    for (const m of source.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) {
      const spec = m[1]!;
      if (spec.startsWith("./") || spec.startsWith("../")) visit(resolve(dirname(f), spec));
      else external.add(spec);
    }
  };
  visit(file);
  return { files: files.map((f) => relative(stage.pkgDir, f).split(sep).join("/")), external: [...external] };
}

function exportTargets(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (value !== null && typeof value === "object") for (const v of Object.values(value)) exportTargets(v, out);
  return out;
}

const ENTRIES = {
  node: new Set(["node", "import", "default"]),
  deno: new Set(["deno", "node", "import", "default"]),
  bun: new Set(["bun", "node", "import", "default"]),
  browser: BROWSER_CONDITIONS,
  workerd: WORKERD_CONDITIONS,
  "bare default": new Set(["import", "default"]),
} as const;

describe("the exports map", () => {
  test("types first, then workerd/worker, deno, bun, browser before node, and a runtime-neutral default", () => {
    const dot = stage.pkg.exports["."] as Record<string, string>;
    // No "worker": webpack (target webworker) and Next.js's edge runtime set it, and there the Workers entry's
    // `import` of a .wasm file is not a WebAssembly.Module. They take "browser", which works in a web worker.
    expect(Object.keys(dot)).toEqual(["types", "workerd", "deno", "bun", "browser", "node", "default"]);
    expect(dot.default).toBe(dot.browser);
  });

  test.each(Object.entries(ENTRIES))("%s resolves to the intended entry", (name, conditions) => {
    const target = resolveExport(stage.pkg.exports["."], conditions);
    const expected = { node: "./dist/index.js", workerd: "./dist/workerd.js" }[name as string] ?? "./dist/web.js";
    expect(target).toBe(expected);
  });

  test("every exports target, main, types and bin is in the published files", () => {
    const pkg = JSON.parse(readFileSync(join(stage.pkgDir, "package.json"), "utf8")) as {
      main: string;
      types: string;
      bin: Record<string, string>;
    };
    const targets = [...exportTargets(stage.pkg.exports), pkg.main, pkg.types, ...Object.values(pkg.bin)];
    for (const t of targets) {
      const path = t.replace(/^\.\//, "");
      expect(published.has(path), `${t} is published`).toBe(true);
      expect(existsSync(join(stage.pkgDir, path)), `${t} exists in the installed package`).toBe(true);
    }
  });
});

/** The entries scripts/bundle.js makes: a Node build (index, cli, kms and what they share), web and workerd. */
const ENTRY_FILES = ["dist/cli.js", "dist/index.js", "dist/kms.js", "dist/shared.js", "dist/web.js", "dist/workerd.js"];

/**
 * The chunks the Node entry loads with import() on first use (scripts/bundle.js names them after the
 * modules they hold, so the list follows the source tree), and the runtime helper they share.
 */
function nodeLazy(): string[] {
  return [...published].filter((p) => /^dist\/[^/]+\.js$/.test(p) && !ENTRY_FILES.includes(p)).sort();
}

describe("the published files", () => {
  test("each entry is the few modules it was bundled into, all published (with the entry's .d.ts)", () => {
    const expected: Record<string, string[]> = {
      // index.js and shared.js are loaded at import, the others by import() on first use.
      "dist/index.js": ["dist/index.js", "dist/shared.js", ...nodeLazy()],
      "dist/web.js": ["dist/web.js"],
      "dist/workerd.js": ["dist/workerd.js", "build/cfsign.wasm"],
    };
    for (const [entry, modules] of Object.entries(expected)) {
      const { files } = graph(join(stage.pkgDir, entry));
      expect(files.slice().sort(), entry).toEqual(modules.slice().sort());
      for (const f of files) expect(published.has(f), `${entry} needs ${f}`).toBe(true);
      expect(published.has(entry.replace(/\.js$/, ".d.ts"))).toBe(true);
    }
    const { files: cli } = graph(join(stage.pkgDir, "dist/cli.js"));
    expect(cli.sort()).toEqual(["dist/cli.js", "dist/index.js", "dist/kms.js", "dist/shared.js", ...nodeLazy()].sort());
  });

  test("cfsign/kms is its own entry: the Node build's shared code and the user's @aws-sdk/client-kms, which no other entry reaches", () => {
    expect(resolveExport(stage.pkg.exports["./kms"], new Set(["node", "import", "default"]))).toBe("./dist/kms.js");
    expect(Object.keys(stage.pkg.exports["./kms"] as object)[0]).toBe("types");
    const { files, external } = graph(join(stage.pkgDir, "dist/kms.js"));
    // shared.js's import()s (WebCrypto among them: the node:crypto adapter leaves a non-extractable CryptoKey
    // to it), not index.js's own (the worker pool).
    const fromShared = nodeLazy().filter((f) => f !== "dist/worker-signing.js");
    expect(files.sort()).toEqual(["dist/kms.js", "dist/shared.js", ...fromShared].sort());
    expect(external.filter((s) => !s.startsWith("node:"))).toEqual(["@aws-sdk/client-kms"]);
    expect(published.has("dist/kms.d.ts")).toBe(true);
    for (const entry of ["dist/index.js", "dist/web.js", "dist/workerd.js"]) {
      expect(
        graph(join(stage.pkgDir, entry)).external.filter((s) => !s.startsWith("node:")),
        entry,
      ).toEqual([]);
    }
    const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as Record<string, Record<string, unknown>>;
    expect(pkg["dependencies"]).toBeUndefined();
    expect(pkg["peerDependenciesMeta"]!["@aws-sdk/client-kms"]).toEqual({ optional: true });
  });

  test("the Node entry loads two modules at import, without the code a first signed URL does not need", () => {
    // What `import "cfsign"` loads and compiles: the files reached by static imports only.
    const atImport: string[] = [];
    const visit = (file: string): void => {
      if (atImport.includes(file)) return;
      atImport.push(file);
      const source = readFileSync(join(stage.pkgDir, file), "utf8");
      for (const spec of staticImports(source)) if (spec.startsWith(".")) visit(join(dirname(file), spec));
    };
    visit("dist/index.js");
    expect(atImport).toEqual(["dist/index.js", "dist/shared.js"]);
    // node:crypto comes from process.getBuiltinModule (src/crypto/node.ts): an import would build its ES
    // module facade, which loads WebCrypto; node:worker_threads only with the `workers` option.
    for (const file of atImport) {
      const imports = staticImports(readFileSync(join(stage.pkgDir, file), "utf8"));
      expect(imports, file).not.toContain("node:crypto");
      expect(imports, file).not.toContain("node:worker_threads");
    }
  });

  // module.registerHooks came in Node 22.15 and 23.5 (CI runs this suite on Node 24).
  test.skipIf(!("registerHooks" in nodeModule))(
    "a first signed URL loads index.js and shared.js only, and not Node's WebCrypto; the verifier and cookies load their chunks on first use",
    async () => {
      // Every module file a fresh process loads, seen by a module hook (module.registerHooks, Node 22.15).
      const script = join(stage.root, "loaded-modules.mjs");
      writeFileSync(
        script,
        `import { registerHooks } from "node:module";
const loaded = [];
registerHooks({ load(url, context, next) { if (url.includes("/dist/")) loaded.push(url.slice(url.indexOf("/dist/") + 1)); return next(url, context); } });
const seen = () => loaded.splice(0);
const cfsign = await import(process.argv[2]);
const signer = await cfsign.createSigner({ keyPairId: "K2JCJMDEHXQW5F", privateKey: process.env.CFSIGN_TEST_PEM });
const url = await signer.signUrl("https://d111111abcdef8.cloudfront.net/a.jpg", { expires: Math.floor(Date.now() / 1000) + 3600 });
const first = seen();
// Node's own modules loaded so far: a PEM key never needs WebCrypto (the CryptoKey global loads it).
const webcryptoAtFirstUrl = process.moduleLoadList.includes("NativeModule internal/crypto/webcrypto");
const { valid } = await cfsign.verifyUrl(url, { publicKeys: { K2JCJMDEHXQW5F: process.env.CFSIGN_TEST_PUBLIC } });
const verify = seen();
await signer.signCookies({ resource: "https://cdn.example.com/a/*", expires: Math.floor(Date.now() / 1000) + 3600 });
const webcryptoAtVerify = process.moduleLoadList.includes("NativeModule internal/crypto/webcrypto");
console.log(JSON.stringify({ first, valid, verify, cookies: seen(), webcryptoAtFirstUrl, webcryptoAtVerify }));
`,
      );
      const key = rsaKey();
      const r = await run(process.execPath, [script, pathToFileURL(join(stage.pkgDir, "dist/index.js")).href], {
        cwd: stage.root,
        env: {
          ...process.env,
          CFSIGN_TEST_PEM: key.privatePem,
          CFSIGN_TEST_PUBLIC: key.publicKey.export({ type: "spki", format: "pem" }) as string,
        },
      });
      expect(r.code, r.stderr).toBe(0);
      const seen = JSON.parse(r.stdout) as {
        first: string[];
        valid: boolean;
        verify: string[];
        cookies: string[];
        webcryptoAtFirstUrl: boolean;
        webcryptoAtVerify: boolean;
      };
      expect(seen.first).toEqual(["dist/index.js", "dist/shared.js"]);
      // About 0.5 ms of a cold start on Node 24; the verifier, which verifies with WebCrypto, does load it.
      expect(seen.webcryptoAtFirstUrl).toBe(false);
      expect(seen.webcryptoAtVerify).toBe(true);
      expect(seen.valid).toBe(true);
      expect(seen.verify).toContain("dist/verify.js");
      expect(seen.cookies).toContain("dist/cookies.js");
      for (const f of [...seen.verify, ...seen.cookies]) expect(nodeLazy(), f).toContain(f);
    },
  );

  test("the published package.json has no install-time script (npm warns about each one, prepare included)", () => {
    // npm 11 lists preinstall, install, postinstall and prepare as install scripts of a tarball it installs;
    // the build runs in prepack (npm pack, npm publish) and explicitly (npm run build) in a checkout.
    const scripts = Object.keys((stage.pkg as { scripts?: Record<string, string> }).scripts ?? {});
    expect(scripts.filter((s) => ["preinstall", "install", "postinstall", "prepare"].includes(s))).toEqual([]);
  });

  test("hold no sources, tests or build leftovers: only dist/, bin/, build/cfsign.wasm and the docs", () => {
    for (const path of published) {
      expect(path, path).toMatch(
        /^(dist\/.+\.(js|d\.ts)|bin\/[\w.-]+\.js|build\/cfsign\.wasm|README\.md|LICENSE|package\.json)$/,
      );
      expect(path).not.toMatch(/\.test\./);
    }
  });

  test("dist/ holds exactly the bundles, and declarations only for current source files", () => {
    // Every published file is reached from an entry, and each part the Node entry loads on first use has its chunk.
    const reached = new Set(
      ["dist/index.js", "dist/cli.js", "dist/kms.js", "dist/web.js", "dist/workerd.js"].flatMap(
        (e) => graph(join(stage.pkgDir, e)).files,
      ),
    );
    const js = [...published].filter((p) => p.startsWith("dist/") && p.endsWith(".js")).sort();
    expect(js).toEqual([...reached].filter((f) => f.endsWith(".js")).sort());
    for (const chunk of ["verify", "cookies", "playlist", "manifest", "lines", "json-array", "csv", "webcrypto", "js"])
      expect(nodeLazy()).toContain(`dist/${chunk}.js`);
    expect(nodeLazy()).toContain("dist/worker-signing.js");
    for (const path of published) {
      if (!path.startsWith("dist/") || !path.endsWith(".d.ts")) continue;
      const source = join(REPO, "src", path.slice("dist/".length).replace(/\.d\.ts$/, ".ts"));
      expect(existsSync(source), `${path} has no src/ file: rebuild (npm run build)`).toBe(true);
    }
  });

  test("build/cfsign.wasm, which the Workers entry imports, is byte for byte the module inlined in the Node and web entries", () => {
    const shipped = readFileSync(join(stage.pkgDir, "build", "cfsign.wasm"));
    for (const entry of ["dist/shared.js", "dist/web.js"]) {
      const inlined = /wasmBase64\s*=\s*"([A-Za-z0-9+/=]+)"/.exec(readFileSync(join(stage.pkgDir, entry), "utf8"));
      expect(inlined, entry).not.toBeNull();
      expect(Buffer.from(inlined![1]!, "base64").equals(shipped), entry).toBe(true);
    }
  });
});

describe("runtime-neutral entries", () => {
  test.each([
    ["workerd", "dist/workerd.js"],
    ["browser, deno, bun", "dist/web.js"],
  ])("the %s entry reaches no node: module and no other package", (_name, entry) => {
    const { files, external } = graph(join(stage.pkgDir, entry));
    expect(external).toEqual([]);
    for (const f of files.filter((x) => x.endsWith(".js"))) {
      // Bundled, so the check is on the code too: no node: import in any form, no node:crypto adapter, no worker pool.
      const code = readFileSync(join(stage.pkgDir, f), "utf8");
      expect(code, f).not.toMatch(/\bfrom\s*["']node:|\bimport\s*\(?\s*["']node:|\brequire\(\s*["']node:/);
      expect(code, f).not.toMatch(/createPrivateKey\(|new Worker\(|createSigningPool/);
    }
  });

  test("the workerd entry imports the .wasm file and never the inlined bytes or WebAssembly.compile", () => {
    const { files } = graph(join(stage.pkgDir, "dist/workerd.js"));
    expect(files).toContain("build/cfsign.wasm");
    for (const f of files.filter((x) => x.endsWith(".js"))) {
      const code = readFileSync(join(stage.pkgDir, f), "utf8")
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/^\s*\/\/.*$/gm, "");
      expect(code, f).not.toMatch(/wasmBase64/);
      expect(code, f).not.toMatch(
        /WebAssembly\.(compile|compileStreaming|instantiateStreaming|Module)\b|new\s+WebAssembly\.Module/,
      );
    }
  });

  test("the node entry is the only one that reaches node:crypto", () => {
    const { external } = graph(join(stage.pkgDir, "dist/index.js"));
    expect(external).toContain("node:crypto");
    expect(external.every((s) => s.startsWith("node:"))).toBe(true);
  });

  test("all three entries export the same API: src/api.ts and createSigner", () => {
    const api = readFileSync(join(REPO, "src/api.ts"), "utf8");
    const apiNames = [...api.matchAll(/^export \{([^}]*)\} from/gm)].flatMap((m) =>
      m[1]!.split(",").map((n) => n.trim()),
    );
    const expected = [...apiNames, "createSigner"].sort();
    expect(expected.length).toBeGreaterThan(5);
    for (const entry of ["dist/index.js", "dist/web.js", "dist/workerd.js"]) {
      const source = readFileSync(join(stage.pkgDir, entry), "utf8");
      const lists = [...source.matchAll(/^export \{([^}]*)\};$/gm)];
      expect(lists, entry).toHaveLength(1);
      expect(
        lists[0]![1]!
          .split(",")
          .map((n) => n.trim())
          .sort(),
        entry,
      ).toEqual(expected);
      expect(source, `${entry}: nothing exported but that list`).not.toMatch(/^export (?!\{)/m);
    }
  });
});

describe("types, for a consumer without @types/node", () => {
  // "types" comes first in exports, so every condition gets the same dist/index.d.ts: only the resolution mode varies.
  test.each([
    ["bundler resolution", { module: "ESNext", moduleResolution: "Bundler", customConditions: ["workerd"] }],
    ["NodeNext resolution", { module: "NodeNext", moduleResolution: "NodeNext" }],
  ])("%s: the published .d.ts files type-check with lib DOM only (checked, not skipped)", async (name, options) => {
    const dir = join(stage.root, `consumer-${name.replace(/\W+/g, "-")}`);
    mkdirSync(dir);
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
    writeFileSync(
      join(dir, "consumer.ts"),
      `import { CfSignError, createSigner, verifyUrl, type SignerOptions, type VerifyResult } from "cfsign";
const options: SignerOptions = { keyPairId: "K2JCJMDEHXQW5F", privateKey: "-----BEGIN PRIVATE KEY-----" };
export async function main(): Promise<string> {
  const signer = await createSigner(options);
  const url: string = await signer.signUrl("https://d111111abcdef8.cloudfront.net/a.jpg", { expires: new Date() });
  const result: VerifyResult = await verifyUrl(url, { publicKeys: { K2JCJMDEHXQW5F: "-----BEGIN PUBLIC KEY-----" } });
  if (!result.valid) throw new CfSignError("INVALID_ARGUMENT", result.message);
  return url;
}
`,
    );
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          lib: ["ES2022", "DOM"],
          types: [],
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          skipDefaultLibCheck: true,
          ...options,
        },
        files: ["consumer.ts"],
      }),
    );
    const r = await run(join(BIN, "tsc"), ["-p", join(dir, "tsconfig.json")], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });
});

describe("linters, on the packed package", () => {
  test("publint --strict reports nothing", async () => {
    const r = await run(join(BIN, "publint"), [stage.pkgDir, "--pack", "false", "--strict", "--level", "suggestion"], {
      cwd: REPO,
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/All good!/);
  });

  test("@arethetypeswrong/cli finds no type problem for ESM consumers (node16 and bundler resolution)", async () => {
    const tarball = readdirSync(stage.root).find((f) => f.endsWith(".tgz"))!;
    const r = await run(join(BIN, "attw"), [join(stage.root, tarball), "--profile", "esm-only", "--format", "json"], {
      cwd: REPO,
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { analysis: { problems?: unknown[] } };
    const problems = (report.analysis.problems ?? []) as { kind: string; resolutionKind?: string }[];
    const relevant = problems.filter((p) => p.resolutionKind !== "node10" && p.resolutionKind !== "node16-cjs");
    expect(relevant).toEqual([]);
  });
});
