/**
 * Loads a hot path by name; the WASM instance is created once per process and
 * shared (every hot-path call is synchronous, so signers never interleave in it).
 *
 * @module
 */
import { jsHotPath } from "./js.js";
import type { EngineName, HotPath } from "./types.js";
import { createWasmHotPath } from "./wasm.js";
import { loadWasmModule } from "./wasm-module.js";

let wasm: Promise<HotPath> | undefined;

/** The hot path called `name`. */
export function loadHotPath(name: EngineName): Promise<HotPath> {
  if (name === "js") return Promise.resolve(jsHotPath);
  wasm ??= loadWasmModule().then((module) => createWasmHotPath(module));
  return wasm;
}
