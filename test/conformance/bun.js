// Conformance runner for Bun: `bun conformance/bun.js`, in a directory where
// cfsign is installed. Bun resolves the package's "bun" export.
import * as lib from "cfsign";
import { runConformance } from "./suite.js";

const vectors = await Bun.file(new URL("../vectors/cloudfront.json", import.meta.url)).json();
const report = await runConformance(lib, { vectors, entry: "web", log: (line) => console.error(line) });
console.log(`CONFORMANCE ${JSON.stringify({ ...report, resolved: import.meta.resolve("cfsign") })}`);
process.exit(report.failed === 0 ? 0 : 1);
