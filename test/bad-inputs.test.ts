/**
 * The table of bad inputs every URL entry point must refuse, with the code it
 * must refuse them with. Each row runs through `signUrl` (throws) and through
 * `signUrls` (reported per item, the good neighbours still signed), on both engines.
 */
import { beforeAll, describe, expect, test } from "vitest";
import { CfSignError, createSigner, type CfSignErrorCode, type SignOptions, type Signer } from "../src/index.js";
import { rsaKey } from "./helpers/keys.js";

const NOW = Date.UTC(2026, 0, 1) / 1000; // 1767225600
const EXPIRES = NOW + 3600;
const HOST = "https://d111111abcdef8.cloudfront.net";
const GOOD = `${HOST}/images/photo.jpg`;

type Row = readonly [name: string, url: unknown, options: Partial<SignOptions>, code: CfSignErrorCode];

const rows: Row[] = [
  // Not an absolute http(s) URL
  ["relative path", "/images/photo.jpg", {}, "INVALID_URL"],
  ["no scheme", "d111111abcdef8.cloudfront.net/a.jpg", {}, "INVALID_URL"],
  ["ftp scheme", "ftp://d111111abcdef8.cloudfront.net/a.jpg", {}, "INVALID_URL"],
  ["scheme-relative", "//d111111abcdef8.cloudfront.net/a.jpg", {}, "INVALID_URL"],
  ["upper-case scheme", "HTTPS://d111111abcdef8.cloudfront.net/a.jpg", {}, "INVALID_URL"],
  ["upper-case host", "https://D111111abcdef8.CloudFront.net/a.jpg", {}, "INVALID_URL"],
  ["empty host", "https:///a.jpg", {}, "INVALID_URL"],
  ["no path", HOST, {}, "INVALID_URL"],
  ["query without path", `${HOST}?a=1`, {}, "INVALID_URL"],
  ["user info", "https://user:pw@d111111abcdef8.cloudfront.net/a.jpg", {}, "INVALID_URL"],
  ["default https port", "https://d111111abcdef8.cloudfront.net:443/a.jpg", {}, "INVALID_URL"],
  ["default http port", "http://d111111abcdef8.cloudfront.net:80/a.jpg", {}, "INVALID_URL"],
  ["port out of range", "https://d111111abcdef8.cloudfront.net:70000/a.jpg", {}, "INVALID_URL"],
  ["IPv6 literal host", "https://[2001:db8::1]/a.jpg", {}, "INVALID_URL"],
  ["dot segment", `${HOST}/a/../b.jpg`, {}, "INVALID_URL"],
  ["encoded dot segment", `${HOST}/a/%2e%2e/b.jpg`, {}, "INVALID_URL"],
  ["empty query", `${HOST}/a.jpg?`, {}, "INVALID_URL"],
  ["trailing ampersand", `${HOST}/a.jpg?a=1&`, {}, "INVALID_URL"],
  ["double ampersand", `${HOST}/a.jpg?a=1&&b=2`, {}, "INVALID_URL"],
  ["not a string", 42, {}, "INVALID_ARGUMENT"],
  ["null URL", null, {}, "INVALID_ARGUMENT"],
  // Fragments
  ["fragment", `${HOST}/a.jpg#top`, {}, "URL_HAS_FRAGMENT"],
  ["empty fragment", `${HOST}/a.jpg#`, {}, "URL_HAS_FRAGMENT"],
  ["fragment after query", `${HOST}/a.jpg?x=1#y`, {}, "URL_HAS_FRAGMENT"],
  // Characters that must be percent-encoded
  ["space", `${HOST}/my photo.jpg`, {}, "URL_UNSAFE_CHARACTER"],
  ["double quote (JSON break-out)", `${HOST}/a".jpg`, {}, "URL_UNSAFE_CHARACTER"],
  ["JSON break-out in query", `${HOST}/a.jpg?x="},"Resource":"*`, {}, "URL_UNSAFE_CHARACTER"],
  ["backslash", `${HOST}/a\\b.jpg`, {}, "URL_UNSAFE_CHARACTER"],
  ["newline", `${HOST}/a\n.jpg`, {}, "URL_UNSAFE_CHARACTER"],
  ["tab", `${HOST}/a\t.jpg`, {}, "URL_UNSAFE_CHARACTER"],
  ["NUL", `${HOST}/a\u0000.jpg`, {}, "URL_UNSAFE_CHARACTER"],
  ["DEL", `${HOST}/a\u007f.jpg`, {}, "URL_UNSAFE_CHARACTER"],
  ["non-ASCII", `${HOST}/café.jpg`, {}, "URL_UNSAFE_CHARACTER"],
  ["emoji", `${HOST}/\u{1F600}.jpg`, {}, "URL_UNSAFE_CHARACTER"],
  ["lone surrogate", `${HOST}/a\ud800.jpg`, {}, "URL_UNSAFE_CHARACTER"],
  ["lone surrogate with encode", `${HOST}/a\udc00.jpg`, { encode: true }, "URL_UNSAFE_CHARACTER"],
  ["angle brackets", `${HOST}/<a>.jpg`, {}, "URL_UNSAFE_CHARACTER"],
  ["curly braces", `${HOST}/{a}.jpg`, {}, "URL_UNSAFE_CHARACTER"],
  ["pipe", `${HOST}/a|b.jpg`, {}, "URL_UNSAFE_CHARACTER"],
  ["caret", `${HOST}/a^b.jpg`, {}, "URL_UNSAFE_CHARACTER"],
  ["backtick", `${HOST}/a\`b.jpg`, {}, "URL_UNSAFE_CHARACTER"],
  ["square bracket in path", `${HOST}/a[1].jpg`, {}, "URL_UNSAFE_CHARACTER"],
  ["bare percent", `${HOST}/100%.jpg`, {}, "URL_UNSAFE_CHARACTER"],
  ["bad percent escape", `${HOST}/a%zz.jpg`, {}, "URL_UNSAFE_CHARACTER"],
  ["truncated percent escape", `${HOST}/a%2`, {}, "URL_UNSAFE_CHARACTER"],
  ["apostrophe in query (browsers encode it)", `${HOST}/a.jpg?name=o'brien`, {}, "URL_UNSAFE_CHARACTER"],
  // Signing parameters already present, any case or encoding
  ["Expires present", `${HOST}/a.jpg?Expires=1`, {}, "URL_HAS_SIGNING_PARAMETER"],
  ["Signature present", `${HOST}/a.jpg?x=1&Signature=abc`, {}, "URL_HAS_SIGNING_PARAMETER"],
  ["Key-Pair-Id present", `${HOST}/a.jpg?Key-Pair-Id=K`, {}, "URL_HAS_SIGNING_PARAMETER"],
  ["Policy present", `${HOST}/a.jpg?Policy=x`, {}, "URL_HAS_SIGNING_PARAMETER"],
  ["Hash-Algorithm present", `${HOST}/a.jpg?Hash-Algorithm=SHA256`, {}, "URL_HAS_SIGNING_PARAMETER"],
  ["lower-case expires", `${HOST}/a.jpg?expires=1`, {}, "URL_HAS_SIGNING_PARAMETER"],
  ["upper-case SIGNATURE", `${HOST}/a.jpg?SIGNATURE=1`, {}, "URL_HAS_SIGNING_PARAMETER"],
  ["signing parameter without value", `${HOST}/a.jpg?Policy`, {}, "URL_HAS_SIGNING_PARAMETER"],
  ["percent-encoded parameter name", `${HOST}/a.jpg?Expi%72es=1`, {}, "URL_HAS_SIGNING_PARAMETER"],
  // Dates
  ["expires missing", GOOD, { expires: undefined }, "INVALID_DATE"],
  ["expires NaN", GOOD, { expires: Number.NaN }, "INVALID_DATE"],
  ["expires Infinity", GOOD, { expires: Number.POSITIVE_INFINITY }, "INVALID_DATE"],
  ["expires negative", GOOD, { expires: -1 }, "INVALID_DATE"],
  ["expires fractional", GOOD, { expires: EXPIRES + 0.5 }, "INVALID_DATE"],
  ["expires in milliseconds", GOOD, { expires: EXPIRES * 1000 }, "DATE_IN_MILLISECONDS"],
  ["expires in microseconds", GOOD, { expires: EXPIRES * 1_000_000 }, "DATE_IN_MILLISECONDS"],
  ["expires in the past", GOOD, { expires: NOW - 1 }, "EXPIRES_IN_PAST"],
  ["expires exactly now", GOOD, { expires: NOW }, "EXPIRES_IN_PAST"],
  ["expires invalid Date", GOOD, { expires: new Date("nope") }, "INVALID_DATE"],
  ["expires garbage string", GOOD, { expires: "tomorrow" }, "INVALID_DATE"],
  ["expires digits as string", GOOD, { expires: String(EXPIRES) }, "INVALID_DATE"],
  ["expires ISO without zone", GOOD, { expires: "2026-06-01T00:00:00" }, "INVALID_DATE"],
  ["expires impossible date", GOOD, { expires: "2026-02-30T00:00:00Z" }, "INVALID_DATE"],
  ["expires boolean", GOOD, { expires: true as unknown as number }, "INVALID_DATE"],
  ["starts NaN", GOOD, { starts: Number.NaN }, "INVALID_DATE"],
  ["starts in milliseconds", GOOD, { starts: NOW * 1000 }, "DATE_IN_MILLISECONDS"],
  ["starts after expires", GOOD, { starts: EXPIRES + 10 }, "INVALID_DATE_RANGE"],
  ["starts equal to expires", GOOD, { starts: EXPIRES }, "INVALID_DATE_RANGE"],
  // IP addresses
  ["IPv6 address", GOOD, { ipAddress: "2001:db8::1" }, "IPV6_NOT_SUPPORTED"],
  ["IPv6 CIDR", GOOD, { ipAddress: "2001:db8::/32" }, "IPV6_NOT_SUPPORTED"],
  ["IPv4-mapped IPv6", GOOD, { ipAddress: "::ffff:192.0.2.1" }, "IPV6_NOT_SUPPORTED"],
  ["octet over 255", GOOD, { ipAddress: "192.0.2.256" }, "INVALID_IP_ADDRESS"],
  ["three octets", GOOD, { ipAddress: "192.0.2" }, "INVALID_IP_ADDRESS"],
  ["leading zero octet", GOOD, { ipAddress: "192.0.02.1" }, "INVALID_IP_ADDRESS"],
  ["prefix over 32", GOOD, { ipAddress: "192.0.2.0/33" }, "INVALID_IP_ADDRESS"],
  ["empty prefix", GOOD, { ipAddress: "192.0.2.0/" }, "INVALID_IP_ADDRESS"],
  ["host bits set", GOOD, { ipAddress: "192.0.2.1/24" }, "INVALID_IP_ADDRESS"],
  ["hostname instead of IP", GOOD, { ipAddress: "example.com" }, "INVALID_IP_ADDRESS"],
  ["JSON break-out in IP", GOOD, { ipAddress: '1.2.3.4"}' }, "INVALID_IP_ADDRESS"],
  ["IP with spaces", GOOD, { ipAddress: " 192.0.2.1" }, "INVALID_IP_ADDRESS"],
  // Resources and wildcards
  ["bare * resource", GOOD, { resource: "*" }, "RESOURCE_TOO_BROAD"],
  ["wildcard host", GOOD, { resource: "https://*.cloudfront.net/*" }, "RESOURCE_TOO_BROAD"],
  ["wildcard scheme", GOOD, { resource: "http*://d111111abcdef8.cloudfront.net/*" }, "RESOURCE_TOO_BROAD"],
  ["resource for another folder", GOOD, { resource: `${HOST}/videos/*` }, "RESOURCE_MISMATCH"],
  ["resource for another host", GOOD, { resource: "https://other.cloudfront.net/images/*" }, "RESOURCE_MISMATCH"],
  ["resource for another scheme", GOOD, { resource: "http://d111111abcdef8.cloudfront.net/images/*" }, "RESOURCE_MISMATCH"],
  ["resource without the query", `${GOOD}?w=640`, { resource: `${HOST}/images/*.jpg` }, "RESOURCE_MISMATCH"],
  ["resource ? needs exactly one char", GOOD, { resource: `${HOST}/images/photo.jp??` }, "RESOURCE_MISMATCH"],
  ["resource with a quote", GOOD, { resource: `${HOST}/images/"*` }, "INVALID_RESOURCE"],
  ["resource with a space", GOOD, { resource: `${HOST}/images/ *` }, "INVALID_RESOURCE"],
  ["resource without scheme", GOOD, { resource: "d111111abcdef8.cloudfront.net/*" }, "INVALID_RESOURCE"],
  ["resource empty", GOOD, { resource: "" }, "INVALID_RESOURCE"],
  ["resource ftp", GOOD, { resource: "ftp://d111111abcdef8.cloudfront.net/*" }, "INVALID_RESOURCE"],
  ["* in URL with custom policy", `${HOST}/images/*`, { ipAddress: "192.0.2.1" }, "URL_HAS_WILDCARD"],
  ["second ? in URL with custom policy", `${HOST}/a.jpg?x=?`, { starts: NOW }, "URL_HAS_WILDCARD"],
  // Length
  ["URL too long once signed", `${HOST}/${"a".repeat(8000)}`, {}, "URL_TOO_LONG"],
];

