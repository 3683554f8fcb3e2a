// Conformance runner for Node: `node conformance/node.js` (the "node" export,
// node:crypto by default) or `node --conditions=browser conformance/node.js web`
// (the web export, in Node). Prints one `CONFORMANCE {json}` line; exit code 1 on failure.
import { readFile } from "node:fs/promises";
import * as lib from "cfsign";
import { runConformance } from "./suite.js";

const vectors = JSON.parse(await readFile(new URL("../vectors/cloudfront.json", import.meta.url), "utf8"));
const entry = process.argv[2] ?? "node";
const report = await runConformance(lib, { vectors, entry, log: (line) => console.error(line) });
console.log(`CONFORMANCE ${JSON.stringify({ ...report, resolved: import.meta.resolve("cfsign") })}`);
process.exitCode = report.failed === 0 ? 0 : 1;
