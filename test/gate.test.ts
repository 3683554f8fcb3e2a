/**
 * createGate: CloudFront's answers (403, text/xml, the guide's codes and messages),
 * x-cfsign-reason, what reaches the origin, clientIp (failing closed), now, boundary,
 * HEAD, and option checks. Signed URLs here come from cfsign's signer or are written
 * by hand with node:crypto (test/helpers/sign-by-hand.ts).
 */
import { beforeAll, describe, expect, test } from "vitest";
import { CfSignError, createGate, createSigner, type GateOptions, type Signer } from "../src/index.js";
import { rsaKey } from "./helpers/keys.js";
import { cannedUrl } from "./helpers/sign-by-hand.js";

const KID = "K2JCJMDEHXQW5F";
const NOW = Date.UTC(2026, 0, 1) / 1000;
const EXPIRES = NOW + 3600;
const H = "https://media.example.com";
const XML = (code: string, message: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;

let signer: Signer;
const publicPem = (): string => rsaKey().publicKey.export({ type: "spki", format: "pem" }) as string;

beforeAll(async () => {
  signer = await createSigner({ keyPairId: KID, privateKey: rsaKey().privatePem, clock: () => NOW * 1000 });
});

/** A gate that records what reached the origin. */
function gateWith(over: Partial<GateOptions> = {}): { gate: (r: Request) => Promise<Response>; seen: Request[] } {
  const seen: Request[] = [];
  const gate = createGate({
    publicKeys: { [KID]: publicPem() },
    now: NOW,
    origin: (request) => {
      seen.push(request);
      return new Response("origin body", { status: 200, headers: { "x-origin": "yes" } });
    },
    ...over,
  });
  return { gate, seen };
}

describe("allowed requests reach the origin without the signing data", () => {
  test("a signed URL: the origin gets the URL with its own query and without Expires, Signature, Key-Pair-Id, Hash-Algorithm", async () => {
    const url = await signer.signUrl(`${H}/videos/a.mp4?v=2&lang=en`, { expires: EXPIRES });
    const { gate, seen } = gateWith();
    const response = await gate(new Request(url, { headers: { "x-user": "alice", cookie: "theme=dark" } }));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("origin body");
    expect(response.headers.get("x-origin")).toBe("yes");
    expect(seen.map((r) => r.url)).toEqual([`${H}/videos/a.mp4?v=2&lang=en`]);
    expect(seen[0]!.headers.get("x-user")).toBe("alice");
    expect(seen[0]!.headers.get("cookie")).toBe("theme=dark");
  });

  test("a custom policy URL: Policy is removed too", async () => {
    const url = await signer.signUrl(`${H}/gallery/1.jpg`, { expires: EXPIRES, resource: `${H}/gallery/*` });
    expect(url).toContain("Policy=");
    const { gate, seen } = gateWith();
    expect((await gate(new Request(url))).status).toBe(200);
    expect(seen[0]!.url).toBe(`${H}/gallery/1.jpg`);
  });

  test("signed cookies: the origin gets the URL as is and the Cookie header without the CloudFront-* signing cookies", async () => {
    const { cookies } = await signer.signCookies({ resource: `${H}/gallery/*`, expires: EXPIRES });
    const header = ["a=1", ...Object.entries(cookies).map(([n, v]) => `${n}=${v}`), "CloudFront-Other=kept"].join("; ");
    const { gate, seen } = gateWith();
    const response = await gate(new Request(`${H}/gallery/2.jpg?size=large`, { headers: { cookie: header } }));
    expect(response.status).toBe(200);
    expect(seen[0]!.url).toBe(`${H}/gallery/2.jpg?size=large`);
    expect(seen[0]!.headers.get("cookie")).toBe("a=1; CloudFront-Other=kept");
  });

  test("only signing cookies: the origin gets no Cookie header at all", async () => {
    const { cookies } = await signer.signCookies({ resource: `${H}/gallery/*`, expires: EXPIRES });
    const { gate, seen } = gateWith();
    const header = Object.entries(cookies)
      .map(([n, v]) => `${n}=${v}`)
      .join("; ");
    expect((await gate(new Request(`${H}/gallery/3.jpg`, { headers: { cookie: header } }))).status).toBe(200);
    expect(seen[0]!.headers.has("cookie")).toBe(false);
  });

  test("a POST body is forwarded", async () => {
    const url = await signer.signUrl(`${H}/upload`, { expires: EXPIRES });
    const { gate, seen } = gateWith();
    expect((await gate(new Request(url, { method: "POST", body: "payload" }))).status).toBe(200);
    expect(seen[0]!.method).toBe("POST");
    expect(await seen[0]!.text()).toBe("payload");
  });
});

describe("refusals are CloudFront's 403s", () => {
  async function refused(
    request: Request,
    over: Partial<GateOptions> = {},
  ): Promise<{ status: number; reason: string | null; body: string; type: string | null; seen: number }> {
    const { gate, seen } = gateWith(over);
    const response = await gate(request);
    return {
      status: response.status,
      reason: response.headers.get("x-cfsign-reason"),
      body: await response.text(),
      type: response.headers.get("content-type"),
      seen: seen.length,
    };
  }

  test("no signing data: MissingKey 'Missing Key-Pair-Id query parameter or cookie value'", async () => {
    expect(await refused(new Request(`${H}/a.jpg`))).toEqual({
      status: 403,
      reason: "MISSING_KEY_PAIR_ID",
      body: XML("MissingKey", "Missing Key-Pair-Id query parameter or cookie value"),
      type: "text/xml",
      seen: 0,
    });
  });

  test("an empty Key-Pair-Id is missing too (the troubleshooting guide: no or empty)", async () => {
    const url = (await signer.signUrl(`${H}/a.jpg`, { expires: EXPIRES })).replace(
      `Key-Pair-Id=${KID}`,
      "Key-Pair-Id=",
    );
    const r = await refused(new Request(url));
    expect([r.status, r.body]).toEqual([403, XML("MissingKey", "Missing Key-Pair-Id query parameter or cookie value")]);
  });

  test("an id outside the key group: AccessDenied 'Unknown Key'", async () => {
    const url = await signer.signUrl(`${H}/a.jpg`, { expires: EXPIRES });
    const r = await refused(new Request(url), { publicKeys: { KOTHERKEY: publicPem() } });
    expect([r.status, r.reason, r.body, r.seen]).toEqual([403, "UNKNOWN_KEY", XML("AccessDenied", "Unknown Key"), 0]);
  });

  test("expired, tampered, wrong resource, not yet valid: AccessDenied 'Access denied' with the reason", async () => {
    const url = await signer.signUrl(`${H}/a.jpg`, { expires: EXPIRES });
    const later = await refused(new Request(url), { now: EXPIRES + 1 });
    expect([later.status, later.reason, later.body]).toEqual([403, "EXPIRED", XML("AccessDenied", "Access denied")]);
    const tampered = await refused(new Request(url.replace("/a.jpg", "/b.jpg")));
    expect([tampered.status, tampered.reason, tampered.body]).toEqual([
      403,
      "BAD_SIGNATURE",
      XML("AccessDenied", "Access denied"),
    ]);
    const starts = await signer.signUrl(`${H}/a.jpg`, { expires: EXPIRES, starts: NOW + 60 });
    expect((await refused(new Request(starts))).reason).toBe("NOT_YET_VALID");
    const shared = await signer.signUrl(`${H}/a/1.jpg`, { expires: EXPIRES, resource: `${H}/a/*` });
    expect((await refused(new Request(shared.replace("/a/1.jpg", "/b/1.jpg")))).reason).toBe("RESOURCE_MISMATCH");
  });

  test("a request whose Expires is exactly now: refused by default (exclusive), allowed with boundary inclusive", async () => {
    const url = cannedUrl(`${H}/a.jpg`, String(EXPIRES), rsaKey().privateKey, KID, "SHA256");
    expect((await refused(new Request(url), { now: EXPIRES })).reason).toBe("EXPIRED");
    expect((await refused(new Request(url), { now: EXPIRES, boundary: "inclusive" })).status).toBe(200);
  });

  test("now may be a function, called per request", async () => {
    const url = await signer.signUrl(`${H}/a.jpg`, { expires: EXPIRES });
    let t = NOW;
    const { gate } = gateWith({ now: () => t });
    expect((await gate(new Request(url))).status).toBe(200);
    t = EXPIRES + 10;
    expect((await gate(new Request(url))).headers.get("x-cfsign-reason")).toBe("EXPIRED");
  });

  test("explain: false leaves out x-cfsign-reason; the body stays CloudFront's", async () => {
    const r = await refused(new Request(`${H}/a.jpg`), { explain: false });
    expect([r.status, r.reason, r.body]).toEqual([
      403,
      null,
      XML("MissingKey", "Missing Key-Pair-Id query parameter or cookie value"),
    ]);
  });

  test("HEAD: the same status and headers, no body", async () => {
    const { gate } = gateWith();
    const response = await gate(new Request(`${H}/a.jpg`, { method: "HEAD" }));
    expect([response.status, response.headers.get("x-cfsign-reason"), response.body]).toEqual([
      403,
      "MISSING_KEY_PAIR_ID",
      null,
    ]);
  });

  test("a URL with signing parameters is judged as a signed URL even with valid cookies beside it", async () => {
    const { cookies } = await signer.signCookies({ resource: `${H}/*`, expires: EXPIRES });
    const header = Object.entries(cookies)
      .map(([n, v]) => `${n}=${v}`)
      .join("; ");
    const r = await refused(new Request(`${H}/a.jpg?Expires=${EXPIRES}`, { headers: { cookie: header } }));
    expect([r.status, r.reason]).toEqual([403, "MISSING_KEY_PAIR_ID"]);
  });
});

describe("clientIp and IpAddress policies", () => {
  const ipUrl = (): Promise<string> => signer.signUrl(`${H}/a.jpg`, { expires: EXPIRES, ipAddress: "192.0.2.0/24" });
  const status = async (url: string, clientIp?: GateOptions["clientIp"]): Promise<[number, string | null]> => {
    const { gate } = gateWith({ clientIp });
    const response = await gate(new Request(url));
    return [response.status, response.headers.get("x-cfsign-reason")];
  };

  test("inside the range: allowed; outside: IP_NOT_ALLOWED; IPv6: IP_NOT_ALLOWED", async () => {
    const url = await ipUrl();
    expect(await status(url, () => "192.0.2.9")).toEqual([200, null]);
    expect(await status(url, () => "::ffff:192.0.2.9")).toEqual([200, null]);
    expect(await status(url, () => "198.51.100.1")).toEqual([403, "IP_NOT_ALLOWED"]);
    expect(await status(url, () => "2001:db8::1")).toEqual([403, "IP_NOT_ALLOWED"]);
  });

  test("fails closed: no clientIp option, undefined, empty or not an address: IP_ADDRESS_NOT_CHECKED", async () => {
    const url = await ipUrl();
    expect(await status(url)).toEqual([403, "IP_ADDRESS_NOT_CHECKED"]);
    expect(await status(url, () => undefined)).toEqual([403, "IP_ADDRESS_NOT_CHECKED"]);
    expect(await status(url, () => "")).toEqual([403, "IP_ADDRESS_NOT_CHECKED"]);
    expect(await status(url, () => "not-an-ip")).toEqual([403, "IP_ADDRESS_NOT_CHECKED"]);
    expect(await status(url, async () => "unknown, 192.0.2.9")).toEqual([403, "IP_ADDRESS_NOT_CHECKED"]);
  });

  test("a policy without IpAddress does not need clientIp, and a bad clientIp does not break it", async () => {
    const url = await signer.signUrl(`${H}/a.jpg`, { expires: EXPIRES });
    expect(await status(url)).toEqual([200, null]);
    expect(await status(url, () => "not-an-ip")).toEqual([200, null]);
  });
});

describe("options", () => {
  test("bad options are INVALID_ARGUMENT when the gate is created", () => {
    const origin = (): Response => new Response("x");
    const publicKeys = { [KID]: publicPem() };
    const bad: unknown[] = [
      undefined,
      {},
      { publicKeys },
      { publicKeys: null, origin },
      { publicKeys, origin: "https://origin.example.com" },
      { publicKeys, origin, clientIp: "192.0.2.1" },
      { publicKeys, origin, boundary: "sometimes" },
      { publicKeys, origin, explain: "no" },
    ];
    for (const options of bad) {
      let error: unknown;
      try {
        createGate(options as GateOptions);
      } catch (err) {
        error = err;
      }
      expect(error, JSON.stringify(options)).toBeInstanceOf(CfSignError);
      expect((error as CfSignError).code).toBe("INVALID_ARGUMENT");
    }
  });

  test("an unusable public key rejects the request that names it (INVALID_KEY), without a 403 that would hide it", async () => {
    const url = await signer.signUrl(`${H}/a.jpg`, { expires: EXPIRES });
    const { gate } = gateWith({
      publicKeys: { [KID]: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n" },
    });
    await expect(gate(new Request(url))).rejects.toMatchObject({ code: "INVALID_KEY" });
  });
});
