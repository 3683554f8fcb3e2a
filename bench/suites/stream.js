// Target 3: signStream over 1,000,000 URLs stays under 120 MiB peak RSS. Runs
// bench/stream-rss.js in a fresh process (so nothing else is in its heap) and
// reports peak RSS as a fraction of the 120 MiB budget (lower is better).
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

export async function streamSuite({ ci }) {
  const count = ci ? 200_000 : 1_000_000;
  const script = fileURLToPath(new URL("../stream-rss.js", import.meta.url));
  const { stdout } = await run(process.execPath, [script, String(count)], { maxBuffer: 1 << 20, timeout: 600_000 });
  const r = JSON.parse(stdout.trim().split("\n").at(-1));
  return {
    "stream.peakRss/120MiB": {
      value: r.peakRssMiB / 120,
      target: 1,
      lowerIsBetter: true,
      note: `signStream, ${count.toLocaleString("en-US")} URLs, ECDSA P-256 (${r.mode}): peak RSS ${r.peakRssMiB.toFixed(0)} MiB of 120`,
    },
  };
}
