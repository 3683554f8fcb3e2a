/**
 * Resource patterns: per-section wildcard semantics
 * (Developer Guide `private-content-creating-signed-url-custom-policy`).
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { resourceCovers, validateResource } from "../src/cloudfront/resource.js";
import { urlSections } from "../src/cloudfront/url.js";
import { H, WILDCARD_CASES } from "./helpers/wildcard-cases.js";

/**
 * Reference 1: the matcher as it was before the fast paths and the bit-parallel automaton,
 * a dynamic programme over pattern × URL, kept verbatim so that "no answer changed" is
 * checked on any strings at all, malformed ones included.
 */
function dpCovers(pattern: string, url: string): boolean {
  if (pattern === "*") return true;
  const { hostEnd, queryStart } = urlSections(url);
  const schemeEnd = url.indexOf("://");
  const n = url.length;
  const boundary = (j: number): boolean => (j >= schemeEnd && j < schemeEnd + 3) || j === hostEnd;
  let prev = new Uint8Array(n + 1);
  let next = new Uint8Array(n + 1);
  prev[0] = 1;
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern.charCodeAt(i);
    next.fill(0);
    if (p === 0x2a /* * */) {
      const trailing = i === pattern.length - 1;
      next[0] = prev[0]!;
      for (let j = 1; j <= n; j++) {
        const c = j - 1;
        const crossable = !boundary(c) && (c !== queryStart || trailing);
        next[j] = prev[j]! | (crossable ? next[j - 1]! : 0);
      }
    } else {
      for (let j = 1; j <= n; j++) {
        if (prev[j - 1] === 0) continue;
        const c = j - 1;
        const u = url.charCodeAt(c);
        next[j] = p === u || (p === 0x3f /* ? */ && !boundary(c)) ? 1 : 0;
      }
    }
    [prev, next] = [next, prev];
  }
  return prev[n] === 1;
}

/**
 * Reference 2: the documented semantics as a regular expression, for URLs of the form
 * `scheme://host/path[?query]`. The URL's section separators (the `://`, the `/` that ends
 * the host, the `?` that starts the query) are replaced by marks; a literal matches its
 * character or its mark, `?` any one character but the `://` and host-ending marks, `*`
 * any run without a mark, and a `*` ending the pattern also the query mark. Keep inputs
 * short: this is a backtracking regex.
 */
const MARK: Record<string, string> = { ":": "\uE03A", "/": "\uE02F", "?": "\uE03F" };
function markSections(url: string): string {
  const schemeEnd = url.indexOf("://");
  const hostEnd = url.indexOf("/", schemeEnd + 3);
  const q = url.indexOf("?", hostEnd);
  const marked = [...url];
  for (const i of [schemeEnd, schemeEnd + 1, schemeEnd + 2, hostEnd, q]) if (i >= 0) marked[i] = MARK[url[i]!]!;
  return marked.join("");
}
function regexCovers(pattern: string, url: string): boolean {
  if (pattern === "*") return true;
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "*") {
      if (pattern[i + 1] === "*") continue; // a run of stars: the last one decides the class
      source += i === pattern.length - 1 ? "[^\uE03A\uE02F]*" : "[^\uE03A\uE02F\uE03F]*";
    } else if (ch === "?") {
      source += "[^\uE03A\uE02F]";
    } else {
      const literal = ch.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
      source += MARK[ch] === undefined ? literal : `(?:${literal}|${MARK[ch]})`;
    }
  }
  return new RegExp(`^${source}$`, "u").test(markSections(url));
}

