/**
 * The protected-download redirect: your app checks the user, then answers with
 * a 302 to a freshly signed CloudFront URL. Runtime-neutral (a Fetch API
 * `Response`), plus a structural adapter for Node's `http.ServerResponse`.
 *
 * @module
 */
import { fail } from "./errors.ts";
import type { Signer } from "./signer.ts";
import type { SignOptions } from "./types.ts";

/** Options of {@link redirectToSigned}: the policy of the signed URL, and the redirect's status. */
export interface RedirectOptions extends SignOptions {
  /** `302` (default), `303` or `307`. */
  status?: 302 | 303 | 307 | undefined;
}

/**
 * The headers of a redirect to a signed URL.
 *
 * - `Cache-Control: no-store`: the redirect is per user and short-lived; a browser
 *   or shared cache that kept it would hand the same signed URL to the next request
 *   (another user, or after the URL expired). A 302 is not heuristically cacheable,
 *   but a site-wide default (`Cache-Control: max-age`, `Expires`) added by a framework
 *   or proxy would make it so (RFC 9111 §3, §4.2.2); `no-store` rules that out.
 * - `Referrer-Policy: no-referrer`: the Fetch standard applies a redirect response's
 *   `Referrer-Policy` to the redirected request (Fetch §4.4, "set request's referrer
 *   policy on redirect"), so the request to CloudFront carries no `Referer` with the
 *   app page's URL (which may hold ids or tokens, and which CloudFront's access logs
 *   would record).
 */
function redirectHeaders(signedUrl: string): Record<string, string> {
  return { Location: signedUrl, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" };
}

function checkLocation(signedUrl: unknown): string {
  if (typeof signedUrl !== "string" || !/^https?:\/\/[\x21-\x7e]+$/.test(signedUrl)) {
    fail("INVALID_ARGUMENT", "the redirect target must be an absolute http(s) URL of printable ASCII (a signed URL)");
  }
  return signedUrl;
}

/**
 * Signs `url` and returns a redirect to it. Call it only after your app has
 * decided that the user may download the file: the signed URL is the permission.
 *
 * @param signer - a signer from `createSigner`
 * @param url - the CloudFront URL of the file, exactly as the browser will request it
 * @param options - the policy (`expires` required; `starts`, `ipAddress`, `resource`, `encode`) and `status`
 * @returns a `Response` with status 302 (or `status`), `Location` set to the signed URL,
 *   `Cache-Control: no-store` and `Referrer-Policy: no-referrer`, and no body
 * @throws {@link CfSignError} the codes of `Signer.signUrl`, and `INVALID_ARGUMENT` for a bad `status`
 * @example
 * ```ts
 * // Deno.serve, Bun.serve, a Cloudflare Worker, or any Fetch API handler
 * async function handler(request: Request): Promise<Response> {
 *   if (!(await userMayDownload(request))) return new Response("Forbidden", { status: 403 });
 *   return redirectToSigned(signer, "https://cdn.example.com/reports/q3.pdf", {
 *     expires: Math.floor(Date.now() / 1000) + 60,
 *   });
 * }
 * ```
 */
export async function redirectToSigned(signer: Signer, url: string, options: RedirectOptions): Promise<Response> {
  if (typeof options !== "object" || options === null)
    fail("INVALID_ARGUMENT", "redirectToSigned takes an options object with expires");
  const { status = 302, ...policy } = options;
  if (status !== 302 && status !== 303 && status !== 307) fail("INVALID_ARGUMENT", "status must be 302, 303 or 307");
  const signedUrl = checkLocation(await signer.signUrl(url, policy));
  return new Response(null, { status, headers: redirectHeaders(signedUrl) });
}

/** The part of Node's `http.ServerResponse` that {@link sendRedirect} uses. */
export interface ServerResponseLike {
  writeHead(statusCode: number, headers: Record<string, string>): unknown;
  end(): unknown;
}

/**
 * Sends a redirect to an already signed URL on a Node `http.ServerResponse`
 * (or anything with its `writeHead` and `end`), with the same headers as
 * {@link redirectToSigned}.
 *
 * @param res - the response, e.g. from `http.createServer((req, res) => ...)`
 * @param signedUrl - the signed URL, from `signer.signUrl`
 * @param status - `302` (default), `303` or `307`
 * @throws {@link CfSignError} `INVALID_ARGUMENT` when `signedUrl` is not an absolute http(s) URL of printable ASCII
 *   (which also keeps CR/LF out of the header)
 * @example
 * ```ts
 * http.createServer(async (req, res) => {
 *   if (!userMayDownload(req)) return void res.writeHead(403).end();
 *   sendRedirect(res, await signer.signUrl("https://cdn.example.com/reports/q3.pdf", { expires }));
 * });
 * ```
 */
export function sendRedirect(res: ServerResponseLike, signedUrl: string, status: 302 | 303 | 307 = 302): void {
  if (status !== 302 && status !== 303 && status !== 307) fail("INVALID_ARGUMENT", "status must be 302, 303 or 307");
  res.writeHead(status, redirectHeaders(checkLocation(signedUrl)));
  res.end();
}
