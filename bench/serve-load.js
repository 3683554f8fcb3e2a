// Load on `cfsign serve` over loopback, beside a plain Node static server (node:http + node:fs)
// on the same machine, as the ratio. A measurement, not a test: `npm run bench:serve`.
//
//   node bench/serve-load.js [--duration 20] [--connections 100] [--json out.json]
//
// Four runs of autocannon (bounded in time; one process each for the servers, autocannon in
// this one), one after the other, each against a 1 KiB file:
//   plain      the plain static server (stat + createReadStream per request)
//   valid      cfsign serve, a valid signed URL (RSA-2048, SHA-256, canned policy)
//   unsigned   cfsign serve, no signing data (403 MISSING_KEY_PAIR_ID: no signature check)
//   tampered   cfsign serve, a signed URL with one signature character changed (403
//              BAD_SIGNATURE: the signature check, and the verifier's diagnoses after it)
// cfsign serve runs with --quiet (no log line per request); a run with the log is printed too.
// Every run must have 0 errors (connection errors and timeouts) and only the expected status.
import { spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

const REPO = fileURLToPath(new URL("../", import.meta.url));

const PLAIN_SERVER = `
const http = require("node:http"), fs = require("node:fs"), path = require("node:path");
const root = process.argv[1];
const server = http.createServer((req, res) => {
  const file = path.join(root, decodeURIComponent(req.url.split("?")[0]));
  if (!file.startsWith(root + path.sep)) return void res.writeHead(404).end();
  fs.stat(file, (err, info) => {
    if (err || !info.isFile()) return void res.writeHead(404).end();
    res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": info.size });
    fs.createReadStream(file).pipe(res);
  });
});
server.listen(0, "127.0.0.1", () => console.log("listening on http://127.0.0.1:" + server.address().port));
process.on("SIGTERM", () => { server.close(); server.closeAllConnections(); });
`;

/** Starts a server process and resolves with its base URL (from its `listening on` line) and a stop function. */
function startServer(args) {
  const child = spawn(process.execPath, args, { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr.on("data", (d) => (err = (err + d).slice(-2000)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 20_000);
    child.once("exit", (code) => reject(new Error(`server exited with ${code}: ${err}`)));
    child.stdout.setEncoding("utf8").on("data", (d) => {
      const m = /listening on (http:\/\/\S+)/.exec(d);
      if (m === null) return;
      clearTimeout(timer);
      resolve({
        url: m[1],
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once("exit", () => done());
            child.kill("SIGTERM");
          }),
      });
    });
  });
}

function cannon(url, { duration, connections }) {
  return new Promise((resolve, reject) => {
    autocannon({ url, duration, connections, pipelining: 1, timeout: 10 }, (err, result) =>
      err ? reject(err) : resolve(result),
    );
  });
}

function summary(name, r, expectedStatus) {
  const statuses = Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([code, s]) => [code, s.count]));
  const wrong = Object.entries(statuses)
    .filter(([code]) => Number(code) !== expectedStatus)
    .reduce((n, [, c]) => n + c, 0);
  return {
    name,
    requestsPerSecond: Math.round(r.requests.average),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    requests: r.requests.total,
    errors: r.errors, // connection errors, timeouts included
    timeouts: r.timeouts,
    statuses,
    unexpectedStatus: wrong,
  };
}

/**
 * Runs the measurement. Resolves with the rows and the machine; every row must have
 * errors, timeouts and unexpectedStatus all 0.
 *
 * @param {{ duration?: number, connections?: number, withLog?: boolean, log?: (line: string) => void }} options
 */
export async function runServeLoad({ duration = 20, connections = 100, withLog = true, log = () => {} } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "cfsign-serve-load-"));
  const servers = [];
  try {
    const root = join(dir, "root");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(root, "v"), { recursive: true });
    writeFileSync(join(root, "v", "small.bin"), Buffer.alloc(1024, 7));
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    writeFileSync(join(dir, "public.pem"), publicKey.export({ type: "spki", format: "pem" }));
    const privatePem = privateKey.export({ type: "pkcs8", format: "pem" });

    const plain = await startServer(["-e", PLAIN_SERVER, root]);
    servers.push(plain);
    const serveArgs = [
      "bin/cfsign.js",
      "serve",
      "--root",
      root,
      "--public-key",
      `K2JCJMDEHXQW5F=${join(dir, "public.pem")}`,
      "--port",
      "0",
    ];
    const gate = await startServer([...serveArgs, "--quiet"]);
    servers.push(gate);

    const { createSigner } = await import("cfsign");
    const signer = await createSigner({ keyPairId: "K2JCJMDEHXQW5F", privateKey: privatePem });
    const signedFor = (base) =>
      signer.signUrl(`${base}/v/small.bin`, { expires: Math.floor(Date.now() / 1000) + 3600 });
    const valid = await signedFor(gate.url);
    const tampered = valid.replace(/&Signature=(.)/, (_, c) => `&Signature=${c === "A" ? "B" : "A"}`);

    const rows = [];
    const measure = async (name, url, status) => {
      log(`${name}: ${duration} s at ${connections} connections ...`);
      const row = summary(name, await cannon(url, { duration, connections }), status);
      log(
        `  ${row.requestsPerSecond} req/s, p99 ${row.p99Ms} ms, errors ${row.errors}, timeouts ${row.timeouts}, statuses ${JSON.stringify(row.statuses)}`,
      );
      rows.push(row);
    };
    await measure("plain", `${plain.url}/v/small.bin`, 200);
    await measure("valid", valid, 200);
    await measure("unsigned", `${gate.url}/v/small.bin`, 403);
    await measure("tampered", tampered, 403);
    if (withLog) {
      const logged = await startServer(serveArgs);
      servers.push(logged);
      await measure("valid, with the request log", await signedFor(logged.url), 200);
    }
    return {
      rows,
      duration,
      connections,
      machine: {
        node: process.version,
        cpus: cpus().length,
        cpu: cpus()[0]?.model,
        loadavg: loadavg().map((l) => Math.round(l * 10) / 10),
      },
      date: new Date().toISOString(),
    };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i === -1 ? fallback : process.argv[i + 1];
  };
  const result = await runServeLoad({
    duration: Number(arg("duration", "20")),
    connections: Number(arg("connections", "100")),
    log: (line) => console.error(line),
  });
  const plain = result.rows.find((r) => r.name === "plain");
  console.log(`cfsign serve under load: ${result.duration} s per run, ${result.connections} connections, loopback`);
  console.log(
    `Node ${result.machine.node}, ${result.machine.cpus} cores (${result.machine.cpu}), load average ${result.machine.loadavg.join(" ")} at the end`,
  );
  console.log("run                           req/s   p99 ms  ratio to plain  errors  unexpected status");
  for (const r of result.rows) {
    const ratio = (r.requestsPerSecond / plain.requestsPerSecond).toFixed(2);
    console.log(
      `${r.name.padEnd(28)} ${String(r.requestsPerSecond).padStart(6)} ${String(r.p99Ms).padStart(8)} ${ratio.padStart(15)} ${String(r.errors).padStart(7)} ${String(r.unexpectedStatus).padStart(18)}`,
    );
  }
  const json = arg("json", undefined);
  if (json !== undefined) writeFileSync(json, JSON.stringify(result, null, 2) + "\n");
  const bad = result.rows.filter((r) => r.errors + r.unexpectedStatus > 0);
  if (bad.length > 0) {
    console.error(`errors in: ${bad.map((r) => r.name).join(", ")}`);
    process.exitCode = 1;
  }
}
