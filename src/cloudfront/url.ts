/**
 * Where a URL is validated before it is signed.
 *
 * CloudFront never receives a canned policy: it rebuilds the policy from the URL
 * the client sends (`private-content-creating-signed-url-canned-policy`), so the
 * bytes we sign must be the bytes the client will send. Anything a browser or
 * HTTP client would rewrite on the way (case of scheme and host, default port,
 * dot segments, characters it percent-encodes, a fragment it never sends) is
 * refused here with the exact fix, instead of producing a URL that gives 403.
 *
 * @module
 */
import { fail } from "../errors.ts";
import { isS3SigningParameterName, signingParameterIgnoringCase } from "./params.ts";

/** CloudFront's maximum URL length in bytes (`cloudfront-limits`). */
export const MAX_URL_BYTES = 8192;

/**
 * Characters allowed unencoded after the host (RFC 3986 §2.2, §2.3): unreserved
 * and reserved characters except `#` (fragment), `[` and `]` (only legal inside
 * an IP-literal host). `%` is checked separately (must start a `%HH` escape).
 */
const ALLOWED_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~" + ":/?@" + "!$&'()*+,;=";

/** {@link ALLOWED_CHARS} as a table by character code. */
const ALLOWED = /* @__PURE__ */ (() => {
  const table = new Uint8Array(128);
  for (let i = 0; i < ALLOWED_CHARS.length; i++) table[ALLOWED_CHARS.charCodeAt(i)] = 1;
  return table;
})();

/**
 * The first character of a query that a client would not send as written: one not in {@link ALLOWED_CHARS},
 * or `'` (encoded in a query). Also `%`, which the fast path leaves to the full checks. A regular expression
 * scans a long query (a signed URL's) several times faster than a loop over its characters.
 */
