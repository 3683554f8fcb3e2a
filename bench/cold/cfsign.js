// One cold start of cfsign: a fresh process imports the library, imports the key, instantiates the
// WASM hot path and signs one URL with SHA-256. Prints milliseconds since process start and since this
// script began (wall time, and CPU time of every thread). Spawned by bench/suites/cold-start.js with the PEM path and expiry as arguments.
import { readFileSync } from "node:fs";

const t0 = performance.now();
const c0 = process.cpuUsage();
const pem = readFileSync(process.argv[2], "utf8");
const { createSigner } = await import("../../dist/index.js");
const signer = await createSigner({ keyPairId: "K2JCJMDEHXQW5F", privateKey: pem, hashAlgorithm: "SHA256" });
const url = await signer.signUrl("https://d111111abcdef8.cloudfront.net/videos/intro.mp4", {
  expires: Number(process.argv[3]),
});
const t1 = performance.now();
const c1 = process.cpuUsage(c0);
if (!url.includes("Signature=") || !url.includes("Hash-Algorithm=SHA256")) throw new Error("no SHA-256 signature");
console.log(JSON.stringify({ total: t1, script: t1 - t0, scriptCpu: (c1.user + c1.system) / 1000 }));
