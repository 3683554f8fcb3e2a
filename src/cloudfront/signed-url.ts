/**
 * Reading a signed URL apart, key-less: the one way the verifier
 * (`verifyUrl`, src/verify/verify.ts) and the inspector (`inspectSignedUrl`, src/verify/inspect.ts) split
 * a URL into its own query parameters and CloudFront's signing parameters,
 * rebuild the canned policy CloudFront would check, and recognise the text
 * mistakes that need no key (standard base64, an S3 presigned URL).
 *
 * What each caller then concludes stays with it: the verifier stops at the
 * first failure with one reason code, `inspect` lists every finding. Internal:
 * not part of the package's public API (src/api.ts).
 *
 * Runtime-neutral: string work only.
 *
 * @module
 */

import { decodeBase64 } from "./base64.ts";
import {
  SIGNING_PARAMETER_NAMES,
  isS3SigningParameterName,
  isSigningParameterName,
  type SigningParameterName,
} from "./params.ts";

/** One of the URL's own query parameters (not a signing parameter). */
export interface QueryParameter {
  /** The parameter as written, `name=value` (or just `name`). */
  readonly text: string;
  /** Its name: the text before the first `=`. */
  readonly name: string;
  /** Whether it stands after a signing parameter (so it was likely appended after signing). */
  readonly afterSigning: boolean;
}

/** A URL taken apart by {@link splitSignedUrl}. */
export interface SignedUrlParts {
  /** The URL as a client sends it: without the `#fragment`. */
  readonly sent: string;
  /** Everything before the first `?` of {@link sent}. */
  readonly path: string;
  /** The URL's own query parameters, in order. */
  readonly own: readonly QueryParameter[];
  /** The signing parameters by name, each with the value of every occurrence, in order (`""` for a bare name). */
  readonly signing: ReadonlyMap<SigningParameterName, readonly string[]>;
  /** The names of all query parameters, own and signing, in order. */
  readonly names: readonly string[];
  /** The `#fragment` without its `#`, or `undefined` when there is none. */
  readonly fragment: string | undefined;
}

/**
 * Splits a URL into its own query parameters and CloudFront's signing
 * parameters, as CloudFront reads them: the query is split on `&` and each
 * name taken up to the first `=`, with no decoding and exact-case names. Checks
 * nothing about the URL itself (scheme, host, length): callers do.
 *
 * @param url - the URL, with its fragment if any
 * @returns the parts; never throws
 * @example
 * ```ts
 * const parts = splitSignedUrl("https://cdn.example.com/a.jpg?v=1&Expires=1893456000&Signature=...&Key-Pair-Id=K2JCJMDEHXQW5F");
 * parts.signing.get("Expires"); // ["1893456000"]
 * unsignedUrl(parts);           // "https://cdn.example.com/a.jpg?v=1"
 * ```
 */
export function splitSignedUrl(url: string): SignedUrlParts {
  const hash = url.indexOf("#");
  const fragment = hash === -1 ? undefined : url.slice(hash + 1);
  const sent = hash === -1 ? url : url.slice(0, hash);
  const q = sent.indexOf("?");
  const path = q === -1 ? sent : sent.slice(0, q);
  const own: QueryParameter[] = [];
  const signing = new Map<SigningParameterName, string[]>();
  const names: string[] = [];
  if (q !== -1) {
    // Each piece between `&`s, as `split("&")` of the query gives them, without making the query string first.
    for (let start = q + 1; start <= sent.length;) {
      let end = sent.indexOf("&", start);
      if (end === -1) end = sent.length;
      const text = sent.slice(start, end);
      start = end + 1;
      const eq = text.indexOf("=");
      const name = eq === -1 ? text : text.slice(0, eq);
      names.push(name);
      if (isSigningParameterName(name)) {
        const value = eq === -1 ? "" : text.slice(eq + 1);
        const list = signing.get(name);
        if (list === undefined) signing.set(name, [value]);
        else list.push(value);
      } else {
        own.push({ text, name, afterSigning: signing.size > 0 });
      }
    }
  }
  return { sent, path, own, signing, names, fragment };
}

