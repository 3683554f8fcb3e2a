/**
 * The injectable hot-path loader. Each entry point says where the compiled
 * cfsign module comes from: the Node, Deno, Bun and browser entries compile the
 * bytes inlined at build time (./load.ts, ./wasm-module.ts); the Workers entry
 * (../workerd.ts) passes the `WebAssembly.Module` its bundler made from the
 * imported `.wasm` file, because Workers refuse to compile bytes at run time.
 * No bytes and no `WebAssembly.compile` here, so the Workers entry's module
 * graph has neither.
 *
 * @module
 */
import { CfSignError } from "../errors.ts";
import { jsHotPath } from "./js.ts";
import type { EngineName, HotPath } from "./types.ts";
import { createWasmHotPath, createWasmHotPathSync } from "./wasm.ts";

/** Where an entry point obtains the compiled cfsign WebAssembly module. */
export type WasmModuleSource = () => Promise<WebAssembly.Module>;

/** Node's entry: the module compiled synchronously, then instantiated synchronously. */
export interface SyncWasmModuleSource {
  readonly compileSync: () => WebAssembly.Module;
}

/** Loads a hot path by name. */
export type HotPathLoader = (name: EngineName) => Promise<HotPath>;

/**
 * Makes a loader whose WASM instance is created on first use and then shared by
 * every signer of the entry point (hot-path calls are synchronous, so signers
 * never interleave in it). A failed load is not cached: a later call retries.
 *
 * @param source - returns the compiled module (called at most once per success); `{ compileSync }`
 *   compiles and instantiates without awaiting (Node's main thread allows it, a browser's does not)
 * @returns a loader: `"js"` is the TypeScript twin, `"wasm"` the shared instance
 * @throws {@link CfSignError} `ENGINE_FAILURE` (as a rejection of the loader's promise)
 *   when the module cannot be obtained or instantiated
 * @example
 * ```ts
 * import wasmModule from "../build/cfsign.wasm"; // a WebAssembly.Module on Workers
 * const loadHotPath = createHotPathLoader(() => Promise.resolve(wasmModule));
 * ```
 */
export function createHotPathLoader(source: WasmModuleSource | SyncWasmModuleSource): HotPathLoader {
  let wasm: Promise<HotPath> | undefined;
  return (name) => {
    if (name === "js") return Promise.resolve(jsHotPath);
    wasm ??= Promise.resolve()
      .then(() => (typeof source === "function" ? source().then(createWasmHotPath) : createWasmHotPathSync(source.compileSync())))
      .catch((cause: unknown) => {
        wasm = undefined;
        throw new CfSignError(
          "ENGINE_FAILURE",
          "the WebAssembly hot path could not be loaded in this runtime; engine: \"js\" gives the same bytes " +
            "(on Cloudflare Workers, which refuse to compile WebAssembly from bytes, make sure the bundler " +
            'picks the "workerd" export of cfsign, which imports the .wasm file)',
          { cause },
        );
      });
    return wasm;
  };
}
