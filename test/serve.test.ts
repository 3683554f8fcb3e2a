/**
 * `cfsign serve`, run for real (node bin/cfsign.js serve) on 127.0.0.1: the
 * listening line, files and content types, HEAD, ranges, 304, CloudFront's 403s
 * with their reasons, signed cookies, IpAddress from the connection, no path out
 * of the root (encoded dots and slashes, backslashes, symlinks), no listings,
 * CORS, the request log, a clean stop on SIGINT and SIGTERM, --origin, and usage
 * errors. Requests that must reach the server byte for byte (no URL normalisation)
 * go through node:http with a raw path.
 */
import { createServer, request as httpRequest, type Server } from "node:http";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createSigner, type Signer } from "../src/index.js";
import { cfsign, requireBuild } from "./helpers/cli.js";
import { rsaKey } from "./helpers/keys.js";
import { customUrl } from "./helpers/sign-by-hand.js";
import { startServe, type Served } from "./helpers/serve.js";

const KID = "K2JCJMDEHXQW5F";
const dir = mkdtempSync(join(tmpdir(), "cfsign-serve-"));
const root = join(dir, "root");
const keyFile = join(dir, "public_key.pem");
let served: Served;
let signer: Signer;
const expires = (): number => Math.floor(Date.now() / 1000) + 600;

