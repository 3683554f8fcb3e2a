/**
 * Amazon S3 host names, which are not CloudFront distributions: a URL signed for
 * `bucket.s3.amazonaws.com` is never checked by CloudFront (S3 ignores
 * CloudFront's signing parameters, and a private bucket answers 403). Signing
 * such a URL is allowed (a caller may have a reason) but warned about, by the
 * signer (`onWarning`), the CLI (stderr), the verifier (`warnings`) and the
 * inspector (`S3_HOST`).
 *
 * @module
 */

/** An S3 host name found by {@link s3HostKind}. */
interface S3Host {
  /** `s3` for the REST endpoint, `s3-website` for a static website endpoint. */
  readonly kind: "s3" | "s3-website";
  /** What it means and what to use instead. */
  readonly message: string;
}

const AMAZONAWS = /\.amazonaws\.com(?:\.cn)?$/;
/** What {@link AMAZONAWS} needs of a host before its case, port and final dot are normalised. */
const AMAZONAWS_AS_WRITTEN = /\.amazonaws\.com(?:\.cn)?\.?(?::[0-9]*)?$/i;

/**
 * Whether a URL's host is an Amazon S3 endpoint (`bucket.s3.amazonaws.com`,
 * `bucket.s3.eu-west-1.amazonaws.com`, `s3-us-west-2.amazonaws.com`, website
 * endpoints `bucket.s3-website-us-east-1.amazonaws.com`, ...).
 *
 * @param url - an absolute http(s) URL
 * @returns the kind of S3 host and a message, or `null` for any other host
 * @example
 * ```ts
 * s3HostKind("https://photos.s3.amazonaws.com/a.jpg")?.kind; // "s3"
 * s3HostKind("https://d111111abcdef8.cloudfront.net/a.jpg"); // null
 * ```
 */
export function s3HostKind(url: string): S3Host | null {
  const start = url.indexOf("://");
  if (start === -1) return null;
  let end = start + 3;
  for (; end < url.length; end++) {
    const c = url.charCodeAt(end);
    if (c === 0x2f || c === 0x3f || c === 0x23) break; // / ? #
  }
  let host = url.slice(start + 3, end);
  // Most hosts are not on amazonaws.com: one test decides, before the host is normalised below.
  if (!AMAZONAWS_AS_WRITTEN.test(host)) return null;
  host = host.toLowerCase();
  const at = host.lastIndexOf("@");
  if (at !== -1) host = host.slice(at + 1);
  host = host.replace(/:[0-9]*$/, "").replace(/\.$/, "");
  if (!AMAZONAWS.test(host)) return null;
  const labels = host.split(".");
  const website = labels.some((l) => l.startsWith("s3-website"));
  if (!website && !labels.some((l) => l === "s3" || /^s3-/.test(l))) return null;
  return {
    kind: website ? "s3-website" : "s3",
    message:
      `the host is an Amazon S3 ${website ? "website " : ""}endpoint, not a CloudFront distribution: CloudFront never ` +
      "checks a URL sent there, so the signature grants nothing (a private bucket still answers 403). Sign the " +
      "object's URL on the distribution's domain instead (https://dxxxxxxxxxxxxx.cloudfront.net/... or your " +
      "alternate domain name)",
  };
}
