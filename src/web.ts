/**
 * cfsign for Deno, Bun, browsers and any runtime with WebCrypto (the `deno`,
 * `bun`, `browser` and `default` exports): keys are imported and used with
 * `crypto.subtle`, and the WebAssembly hot path is compiled from bytes inlined
 * in this package, so there is no file to host or fetch. No `node:` imports.
 *
 * @example
 * ```ts
 * import { createSigner } from "cfsign";
 * const signer = await createSigner({ keyPairId: "K2JCJMDEHXQW5F", privateKey: pem });
 * const url = await signer.signUrl("https://d111111abcdef8.cloudfront.net/video.mp4", {
 *   expires: new Date(Date.now() + 3600_000),
 * });
 * ```
 *
 * @module
 */
import { importSigningKey } from "./crypto/webcrypto.ts";
import { base64Bytes, createHotPathLoader } from "./engine/load.ts";
import { wasmBase64 } from "./engine/wasm-bytes.generated.ts";
import { createSignerWith } from "./create-signer.ts";
import type { Signer } from "./signer.ts";
import type { SignerOptions } from "./types.ts";

export * from "./api.ts";

const loadHotPath = /* @__PURE__ */ createHotPathLoader(() => WebAssembly.compile(base64Bytes(wasmBase64)));

/**
 * Creates a signer: imports and checks the key once with WebCrypto (RSA-2048 or
 * ECDSA P-256, refusing anything CloudFront would not accept), loads the hot path once.
 *
 * @param options - key pair id, private key, and optional passphrase, hash, engine (`backend` can only be `"webcrypto"` here)
 * @returns a {@link Signer} for many URLs
 * @throws {@link CfSignError} `INVALID_KEY_PAIR_ID`, `INVALID_KEY`, `UNSUPPORTED_KEY`, `UNSUPPORTED_HASH`, `INVALID_ARGUMENT`, `ENGINE_FAILURE`
 * @example
 * ```ts
 * const signer = await createSigner({ keyPairId: "K2JCJMDEHXQW5F", privateKey: Deno.env.get("CF_PRIVATE_KEY")! });
 * ```
 */
export function createSigner(options: SignerOptions): Promise<Signer> {
  return createSignerWith(options, {
    importers: { webcrypto: importSigningKey },
    defaultBackend: "webcrypto",
    loadHotPath,
  });
}
