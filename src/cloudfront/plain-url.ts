/**
 * The fast path of the URL rules: one pass that recognises the common URL, which no client rewrites and
 * whose host is valid, so that the validator (./url.ts) and the client-rewrite rule (./client-rewrite.ts)
 * can skip their full checks for it. It only skips work: test/url-fast-path.test.ts holds both to the
 * answers of their full checks.
 *
 * @module
 */
import { ALLOWED, QUERY_STOP } from "./url-chars.ts";

/**
 * The fast path of `validateUrl` (./url.ts) and `clientRewrite` (./client-rewrite.ts), for the common URL: `https://` or `http://`
 * in lower case, a lower-case DNS host name (no port, no user information) and `/`, a path of characters that
 * need no encoding, without a `%` escape or a `.`/`..` segment, and a query without `%` or `'`. Such a URL
 * is sent byte for byte by every client and its host is valid, so only its query parameters remain to be
 * checked. One pass over the characters, no allocation.
 *
 * @returns the index of the `?` (the URL's length when it has no query), or -1 when the URL is not of this
 *   plain form: then the full checks decide (they accept every plain URL too; the fast path only skips them)
 */
export function plainQueryStart(url: string): number {
  const n = url.length;
  let i = url.startsWith("https://") ? 8 : url.startsWith("http://") ? 7 : 0;
  if (i === 0) return -1;
  // The host, as checkHost's pattern: labels of [a-z0-9-] that start and end with a letter or digit, between dots.
  const hostStart = i;
  let labelStart = true;
  let prev = 0;
  for (; i < n; i++) {
    const c = url.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39)) labelStart = false;
    else if (c === 0x2d /* - */) {
      if (labelStart) return -1;
    } else if (c === 0x2e /* . */) {
      if (labelStart || prev === 0x2d) return -1;
      labelStart = true;
    } else break;
    prev = c;
  }
  if (labelStart || prev === 0x2d || i - hostStart > 253 || url.charCodeAt(i) !== 0x2f /* / */) return -1;
  // The path, up to the query.
  for (; i < n; i++) {
    const c = url.charCodeAt(i);
    if (c === 0x3f /* ? */) break;
    if (c >= 128 || ALLOWED[c] !== 1) return -1; // also % and #
    if (c === 0x2f && url.charCodeAt(i + 1) === 0x2e) {
      // "/." or "/..": a dot segment when nothing else follows in the segment (hasDotSegment).
      const next = url.charCodeAt(i + 2);
      if (endsSegment(next) || (next === 0x2e && endsSegment(url.charCodeAt(i + 3)))) return -1;
    }
  }
  if (i < n) {
    QUERY_STOP.lastIndex = i + 1;
    if (QUERY_STOP.test(url)) return -1;
  }
  return i;
}

/** Whether a character code (NaN past the end) ends a path segment. */
function endsSegment(code: number): boolean {
  return code === 0x2f || code === 0x3f || code === 0x23 || Number.isNaN(code);
}
