// Conformance runner for Cloudflare Workers (workerd): a module Worker. The test
// runner loads it in miniflare with the package's `workerd` export and the `.wasm`
// file as a CompiledWasm module, then POSTs the vectors and reads the JSON report.
import * as lib from "cfsign";
import { runConformance } from "./suite.js";

// Count every way of compiling WebAssembly from bytes (compile, the Module constructor,
// the streaming forms, instantiate with bytes), from before the first signer exists:
// the workerd entry must instantiate the imported module and never compile.
const calls = { compileFromBytes: 0, instantiateModule: 0 };
const wasm = globalThis.WebAssembly;
const isModule = (x) => x instanceof wasm.Module;
for (const name of ["compile", "compileStreaming", "instantiateStreaming", "validate"]) {
  const original = wasm[name];
  wasm[name] = function (...args) {
    calls.compileFromBytes++;
    return original.apply(this, args);
  };
}
wasm.Module = new Proxy(wasm.Module, {
  construct(target, args, newTarget) {
    calls.compileFromBytes++;
    return Reflect.construct(target, args, newTarget);
  },
});
const originalInstantiate = wasm.instantiate;
wasm.instantiate = function (source, imports) {
  if (isModule(source)) calls.instantiateModule++;
  else calls.compileFromBytes++;
  return originalInstantiate.call(this, source, imports);
};

/** The smallest valid module: magic and version. */
const EMPTY_MODULE = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

function workerdTests(test, { equal, ok, rejectsWithCode }) {
  test("workerd refuses to compile WebAssembly from bytes (so no entry could rely on it here)", async () => {
    const before = calls.compileFromBytes;
    let refused = null;
    try {
      await wasm.compile(EMPTY_MODULE);
    } catch (err) {
      refused = err;
    }
    ok(refused !== null, "WebAssembly.compile(bytes) rejects");
    ok(/disallowed/i.test(String(refused?.message)), `the reason is the embedder's: ${refused?.message}`);
    let thrown = null;
    try {
      new wasm.Module(EMPTY_MODULE);
    } catch (err) {
      thrown = err;
    }
    ok(thrown !== null, "new WebAssembly.Module(bytes) throws");
    calls.compileFromBytes = before; // this test's own calls do not count against the library
  });

  test("the wasm engine runs on the imported module: instantiated from a WebAssembly.Module, never compiled from bytes", async () => {
    const signer = await lib.createSigner({
      keyPairId: "K2JCJMDEHXQW5F",
      privateKey: globalThis.__vectors.keys.rsa2048.pkcs8Pem,
      engine: "wasm",
      clock: () => globalThis.__vectors.clockMs,
    });
    equal(signer.engine, "wasm", "engine");
    const c = globalThis.__vectors.canned[0];
    equal(await signer.signUrl(c.url, { expires: globalThis.__vectors.expires }), c.sha256.url, "a WASM-assembled URL");
    equal(calls.compileFromBytes, 0, "compile-from-bytes calls made by cfsign");
    ok(calls.instantiateModule >= 1, `WebAssembly.instantiate(Module) calls: ${calls.instantiateModule}`);
  });

  test("the ENGINE_FAILURE path is not taken: a js signer and a wasm signer agree", async () => {
    const v = globalThis.__vectors;
    const [a, b] = await Promise.all(
      ["wasm", "js"].map((engine) =>
        lib.createSigner({
          keyPairId: v.keyPairId,
          privateKey: v.keys.rsa2048.pkcs8Pem,
          engine,
          clock: () => v.clockMs,
        }),
      ),
    );
    const urls = v.custom.map((c) => ({ url: c.url, ...c.options }));
    equal(
      JSON.stringify(await a.signUrls(urls, { expires: v.expires })),
      JSON.stringify(await b.signUrls(urls, { expires: v.expires })),
      "wasm vs js",
    );
    await rejectsWithCode(
      lib.createSigner({ keyPairId: v.keyPairId, privateKey: v.keys.rsa2048.pkcs8Pem, backend: "node" }),
      "INVALID_ARGUMENT",
      "no node backend",
    );
  });
}

export default {
  async fetch(request) {
    const vectors = await request.json();
    globalThis.__vectors = vectors;
    const log = [];
    const report = await runConformance(lib, {
      vectors,
      entry: "workerd",
      log: (line) => log.push(line),
      extraTests: workerdTests,
    });
    return Response.json({ ...report, log, wasmCalls: calls });
  },
};