/** A raw GET/HEAD/... with the path sent exactly as given. */
function raw(
  base: string,
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: u.hostname, port: u.port, path, method: options.method ?? "GET", headers: options.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** A custom policy for everything under the server, signed by hand (node:crypto), appended to a raw path. */
function grant(path: string): string {
  const policy = JSON.stringify({
    Statement: [{ Resource: `${served.url}/*`, Condition: { DateLessThan: { "AWS:EpochTime": expires() } } }],
  });
  return customUrl(`${served.url}${path}`, policy, rsaKey().privateKey, KID, "SHA256").slice(served.url.length);
}

beforeAll(async () => {
  requireBuild();
  mkdirSync(join(root, "media", "hls"), { recursive: true });
  mkdirSync(join(dir, "outside"));
  writeFileSync(join(dir, "outside", "secret.txt"), "secret outside the root\n");
  writeFileSync(join(dir, "secret.txt"), "secret next to the root\n");
  writeFileSync(keyFile, rsaKey().publicKey.export({ type: "spki", format: "pem" }) as string);
  const files: Record<string, string> = {
    "media/hls/index.m3u8": "#EXTM3U\n",
    "media/manifest.mpd": "<MPD/>",
    "media/hls/seg0.ts": "TS",
    "media/init.m4s": "M4S",
    "media/movie.mp4": "0123456789",
    "media/photo.jpg": "JPG",
    "media/a b.txt": "space",
    "media/blob": "raw",
  };
  for (const [name, body] of Object.entries(files)) writeFileSync(join(root, name), body);
  symlinkSync(join(dir, "outside", "secret.txt"), join(root, "media", "link-out.txt"));
  symlinkSync(join(dir, "outside"), join(root, "media", "dir-out"));
  symlinkSync(join(root, "media", "photo.jpg"), join(root, "media", "link-in.jpg"));
  served = await startServe(["--root", root, "--public-key", `${KID}=${keyFile}`, "--port", "0"]);
  signer = await createSigner({ keyPairId: KID, privateKey: rsaKey().privatePem });
}, 30_000);

afterAll(async () => {
  await served?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("serving files to signed requests", () => {
  test("the first stdout line is exactly 'listening on http://127.0.0.1:PORT' with the port it picked", () => {
    expect(served.firstLine).toMatch(/^listening on http:\/\/127\.0\.0\.1:[1-9][0-9]*$/);
  });

  test("each streaming and web file type has its content type", async () => {
    const types: Record<string, string> = {
      "/media/hls/index.m3u8": "application/vnd.apple.mpegurl",
      "/media/manifest.mpd": "application/dash+xml",
      "/media/hls/seg0.ts": "video/mp2t",
      "/media/init.m4s": "video/iso.segment",
      "/media/movie.mp4": "video/mp4",
      "/media/photo.jpg": "image/jpeg",
      "/media/blob": "application/octet-stream",
    };
    for (const [path, type] of Object.entries(types)) {
      const response = await fetch(await signer.signUrl(served.url + path, { expires: expires() }));
      expect([path, response.status, response.headers.get("content-type")]).toEqual([path, 200, type]);
    }
  });

  test("a percent-encoded name is served (a%20b.txt is 'a b.txt'); a symlink inside the root is followed", async () => {
    const spaced = await fetch(await signer.signUrl(`${served.url}/media/a%20b.txt`, { expires: expires() }));
    expect([spaced.status, await spaced.text()]).toEqual([200, "space"]);
    const link = await fetch(await signer.signUrl(`${served.url}/media/link-in.jpg`, { expires: expires() }));
    expect([link.status, await link.text()]).toEqual([200, "JPG"]);
  });

  test("HEAD: the headers of GET, no body", async () => {
    const url = await signer.signUrl(`${served.url}/media/movie.mp4`, { expires: expires() });
    const r = await raw(served.url, url.slice(served.url.length), { method: "HEAD" });
    expect([r.status, r.headers["content-length"], r.headers["accept-ranges"], r.body.length]).toEqual([
      200,
      "10",
      "bytes",
      0,
    ]);
  });

  test("byte ranges: 206 with Content-Range (start-end, open end, suffix), 416 past the end, several ranges give the whole file", async () => {
    const url = await signer.signUrl(`${served.url}/media/movie.mp4`, { expires: expires() });
    const get = async (range: string): Promise<[number, string | null, string]> => {
      const r = await fetch(url, { headers: { range } });
      return [r.status, r.headers.get("content-range"), await r.text()];
    };
    expect(await get("bytes=2-5")).toEqual([206, "bytes 2-5/10", "2345"]);
    expect(await get("bytes=7-")).toEqual([206, "bytes 7-9/10", "789"]);
    expect(await get("bytes=-3")).toEqual([206, "bytes 7-9/10", "789"]);
    expect(await get("bytes=5-100")).toEqual([206, "bytes 5-9/10", "56789"]);
    expect(await get("bytes=10-")).toEqual([416, "bytes */10", ""]);
    expect(await get("bytes=0-1,4-5")).toEqual([200, null, "0123456789"]);
  });

  test("If-None-Match with the ETag: 304", async () => {
    const url = await signer.signUrl(`${served.url}/media/photo.jpg`, { expires: expires() });
    const first = await fetch(url);
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^".+"$/);
    expect((await fetch(url, { headers: { "if-none-match": etag } })).status).toBe(304);
  });

  test("signed cookies (custom policy for a folder) open every file under it", async () => {
    const { cookies } = await signer.signCookies({
      resource: `${served.url}/media/*`,
      expires: expires(),
      secure: false,
    });
    const cookie = Object.entries(cookies)
      .map(([n, v]) => `${n}=${v}`)
      .join("; ");
    for (const path of ["/media/photo.jpg", "/media/hls/seg0.ts"])
      expect((await fetch(served.url + path, { headers: { cookie } })).status).toBe(200);
  });

  test("an IpAddress policy is checked against the connection's address (127.0.0.1)", async () => {
    const mine = await signer.signUrl(`${served.url}/media/photo.jpg`, { expires: expires(), ipAddress: "127.0.0.1" });
    expect((await fetch(mine)).status).toBe(200);
    const other = await fetch(
      await signer.signUrl(`${served.url}/media/photo.jpg`, { expires: expires(), ipAddress: "192.0.2.0/24" }),
    );
    expect([other.status, other.headers.get("x-cfsign-reason")]).toEqual([403, "IP_NOT_ALLOWED"]);
  });
});

describe("refusals", () => {
  test("unsigned, expired, tampered, unknown key: 403 text/xml with CloudFront's body and the reason", async () => {
    const url = await signer.signUrl(`${served.url}/media/photo.jpg`, { expires: expires() });
    const expired = await createSigner({
      keyPairId: KID,
      privateKey: rsaKey().privatePem,
      clock: () => Date.now() - 7200_000,
    });
    const cases: [string, string, string][] = [
      [
        `${served.url}/media/photo.jpg`,
        "MISSING_KEY_PAIR_ID",
        "<Code>MissingKey</Code><Message>Missing Key-Pair-Id query parameter or cookie value</Message>",
      ],
      [
        await expired.signUrl(`${served.url}/media/photo.jpg`, { expires: Math.floor(Date.now() / 1000) - 3600 }),
        "EXPIRED",
        "<Code>AccessDenied</Code><Message>Access denied</Message>",
      ],
      [
        url.replace("photo.jpg", "movie.mp4"),
        "BAD_SIGNATURE",
        "<Code>AccessDenied</Code><Message>Access denied</Message>",
      ],
      [
        url.replace(`Key-Pair-Id=${KID}`, "Key-Pair-Id=KOTHER"),
        "UNKNOWN_KEY",
        "<Code>AccessDenied</Code><Message>Unknown Key</Message>",
      ],
    ];
    for (const [u, reason, inner] of cases) {
      const r = await fetch(u);
      expect([r.status, r.headers.get("content-type"), r.headers.get("x-cfsign-reason"), await r.text()]).toEqual([
        403,
        "text/xml",
        reason,
        `<?xml version="1.0" encoding="UTF-8"?><Error>${inner}</Error>`,
      ]);
    }
  });

  test("nothing outside the root, even with a valid grant: encoded dots and slashes, backslashes, symlinks out, directories: 404", async () => {
    const attempts = [
      "/media/..%2f..%2fsecret.txt",
      "/media/%2e%2e%2f%2e%2e%2fsecret.txt",
      "/media/..%5c..%5csecret.txt",
      "/media/%2e%2e/%2e%2e/secret.txt",
      "/%2e%2e/secret.txt",
      "/media/link-out.txt",
      "/media/dir-out/secret.txt",
      "/media/%00photo.jpg",
      "/media/",
      "/media",
      "/media/hls",
      "/",
    ];
    for (const path of attempts) {
      const r = await raw(served.url, grant(path));
      expect([path, r.status], r.body.toString()).toEqual([path, 404]);
      expect(r.body.toString()).not.toContain("secret");
      expect(r.body.toString()).not.toContain("index.m3u8");
    }
    // The grant itself works: the same kind of request for a real file is 200.
    expect((await raw(served.url, grant("/media/photo.jpg"))).status).toBe(200);
  });

  test("a signed POST passes the gate and the files answer 405 with Allow", async () => {
    const r = await raw(served.url, grant("/media/photo.jpg"), { method: "POST" });
    expect([r.status, r.headers.allow]).toEqual([405, "GET, HEAD, OPTIONS"]);
  });
});

describe("browsers, logs and stopping", () => {
  test("CORS: an Origin is echoed with credentials and the reason header exposed; a preflight is answered before the gate", async () => {
    const url = await signer.signUrl(`${served.url}/media/photo.jpg`, { expires: expires() });
    const r = await fetch(url, { headers: { origin: "http://localhost:3000" } });
    expect([r.headers.get("access-control-allow-origin"), r.headers.get("access-control-allow-credentials")]).toEqual([
      "http://localhost:3000",
      "true",
    ]);
    expect(r.headers.get("access-control-expose-headers")).toContain("x-cfsign-reason");
    const refused = await fetch(`${served.url}/media/photo.jpg`, { headers: { origin: "http://localhost:3000" } });
    expect([refused.status, refused.headers.get("access-control-allow-origin")]).toEqual([
      403,
      "http://localhost:3000",
    ]);
    const pre = await fetch(`${served.url}/media/photo.jpg`, {
      method: "OPTIONS",
      headers: {
        origin: "http://localhost:3000",
        "access-control-request-method": "GET",
        "access-control-request-headers": "range",
      },
    });
    expect([
      pre.status,
      pre.headers.get("access-control-allow-headers"),
      pre.headers.get("access-control-allow-methods"),
    ]).toEqual([204, "range", "GET, HEAD, OPTIONS"]);
  });

  test("one stderr line per request: method, path without the query, status, reason, milliseconds", async () => {
    const url = await signer.signUrl(`${served.url}/media/hls/seg0.ts?v=1`, { expires: expires() });
    const before = served.stderr().length;
    await (await fetch(url)).text();
    await (await fetch(`${served.url}/media/hls/seg0.ts?Expires=1`)).text();
    await new Promise((r) => setTimeout(r, 100));
    const lines = served.stderr().slice(before).trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^GET \/media\/hls\/seg0\.ts 200 OK \d+\.\dms$/);
    expect(lines[1]).toMatch(/^GET \/media\/hls\/seg0\.ts 403 MISSING_KEY_PAIR_ID \d+\.\dms$/);
    expect(served.stderr()).not.toContain("Signature=");
  });

  test("--cors-origin with one origin: only that origin gets CORS headers; --no-explain drops x-cfsign-reason", async () => {
    const other = await startServe([
      "--root",
      root,
      "--public-key",
      `${KID}=${keyFile}`,
      "--port",
      "0",
      "--cors-origin",
      "http://app.test:3000",
      "--no-explain",
    ]);
    try {
      const a = await fetch(`${other.url}/media/photo.jpg`, { headers: { origin: "http://app.test:3000" } });
      const b = await fetch(`${other.url}/media/photo.jpg`, { headers: { origin: "http://evil.test" } });
      expect([a.status, a.headers.get("access-control-allow-origin"), a.headers.get("x-cfsign-reason")]).toEqual([
        403,
        "http://app.test:3000",
        null,
      ]);
      expect(b.headers.get("access-control-allow-origin")).toBeNull();
      expect(other.stderr()).toContain("403 MISSING_KEY_PAIR_ID");
    } finally {
      await other.stop();
    }
  });

  test("SIGINT and SIGTERM stop it cleanly with exit status 0, even with a connection open", async () => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      const s = await startServe(["--root", root, "--public-key", `${KID}=${keyFile}`, "--port", "0"]);
      await (await fetch(`${s.url}/media/photo.jpg`)).text(); // leaves a keep-alive connection
      expect(await s.stop(signal)).toEqual({ code: 0, signal: null });
    }
  });
});

