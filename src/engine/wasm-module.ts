/**
 * Obtains the compiled cfsign WebAssembly module from the bytes inlined at
 * build time. Runtime-neutral: only `atob` and `WebAssembly.compile`, which
 * Node, Deno, Bun and browsers provide. Cloudflare Workers refuse to compile
 * at run time, so the Workers entry (../workerd.ts) never reaches this file:
 * it imports the `.wasm` file instead.
 *
 * @module
 */
import { wasmBase64 } from "./wasm-bytes.generated.ts";

let compiled: Promise<WebAssembly.Module> | undefined;

/**
 * Compiles the inlined WebAssembly module, once per process: every call returns
 * the same promise (a failed compilation is not cached, so a later call retries).
 *
 * @returns the compiled module, ready for `createWasmHotPath` (./wasm.ts).
 * @throws {WebAssembly.CompileError} (as a rejection) if the runtime cannot compile it.
 * @example
 * ```ts
 * const hotPath = await createWasmHotPath(await loadWasmModule());
 * ```
 */
export function loadWasmModule(): Promise<WebAssembly.Module> {
  compiled ??= WebAssembly.compile(decodeBase64(wasmBase64)).catch((error: unknown) => {
    compiled = undefined;
    throw error;
  });
  return compiled;
}

let compiledSync: WebAssembly.Module | undefined;

/**
 * Compiles the inlined WebAssembly module synchronously, once per process. For
 * Node only: a browser's main thread refuses synchronous compilation of a
 * module over 4 KiB, and this one is larger. On Node it saves the task hops of
 * the asynchronous API, about 4 ms of a cold start (bench/suites/cold-start.js).
 *
 * @param decode - a faster base64 decoder where the platform has one (Node's Buffer)
 * @returns the compiled module
 * @throws {WebAssembly.CompileError} if the runtime cannot compile it
 */
export function compileWasmModuleSync(decode: (base64: string) => Uint8Array<ArrayBuffer> = decodeBase64): WebAssembly.Module {
  compiledSync ??= new WebAssembly.Module(decode(wasmBase64));
  return compiledSync;
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
