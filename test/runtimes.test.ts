/**
 * The conformance suite (test/conformance/suite.js) run unmodified in Node, Deno,
 * Bun and workerd, each against the package as published: `npm pack`, installed
 * from the tarball into a temporary project, imported as `cfsign` through its
 * `exports`. Each run prints the runtime and version it really ran in (from the
 * runtime's own globals) and the file it loaded. Chromium: chromium.browser.test.ts
 * (`npm run test:browser`). Then the runtime examples, run for real.
 */
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createPublicKey } from "node:crypto";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { verifySignedUrl } from "./helpers/verify.js";
import {
  BIN,
  BROWSER_CONDITIONS,
  REPO,
  WORKERD_CONDITIONS,
  describeReport,
  freePort,
  parseReport,
  run,
  stagePackage,
  workerModules,
  type ConformanceReport,
  type Stage,
} from "./runtimes/stage.js";

const devDependencies = (
  JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { devDependencies: Record<string, string> }
).devDependencies;
const WORKERD_VERSION = (
  JSON.parse(readFileSync(join(REPO, "node_modules", "workerd", "package.json"), "utf8")) as { version: string }
).version;
/** The newest date this workerd (miniflare 4.20260426) supports. */
const COMPATIBILITY_DATE = "2026-04-26";
const VECTORS_JSON = readFileSync(join(REPO, "test", "vectors", "cloudfront.json"), "utf8");
const vectors = JSON.parse(VECTORS_JSON) as {
  keyPairId: string;
  keys: Record<"rsa2048" | "p256", { pkcs8Pem: string; spkiPem: string }>;
};

let stage: Stage;

beforeAll(() => {
  stage = stagePackage();
}, 120_000);

afterAll(() => stage?.dispose());

/** Asserts a clean run and logs the line that says where it ran. */
function expectPassed(
  report: ConformanceReport | null,
  output: { stdout?: string; stderr?: string },
  extra = "",
): ConformanceReport {
  expect(
    report,
    `no CONFORMANCE line; stderr:\n${output.stderr ?? ""}\nstdout:\n${output.stdout ?? ""}`,
  ).not.toBeNull();
  const r = report!;
  console.log(describeReport(r, extra));
  expect(r.failures, r.failures.map((f) => `${f.name}\n${f.message}`).join("\n\n")).toEqual([]);
  expect(r.passed).toBeGreaterThanOrEqual(30);
  return r;
}

function denoEnv(): NodeJS.ProcessEnv {
  return { ...process.env, DENO_NO_UPDATE_CHECK: "1", DENO_NO_PROMPT: "1", NO_COLOR: "1" };
}