const QUERY_STOP = /* @__PURE__ */ new RegExp(
  "[^" + ALLOWED_CHARS.replace(/'/, "").replace(/[-\\\]^]/g, "\\$&") + "]",
  "g",
);

const HEX = "0123456789ABCDEF";

function isHex(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

function percentEncodeChar(char: string): string {
  let out = "";
  for (const byte of new TextEncoder().encode(char)) out += "%" + HEX[byte >> 4] + HEX[byte & 15];
  return out;
}

function describeChar(char: string): string {
  const cp = char.codePointAt(0)!;
  const name = "U+" + cp.toString(16).toUpperCase().padStart(4, "0");
  return cp >= 0x21 && cp <= 0x7e ? `"${char}" (${name})` : name;
}

/** Splits an absolute http(s) URL into its sections (no validation). */
export interface UrlSections {
  /** `http` or `https`. */
  readonly scheme: string;
  /** Index of the `/` that ends the host, or the URL's length. */
  readonly hostEnd: number;
  /** Index of the first `?` (the query separator), or the URL's length. */
  readonly queryStart: number;
}

/** Options for {@link validateUrl}. */
export interface ValidateUrlOptions {
  /**
   * Rewrite the URL as a client would send it instead of refusing it: percent-encode characters that must be
   * encoded, and write a non-ASCII host in its punycode (IDNA) form.
   */
  readonly encode?: boolean | undefined;
}

/**
 * Something a client changes in a URL before sending it, so that CloudFront
 * sees other bytes than the ones given (see CLOUDFRONT.md "What reaches
 * CloudFront is what the client sends").
 */
export interface ClientRewrite {
  /** The signer's error code for it: `INVALID_URL` or `URL_UNSAFE_CHARACTER`. */
  readonly code: "INVALID_URL" | "URL_UNSAFE_CHARACTER";
  /** What the client changes, in a few words: `resolves the "." and ".." segments of the path`. */
  readonly change: string;
  /** The signer's message: the change and how to write the URL so that it is sent as given. */
  readonly message: string;
}

/**
 * What a browser or HTTP client would change in `url` before sending it, or
 * `null` when it sends the URL byte for byte: upper-case scheme or host, a
 * default port, user information, `.`/`..` path segments, characters it
 * percent-encodes (space, non-ASCII, `"`, `<`, `'` in the query, a `%` that starts
 * no escape, ...), a non-ASCII host (sent in punycode), an empty path. The one
 * rule behind the signer's refusals ({@link validateUrl}) and the verifier's
 * `CLIENT_REWRITES_URL`.
 *
 * @param url - an absolute `http(s)://` URL (any letter case), without its `#fragment`
 * @returns the first change a client makes, or `null`
 * @example
 * ```ts
 * clientRewrite("https://cdn.example.com/gallery/../x.jpg")?.change; // 'resolves the "." and ".." segments of the path'
 * clientRewrite("https://cdn.example.com/x.jpg");                    // null
 * ```
 */
export function clientRewrite(url: string): ClientRewrite | null {
  return plainQueryStart(url) !== -1 ? null : clientRewriteWithoutFastPath(url);
}

/** {@link clientRewrite} without its fast path ({@link plainQueryStart}): test/url-fast-path.test.ts compares the two. */
export function clientRewriteWithoutFastPath(url: string): ClientRewrite | null {
  const schemeLength = schemePrefixLength(url);
  if (schemeLength === 0 || url[schemeLength] === "[") return null;
  return (
    schemeCase(url, schemeLength) ??
    characters(url, schemeLength) ??
    authority(url, schemeLength) ??
    dotSegments(url, schemeLength)
  );
}

/**
 * Checks that `input` can be signed exactly as given and returns the URL to sign
 * (the input itself, or the form a client sends when `encode` is set).
 *
 * @param input - the URL
 * @param options - `encode`
 * @returns the URL to sign
 * @throws {@link CfSignError} `INVALID_URL`, `URL_HAS_FRAGMENT`, `URL_UNSAFE_CHARACTER`,
 *   `URL_HAS_SIGNING_PARAMETER`, `URL_HAS_S3_SIGNATURE`, `URL_TOO_LONG` (over 8,192 bytes before signing)
 * @example
 * ```ts
 * validateUrl("https://cdn.example.com/a b.jpg", { encode: true }); // "https://cdn.example.com/a%20b.jpg"
 * ```
 */
export function validateUrl(input: unknown, options: ValidateUrlOptions = {}): string {
  if (typeof input !== "string") {
    fail("INVALID_ARGUMENT", `a URL must be a string, got ${input === null ? "null" : typeof input}`);
  }
  // First, so that the work below (and resource matching after it) stays bounded for any input.
  if (input.length > MAX_URL_BYTES) tooLong();
  const plain = plainQueryStart(input);
  if (plain !== -1) {
    // Nothing for a client to rewrite (so nothing to encode either) and a valid host: only the query to check.
    if (plain < input.length) checkQuery(input, plain);
    return input;
  }
  return validateUrlWithoutFastPath(input, options);
}

/** {@link validateUrl} without its fast path ({@link plainQueryStart}): test/url-fast-path.test.ts compares the two. */
export function validateUrlWithoutFastPath(input: string, options: ValidateUrlOptions = {}): string {
  if (input.length > MAX_URL_BYTES) tooLong();
  const schemeLength = schemePrefixLength(input);
  if (schemeLength === 0) {
    fail("INVALID_URL", "the URL must be absolute and start with https:// or http://");
  }
  const scheme = schemeCase(input, schemeLength);
  if (scheme !== null) fail(scheme.code, scheme.message);
  const hash = input.indexOf("#");
  if (hash !== -1) {
    fail(
      "URL_HAS_FRAGMENT",
      "the URL has a #fragment; clients never send it, so CloudFront would see different bytes. " +
        "Remove the fragment (add it after signing if the page needs it), or write # as %23 if it is part of the name",
    );
  }
  if (input[schemeLength] === "[") {
    fail("INVALID_URL", "IPv6 literal hosts are not supported; CloudFront serves distributions by DNS name");
  }
  const url = options.encode === true ? encodeForClient(input, schemeLength) : input;
  if (url.length > MAX_URL_BYTES) tooLong();
  const rewrite = characters(url, schemeLength) ?? authority(url, schemeLength) ?? dotSegments(url, schemeLength);
  if (rewrite !== null) fail(rewrite.code, rewrite.message);
  checkHost(url, schemeLength);
  const queryStart = url.indexOf("?");
  if (queryStart !== -1) checkQuery(url, queryStart);
  return url;
}

/**
 * The fast path of {@link validateUrl} and {@link clientRewrite}, for the common URL: `https://` or `http://`
 * in lower case, a lower-case DNS host name (no port, no user information) and `/`, a path of characters that
 * need no encoding, without a `%` escape or a `.`/`..` segment, and a query without `%` or `'`. Such a URL
 * is sent byte for byte by every client and its host is valid, so only its query parameters remain to be
 * checked. One pass over the characters, no allocation.
 *
 * @returns the index of the `?` (the URL's length when it has no query), or -1 when the URL is not of this
 *   plain form: then the full checks decide (they accept every plain URL too; the fast path only skips them)
 */
function plainQueryStart(url: string): number {
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

function tooLong(): never {
  fail("URL_TOO_LONG", `the URL is longer than ${MAX_URL_BYTES} bytes, CloudFront's limit, even before signing`);
}

/** 8 for `https://`, 7 for `http://` (any case), else 0. */
function schemePrefixLength(url: string): number {
  const lower = url.slice(0, 8).toLowerCase();
  return lower.startsWith("https://") ? 8 : lower.startsWith("http://") ? 7 : 0;
}

function rewrite(code: ClientRewrite["code"], change: string, message: string): ClientRewrite {
  return { code, change, message };
}

function schemeCase(url: string, schemeLength: number): ClientRewrite | null {
  const scheme = url.slice(0, schemeLength);
  if (scheme === scheme.toLowerCase()) return null;
  return rewrite(
    "INVALID_URL",
    "lower-cases the scheme",
    "write the URL scheme in lower case (clients send it that way, so CloudFront rebuilds it so)",
  );
}

/** End of the host (the first `/`, `?` or `#` after it, or the end). */
function hostEndOf(url: string, hostStart: number): number {
  let i = hostStart;
  while (i < url.length) {
    const c = url.charCodeAt(i);
    if (c === 0x2f || c === 0x3f || c === 0x23) break;
    i++;
  }
  return i;
}

/** The punycode form a client sends for a host with non-ASCII letters, or `null` when it has none or none exists. */
function punycodeHost(host: string): string | null {
  try {
    const ascii = new URL("https://" + host + "/").hostname;
    return /^[\x21-\x7e]+$/.test(ascii) && ascii !== host ? ascii : null;
  } catch {
    return null;
  }
}

function characters(input: string, from: number): ClientRewrite | null {
  // Fast path, the common case: every character allowed as it is, no % to check and no '.
  let clean = from;
  for (; clean < input.length; clean++) {
    const code = input.charCodeAt(clean);
    if (code >= 128 || ALLOWED[code] !== 1 || code === 0x27 /* ' */) break;
  }
  if (clean === input.length) return null;
  const queryStart = input.indexOf("?");
  const hostEnd = hostEndOf(input, from);
  for (let i = clean; i < input.length; i++) {
    const code = input.charCodeAt(i);
    let char = input[i]!;
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = input.charCodeAt(i + 1);
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        char = input.slice(i, i + 2);
      } else {
        return rewrite(
          "URL_UNSAFE_CHARACTER",
          `replaces the lone surrogate at character ${i + 1} with U+FFFD`,
          `the URL has a lone surrogate (${describeChar(char)}) at character ${i + 1}, which no client can send`,
        );
      }
    }
    const inQuery = queryStart !== -1 && i > queryStart;
    if (i < hostEnd && code >= 128) {
      const host = input.slice(from, hostEnd);
      const ascii = punycodeHost(host);
      return rewrite(
        "URL_UNSAFE_CHARACTER",
        ascii === null ? "cannot send the non-ASCII host name" : `sends the host name in punycode, ${ascii}`,
        `the URL's host has ${describeChar(char)}, a non-ASCII letter: clients send such a host name in its punycode ` +
          "(IDNA) form, " +
          (ascii === null
            ? "and this one has none; use the distribution's ASCII host name"
            : `so write the host as ${ascii} (what new URL(...).hostname gives), or pass encode: true to have cfsign do it`),
      );
    }
    let ok: boolean;
    let replacement: string;
    if (code === 0x25 /* % */) {
      ok = isHex(input.charCodeAt(i + 1)) && isHex(input.charCodeAt(i + 2));
      replacement = "%25";
    } else if (code === 0x27 /* ' */) {
      // Browsers percent-encode ' in the query of http(s) URLs (WHATWG URL, special-query set).
      ok = !inQuery;
      replacement = "%27";
    } else {
      ok = code < 128 && ALLOWED[code] === 1;
      replacement = ok ? char : percentEncodeChar(char);
    }
    if (!ok) {
      return rewrite(
        "URL_UNSAFE_CHARACTER",
        `percent-encodes ${describeChar(char)} at character ${i + 1} as ${replacement}`,
        `the URL has ${describeChar(char)} at character ${i + 1}, which must be percent-encoded: write ${replacement} ` +
          "(or pass encode: true to have cfsign encode it and sign the encoded URL)",
      );
    }
    if (char.length === 2) i++;
  }
  return null;
}

/** The URL as a client sends it, character-wise: the host in punycode, the rest percent-encoded where needed. */
function encodeForClient(input: string, from: number): string {
  const hostEnd = hostEndOf(input, from);
  let head = input.slice(0, hostEnd);
  if (/[^\x00-\x7f]/.test(input.slice(from, hostEnd))) {
    const ascii = punycodeHost(input.slice(from, hostEnd));
    if (ascii !== null) head = input.slice(0, from) + ascii;
  }
  let out = head;
  const queryStart = input.indexOf("?");
  for (let i = hostEnd; i < input.length; i++) {
    const code = input.charCodeAt(i);
    let char = input[i]!;
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = input.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) char = input.slice(i, i + 2);
    }
    if (code >= 0xd800 && code <= 0xdfff && char.length === 1) {
      out += char; // a lone surrogate: left for the check to refuse
    } else if (code === 0x25) {
      out += isHex(input.charCodeAt(i + 1)) && isHex(input.charCodeAt(i + 2)) ? "%" : "%25";
    } else if (code === 0x27) {
      out += queryStart !== -1 && i > queryStart ? "%27" : "'";
    } else {
      out += code < 128 && ALLOWED[code] === 1 ? char : percentEncodeChar(char);
    }
    if (char.length === 2) i++;
  }
  return out;
}

