// Bundles src/ into the published dist/*.js with rolldown. Run by `npm run build:ts`
// after scripts/clean-dist.js has emptied dist/ and tsc has type-checked src/ and
// written the declarations (dist/**/*.d.ts).
//
// Why bundle: Node's ES module loader costs about a millisecond per module, and
// the Node entry reached 29 of them, which was most of a cold start (fresh
// process to first signed URL; bench/suites/cold-start.js). Bundled, the Node
// entry loads two modules (index.js and shared.js) and the others one each.
//
// Three builds, so no entry can reach another's platform code:
// - Node (platform "node"): index.js, cli.js and kms.js (cfsign/kms). One build for them, because the
//   command line imports the library with import() and must see the same
//   classes (CfSignError) as the modules it imports statically: whatever both
//   use lives once, in shared.js. What the sources load with import() (the
//   verifier, playlists, cookies, bulk readers, WebCrypto, the TypeScript engine,
//   the worker pool) gets chunks of its own, loaded on first use: compiling code
//   costs about 30 µs per KiB, so a first signed URL compiles only what it needs
//   (nodeChunkOf below).
// - Web (platform "neutral"): web.js, for Deno, Bun and browsers, one file (the
//   import()s inlined: a browser or a Worker should not fetch more files).
// - Workers (platform "neutral"): workerd.js, one file that keeps its import of
//   ../build/cfsign.wasm for wrangler and miniflare to compile at deploy time.
//
// Output is readable, not minified: JSDoc comments are dropped (they ship in the
// .d.ts files), `@__PURE__` annotations are kept for bundlers downstream.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { build } from "rolldown";

const root = new URL("../", import.meta.url);
const src = (file) => new URL(`src/${file}`, root).pathname;
const dist = new URL("dist/", root).pathname;

const output = {
  dir: dist,
  format: "esm",
  entryFileNames: "[name].js",
  chunkFileNames: "[name].js",
  comments: { legal: true, annotation: true, jsdoc: false },
};

/**
 * The chunk of each module of the Node build, decided once from the module graph:
 * - `shared`: what the Node entry imports statically, all of which loads with `import "cfsign"`
 *   (the entry itself aside); the command line and cfsign/kms import it from there too.
 * - what the entry reaches only through `import()` (the verifier, playlists, cookies, the bulk
 *   readers, ..., src/deferred.ts and src/signer.ts) loads on first use: each module imported that
 *   way gets a chunk named after it, holding what only it needs; what several of them need goes to a
 *   chunk of its own, named after its first module (`cookie`, `bulk`).
 * - the rest (the command line's and cfsign/kms's own modules) stays in its entry's file.
 * test/packaging.test.ts checks that the entry's static graph is index.js and shared.js, without
 * the lazily loaded modules.
 */
function nodeChunkOf(entry) {
  let plan;
  return (id, ctx) => {
    plan ??= planNodeChunks(entry, ctx);
    return plan.get(id) ?? null;
  };
}

function planNodeChunks(entry, ctx) {
  const info = (id) => ctx.getModuleInfo(id);
  const staticClosure = (start, stop) => {
    const out = new Set();
    const visit = (m) => {
      if (out.has(m) || stop.has(m)) return;
      out.add(m);
      for (const d of info(m)?.importedIds ?? []) visit(d);
    };
    visit(start);
    return out;
  };
  const core = staticClosure(entry, new Set());
  const plan = new Map([...core].filter((m) => m !== entry).map((m) => [m, "shared"]));
  // Every module the entry reaches through import(), directly or from another such module.
  const roots = [];
  const queue = [...core];
  while (queue.length > 0) {
    for (const d of info(queue.shift())?.dynamicallyImportedIds ?? []) {
      if (core.has(d) || roots.includes(d) || info(d) === null) continue;
      roots.push(d);
      queue.push(...staticClosure(d, core));
    }
  }
  const owners = new Map();
  for (const root of roots) {
    for (const m of staticClosure(root, new Set([...core, ...roots.filter((r) => r !== root)]))) {
      owners.set(m, [...(owners.get(m) ?? []), root]);
    }
  }
  const names = new Map();
  for (const [m, by] of owners) {
    const key = by.join("\n");
    if (!names.has(key)) names.set(key, basename(by.length === 1 ? by[0] : m).replace(/\.ts$/, ""));
    plan.set(m, names.get(key));
  }
  return plan;
}

const builds = [
  {
    input: { index: src("index.ts"), cli: src("cli.ts"), kms: src("kms.ts") },
    platform: "node",
    // @aws-sdk/client-kms is the kms entry's optional peer dependency: the user's copy, never bundled.
    external: [/^node:/, /^@aws-sdk\//],
    // Required by includeDependenciesRecursively: false. An entry may then export more than its own API
    // for another chunk; test/packaging.test.ts checks that index.js exports exactly the API.
    preserveEntrySignatures: "allow-extension",
    output: {
      ...output,
      codeSplitting: {
        includeDependenciesRecursively: false,
        groups: [{ name: nodeChunkOf(src("index.ts")), debugName: "node chunks" }],
      },
    },
  },
  { input: { web: src("web.ts") }, platform: "neutral", external: [], output: { ...output, codeSplitting: false } },
  {
    input: { workerd: src("workerd.ts") },
    platform: "neutral",
    external: [/\.wasm$/],
    output: { ...output, codeSplitting: false },
  },
  // Not published: the engines and stages the benchmark measures below the public API (bench/internals.ts).
  {
    input: { "bench-internals": new URL("bench/internals.ts", root).pathname },
    platform: "node",
    external: [/^node:/],
    // One file (the worker pool inlined too), so that bench/frozen/internals.js is a single copy.
    output: { ...output, dir: new URL("build/", root).pathname, codeSplitting: false },
  },
];

for (const options of builds) {
  const { output: out, ...input } = options;
  const result = await build({ ...input, cwd: new URL(".", root).pathname, logLevel: "warn", output: out });
  for (const chunk of result.output) {
    if (chunk.type === "chunk")
      console.log(
        `bundle: ${out.dir.slice(root.pathname.length)}${chunk.fileName} (${(chunk.code.length / 1024).toFixed(0)} KiB)`,
      );
  }
}

// The sources import each other by their .ts names (what Deno and JSR require); tsc's
// rewriteRelativeImportExtensions rewrites emitted JavaScript but not declarations, so the
// published .d.ts files get the .js names that a consumer's TypeScript resolves.
for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith(".d.ts")) continue;
  const file = `${entry.parentPath}/${entry.name}`;
  const text = readFileSync(file, "utf8");
  const fixed = text.replace(/((?:from|import)\s*\(?\s*")(\.\.?\/[^"]+)\.ts(")/g, "$1$2.js$3");
  if (fixed !== text) writeFileSync(file, fixed);
}
