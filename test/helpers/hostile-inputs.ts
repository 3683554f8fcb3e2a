/**
 * The hostile-input table, shared by test/bad-inputs.test.ts (every row through
 * signUrl and signUrls) and test/hostile-*.test.ts (every row through every entry
 * point that takes a URL or a policy, and the CLI).
 *
 * A row is an input (the URL, or for signCookies and signPolicy the resource), the
 * options given with it, and what each entry point must do: refuse it with one code,
 * or sign it ("signed": the test then checks the output with node:crypto alone), or
 * "skip" where the entry point cannot take that input at all (a number on a command line).
 * An entry point without its own expectation shares the `url` one.
 */
import type { CfSignErrorCode } from "../../src/index.js";
import { badUrlRows as sharedBadUrlRows, GOOD, HOST } from "../conformance/bad-inputs.js";

export { GOOD, HOST };

/**
 * An alternate domain name for signed-cookie rows (no signed cookie can reach a *.cloudfront.net host), as long
 * as HOST's so that the length rows keep their meaning.
 */
export const COOKIE_HOST = "https://cd.d111111abcdef8.example.com";
/** The resource of the shared policy that `apply`, `applyAll` and `rewriteLines` rows are applied with. */
export const APPLY_RESOURCE = `${HOST}/*`;

/** The original table row: `[name, url, options, code]`, every entry must refuse it with `code`. */
export type BadRow = readonly [name: string, url: unknown, options: Record<string, unknown>, code: CfSignErrorCode];

/**
 * The bad inputs every URL entry point must refuse (test/bad-inputs.test.ts).
 *
 * @param now - the signer's clock, epoch seconds
 * @param expires - a valid expiry, epoch seconds
 */
export function badUrlRows(now: number, expires: number): BadRow[] {
  return sharedBadUrlRows(now, expires) as BadRow[];
}

/** What an entry point must do with a row. */
export type Expect = CfSignErrorCode | "signed" | "skip";
/** The command line also has its own usage refusal. */
export type CliExpect = Expect | "USAGE";

/** One hostile input and what every entry point must do with it. */
export interface HostileRow {
  readonly name: string;
  /** The URL; for `signCookies` and `signPolicy`, the resource. */
  readonly input: unknown;
  /** Options given with it (`expires` defaults to a valid expiry; an explicit `undefined` removes it). */
  readonly options: Readonly<Record<string, unknown>>;
  /** `signUrl`, `signUrls`, `signStream` (unless `stream`), `redirectToSigned`. */
  readonly url: Expect;
  /** `signStream` when it differs (it removes one trailing line end from a string item). */
  readonly stream?: Expect;
  /** `signCookies({ resource: input, ...options })` when it differs. */
  readonly cookies?: Expect;
  /** `signPolicy({ resource: input, ...options })` when it differs. */
  readonly policy?: Expect;
  /**
   * `signPolicy({ resource: APPLY_RESOURCE, ...options }).apply(input)` (also `applyAll` and
   * `rewriteLines`) when it differs.
   */
  readonly apply?: Expect;
  /** `cfsign sign --url` (and `--input` in JSON form) when it differs. */
  readonly cli?: CliExpect;
  /** The URL that is signed when it is not `input` (the encoded form with `encode: true`). */
  readonly signedAs?: string;
}

