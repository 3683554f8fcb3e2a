/**
 * `Signer.signCookies`: CloudFront signed cookies, one policy and one signature
 * for a set of files (`private-content-setting-signed-cookie-canned-policy`,
 * `...-custom-policy`), with a ready `Set-Cookie` value per cookie. The cookie
 * names and attributes are CloudFront rules (./cloudfront/cookie.ts).
 *
 * @module
 */
import { fail } from "./errors.ts";
import { signOne, warnAboutHost, type SignerCore } from "./batch.ts";
import { cookieAttributes, setCookie } from "./cloudfront/cookie.ts";
import { validateResource } from "./cloudfront/resource.ts";
import { validateUrl } from "./cloudfront/url.ts";
import type { PolicySpec } from "./engine/types.ts";
import { hasWildcard, ownOptions, policyConditions, requireExpires } from "./lib/options.ts";
import type { CloudFrontCookieName, SignCookiesOptions, SignedCookies } from "./types.ts";

/**
 * Signs a set of CloudFront signed cookies; see `Signer.signCookies` for the rules.
 *
 * @param core - the signer's key, hot path and settings
 * @param given - `expires`, `resource` (or `allowAnyResource`), `starts`, `ipAddress`, cookie attributes
 * @returns the cookie values by name, and one `Set-Cookie` header value per cookie
 * @throws {@link CfSignError} the URL and policy codes, `INVALID_COOKIE_ATTRIBUTE`,
 *   `COOKIE_DOMAIN_NOT_ALLOWED`, `COOKIE_TOO_LARGE`, `SIGNING_FAILED`
 */
export async function signCookies(core: SignerCore, given: SignCookiesOptions): Promise<SignedCookies> {
  if (typeof given !== "object" || given === null) fail("INVALID_ARGUMENT", "signCookies takes an options object");
  const options = ownOptions(given);
  requireExpires(options);
  const nowSeconds = core.clock() / 1000;
  const { resource } = options;
  let spec: PolicySpec;
  let canned = false;
  const conditionsGiven = options.starts !== undefined || options.ipAddress !== undefined;
  if (resource === undefined) {
    if (options.allowAnyResource !== true) {
      fail(
        "INVALID_RESOURCE",
        "signCookies needs a resource (the URL or pattern the cookies grant), or allowAnyResource: true to grant " +
          "every file of every distribution that trusts this key",
      );
    }
    // "*" grants what an absent Resource grants (the CloudFront guide, "Wildcards"), in the hot path's one policy shape.
    const c = policyConditions(options, nowSeconds);
    spec = { resource: "*", expires: c.expires, starts: c.starts, ipAddress: c.ipAddress };
  } else if (!conditionsGiven && typeof resource === "string" && !hasWildcard(resource)) {
    const url = validateUrl(resource);
    const c = policyConditions(options, nowSeconds);
    spec = { resource: url, expires: c.expires };
    canned = true;
  } else {
    const pattern = validateResource(resource, options.allowAnyResource === true).pattern;
    const c = policyConditions(options, nowSeconds);
    spec = { resource: pattern, expires: c.expires, starts: c.starts, ipAddress: c.ipAddress };
  }
  warnAboutHost(core, spec.resource);
  const attributes = cookieAttributes(options);
  const [policy] = core.hotPath.serializePolicies([spec]);
  if (policy === undefined) fail("INTERNAL", "the hot path returned no policy");
  const policyValue = canned ? undefined : core.hotPath.encodeBase64(policy);
  // Check the size before signing: the signature's length is known in advance.
  const head: [string, string] = canned
    ? ["CloudFront-Expires", String(spec.expires)]
    : ["CloudFront-Policy", policyValue!];
  setCookie(head[0], head[1], attributes);
  const signature = core.hotPath.encodeBase64(await signOne(core, policy));
  const pairs: [CloudFrontCookieName, string][] = [head as [CloudFrontCookieName, string]];
  pairs.push(["CloudFront-Signature", signature], ["CloudFront-Key-Pair-Id", core.keyPairId]);
  if (core.key.hashAlgorithm === "SHA256") pairs.push(["CloudFront-Hash-Algorithm", "SHA256"]);
  const cookies: Partial<Record<CloudFrontCookieName, string>> = {};
  const headers: string[] = [];
  for (const [name, value] of pairs) {
    cookies[name] = value;
    headers.push(setCookie(name, value, attributes));
  }
  return { kind: canned ? "canned" : "custom", cookies: cookies as SignedCookies["cookies"], setCookie: headers };
}