describe("conformance suite, against the packed and installed package", () => {
  test("the package installed from the tarball is the one in this tree", () => {
    expect(stage.pkg.name).toBe("cfsign");
    expect(stage.files.map((f) => f.path)).toContain("build/cfsign.wasm");
  });

  test('Node: the "node" export (node:crypto by default, WebCrypto too)', async () => {
    const r = await run(process.execPath, ["conformance/node.js", "node"], { cwd: stage.root });
    const report = expectPassed(parseReport(r.stdout), r);
    expect(r.code).toBe(0);
    expect([report.runtime.name, report.runtime.version]).toEqual(["Node", process.versions.node]);
    expect(report.resolved).toMatch(/\/node_modules\/cfsign\/dist\/index\.js$/);
  });

  test("Node with the browser condition: the web export (WebCrypto, inlined WASM)", async () => {
    const r = await run(process.execPath, ["--conditions=browser", "conformance/node.js", "web"], { cwd: stage.root });
    const report = expectPassed(parseReport(r.stdout), r, " --conditions=browser");
    expect(r.code).toBe(0);
    expect(report.resolved).toMatch(/\/node_modules\/cfsign\/dist\/web\.js$/);
  });

  test(`Deno ${devDependencies.deno}: the "deno" export`, async () => {
    const r = await run(
      join(BIN, "deno"),
      ["run", `--allow-read=${stage.root}`, "--node-modules-dir=manual", "--no-lock", "conformance/deno.js"],
      { cwd: stage.root, env: denoEnv() },
    );
    const report = expectPassed(parseReport(r.stdout), r);
    expect(r.code).toBe(0);
    expect([report.runtime.name, report.runtime.version]).toEqual(["Deno", devDependencies.deno]);
    expect(report.resolved).toMatch(/\/node_modules\/cfsign\/dist\/web\.js$/);
  });

  test(`Bun ${devDependencies.bun}: the "bun" export`, async () => {
    const r = await run(join(BIN, "bun"), ["--no-install", "conformance/bun.js"], { cwd: stage.root });
    const report = expectPassed(parseReport(r.stdout), r);
    expect(r.code).toBe(0);
    expect([report.runtime.name, report.runtime.version]).toEqual(["Bun", devDependencies.bun]);
    expect(report.resolved).toMatch(/\/node_modules\/cfsign\/dist\/web\.js$/);
  });

  test(`workerd ${WORKERD_VERSION} (miniflare ${devDependencies.miniflare}): the "workerd" export, the .wasm as a CompiledWasm module`, async () => {
    const modules = workerModules(stage, join(stage.root, "conformance", "worker.js"), WORKERD_CONDITIONS);
    const names = modules.map((m) => m.path.slice(stage.root.length + 1));
    expect(names).toContain("node_modules/cfsign/dist/workerd.js");
    expect(names).toContain("node_modules/cfsign/build/cfsign.wasm");
    expect(names, "the workerd entry does not carry the inlined bytes").not.toContain(
      "node_modules/cfsign/dist/engine/wasm-bytes.generated.js",
    );
    const mf = new Miniflare({ modules, modulesRoot: stage.root, compatibilityDate: COMPATIBILITY_DATE });
    try {
      const started = performance.now();
      const response = await mf.dispatchFetch("http://localhost/", { method: "POST", body: VECTORS_JSON });
      const body = (await response.json()) as ConformanceReport & {
        wasmCalls: { compileFromBytes: number; instantiateModule: number };
      };
      const report = expectPassed(
        { ...body, resolved: join(stage.pkgDir, "dist", "workerd.js") },
        { stdout: JSON.stringify(body) },
        `, workerd ${WORKERD_VERSION}, compatibility date ${COMPATIBILITY_DATE}`,
      );
      expect(report.runtime.name).toBe("workerd");
      expect(body.wasmCalls).toEqual({ compileFromBytes: 0, instantiateModule: 1 });
      expect(body.failures).toEqual([]);
      expect(performance.now() - started).toBeLessThan(60_000);
    } finally {
      await mf.dispose();
    }
  });

  test("workerd with the default (inlined-bytes) entry: engine wasm fails with ENGINE_FAILURE naming the workerd export; engine js signs", async () => {
    // What a bundler that ignores the "workerd" condition would ship: the failure must be clear, not a 403.
    const worker = join(stage.root, "conformance", "default-entry-worker.js");
    writeFileSync(
      worker,
      `import * as lib from "cfsign";
export default {
  async fetch(request) {
    const v = await request.json();
    const options = { keyPairId: v.keyPairId, privateKey: v.keys.rsa2048.pkcs8Pem, clock: () => v.clockMs };
    const out = {};
    try { await lib.createSigner({ ...options, engine: "wasm" }); out.wasm = "created"; }
    catch (err) { out.wasm = { code: err.code, message: err.message, cause: String(err.cause && err.cause.message) }; }
    const js = await lib.createSigner({ ...options, engine: "js" });
    out.js = await js.signUrl(v.canned[0].url, { expires: v.expires });
    out.expected = v.canned[0].sha256.url;
    return Response.json(out);
  },
};
`,
    );
    const modules = workerModules(stage, worker, BROWSER_CONDITIONS);
    expect(modules.map((m) => m.path.slice(stage.root.length + 1))).toContain("node_modules/cfsign/dist/web.js");
    const mf = new Miniflare({ modules, modulesRoot: stage.root, compatibilityDate: COMPATIBILITY_DATE });
    try {
      const out = (await (
        await mf.dispatchFetch("http://localhost/", { method: "POST", body: VECTORS_JSON })
      ).json()) as {
        wasm: { code: string; message: string; cause: string } | string;
        js: string;
        expected: string;
      };
      expect(out.wasm).toMatchObject({ code: "ENGINE_FAILURE" });
      const failure = out.wasm as { message: string; cause: string };
      expect(failure.message).toMatch(/"workerd" export/);
      expect(failure.cause).toMatch(/disallowed/i);
      expect(out.js).toBe(out.expected);
    } finally {
      await mf.dispose();
    }
  });
});

// ----------------------------------------------------------------------------- the examples, run for real

