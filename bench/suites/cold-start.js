// Target 5: from an empty Node process to the first signed URL (import, key
// import, WASM instantiation, sign), cfsign against @aws-sdk/cloudfront-signer.
// Fresh processes, alternating, medians. Two measures: since the script's first
// line (what the library costs) and since process start (what a user waits,
// Node's own start-up included, which is the same for both).
import { execFile } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { median } from "../lib/rounds.js";

const run = promisify(execFile);
const script = (name) => fileURLToPath(new URL(`../cold/${name}.js`, import.meta.url));

export async function coldStartSuite({ ci }) {
  const dir = mkdtempSync(join(tmpdir(), "cfsign-cold-"));
  try {
    const pemPath = join(dir, "key.pem");
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    writeFileSync(pemPath, privateKey.export({ type: "pkcs8", format: "pem" }));
    const expires = String(Math.floor(Date.now() / 1000) + 3600);
    const n = ci ? 7 : 15;
    const times = { cfsign: [], "aws-sdk": [] };
    for (let i = 0; i < n + 1; i++) {
      for (const name of i % 2 ? ["cfsign", "aws-sdk"] : ["aws-sdk", "cfsign"]) {
        const { stdout } = await run(process.execPath, [script(name), pemPath, expires]);
        if (i > 0) times[name].push(JSON.parse(stdout)); // the first pair warms the file cache
      }
    }
    const med = (name, key) => median(times[name].map((t) => t[key]));
    return {
      "coldstart.script.cfsign/aws-sdk": {
        value: med("cfsign", "script") / med("aws-sdk", "script"),
        target: 0.5,
        lowerIsBetter: true,
        note: `first signed URL, from the script's first line, median of ${n} fresh processes (RSA-2048)`,
      },
      "coldstart.process.cfsign/aws-sdk": {
        value: med("cfsign", "total") / med("aws-sdk", "total"),
        lowerIsBetter: true,
        note: "the same, from process start (Node's own start-up included)",
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
