/**
 * Real players behind `cfsign serve`: a short HLS stream and a DASH stream made by
 * ffmpeg at test time, served by the real command, played in headless Debian Chromium
 * (driven by playwright-core; no browser download) with hls.js and dash.js:
 *
 * (a) signed cookies, set by an app page with Set-Cookie (host-only for 127.0.0.1, so
 *     the browser sends them to the media server's port too);
 * (b) HLS playlists signed per URI (signer.signPlaylist);
 * (c) a shared policy (HLS: signPlaylist mode "shared" with an IpAddress of 127.0.0.1;
 *     DASH: `cfsign playlist --shared`).
 *
 * Each playback must reach 3 s of media with every media request answered 200 or 206.
 * Then unsigned, expired, tampered and wrong-IP entry URLs must be answered 403 with
 * the right x-cfsign-reason, and the player must report an error.
 *
 * Needs `chromium` and `ffmpeg` (Debian packages, installed by .ci/run). Bounded: every
 * wait has a deadline, and the file takes well under two minutes.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createSigner, type Signer } from "../src/index.js";
import { cfsign, requireBuild, ROOT } from "./helpers/cli.js";
import { rsaKey } from "./helpers/keys.js";
import { startServe, type Served } from "./helpers/serve.js";

const KID = "K2JCJMDEHXQW5F";
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const dir = mkdtempSync(join(tmpdir(), "cfsign-players-"));
const media = join(dir, "media");
const keyDir = join(dir, "keys");
let served: Served;
let app: Server;
let appUrl: string;
let browser: Browser;
let signer: Signer;
const expires = (): number => Math.floor(Date.now() / 1000) + 600;

/** The master playlist ffmpeg's hls muxer does not write for a single stream. */
const MASTER =
  '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-STREAM-INF:BANDWIDTH=200000,RESOLUTION=160x90,CODECS="avc1.42c00b"\nindex.m3u8\n';

function ffmpeg(args: string[]): void {
  const input = ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=160x90:rate=25", "-t", "5"];
  const video = [
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    "-profile:v",
    "baseline",
    "-pix_fmt",
    "yuv420p",
    "-g",
    "25",
    "-keyint_min",
    "25",
    "-sc_threshold",
    "0",
  ];
  execFileSync("ffmpeg", [...input, ...video, ...args], { stdio: ["ignore", "ignore", "pipe"], timeout: 60_000 });
}

