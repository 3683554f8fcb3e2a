/**
 * The published declarations show what the API documents and nothing of how it is
 * built: `Signer` and `SignedPolicy` are made by `createSigner` and `signer.signPolicy`,
 * so their constructors are private and name no internal type (key, hot path, settings).
 * Reads dist/ (`npm run build` first, as `npm test` does).
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";

const dts = (file: string): string => readFileSync(new URL(`../dist/${file}`, import.meta.url), "utf8");

describe("the published .d.ts", () => {
  test.each([
    ["signer.d.ts", "Signer"],
    ["shared-policy.d.ts", "SignedPolicy"],
  ])("%s: %s has a private constructor without parameters, and no internal type", (file, name) => {
    const text = dts(file);
    const start = text.indexOf(`export declare class ${name} {`);
    expect(start).toBeGreaterThanOrEqual(0);
    const body = text.slice(start, text.indexOf("\n}\n", start));
    expect(body).toMatch(/^\s*private constructor\(\);$/m);
    expect(body).not.toMatch(/\bconstructor\([^)]/);
    expect(body).not.toMatch(/\b(SigningKey|HotPath|SignerCore|SignatureCache|BatchSigner|SignedPolicyInit)\b/);
  });
});
