/**
 * Resource patterns: per-section wildcard semantics
 * (`private-content-creating-signed-url-custom-policy`, see CLOUDFRONT.md "Wildcards").
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { resourceCovers, validateResource } from "../src/lib/resource.js";

const H = "https://d111111abcdef8.cloudfront.net";

const covers: [pattern: string, url: string, expected: boolean][] = [
  // Exact
  [`${H}/images/horizon.jpg`, `${H}/images/horizon.jpg`, true],
  [`${H}/images/horizon.jpg?size=large&license=yes`, `${H}/images/horizon.jpg?size=large&license=yes`, true],
  [`${H}/images/horizon.jpg`, `${H}/images/horizon.jpg?size=large`, false],
  // * in the path: zero or more characters, across folders, never into the query unless trailing
  [`${H}/images/*`, `${H}/images/horizon.jpg`, true],
  [`${H}/images/*`, `${H}/images/2026/horizon.jpg`, true],
  [`${H}/images/*`, `${H}/images/`, true],
  [`${H}/images/*`, `${H}/images/horizon.jpg?size=large`, true],
  [`${H}/images/*`, `${H}/videos/a.mp4`, false],
  [`${H}/hello*`, `${H}/hello`, true],
  [`${H}/hello*`, `${H}/hello?x=1`, true],
  [`${H}/hello*`, `${H}/hello-world.html?x=1`, true],
  [`${H}/*.jpg`, `${H}/a/b.jpg`, true],
  [`${H}/*.jpg`, `${H}/a.jpg?w=640`, false],
  [`${H}/*.jpg?*`, `${H}/a.jpg?w=640`, true],
  [`${H}/*.jpg*`, `${H}/a.jpg?w=640`, true],
  [`${H}/a*b`, `${H}/ab`, true],
  [`${H}/a*b`, `${H}/a?b`, false],
  // ? : exactly one character
  [`${H}/images/horizon.jp?`, `${H}/images/horizon.jpg`, true],
  [`${H}/images/horizon.jp?`, `${H}/images/horizon.jp`, false],
  [`${H}/images/horizon.jp?`, `${H}/images/horizon.jpeg`, false],
  [`${H}/file?.txt`, `${H}/file1.txt`, true],
  // ? in the pattern also matches the literal query separator
  [`${H}/a.jpg?w=1`, `${H}/a.jpg?w=1`, true],
  [`${H}/a.jpg?w=?`, `${H}/a.jpg?w=1`, true],
  [`${H}/a.jpg?*`, `${H}/a.jpg?w=1&h=2`, true],
  [`${H}/a.jpg?*`, `${H}/a.jpg`, false],
  // Sections: scheme and host
  [`${H}/*`, "http://d111111abcdef8.cloudfront.net/a.jpg", false],
  [`${H}/*`, "https://d222222abcdef8.cloudfront.net/a.jpg", false],
  ["https://*.cloudfront.net/*", `${H}/a.jpg`, true],
  ["https://*.cloudfront.net/*", "https://evil.example/x.cloudfront.net/a.jpg", false],
  ["https://*/*", `${H}/a/b.jpg`, true],
  ["https://*", `${H}/a.jpg`, false],
  ["http*://d111111abcdef8.cloudfront.net/*", "http://d111111abcdef8.cloudfront.net/a", true],
  ["http*://d111111abcdef8.cloudfront.net/*", `${H}/a`, true],
  ["*://d111111abcdef8.cloudfront.net/*", `${H}/a`, true],
  ["*", `${H}/anything?at=all`, true],
];

describe("resourceCovers", () => {
  test.each(covers)("%s covers %s: %s", (pattern, url, expected) => {
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
