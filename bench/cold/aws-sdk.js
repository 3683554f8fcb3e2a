// One cold start of @aws-sdk/cloudfront-signer (from bench/thirdparty), used as its README shows:
// import, then getSignedUrl with the PEM string. Same output as ./cfsign.js.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const t0 = performance.now();
const pem = readFileSync(process.argv[2], "utf8");
// Resolved from bench/thirdparty, not from the root's devDependencies.
const fromThirdparty = createRequire(new URL("../thirdparty/package.json", import.meta.url));
const { getSignedUrl } = await import(pathToFileURL(fromThirdparty.resolve("@aws-sdk/cloudfront-signer")).href);
const url = getSignedUrl({
  url: "https://d111111abcdef8.cloudfront.net/videos/intro.mp4",
  keyPairId: "K2JCJMDEHXQW5F",
  privateKey: pem,
  dateLessThan: new Date(Number(process.argv[3]) * 1000).toISOString(),
});
const t1 = performance.now();
if (!url.includes("Signature=")) throw new Error("no signature");
console.log(JSON.stringify({ total: t1, script: t1 - t0 }));
