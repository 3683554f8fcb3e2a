/**
 * The verifier: checks a signed URL or a set of signed cookies the way
 * CloudFront does, and says in one stable reason code why it would give 403.
 * Runtime-neutral: WebCrypto for the public-key operation (../crypto/public-key.ts).
 *
 * The order follows CloudFront's own checks of a request:
 * 1. any signing parameter in the query makes it a signed URL, otherwise the cookies count;
 * 2. `Key-Pair-Id` present and known;
 * 3. the signature over the decoded `Policy`, or over the canned policy rebuilt from
 *    the URL without the signing parameters plus `Expires`, with SHA-1 or SHA-256;
 * 4. the policy's conditions: one statement, `Resource` (wildcards), `DateLessThan`,
 *    `DateGreaterThan`, `IpAddress` (which fails closed: without `clientIp` it is
 *    `IP_ADDRESS_NOT_CHECKED`, unless `ignoreIpAddress` is set).
 * The URL is taken apart by ../cloudfront/signed-url.ts, which `cfsign inspect` shares.
 * When a check fails, a few likely causes are tried (the other hash, a query
 * parameter added after signing, another known key) to name the mistake.
 *
 * This module takes a request apart and judges what needs no key (URL, client rewrites,
 * S3); ./check.ts does the checks in order, ./diagnose.ts names causes, ./options.ts
 * reads the options, ./types.ts holds the public types.
 *
 * @module
 */
import { fail } from "../errors.ts";
import { hasSigningParametersInFragment, splitSignedUrl, type SignedUrlParts } from "../cloudfront/signed-url.ts";
import { clientRewrite } from "../cloudfront/client-rewrite.ts";
import { MAX_URL_BYTES } from "../cloudfront/url.ts";
import { parseSigningCookies } from "../cloudfront/cookie.ts";
import { s3HostKind } from "../cloudfront/s3.ts";
import { check, result, s3Result } from "./check.ts";
import { readOptions, type Settings } from "./options.ts";
import type { VerifyOptions, VerifyResult } from "./types.ts";

export type {
  CloudFrontPolicy,
  TimeBoundary,
  VerifyOptions,
  VerifyReason,
  VerifyResult,
  VerifyWarning,
} from "./types.ts";

/** Adds the warnings about the request's host (src/cloudfront/s3.ts) to a verdict. */
function withHostWarnings(verdict: VerifyResult, url: string): VerifyResult {
  const s3 = s3HostKind(url);
  return s3 === null ? verdict : { ...verdict, warnings: [{ code: "S3_HOST", message: s3.message }] };
}

/**
 * Checks a signed URL as CloudFront would.
 *
 * @param signedUrl - the URL as the client sends it (a `#fragment` is dropped, as clients do)
 * @param options - `publicKeys` (required), `now`, `clientIp` (or `ignoreIpAddress`), `boundary`
 * @returns the outcome; `valid` is true only with reason `OK`
 * @throws {@link CfSignError} `INVALID_ARGUMENT` for bad options (also `clientIp` with `ignoreIpAddress`),
 *   `INVALID_IP_ADDRESS` for a bad `clientIp`,
 *   `INVALID_DATE` for a bad `now`, `INVALID_KEY`/`UNSUPPORTED_KEY` when the key the URL names is unusable
 * @example
 * ```ts
 * const result = await verifyUrl(url, { publicKeys: { K2JCJMDEHXQW5F: publicKeyPem } });
 * if (!result.valid) console.log(result.reason, result.message);
 * ```
 */
export async function verifyUrl(signedUrl: string, options: VerifyOptions): Promise<VerifyResult> {
  const settings = readOptions(options);
  if (typeof signedUrl !== "string") fail("INVALID_ARGUMENT", "verifyUrl takes the signed URL as a string");
  return withHostWarnings(await judgeUrl(signedUrl, settings), signedUrl);
}

async function judgeUrl(signedUrl: string, settings: Settings): Promise<VerifyResult> {
  const request = parseRequest(signedUrl);
  if (request === null) return invalidUrl(signedUrl, "url");
  if (request.signing.size === 0) return unsigned(request, "url");
  return rewritten(request, "url") ?? check(request, request.signing, "url", settings, "");
}

