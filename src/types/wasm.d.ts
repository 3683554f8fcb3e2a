// What a `.wasm` import is where cfsign imports one (src/workerd.ts): Cloudflare Workers (wrangler,
// miniflare's CompiledWasm rule) and most Workers bundlers hand over a compiled WebAssembly.Module.
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