/** Overrides for the original rows where an entry point rightly differs from signUrl, with the reason. */
const BAD_ROW_OVERRIDES: Readonly<Record<string, Partial<HostileRow>>> = {
  // signCookies reads a resource without a wildcard as a URL (canned), with one as a pattern (custom).
  "no scheme": { cookies: "INVALID_URL", policy: "INVALID_RESOURCE" },
  "relative path": { policy: "INVALID_RESOURCE" },
  "ftp scheme": { policy: "INVALID_RESOURCE" },
  "scheme-relative": { policy: "INVALID_RESOURCE" },
  "upper-case scheme": { policy: "INVALID_RESOURCE" },
  "upper-case host": { policy: "INVALID_RESOURCE" },
  "empty host": { policy: "INVALID_RESOURCE" },
  "IPv6 literal host": { policy: "INVALID_RESOURCE" },
  // What a client rewrites before sending (src/cloudfront/client-rewrite.ts clientRewrite) no request has: as a
  // pattern it could match nothing, so signPolicy refuses it as signUrl refuses the URL (one rule).
  "no path": { policy: "INVALID_RESOURCE" },
  "query without path": { policy: "RESOURCE_TOO_BROAD" }, // the ? lies in the host section of the pattern
  "user info": { policy: "INVALID_RESOURCE" },
  "default https port": { policy: "INVALID_RESOURCE" },
  "default http port": { policy: "INVALID_RESOURCE", apply: "INVALID_URL" },
  "dot segment": { policy: "INVALID_RESOURCE" },
  "encoded dot segment": { policy: "INVALID_RESOURCE" },
  // A pattern is not a URL: signPolicy signs these patterns as given; they cover no URL that
  // can be requested (apply refuses every such URL), so nothing wider than asked is granted.
  "port out of range": { policy: "signed" },
  "empty query": { policy: "signed" },
  "trailing ampersand": { policy: "signed" },
  "double ampersand": { policy: "signed" },
  "apostrophe in query (browsers encode it)": { policy: "signed" },
  "Expires present": { policy: "signed" },
  "Signature present": { policy: "signed" },
  "Key-Pair-Id present": { policy: "signed" },
  "Policy present": { policy: "signed" },
  "Hash-Algorithm present": { policy: "signed" },
  "lower-case expires": { policy: "signed" },
  "upper-case SIGNATURE": { policy: "signed" },
  "signing parameter without value": { policy: "signed" },
  "percent-encoded parameter name": { policy: "signed" },
  "S3 presigned URL (SigV4)": { policy: "signed" },
  "S3 presigning parameter, lower case": { policy: "signed" },
  "S3 presigned URL (SigV2)": { policy: "signed" },
  fragment: { policy: "INVALID_RESOURCE" },
  "empty fragment": { policy: "INVALID_RESOURCE" },
  "fragment after query": { policy: "INVALID_RESOURCE" },
  space: { policy: "INVALID_RESOURCE" },
  "double quote (JSON break-out)": { policy: "INVALID_RESOURCE" },
  "JSON break-out in query": { cookies: "INVALID_RESOURCE", policy: "INVALID_RESOURCE" },
  backslash: { policy: "INVALID_RESOURCE" },
  newline: { policy: "INVALID_RESOURCE" },
  tab: { policy: "INVALID_RESOURCE" },
  NUL: { policy: "INVALID_RESOURCE", cli: "skip" }, // a NUL cannot be in an argv string (the JSON input carries it)
  DEL: { policy: "INVALID_RESOURCE" },
  "non-ASCII": { policy: "INVALID_RESOURCE" },
  emoji: { policy: "INVALID_RESOURCE" },
  "lone surrogate": { policy: "INVALID_RESOURCE" },
  "lone surrogate with encode": { policy: "INVALID_RESOURCE" },
  "angle brackets": { policy: "INVALID_RESOURCE" },
  "curly braces": { policy: "INVALID_RESOURCE" },
  pipe: { policy: "INVALID_RESOURCE" },
  caret: { policy: "INVALID_RESOURCE" },
  backtick: { policy: "INVALID_RESOURCE" },
  "square bracket in path": { policy: "INVALID_RESOURCE" },
  "bare percent": { policy: "INVALID_RESOURCE" },
  "bad percent escape": { policy: "INVALID_RESOURCE" },
  "truncated percent escape": { policy: "INVALID_RESOURCE" },
  // The row's own resource replaces the input as the cookies' and shared policy's resource.
  "resource for another folder": { cookies: "signed", policy: "signed" },
  "resource for another host": { cookies: "COOKIE_DOMAIN_MISMATCH", policy: "signed" }, // no cookie reaches *.cloudfront.net
  "resource for another scheme": { cookies: "signed", policy: "signed" },
  "resource without the query": { cookies: "signed", policy: "signed" },
  "resource ? needs exactly one char": { cookies: "signed", policy: "signed" },
  "resource empty": { cookies: "INVALID_URL", cli: "USAGE" }, // an empty option value is a usage error
  // As a pattern (cookies, shared policy) * and ? are asked-for wildcards; applied to an
  // already signed policy the URL is just a covered URL.
  "* in URL with custom policy": { cookies: "signed", policy: "signed", apply: "signed" },
  "second ? in URL with custom policy": { cookies: "signed", policy: "signed", apply: "signed" },
  // Canned cookies carry no URL, so a long (but requestable) URL fits; a shared policy is not a URL.
  "URL too long once signed": { cookies: "signed", policy: "signed" },
  // The command line reads WHEN as epoch seconds when it is all digits, by design.
  "expires digits as string": { cli: "signed" },
  "expires missing": { cli: "USAGE" },
  "not a string": { cookies: "INVALID_ARGUMENT", policy: "INVALID_ARGUMENT", cli: "skip" },
  "null URL": { cookies: "INVALID_ARGUMENT", policy: "INVALID_ARGUMENT", cli: "skip" },
  "expires boolean": { cli: "skip" },
};

/** An ISO-8601 instant with milliseconds, for rows that need sub-second precision. */
const iso = (seconds: number): string => new Date(seconds * 1000).toISOString();

/**
 * Every hostile row: the original bad inputs (with the entry points where they rightly
 * differ), then inputs aimed at each trap: JSON break-out, wildcard injection, signing
 * parameters in disguise, fragments, hosts, IPv4/IPv6, dates, lone surrogates, line ends,
 * cookie attributes, and the accepted neighbours of each refusal.
 *
 * @param now - the signer's clock, epoch seconds
 * @param expires - a valid expiry, epoch seconds (at least an hour after `now`)
 */
