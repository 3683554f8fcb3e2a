/**
 * The names CloudFront reads: its signing query parameters and signed cookies
 * (`private-content-signed-urls`, `private-content-setting-signed-cookie-canned-policy`),
 * and the query parameters of an Amazon S3 presigned URL, which CloudFront does
 * not check. The one list every path uses: the URL validator, the signed-URL
 * parser, the verifier, the inspector and the cookie signer.
 *
 * (The hot path's `rewriteLines` scans bytes for the same five names in its own
 * byte-level form, in src/engine/js.ts and assembly/; its tests check it against
 * {@link SIGNING_PARAMETER_NAMES}.)
 *
 * @module
 */

/** CloudFront's signing parameters, with their exact (case-sensitive) names, in the order checks report them. */
export const SIGNING_PARAMETER_NAMES = ["Expires", "Policy", "Signature", "Key-Pair-Id", "Hash-Algorithm"] as const;

/** One of {@link SIGNING_PARAMETER_NAMES}. */
export type SigningParameterName = (typeof SIGNING_PARAMETER_NAMES)[number];

/** The prefix of CloudFront's signed cookie names: `CloudFront-` + a signing parameter name. */
export const COOKIE_PREFIX = "CloudFront-";

/**
 * Whether `name` is a signing parameter's exact name (`Expires`, not `expires`).
 *
 * @param name - a query parameter name, undecoded
 * @returns true for exactly `Expires`, `Policy`, `Signature`, `Key-Pair-Id`, `Hash-Algorithm`
 * @example
 * ```ts
 * isSigningParameterName("Key-Pair-Id"); // true
 * isSigningParameterName("expires");     // false: CloudFront's names are case-sensitive
 * ```
 */
export function isSigningParameterName(name: string): name is SigningParameterName {
  return (SIGNING_PARAMETER_NAMES as readonly string[]).includes(name);
}

/** {@link SIGNING_PARAMETER_NAMES} by their lower-case form (the URL validator asks for every query parameter). */
const SIGNING_PARAMETERS_BY_LOWER_CASE: ReadonlyMap<string, SigningParameterName> = /* @__PURE__ */ new Map(
  SIGNING_PARAMETER_NAMES.map((n) => [n.toLowerCase(), n]),
);

/**
 * The signing parameter `name` means in any letter case, or `undefined`: the
 * signer refuses a URL that already has one in any case, since some servers and
 * proxies fold case.
 *
 * @param name - a query parameter name, already percent-decoded
 * @returns the exact CloudFront name (`Expires` for `EXPIRES`), or `undefined`
 * @example
 * ```ts
 * signingParameterIgnoringCase("key-pair-id"); // "Key-Pair-Id"
 * ```
 */
export function signingParameterIgnoringCase(name: string): SigningParameterName | undefined {
  return SIGNING_PARAMETERS_BY_LOWER_CASE.get(name.toLowerCase());
}

/**
 * The signing parameter a cookie name carries (`CloudFront-Policy` → `Policy`), or
 * `undefined` for any other cookie.
 *
 * @param cookieName - the cookie's name, exact case
 * @returns the signing parameter name, or `undefined`
 * @example
 * ```ts
 * signingParameterOfCookie("CloudFront-Key-Pair-Id"); // "Key-Pair-Id"
 * ```
 */
export function signingParameterOfCookie(cookieName: string): SigningParameterName | undefined {
  if (!cookieName.startsWith(COOKIE_PREFIX)) return undefined;
  const name = cookieName.slice(COOKIE_PREFIX.length);
  return isSigningParameterName(name) ? name : undefined;
}

/**
 * The query parameters of an Amazon S3 presigned URL, lower-cased: SigV4's
 * `X-Amz-*` signing parameters and SigV2's `AWSAccessKeyId`.
 */
const S3_SIGNING_PARAMETERS: ReadonlySet<string> = /* @__PURE__ */ new Set([
  "x-amz-algorithm",
  "x-amz-credential",
  "x-amz-date",
  "x-amz-expires",
  "x-amz-security-token",
  "x-amz-signedheaders",
  "x-amz-signature",
  "awsaccesskeyid",
]);

/**
 * Whether a query parameter name belongs to an Amazon S3 presigned URL (SigV4
 * `X-Amz-Signature`, `X-Amz-Credential`, ... in any case, or SigV2 `AWSAccessKeyId`).
 * CloudFront never checks these; behind CloudFront they reach S3 only if the cache
 * behaviour forwards the query, and CloudFront still wants its own signature.
 *
 * @param name - a query parameter name, undecoded
 * @returns true for `X-Amz-Signature`, `x-amz-credential`, `AWSAccessKeyId`, ...
 * @example
 * ```ts
 * isS3SigningParameterName("X-Amz-Signature"); // true
 * isS3SigningParameterName("X-Amz-Meta-Foo");  // false
 * ```
 */
export function isS3SigningParameterName(name: string): boolean {
  return S3_SIGNING_PARAMETERS.has(name.toLowerCase());
}
