#!/usr/bin/env node
// The `cfsign` command. The command line itself is src/cli.ts, built into dist/.
import { existsSync } from "node:fs";
import { getHeapSpaceStatistics, setFlagsFromString } from "node:v8";

// Bounded memory on every Node version (docs/runtimes.md, "Memory"). A bulk run keeps a steady set
// of young objects alive (two batches in flight), so V8 grows the young generation to its maximum:
// 2 x 16 MiB on Node 20 and 22, but 2 x 64 MiB on Node 24 and 26 (V8 13+): +96 MiB of RSS, and
// slower under a small --max-old-space-size. The maximum is fixed at start-up, but the growth
// factor is read at each growth: once the young generation has reached 2 x 8 MiB (measured as
// fast here), stop it growing. Flags the user gives (node --max-semi-space-size=N, NODE_OPTIONS) win.
const given = `${process.execArgv.join(" ")} ${process.env.NODE_OPTIONS ?? ""}`;
if (!/--(?:max|min)[-_]semi[-_]space[-_]size|--semi[-_]space[-_]growth[-_]factor/.test(given)) {
  const cap = 2 * 8 * 2 ** 20;
  const youngBytes = () => getHeapSpaceStatistics().find((s) => s.space_name === "new_space")?.space_size ?? 0;
  const watch = setInterval(() => {
    if (youngBytes() < cap) return;
    setFlagsFromString("--semi-space-growth-factor=1");
    clearInterval(watch);
  }, 20);
  watch.unref();
}

const cli = new URL("../dist/cli.js", import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write("cfsign: INTERNAL: dist/ is missing; run 'npm run build' in the cfsign checkout\n");
  process.exit(3);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
