#!/usr/bin/env node
// The `cfsign` command. The command line itself is src/cli.ts, built into dist/.
import { existsSync } from "node:fs";

const cli = new URL("../dist/cli.js", import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write("cfsign: INTERNAL: dist/ is missing; run 'npm run build' in the cfsign checkout\n");
  process.exit(3);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