describe("resourceCovers", () => {
  test.each(WILDCARD_CASES)("%s covers %s: %s", (pattern, url, expected) => {
    expect(resourceCovers(pattern, url)).toBe(expected);
  });

  test("a pattern without wildcards covers exactly itself", () => {
    const segment = fc.stringMatching(/^[a-z0-9._~-]{1,12}$/);
    fc.assert(
      fc.property(
        fc.array(segment, { minLength: 1, maxLength: 4 }),
        fc.array(segment, { minLength: 1, maxLength: 4 }),
        (a, b) => {
          const ua = `${H}/${a.join("/")}`;
          const ub = `${H}/${b.join("/")}`;
          expect(resourceCovers(ua, ub)).toBe(ua === ub);
        },
      ),
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

describe("resourceCovers against reference matchers", () => {
  const letters = fc.constantFrom("a", "b", ".");
  const word = (max: number) => fc.array(letters, { maxLength: max }).map((a) => a.join(""));
  /** `scheme://host/path[?query]`, the path with `/` and the odd `:` or `*`, the query with `?` and `=`. */
  const structuredUrl = fc
    .tuple(
      fc.array(fc.constantFrom("h", "t", "p", "s"), { minLength: 1, maxLength: 3 }).map((a) => a.join("")),
      word(3),
      fc.array(fc.constantFrom("a", "b", ".", "/", "/", ":", "*"), { maxLength: 8 }).map((a) => a.join("")),
      fc.option(fc.array(fc.constantFrom("a", "b", "=", "?", "/"), { maxLength: 5 }).map((a) => a.join(""))),
    )
    .map(([scheme, host, path, query]) => `${scheme}://${host}/${path}${query === null ? "" : `?${query}`}`);
  /**
   * A pattern made from a URL: each character kept, or (at rate `wild`) replaced by `*` or
   * `?` or preceded by `*`, or (at rate `noise`) dropped or replaced by `b`; maybe a final `*`.
   */
  const patternFrom = (url: string, wild: number, noise: number) =>
    fc
      .tuple(
        fc.array(fc.noBias(fc.integer({ min: 0, max: 999 })), { minLength: url.length, maxLength: url.length }),
        fc.boolean(),
      )
      .map(([rolls, starAtEnd]) => {
        let p = "";
        [...url].forEach((ch, i) => {
          const r = rolls[i]! / 1000;
          if (r < wild / 3) p += "*";
          else if (r < (2 * wild) / 3) p += "?";
          else if (r < wild) p += `*${ch}`;
          else if (r < wild + noise / 2) p += "";
          else if (r < wild + noise) p += "b";
          else p += ch;
        });
        return starAtEnd ? `${p}*` : p;
      });
  const alphabet = fc.constantFrom("*", "?", "/", ".", ":", "a", "b");
  const randomString = (max: number) => fc.array(alphabet, { maxLength: max }).map((a) => a.join(""));

  test("agrees with the regex reference and the previous matcher on structured URLs", () => {
    let covered = 0;
    fc.assert(
      fc.property(
        structuredUrl.chain((url) =>
          fc.tuple(fc.constant(url), fc.oneof(patternFrom(url, 0.25, 0.05), randomString(10))),
        ),
        ([url, pattern]) => {
          const expected = regexCovers(pattern, url);
          expect(resourceCovers(pattern, url)).toBe(expected);
          expect(dpCovers(pattern, url)).toBe(expected);
          if (expected) covered++;
        },
      ),
      { numRuns: 3000 },
    );
    // The generator must exercise both answers, not just "no".
    expect(covered).toBeGreaterThan(300);
  });

  test("agrees with the previous matcher on arbitrary strings, malformed URLs included", () => {
    fc.assert(
      fc.property(randomString(10), randomString(14), (pattern, url) => {
        expect(resourceCovers(pattern, url)).toBe(dpCovers(pattern, url));
      }),
      { numRuns: 3000 },
    );
  });

  test("agrees with the previous matcher on patterns of more than 32 tokens", () => {
    let covered = 0;
    const longUrl = fc
      .tuple(word(4), fc.array(fc.constantFrom("a", "b", "/"), { minLength: 40, maxLength: 90 }), fc.option(word(20)))
      .map(([host, path, query]) => `https://${host}/${path.join("")}${query === null ? "" : `?${query}`}`);
    fc.assert(
      fc.property(
        longUrl.chain((url) => fc.tuple(fc.constant(url), patternFrom(url, 0.3, 0.005))),
        ([url, pattern]) => {
          const expected = dpCovers(pattern, url);
          expect(resourceCovers(pattern, url)).toBe(expected);
          if (expected) covered++;
        },
      ),
      { numRuns: 500 },
    );
    expect(covered).toBeGreaterThan(25);
  });

  // One row per way through the matcher.
  test.each([
    // No wildcard: string equality
    ["exact", `${H}/a.jpg`, `${H}/a.jpg`, true],
    ["exact", `${H}/a.jpg`, `${H}/a.jpg?x=1`, false],
    ["exact", `${H}/a.jpg`, `${H}/a.jp`, false],
    // Only a trailing *: prefix test, then no boundary in the rest (the query's ? may be crossed)
    ["prefix", `${H}/images/*`, `${H}/images/`, true],
    ["prefix", `${H}/images/*`, `${H}/images/a/b.jpg?x=1`, true],
    ["prefix", `${H}/images/*`, `${H}/image`, false],
    ["prefix", "https://*", `${H}/a.jpg`, false],
    ["prefix", "https://d111111abcdef8.cloudfront*", `${H}/a.jpg`, false],
    ["prefix", "https://d111111abcdef8.cloudfront*", H, true],
    ["prefix", `${H}/a**`, `${H}/a?x=1`, true],
    // Only a leading *: suffix test, then no boundary and no query separator before it
    ["suffix", "*://d111111abcdef8.cloudfront.net/a.jpg", `${H}/a.jpg`, true],
    ["suffix", "*://d111111abcdef8.cloudfront.net/a.jpg", "http://d111111abcdef8.cloudfront.net/a.jpg", true],
    ["suffix", "*://d111111abcdef8.cloudfront.net/a.jpg", `${H}/b.jpg`, false],
    ["suffix", "*/a.jpg", `${H}/a.jpg`, false],
    // prefix*suffix
    ["prefix*suffix", `${H}/*.jpg`, `${H}/a/b.jpg`, true],
    ["prefix*suffix", `${H}/*=1`, `${H}/a.jpg?w=1`, false],
    ["prefix*suffix", `${H}/a**b`, `${H}/a?b`, false],
    ["prefix*suffix", "https://*.cloudfront.net/a.jpg", `${H}/a.jpg`, true],
    ["prefix*suffix", "https://*.cloudfront.net/a.jpg", "https://evil.example/x.cloudfront.net/a.jpg", false],
    ["prefix*suffix", `${H}/ab*ba`, `${H}/aba`, false],
    ["prefix*suffix", `${H}/ab*ba`, `${H}/abba`, true],
    // Anything else: the automaton
    ["automaton", `${H}/images/*/photo_*.jp?*`, `${H}/images/7/photo_7.jpg?w=800`, true],
    ["automaton", `${H}/images/*/photo_*.jp?`, `${H}/images/7/photo_7.jpg?w=800`, false],
    ["automaton", `${H}/` + "?".repeat(40), `${H}/` + "x".repeat(40), true],
    ["automaton", `${H}/` + "?".repeat(40), `${H}/` + "x".repeat(39), false],
    ["automaton", `${H}/` + "?".repeat(40), `${H}/` + "x".repeat(41), false],
    // A first * that must take more than the least: greedy matching with one backtrack point gets this wrong
    ["automaton", "*:*//c/d", "a:b://c/d", true],
    ["automaton", "*:*//c/d", "a:b://c/x", false],
  ] as const)("%s: %s covers %s: %s", (_path, pattern, url, expected) => {
    expect(resourceCovers(pattern, url)).toBe(expected);
    expect(dpCovers(pattern, url)).toBe(expected);
  });

  test("answers hostile 8 KiB patterns (timed once by hand: milliseconds, not the DP's hundreds)", () => {
    const base = `${H}/`;
    const url = base + "a".repeat(8192 - base.length - 1) + "b"; // 8,192 characters, all a's, then b
    const stars = Math.floor((8192 - base.length - 2) / 2); // `*a` pairs that fit before the final `*b`
    const pattern = base + "*a".repeat(stars) + "*b";
    expect(pattern.length).toBeLessThanOrEqual(8192);
    expect(resourceCovers(pattern, url)).toBe(true);
    // No `c` in the URL: every state stays alive to the end, and still no.
    expect(resourceCovers(base + "*a".repeat(stars - 1) + "*c*b", url)).toBe(false);
    // More `a`s than the URL has, up to a pattern far past 8 KiB (unvalidated): refused on length.
    expect(resourceCovers(pattern, base + "a".repeat(4000) + "b")).toBe(false);
    expect(resourceCovers(base + "*a".repeat(500_000) + "*b", url)).toBe(false);
    expect(resourceCovers(base + "*?".repeat(stars) + "*b", url)).toBe(true);
    expect(resourceCovers(pattern, url.slice(0, -1) + "a")).toBe(false);
    // A * that is not trailing may not cross into the query.
    const withQuery = base + "a".repeat(4000) + "?" + "a".repeat(4000) + "b";
    expect(resourceCovers(base + "*a".repeat(2000) + "*b", withQuery)).toBe(false);
    expect(resourceCovers(base + "*a".repeat(2000) + "?*b", withQuery)).toBe(true);
    expect(resourceCovers(base + "*a".repeat(2000) + "*", withQuery)).toBe(true);
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
    if (broad)
      expect(() => validateResource(pattern, false)).toThrow(expect.objectContaining({ code: "RESOURCE_TOO_BROAD" }));
    else expect(validateResource(pattern, false).pattern).toBe(pattern);
  });
});
