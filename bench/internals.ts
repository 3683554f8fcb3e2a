/**
 * What the benchmark measures below the public API: the two engines, URL
 * validation and the rewrite planner. scripts/bundle.js bundles this file into
 * build/bench-internals.js, which is never published (dist/ holds only the
 * entries); bench/lib/env.js imports it as `internals()`.
 *
 * @module
 */
export { jsHotPath } from "../src/engine/js.js";
export { createWasmHotPath } from "../src/engine/wasm.js";
export { loadWasmModule } from "../src/engine/wasm-module.js";
export { validateUrl } from "../src/lib/url.js";
export { rewriteLines, rewriteLinesMaxBytes, rewritePlan } from "../src/rewrite-lines.js";