/**
 * Checks a request authorised by CloudFront signed cookies. As CloudFront does,
 * a request URL that carries any signing parameter is judged as a signed URL and
 * its cookies are ignored (the result then has `via: "url"`).
 *
 * @param requestUrl - the URL the client requests
 * @param cookies - the cookies: a `Cookie` header value (`"CloudFront-Policy=...; CloudFront-Signature=..."`)
 *   or an object of names and values
 * @param options - `publicKeys` (required), `now`, `clientIp` (or `ignoreIpAddress`), `boundary`
 * @returns the outcome; `valid` is true only with reason `OK`
 * @throws {@link CfSignError} as {@link verifyUrl}
 * @example
 * ```ts
 * const result = await verifyCookies("https://cdn.example.com/gallery/a.jpg", request.headers.get("cookie") ?? "", {
 *   publicKeys: { K2JCJMDEHXQW5F: publicKeyPem },
 * });
 * ```
 */
export async function verifyCookies(
  requestUrl: string,
  cookies: Readonly<Record<string, string>> | string,
  options: VerifyOptions,
): Promise<VerifyResult> {
  const settings = readOptions(options);
  if (typeof requestUrl !== "string") fail("INVALID_ARGUMENT", "verifyCookies takes the request URL as a string");
  return withHostWarnings(await judgeCookies(requestUrl, cookies, settings), requestUrl);
}

async function judgeCookies(
  requestUrl: string,
  cookies: Readonly<Record<string, string>> | string,
  settings: Settings,
): Promise<VerifyResult> {
  const jar = parseSigningCookies(cookies);
  const request = parseRequest(requestUrl);
  if (request === null) return invalidUrl(requestUrl, "cookies");
  if (request.signing.size > 0) {
    const note =
      " (the URL carries signing parameters, so CloudFront judges it as a signed URL and ignores the cookies)";
    return rewritten(request, "url", note) ?? check(request, request.signing, "url", settings, note);
  }
  if (jar.size === 0) {
    const s3 = s3Result(request, "cookies");
    if (s3 !== null) return s3;
    return result(
      "MISSING_KEY_PAIR_ID",
      "the request has no CloudFront-* cookies and no signing parameters in the URL",
      {
        kind: "canned",
        via: "cookies",
      },
    );
  }
  return rewritten(request, "cookies") ?? check(request, jar, "cookies", settings, "");
}

/**
 * `CLIENT_REWRITES_URL` when a client would change the request URL before sending it: CloudFront then checks
 * other bytes than these, so no verdict on these bytes would be about the request CloudFront receives.
 */
function rewritten(request: SignedUrlParts, via: "url" | "cookies", note = ""): VerifyResult | null {
  const change = clientRewrite(request.sent);
  if (change === null) return null;
  return result(
    "CLIENT_REWRITES_URL",
    `a client would not send this URL as given: it ${change.change}, so CloudFront would check other bytes ` +
      "(a canned signature or a Resource made for these bytes would not match); sign and request the URL in the " +
      "form clients send" +
      note,
    { kind: request.signing.has("Policy") ? "custom" : "canned", via },
  );
}

function invalidUrl(url: string, via: "url" | "cookies"): VerifyResult {
  const message =
    url.length > MAX_URL_BYTES
      ? `the request URL is longer than CloudFront's ${MAX_URL_BYTES}-byte limit, so it never reaches a signature check`
      : "the request URL is not an absolute http:// or https:// URL";
  return result("INVALID_URL", message, { kind: "canned", via });
}

function unsigned(request: SignedUrlParts, via: "url" | "cookies"): VerifyResult {
  const s3 = s3Result(request, via);
  if (s3 !== null) return s3;
  if (request.fragment !== undefined && hasSigningParametersInFragment(request.fragment)) {
    return result(
      "SIGNING_PARAMETERS_IN_FRAGMENT",
      "the signing parameters come after a #fragment, which clients never send; sign the URL without its fragment " +
        "and add the fragment after the signing parameters (botocore appends them after it)",
      { kind: /(?:^|[?&])Policy=/.test(request.fragment) ? "custom" : "canned", via },
    );
  }
  return result(
    "MISSING_KEY_PAIR_ID",
    "the URL carries no CloudFront signing parameters (Key-Pair-Id, Signature, ...)",
    {
      kind: "canned",
      via,
    },
  );
}

/**
 * Splits a request URL; `null` when it is not an absolute http(s) URL or is
 * longer than CloudFront accepts (which also bounds the diagnosis work below).
 */
function parseRequest(url: string): SignedUrlParts | null {
  if (url.length > MAX_URL_BYTES) return null;
  if (!/^https?:\/\/[^/?#\s]+(?:[/?#]|$)/i.test(url)) return null;
  return splitSignedUrl(url);
}
