/**
 * The gate: CloudFront's signed-URL and signed-cookie check in front of any
 * content, as a Fetch API handler. A request CloudFront would allow goes to
 * `origin` with the signing parameters removed; any other is answered as
 * CloudFront answers it (403, `text/xml`, the troubleshooting guide's codes and
 * messages), with the verifier's reason in `x-cfsign-reason`.
 *
 * Built on the verifier (./verify.ts): the gate decides nothing of its own, so
 * it allows exactly what `verifyUrl` / `verifyCookies` call valid. WebCrypto
 * and the Fetch API only: Node 20+, Deno, Bun, Cloudflare Workers, browsers.
 *
 * @module
 */
import { fail } from "../errors.ts";
import { isSigningParameterName } from "../cloudfront/params.ts";
import { splitSignedUrl, unsignedUrl } from "../cloudfront/signed-url.ts";
import type { DateInput } from "../cloudfront/time.ts";
import type { PublicKeyInput } from "../crypto/public-key.ts";
import { verifyCookies } from "../deferred.ts";
import type { TimeBoundary, VerifyOptions, VerifyResult } from "./types.ts";

/** Options of {@link createGate}. */
export interface GateOptions {
  /** The key group: trusted public keys by key pair id (SPKI PEM, public JWK, `CryptoKey` or Node `KeyObject`). */
  publicKeys: Readonly<Record<string, PublicKeyInput>>;
  /**
   * Where allowed requests go: called with a copy of the request whose URL has the signing parameters
   * (`Expires`, `Policy`, `Signature`, `Key-Pair-Id`, `Hash-Algorithm`) removed and whose `Cookie` header has the
   * `CloudFront-*` signing cookies removed. Its response is returned as it is.
   */
  origin: (request: Request) => Response | Promise<Response>;
  /**
   * The client's address as CloudFront would see it, for policies with an `IpAddress` condition (on Workers
   * `request.headers.get("cf-connecting-ip")`, on Node the socket's `remoteAddress`). Without it, or when it
   * returns `undefined` or something that is not an IP address, such policies fail closed
   * (`IP_ADDRESS_NOT_CHECKED`), as in `verifyUrl`.
   */
  clientIp?: ((request: Request) => string | undefined | Promise<string | undefined>) | undefined;
  /** The time of each request: a fixed time, or a function called per request. Default: the clock. */
  now?: DateInput | (() => DateInput) | undefined;
  /** Judgement at exactly a policy's bound; default `"exclusive"` (see `TimeBoundary`). */
  boundary?: TimeBoundary | undefined;
  /**
   * Add `x-cfsign-reason` (the verifier's reason code) to refusals. Default `true`; set `false` in production,
   * where CloudFront's own answer carries no reason.
   */
  explain?: boolean | undefined;
}

/** A gate: a Fetch API handler. */
export type Gate = (request: Request) => Promise<Response>;

/** CloudFront's error codes, as in the 403 body. */
export type GateErrorCode = "MissingKey" | "AccessDenied";

/** The header that names the verifier's reason on a refusal (unless `explain: false`). */
export const GATE_REASON_HEADER = "x-cfsign-reason";

/**
 * CloudFront's answer to a refused request, from the verifier's result
 * (CloudFront's troubleshooting guide, "Access denied" for signed URLs and cookies):
 * `MissingKey` when there is no (or an empty) key pair id (the verifier's `MISSING_KEY_PAIR_ID`, see
 * `isMissingKeyPairId`), `AccessDenied` "Unknown Key"
 * for an id outside the key group, `AccessDenied` "Access denied" for everything else.
 *
 * @param result - a refused verifier result
 * @returns the code and message of the XML body
 */
export function cloudFrontError(result: Pick<VerifyResult, "reason" | "keyPairId">): {
  code: GateErrorCode;
  message: string;
} {
  if (result.reason === "MISSING_KEY_PAIR_ID") {
    return { code: "MissingKey", message: "Missing Key-Pair-Id query parameter or cookie value" };
  }
  if (result.reason === "UNKNOWN_KEY") return { code: "AccessDenied", message: "Unknown Key" };
  return { code: "AccessDenied", message: "Access denied" };
}