describe("runtime examples (examples/redirect/), run for real", () => {
  const ORIGIN = "https://cdn.example.com";
  const PATH = "/download/reports/q3.pdf";
  const publicKey = createPublicKey(vectors.keys.rsa2048.spkiPem);

  /** Checks the example's answers: 302 to a signed URL that verifies; 403 without a user; 404 elsewhere; 400 on a bad path. */
  async function checkDownloads(
    fetchPath: (path: string, headers?: Record<string, string>) => Promise<Response>,
  ): Promise<string> {
    const ok = await fetchPath(PATH, { "X-Demo-User": "alice" });
    expect(ok.status).toBe(302);
    const location = ok.headers.get("location")!;
    expect(location.startsWith(`${ORIGIN}/reports/q3.pdf?Expires=`), location).toBe(true);
    expect(location).toContain(`&Key-Pair-Id=${vectors.keyPairId}&Hash-Algorithm=SHA256`);
    expect(verifySignedUrl(location, publicKey), "the signature verifies with node:crypto").toBe(true);
    expect(ok.headers.get("cache-control")).toBe("no-store");
    expect((await fetchPath(PATH)).status).toBe(403);
    expect((await fetchPath("/elsewhere")).status).toBe(404);
    expect((await fetchPath("/download/a%zz.pdf", { "X-Demo-User": "alice" })).status).toBe(400);
    return location;
  }

  /** Starts a server example, waits until it answers, runs `check`, and stops it (by its own pid). */
  async function withServer(
    command: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    check: (port: number) => Promise<void>,
  ): Promise<void> {
    const port = await freePort();
    const child = spawn(command, args, {
      cwd: stage.root,
      env: { ...env, PORT: String(port) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    try {
      const deadline = Date.now() + 30_000;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`${command} exited with ${child.exitCode}:\n${output}`);
        const up = await fetch(`http://127.0.0.1:${port}/`).then(
          () => true,
          () => false,
        );
        if (up) break;
        if (Date.now() > deadline) throw new Error(`${command} did not answer within 30 s:\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      await check(port);
    } finally {
      if (child.exitCode === null) {
        const exited = new Promise((done) => child.once("exit", done));
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((done) => setTimeout(done, 5_000))]);
      }
    }
  }

  function keyFile(): string {
    const file = join(stage.root, "example-key.pem");
    writeFileSync(file, vectors.keys.rsa2048.pkcs8Pem, { mode: 0o600 });
    return file;
  }

  const env = (): NodeJS.ProcessEnv => ({
    ...process.env,
    CF_KEY_PAIR_ID: vectors.keyPairId,
    CF_PRIVATE_KEY_FILE: keyFile(),
    CF_ORIGIN: ORIGIN,
  });

  test("deno.js on Deno.serve (with its deno.json)", async () => {
    const args = [
      "run",
      "--allow-env",
      `--allow-read=${stage.root}`,
      "--allow-net=127.0.0.1",
      "--config",
      "examples/redirect/deno.json",
      "--node-modules-dir=manual",
      "--no-lock",
      "examples/redirect/deno.js",
    ];
    await withServer(join(BIN, "deno"), args, { ...env(), ...denoEnv() }, async (port) => {
      const location = await checkDownloads((path, headers) =>
        fetch(`http://127.0.0.1:${port}${path}`, { headers, redirect: "manual" }),
      );
      console.log(
        `example: examples/redirect/deno.js on Deno ${devDependencies.deno} answered 302 ${location.slice(0, 60)}...`,
      );
    });
  });

  test("bun.js on Bun.serve", async () => {
    await withServer(join(BIN, "bun"), ["--no-install", "examples/redirect/bun.js"], env(), async (port) => {
      const location = await checkDownloads((path, headers) =>
        fetch(`http://127.0.0.1:${port}${path}`, { headers, redirect: "manual" }),
      );
      console.log(
        `example: examples/redirect/bun.js on Bun ${devDependencies.bun} answered 302 ${location.slice(0, 60)}...`,
      );
    });
  });

  test("worker.js as a Cloudflare Worker (workerd, the workerd export)", async () => {
    const modules = workerModules(stage, join(stage.root, "examples", "redirect", "worker.js"), WORKERD_CONDITIONS);
    expect(modules.map((m) => m.path.slice(stage.root.length + 1))).toContain("node_modules/cfsign/dist/workerd.js");
    const mf = new Miniflare({
      modules,
      modulesRoot: stage.root,
      compatibilityDate: COMPATIBILITY_DATE,
      bindings: { CF_KEY_PAIR_ID: vectors.keyPairId, CF_ORIGIN: ORIGIN, CF_PRIVATE_KEY: vectors.keys.rsa2048.pkcs8Pem },
    });
    try {
      const location = await checkDownloads(
        async (path, headers) =>
          (await mf.dispatchFetch(`http://localhost${path}`, { headers, redirect: "manual" })) as unknown as Response,
      );
      console.log(
        `example: examples/redirect/worker.js on workerd ${WORKERD_VERSION} answered 302 ${location.slice(0, 60)}...`,
      );
    } finally {
      await mf.dispose();
    }
  });
});
