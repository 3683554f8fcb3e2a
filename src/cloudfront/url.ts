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

/** CloudFront's signing parameters (`private-content-signed-urls`), lower-cased. */
export const SIGNING_PARAMETERS: readonly string[] = [
  "expires",
  "policy",
  "signature",
  "key-pair-id",
  "hash-algorithm",
];

/** CloudFront's maximum URL length in bytes (`cloudfront-limits`). */
export const MAX_URL_BYTES = 8192;

/**
 * Characters allowed unencoded after the host (RFC 3986 §2.2, §2.3): unreserved
 * and reserved characters except `#` (fragment), `[` and `]` (only legal inside
 * an IP-literal host). `%` is checked separately (must start a `%HH` escape).
 */
const ALLOWED = /* @__PURE__ */ (() => {
  const table = new Uint8Array(128);
  const chars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~" + ":/?@" + "!$&'()*+,;=";
  for (let i = 0; i < chars.length; i++) table[chars.charCodeAt(i)] = 1;
  return table;
})();

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
  /** Percent-encode characters that must be encoded instead of refusing them. */
  readonly encode?: boolean | undefined;
}

/**
 * Checks that `input` can be signed exactly as given and returns the URL to sign
 * (the input itself, or its percent-encoded form when `encode` is set).
 *
 * @throws {@link CfSignError} `INVALID_URL`, `URL_HAS_FRAGMENT`, `URL_UNSAFE_CHARACTER`,
 *   `URL_HAS_SIGNING_PARAMETER`, `URL_TOO_LONG` (over 8,192 bytes before signing)
 */
export function validateUrl(input: unknown, options: ValidateUrlOptions = {}): string {
  if (typeof input !== "string") {
    fail("INVALID_ARGUMENT", `a URL must be a string, got ${input === null ? "null" : typeof input}`);
  }
  // First, so that the work below (and resource matching after it) stays bounded for any input.
  if (input.length > MAX_URL_BYTES) tooLong();
  const lower = input.slice(0, 8).toLowerCase();
  const schemeLength = lower.startsWith("https://") ? 8 : lower.startsWith("http://") ? 7 : 0;
  if (schemeLength === 0) {
    fail("INVALID_URL", "the URL must be absolute and start with https:// or http://");
  }
  if (input.slice(0, schemeLength) !== lower.slice(0, schemeLength)) {
    fail("INVALID_URL", "write the URL scheme in lower case (clients send it that way, so CloudFront rebuilds it so)");
  }
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
  const url = encodeOrCheckCharacters(input, schemeLength, options.encode === true);
  if (url.length > MAX_URL_BYTES) tooLong();
  checkAuthority(url, schemeLength);
  const queryStart = url.indexOf("?");
  const pathEnd = queryStart === -1 ? url.length : queryStart;
  checkPath(url, schemeLength, pathEnd);
  if (queryStart !== -1) checkQuery(url, queryStart);
  return url;
}

function tooLong(): never {
  fail("URL_TOO_LONG", `the URL is longer than ${MAX_URL_BYTES} bytes, CloudFront's limit, even before signing`);
}

function encodeOrCheckCharacters(input: string, from: number, encode: boolean): string {
  // Fast path, the common case: every character allowed as it is, no % to check and no '. Then there is
  // nothing to refuse and nothing to encode (encoding would return the input unchanged). Otherwise the
  // characters before the first other one are kept as they are, and the full check starts there.
  let clean = from;
  for (; clean < input.length; clean++) {
    const code = input.charCodeAt(clean);
    if (code >= 128 || ALLOWED[code] !== 1 || code === 0x27 /* ' */) break;
  }
  if (clean === input.length) return input;
  let out = encode ? input.slice(0, clean) : "";
  const queryStart = input.indexOf("?");
  for (let i = clean; i < input.length; i++) {
    const code = input.charCodeAt(i);
    let char = input[i]!;
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = input.charCodeAt(i + 1);
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        char = input.slice(i, i + 2);
      } else {
        fail("URL_UNSAFE_CHARACTER", `the URL has a lone surrogate (${describeChar(char)}) at character ${i + 1}, which no client can send`);
      }
    }
    const inQuery = queryStart !== -1 && i > queryStart;
    let ok: boolean;
    let replacement: string;
    if (code === 0x25 /* % */) {
      ok = isHex(input.charCodeAt(i + 1)) && isHex(input.charCodeAt(i + 2));
      replacement = ok ? "%" : "%25";
    } else if (code === 0x27 /* ' */ && inQuery) {
      // Browsers percent-encode ' in the query of http(s) URLs (WHATWG URL, special-query set).
      ok = false;
      replacement = "%27";
    } else {
      ok = code < 128 && ALLOWED[code] === 1;
      replacement = ok ? char : percentEncodeChar(char);
    }
    if (!ok && !encode) {
      fail(
        "URL_UNSAFE_CHARACTER",
        `the URL has ${describeChar(char)} at character ${i + 1}, which must be percent-encoded: write ${replacement} ` +
          "(or pass encode: true to have cfsign encode it and sign the encoded URL)",
      );
    }
    if (encode) out += replacement;
    if (char.length === 2) i++;
  }
  return encode ? out : input;
}