/**
 * The URL as CloudFront rebuilds it for a canned policy: the path and the
 * given own query parameters, in order, without the signing parameters.
 *
 * @param parts - the URL's parts ({@link splitSignedUrl})
 * @param own - the own parameters to keep; default all of `parts.own` (the diagnoses try subsets)
 */
export function unsignedUrl(
  parts: Pick<SignedUrlParts, "path" | "own">,
  own: readonly Pick<QueryParameter, "text">[] = parts.own,
): string {
  return own.length === 0 ? parts.path : parts.path + "?" + own.map((p) => p.text).join("&");
}

/**
 * Whether an `Expires` value is what CloudFront can read: whole epoch seconds,
 * digits only (at most 20). Millisecond values pass here; their check is the callers'.
 */
export function isExpiresText(text: string): boolean {
  return /^[0-9]{1,20}$/.test(text);
}

const STANDARD_BASE64 = /[+/=]|%2B|%2F|%3D/i;

/**
 * Whether a `Signature` or `Policy` value shows standard base64 (`+ / =`, or
 * their `%2B %2F %3D` escapes) where CloudFront expects its URL-safe variant
 * (`- ~ _`).
 */
export function usesStandardBase64(text: string): boolean {
  return STANDARD_BASE64.test(text);
}

/**
 * Whether the URL is an Amazon S3 presigned URL (an `X-Amz-Signature`,
 * `X-Amz-Credential`, ... or `AWSAccessKeyId` query parameter, any case: see
 * `isS3SigningParameterName` in ./params.ts) rather than a CloudFront signed one.
 *
 * @param parts - the URL's parts ({@link splitSignedUrl})
 * @returns true when it has an S3 presigning parameter
 */
export function isS3PresignedUrl(parts: Pick<SignedUrlParts, "names">): boolean {
  return parts.names.some(isS3SigningParameterName);
}

/**
 * Whether a `#fragment` carries CloudFront signing parameters (botocore appends
 * them after a fragment, `a.jpg#t=10?Expires=...`, where clients never send them).
 *
 * @param fragment - the fragment without its `#`
 * @returns true when a signing parameter starts the fragment or follows a `?` or `&` in it
 */
export function hasSigningParametersInFragment(fragment: string): boolean {
  const names = SIGNING_PARAMETER_NAMES.join("|");
  return new RegExp(`(?:^|[?&])(?:${names})=`).test(fragment);
}

/** What {@link decodeSigningValue} made of a `Policy` or `Signature` value. */
export type DecodedValue =
  | { readonly bytes: Uint8Array; readonly problem?: undefined }
  | {
      readonly bytes?: undefined;
      /** `STANDARD_BASE64` for `+ / =` (or their escapes), `NOT_BASE64` for anything else that is not canonical. */
      readonly problem: "STANDARD_BASE64" | "NOT_BASE64";
      /** The mistake in words, naming the value by `label`. */
      readonly message: string;
    };

/**
 * Decodes a `Policy` or `Signature` value with the one strict decoder
 * (./base64.ts): the verdict the verifier and the inspector share. Text that is
 * not canonical CloudFront-safe base64 (standard base64, a stray character,
 * non-zero bits after the last byte as in `AB__`) is refused, never repaired.
 *
 * @param text - the value as it appears in the query or cookie
 * @param label - its name for the message, e.g. `Signature` or `CloudFront-Policy`
 * @returns the bytes, or the problem
 * @example
 * ```ts
 * decodeSigningValue("AB__", "Signature").problem; // "NOT_BASE64"
 * ```
 */
export function decodeSigningValue(text: string, label: string): DecodedValue {
  const bytes = decodeBase64(text);
  if (bytes !== null) return { bytes };
  if (usesStandardBase64(text)) {
    return {
      problem: "STANDARD_BASE64",
      message:
        `${label} is standard base64 (+ / =, or their %2B %2F %3D escapes); CloudFront expects its URL-safe variant: ` +
        "replace + with -, = with _ and / with ~ (and do not percent-encode it)",
    };
  }
  return {
    problem: "NOT_BASE64",
    message: `${label} is not canonical CloudFront-safe base64 (A-Z a-z 0-9 - ~, padded with _ to a multiple of 4, no stray bits)`,
  };
}
