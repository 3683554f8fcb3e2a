/**
 * The gate's examples, run for real:
 * - examples/worker-r2/worker.js in workerd (miniflare, the "workerd" export of the packed
 *   package) with a real R2 binding holding the files;
 * - examples/download-app/app.js (Node) redirecting to signed URLs served by `cfsign serve`.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createSigner } from "../src/index.js";
import { requireBuild, ROOT } from "./helpers/cli.js";
import { rsaKey } from "./helpers/keys.js";
import { startServe } from "./helpers/serve.js";
import { WORKERD_CONDITIONS, stagePackage, workerModules, type Stage } from "./runtimes/stage.js";

const KID = "K2JCJMDEHXQW5F";
const publicPem = (): string => rsaKey().publicKey.export({ type: "spki", format: "pem" }) as string;
const expires = (): number => Math.floor(Date.now() / 1000) + 600;

describe("examples/worker-r2: a Worker gating an R2 bucket, in workerd", () => {
  let stage: Stage;
  let mf: Miniflare;
  const H = "https://media.example.com";
  const VIDEO = new Uint8Array(1000).map((_, i) => i % 251);

  beforeAll(async () => {
    requireBuild();
    stage = stagePackage();
    const toml = readFileSync(join(ROOT, "examples", "worker-r2", "wrangler.toml"), "utf8");
    const date = /compatibility_date = "(\d{4}-\d{2}-\d{2})"/.exec(toml)![1]!;
    expect(date <= "2026-04-26", "a date this workerd supports").toBe(true);
    mf = new Miniflare({
      modules: workerModules(stage, join(stage.root, "examples", "worker-r2", "worker.js"), WORKERD_CONDITIONS),
      modulesRoot: stage.root,
      compatibilityDate: date,
      r2Buckets: ["MEDIA"],
      bindings: { CF_PUBLIC_KEYS: JSON.stringify({ [KID]: publicPem() }), EXPLAIN: "true" },
    });
    const bucket = (await mf.getR2Bucket("MEDIA")) as unknown as {
      put(
        key: string,
        value: Uint8Array | string,
        options: { httpMetadata: { contentType: string } },
      ): Promise<unknown>;
    };
    await bucket.put("videos/intro.mp4", VIDEO, { httpMetadata: { contentType: "video/mp4" } });
    await bucket.put("gallery/1.jpg", "JPEG", { httpMetadata: { contentType: "image/jpeg" } });
  }, 120_000);

  afterAll(async () => {
    await mf?.dispose();
    stage?.dispose();
  });

  const get = async (url: string, headers: Record<string, string> = {}, method = "GET") => {
    const r = (await mf.dispatchFetch(url, { headers, method })) as unknown as Response;
    return { status: r.status, headers: r.headers, body: new Uint8Array(await r.arrayBuffer()) };
  };

  test("a signed URL gets the object from R2 (whole, a range, HEAD)", async () => {
    const signer = await createSigner({ keyPairId: KID, privateKey: rsaKey().privatePem });
    const url = await signer.signUrl(`${H}/videos/intro.mp4`, { expires: expires() });
    const whole = await get(url);
    expect([whole.status, whole.headers.get("content-type"), whole.body.length]).toEqual([200, "video/mp4", 1000]);
    expect([...whole.body.slice(0, 3)]).toEqual([0, 1, 2]);
    const part = await get(url, { range: "bytes=10-19" });
    expect([part.status, part.headers.get("content-range"), [...part.body]]).toEqual([
      206,
      "bytes 10-19/1000",
      [10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
    ]);
    const head = await get(url, {}, "HEAD");
    expect([head.status, head.headers.get("content-length"), head.body.length]).toEqual([200, "1000", 0]);
  });

  test("signed cookies for a folder, and the client's address from cf-connecting-ip for an IpAddress policy", async () => {
    const signer = await createSigner({ keyPairId: KID, privateKey: rsaKey().privatePem });
    const { cookies } = await signer.signCookies({ resource: `${H}/gallery/*`, expires: expires() });
    const cookie = Object.entries(cookies)
      .map(([n, v]) => `${n}=${v}`)
      .join("; ");
    expect((await get(`${H}/gallery/1.jpg`, { cookie })).status).toBe(200);
    const ip = await signer.signUrl(`${H}/gallery/1.jpg`, { expires: expires(), ipAddress: "198.51.100.0/24" });
    expect((await get(ip, { "cf-connecting-ip": "198.51.100.7" })).status).toBe(200);
    const other = await get(ip, { "cf-connecting-ip": "203.0.113.1" });
    expect([other.status, other.headers.get("x-cfsign-reason")]).toEqual([403, "IP_NOT_ALLOWED"]);
  });

  test("unsigned, expired, tampered: CloudFront's 403 XML with the reason; a missing object is 404", async () => {
    const signer = await createSigner({ keyPairId: KID, privateKey: rsaKey().privatePem });
    const past = await createSigner({
      keyPairId: KID,
      privateKey: rsaKey().privatePem,
      clock: () => Date.now() - 7_200_000,
    });
    const url = await signer.signUrl(`${H}/videos/intro.mp4`, { expires: expires() });
    const cases: [string, string, string][] = [
      [`${H}/videos/intro.mp4`, "MISSING_KEY_PAIR_ID", "MissingKey"],
      [
        await past.signUrl(`${H}/videos/intro.mp4`, { expires: Math.floor(Date.now() / 1000) - 3600 }),
        "EXPIRED",
        "AccessDenied",
      ],
      [url.replace("intro", "other"), "BAD_SIGNATURE", "AccessDenied"],
    ];
    for (const [u, reason, code] of cases) {
      const r = await get(u);
      expect([r.status, r.headers.get("content-type"), r.headers.get("x-cfsign-reason")]).toEqual([
        403,
        "text/xml",
        reason,
      ]);
      expect(new TextDecoder().decode(r.body)).toContain(`<Code>${code}</Code>`);
    }
    expect((await get(await signer.signUrl(`${H}/videos/missing.mp4`, { expires: expires() }))).status).toBe(404);
  });
});

describe("examples/download-app: a download route redirecting to cfsign serve", () => {
  test("a signed-in user follows the redirect to the file; a stranger gets 403 from the app; the bare CDN URL is 403", async () => {
    requireBuild();
    const dir = mkdtempSync(join(tmpdir(), "cfsign-download-app-"));
    writeFileSync(join(dir, "public.pem"), publicPem());
    writeFileSync(join(dir, "private.pem"), rsaKey().privatePem, { mode: 0o600 });
    const cdn = await startServe([
      "--root",
      join(ROOT, "examples", "download-app", "files"),
      "--public-key",
      `${KID}=${join(dir, "public.pem")}`,
      "--port",
      "0",
    ]);
    const app = spawn(process.execPath, [join(ROOT, "examples", "download-app", "app.js")], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        CF_KEY_PAIR_ID: KID,
        CF_PRIVATE_KEY_FILE: join(dir, "private.pem"),
        CDN_URL: cdn.url,
        PORT: "0",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      let out = "";
      app.stderr.setEncoding("utf8").on("data", (d: string) => (out += d));
      const appUrl = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`app did not start: ${out}`)), 20_000);
        app.stdout.setEncoding("utf8").on("data", (d: string) => {
          const m = /listening on (http:\/\/\S+)/.exec(d);
          if (m !== null) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
      });
      const redirect = await fetch(`${appUrl}/download/reports/q3.txt`, {
        headers: { cookie: "session=alice" },
        redirect: "manual",
      });
      expect(redirect.status).toBe(302);
      const location = redirect.headers.get("location")!;
      expect(location.startsWith(`${cdn.url}/reports/q3.txt?Expires=`)).toBe(true);
      const file = await fetch(location);
      expect([file.status, await file.text()]).toEqual([200, "Q3 report: revenue up.\n"]);
      expect((await fetch(`${appUrl}/download/reports/q3.txt`, { redirect: "manual" })).status).toBe(403);
      const bare = await fetch(`${cdn.url}/reports/q3.txt`);
      expect([bare.status, bare.headers.get("x-cfsign-reason")]).toEqual([403, "MISSING_KEY_PAIR_ID"]);
      expect(cdn.stderr()).toMatch(/GET \/reports\/q3\.txt 200 OK/);
    } finally {
      app.kill("SIGTERM");
      await cdn.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
