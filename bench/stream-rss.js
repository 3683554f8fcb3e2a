// Signs N URLs (default 1,000,000) through signer.signStream and reports the
// process's peak resident memory, sampled every 20 ms with
// process.memoryUsage.rss() and, on Linux, read from /proc/self/status (VmHWM,
// the kernel's own high-water mark). Real ECDSA P-256 signatures (node:crypto,
// thread pool; with --workers, worker threads), real URLs; results are counted
// and checked, not kept.
//   node bench/stream-rss.js [N] [--workers]
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";

const n = Number(process.argv[2] ?? 1_000_000);
const workers = process.argv.includes("--workers");
const { createSigner } = await import("../dist/index.js");
const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
const signer = await createSigner({ keyPairId: "K2JCJMDEHXQW5F", privateKey, ...(workers ? { workers: 2 } : {}) });

let peak = 0;
const sample = () => {
  peak = Math.max(peak, process.memoryUsage.rss());
};
const timer = setInterval(sample, 20);

async function* urls() {
  for (let i = 0; i < n; i++) yield `https://d111111abcdef8.cloudfront.net/stream/${i % 1000}/${i}.ts`;
}

const started = performance.now();
let ok = 0;
let bytes = 0;
for await (const r of signer.signStream(urls(), { expires: Math.floor(Date.now() / 1000) + 3600 })) {
  if (!r.ok) throw new Error(`item ${r.index}: ${r.error.code}`);
  ok++;
  bytes += r.url.length;
}
clearInterval(timer);
sample();
await signer.close();

let hwm = null;
try {
  const m = readFileSync("/proc/self/status", "utf8").match(/VmHWM:\s+(\d+) kB/);
  if (m) hwm = Number(m[1]) * 1024;
} catch {}
const peakBytes = Math.max(peak, hwm ?? 0);
if (ok !== n) throw new Error(`signed ${ok} of ${n}`);
console.log(
  JSON.stringify({
    urls: ok,
    mode: workers ? "worker threads" : "thread pool",
    seconds: Math.round((performance.now() - started) / 100) / 10,
    peakRssMiB: peakBytes / 2 ** 20,
    sampledPeakMiB: peak / 2 ** 20,
    vmHwmMiB: hwm === null ? null : hwm / 2 ** 20,
    averageUrlBytes: Math.round(bytes / ok),
  }),
);
