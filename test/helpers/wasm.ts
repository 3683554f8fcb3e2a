/** The cfsign WebAssembly module compiled from the inlined bytes, once per test file (as the web entry does). */
import { base64Bytes } from "../../src/engine/load.js";
import { wasmBase64 } from "../../src/engine/wasm-bytes.generated.js";

let compiled: Promise<WebAssembly.Module> | undefined;

/** The compiled module, the same object on every call. */
export function loadWasmModule(): Promise<WebAssembly.Module> {
  compiled ??= WebAssembly.compile(base64Bytes(wasmBase64));
  return compiled;
}
