/**
 * The hot-path loader. Each entry point says where the compiled cfsign module
 * comes from, in a line: Node compiles the inlined bytes synchronously
 * (../index.ts), Deno, Bun and browsers compile them asynchronously (../web.ts),
 * Workers get the `WebAssembly.Module` their bundler made from the imported
 * `.wasm` file (../workerd.ts), because they refuse to compile bytes at run time.
 * No bytes and no `WebAssembly.compile` here, so the Workers entry has neither.
 *
 * @module
 */
import { CfSignError } from "../errors.ts";
import type { EngineName, HotPath } from "./types.ts";
import { createWasmHotPath, createWasmHotPathSync } from "./wasm.ts";

/**
 * Where an entry point obtains the compiled cfsign module: a function returning it (asynchronously), or
 * `{ compileSync }` to compile and instantiate without awaiting (Node's main thread allows it for a
 * module this size, a browser's does not; it saves about 5 ms of a cold start, bench/suites/cold-start.js).
 */
type WasmSource = (() => Promise<WebAssembly.Module>) | { readonly compileSync: () => WebAssembly.Module };

/** Loads a hot path by name. */
type HotPathLoader = (name: EngineName) => Promise<HotPath>;

/**
 * Makes a loader whose WASM instance is created on first use and then shared by
 * every signer of the entry point (hot-path calls are synchronous, so signers
 * never interleave in it). A failed load is not cached: a later call retries.
 *
 * @param source - where the compiled module comes from (called at most once per success)
 * @returns a loader: `"js"` is the TypeScript twin (loaded on first use), `"wasm"` the shared instance
 * @throws {@link CfSignError} `ENGINE_FAILURE` (as a rejection of the loader's promise)
 *   when the module cannot be obtained or instantiated
 * @example
 * ```ts
 * import wasmModule from "../build/cfsign.wasm"; // a WebAssembly.Module on Workers
 * const loadHotPath = createHotPathLoader(() => Promise.resolve(wasmModule));
 * ```
 */
export function createHotPathLoader(source: WasmSource): HotPathLoader {
  let wasm: Promise<HotPath> | undefined;
  return (name) => {
    // The TypeScript twin is loaded only when asked for: the default engine never needs its code.
    if (name === "js") return import("./js.ts").then((js) => js.jsHotPath);
    wasm ??= Promise.resolve()
      .then(() =>
        typeof source === "function" ? source().then(createWasmHotPath) : createWasmHotPathSync(source.compileSync()),
      )
      .catch((cause: unknown) => {
        wasm = undefined;
        throw new CfSignError(
          "ENGINE_FAILURE",
          'the WebAssembly hot path could not be loaded in this runtime; engine: "js" gives the same bytes ' +
            "(on Cloudflare Workers, which refuse to compile WebAssembly from bytes, make sure the bundler " +
            'picks the "workerd" export of cfsign, which imports the .wasm file)',
          { cause },
        );
      });
    return wasm;
  };
}

/**
 * Standard base64 to bytes with `atob`, which every runtime has (Node's entry uses its faster `Buffer`).
 *
 * @param text - standard base64 (the inlined module)
 * @returns the bytes
 */
export function base64Bytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
