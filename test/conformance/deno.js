// Conformance runner for Deno: `deno run --allow-read conformance/deno.js`, in a
// directory where cfsign is installed. Deno resolves the package's "deno" export.
import * as lib from "cfsign";
import { runConformance } from "./suite.js";

const vectors = JSON.parse(await Deno.readTextFile(new URL("../vectors/cloudfront.json", import.meta.url)));
const report = await runConformance(lib, { vectors, entry: "web", log: (line) => console.error(line) });
console.log(`CONFORMANCE ${JSON.stringify({ ...report, resolved: import.meta.resolve("cfsign") })}`);
Deno.exit(report.failed === 0 ? 0 : 1);
