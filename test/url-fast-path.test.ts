/**
 * The URL rules' fast path (src/cloudfront/plain-url.ts, plainQueryStart: one pass for a plain lower-case
 * ASCII URL) may only skip work, never change a verdict: validateUrl and clientRewrite must answer exactly as
 * their full checks do, on the shared tables and on generated URLs built from the characters where the
 * rules change (case, ports, user information, dots, %, ', #, non-ASCII, signing parameter names).
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { clientRewrite, clientRewriteWithoutFastPath } from "../src/cloudfront/client-rewrite.js";
import { validateUrl, validateUrlWithoutFastPath } from "../src/cloudfront/url.js";
import { CLIENT_REWRITE_ROWS } from "./helpers/client-rewrites.js";

/** The outcome of a validator: the URL it returns, or the refusal's code and message. */
function outcome(f: () => string): string {
  try {
    return "ok " + f();
  } catch (err) {
    const e = err as { code?: string; message: string };
    return `${e.code} ${e.message}`;
  }
}

function agree(url: string): void {
  for (const encode of [false, true]) {
    expect(outcome(() => validateUrl(url, { encode }))).toBe(
      outcome(() => validateUrlWithoutFastPath(url, { encode })),
    );
  }
  expect(clientRewrite(url)).toEqual(clientRewriteWithoutFastPath(url));
}

describe("the fast path agrees with the full checks", () => {
  test.each(CLIENT_REWRITE_ROWS)("%s", (_name, url) => agree(url));

  test("plain URLs take the fast path and are accepted as given", () => {
    for (const url of [
      "https://d111111abcdef8.cloudfront.net/gallery/2026/1/photo-1.jpg",
      "http://cdn.example.com/a.b/c?w=800&fmt=webp",
      "https://a-b.c0.example/x/.y/..z/y./?q=a/b?c",
    ]) {
      agree(url);
      expect(validateUrl(url)).toBe(url);
    }
  });

  test("host names at the edges of the DNS rule", () => {
    for (const host of [
      "a-.b",
      "a.-b",
      "-a",
      "a-",
      "a..b",
      ".a",
      "a.",
      "a-b.c-d",
      "0.0",
      "a".repeat(254),
      "a".repeat(253),
    ]) {
      agree(`https://${host}/x.jpg`);
      agree(`http://${host}/`);
    }
  });

  test("generated URLs", () => {
    const piece = (chars: string[]) => fc.array(fc.constantFrom(...chars), { maxLength: 8 }).map((a) => a.join(""));
    const scheme = fc.constantFrom("https://", "http://", "HTTPS://", "Http://", "ftp://", "https:/");
    const label = fc
      .array(fc.constantFrom("a", "z", "0", "9", "-", "-", "A", "_"), { maxLength: 4 })
      .map((a) => a.join(""));
    const host = fc.oneof(
      fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join(".")),
      piece(["a", "b", "z", "0", "9", "-", ".", "A", ":", "4", "3", "@", "_", "é", "[", "%"]),
    );
    const path = piece(["/", "/", "a", ".", ".", "%", "2e", "2E", "'", "#", " ", "~", "é", "\ud800", "?", "[", "`"]);
    const query = fc.oneof(
      fc.constant(""),
      piece(["a", "=", "&", "'", "%", "27", "+", "?", "/", "Expires", "key-pair-id", "X-Amz-Signature", "#", " "]).map(
        (q) => "?" + q,
      ),
    );
    fc.assert(
      fc.property(scheme, host, path, query, (s, h, p, q) => agree(s + h + p + q)),
      { numRuns: 5000 },
    );
  });
});
