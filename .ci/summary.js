// Prints the plain closing line CI reads ("N passed, N failed, N skipped") from Vitest's JSON report,
// and lists skipped tests by name so they are reported, not hidden.
import { readFileSync } from "node:fs";

const report = JSON.parse(readFileSync(process.argv[2], "utf8"));
const skipped = [];
for (const file of report.testResults) {
  for (const t of file.assertionResults) {
    if (t.status === "pending" || t.status === "skipped" || t.status === "todo") skipped.push(`${file.name}: ${t.fullName}`);
  }
}
for (const s of skipped) console.log(`skipped: ${s}`);
console.log(`tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped.length} skipped`);
process.exit(report.numFailedTests === 0 && report.success ? 0 : 1);
