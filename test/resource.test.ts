/**
 * Resource patterns: per-section wildcard semantics
 * (`private-content-creating-signed-url-custom-policy`, see CLOUDFRONT.md "Wildcards").
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { resourceCovers, validateResource } from "../src/lib/resource.js";
import { H, WILDCARD_CASES } from "./helpers/wildcard-cases.js";

describe("resourceCovers", () => {
  test.each(WILDCARD_CASES)("%s covers %s: %s", (pattern, url, expected) => {
    expect(resourceCovers(pattern, url)).toBe(expected);
  });

  test("a pattern without wildcards covers exactly itself", () => {
    const segment = fc.stringMatching(/^[a-z0-9._~-]{1,12}$/);
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), fc.array(segment, { minLength: 1, maxLength: 4 }), (a, b) => {
        const ua = `${H}/${a.join("/")}`;
        const ub = `${H}/${b.join("/")}`;
        expect(resourceCovers(ua, ub)).toBe(ua === ub);
      }),
      { numRuns: 500 },
    );
  });

  test("a trailing /* covers every path below its folder and nothing outside", () => {
    const segment = fc.stringMatching(/^[a-z0-9._~-]{1,8}$/);
    fc.assert(
      fc.property(segment, fc.array(segment, { maxLength: 4 }), segment, (folder, rest, other) => {
        const pattern = `${H}/${folder}/*`;
        expect(resourceCovers(pattern, `${H}/${folder}/${rest.join("/")}`)).toBe(true);
        if (other !== folder) expect(resourceCovers(pattern, `${H}/${other}/x`)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  test("matching stays fast at the 8 KiB limit with many stars", () => {
    const pattern = `${H}/` + "*a".repeat(2000);
    const url = `${H}/` + "a".repeat(8000) + "b";
    const started = performance.now();
    expect(resourceCovers(pattern, url)).toBe(false);
    // Not a benchmark: a guard against exponential backtracking (quadratic DP finishes in well under a second).
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe("validateResource", () => {
  test.each([
    ["*", true],
    ["https://*.cloudfront.net/*", true],
    ["http*://d111111abcdef8.cloudfront.net/*", true],
    ["https://d111111abcdef8.cloudfront.n?t/*", true],
    [`${H}/*`, false],
    [`${H}/a?c`, false],
  ])("%s is broad: %s", (pattern, broad) => {
    expect(validateResource(pattern, true).broad).toBe(broad);
    if (broad) expect(() => validateResource(pattern, false)).toThrow(expect.objectContaining({ code: "RESOURCE_TOO_BROAD" }));
    else expect(validateResource(pattern, false).pattern).toBe(pattern);
  });
});
