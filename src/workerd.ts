/**
 * cfsign for Cloudflare Workers (the `workerd` export condition). Workers
 * refuse to compile WebAssembly from bytes at run time ("Wasm code generation
 * disallowed by embedder"), so this entry imports the compiled `.wasm` file,
 * which wrangler and miniflare turn into a `WebAssembly.Module` at deploy time,
 * and hands it to the hot-path loader. Keys go through WebCrypto. No `node:`
 * imports and no inlined bytes.
 *
 * @module
 */
import wasmModule from "../build/cfsign.wasm";
import { importSigningKey } from "./crypto/webcrypto.ts";
import { createHotPathLoader } from "./engine/load.ts";
import { createSignerWith } from "./create-signer.ts";
import type { Signer } from "./signer.ts";
import type { SignerOptions } from "./types.ts";

export * from "./api.ts";

const loadHotPath = /* @__PURE__ */ createHotPathLoader(() => Promise.resolve(wasmModule));

/**
 * Creates a signer: imports and checks the key once with WebCrypto (RSA-2048 or
 * ECDSA P-256, refusing anything CloudFront would not accept), instantiates the
 * imported WebAssembly module once.
 *
 * @param options - key pair id, private key, and optional passphrase, hash, engine (`backend` can only be `"webcrypto"` here)
 * @returns a {@link Signer} for many URLs
 * @throws {@link CfSignError} `INVALID_KEY_PAIR_ID`, `INVALID_KEY`, `UNSUPPORTED_KEY`, `UNSUPPORTED_HASH`, `INVALID_ARGUMENT`, `ENGINE_FAILURE`
 * @example
 * ```ts
 * export default {
 *   async fetch(request: Request, env: { CF_PRIVATE_KEY: string }) {
 *     const signer = await createSigner({ keyPairId: "K2JCJMDEHXQW5F", privateKey: env.CF_PRIVATE_KEY });
 *     // ...
 *   },
 * };
 * ```
 */
export function createSigner(options: SignerOptions): Promise<Signer> {
  return createSignerWith(options, {
    importers: { webcrypto: importSigningKey },
    defaultBackend: "webcrypto",
    loadHotPath,
  });
}
