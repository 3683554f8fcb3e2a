/**
 * The default hot-path loader: WASM compiled from the bytes inlined at build
 * time (./wasm-module.ts), which works in Node, Deno, Bun and browsers with no
 * file to host. The WASM instance is created once per process and shared.
 *
 * @module
 */
import { createHotPathLoader, type HotPathLoader } from "./hot-path-loader.js";
import { loadWasmModule } from "./wasm-module.js";

/** The hot path called `name`; `"wasm"` compiles the inlined module on first use. */
export const loadHotPath: HotPathLoader = /* @__PURE__ */ createHotPathLoader(loadWasmModule);
