// One cold start of @aws-sdk/cloudfront-signer (from bench/thirdparty) through its fastest entry: the
// single-file CommonJS build (dist-cjs/index.js), loaded with require, then getSignedUrl with the PEM
// string and SHA-256, as its README shows. Same output as ./cfsign.js.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const t0 = performance.now();
const c0 = process.cpuUsage();
const pem = readFileSync(process.argv[2], "utf8");
// Resolved from bench/thirdparty, not from the root's devDependencies; "main" is dist-cjs/index.js.
const { getSignedUrl } = createRequire(new URL("../thirdparty/package.json", import.meta.url))(
  "@aws-sdk/cloudfront-signer",
);
const url = getSignedUrl({
  url: "https://d111111abcdef8.cloudfront.net/videos/intro.mp4",
  keyPairId: "K2JCJMDEHXQW5F",
  privateKey: pem,
  dateLessThan: new Date(Number(process.argv[3]) * 1000).toISOString(),
  algorithm: "SHA256",
});
const t1 = performance.now();
const c1 = process.cpuUsage(c0);
if (!url.includes("Signature=") || !url.includes("Hash-Algorithm=SHA256")) throw new Error("no SHA-256 signature");
console.log(JSON.stringify({ total: t1, script: t1 - t0, scriptCpu: (c1.user + c1.system) / 1000 }));
