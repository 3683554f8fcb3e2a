// The batch of the runtime suite (bench/suites/runtimes.js), shared by every runtime's side: plain
// ES module, no runtime API beyond the language, so that Node, Deno, Bun and workerd run the same
// code. The library is passed in (each runtime gets the entry its `exports` condition picks).

const HOST = "https://d111111abcdef8.cloudfront.net";

/**
 * Signers for the set-up the suite sends: one RSA-2048 and one ECDSA P-256 key (PKCS#8 PEM), the
 * batch (`setup.urls` URLs) and how many times in a row one measurement signs it.
 */
export async function makeSigners(lib, setup) {
  const signers = {};
  for (const alg of ["rsa", "ecdsa"]) {
    signers[alg] = await lib.createSigner({ keyPairId: setup.keyPairId, privateKey: setup.keys[alg] });
  }
  const urls = Array.from({ length: setup.urls }, (_, i) => `${HOST}/gallery/${i % 17}/photo-${i}.jpg`);
  return { signers, urls, repeat: setup.repeat };
}

/**
 * Signs the batch `setup.repeat[alg]` times in a row (canned policy, a fresh `expires` for every
 * call so that nothing is reused), and throws unless every URL was signed every time.
 */
export async function signBatches(state, alg, expires) {
  for (let call = 0; call < state.repeat[alg]; call++) {
    const results = await state.signers[alg].signUrls(state.urls, { expires: expires + call });
    let ok = 0;
    for (const r of results) if (r.ok && r.url.includes("&Signature=")) ok++;
    if (ok !== state.urls.length) {
      const bad = results.find((r) => !r.ok);
      throw new Error(`${alg}: ${ok} of ${state.urls.length} signed${bad ? `: ${bad.error.code}` : ""}`);
    }
  }
}

/** Which runtime this is, from its own globals. */
export function runtimeName() {
  if (globalThis.Deno?.version) return `Deno ${globalThis.Deno.version.deno}`;
  if (globalThis.Bun?.version) return `Bun ${globalThis.Bun.version}`;
  if (globalThis.navigator?.userAgent === "Cloudflare-Workers") return "workerd";
  if (globalThis.process?.versions?.node) return `Node ${globalThis.process.versions.node}`;
  return "unknown";
}
