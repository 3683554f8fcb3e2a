/**
 * The default hot-path loader: WASM compiled from the bytes inlined at build
 * time (./wasm-module.ts), which works in Node, Deno, Bun and browsers with no
 * file to host. The WASM instance is created once per process and shared.
 *
 * @module
 */
import { createHotPathLoader, type HotPathLoader } from "./hot-path-loader.ts";
import { compileWasmModuleSync, loadWasmModule } from "./wasm-module.ts";

/** The hot path called `name`; `"wasm"` compiles the inlined module on first use. */
export const loadHotPath: HotPathLoader = /* @__PURE__ */ createHotPathLoader(loadWasmModule);

/**
 * {@link loadHotPath} for Node's entry: decodes with `decode` (Node's native
 * base64), then compiles and instantiates synchronously on first use, which Node
 * allows on its main thread (browsers do not, for this size). About 5 ms less
 * of a cold start than the asynchronous path (bench/suites/cold-start.js).
 *
 * @param decode - base64 to bytes
 * @returns the loader
 */
export function createSyncHotPathLoader(decode: (base64: string) => Uint8Array<ArrayBuffer>): HotPathLoader {
  return createHotPathLoader({ compileSync: () => compileWasmModuleSync(decode) });
}