function authority(url: string, hostStart: number): ClientRewrite | null {
  const hostEnd = url.indexOf("/", hostStart);
  const q = url.indexOf("?", hostStart);
  if (q !== -1 && (hostEnd === -1 || q < hostEnd)) {
    return rewrite(
      "INVALID_URL",
      "adds the path / before the query",
      "the URL needs a path before its query (https://host/path?query): clients send https://host/?query",
    );
  }
  if (hostEnd === -1) {
    return rewrite(
      "INVALID_URL",
      "adds the path /",
      "the URL needs a path: clients request https://host/ for https://host, so add the /",
    );
  }
  const authorityText = url.slice(hostStart, hostEnd);
  if (authorityText.includes("@")) {
    return rewrite(
      "INVALID_URL",
      "drops the user information (user@)",
      "the URL has user information (user@host), which clients strip before sending",
    );
  }
  const colon = authorityText.lastIndexOf(":");
  const host = colon === -1 ? authorityText : authorityText.slice(0, colon);
  if (/[A-Z]/.test(host)) {
    return rewrite(
      "INVALID_URL",
      "lower-cases the host name",
      "write the host name in lower case (clients lower-case it, so CloudFront rebuilds it so)",
    );
  }
  if (colon !== -1) {
    const port = authorityText.slice(colon + 1);
    const scheme = url.slice(0, hostStart - 3).toLowerCase();
    if ((scheme === "https" && port === "443") || (scheme === "http" && port === "80")) {
      return rewrite(
        "INVALID_URL",
        `drops the default port :${port}`,
        `remove the default port :${port}; clients drop it, so CloudFront would see different bytes`,
      );
    }
  }
  return null;
}

