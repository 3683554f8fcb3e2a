// Prints the plain closing line CI reads ("N passed, N failed, N skipped") from one or more of
// Vitest's JSON reports (npm test, npm run test:browser), and lists skipped tests by name so they
// are reported, not hidden.
import { readFileSync } from "node:fs";

let passed = 0;
let failed = 0;
let success = true;
const skipped = [];
for (const path of process.argv.slice(2)) {
  const report = JSON.parse(readFileSync(path, "utf8"));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  success &&= report.success;
  for (const file of report.testResults) {
    for (const t of file.assertionResults) {
      if (t.status === "pending" || t.status === "skipped" || t.status === "todo")
        skipped.push(`${file.name}: ${t.fullName}`);
    }
  }
}
for (const s of skipped) console.log(`skipped: ${s}`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped.length} skipped`);
process.exit(failed === 0 && success ? 0 : 1);
