#!/usr/bin/env node
// Soak test: signs many URLs through signer.signStream with an ECDSA P-256 key and
// shows that the heap stays flat after warm-up; then creates and discards many
// signers and shows that they leave nothing behind. Not part of the vitest run.
//
//   npm run build && node --expose-gc test/soak/soak.js          # bounded (CI): 200,000 URLs, 2,000 signers
//   CFSIGN_SOAK_URLS=1000000 node --expose-gc test/soak/soak.js  # the full run
//
// Environment: CFSIGN_SOAK_URLS (default 200000), CFSIGN_SOAK_SIGNERS (default 2000),
// CFSIGN_SOAK_LIMIT_MIB (allowed growth, default 10). Prints its measurements; exits 1
// when a check fails, 2 when it cannot run.
import { generateKeyPairSync, verify } from "node:crypto";
import { existsSync } from "node:fs";
import { cpus, totalmem } from "node:os";

const MiB = 1024 * 1024;
const TOTAL = Number(process.env.CFSIGN_SOAK_URLS ?? 200_000);
const SIGNERS = Number(process.env.CFSIGN_SOAK_SIGNERS ?? 2_000);
const LIMIT = Number(process.env.CFSIGN_SOAK_LIMIT_MIB ?? 10) * MiB;
const WARM_UP = Math.min(50_000, Math.floor(TOTAL / 4));
const HOST = "https://d111111abcdef8.cloudfront.net";
const KID = "K2JCJMDEHXQW5F";

const dist = new URL("../../dist/index.js", import.meta.url);
if (typeof globalThis.gc !== "function") {
  console.error("soak: run with node --expose-gc (the heap is measured after forced collections)");
  process.exit(2);
}
if (!existsSync(dist)) {
  console.error("soak: dist/ is missing; run npm run build first");
  process.exit(2);
}
const { createSigner } = await import(dist.href);

/** Heap and off-heap memory after two full collections. */
function memory() {
  globalThis.gc();
  globalThis.gc();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, rss: m.rss };
}
const mib = (n) => `${(n / MiB).toFixed(2)} MiB`;
const failures = [];
function expectBelow(what, value, limit) {
  const ok = value < limit;
  console.log(`  ${ok ? "ok  " : "FAIL"} ${what}: ${mib(value)} (limit ${mib(limit)})`);
  if (!ok) failures.push(what);
}

console.log(
  `cfsign soak: node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, ${mib(totalmem())} RAM, ${new Date().toISOString()}`,
);

const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
const pem = privateKey.export({ type: "pkcs8", format: "pem" });
const fromCloudFrontBase64 = (t) => Buffer.from(t.replace(/-/g, "+").replace(/_/g, "=").replace(/~/g, "/"), "base64");

// ---------------------------------------------------------------- 1. many URLs through signStream

{
  const signer = await createSigner({ keyPairId: KID, privateKey: pem });
  const expires = Math.floor(Date.now() / 1000) + 3600;
  /** URLs made on demand, so the input holds no memory of its own; every 10th custom. */
  function* items() {
    for (let i = 0; i < TOTAL; i++) {
      const url = `${HOST}/soak/${i % 997}/photo-${i}.jpg${i % 3 === 0 ? `?w=${(i % 8) * 160}` : ""}`;
      yield i % 10 === 0 ? { url, starts: expires - 7200 } : url;
    }
  }
  console.log(
    `\n1. ${TOTAL.toLocaleString("en")} URLs through signer.signStream (ECDSA P-256, ${signer.engine} engine), warm-up ${WARM_UP.toLocaleString("en")}`,
  );
  let n = 0;
  let bad = 0;
  let verified = 0;
  let warm;
  const samples = [];
  const started = performance.now();
  let warmAt = started;
  for await (const r of signer.signStream(items(), { expires })) {
    n++;
    if (!r.ok) {
      if (bad++ < 5) console.log(`  item ${r.index} failed: ${r.error.code}`);
      continue;
    }
    if (n % 20_000 === 1) {
      // Spot check, with node:crypto alone: the signature verifies over the policy the URL carries.
      const q = new URL(r.url).searchParams;
      const base = r.url.slice(0, r.url.indexOf(q.has("Policy") ? "Policy=" : "Expires=") - 1);
      const policy = q.has("Policy")
        ? fromCloudFrontBase64(q.get("Policy"))
        : Buffer.from(
            `{"Statement":[{"Resource":"${base}","Condition":{"DateLessThan":{"AWS:EpochTime":${q.get("Expires")}}}}]}`,
          );
      if (!verify("sha256", policy, publicKey, fromCloudFrontBase64(q.get("Signature")))) bad++;
      verified++;
    }
    if (n === WARM_UP) {
      warm = memory();
      warmAt = performance.now();
    }
    if (n > WARM_UP && n % Math.max(1, Math.floor(TOTAL / 8)) === 0) samples.push([n, memory()]);
  }
  const end = memory();
  const seconds = (performance.now() - started) / 1000;
  const rate = (n - WARM_UP) / ((performance.now() - warmAt) / 1000);
  console.log(
    `  signed ${n.toLocaleString("en")} in ${seconds.toFixed(1)} s (${Math.round(rate).toLocaleString("en")} URLs/s after warm-up); ${verified} spot-checked with node:crypto; ${bad} failed`,
  );
  console.log(`  heapUsed   after warm-up ${mib(warm.heapUsed)}, at the end ${mib(end.heapUsed)}`);
  console.log(
    `  external   after warm-up ${mib(warm.external)}, at the end ${mib(end.external)} (WebAssembly memory and buffers)`,
  );
  console.log(`  rss        after warm-up ${mib(warm.rss)}, at the end ${mib(end.rss)}`);
  for (const [at, m] of samples)
    console.log(
      `    at ${at.toLocaleString("en").padStart(9)}: heapUsed ${mib(m.heapUsed)}, external ${mib(m.external)}`,
    );
  if (n !== TOTAL) failures.push(`stream yielded ${n} of ${TOTAL}`);
  if (bad !== 0) failures.push(`${bad} URLs failed or did not verify`);
  expectBelow("heap growth after warm-up", end.heapUsed - warm.heapUsed, LIMIT);
  expectBelow("off-heap growth after warm-up", end.external - warm.external, LIMIT);
}

// ---------------------------------------------------------------- 2. many signers created and discarded

{
  console.log(`\n2. ${SIGNERS.toLocaleString("en")} signers created, used once and discarded`);
  const expires = Math.floor(Date.now() / 1000) + 3600;
  const round = async (count) => {
    for (let i = 0; i < count; i++) {
      const signer = await createSigner({ keyPairId: KID, privateKey: pem, engine: i % 2 === 0 ? "wasm" : "js" });
      await signer.signUrl(`${HOST}/signer/${i}.jpg`, { expires });
    }
  };
  await round(Math.min(200, SIGNERS));
  const before = memory();
  const started = performance.now();
  await round(SIGNERS);
  const after = memory();
  console.log(`  ${SIGNERS.toLocaleString("en")} signers in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.log(
    `  heapUsed before ${mib(before.heapUsed)}, after ${mib(after.heapUsed)}; external before ${mib(before.external)}, after ${mib(after.external)}`,
  );
  expectBelow("heap growth from signer creation", after.heapUsed - before.heapUsed, LIMIT);
  expectBelow("off-heap growth from signer creation", after.external - before.external, LIMIT);
}

console.log(failures.length === 0 ? "\nsoak: PASS" : `\nsoak: FAIL (${failures.join("; ")})`);
process.exitCode = failures.length === 0 ? 0 : 1;
