/**
 * What the benchmark measures below the public API: the two engines, URL
 * validation, resource matching, the rewrite planner, the signature cache, and
 * (for the stages measured through the API) the Node entry itself.
 * scripts/bundle.js bundles this file into build/bench-internals.js, one
 * self-contained file that is never published (dist/ holds only the entries);
 * bench/lib/env.js imports it as `internals()`.
 *
 * `npm run bench:freeze` copies that file to bench/frozen/internals.js: the
 * fixed reference every stage is measured against in the same process and rounds
 * (bench/suites/stages.js). So whatever this file exports, the frozen copy must
 * keep exporting with the same meaning, or be frozen again.
 *
 * @module
 */
export { jsHotPath } from "../src/engine/js.ts";
export { createWasmHotPath } from "../src/engine/wasm.ts";
export { loadWasmModule } from "../src/engine/wasm-module.ts";
export { validateUrl } from "../src/cloudfront/url.ts";
export { resourceCovers, validateResource } from "../src/cloudfront/resource.ts";
export { rewriteLines, rewriteLinesMaxBytes, rewritePlan } from "../src/rewrite-lines.ts";
export { SignatureCache } from "../src/lib/signature-cache.ts";
export { createSigner, verifyUrl } from "../src/index.ts";