let signers: Record<"wasm" | "js", Signer>;

beforeAll(async () => {
  const common = { keyPairId: "K2JCJMDEHXQW5F", privateKey: rsaKey().privatePem, clock: () => NOW * 1000 };
  signers = {
    wasm: await createSigner({ ...common, engine: "wasm" }),
    js: await createSigner({ ...common, engine: "js" }),
  };
});

test("the table has at least 40 rows, each distinct", () => {
  expect(rows.length).toBeGreaterThanOrEqual(40);
  expect(new Set(rows.map((r) => r[0])).size).toBe(rows.length);
});

describe.each(["wasm", "js"] as const)("engine %s", (engine) => {
  test.each(rows)("signUrl refuses %s", async (_name, url, options, code) => {
    const err = await signers[engine]
      .signUrl(url as string, { expires: EXPIRES, ...options } as SignOptions)
      .then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(CfSignError);
    expect((err as CfSignError).code).toBe(code);
    // The message names no whole URL.
    if (typeof url === "string" && url.length > 30) expect((err as CfSignError).message).not.toContain(url);
  });

  test.each(rows)("signUrls reports %s and still signs its neighbours", async (_name, url, options, code) => {
    // Per-item options only, so that a row's missing expires is not filled in by a batch default.
    const results = await signers[engine].signUrls([
      { url: GOOD, expires: EXPIRES },
      { url: url as string, expires: EXPIRES, ...options },
      { url: `${GOOD}?w=2`, expires: EXPIRES },
    ]);
    expect(results).toHaveLength(3);
    expect(results[0]).toMatchObject({ ok: true });
    expect(results[2]).toMatchObject({ ok: true });
    const bad = results[1]!;
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.index).toBe(1);
      expect(bad.error.code).toBe(code);
      expect(bad.error.index).toBe(1);
    }
  });
});