/**
 * Whether a path has a `.` or `..` segment, also written `%2e` (which clients
 * resolve too, WHATWG URL "single-dot/double-dot URL path segment").
 *
 * @param path - a URL path, from its first `/` to the query
 * @returns true when a client would resolve a segment
 * @example
 * ```ts
 * hasDotSegment("/gallery/../x.jpg"); // true
 * hasDotSegment("/gallery/.x.jpg");   // false
 * ```
 */
export function hasDotSegment(path: string): boolean {
  return /\/\.{1,2}(?=[/?#]|$)/.test(path) || /\/%2e(%2e|\.)?(?=[/?#]|$)|\/\.%2e(?=[/?#]|$)/i.test(path);
}

function dotSegments(url: string, hostStart: number): ClientRewrite | null {
  const slash = url.indexOf("/", hostStart);
  const q = url.indexOf("?");
  const pathEnd = q === -1 ? url.length : q;
  if (slash === -1 || slash >= pathEnd) return null;
  if (!hasDotSegment(url.slice(slash, pathEnd))) return null;
  return rewrite(
    "INVALID_URL",
    'resolves the "." and ".." segments of the path',
    "the URL's path has a . or .. segment, which clients resolve before sending; sign the resolved path",
  );
}

/** The structural checks that are not client rewrites: a DNS host name and a port number. */
function checkHost(url: string, hostStart: number): void {
  const hostEnd = url.indexOf("/", hostStart);
  const authorityText = url.slice(hostStart, hostEnd);
  const colon = authorityText.lastIndexOf(":");
  const host = colon === -1 ? authorityText : authorityText.slice(0, colon);
  if (!/^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/.test(host)) {
    fail("INVALID_URL", "the URL's host is not a valid DNS name (letters, digits, hyphens and dots)");
  }
  if (colon !== -1) {
    const port = authorityText.slice(colon + 1);
    if (!/^[1-9][0-9]{0,4}$/.test(port) || Number(port) > 65535) {
      fail("INVALID_URL", "the URL's port is not a number from 1 to 65535");
    }
  }
}

function checkQuery(url: string, queryStart: number): void {
  if (queryStart + 1 === url.length) {
    fail("INVALID_URL", "the URL ends with an empty query (?); remove the ?");
  }
  for (let start = queryStart + 1; start <= url.length;) {
    let end = url.indexOf("&", start);
    if (end === -1) end = url.length;
    if (end === start) {
      fail("INVALID_URL", "the URL's query has an empty parameter (&& or a trailing &); remove it");
    }
    const eq = url.indexOf("=", start);
    checkParameterName(url.slice(start, eq === -1 || eq > end ? end : eq));
    start = end + 1;
  }
}

function checkParameterName(rawName: string): void {
  let name = rawName;
  if (rawName.includes("%") || rawName.includes("+")) {
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, " "));
    } catch {
      // Not valid percent-encoding: compared as written.
    }
  }
  const signing = signingParameterIgnoringCase(name);
  if (signing !== undefined) {
    fail(
      "URL_HAS_SIGNING_PARAMETER",
      `the URL already has a ${signing} query parameter; CloudFront reserves it for signing. ` +
        "Sign the URL without CloudFront's parameters (is it already signed?)",
    );
  }
  if (isS3SigningParameterName(name)) {
    fail(
      "URL_HAS_S3_SIGNATURE",
      `the URL has the Amazon S3 presigning parameter ${name.slice(0, 40)}: it is an S3 presigned URL, which ` +
        "CloudFront does not check. Sign the object's CloudFront URL (https://<distribution>/<key>) without the " +
        "X-Amz-* parameters",
    );
  }
}

/** Section boundaries of a URL that passed {@link validateUrl}. */
export function urlSections(url: string): UrlSections {
  const schemeEnd = url.indexOf("://");
  const hostStart = schemeEnd + 3;
  let hostEnd = url.indexOf("/", hostStart);
  if (hostEnd === -1) hostEnd = url.length;
  const q = url.indexOf("?", hostEnd);
  return { scheme: url.slice(0, schemeEnd), hostEnd, queryStart: q === -1 ? url.length : q };
}
