/**
 * The Workers entry with the current Cloudflare tooling, which needs Node >= 22.12 (wrangler
 * refuses Node 20), so it is not a devDependency of the project (whose miniflare 4.20260426.0
 * still runs on Node 20, test/runtimes.test.ts): test/workers-tooling/ has its own package.json
 * and lockfile, and every tool here runs in a child process on the pinned Node 24
 * (scripts/node.sh), whatever Node runs vitest. Against the packed and installed package, with
 * examples/redirect/ as shipped (worker.js and its wrangler.toml):
 * - `wrangler deploy --dry-run --outdir` bundles it with the "workerd" export and cfsign.wasm as
 *   its own module (no inlined bytes, no `node:` import);
 * - `wrangler dev` (local, no login, no metrics) serves it, and the signed URL in its redirect
 *   verifies with node:crypto;
 * - the current miniflare runs the conformance suite (test/conformance/) as the pinned one does.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createPublicKey } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { verifySignedUrl } from "./helpers/verify.js";
import {
  REPO,
  WORKERD_CONDITIONS,
  describeReport,
  freePort,
  run,
  stagePackage,
  workerModules,
  type ConformanceReport,
  type Stage,
} from "./runtimes/stage.js";
import { toolPackage } from "./runtimes/tools.js";

const VECTORS_JSON = readFileSync(join(REPO, "test", "vectors", "cloudfront.json"), "utf8");
const vectors = JSON.parse(VECTORS_JSON) as {
  keyPairId: string;
  keys: Record<"rsa2048" | "p256", { pkcs8Pem: string; spkiPem: string }>;
};
const PINNED = (
  JSON.parse(readFileSync(join(REPO, "test", "workers-tooling", "package.json"), "utf8")) as {
    devDependencies: Record<"wrangler" | "miniflare", string>;
  }
).devDependencies;

let stage: Stage;
let tools: string;
let nodeBin: string;

beforeAll(() => {
  nodeBin = execFileSync(join(REPO, "scripts", "node.sh"), ["24"], { encoding: "utf8", timeout: 300_000 }).trim();
  tools = toolPackage("workers-tooling", { ...process.env, PATH: `${nodeBin}:${process.env.PATH ?? ""}` });
  stage = stagePackage();
}, 600_000);
afterAll(() => stage?.dispose());

const node = (): string => join(nodeBin, "node");
const installedVersion = (dir: string): string =>
  (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version;
/** workerd 1.YYYYMMDD.N supports compatibility dates up to YYYY-MM-DD. */
const newestDate = (workerdVersion: string): string =>
  workerdVersion.split(".")[1]!.replace(/^(\d{4})(\d\d)(\d\d)$/, "$1-$2-$3");

/** wrangler's environment: Node 24 first, no metrics, no update check, no account, logs kept in the stage. */
function wranglerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("CLOUDFLARE_")) env[k] = v;
  return {
    ...env,
    PATH: `${nodeBin}:${process.env.PATH ?? ""}`,
    WRANGLER_SEND_METRICS: "false",
    XDG_CONFIG_HOME: join(stage.root, ".config"),
    NO_COLOR: "1",
    CI: "1",
  };
}
const wrangler = (): string => join(tools, "node_modules", "wrangler", "bin", "wrangler.js");

