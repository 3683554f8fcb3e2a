/**
 * cfsign: Amazon CloudFront signed URLs and signed cookies at high throughput,
 * a verifier that explains 403s, and the protected-download redirect.
 *
 * This is the Node entry (the `node` export): it signs with node:crypto by
 * default (WebCrypto on request). Deno, Bun and browsers get ./web.ts and
 * Cloudflare Workers ./workerd.ts; all three export the same API (./api.ts)
 * and differ only in `createSigner`. The verifier (`verifyUrl`, `verifyCookies`)
 * and the redirect (`redirectToSigned`, `sendRedirect`) use only WebCrypto and
 * the Fetch API.
 *
 * @example
 * ```ts
 * import { createSigner, verifyUrl } from "cfsign";
 * const signer = await createSigner({ keyPairId: "K2JCJMDEHXQW5F", privateKey: pem });
 * const url = await signer.signUrl("https://d111111abcdef8.cloudfront.net/video.mp4", {
 *   expires: new Date(Date.now() + 3600_000),
 * });
 * const { valid, reason } = await verifyUrl(url, { publicKeys: { K2JCJMDEHXQW5F: publicPem } });
 * ```
 *
 * @module
 */
import { importSigningKey as importNode } from "./crypto/node.ts";
import { createHotPathLoader } from "./engine/load.ts";
import { wasmBase64 } from "./engine/wasm-bytes.generated.ts";
import { createSignerWith } from "./create-signer.ts";
import type { Signer } from "./signer.ts";
import type { SignerOptions } from "./types.ts";

export * from "./api.ts";

// Compiled and instantiated synchronously on first use, from Node's native base64 decoding (the global
// Buffer: an `import` of node:buffer would cost a module facade, see ./lib/node-builtin.ts).
const loadHotPath = /* @__PURE__ */ createHotPathLoader({
  compileSync: () => new WebAssembly.Module(Buffer.from(wasmBase64, "base64")),
});

/**
 * Creates a signer: imports and checks the key once (RSA-2048 or ECDSA P-256,
 * refusing anything CloudFront would not accept), loads the hot path once.
 *
 * @param options - key pair id, private key, and optional passphrase, hash, engine, backend
 * @returns a {@link Signer} for many URLs
 * @throws {@link CfSignError} `INVALID_KEY_PAIR_ID`, `INVALID_KEY`, `UNSUPPORTED_KEY`, `UNSUPPORTED_HASH`, `INVALID_ARGUMENT`, `ENGINE_FAILURE`
 * @example
 * ```ts
 * const signer = await createSigner({
 *   keyPairId: "K2JCJMDEHXQW5F",
 *   privateKey: await readFile("private_key.pem", "utf8"),
 * });
 * ```
 */
export function createSigner(options: SignerOptions): Promise<Signer> {
  return createSignerWith(options, {
    // WebCrypto is opt-in here (`backend: "webcrypto"`): its adapter loads on first use.
    importers: {
      node: importNode,
      webcrypto: async (key) => (await import("./crypto/webcrypto.ts")).importSigningKey(key),
    },
    defaultBackend: "node",
    loadHotPath,
    // Node only, loaded on first use of the `workers` option (never otherwise).
    createBatchSigner: async (key, algorithm, workers) =>
      (await import("./node/worker-signing.ts")).createBatchSigner(key, algorithm, workers),
  });
}
