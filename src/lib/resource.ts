/**
 * Where a custom policy's `Resource` is validated and matched against the URL
 * being signed.
 *
 * Wildcards (`private-content-creating-signed-url-custom-policy`): `*` matches
 * zero or more characters, `?` exactly one; a wildcard matches only inside its
 * section of `[protocol]://[domain]/[path]?[query]`, except that a trailing `*`
 * also covers any query (`/hello*` = `/hello*?*`), and `*` alone matches every URL.
 *
 * @module
 */
import { fail } from "../errors.js";
import { MAX_URL_BYTES, urlSections } from "./url.js";

/** What {@link validateResource} learned about a pattern. */
export interface ResourceInfo {
  /** The pattern, unchanged. */
  readonly pattern: string;
  /** True for `*` or a pattern with a wildcard in its scheme or host. */
  readonly broad: boolean;
}

const PATTERN_CHARS = /^[A-Za-z0-9\-._~:/?@!$&'()*+,;=%]*$/;

/**
 * Checks that `pattern` is a well-formed resource and, when it is broad,
 * that the caller said so with `allowAnyResource`.
 *
 * @throws {@link CfSignError} `INVALID_RESOURCE`, `RESOURCE_TOO_BROAD`
 */
export function validateResource(pattern: unknown, allowAnyResource: boolean): ResourceInfo {
  if (typeof pattern !== "string") fail("INVALID_ARGUMENT", "resource must be a string");
  if (pattern.length === 0) fail("INVALID_RESOURCE", "resource must not be empty");
  // No policy this long fits in a URL or a cookie; refusing it first also bounds resourceCovers.
  if (pattern.length > MAX_URL_BYTES) {
    fail("INVALID_RESOURCE", `resource is longer than ${MAX_URL_BYTES} characters; no URL or cookie could carry its policy`);
  }
  if (!PATTERN_CHARS.test(pattern) || /%(?![0-9A-Fa-f]{2})/.test(pattern)) {
    fail(
      "INVALID_RESOURCE",
      "resource may contain only URL characters (RFC 3986) and the wildcards * and ?; percent-encode anything else",
    );
  }
  let broad: boolean;
  if (pattern === "*") {
    broad = true;
  } else {
    const schemeEnd = pattern.indexOf("://");
    if (schemeEnd <= 0) {
      fail("INVALID_RESOURCE", 'resource must start with https:// or http:// (or be "*")');
    }
    const scheme = pattern.slice(0, schemeEnd);
    let hostEnd = pattern.indexOf("/", schemeEnd + 3);
    if (hostEnd === -1) hostEnd = pattern.length;
    const host = pattern.slice(schemeEnd + 3, hostEnd);
    broad = /[*?]/.test(scheme) || /[*?]/.test(host);
    if (!broad && scheme !== "http" && scheme !== "https") {
      fail("INVALID_RESOURCE", "resource must start with https:// or http:// (in lower case)");
    }
    if (host.length === 0) fail("INVALID_RESOURCE", "resource has no host");
    if (/[A-Z]/.test(host) || /[A-Z]/.test(scheme)) {
      fail("INVALID_RESOURCE", "write the resource's scheme and host in lower case, as clients send them");
    }
  }
  if (broad && !allowAnyResource) {
    fail(
      "RESOURCE_TOO_BROAD",
      'resource is "*" or has a wildcard in its scheme or host, which grants files beyond one site; ' +
        "pass allowAnyResource: true if that is what you mean",
    );
  }
  return { pattern, broad };
}

/**
 * True when `pattern` (a validated resource) covers `url` (a validated URL),
 * with CloudFront's per-section wildcard semantics.
 *
 * Dynamic programming over pattern × URL positions: O(|pattern|·|url|), which
 * stays small at CloudFront's 8 KiB URL limit.
 */
export function resourceCovers(pattern: string, url: string): boolean {
  if (pattern === "*") return true;
  const { hostEnd, queryStart } = urlSections(url);
  const schemeEnd = url.indexOf("://");
  const n = url.length;
  // A boundary position can be matched only literally (by `?` only at the query separator).
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
