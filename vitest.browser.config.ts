import { defineConfig } from "vitest/config";

// `npm run test:browser`: the conformance suite in headless Chromium (test/chromium.browser.test.ts).
// CFSIGN_VITEST_JSON (set by .ci/run) adds a JSON report for the CI summary line.
const json = process.env.CFSIGN_VITEST_JSON;

export default defineConfig({
  test: {
    include: ["test/**/*.browser.test.ts"],
    testTimeout: 200_000,
    hookTimeout: 120_000,
    reporters: json ? ["default", ["json", { outputFile: json }]] : ["default"],
  },
});