describe(`wrangler ${PINNED.wrangler} on Node 24`, () => {
  test("wrangler deploy --dry-run bundles examples/redirect/ with the workerd export and cfsign.wasm as its own module", async () => {
    const outdir = mkdtempSync(join(stage.root, "dry-run-"));
    const r = await run(
      node(),
      [wrangler(), "deploy", "--dry-run", "--outdir", outdir, "-c", "examples/redirect/wrangler.toml"],
      { cwd: stage.root, env: wranglerEnv(), timeoutMs: 120_000 },
    );
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain(`wrangler ${PINNED.wrangler}`);
    expect(r.stdout).toContain("--dry-run: exiting now.");

    const files = readdirSync(outdir);
    const wasm = files.filter((f) => f.endsWith(".wasm"));
    expect(wasm, files.join(", ")).toHaveLength(1);
    expect(
      Buffer.compare(readFileSync(join(outdir, wasm[0]!)), readFileSync(join(stage.pkgDir, "build", "cfsign.wasm"))),
      "the uploaded module is the package's build/cfsign.wasm, byte for byte",
    ).toBe(0);
    const bundle = readFileSync(join(outdir, "worker.js"), "utf8");
    expect(bundle).toContain(`from "./${wasm[0]!}"`);
    expect(bundle, "the web entry's inlined WebAssembly (base64 of \\0asm) is not in the bundle").not.toContain(
      "AGFzbQ",
    );
    expect(bundle).not.toMatch(/\bfrom\s*["']node:/);
    expect(bundle).toContain("redirectToSigned");
    console.log(
      `wrangler ${PINNED.wrangler} --dry-run: worker.js ${bundle.length} bytes + ${wasm[0]} (${readFileSync(join(outdir, wasm[0]!)).length} bytes)`,
    );
  }, 180_000);

  test("wrangler dev serves examples/redirect/ locally and its redirect carries a signed URL that node:crypto verifies", async () => {
    // The key as wrangler dev takes a secret: .dev.vars beside wrangler.toml (dotenv, quoted with \n).
    writeFileSync(
      join(stage.root, "examples", "redirect", ".dev.vars"),
      `CF_PRIVATE_KEY=${JSON.stringify(vectors.keys.rsa2048.pkcs8Pem)}\n`,
      { mode: 0o600 },
    );
    const port = await freePort();
    const inspectorPort = await freePort();
    const args = [
      wrangler(),
      "dev",
      "-c",
      "examples/redirect/wrangler.toml",
      "--local",
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      String(inspectorPort),
      "--show-interactive-dev-session=false",
    ];
    // Its own process group, so that teardown stops wrangler and the workerd processes it starts.
    const child = spawn(node(), args, {
      cwd: stage.root,
      env: wranglerEnv(),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let output = "";
    child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    try {
      const base = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 90_000;
      while (!output.includes(`Ready on ${base}`)) {
        if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}:\n${output}`);
        if (Date.now() > deadline) throw new Error(`wrangler dev was not ready within 90 s:\n${output}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(output).toContain("Using secrets defined in examples/redirect/.dev.vars");

      const ok = await fetch(`${base}/download/reports/q3.pdf`, {
        headers: { "X-Demo-User": "alice" },
        redirect: "manual",
        signal: AbortSignal.timeout(30_000),
      });
      expect(ok.status, output).toBe(302);
      const location = ok.headers.get("location")!;
      expect(location.startsWith("https://cdn.example.com/reports/q3.pdf?Expires="), location).toBe(true);
      expect(location).toContain(`&Key-Pair-Id=${vectors.keyPairId}&Hash-Algorithm=SHA256`);
      expect(
        verifySignedUrl(location, createPublicKey(vectors.keys.rsa2048.spkiPem)),
        "the signature verifies with node:crypto",
      ).toBe(true);
      expect(
        verifySignedUrl(location, createPublicKey(vectors.keys.p256.spkiPem)),
        "and not with another key (the check can fail)",
      ).toBe(false);
      const expires = Number(new URL(location).searchParams.get("Expires"));
      expect(Math.abs(expires - (Math.floor(Date.now() / 1000) + 60))).toBeLessThan(30);
      expect(ok.headers.get("cache-control")).toBe("no-store");
      const forbidden = await fetch(`${base}/download/reports/q3.pdf`, { signal: AbortSignal.timeout(30_000) });
      expect(forbidden.status).toBe(403);
      console.log(`wrangler ${PINNED.wrangler} dev answered 302 ${location.slice(0, 60)}...`);
    } finally {
      await stopGroup(child);
    }
  }, 180_000);
});

/** SIGTERM to the process group, then SIGKILL if it has not exited within 10 s. */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((done) => child.once("exit", done));
  const signal = (s: NodeJS.Signals): void => {
    try {
      process.kill(-child.pid!, s);
    } catch {
      // the group is gone
    }
  };
  signal("SIGTERM");
  const stopped = await Promise.race([exited.then(() => true), new Promise((done) => setTimeout(done, 10_000, false))]);
  if (!stopped) signal("SIGKILL");
  // workerd may outlive wrangler by a moment; the group is killed either way.
  signal("SIGKILL");
}

describe(`miniflare ${PINNED.miniflare} on Node 24`, () => {
  test('the conformance suite passes on the "workerd" export, the .wasm as a CompiledWasm module', async () => {
    const workerdVersion = installedVersion(join(tools, "node_modules", "workerd"));
    const compatibilityDate = newestDate(workerdVersion);
    const modules = workerModules(stage, join(stage.root, "conformance", "worker.js"), WORKERD_CONDITIONS);
    const names = modules.map((m) => m.path.slice(stage.root.length + 1));
    expect(names).toContain("node_modules/cfsign/dist/workerd.js");
    expect(names).toContain("node_modules/cfsign/build/cfsign.wasm");
    const spec = join(stage.root, "miniflare-spec.json");
    writeFileSync(
      spec,
      JSON.stringify({
        // The .wasm (binary) is read from its path by miniflare; the JavaScript modules go as text.
        modules: modules.map((m) => (m.type === "CompiledWasm" ? { type: m.type, path: m.path } : m)),
        modulesRoot: stage.root,
        compatibilityDate,
        request: { url: "http://localhost/", method: "POST", body: VECTORS_JSON },
      }),
    );
    const r = await run(node(), [join(tools, "miniflare-run.mjs"), spec], { cwd: stage.root, timeoutMs: 180_000 });
    const line = r.stdout.split("\n").find((l) => l.startsWith("MINIFLARE "));
    expect(line, `exit ${r.code}\n${r.stdout}\n${r.stderr}`).toBeDefined();
    const out = JSON.parse(line!.slice("MINIFLARE ".length)) as {
      miniflare: string;
      workerd: string;
      status: number;
      body: string;
    };
    expect(r.code, r.stderr).toBe(0);
    expect([out.miniflare, out.workerd]).toEqual([PINNED.miniflare, workerdVersion]);
    expect(out.status, out.body).toBe(200);
    const report = JSON.parse(out.body) as ConformanceReport & {
      wasmCalls: { compileFromBytes: number; instantiateModule: number };
    };
    console.log(
      describeReport(
        { ...report, resolved: join(stage.pkgDir, "dist", "workerd.js") },
        `, miniflare ${out.miniflare}, workerd ${out.workerd}, compatibility date ${compatibilityDate}`,
      ),
    );
    expect(report.failures, report.failures.map((f) => `${f.name}\n${f.message}`).join("\n\n")).toEqual([]);
    expect(report.passed).toBeGreaterThanOrEqual(30);
    expect(report.runtime.name).toBe("workerd");
    expect(report.entry).toBe("workerd");
    expect(report.wasmCalls).toEqual({ compileFromBytes: 0, instantiateModule: 1 });
  }, 240_000);
});
