import { defineConfig } from "vitest/config";

// CFSIGN_VITEST_JSON (set by .ci/run) adds a JSON report for the CI summary line.
const json = process.env.CFSIGN_VITEST_JSON;

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Chromium runs apart: `npm run test:browser` (vitest.browser.config.ts).
    exclude: ["test/**/*.browser.test.ts", "**/node_modules/**"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: json ? ["default", ["json", { outputFile: json }]] : ["default"],
  },
});
