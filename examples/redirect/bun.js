// The protected-download redirect on Bun.serve.
//
//   CF_KEY_PAIR_ID=K2JCJMDEHXQW5F CF_PRIVATE_KEY_FILE=private_key.pem CF_ORIGIN=https://cdn.example.com \
//   bun examples/redirect/bun.js
import { CfSignError, createSigner, redirectToSigned } from "cfsign";

const CDN_ORIGIN = Bun.env.CF_ORIGIN;
// WebCrypto: the one signing API every runtime has.
const signer = await createSigner({
  keyPairId: Bun.env.CF_KEY_PAIR_ID,
  privateKey: await Bun.file(Bun.env.CF_PRIVATE_KEY_FILE).text(),
  backend: "webcrypto",
});

/**
 * STUB. Authorizing the request is your app's job: check the session and that this
 * user may have this file. This stand-in only looks for an X-Demo-User header.
 */
async function userMayDownload(request, _path) {
  return (request.headers.get("x-demo-user") ?? "") !== "";
}

export async function handle(request) {
  const url = new URL(request.url);
  if (request.method !== "GET" || !url.pathname.startsWith("/download/"))
    return new Response("Not found\n", { status: 404 });
  const file = url.pathname.slice("/download".length);
  if (!(await userMayDownload(request, file))) {
    return new Response("Forbidden\n", { status: 403, headers: { "Cache-Control": "no-store" } });
  }
  try {
    return await redirectToSigned(signer, CDN_ORIGIN + file, { expires: Math.floor(Date.now() / 1000) + 60 });
  } catch (err) {
    if (err instanceof CfSignError) return new Response(`Bad request: ${err.code}\n`, { status: 400 });
    throw err;
  }
}

Bun.serve({ hostname: "127.0.0.1", port: Number(Bun.env.PORT ?? 8080), fetch: handle });