export function hostileRows(now: number, expires: number): HostileRow[] {
  const rows: HostileRow[] = badUrlRows(now, expires).map(([name, input, options, code]) => ({
    name,
    input,
    options,
    url: code,
    ...BAD_ROW_OVERRIDES[name],
  }));
  const P = "signed" as const;
  const add = (row: HostileRow): void => void rows.push(row);

  // JSON break-out, in path, query and host; with encode: true they are signed in their encoded form.
  add({
    name: "break-out in path",
    input: `${HOST}/a"}],"Resource":"*`,
    options: {},
    url: "URL_UNSAFE_CHARACTER",
    cookies: "INVALID_RESOURCE",
    policy: "INVALID_RESOURCE",
  });
  add({
    name: "break-out in host",
    input: 'https://d111111abcdef8.cloudfront.net"},"x":"/a.jpg',
    options: {},
    url: "URL_UNSAFE_CHARACTER",
    policy: "INVALID_RESOURCE",
  });
  add({
    name: "backslash in host",
    input: "https://evil.example\\@d111111abcdef8.cloudfront.net/a.jpg",
    options: {},
    url: "URL_UNSAFE_CHARACTER",
    policy: "INVALID_RESOURCE",
  });
  add({
    name: "escaped quote text \\u0022",
    input: `${HOST}/a\\u0022.jpg`,
    options: {},
    url: "URL_UNSAFE_CHARACTER",
    policy: "INVALID_RESOURCE",
  });
  add({
    name: "NUL in query",
    input: `${HOST}/a.jpg?x=\u0000`,
    options: {},
    url: "URL_UNSAFE_CHARACTER",
    policy: "INVALID_RESOURCE",
    cli: "skip",
  });
  add({
    name: "U+2028 in path",
    input: `${HOST}/a\u2028b.jpg`,
    options: {},
    url: "URL_UNSAFE_CHARACTER",
    policy: "INVALID_RESOURCE",
  });
  add({
    name: "CRLF header injection",
    input: `${HOST}/a.jpg\r\nSet-Cookie: x=y`,
    options: {},
    url: "URL_UNSAFE_CHARACTER",
    policy: "INVALID_RESOURCE",
  });
  add({
    name: "quote, encoded",
    input: `${HOST}/a".jpg`,
    options: { encode: true },
    url: P,
    signedAs: `${HOST}/a%22.jpg`,
    cookies: "URL_UNSAFE_CHARACTER",
    policy: "INVALID_RESOURCE",
    apply: "URL_UNSAFE_CHARACTER",
  });
  add({
    name: "backslash, encoded",
    input: `${HOST}/a\\b.jpg`,
    options: { encode: true },
    url: P,
    signedAs: `${HOST}/a%5Cb.jpg`,
    cookies: "URL_UNSAFE_CHARACTER",
    policy: "INVALID_RESOURCE",
    apply: "URL_UNSAFE_CHARACTER",
  });
  add({
    name: "break-out in query, encoded (canned)",
    input: `${HOST}/a.jpg?x="}],"Resource":"*`,
    options: { encode: true },
    url: P,
    signedAs: `${HOST}/a.jpg?x=%22%7D%5D,%22Resource%22:%22*`,
    cookies: "INVALID_RESOURCE",
    policy: "INVALID_RESOURCE",
    apply: "URL_UNSAFE_CHARACTER",
  });
  add({
    name: "break-out in query, encoded (custom: * stays a wildcard risk)",
    input: `${HOST}/a.jpg?x="*`,
    options: { encode: true, ipAddress: "192.0.2.1" },
    url: "URL_HAS_WILDCARD",
    cookies: "INVALID_RESOURCE",
    policy: "INVALID_RESOURCE",
    apply: "URL_UNSAFE_CHARACTER",
  });
  add({
    name: "NUL, encoded",
    input: `${HOST}/a\u0000.jpg`,
    options: { encode: true },
    url: P,
    signedAs: `${HOST}/a%00.jpg`,
    cookies: "URL_UNSAFE_CHARACTER",
    policy: "INVALID_RESOURCE",
    apply: "URL_UNSAFE_CHARACTER",
    cli: "skip",
  });
  add({
    name: "space and non-ASCII, encoded",
    input: `${HOST}/my café.jpg?q=é ü`,
    options: { encode: true },
    url: P,
    signedAs: `${HOST}/my%20caf%C3%A9.jpg?q=%C3%A9%20%C3%BC`,
    cookies: "URL_UNSAFE_CHARACTER",
    policy: "INVALID_RESOURCE",
    apply: "URL_UNSAFE_CHARACTER",
  });
  add({
    name: "apostrophe in query, encoded",
    input: `${HOST}/a.jpg?n=o'b`,
    options: { encode: true },
    url: P,
    signedAs: `${HOST}/a.jpg?n=o%27b`,
    cookies: "URL_UNSAFE_CHARACTER",
    policy: P,
    apply: "URL_UNSAFE_CHARACTER",
  });
  add({
    name: "surrogate pair, encoded",
    input: `${HOST}/\u{1F600}.jpg`,
    options: { encode: true },
    url: P,
    signedAs: `${HOST}/%F0%9F%98%80.jpg`,
    cookies: "URL_UNSAFE_CHARACTER",
    policy: "INVALID_RESOURCE",
    apply: "URL_UNSAFE_CHARACTER",
  });
  add({
    name: "bare percent, encoded",
    input: `${HOST}/100%.jpg`,
    options: { encode: true },
    url: P,
    signedAs: `${HOST}/100%25.jpg`,
    cookies: "URL_UNSAFE_CHARACTER",
    policy: "INVALID_RESOURCE",
    apply: "URL_UNSAFE_CHARACTER",
  });
  add({ name: "percent-encoded quote is literal", input: `${HOST}/a%22b%5C.jpg`, options: {}, url: P });
  add({ name: "percent-encoded NUL is literal", input: `${HOST}/a%00.jpg`, options: {}, url: P });
  add({
    name: "percent-encoded quote, custom",
    input: `${HOST}/a%22%7D.jpg`,
    options: { ipAddress: "192.0.2.1" },
    url: P,
  });

  // Wildcards: never live in a policy built from a URL; %2A and %3F are never decoded.
  add({
    name: "* in a canned URL is literal",
    input: `${HOST}/images/*.jpg`,
    options: {},
    url: P,
    cookies: P,
    policy: P,
  });
  add({
    name: "? in a canned query is literal",
    input: `${HOST}/a.jpg?x=?&y=*`,
    options: {},
    url: P,
    cookies: P,
    policy: P,
  });
  add({
    name: "%2A in a custom URL stays %2A",
    input: `${HOST}/images/%2A.jpg`,
    options: { ipAddress: "192.0.2.1" },
    url: P,
  });
  add({ name: "%2a lower case in a custom URL", input: `${HOST}/images/%2a`, options: { starts: now }, url: P });
  add({ name: "%3F in a custom URL stays %3F", input: `${HOST}/a%3Fb.jpg?x=%3F`, options: { starts: now }, url: P });
  add({
    name: "* in the query of a custom URL",
    input: `${HOST}/a.jpg?x=*`,
    options: { starts: now },
    url: "URL_HAS_WILDCARD",
    cookies: P,
    policy: P,
    apply: P,
  });
  add({
    name: "* in the host of a custom URL",
    input: "https://*.cloudfront.net/a.jpg",
    options: { starts: now },
    url: "INVALID_URL",
    cookies: "RESOURCE_TOO_BROAD",
    policy: "RESOURCE_TOO_BROAD",
  });
  add({
    name: "%2A resource does not cover *",
    input: `${HOST}/a*b.jpg`,
    options: { resource: `${HOST}/a%2Ab.jpg` },
    url: "RESOURCE_MISMATCH",
    cookies: P,
    policy: P,
    apply: "RESOURCE_MISMATCH",
  });
  add({
    name: "* resource covers %2A",
    input: `${HOST}/a%2Ab.jpg`,
    options: { resource: `${HOST}/a*` },
    url: P,
    cookies: P,
    policy: P,
  });
  add({
    name: "resource for a look-alike host",
    input: "https://d111111abcdef8.cloudfront.net.evil.example/a.jpg",
    options: { resource: `${HOST}/*` },
    url: "RESOURCE_MISMATCH",
    cookies: P,
    policy: P,
    apply: "RESOURCE_MISMATCH",
  });
  add({
    name: "resource with a port wildcard",
    input: GOOD,
    options: { resource: "https://d111111abcdef8.cloudfront.net:*/*" },
    url: "RESOURCE_TOO_BROAD",
  });
  add({
    name: "resource ? in the scheme",
    input: GOOD,
    options: { resource: "http?://d111111abcdef8.cloudfront.net/*" },
    url: "RESOURCE_TOO_BROAD",
  });
  add({
    name: "allowAnyResource as a string is not true",
    input: GOOD,
    options: { resource: "*", allowAnyResource: "true" },
    url: "RESOURCE_TOO_BROAD",
    cli: "skip",
  });
  add({
    name: "allowAnyResource 1 is not true",
    input: GOOD,
    options: { resource: "https://*/*", allowAnyResource: 1 },
    url: "RESOURCE_TOO_BROAD",
    cli: "skip",
  });
  add({
    name: "allowAnyResource with * (asked for)",
    input: GOOD,
    options: { resource: "*", allowAnyResource: true },
    url: P,
    cookies: P,
    policy: P,
  });
  add({
    name: "resource upper-case scheme",
    input: GOOD,
    options: { resource: "HTTPS://d111111abcdef8.cloudfront.net/*" },
    url: "INVALID_RESOURCE",
  });
  add({
    name: "resource with a backslash",
    input: GOOD,
    options: { resource: `${HOST}/images\\*` },
    url: "INVALID_RESOURCE",
  });
  add({
    name: "resource with a fragment",
    input: GOOD,
    options: { resource: `${HOST}/images/*#x` },
    url: "INVALID_RESOURCE",
  });
  add({
    name: "resource with a bare percent",
    input: GOOD,
    options: { resource: `${HOST}/images/%*` },
    url: "INVALID_RESOURCE",
  });
  add({
    name: "resource with a lone surrogate",
    input: GOOD,
    options: { resource: `${HOST}/images/\udfff*` },
    url: "INVALID_RESOURCE",
  });
  add({ name: "resource not a string", input: GOOD, options: { resource: 42 }, url: "INVALID_ARGUMENT", cli: "skip" });
  add({
    name: "exact resource",
    input: `${GOOD}?w=640`,
    options: { resource: `${GOOD}?w=640` },
    url: P,
    cookies: P,
    policy: P,
  });
  // No policy longer than a URL fits anywhere; refusing it first also keeps wildcard matching bounded.
  add({
    name: "resource of 8,193 characters",
    input: GOOD,
    options: { resource: `${HOST}/${"*".repeat(8193 - HOST.length - 1)}` },
    url: "INVALID_RESOURCE",
  });
  add({
    name: "resource of 100,000 wildcards",
    input: GOOD,
    options: { resource: `${HOST}/${"*?".repeat(50_000)}` },
    url: "INVALID_RESOURCE",
    cli: "skip",
  });
  add({
    name: "resource of 8,192 characters (fits no URL)",
    input: GOOD,
    options: { resource: `${HOST}/${"*".repeat(8192 - HOST.length - 1)}` },
    url: "URL_TOO_LONG",
    cookies: "COOKIE_TOO_LARGE",
    policy: P,
    apply: "URL_TOO_LONG",
  });

  // Signing parameters in disguise (refused), and their harmless neighbours (signed as given).
  add({
    name: "Key-Pair-ID other case",
    input: `${HOST}/a.jpg?Key-Pair-ID=K`,
    options: {},
    url: "URL_HAS_SIGNING_PARAMETER",
    policy: P,
  });
  add({
    name: "hash-algorithm lower case",
    input: `${HOST}/a.jpg?v=1&hash-algorithm=SHA1`,
    options: {},
    url: "URL_HAS_SIGNING_PARAMETER",
    policy: P,
  });
  add({
    name: "fully percent-encoded Signature",
    input: `${HOST}/a.jpg?%53%69%67%6E%61%74%75%72%65=x`,
    options: {},
    url: "URL_HAS_SIGNING_PARAMETER",
    policy: P,
  });
  add({
    name: "percent-encoded lower-case policy",
    input: `${HOST}/a.jpg?%70olicy=x`,
    options: {},
    url: "URL_HAS_SIGNING_PARAMETER",
    policy: P,
  });
  // As a pattern, a signing parameter is harmless: CloudFront judges such a request as a signed URL and ignores cookies.
  add({
    name: "Policy after other parameters",
    input: `${HOST}/a.jpg?a=1&b=2&Policy=x`,
    options: { starts: now },
    url: "URL_HAS_SIGNING_PARAMETER",
    cookies: P,
    policy: P,
  });
  add({
    name: "Expires with encode",
    input: `${HOST}/a b.jpg?Expires=1`,
    options: { encode: true },
    url: "URL_HAS_SIGNING_PARAMETER",
    cookies: "URL_UNSAFE_CHARACTER",
    policy: "INVALID_RESOURCE",
    apply: "URL_UNSAFE_CHARACTER",
  });
  add({ name: "Expires in the path only", input: `${HOST}/Expires=1/a.jpg`, options: {}, url: P });
  add({ name: "Expires as a value", input: `${HOST}/a.jpg?x=Expires`, options: {}, url: P });
  add({ name: "Expires_ (another name)", input: `${HOST}/a.jpg?Expires_=1`, options: {}, url: P });
  add({ name: "Expires%3D1 (an = inside the name)", input: `${HOST}/a.jpg?Expires%3D1`, options: {}, url: P });
  add({ name: "name with a plus (a space once decoded)", input: `${HOST}/a.jpg?+Policy=1`, options: {}, url: P });
  add({ name: "signing name after ;", input: `${HOST}/a.jpg?a=1;Policy=2`, options: {}, url: P });
  add({ name: "empty parameter name", input: `${HOST}/a.jpg?=1`, options: {}, url: P });
  add({ name: "repeated own parameter", input: `${HOST}/a.jpg?x=1&x=2`, options: {}, url: P });

  // Fragments: never signed, encoded or not; %23 is a literal.
  add({
    name: "fragment with encode",
    input: `${HOST}/a b.jpg#x`,
    options: { encode: true },
    url: "URL_HAS_FRAGMENT",
    policy: "INVALID_RESOURCE",
  });
  add({
    name: "fragment with signing parameters in it",
    input: `${HOST}/a.jpg#Expires=1&Signature=x`,
    options: {},
    url: "URL_HAS_FRAGMENT",
    policy: "INVALID_RESOURCE",
  });
  add({
    name: "fragment in a custom URL",
    input: `${HOST}/a.jpg#x`,
    options: { starts: now },
    url: "URL_HAS_FRAGMENT",
    cookies: "INVALID_RESOURCE",
    policy: "INVALID_RESOURCE",
  });
  add({ name: "%23 is a literal", input: `${HOST}/a%23b.jpg?x=%23`, options: {}, url: P });

  // Hosts, schemes, ports, paths.
  add({
    name: "look-alike host is just a host",
    input: "https://d111111abcdef8.cloudfront.net.evil.example/a.jpg",
    options: {},
    url: P,
    apply: "RESOURCE_MISMATCH",
  });
  add({
    name: "user info after an encoded slash",
    input: "https://evil.example%2F@d111111abcdef8.cloudfront.net/a.jpg",
    options: {},
    url: "INVALID_URL",
    policy: "INVALID_RESOURCE",
  });
  add({
    name: "user info after an encoded slash, lower case",
    input: "https://evil.example%2f@d111111abcdef8.cloudfront.net/a.jpg",
    options: {},
    url: "INVALID_URL",
    policy: "INVALID_RESOURCE",
  });
  add({
    name: "mixed-case scheme",
    input: "hTtPs://d111111abcdef8.cloudfront.net/a.jpg",
    options: {},
    url: "INVALID_URL",
    policy: "INVALID_RESOURCE",
  });
  add({
    name: "javascript: URL",
    input: "javascript:alert(1)//d111111abcdef8.cloudfront.net/a.jpg",
    options: {},
    url: "INVALID_URL",
    policy: "INVALID_RESOURCE",
  });
  add({
    name: "https:/ with a backslash",
    input: "https:/\\d111111abcdef8.cloudfront.net/a.jpg",
    options: {},
    url: "INVALID_URL",
    policy: "INVALID_RESOURCE",
  });
  add({ name: "leading space", input: ` ${GOOD}`, options: {}, url: "INVALID_URL", policy: "INVALID_RESOURCE" });
  add({
    name: "trailing space",
    input: `${GOOD} `,
    options: {},
    url: "URL_UNSAFE_CHARACTER",
    policy: "INVALID_RESOURCE",
  });
  add({
    name: "space in the host",
    input: "https://d111111abcdef8 .cloudfront.net/a.jpg",
    options: {},
    url: "URL_UNSAFE_CHARACTER",
    policy: "INVALID_RESOURCE",
  });
  add({
    name: "port zero",
    input: "https://d111111abcdef8.cloudfront.net:0/a.jpg",
    options: {},
    url: "INVALID_URL",
    policy: P,
  });
  add({
    name: "empty port",
    input: "https://d111111abcdef8.cloudfront.net:/a.jpg",
    options: {},
    url: "INVALID_URL",
    policy: P,
  });
  add({
    name: "port with a leading zero",
    input: "https://d111111abcdef8.cloudfront.net:0443/a.jpg",
    options: {},
    url: "INVALID_URL",
    policy: P,
  });
  add({
    name: "trailing dot in the host",
    input: "https://d111111abcdef8.cloudfront.net./a.jpg",
    options: {},
    url: "INVALID_URL",
    policy: P,
  });
  add({
    name: "host label starting with -",
    input: "https://-d111111abcdef8.cloudfront.net/a.jpg",
    options: {},
    url: "INVALID_URL",
    policy: P,
  });
  add({
    name: "upper-case dot segment %2E%2E",
    input: `${HOST}/a/%2E%2E/b.jpg`,
    options: {},
    url: "INVALID_URL",
    policy: "INVALID_RESOURCE",
  });
  add({
    name: "mixed dot segment .%2e",
    input: `${HOST}/a/.%2e/b.jpg`,
    options: {},
    url: "INVALID_URL",
    policy: "INVALID_RESOURCE",
  });
  add({
    name: "trailing dot segment",
    input: `${HOST}/a/..`,
    options: {},
    url: "INVALID_URL",
    policy: "INVALID_RESOURCE",
  });
  add({ name: "..%2f is not a dot segment", input: `${HOST}/a/..%2f/b.jpg`, options: {}, url: P });
  add({ name: "overlong UTF-8 dots are literals", input: `${HOST}/a/%C0%AE%C0%AE/b.jpg`, options: {}, url: P });
  add({ name: "double slash in the path", input: `${HOST}//a.jpg`, options: {}, url: P });
  add({
    name: "non-default port",
    input: "https://d111111abcdef8.cloudfront.net:8443/a.jpg",
    options: {},
    url: P,
    apply: "RESOURCE_MISMATCH",
  });
  add({ name: "every RFC 3986 sub-delimiter in the path", input: `${HOST}/a!$&'()+,;=:@~-_.b`, options: {}, url: P });
  add({ name: "every allowed query character", input: `${HOST}/a?q=/?:@!$()+,;=~-_.`, options: {}, url: P });
  add({
    name: "bare % in the query",
    input: `${HOST}/a.jpg?x=%`,
    options: {},
    url: "URL_UNSAFE_CHARACTER",
    policy: "INVALID_RESOURCE",
  });
  add({
    name: "%2G in the query",
    input: `${HOST}/a.jpg?x=%2G`,
    options: {},
    url: "URL_UNSAFE_CHARACTER",
    policy: "INVALID_RESOURCE",
  });

  // Line ends: signStream removes one trailing \n or \r\n of a string item (lines from a reader).
  add({
    name: "trailing LF",
    input: `${GOOD}\n`,
    options: {},
    url: "URL_UNSAFE_CHARACTER",
    stream: P,
    policy: "INVALID_RESOURCE",
  });
  add({
    name: "trailing CRLF",
    input: `${GOOD}?w=1\r\n`,
    options: {},
    url: "URL_UNSAFE_CHARACTER",
    stream: P,
    policy: "INVALID_RESOURCE",
  });
  add({
    name: "two trailing LFs",
    input: `${GOOD}\n\n`,
    options: {},
    url: "URL_UNSAFE_CHARACTER",
    policy: "INVALID_RESOURCE",
  });
  add({
    name: "trailing CR alone",
    input: `${GOOD}\r`,
    options: {},
    url: "URL_UNSAFE_CHARACTER",
    policy: "INVALID_RESOURCE",
  });

  // Lone surrogates anywhere.
  add({
    name: "lone high surrogate at the end",
    input: `${HOST}/a\ud83d`,
    options: {},
    url: "URL_UNSAFE_CHARACTER",
    policy: "INVALID_RESOURCE",
  });
  add({
    name: "lone low surrogate in the query",
    input: `${HOST}/a.jpg?x=\udc00`,
    options: {},
    url: "URL_UNSAFE_CHARACTER",
    policy: "INVALID_RESOURCE",
  });
  add({
    name: "reversed surrogate pair",
    input: `${HOST}/a\ude00\ud83d.jpg`,
    options: { encode: true },
    url: "URL_UNSAFE_CHARACTER",
    policy: "INVALID_RESOURCE",
  });
  add({
    name: "lone surrogate in the host",
    input: "https://d111\ud800.cloudfront.net/a.jpg",
    options: {},
    url: "URL_UNSAFE_CHARACTER",
    policy: "INVALID_RESOURCE",
  });
  add({
    name: "lone surrogate in ipAddress",
    input: GOOD,
    options: { ipAddress: "192.0.2.1\ud800" },
    url: "INVALID_IP_ADDRESS",
  });
  add({
    name: "lone surrogate in expires",
    input: GOOD,
    options: { expires: "2030-01-01T00:00:00Z\ud800" },
    url: "INVALID_DATE",
  });

  // IPv4 / IPv6 / CIDR.
  add({ name: "IPv6 loopback", input: GOOD, options: { ipAddress: "::1" }, url: "IPV6_NOT_SUPPORTED" });
  add({ name: "IPv6 with a zone", input: GOOD, options: { ipAddress: "fe80::1%eth0" }, url: "IPV6_NOT_SUPPORTED" });
  add({ name: "IPv4 with a port", input: GOOD, options: { ipAddress: "192.0.2.1:443" }, url: "IPV6_NOT_SUPPORTED" });
  add({ name: "negative prefix", input: GOOD, options: { ipAddress: "192.0.2.0/-1" }, url: "INVALID_IP_ADDRESS" });
  add({
    name: "prefix with a leading zero",
    input: GOOD,
    options: { ipAddress: "192.0.2.0/024" },
    url: "INVALID_IP_ADDRESS",
  });
  add({ name: "two prefixes", input: GOOD, options: { ipAddress: "192.0.2.0/24/8" }, url: "INVALID_IP_ADDRESS" });
  add({ name: "hex octet", input: GOOD, options: { ipAddress: "0x7f.0.0.1" }, url: "INVALID_IP_ADDRESS" });
  add({ name: "short form 127.1", input: GOOD, options: { ipAddress: "127.1" }, url: "INVALID_IP_ADDRESS" });
  add({ name: "five octets", input: GOOD, options: { ipAddress: "1.2.3.4.5" }, url: "INVALID_IP_ADDRESS" });
  add({ name: "Arabic-Indic digits", input: GOOD, options: { ipAddress: "١٩٢.٠.٢.١" }, url: "INVALID_IP_ADDRESS" });
  add({
    name: "trailing newline in IP",
    input: GOOD,
    options: { ipAddress: "192.0.2.1\n" },
    url: "INVALID_IP_ADDRESS",
  });
  add({ name: "empty IP", input: GOOD, options: { ipAddress: "" }, url: "INVALID_IP_ADDRESS", cli: "USAGE" });
  add({
    name: "IP as a number",
    input: GOOD,
    options: { ipAddress: 3221225985 },
    url: "INVALID_ARGUMENT",
    cli: "skip",
  });
  add({ name: "wildcard in IP", input: GOOD, options: { ipAddress: "192.0.2.*" }, url: "INVALID_IP_ADDRESS" });
  add({ name: "0.0.0.0/0 (asked for)", input: GOOD, options: { ipAddress: "0.0.0.0/0" }, url: P });
  add({ name: "bare address becomes /32", input: GOOD, options: { ipAddress: "203.0.113.7" }, url: P });

  // Dates.
  add({ name: "expires -Infinity", input: GOOD, options: { expires: Number.NEGATIVE_INFINITY }, url: "INVALID_DATE" });
  add({ name: "expires -0", input: GOOD, options: { expires: -0 }, url: "EXPIRES_IN_PAST" });
  add({
    name: "expires 1e11 (first millisecond-looking value)",
    input: GOOD,
    options: { expires: 1e11 },
    url: "DATE_IN_MILLISECONDS",
  });
  add({ name: "expires 2^53", input: GOOD, options: { expires: 2 ** 53 }, url: "DATE_IN_MILLISECONDS" });
  add({
    name: "expires in nanoseconds",
    input: GOOD,
    options: { expires: expires * 1e9 },
    url: "DATE_IN_MILLISECONDS",
  });
  add({
    name: "expires Date.now() milliseconds",
    input: GOOD,
    options: { expires: (now + 3600) * 1000 },
    url: "DATE_IN_MILLISECONDS",
  });
  add({
    name: "expires a millisecond past a second",
    input: GOOD,
    options: { expires: expires + 0.001 },
    url: "INVALID_DATE",
  });
  add({ name: "expires max Date", input: GOOD, options: { expires: new Date(8.64e15) }, url: "INVALID_DATE" });
  add({
    name: "expires Date rounds down into the past",
    input: GOOD,
    options: { expires: new Date(now * 1000 + 999) },
    url: "EXPIRES_IN_PAST",
  });
  add({
    name: "expires Date with milliseconds (floor)",
    input: GOOD,
    options: { expires: new Date(expires * 1000 + 999) },
    url: P,
  });
  add({
    name: "expires ISO with a fraction and an offset",
    input: GOOD,
    options: { expires: iso(expires + 0.75).replace("Z", "+00:00") },
    url: P,
  });
  add({
    name: "expires ISO +24:00 offset",
    input: GOOD,
    options: { expires: "2030-01-01T00:00:00+24:00" },
    url: "INVALID_DATE",
  });
  add({ name: "expires ISO hour 24", input: GOOD, options: { expires: "2030-01-01T24:00:00Z" }, url: "INVALID_DATE" });
  add({
    name: "expires ISO leap second",
    input: GOOD,
    options: { expires: "2030-06-30T23:59:60Z" },
    url: "INVALID_DATE",
  });
  add({
    name: "expires ISO ten fraction digits",
    input: GOOD,
    options: { expires: "2030-01-01T00:00:00.0000000001Z" },
    url: "INVALID_DATE",
  });
  add({
    name: "expires ISO expanded year",
    input: GOOD,
    options: { expires: "+002030-01-01T00:00:00Z" },
    url: "INVALID_DATE",
  });
  add({
    name: "expires ISO with a JSON break-out",
    input: GOOD,
    options: { expires: '2030-01-01T00:00:00Z"}' },
    url: "INVALID_DATE",
  });
  add({ name: "expires BigInt", input: GOOD, options: { expires: BigInt(expires) }, url: "INVALID_DATE", cli: "skip" });
  add({
    name: "expires object with valueOf",
    input: GOOD,
    options: { expires: { valueOf: () => expires } },
    url: "INVALID_DATE",
    cli: "skip",
  });
  add({ name: "expires array", input: GOOD, options: { expires: [expires] }, url: "INVALID_DATE", cli: "skip" });
  add({ name: "expires null", input: GOOD, options: { expires: null }, url: "INVALID_DATE", cli: "skip" });
  add({ name: "expires 1e11 - 1 (year 5138, allowed)", input: GOOD, options: { expires: 1e11 - 1 }, url: P });
  add({ name: "starts negative", input: GOOD, options: { starts: -1 }, url: "INVALID_DATE" });
  add({ name: "starts Infinity", input: GOOD, options: { starts: Number.POSITIVE_INFINITY }, url: "INVALID_DATE" });
  add({ name: "starts fractional", input: GOOD, options: { starts: now + 0.5 }, url: "INVALID_DATE" });
  add({ name: "starts in microseconds", input: GOOD, options: { starts: now * 1e6 }, url: "DATE_IN_MILLISECONDS" });
  add({
    name: "starts ISO without zone",
    input: GOOD,
    options: { starts: "2026-01-01T00:00:00" },
    url: "INVALID_DATE",
  });
  add({
    name: "starts half a second before expires rounds up to it",
    input: GOOD,
    options: { starts: new Date(expires * 1000 - 500) },
    url: "INVALID_DATE_RANGE",
  });
  add({ name: "starts a second before expires", input: GOOD, options: { starts: expires - 1 }, url: P });
  add({ name: "starts in the past (allowed)", input: GOOD, options: { starts: now - 86400 }, url: P });
  add({
    name: "starts Date with milliseconds (ceil)",
    input: GOOD,
    options: { starts: new Date(now * 1000 + 1) },
    url: P,
  });
  add({
    name: "starts after expires, both far",
    input: GOOD,
    options: { expires: expires + 86400, starts: expires + 86401 },
    url: "INVALID_DATE_RANGE",
  });

  // Cookie attributes (signCookies only).
  const cookieOnly = (name: string, options: Record<string, unknown>, code: Expect): void =>
    add({ name, input: GOOD, options, url: "skip", cookies: code, policy: "skip", apply: "skip", cli: "skip" });
  cookieOnly("cookie domain with ;", { domain: "example.com; Secure" }, "INVALID_COOKIE_ATTRIBUTE");
  cookieOnly("cookie domain with CRLF", { domain: "example.com\r\nSet-Cookie: a=b" }, "INVALID_COOKIE_ATTRIBUTE");
  cookieOnly("cookie domain cloudfront.net", { domain: "d111111abcdef8.cloudfront.net" }, "COOKIE_DOMAIN_NOT_ALLOWED");
  cookieOnly("cookie domain .CloudFront.NET", { domain: ".CloudFront.NET" }, "COOKIE_DOMAIN_NOT_ALLOWED");
  cookieOnly("cookie domain with a trailing dot", { domain: "example.com." }, "INVALID_COOKIE_ATTRIBUTE");
  // A Domain that cannot reach the resource's host (issue #12 item 3); the cookie rows run on COOKIE_HOST.
  cookieOnly("cookie domain another site", { domain: "other.org" }, "COOKIE_DOMAIN_MISMATCH");
  cookieOnly("cookie domain a sibling of the host", { domain: "img.example.com" }, "COOKIE_DOMAIN_MISMATCH");
  cookieOnly("cookie domain the host itself", { domain: "cd.d111111abcdef8.example.com" }, "signed");
  const cookieResource = (name: string, input: string, options: Record<string, unknown>, code: Expect): void =>
    add({ name, input, options, url: "skip", cookies: code, policy: "skip", apply: "skip", cli: "skip" });
  cookieResource(
    "cookies for a *.cloudfront.net host",
    "https://e222222abcdef8.cloudfront.net/images/*",
    {},
    "COOKIE_DOMAIN_MISMATCH",
  );
  cookieResource(
    "cookies for a wildcard host under another domain",
    "https://*.example.com/*",
    { allowAnyResource: true, domain: "other.org" },
    "COOKIE_DOMAIN_MISMATCH",
  );
  cookieResource(
    "cookies for a wildcard host under their domain",
    "https://*.example.com/*",
    { allowAnyResource: true, domain: "example.com" },
    "signed",
  );
  cookieOnly("cookie domain with a lone surrogate", { domain: "exa\ud800mple.com" }, "INVALID_COOKIE_ATTRIBUTE");
  cookieOnly("cookie domain not a string", { domain: 42 }, "INVALID_ARGUMENT");
  cookieOnly("cookie path with ;", { path: "/;x" }, "INVALID_COOKIE_ATTRIBUTE");
  cookieOnly("cookie path with a space", { path: "/a b" }, "INVALID_COOKIE_ATTRIBUTE");
  cookieOnly("cookie path not starting with /", { path: "images" }, "INVALID_COOKIE_ATTRIBUTE");
  cookieOnly("cookie path empty", { path: "" }, "INVALID_COOKIE_ATTRIBUTE");
  cookieOnly("cookie SameSite=None without Secure", { sameSite: "None", secure: false }, "INVALID_COOKIE_ATTRIBUTE");
  cookieOnly("cookie SameSite with a space", { sameSite: "Strict " }, "INVALID_COOKIE_ATTRIBUTE");
  cookieOnly("cookie secure as a string", { secure: "false" }, "INVALID_ARGUMENT");
  cookieOnly("cookie domain example.com (accepted)", { domain: "example.com", sameSite: "lax" }, "signed");
  return rows;
}