describe("--origin: forwarding to an HTTP origin", () => {
  let upstream: Server;
  let upstreamUrl: string;
  const seen: { url: string; range: string | undefined; cookie: string | undefined }[] = [];

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      seen.push({ url: req.url!, range: req.headers.range, cookie: req.headers.cookie });
      res.writeHead(req.headers.range === undefined ? 200 : 206, {
        "content-type": "video/mp4",
        "content-encoding": "gzip",
        "x-upstream": "1",
      });
      res.end(Buffer.from([0x1f, 0x8b, 1, 2, 3]));
    });
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => upstream.close(() => r())));

  test("allowed requests reach the origin without signing parameters or cookies, bytes and headers unchanged; refused ones never do", async () => {
    const s = await startServe(["--origin", `${upstreamUrl}/base`, "--public-key", `${KID}=${keyFile}`, "--port", "0"]);
    try {
      const url = await signer.signUrl(`${s.url}/v/movie.mp4?lang=en`, { expires: expires() });
      const r = await raw(s.url, url.slice(s.url.length), { headers: { range: "bytes=0-4", cookie: "app=1" } });
      expect([r.status, r.headers["x-upstream"], r.headers["content-encoding"], [...r.body]]).toEqual([
        206,
        "1",
        "gzip",
        [0x1f, 0x8b, 1, 2, 3],
      ]);
      expect(seen).toEqual([{ url: "/base/v/movie.mp4?lang=en", range: "bytes=0-4", cookie: "app=1" }]);
      expect((await fetch(`${s.url}/v/movie.mp4`)).status).toBe(403);
      expect(seen).toHaveLength(1);
    } finally {
      await s.stop();
    }
  });
});

