// Per-runtime throughput (docs/runtimes.md, "Throughput per runtime"): the same batch, signUrls of
// 200 URLs on an RSA-2048 key and of 200 on an ECDSA P-256 key (canned policy, SHA-256; one
// measurement is REPEAT calls in a row), in Node 20, 22, 24 and 26 (the pinned releases of
// scripts/node.sh), Deno and Bun (the pinned devDependencies) and one workerd isolate (miniflare, the
// devDependency), each with the entry its `exports` condition picks: dist/index.js (node:crypto) in
// Node, dist/web.js (WebCrypto) in Deno and Bun, dist/workerd.js (WebCrypto, cfsign.wasm as a
// module) in workerd. Every runtime is started once and kept; then in each round every runtime is
// measured on each kind of batch right beside a Node 20 measurement of the same kind (one runtime at
// a time; the order of the pair and of the runtimes changes every round), so that the pair sees the
// same machine load. Reported: URLs/s as a ratio to Node 20 in the pair, the median over rounds.
// Not part of the gate (CI_SUITES): it measures the platforms' crypto more than cfsign.
//
// Node, Deno and Bun time each measurement inside the runtime (bench/runtimes/batch.js). workerd's
// clocks stand still while a request runs, so its measurements are timed from this process, one
// request each, less the median round trip of an empty request.
import { execFileSync, spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { root } from "../lib/env.js";
import { median } from "../lib/rounds.js";

const URLS = 200;
/**
 * One measurement signs the batch this many times in a row (about a third of a second on Node 20
 * here): an ECDSA batch alone takes about 10 ms, too short to time on a shared machine, and to
 * time from outside (workerd) against a request's round trip.
 */
const REPEAT = { rsa: 4, ecdsa: 25 };
const ALGS = ["rsa", "ecdsa"];
const path = (p) => fileURLToPath(new URL(p, root));
const TIMEOUT_MS = 180_000;

/** A runtime in a child process speaking bench/runtimes/batch.js's line protocol. */
function processRunner(label, command, args, env = process.env) {
  const child = spawn(command, args, { cwd: tmpdir(), env, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const ask = async (message) => {
    child.stdin.write(JSON.stringify(message) + "\n");
    let timer;
    const timeout = new Promise((_, fail) => {
      timer = setTimeout(() => fail(new Error(`${label}: no answer within ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS);
    });
    try {
      const next = await Promise.race([lines.next(), timeout]);
      if (next.done) throw new Error(`${label} exited (${child.exitCode}): ${stderr.trim()}`);
      return next.value;
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    label,
    async start(setup) {
      const line = await ask({ setup });
      if (!line.startsWith("READY ")) throw new Error(`${label}: ${line} ${stderr.trim()}`);
      return line.slice(6);
    },
    async batch(alg, expires) {
      const line = await ask({ alg, expires });
      if (!line.startsWith("BATCH ")) throw new Error(`${label}: ${line} ${stderr.trim()}`);
      return Number(line.slice(6));
    },
    async stop() {
      child.stdin.end();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((done) => child.once("exit", done));
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** One workerd isolate in miniflare; each batch is one request, timed here less an empty request's round trip. */
async function workerdRunner() {
  const { Miniflare } = await import("miniflare");
  const workerd = JSON.parse(readFileSync(path("node_modules/workerd/package.json"), "utf8")).version;
  // workerd 1.YYYYMMDD.N supports compatibility dates up to YYYY-MM-DD.
  const compatibilityDate = workerd.split(".")[1].replace(/^(\d{4})(\d\d)(\d\d)$/, "$1-$2-$3");
  const mf = new Miniflare({
    modules: [
      { type: "ESModule", path: path("bench/runtimes/worker.js") },
      { type: "ESModule", path: path("bench/runtimes/core.js") },
      { type: "ESModule", path: path("dist/workerd.js") },
      { type: "CompiledWasm", path: path("build/cfsign.wasm") },
    ],
    modulesRoot: path("."),
    compatibilityDate,
  });
  const post = async (message) => {
    const response = await mf.dispatchFetch("http://localhost/", {
      method: "POST",
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`workerd: ${response.status} ${text}`);
    return text;
  };
  const emptyTrips = [];
  const empty = async () => {
    const started = performance.now();
    await post({});
    emptyTrips.push(performance.now() - started);
  };
  return {
    label: "workerd",
    emptyTrips,
    async start(setup) {
      const line = await post({ setup });
      for (let i = 0; i < 5; i++) await empty();
      return `${line.slice(6)} ${workerd} (miniflare ${JSON.parse(readFileSync(path("node_modules/miniflare/package.json"), "utf8")).version})`;
    },
    async batch(alg, expires) {
      await empty();
      const started = performance.now();
      await post({ alg, expires });
      return Math.max(performance.now() - started - median(emptyTrips), 0.001);
    },
    stop: () => mf.dispose(),
  };
}

const nodeBinary = (major) =>
  `${execFileSync(path("scripts/node.sh"), [String(major)], { encoding: "utf8", timeout: 300_000 }).trim()}/node`;

/**
 * @param {{ ci: boolean }} options
 * @returns {Promise<Record<string, { value: number, note: string }>>}
 */
export async function runtimesSuite({ ci }) {
  const warmup = 1;
  const rounds = ci ? 5 : 11;
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
  const setup = {
    keyPairId: "K2JCJMDEHXQW5F",
    keys: { rsa: rsa.export({ type: "pkcs8", format: "pem" }), ecdsa: ec.export({ type: "pkcs8", format: "pem" }) },
    urls: URLS,
    repeat: REPEAT,
  };
  const batchJs = path("bench/runtimes/batch.js");
  const entry = (file) => new URL(`dist/${file}`, root).href;
  const runners = [];
  const versions = {};
  try {
    for (const major of [20, 22, 24, 26]) {
      runners.push(processRunner(`node${major}`, nodeBinary(major), [batchJs, entry("index.js")]));
    }
    runners.push(
      processRunner(
        "deno",
        path("node_modules/.bin/deno"),
        ["run", `--allow-read=${path(".")}`, "--no-config", "--no-lock", batchJs, entry("web.js")],
        { ...process.env, DENO_NO_UPDATE_CHECK: "1", DENO_NO_PROMPT: "1", NO_COLOR: "1" },
      ),
    );
    runners.push(processRunner("bun", path("node_modules/.bin/bun"), ["--no-install", batchJs, entry("web.js")]));
    runners.push(await workerdRunner());
    for (const r of runners) versions[r.label] = await r.start(setup);

    // Each runtime is timed right beside a Node 20 measurement of the same kind (in turn first and
    // second), so that the pair sees the same machine load; ratios[label][alg][round].
    const [baseline, ...others] = runners;
    const ratios = Object.fromEntries(others.map((r) => [r.label, { rsa: [], ecdsa: [] }]));
    const expiresBase = Math.floor(Date.now() / 1000) + 3600;
    let expires = expiresBase;
    for (let round = 0; round < warmup + rounds; round++) {
      const order = others.map((_, i) => others[(i + round) % others.length]);
      for (const runner of order) {
        for (const alg of round % 2 ? ALGS : [...ALGS].reverse()) {
          const pair = round % 2 ? [runner, baseline] : [baseline, runner];
          const t = {};
          for (const r of pair) t[r.label] = await r.batch(alg, (expires += 100));
          // URLs/s relative to Node 20 = Node 20's time / this runtime's time (the same URLs).
          if (round >= warmup) ratios[runner.label][alg].push(t[baseline.label] / t[runner.label]);
        }
      }
    }

    const out = {};
    const table = [
      ["runtime", "RSA-2048", "ECDSA P-256"],
      [versions[baseline.label], "1.00", "1.00"],
    ];
    for (const r of others) {
      const cells = [versions[r.label]];
      for (const alg of ALGS) {
        const perRound = ratios[r.label][alg];
        const value = median(perRound);
        cells.push(value.toFixed(2));
        const lo = Math.min(...perRound).toFixed(2);
        const hi = Math.max(...perRound).toFixed(2);
        out[`runtime.${alg}.${r.label}/node20`] = {
          value,
          note: `${versions[r.label]}: signUrls of ${URLS} ${alg === "rsa" ? "RSA-2048" : "ECDSA P-256"} URLs (${REPEAT[alg]} calls per measurement), URLs/s over ${versions[baseline.label]}'s measured beside it, median of ${rounds} rounds (range ${lo} to ${hi})${r.label === "workerd" ? `, timed from outside less an empty request's ${median(r.emptyTrips).toFixed(1)} ms` : ""}`,
        };
      }
      table.push(cells);
    }
    const w = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
    console.log(
      `\nruntimes: URLs/s as a ratio to Node 20, signUrls of ${URLS} URLs (${REPEAT.rsa} calls per RSA measurement, ${REPEAT.ecdsa} per ECDSA), median of ${rounds} rounds`,
    );
    for (const row of table) console.log(row.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join("  "));
    console.log("");
    return out;
  } finally {
    await Promise.allSettled(runners.map((r) => r.stop()));
  }
}