/**
 * The options of a row as `--name=value` command-line arguments, or `null` when the
 * command line cannot express them.
 */
export function cliArguments(options: Readonly<Record<string, unknown>>, expires: number): string[] | null {
  const args: string[] = [];
  const when = (value: unknown): string | null => {
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
    if (typeof value === "number") return String(value);
    if (typeof value === "string") return value;
    return null;
  };
  const expiresGiven = Object.hasOwn(options, "expires");
  if (!expiresGiven || options["expires"] !== undefined) {
    const text = when(expiresGiven ? options["expires"] : expires);
    if (text === null) return null;
    args.push(`--date-less-than=${text}`);
  }
  for (const [key, value] of Object.entries(options)) {
    if (key === "expires") continue;
    if (key === "starts") {
      const text = when(value);
      if (text === null) return null;
      args.push(`--date-greater-than=${text}`);
    } else if (key === "ipAddress") {
      if (typeof value !== "string") return null;
      args.push(`--ip-address=${value}`);
    } else if (key === "resource") {
      if (typeof value !== "string") return null;
      args.push(`--policy-resource=${value}`);
    } else if (key === "allowAnyResource") {
      if (value !== true) return null;
      args.push("--allow-any-resource");
    } else if (key === "encode") {
      if (value !== true) return null;
      args.push("--encode");
    } else {
      return null;
    }
  }
  return args;
}

/**
 * The row with its distribution host replaced by an alternate domain name: no signed cookie can reach a
 * *.cloudfront.net host (COOKIE_DOMAIN_MISMATCH, its own rows), so the cookie rows are judged on cdn.example.com.
 */
export function onCookieHost(row: HostileRow): HostileRow {
  const http = "http://" + HOST.slice("https://".length);
  const move = (v: unknown): unknown =>
    typeof v !== "string"
      ? v
      : v.startsWith(HOST)
        ? COOKIE_HOST + v.slice(HOST.length)
        : v.startsWith(http)
          ? "http://" + COOKIE_HOST.slice("https://".length) + v.slice(http.length)
          : v;
  const options = "resource" in row.options ? { ...row.options, resource: move(row.options["resource"]) } : row.options;
  return { ...row, input: move(row.input), options, signedAs: move(row.signedAs) as string | undefined };
}