/**
 * Creates a gate: a Fetch API handler that lets through what CloudFront would
 * let through and answers everything else as CloudFront does.
 *
 * A request is judged by its signed URL when its query carries any signing
 * parameter, else by its `CloudFront-*` cookies (as `verifyCookies` does).
 * Allowed: `origin` is called with the signing parameters removed from the URL
 * (and the signing cookies from `Cookie`). Refused: status 403, `Content-Type:
 * text/xml`, body `<?xml version="1.0" encoding="UTF-8"?><Error><Code>...</Code><Message>...</Message></Error>`
 (`MissingKey` "Missing Key-Pair-Id query parameter or cookie value", `AccessDenied` "Unknown Key" or
 * `AccessDenied` "Access denied"; no body for `HEAD`), `Cache-Control: no-store`, and `x-cfsign-reason`
 * unless `explain` is `false`.
 *
 * @param options - `publicKeys` and `origin` (required), `clientIp`, `now`, `boundary`, `explain`
 * @returns the handler; it rejects only when a trusted key cannot be imported (`INVALID_KEY`,
 *   `UNSUPPORTED_KEY`) or `origin` throws
 * @throws {@link CfSignError} `INVALID_ARGUMENT` for bad options (checked here, before any request)
 * @example
 * ```ts
 * import { createGate } from "cfsign";
 *
 * const gate = createGate({
 *   publicKeys: { K2JCJMDEHXQW5F: publicKeyPem },
 *   origin: (request) => fetch(new URL(new URL(request.url).pathname, "https://origin.example.com")),
 *   clientIp: (request) => request.headers.get("cf-connecting-ip") ?? undefined,
 * });
 * export default { fetch: gate };
 * ```
 */
export function createGate(options: GateOptions): Gate {
  if (typeof options !== "object" || options === null)
    fail("INVALID_ARGUMENT", "createGate takes an options object with publicKeys and origin");
  const { publicKeys, origin, clientIp, now, boundary = "exclusive", explain = true } = options;
  if (typeof publicKeys !== "object" || publicKeys === null || Array.isArray(publicKeys)) {
    fail("INVALID_ARGUMENT", "publicKeys must map key pair ids to public keys, e.g. { K2JCJMDEHXQW5F: pem }");
  }
  if (typeof origin !== "function") fail("INVALID_ARGUMENT", "origin must be a function (request) => Response");
  if (clientIp !== undefined && typeof clientIp !== "function")
    fail("INVALID_ARGUMENT", "clientIp must be a function (request) => string | undefined");
  if (boundary !== "exclusive" && boundary !== "inclusive")
    fail("INVALID_ARGUMENT", 'boundary must be "exclusive" or "inclusive"');
  if (typeof explain !== "boolean") fail("INVALID_ARGUMENT", "explain must be true or false");
  const timeOf = typeof now === "function" ? now : () => now;

  return async function gate(request: Request): Promise<Response> {
    const address = clientIp === undefined ? undefined : await clientIp(request);
    const result = await judge(request, {
      publicKeys,
      now: timeOf(),
      clientIp: typeof address === "string" && address !== "" ? address : undefined,
      boundary,
    });
    if (result.valid) return origin(forwarded(request, result.via));
    return refusal(request, result, explain);
  };
}

/**
 * The verifier's result for a request: its URL and `Cookie` header, as
 * `verifyCookies` reads them (a URL with signing parameters is judged as a
 * signed URL). A `clientIp` that is not an IP address counts as unknown, so an
 * `IpAddress` policy fails closed instead of the gate throwing.
 */
async function judge(request: Request, options: VerifyOptions): Promise<VerifyResult> {
  const cookies = request.headers.get("cookie") ?? "";
  try {
    return await verifyCookies(request.url, cookies, options);
  } catch (err) {
    if (options.clientIp !== undefined && (err as { code?: unknown } | null)?.code === "INVALID_IP_ADDRESS") {
      return verifyCookies(request.url, cookies, { ...options, clientIp: undefined });
    }
    throw err;
  }
}

/** The request for the origin: the URL without signing parameters, `Cookie` without the signing cookies. */
function forwarded(request: Request, via: "url" | "cookies"): Request {
  const url = via === "url" ? unsignedUrl(splitSignedUrl(request.url)) : request.url;
  const copy = new Request(url, request);
  const cookie = copy.headers.get("cookie");
  if (cookie !== null) {
    const kept = cookie
      .split(";")
      .map((c) => c.trim())
      .filter((c) => c !== "" && !isSigningCookie(c.slice(0, c.indexOf("=") === -1 ? c.length : c.indexOf("="))));
    if (kept.length === 0) copy.headers.delete("cookie");
    else copy.headers.set("cookie", kept.join("; "));
  }
  return copy;
}

function isSigningCookie(name: string): boolean {
  return name.startsWith("CloudFront-") && isSigningParameterName(name.slice("CloudFront-".length));
}

/** CloudFront's 403 for a refused request. */
function refusal(request: Request, result: VerifyResult, explain: boolean): Response {
  const { code, message } = cloudFrontError(result);
  const headers = new Headers({ "Content-Type": "text/xml", "Cache-Control": "no-store" });
  if (explain) headers.set(GATE_REASON_HEADER, result.reason);
  const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  return new Response(request.method === "HEAD" ? null : body, { status: 403, headers });
}
