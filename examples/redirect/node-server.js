// The protected-download redirect on Node's own http server.
//
//   GET /download/reports/q3.pdf  ->  your app checks the user  ->  302 to a signed CloudFront URL
//
// Run it (Node 20+, after `npm run build` in a cfsign checkout or `npm install cfsign`):
//
//   CF_KEY_PAIR_ID=K2JCJMDEHXQW5F CF_PRIVATE_KEY_FILE=private_key.pem \
//   CF_ORIGIN=https://cdn.example.com node examples/redirect/node-server.js
//   curl -i -H 'X-Demo-User: alice' http://127.0.0.1:8080/download/reports/q3.pdf
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { CfSignError, createSigner, sendRedirect } from "cfsign";

/**
 * STUB. Authorizing the request is your app's job: check the session cookie or
 * bearer token, and that this user may have this file. The signed URL is the
 * permission, so never redirect before this says yes. This stand-in only looks
 * for an X-Demo-User header, so that the example can be tried with curl.
 */
export async function userMayDownload(req, _path) {
  return typeof req.headers["x-demo-user"] === "string" && req.headers["x-demo-user"] !== "";
}

/**
 * A server that answers GET /download/<path> with a redirect to <cdnOrigin>/<path>,
 * signed for `ttlSeconds`. Create the signer once, at startup.
 */
export function createDownloadServer({ signer, cdnOrigin, ttlSeconds = 60, authorize = userMayDownload }) {
  return createServer(async (req, res) => {
    try {
      // The raw path, as the browser sent it: the signed URL must carry exactly these bytes.
      const path = (req.url ?? "/").split("?", 1)[0];
      if (req.method !== "GET" || !path.startsWith("/download/")) {
        res.writeHead(404, { "Content-Type": "text/plain" }).end("Not found\n");
        return;
      }
      const file = path.slice("/download".length);
      if (!(await authorize(req, file))) {
        res.writeHead(403, { "Content-Type": "text/plain", "Cache-Control": "no-store" }).end("Forbidden\n");
        return;
      }
      const expires = Math.floor(Date.now() / 1000) + ttlSeconds;
      sendRedirect(res, await signer.signUrl(cdnOrigin + file, { expires }));
    } catch (err) {
      // A CfSignError here means the path cannot be signed as sent (a space, a dot segment, ...).
      const status = err instanceof CfSignError ? 400 : 500;
      res
        .writeHead(status, { "Content-Type": "text/plain" })
        .end(status === 400 ? `Bad request: ${err.code}\n` : "Error\n");
    }
  });
}

// Started directly (not imported by a test): read the configuration and listen.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { CF_KEY_PAIR_ID, CF_PRIVATE_KEY_FILE, CF_ORIGIN, PORT = "8080" } = process.env;
  if (!CF_KEY_PAIR_ID || !CF_PRIVATE_KEY_FILE || !CF_ORIGIN) {
    console.error("set CF_KEY_PAIR_ID, CF_PRIVATE_KEY_FILE and CF_ORIGIN (e.g. https://cdn.example.com)");
    process.exit(2);
  }
  const signer = await createSigner({
    keyPairId: CF_KEY_PAIR_ID,
    privateKey: await readFile(CF_PRIVATE_KEY_FILE, "utf8"),
  });
  createDownloadServer({ signer, cdnOrigin: CF_ORIGIN }).listen(Number(PORT), "127.0.0.1", () => {
    console.log(`listening on http://127.0.0.1:${PORT}/download/...`);
  });
}
