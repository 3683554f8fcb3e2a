/**
 * The memory bound of `signStream` (docs/runtimes.md, "Memory per Node version"): 200,000 URLs with
 * real ECDSA signatures through `bench/stream-rss.js` in a child process, whose peak RSS (the
 * kernel's VmHWM) must stay under the bound of its Node version. Node 24 is the one that matters:
 * its V8 grows the young generation up to 2 × 64 MiB, and before the stream kept less alive it
 * peaked at 204 MiB here (130 with windows of 256, 101 to 102 with the default of 64); Node 20 runs
 * beside it as the reference (84 MiB). The two children run at once, a few seconds each. Needs dist/
 * (npm run build).
 */
import { execFile, execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, test } from "vitest";

const REPO = join(import.meta.dirname, "..");
const URLS = 200_000;
/** Peak RSS allowed for 200,000 URLs, MiB, per Node major (measured: 84 on Node 20, 101 to 102 on Node 24). */
const BOUND_MIB: Record<number, number> = { 20: 100, 24: 125 };

function nodeBinary(major: number): string {
  const bin = execFileSync(join(REPO, "scripts", "node.sh"), [String(major)], {
    encoding: "utf8",
    timeout: 300_000,
  }).trim();
  return join(bin, "node");
}

interface Report {
  urls: number;
  peakRssMiB: number;
  vmHwmMiB: number | null;
}

function streamRss(node: string): Promise<Report> {
  return new Promise((resolve, reject) => {
    execFile(
      node,
      [join(REPO, "bench", "stream-rss.js"), String(URLS)],
      { cwd: REPO, timeout: 120_000, env: { ...process.env, NODE_OPTIONS: "" } },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${err.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as Report);
      },
    );
  });
}

describe.skipIf(process.platform !== "linux")("signStream memory (Linux: VmHWM)", () => {
  test(`${URLS.toLocaleString("en")} URLs stay under the bound on Node 24 and Node 20`, async () => {
    const majors = Object.keys(BOUND_MIB).map(Number);
    const reports = await Promise.all(majors.map((major) => streamRss(nodeBinary(major))));
    for (const [i, major] of majors.entries()) {
      const report = reports[i]!;
      expect(report.urls).toBe(URLS);
      expect(report.vmHwmMiB, `Node ${major}: VmHWM read`).not.toBeNull();
      expect(report.peakRssMiB, `Node ${major}: peak RSS, MiB`).toBeLessThan(BOUND_MIB[major]!);
    }
  }, 300_000);
});
