// The protected-download redirect as a Cloudflare Worker (module syntax).
//
//   wrangler secret put CF_PRIVATE_KEY      # the PEM text
//   wrangler dev -c examples/redirect/wrangler.toml
//
// CF_KEY_PAIR_ID and CF_ORIGIN are plain vars in wrangler.toml.
import { CfSignError, createSigner, redirectToSigned } from "cfsign";

let signer; // one per isolate: the key is imported once, not per request

function getSigner(env) {
  signer ??= createSigner({
    keyPairId: env.CF_KEY_PAIR_ID,
    privateKey: env.CF_PRIVATE_KEY,
    // The "workerd" export of cfsign signs with WebCrypto and gets the WebAssembly hot path
    // as a module imported at deploy time (Workers refuse to compile WebAssembly from bytes).
  }).catch((err) => {
    signer = undefined; // retry on the next request rather than caching the failure
    throw err;
  });
  return signer;
}

/**
 * STUB. Authorizing the request is your app's job: check the session and that this
 * user may have this file. This stand-in only looks for an X-Demo-User header.
 */
async function userMayDownload(request, _path) {
  return (request.headers.get("x-demo-user") ?? "") !== "";
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (request.method !== "GET" || !url.pathname.startsWith("/download/"))
      return new Response("Not found\n", { status: 404 });
    const file = url.pathname.slice("/download".length);
    if (!(await userMayDownload(request, file))) {
      return new Response("Forbidden\n", { status: 403, headers: { "Cache-Control": "no-store" } });
    }
    try {
      return await redirectToSigned(await getSigner(env), env.CF_ORIGIN + file, {
        expires: Math.floor(Date.now() / 1000) + 60,
      });
    } catch (err) {
      if (err instanceof CfSignError) return new Response(`Bad request: ${err.code}\n`, { status: 400 });
      throw err;
    }
  },
};