function checkAuthority(url: string, hostStart: number): void {
  let hostEnd = url.indexOf("/", hostStart);
  const q = url.indexOf("?", hostStart);
  if (q !== -1 && (hostEnd === -1 || q < hostEnd)) {
    fail("INVALID_URL", "the URL needs a path before its query (https://host/path?query)");
  }
  if (hostEnd === -1) {
    fail("INVALID_URL", "the URL needs a path: clients request https://host/ for https://host, so add the /");
  }
  const authority = url.slice(hostStart, hostEnd);
  if (authority.includes("@")) {
    fail("INVALID_URL", "the URL has user information (user@host), which clients strip before sending");
  }
  const colon = authority.lastIndexOf(":");
  const host = colon === -1 ? authority : authority.slice(0, colon);
  if (!/^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/.test(host)) {
    if (/[A-Z]/.test(host)) {
      fail("INVALID_URL", "write the host name in lower case (clients lower-case it, so CloudFront rebuilds it so)");
    }
    fail("INVALID_URL", "the URL's host is not a valid DNS name (letters, digits, hyphens and dots)");
  }
  if (colon !== -1) {
    const port = authority.slice(colon + 1);
    if (!/^[1-9][0-9]{0,4}$/.test(port) || Number(port) > 65535) {
      fail("INVALID_URL", "the URL's port is not a number from 1 to 65535");
    }
    const scheme = url.slice(0, hostStart - 3);
    if ((scheme === "https" && port === "443") || (scheme === "http" && port === "80")) {
      fail("INVALID_URL", `remove the default port :${port}; clients drop it, so CloudFront would see different bytes`);
    }
  }
}

function checkPath(url: string, hostStart: number, pathEnd: number): void {
  const slash = url.indexOf("/", hostStart);
  if (slash === -1 || slash >= pathEnd) return;
  const path = url.slice(slash, pathEnd);
  if (/\/\.{1,2}(?=\/|$)/.test(path) || /\/%2e(%2e|\.)?(?=\/|$)|\/\.%2e(?=\/|$)/i.test(path)) {
    fail("INVALID_URL", "the URL's path has a . or .. segment, which clients resolve before sending; sign the resolved path");
  }
}

function checkQuery(url: string, queryStart: number): void {
  const query = url.slice(queryStart + 1);
  if (query.length === 0) {
    fail("INVALID_URL", "the URL ends with an empty query (?); remove the ?");
  }
  for (const param of query.split("&")) {
    if (param.length === 0) {
      fail("INVALID_URL", "the URL's query has an empty parameter (&& or a trailing &); remove it");
    }
    const eq = param.indexOf("=");
    const rawName = eq === -1 ? param : param.slice(0, eq);
    let name: string;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, " "));
    } catch {
      name = rawName;
    }
    const lowered = name.toLowerCase();
    if (SIGNING_PARAMETERS.includes(lowered)) {
      const canonical = SIGNING_PARAMETERS_DISPLAY[SIGNING_PARAMETERS.indexOf(lowered)];
      fail(
        "URL_HAS_SIGNING_PARAMETER",
        `the URL already has a ${canonical} query parameter; CloudFront reserves it for signing. ` +
          "Sign the URL without CloudFront's parameters (is it already signed?)",
      );
    }
  }
}

const SIGNING_PARAMETERS_DISPLAY = ["Expires", "Policy", "Signature", "Key-Pair-Id", "Hash-Algorithm"];

/** Section boundaries of a URL that passed {@link validateUrl}. */
export function urlSections(url: string): UrlSections {
  const schemeEnd = url.indexOf("://");
  const hostStart = schemeEnd + 3;
  let hostEnd = url.indexOf("/", hostStart);
  if (hostEnd === -1) hostEnd = url.length;
  const q = url.indexOf("?", hostEnd);
  return { scheme: url.slice(0, schemeEnd), hostEnd, queryStart: q === -1 ? url.length : q };
}
