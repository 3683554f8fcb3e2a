/**
 * The characters of a URL after its host that a client sends as written (RFC 3986 §2.2, §2.3), and how to
 * name and percent-encode the others: shared by the URL validator (./url.ts), the client-rewrite rule
 * (./client-rewrite.ts) and its fast path (./plain-url.ts).
 *
 * @module
 */

/**
 * Characters allowed unencoded after the host (RFC 3986 §2.2, §2.3): unreserved
 * and reserved characters except `#` (fragment), `[` and `]` (only legal inside
 * an IP-literal host). `%` is checked separately (must start a `%HH` escape).
 */
const ALLOWED_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~" + ":/?@" + "!$&'()*+,;=";

/** {@link ALLOWED_CHARS} as a table by character code. */
export const ALLOWED = /* @__PURE__ */ (() => {
  const table = new Uint8Array(128);
  for (let i = 0; i < ALLOWED_CHARS.length; i++) table[ALLOWED_CHARS.charCodeAt(i)] = 1;
  return table;
})();

/**
 * The first character of a query that a client would not send as written: one not in {@link ALLOWED_CHARS},
 * or `'` (encoded in a query). Also `%`, which the fast path leaves to the full checks. A regular expression
 * scans a long query (a signed URL's) several times faster than a loop over its characters.
 */
export const QUERY_STOP = /* @__PURE__ */ new RegExp(
  "[^" + ALLOWED_CHARS.replace(/'/, "").replace(/[-\\\]^]/g, "\\$&") + "]",
  "g",
);

const HEX = "0123456789ABCDEF";

export function isHex(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

export function percentEncodeChar(char: string): string {
  let out = "";
  for (const byte of new TextEncoder().encode(char)) out += "%" + HEX[byte >> 4] + HEX[byte & 15];
  return out;
}

export function describeChar(char: string): string {
  const cp = char.codePointAt(0)!;
  const name = "U+" + cp.toString(16).toUpperCase().padStart(4, "0");
  return cp >= 0x21 && cp <= 0x7e ? `"${char}" (${name})` : name;
}
