// A Node app whose download route sends the browser to a short-lived signed URL, with the
// files served by `cfsign serve` standing in for CloudFront: the whole protected-download flow
// runs on one machine, in development or CI, with the signatures checked as CloudFront would.
//
//   node bin/cfsign.js keygen --out keys
//   node bin/cfsign.js serve --root examples/download-app/files \
//     --public-key K2JCJMDEHXQW5F=keys/public_key.pem --port 8081 &
//   CF_KEY_PAIR_ID=K2JCJMDEHXQW5F CF_PRIVATE_KEY_FILE=keys/private_key.pem \
//   CDN_URL=http://127.0.0.1:8081 node examples/download-app/app.js
//   curl -L -H 'Cookie: session=alice' http://127.0.0.1:8080/download/reports/q3.txt
//
// In production CDN_URL is your distribution (https://cdn.example.com) and nothing else changes.
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { CfSignError, createSigner, sendRedirect } from "cfsign";

const { CF_KEY_PAIR_ID, CF_PRIVATE_KEY_FILE, CDN_URL, PORT = "8080", TTL_SECONDS = "60" } = process.env;
if (!CF_KEY_PAIR_ID || !CF_PRIVATE_KEY_FILE || !CDN_URL) {
  console.error("set CF_KEY_PAIR_ID, CF_PRIVATE_KEY_FILE and CDN_URL (see the comment at the top)");
  process.exit(2);
}

const signer = await createSigner({
  keyPairId: CF_KEY_PAIR_ID,
  privateKey: await readFile(CF_PRIVATE_KEY_FILE, "utf8"),
});

/** STUB: your app's own check (session, ownership). Here: a `session` cookie names the user. */
function userOf(req) {
  const match = /(?:^|;\s*)session=([a-z]+)/.exec(req.headers.cookie ?? "");
  return match === null ? null : match[1];
}

const server = createServer(async (req, res) => {
  const path = (req.url ?? "/").split("?", 1)[0];
  if (req.method !== "GET" || !path.startsWith("/download/")) return void res.writeHead(404).end("Not found\n");
  if (userOf(req) === null) return void res.writeHead(403, { "Cache-Control": "no-store" }).end("Sign in first\n");
  try {
    const url = CDN_URL + path.slice("/download".length);
    sendRedirect(res, await signer.signUrl(url, { expires: Math.floor(Date.now() / 1000) + Number(TTL_SECONDS) }));
  } catch (err) {
    res
      .writeHead(err instanceof CfSignError ? 400 : 500)
      .end(err instanceof CfSignError ? `Bad request: ${err.code}\n` : "Error\n");
  }
});
server.listen(Number(PORT), "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
for (const signal of ["SIGINT", "SIGTERM"])
  process.once(signal, () => {
    server.close();
    server.closeAllConnections();
  });
