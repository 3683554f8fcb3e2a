/**
 * Where the attributes of CloudFront's signed cookies are validated and the
 * `Set-Cookie` header values are written.
 *
 * CloudFront's guide (`private-content-setting-signed-cookie-canned-policy`,
 * `...-custom-policy`): one `Set-Cookie` per cookie, `Domain` may not be
 * `*.cloudfront.net`, `Secure` and `HttpOnly` advised, and no `Expires` or
 * `Max-Age` on the cookie itself (the policy decides how long access lasts;
 * a browser that drops the cookie early would only cause 403s).
 *
 * @module
 */
import { fail } from "../errors.ts";

/** `SameSite` values (RFC 6265bis §4.1.2.7). */
export type SameSite = "Strict" | "Lax" | "None";

/** The cookie attributes a caller may choose. */
export interface CookieAttributeOptions {
  /** `Domain`: your distribution's alternate domain name or a parent of it, e.g. `example.com`. Default: none (host-only cookie). */
  readonly domain?: string | undefined;
  /** `Path`. Default `/`. */
  readonly path?: string | undefined;
  /** `Secure`. Default `true`. */
  readonly secure?: boolean | undefined;
  /** `HttpOnly`. Default `true`. */
  readonly httpOnly?: boolean | undefined;
  /** `SameSite`. Default: none sent (the browser's default applies). */
  readonly sameSite?: SameSite | Lowercase<SameSite> | undefined;
}

/** Minimum storage per cookie (name, value and attributes) a browser must provide (RFC 6265 §6.1). */
export const MAX_COOKIE_BYTES = 4096;

const DOMAIN = /^\.?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
// RFC 6265 §4.1.1 path-value: any CHAR except CTLs or ";"; a space is refused too (clients and proxies mangle it).
const PATH = /^\/[\x21-\x3a\x3c-\x7e]*$/;

/**
 * Validates the attributes and returns the text that follows `name=value`
 * in every `Set-Cookie` value, e.g. `; Domain=example.com; Path=/; Secure; HttpOnly`.
 *
 * @throws {@link CfSignError} `INVALID_COOKIE_ATTRIBUTE`, `COOKIE_DOMAIN_NOT_ALLOWED`
 */
export function cookieAttributes(options: CookieAttributeOptions): string {
  const { domain, path = "/", secure = true, httpOnly = true, sameSite } = options;
  let out = "";
  if (domain !== undefined) {
    if (typeof domain !== "string") fail("INVALID_ARGUMENT", "domain must be a string such as example.com");
    if (!DOMAIN.test(domain) || domain.length > 254) {
      fail(
        "INVALID_COOKIE_ATTRIBUTE",
        "domain must be a DNS name such as example.com (letters, digits, hyphens and dots; no scheme, port, path, " +
          "spaces, ; or line breaks)",
      );
    }
    const bare = (domain.startsWith(".") ? domain.slice(1) : domain).toLowerCase();
    if (bare === "cloudfront.net" || bare.endsWith(".cloudfront.net")) {
      fail(
        "COOKIE_DOMAIN_NOT_ALLOWED",
        "CloudFront does not allow signed cookies for *.cloudfront.net; serve the distribution under an " +
          "alternate domain name (e.g. cdn.example.com) and set domain to it or to its parent (example.com)",
      );
    }
    out += "; Domain=" + domain;
  }
  if (typeof path !== "string") fail("INVALID_ARGUMENT", "path must be a string such as /");
  if (!PATH.test(path)) {
    fail("INVALID_COOKIE_ATTRIBUTE", "path must start with / and contain no spaces, ; control characters or non-ASCII");
  }
  out += "; Path=" + path;
  if (typeof secure !== "boolean") fail("INVALID_ARGUMENT", "secure must be a boolean");
  if (typeof httpOnly !== "boolean") fail("INVALID_ARGUMENT", "httpOnly must be a boolean");
  if (secure) out += "; Secure";
  if (httpOnly) out += "; HttpOnly";
  if (sameSite !== undefined) {
    const value = typeof sameSite === "string" ? SAME_SITE[sameSite.toLowerCase()] : undefined;
    if (value === undefined) fail("INVALID_COOKIE_ATTRIBUTE", 'sameSite must be "Strict", "Lax" or "None"');
    if (value === "None" && !secure) {
      fail("INVALID_COOKIE_ATTRIBUTE", "browsers drop SameSite=None cookies without Secure; keep secure: true");
    }
    out += "; SameSite=" + value;
  }
  return out;
}

const SAME_SITE: Readonly<Record<string, SameSite>> = { strict: "Strict", lax: "Lax", none: "None" };

/**
 * One `Set-Cookie` value. `value` must already be a valid cookie-value
 * (CloudFront-safe base64, digits, key ids and `SHA256` all are).
 *
 * @throws {@link CfSignError} `COOKIE_TOO_LARGE`
 */
export function setCookie(name: string, value: string, attributes: string): string {
  const header = name + "=" + value + attributes;
  if (header.length > MAX_COOKIE_BYTES) {
    fail(
      "COOKIE_TOO_LARGE",
      `the ${name} cookie would be ${header.length} bytes; browsers need only keep ${MAX_COOKIE_BYTES}. ` +
        "Use a shorter resource pattern (a wildcard such as https://cdn.example.com/gallery/*)",
    );
  }
  return header;
}
