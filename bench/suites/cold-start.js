// Target 5: from an empty Node process to the first signed URL (import, key
// import, WASM instantiation, sign, SHA-256), cfsign against
// @aws-sdk/cloudfront-signer loaded through its fastest entry (the single-file
// CommonJS build, with require). Fresh processes, alternating, medians. Measured
// since the script's first line (what the library costs), in CPU time (what the
// gate checks: the work, whatever else runs on the machine) and in wall time, and
// since process start (what a user waits, Node's own start-up included, the same
// for both).
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
    const n = ci ? 9 : 15;
    const times = { cfsign: [], "aws-sdk": [] };
    for (let i = 0; i < n + 1; i++) {
      for (const name of i % 2 ? ["cfsign", "aws-sdk"] : ["aws-sdk", "cfsign"]) {
        const { stdout } = await run(process.execPath, [script(name), pemPath, expires]);
        if (i > 0) times[name].push(JSON.parse(stdout)); // the first pair warms the file cache
      }
    }
    const med = (name, key) => median(times[name].map((t) => t[key]));
    return {
      "coldstart.cpu.cfsign/aws-sdk": {
        value: med("cfsign", "scriptCpu") / med("aws-sdk", "scriptCpu"),
        target: 0.5,
        lowerIsBetter: true,
        note: `first signed URL (RSA-2048, SHA-256), CPU time from the script's first line, median of ${n} fresh processes each; the SDK through its single-file CommonJS build (require)`,
      },
      "coldstart.script.cfsign/aws-sdk": {
        value: med("cfsign", "script") / med("aws-sdk", "script"),
        target: 0.5,
        lowerIsBetter: true,
        note: "the same in wall time (on a busy machine mostly time spent waiting for a core)",
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