describe("usage errors exit 2 before listening", () => {
  test("no key, --root and --origin together, neither, a bad ID=FILE, a missing key file, a root that is not a directory, a bad port", async () => {
    const cases: [string[], RegExp][] = [
      [["--root", root], /--public-key/],
      [["--root", root, "--origin", "http://127.0.0.1:1", "--public-key", `${KID}=${keyFile}`], /not both/],
      [["--public-key", `${KID}=${keyFile}`], /--root DIR or --origin URL/],
      [["--root", root, "--public-key", keyFile], /ID=FILE/],
      [["--root", root, "--public-key", `${KID}=${join(dir, "nope.pem")}`], /KEY_FILE/],
      [["--root", join(root, "media", "photo.jpg"), "--public-key", `${KID}=${keyFile}`], /directory/],
      [["--root", root, "--public-key", `${KID}=${keyFile}`, "--port", "99999"], /--port/],
      [["--root", root, "--public-key", `${KID}=${keyFile}`, "--public-key", `${KID}=${keyFile}`], /twice/],
    ];
    for (const [args, message] of cases) {
      const r = await cfsign(["serve", ...args]);
      expect([args.join(" "), r.status, r.stdout]).toEqual([args.join(" "), 2, ""]);
      expect(r.stderr).toMatch(message);
    }
  });

  test("a port in use: exit 2 with the fix", async () => {
    const port = new URL(served.url).port;
    const r = await cfsign(["serve", "--root", root, "--public-key", `${KID}=${keyFile}`, "--port", port]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/in use.*--port 0/);
  });

  test("an unusable public key: exit 2 (INVALID_KEY) before listening", async () => {
    const bad = join(dir, "bad.pem");
    writeFileSync(bad, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
    const r = await cfsign(["serve", "--root", root, "--public-key", `${KID}=${bad}`, "--port", "0"]);
    expect([r.status, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toMatch(/INVALID_KEY/);
  });
});
