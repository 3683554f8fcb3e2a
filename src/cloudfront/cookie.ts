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
import { signingParameterOfCookie, type SigningParameterName } from "./params.ts";

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
const MAX_COOKIE_BYTES = 4096;

const DOMAIN = /^\.?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
// RFC 6265 §4.1.1 path-value: any CHAR except CTLs or ";"; a space is refused too (clients and proxies mangle it).
const PATH = /^\/[\x21-\x3a\x3c-\x7e]*$/;

/**
 * Validates the attributes and returns the text that follows `name=value`
 * in every `Set-Cookie` value, e.g. `; Domain=example.com; Path=/; Secure; HttpOnly`.
 * With the `resource` the cookies grant (the options of `signCookies` carry it), also
 * checks that the `Domain` can reach the resource's host ({@link cookieDomainProblem}).
 *
 * @param options - the cookie attributes, and the `resource` when known
 * @returns the attribute text
 * @throws {@link CfSignError} `INVALID_COOKIE_ATTRIBUTE`, `COOKIE_DOMAIN_NOT_ALLOWED`, `COOKIE_DOMAIN_MISMATCH`
 * @example
 * ```ts
 * cookieAttributes({ domain: "example.com", resource: "https://cdn.example.com/*" }); // "; Domain=example.com; Path=/; Secure; HttpOnly"
 * ```
 */
export function cookieAttributes(options: CookieAttributeOptions & { readonly resource?: unknown }): string {
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
  // Last, so that a malformed attribute is named first.
  if (typeof options.resource === "string") {
    const problem = cookieDomainProblem(options.resource, typeof domain === "string" ? domain : undefined);
    if (problem !== null) fail("COOKIE_DOMAIN_MISMATCH", problem);
  }
  return out;
}

/**
 * Why cookies with this `Domain` (or none: host-only cookies) would never be sent
 * with requests for the resource's host, or `null` when they can be. Browsers send
 * a cookie to its domain and the domain's subdomains only (RFC 6265 §5.1.3), and no
 * site can set a cookie for `cloudfront.net` (a public suffix; CloudFront's guide
 * also forbids it), so a resource on a `*.cloudfront.net` host is out of reach of
 * any signed cookie.
 *
 * @param resource - the URL or pattern the cookies grant (`*` and a wildcard host are judged by their literal part)
 * @param domain - the cookie's `Domain`, or `undefined` for host-only cookies
 * @returns the problem in words, or `null`
 * @example
 * ```ts
 * cookieDomainProblem("https://cdn.example.com/*", "other.org"); // "the cookies' Domain other.org cannot ..."
 * cookieDomainProblem("https://cdn.example.com/*", "example.com"); // null
 * ```
 */
function cookieDomainProblem(resource: string, domain: string | undefined): string | null {
  const start = resource.indexOf("://");
  if (resource === "*" || start === -1) return null;
  let end = start + 3;
  while (end < resource.length && resource[end] !== "/") end++;
  const host = resource
    .slice(start + 3, end)
    .toLowerCase()
    .replace(/:[0-9]*$/, "");
  const wildcard = /[*?]/.test(host);
  // The literal end of a wildcard host (`*.example.com` → `.example.com`): every host it matches ends with it.
  const literalTail = wildcard ? host.slice(Math.max(host.lastIndexOf("*"), host.lastIndexOf("?")) + 1) : host;
  const onCloudFront = (h: string): boolean => h === "cloudfront.net" || h.endsWith(".cloudfront.net");
  if (!wildcard && onCloudFront(host)) {
    return (
      "the resource's host is a *.cloudfront.net name, which no signed cookie can reach (no site may set cookies " +
      "for cloudfront.net); serve the distribution under an alternate domain name such as cdn.example.com, grant " +
      "that host, and set domain to it or to its parent (example.com)"
    );
  }
  if (domain === undefined) return null; // host-only cookies: they reach the host that sets them, which cfsign cannot know
  const bare = (domain.startsWith(".") ? domain.slice(1) : domain).toLowerCase();
  if (wildcard) {
    if (literalTail === "" || literalTail === "." + bare || literalTail.endsWith("." + bare)) return null;
    return (
      `the resource's host is a wildcard, and the hosts it matches end with "${literalTail}", which is not under ` +
      `the cookies' Domain ${bare}: browsers send the cookies only to ${bare} and its subdomains. Set domain to ` +
      "the parent domain the hosts share"
    );
  }
  if (host === bare || host.endsWith("." + bare)) return null;
  return (
    `the cookies' Domain ${bare} cannot reach the resource's host ${host}: browsers send cookies only to their ` +
    `domain and its subdomains. Set domain to ${host} or to a parent of it`
  );
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

/**
 * The CloudFront signing cookies of a request, as CloudFront reads them: each `CloudFront-<name>` cookie with
 * the value of every occurrence, in order (duplicates are the caller's finding); other cookies are ignored.
 *
 * @param input - a `Cookie` header value (`"CloudFront-Policy=...; CloudFront-Signature=..."`) or an object of names and values
 * @returns the signing values by parameter name
 * @throws {@link CfSignError} `INVALID_ARGUMENT` for another type or a non-string value
 * @example
 * ```ts
 * parseSigningCookies("CloudFront-Key-Pair-Id=K2JCJMDEHXQW5F; theme=dark").get("Key-Pair-Id"); // ["K2JCJMDEHXQW5F"]
 * ```
 */
export function parseSigningCookies(
  input: Readonly<Record<string, string>> | string,
): Map<SigningParameterName, string[]> {
  const jar = new Map<SigningParameterName, string[]>();
  const add = (rawName: string, value: string): void => {
    const name = signingParameterOfCookie(rawName);
    if (name === undefined) return;
    const list = jar.get(name);
    if (list === undefined) jar.set(name, [value]);
    else list.push(value);
  };
  if (typeof input === "string") {
    for (const part of input.split(";")) {
      const eq = part.indexOf("=");
      if (eq === -1) continue;
      add(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    }
  } else if (typeof input === "object" && input !== null) {
    for (const [name, value] of Object.entries(input)) {
      if (typeof value !== "string") fail("INVALID_ARGUMENT", "cookie values must be strings");
      add(name, value);
    }
  } else {
    fail("INVALID_ARGUMENT", "cookies must be a Cookie header string or an object of names and values");
  }
  return jar;
}
