/**
 * The gate agrees with the verifier on every case of the verifier's own tests.
 *
 * This file re-runs the verifier's bad-input, property and independent-signer test
 * files (verify.test.ts, verify-properties.test.ts, verify-independent.test.ts) with
 * `verifyUrl` and `verifyCookies` replaced by wrappers that answer exactly as before
 * (so every original assertion still runs) and, for each call, also send the same
 * request through a gate built with the same options and compare:
 *
 * - allowed by the gate (origin called) exactly when the verifier says `valid`;
 * - refused: status 403, `x-cfsign-reason` equal to the verifier's reason, the XML
 *   code and message CloudFront's guide gives for it;
 * - allowed: the origin got the URL without any signing parameter.
 *
 * A Fetch `Request` carries the URL as a client sends it (WHATWG-parsed: fragment
 * dropped, host lower-cased, spaces encoded), so the reference is the verifier on
 * `request.url`; the counts below say how many cases that changed, and how many
 * could not be a request at all (a relative URL, a cookie value no header can carry).
 * `ignoreIpAddress` has no gate equivalent (the gate fails closed): those calls are
 * compared with the verifier without it.
 */
import { afterAll, expect, test, vi } from "vitest";
import type { VerifyOptions, VerifyResult } from "../src/index.js";

const counts = { compared: 0, allowed: 0, refused: 0, urlRewrittenByRequest: 0, notARequest: 0, threw: 0 };

vi.mock("../src/index.js", async (importOriginal) => {
  const lib = await importOriginal<typeof import("../src/index.js")>();
  const { createGate, verifyCookies, verifyUrl } = lib;

  async function compare(url: string, cookieHeader: string, options: VerifyOptions): Promise<void> {
    let request: Request;
    try {
      request = new Request(url, cookieHeader === "" ? {} : { headers: { cookie: cookieHeader } });
    } catch {
      counts.notARequest++;
      return;
    }
    if (request.url !== url.split("#")[0]) counts.urlRewrittenByRequest++;
    const { ignoreIpAddress: _ignored, ...rest } = options;
    const reference: VerifyResult = await verifyCookies(request.url, cookieHeader, rest);
    let forwarded: string | null = null;
    const gate = createGate({
      publicKeys: options.publicKeys,
      now: options.now,
      boundary: options.boundary,
      clientIp: () => options.clientIp,
      origin: (r) => {
        forwarded = r.url;
        return new Response("from origin");
      },
    });
    const response = await gate(request);
    counts.compared++;
    if (reference.valid) {
      counts.allowed++;
      expect(
        response.status,
        `gate refused what the verifier allows (${response.headers.get("x-cfsign-reason")})`,
      ).toBe(200);
      expect(forwarded).not.toBeNull();
      expect(
        new URL(forwarded!).searchParams.has("Signature") ||
          /[?&](Expires|Policy|Signature|Key-Pair-Id|Hash-Algorithm)=/.test(forwarded!),
      ).toBe(false);
    } else {
      counts.refused++;
      expect(forwarded, `gate let through what the verifier refuses (${reference.reason})`).toBeNull();
      expect(response.status).toBe(403);
      expect(response.headers.get("x-cfsign-reason")).toBe(reference.reason);
      expect(response.headers.get("content-type")).toBe("text/xml");
      const body = await response.text();
      const expected =
        reference.reason === "MISSING_KEY_PAIR_ID"
          ? "<Code>MissingKey</Code><Message>Missing Key-Pair-Id query parameter or cookie value</Message>"
          : reference.reason === "UNKNOWN_KEY"
            ? "<Code>AccessDenied</Code><Message>Unknown Key</Message>"
            : "<Code>AccessDenied</Code><Message>Access denied</Message>";
      expect(body).toBe(`<?xml version="1.0" encoding="UTF-8"?><Error>${expected}</Error>`);
    }
  }

  const cookieHeaderOf = (cookies: unknown): string | null => {
    if (typeof cookies === "string") return cookies;
    if (typeof cookies !== "object" || cookies === null) return null;
    const entries = Object.entries(cookies as Record<string, unknown>);
    if (entries.some(([n, v]) => typeof v !== "string" || /[;=\s]/.test(n) || /[;\s]/.test(v as string))) return null;
    return entries.map(([n, v]) => `${n}=${v as string}`).join("; ");
  };

  return {
    ...lib,
    verifyUrl: async (url: string, options: VerifyOptions) => {
      let result: VerifyResult;
      try {
        result = await verifyUrl(url, options);
      } catch (err) {
        counts.threw++;
        throw err;
      }
      await compare(url, "", options);
      return result;
    },
    verifyCookies: async (url: string, cookies: Record<string, string> | string, options: VerifyOptions) => {
      let result: VerifyResult;
      try {
        result = await verifyCookies(url, cookies, options);
      } catch (err) {
        counts.threw++;
        throw err;
      }
      const header = cookieHeaderOf(cookies);
      if (header === null) counts.notARequest++;
      else await compare(url, header, options);
      return result;
    },
  };
});

await import("./verify.test.js");
await import("./verify-properties.test.js");
await import("./verify-independent.test.js");

afterAll(() => {
  console.log(`gate agreement: ${JSON.stringify(counts)}`);
});

test("the gate was compared with the verifier on hundreds of cases, allowed and refused", () => {
  // Runs after the imported files' tests (registration order).
  expect(counts.allowed).toBeGreaterThan(100);
  expect(counts.refused).toBeGreaterThan(100);
});
