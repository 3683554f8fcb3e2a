/**
 * Where a URL is validated before it is signed.
 *
 * CloudFront never receives a canned policy: it rebuilds the policy from the URL
 * the client sends (`private-content-creating-signed-url-canned-policy`), so the
 * bytes we sign must be the bytes the client will send. Anything a browser or
 * HTTP client would rewrite on the way (case of scheme and host, default port,
 * dot segments, characters it percent-encodes, a fragment it never sends) is
 * refused here with the exact fix, instead of producing a URL that gives 403.
 * What a client rewrites is the rule of ./client-rewrite.ts; this module adds
 * what a URL to sign needs besides (length, fragment, DNS host, port, query names).
 *
 * @module
 */
import { fail } from "../errors.ts";
import { encodeForClient, rewriteAfterScheme, schemeCase, schemePrefixLength } from "./client-rewrite.ts";
import { isS3SigningParameterName, signingParameterIgnoringCase } from "./params.ts";
import { plainQueryStart } from "./plain-url.ts";

/** CloudFront's maximum URL length in bytes (`cloudfront-limits`). */
export const MAX_URL_BYTES = 8192;

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

/** {@link validateUrl} without its fast path (`plainQueryStart`, ./plain-url.ts): test/url-fast-path.test.ts compares the two. */
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
  const rewrite = rewriteAfterScheme(url, schemeLength);
  if (rewrite !== null) fail(rewrite.code, rewrite.message);
  checkHost(url, schemeLength);
  const queryStart = url.indexOf("?");
  if (queryStart !== -1) checkQuery(url, queryStart);
  return url;
}

function tooLong(): never {
  fail("URL_TOO_LONG", `the URL is longer than ${MAX_URL_BYTES} bytes, CloudFront's limit, even before signing`);
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
