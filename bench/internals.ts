/**
 * What the benchmark measures below the public API: the two engines, URL
 * validation and the rewrite planner. scripts/bundle.js bundles this file into
 * build/bench-internals.js, which is never published (dist/ holds only the
 * entries); bench/lib/env.js imports it as `internals()`.
 *
 * @module
 */
export { jsHotPath } from "../src/engine/js.ts";
export { createWasmHotPath } from "../src/engine/wasm.ts";
export { validateUrl } from "../src/cloudfront/url.ts";
export { rewriteLines, rewriteLinesMaxBytes, rewritePlan } from "../src/rewrite-lines.ts";

import { base64Bytes } from "../src/engine/load.ts";
import { wasmBase64 } from "../src/engine/wasm-bytes.generated.ts";

/** The module compiled from the inlined bytes, as the web entry does (src/web.ts). */
export function loadWasmModule(): Promise<WebAssembly.Module> {
  return WebAssembly.compile(base64Bytes(wasmBase64));
}
