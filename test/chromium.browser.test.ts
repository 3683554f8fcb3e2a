/**
 * The conformance suite in headless Chromium (Debian's `chromium`; `.ci/run` installs
 * it with apt-get). The packed package is installed into a temporary project, served
 * on 127.0.0.1 by a tiny Node server, and imported by a page through an import map
 * that points "cfsign" at the package's "browser" export; signing goes through the
 * browser's WebCrypto. The page POSTs its report back. Run with `npm run test:browser`.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize, relative, sep } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  BROWSER_CONDITIONS,
  describeReport,
  entryFile,
  stagePackage,
  type ConformanceReport,
  type Stage,
} from "./runtimes/stage.js";

const CHROMIUM = process.env.CFSIGN_CHROMIUM ?? "/usr/bin/chromium";
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
};

let stage: Stage;
beforeAll(() => {
  stage = stagePackage();
}, 120_000);
afterAll(() => stage?.dispose());

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done) => {
    let body = "";
    req
      .setEncoding("utf8")
      .on("data", (d: string) => (body += d))
      .on("end", () => done(body));
  });
}

test("headless Chromium: the browser export, WebCrypto signing, the whole conformance suite", async () => {
  expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`).toBe(true);
  const version = await new Promise<string>((done) => {
    const p = spawn(CHROMIUM, ["--version"], { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.on("close", () => done(out.trim()));
  });
  const entry = relative(stage.root, entryFile(stage, BROWSER_CONDITIONS)).split(sep).join("/");
  const page = `<!doctype html>
<meta charset="utf-8">
<title>cfsign conformance</title>
<script type="importmap">${JSON.stringify({ imports: { cfsign: `/${entry}` } })}</script>
<script>
  const fatal = (what) => fetch("/report", { method: "POST", body: JSON.stringify({ fatal: String(what) }) });
  addEventListener("error", (e) => fatal(e.message || e));
  addEventListener("unhandledrejection", (e) => fatal(e.reason && e.reason.stack || e.reason));
</script>
<script type="module" src="/conformance/browser.js" onerror="fatal('could not load /conformance/browser.js')"></script>
`;
  const logs: string[] = [];
  let settle: (r: (ConformanceReport & { secureContext?: boolean }) | { fatal: string }) => void = () => {};
  const reported = new Promise<(ConformanceReport & { secureContext?: boolean }) | { fatal: string }>(
    (done) => (settle = done),
  );
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://127.0.0.1").pathname);
    if (req.method === "POST") {
      const body = await readBody(req);
      if (path === "/log") logs.push((JSON.parse(body) as { line: string }).line);
      if (path === "/report") settle(JSON.parse(body));
      res.writeHead(204).end();
      return;
    }
    if (path === "/" || path === "/index.html") {
      res.writeHead(200, { "content-type": TYPES[".html"]! }).end(page);
      return;
    }
    const file = normalize(join(stage.root, path));
    if (!file.startsWith(stage.root + sep) || !existsSync(file) || TYPES[extname(file)] === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)]!, "cache-control": "no-store" }).end(readFileSync(file));
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const port = (server.address() as { port: number }).port;
  const profile = mkdtempSync(join(tmpdir(), "cfsign-chromium-"));
  const chromium = spawn(
    CHROMIUM,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
      `--user-data-dir=${profile}`,
      `http://127.0.0.1:${port}/`,
    ],
    { stdio: ["ignore", "ignore", "pipe"], detached: true },
  );
  let chromiumErr = "";
  chromium.stderr.on("data", (d: Buffer) => (chromiumErr += d.toString()));
  const exited = new Promise<{ fatal: string }>((done) =>
    chromium.on("close", (code) =>
      done({ fatal: `chromium exited with ${code} before reporting:\n${chromiumErr.slice(-2000)}` }),
    ),
  );
  const timeout = new Promise<{ fatal: string }>((done) =>
    setTimeout(() => done({ fatal: "no report within 150 s" }), 150_000),
  );
  try {
    const result = await Promise.race([reported, exited, timeout]);
    if ("fatal" in result) throw new Error(`${result.fatal}\n${logs.join("\n")}`);
    console.log(describeReport(result, `, ${version}`));
    expect(result.failures, result.failures.map((f) => `${f.name}\n${f.message}`).join("\n\n")).toEqual([]);
    expect(result.runtime.name).toMatch(/Chrom/);
    expect(result.secureContext, "127.0.0.1 is a secure context, so crypto.subtle exists").toBe(true);
    expect(result.resolved).toMatch(/\/node_modules\/cfsign\/dist\/web\.js$/);
    expect(result.passed).toBeGreaterThanOrEqual(30);
  } finally {
    // Chromium and the helpers it started share its process group.
    if (chromium.pid !== undefined && chromium.exitCode === null) {
      try {
        process.kill(-chromium.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}, 200_000);
