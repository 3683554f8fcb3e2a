// One cold start of cfsign: a fresh process imports the library, imports the key, instantiates the
// WASM hot path and signs one URL. Prints milliseconds since process start and since this script began.
// Spawned by bench/suites/cold-start.js with the PEM path and expiry as arguments.
import { readFileSync } from "node:fs";

const t0 = performance.now();
const pem = readFileSync(process.argv[2], "utf8");
const { createSigner } = await import("../../dist/index.js");
const signer = await createSigner({ keyPairId: "K2JCJMDEHXQW5F", privateKey: pem });
const url = await signer.signUrl("https://d111111abcdef8.cloudfront.net/videos/intro.mp4", { expires: Number(process.argv[3]) });
const t1 = performance.now();
if (!url.includes("Signature=")) throw new Error("no signature");
console.log(JSON.stringify({ total: t1, script: t1 - t0 }));
