/**
 * The protected-download redirect: redirectToSigned (Fetch API), sendRedirect
 * (Node ServerResponse), and examples/redirect/node-server.js started for real on
 * 127.0.0.1 with an ephemeral port. Every Location is checked with verifyUrl.
 */
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { createSigner, redirectToSigned, sendRedirect, verifyUrl, type Signer } from "../src/index.js";
import { rsaKey } from "./helpers/keys.js";

// The example imports "cfsign" as an application would; here that is this checkout's source.
vi.mock("cfsign", () => import("../src/index.js"));

const KID = "K2JCJMDEHXQW5F";
const CDN = "https://cdn.example.com";
const publicKeys = (): Record<string, string> => ({
  [KID]: rsaKey().publicKey.export({ type: "spki", format: "pem" }) as string,
});

let signer: Signer;
beforeAll(async () => {
  signer = await createSigner({ keyPairId: KID, privateKey: rsaKey().privatePem });
});

describe("redirectToSigned", () => {
  test("302, Location signed and verifying, no-store, no-referrer, no body", async () => {
    const expires = Math.floor(Date.now() / 1000) + 60;
    const res = await redirectToSigned(signer, `${CDN}/reports/q3.pdf`, { expires });
    expect(res.status).toBe(302);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(await res.text()).toBe("");
    const location = res.headers.get("location")!;
    expect(location.startsWith(`${CDN}/reports/q3.pdf?Expires=${expires}&Signature=`)).toBe(true);
    expect((await verifyUrl(location, { publicKeys: publicKeys() })).reason).toBe("OK");
  });

  test("303 and 307 on request; other statuses refused", async () => {
    const expires = Math.floor(Date.now() / 1000) + 60;
    expect((await redirectToSigned(signer, `${CDN}/a.pdf`, { expires, status: 303 })).status).toBe(303);
    expect((await redirectToSigned(signer, `${CDN}/a.pdf`, { expires, status: 307 })).status).toBe(307);
    await expect(redirectToSigned(signer, `${CDN}/a.pdf`, { expires, status: 301 as never })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
  });

  test("custom policies pass through; signing errors are thrown as CfSignError", async () => {
    const expires = Math.floor(Date.now() / 1000) + 60;
    const res = await redirectToSigned(signer, `${CDN}/a.pdf`, { expires, ipAddress: "192.0.2.0/24" });
    expect(
      (await verifyUrl(res.headers.get("location")!, { publicKeys: publicKeys(), clientIp: "192.0.2.1" })).reason,
    ).toBe("OK");
    await expect(redirectToSigned(signer, `${CDN}/a b.pdf`, { expires })).rejects.toMatchObject({
      code: "URL_UNSAFE_CHARACTER",
    });
    await expect(redirectToSigned(signer, `${CDN}/a.pdf`, undefined as never)).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
  });
});

describe("sendRedirect", () => {
  const fakeResponse = () => {
    const calls: unknown[][] = [];
    return {
      calls,
      res: { writeHead: (...a: unknown[]) => calls.push(["writeHead", ...a]), end: () => calls.push(["end"]) },
    };
  };

  test("writes the status and the three headers, then ends", () => {
    const { calls, res } = fakeResponse();
    sendRedirect(res, `${CDN}/a.pdf?Expires=1&Signature=x&Key-Pair-Id=${KID}`);
    expect(calls).toEqual([
      [
        "writeHead",
        302,
        {
          Location: `${CDN}/a.pdf?Expires=1&Signature=x&Key-Pair-Id=${KID}`,
          "Cache-Control": "no-store",
          "Referrer-Policy": "no-referrer",
        },
      ],
      ["end"],
    ]);
  });

  test.each(["/relative", `${CDN}/a\r\nSet-Cookie: x=1`, `${CDN}/a b`, "javascript:alert(1)", ""])(
    "refuses %j",
    (url) => {
      const { calls, res } = fakeResponse();
      expect(() => sendRedirect(res, url)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
      expect(calls).toEqual([]);
    },
  );
});

describe("examples/redirect/node-server.js, for real", () => {
  interface Example {
    createDownloadServer(options: { signer: Signer; cdnOrigin: string; ttlSeconds?: number }): Server;
  }
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const examplePath = "../examples/redirect/node-server.js";
    const { createDownloadServer } = (await import(examplePath)) as Example;
    server = createDownloadServer({ signer, cdnOrigin: CDN, ttlSeconds: 120 });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  });

  test("an authorized request gets a 302 to a signed URL that verifies", async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await fetch(`${base}/download/reports/2026/q3%20final.pdf?utm=x`, {
      redirect: "manual",
      headers: { "X-Demo-User": "alice" },
    });
    expect(res.status).toBe(302);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    const location = res.headers.get("location")!;
    expect(location.startsWith(`${CDN}/reports/2026/q3%20final.pdf?Expires=`)).toBe(true);
    const result = await verifyUrl(location, { publicKeys: publicKeys() });
    expect(result.reason).toBe("OK");
    expect(result.expiresAt!.getTime() / 1000).toBeGreaterThanOrEqual(before + 120);
    expect(result.expiresAt!.getTime() / 1000).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 120);
  });

  test("no user: 403 and no Location", async () => {
    const res = await fetch(`${base}/download/reports/q3.pdf`, { redirect: "manual" });
    expect(res.status).toBe(403);
    expect(res.headers.get("location")).toBeNull();
  });

  test("a path that cannot be signed as sent: 400 with the code; elsewhere: 404", async () => {
    // fetch sends [ and ] in a path raw (WHATWG URL); cfsign refuses to sign them unencoded.
    const bad = await fetch(`${base}/download/a[1].pdf`, { redirect: "manual", headers: { "X-Demo-User": "alice" } });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("URL_UNSAFE_CHARACTER");
    expect((await fetch(`${base}/other`, { redirect: "manual" })).status).toBe(404);
  });
});