beforeAll(async () => {
  requireBuild();
  // 5 s of 160x90 video, 1 s segments: HLS (MPEG-TS) and DASH (fMP4).
  mkdirSync(join(media, "plain", "hls"), { recursive: true });
  mkdirSync(join(media, "plain", "dash"), { recursive: true });
  ffmpeg([
    "-f",
    "hls",
    "-hls_time",
    "1",
    "-hls_playlist_type",
    "vod",
    "-hls_segment_filename",
    join(media, "plain", "hls", "seg%03d.ts"),
    join(media, "plain", "hls", "index.m3u8"),
  ]);
  writeFileSync(join(media, "plain", "hls", "master.m3u8"), MASTER);
  ffmpeg([
    "-f",
    "dash",
    "-seg_duration",
    "1",
    "-use_template",
    "1",
    "-use_timeline",
    "0",
    join(media, "plain", "dash", "manifest.mpd"),
  ]);
  for (const copy of ["per-uri", "shared"]) cpSync(join(media, "plain"), join(media, copy), { recursive: true });

  mkdirSync(keyDir);
  writeFileSync(join(keyDir, "public.pem"), rsaKey().publicKey.export({ type: "spki", format: "pem" }) as string);
  writeFileSync(join(keyDir, "private.pem"), rsaKey().privatePem, { mode: 0o600 });
  served = await startServe(["--root", media, "--public-key", `${KID}=${join(keyDir, "public.pem")}`, "--port", "0"]);
  signer = await createSigner({ keyPairId: KID, privateKey: rsaKey().privatePem });

  // (b) per URI: both playlists rewritten where they are served.
  for (const name of ["master.m3u8", "index.m3u8"]) {
    const file = join(media, "per-uri", "hls", name);
    const signed = await signer.signPlaylist(readFileSync(file, "utf8"), {
      baseUrl: `${served.url}/per-uri/hls/${name}`,
      expires: expires(),
      strict: true,
    });
    writeFileSync(file, signed.text);
  }
  // (c) shared: one policy for the folder, with the client's address.
  for (const name of ["master.m3u8", "index.m3u8"]) {
    const file = join(media, "shared", "hls", name);
    const signed = await signer.signPlaylist(readFileSync(file, "utf8"), {
      baseUrl: `${served.url}/shared/hls/${name}`,
      expires: expires(),
      ipAddress: "127.0.0.1",
      mode: "shared",
      keepRelative: true,
      strict: true,
    });
    writeFileSync(file, signed.text);
  }
  const mpd = join(media, "shared", "dash", "manifest.mpd");
  const cli = await cfsign([
    "playlist",
    "--input",
    mpd,
    "--output",
    `${mpd}.signed`,
    "--shared",
    "--quiet",
    "--base-url",
    `${served.url}/shared/dash/manifest.mpd`,
    "--key-pair-id",
    KID,
    "--private-key",
    join(keyDir, "private.pem"),
    "--date-less-than",
    String(expires()),
  ]);
  expect(cli.status, cli.stderr).toBe(0);
  cpSync(`${mpd}.signed`, mpd);

  // The app: the player page, the players' scripts, and a "login" that sets signed cookies.
  const scripts: Record<string, string> = {
    "/player.html": join(ROOT, "test", "fixtures", "player.html"),
    "/hls.min.js": join(ROOT, "node_modules", "hls.js", "dist", "hls.min.js"),
    "/dash.all.min.js": join(ROOT, "node_modules", "dashjs", "dist", "modern", "umd", "dash.all.min.js"),
  };
  app = createServer((req, res) => {
    const path = req.url!.split("?")[0]!;
    if (path === "/login") {
      void signer
        .signCookies({ resource: `${served.url}/plain/*`, expires: expires(), secure: false })
        .then(({ setCookie }) => {
          res.writeHead(200, { "Set-Cookie": [...setCookie], "Content-Type": "text/plain" }).end("signed in\n");
        });
      return;
    }
    const file = scripts[path];
    if (file === undefined) return void res.writeHead(404).end();
    res
      .writeHead(200, { "Content-Type": path.endsWith(".html") ? "text/html" : "text/javascript" })
      .end(readFileSync(file));
  });
  await new Promise<void>((r) => app.listen(0, "127.0.0.1", r));
  appUrl = `http://127.0.0.1:${(app.address() as { port: number }).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--autoplay-policy=no-user-gesture-required"],
    timeout: 30_000,
  });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  await new Promise<void>((r) => (app === undefined ? r() : app.close(() => r())));
  rmSync(dir, { recursive: true, force: true });
});

interface Playback {
  time: number;
  error: string | null;
  /** Every response from the media server: status, path, reason. */
  responses: { status: number; path: string; reason: string | undefined }[];
}

/** A player page in its own browser context; with `cookies`, the app's /login has set the signed cookies first. */
async function playerPage(cookies: boolean): Promise<{ page: Page; close: () => Promise<void> }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  if (cookies) await page.goto(`${appUrl}/login`, { waitUntil: "domcontentloaded", timeout: 30_000 });
  await page.goto(`${appUrl}/player.html`, { waitUntil: "domcontentloaded", timeout: 30_000 });
  return { page, close: () => context.close() };
}

/**
 * Plays `src` on a fresh page (or on `page`, replacing its player) and waits until it reaches
 * `seconds` of media or reports an error, or the deadline passes.
 */
async function play(
  kind: "hls" | "dash",
  src: string,
  options: { cookies?: boolean; seconds?: number; deadlineMs?: number; page?: Page } = {},
): Promise<Playback> {
  const own = options.page === undefined ? await playerPage(options.cookies === true) : null;
  const page = options.page ?? own!.page;
  const responses: Playback["responses"] = [];
  const listener = (r: import("playwright-core").Response): void => {
    if (!r.url().startsWith(served.url)) return;
    responses.push({ status: r.status(), path: new URL(r.url()).pathname, reason: r.headers()["x-cfsign-reason"] });
  };
  page.on("response", listener);
  try {
    await page.evaluate(
      ([k, s, c]) => (window as unknown as { start: (k: string, s: string, c: boolean) => void }).start(k, s, c),
      [kind, src, options.cookies === true] as const,
    );
    type W = { __state: Playback };
    await page
      .waitForFunction(
        (s) => (window as unknown as W).__state.time >= s || (window as unknown as W).__state.error !== null,
        options.seconds ?? 3,
        {
          timeout: options.deadlineMs ?? 30_000,
          polling: 100,
        },
      )
      .catch(() => undefined);
    const state = (await page.evaluate(() => (window as unknown as { __state: Playback }).__state)) as Playback;
    await new Promise((r) => setTimeout(r, 50)); // the last response events
    return { time: state.time, error: state.error, responses: [...responses] };
  } finally {
    page.off("response", listener);
    await own?.close();
  }
}

function expectPlayed(p: Playback): void {
  expect(p.error, JSON.stringify(p.responses.filter((r) => r.status >= 300))).toBeNull();
  expect(p.time).toBeGreaterThanOrEqual(3);
  expect(p.responses.length).toBeGreaterThanOrEqual(4);
  expect(p.responses.filter((r) => r.status !== 200 && r.status !== 206)).toEqual([]);
}

describe("playback reaches 3 s with every request answered 200/206", () => {
  test("(a) signed cookies: hls.js and dash.js, cookies set by the app's Set-Cookie", async () => {
    const [hls, dash] = await Promise.all([
      play("hls", `${served.url}/plain/hls/master.m3u8`, { cookies: true }),
      play("dash", `${served.url}/plain/dash/manifest.mpd`, { cookies: true }),
    ]);
    expectPlayed(hls);
    expectPlayed(dash);
    expect(hls.responses.map((r) => r.path)).toContain("/plain/hls/seg002.ts");
    expect(dash.responses.map((r) => r.path)).toContain("/plain/dash/init-stream0.m4s");
  }, 60_000);

  test("(b) an HLS playlist signed per URI, and (c) a shared policy for HLS (with IpAddress 127.0.0.1) and DASH", async () => {
    const hlsShared = await signer.signPolicy({
      resource: `${served.url}/shared/hls/*`,
      expires: expires(),
      ipAddress: "127.0.0.1",
    });
    const dashShared = await signer.signPolicy({ resource: `${served.url}/shared/dash/*`, expires: expires() });
    const [perUri, sharedHls, sharedDash] = await Promise.all([
      play("hls", await signer.signUrl(`${served.url}/per-uri/hls/master.m3u8`, { expires: expires() })),
      play("hls", hlsShared.apply(`${served.url}/shared/hls/master.m3u8`)),
      play("dash", dashShared.apply(`${served.url}/shared/dash/manifest.mpd`)),
    ]);
    expectPlayed(perUri);
    expectPlayed(sharedHls);
    expectPlayed(sharedDash);
    expect(sharedDash.responses.map((r) => r.path)).toContain("/shared/dash/chunk-stream0-00002.m4s");
  }, 60_000);
});

describe("refused: 403 with the reason, and the player reports an error", () => {
  test("unsigned, expired, tampered and wrong-IP entry URLs, in hls.js and dash.js", async () => {
    const past = await createSigner({
      keyPairId: KID,
      privateKey: rsaKey().privatePem,
      clock: () => Date.now() - 7_200_000,
    });
    const hour = Math.floor(Date.now() / 1000) - 3600;
    const cases: ["hls" | "dash", string, string][] = [];
    for (const [kind, path] of [
      ["hls", "/shared/hls/master.m3u8"],
      ["dash", "/shared/dash/manifest.mpd"],
    ] as const) {
      const url = `${served.url}${path}`;
      const good = await signer.signUrl(url, { expires: expires() });
      cases.push(
        [kind, url, "MISSING_KEY_PAIR_ID"],
        [kind, await past.signUrl(url, { expires: hour }), "EXPIRED"],
        [kind, good.replace(/Expires=(\d+)/, (_, e: string) => `Expires=${Number(e) + 1}`), "BAD_SIGNATURE"],
        [kind, await signer.signUrl(url, { expires: expires(), ipAddress: "192.0.2.0/24" }), "IP_NOT_ALLOWED"],
      );
    }
    const { page, close } = await playerPage(false);
    const results: Playback[] = [];
    try {
      for (const [kind, src] of cases) results.push(await play(kind, src, { deadlineMs: 15_000, page }));
    } finally {
      await close();
    }
    results.forEach((p, i) => {
      const [kind, , reason] = cases[i]!;
      expect([kind, reason, p.responses[0]?.status, p.responses[0]?.reason]).toEqual([kind, reason, 403, reason]);
      expect(p.error, `${kind} ${reason}: the player reports an error`).not.toBeNull();
      expect(p.time).toBe(0);
      expect(p.responses.filter((r) => r.status !== 403)).toEqual([]);
    });
  }, 60_000);

  test("cookies for another folder do not open this one: every request 403 and the player errors", async () => {
    const p = await play("hls", `${served.url}/per-uri/hls/index.m3u8`, { cookies: true, deadlineMs: 20_000 });
    expect(p.error).not.toBeNull();
    expect(p.responses.map((r) => [r.status, r.reason])).toEqual([[403, "RESOURCE_MISMATCH"]]);
  }, 30_000);
});
