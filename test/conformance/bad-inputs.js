// Bad URL inputs every runtime must refuse, with the code it must refuse them with.
// A representative subset of test/bad-inputs.test.ts (which runs the full table in Node),
// one or more rows per error code, as plain data for the conformance suite.

/**
 * @param now - the signer's clock, epoch seconds
 * @param expires - a valid expiry, epoch seconds
 * @returns rows of [name, url, options, code]
 */
export function badUrlRows(now, expires) {
  const HOST = "https://d111111abcdef8.cloudfront.net";
  const GOOD = `${HOST}/images/photo.jpg`;
  return [
    ["relative path", "/images/photo.jpg", {}, "INVALID_URL"],
    ["ftp scheme", "ftp://d111111abcdef8.cloudfront.net/a.jpg", {}, "INVALID_URL"],
    ["upper-case host", "https://D111111abcdef8.CloudFront.net/a.jpg", {}, "INVALID_URL"],
    ["default https port", "https://d111111abcdef8.cloudfront.net:443/a.jpg", {}, "INVALID_URL"],
    ["IPv6 literal host", "https://[2001:db8::1]/a.jpg", {}, "INVALID_URL"],
    ["dot segment", `${HOST}/a/../b.jpg`, {}, "INVALID_URL"],
    ["empty query", `${HOST}/a.jpg?`, {}, "INVALID_URL"],
    ["not a string", 42, {}, "INVALID_ARGUMENT"],
    ["fragment", `${HOST}/a.jpg#top`, {}, "URL_HAS_FRAGMENT"],
    ["space", `${HOST}/my photo.jpg`, {}, "URL_UNSAFE_CHARACTER"],
    ["JSON break-out in query", `${HOST}/a.jpg?x="},"Resource":"*`, {}, "URL_UNSAFE_CHARACTER"],
    ["backslash", `${HOST}/a\\b.jpg`, {}, "URL_UNSAFE_CHARACTER"],
    ["NUL", `${HOST}/a\u0000.jpg`, {}, "URL_UNSAFE_CHARACTER"],
    ["non-ASCII", `${HOST}/café.jpg`, {}, "URL_UNSAFE_CHARACTER"],
    ["lone surrogate with encode", `${HOST}/a\udc00.jpg`, { encode: true }, "URL_UNSAFE_CHARACTER"],
    ["apostrophe in query", `${HOST}/a.jpg?name=o'brien`, {}, "URL_UNSAFE_CHARACTER"],
    ["bad percent escape", `${HOST}/a%zz.jpg`, {}, "URL_UNSAFE_CHARACTER"],
    ["Expires present", `${HOST}/a.jpg?Expires=1`, {}, "URL_HAS_SIGNING_PARAMETER"],
    ["upper-case SIGNATURE", `${HOST}/a.jpg?SIGNATURE=1`, {}, "URL_HAS_SIGNING_PARAMETER"],
    ["percent-encoded parameter name", `${HOST}/a.jpg?Expi%72es=1`, {}, "URL_HAS_SIGNING_PARAMETER"],
    ["expires missing", GOOD, { expires: undefined }, "INVALID_DATE"],
    ["expires NaN", GOOD, { expires: Number.NaN }, "INVALID_DATE"],
    ["expires fractional", GOOD, { expires: expires + 0.5 }, "INVALID_DATE"],
    ["expires ISO without zone", GOOD, { expires: "2099-06-01T00:00:00" }, "INVALID_DATE"],
    ["expires invalid Date", GOOD, { expires: new Date("nope") }, "INVALID_DATE"],
    ["expires in milliseconds", GOOD, { expires: expires * 1000 }, "DATE_IN_MILLISECONDS"],
    ["expires in the past", GOOD, { expires: now - 1 }, "EXPIRES_IN_PAST"],
    ["starts after expires", GOOD, { starts: expires + 10 }, "INVALID_DATE_RANGE"],
    ["IPv6 address", GOOD, { ipAddress: "2001:db8::1" }, "IPV6_NOT_SUPPORTED"],
    ["octet over 255", GOOD, { ipAddress: "192.0.2.256" }, "INVALID_IP_ADDRESS"],
    ["host bits set", GOOD, { ipAddress: "192.0.2.1/24" }, "INVALID_IP_ADDRESS"],
    ["JSON break-out in IP", GOOD, { ipAddress: '1.2.3.4"}' }, "INVALID_IP_ADDRESS"],
    ["bare * resource", GOOD, { resource: "*" }, "RESOURCE_TOO_BROAD"],
    ["wildcard host", GOOD, { resource: "https://*.cloudfront.net/*" }, "RESOURCE_TOO_BROAD"],
    ["resource for another folder", GOOD, { resource: `${HOST}/videos/*` }, "RESOURCE_MISMATCH"],
    ["resource with a quote", GOOD, { resource: `${HOST}/images/"*` }, "INVALID_RESOURCE"],
    ["resource ftp", GOOD, { resource: "ftp://d111111abcdef8.cloudfront.net/*" }, "INVALID_RESOURCE"],
    ["* in URL with custom policy", `${HOST}/images/*`, { ipAddress: "192.0.2.1" }, "URL_HAS_WILDCARD"],
    ["URL too long once signed", `${HOST}/${"a".repeat(8000)}`, {}, "URL_TOO_LONG"],
  ];
}
