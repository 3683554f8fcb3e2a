// The signature cache under concurrent batches (issue #12, item 17: 100
// concurrent signUrls calls of 1,000 ECDSA URLs were slower with
// signatureCacheSize than without). Each case is one signer with the cache
// against the same signer without it, in the same process and rounds, in CPU time
// (bench/lib/paired.js):
//
// - evicting.nocrypto: 8 concurrent batches of 2,000 URLs never seen before into a
//   full cache of 20,000 entries (every URL a miss and an eviction), with a custom
//   signer that answers at once, so what is timed is the batch path and the cache
//   itself. This is where the cache's own cost shows: the cache as it was before
//   item 17 (a Map in insertion order, evicting through map.keys().next(), which
//   steps over every hole that earlier deletions left at the front of V8's table
//   until the table is rehashed) made this 0.23 to 0.25, against 0.72 now (load
//   average 10). How many holes there are depends on where the table is between
//   two rehashes (V8 rehashes a Map of 20,000 entries after about 12,800
//   deletions), so one unit of measurement is one call of 16,000 URLs, more than a
//   whole cycle: a shorter unit lands early or late in it and gave 0.16 to 0.66 for
//   the old cache.
// - evicting: the same with real ECDSA signatures on the thread pool: what the
//   cache costs a user who signs new URLs. A signature (about 40 µs of CPU) hides
//   most of what the cache costs, so this case alone did not catch the old cache.
// - same URLs: eight concurrent batches of the same 200 new URLs, real ECDSA
//   signatures on the thread pool. Printed: each batch signs its own misses (a
//   signature still in flight is not shared), so the cache can only cost here;
//   the ratio shows how little.
// - the same with workers: 2 (printed: worker threads share the two cores with
//   whatever else runs).
import { Buffer } from "node:buffer";
import { generateKeyPairSync, sign } from "node:crypto";
import { dist } from "../lib/env.js";
import { paired } from "../lib/paired.js";

const HOST = "https://d111111abcdef8.cloudfront.net";
const KPID = "K2JCJMDEHXQW5F";
/** Entries in every cache here: full before timing starts, so every new URL evicts one. */
const CAPACITY = 20_000;

function check(results) {
  for (const r of results) if (!r.ok) throw new Error(`bench: signUrls failed: ${r.error.code}`);
}

export async function cacheSuite({ ci }) {
  const { createSigner } = await dist("index.js");
  const nowMs = Math.floor(Date.now() / 300_000) * 300_000 + 1000;
  const clock = () => nowMs;
  const ask = { expires: Math.floor(nowMs / 1000) + 3600, expiresWindow: 300 };
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const pem = privateKey.export({ type: "pkcs8", format: "pem" });
  // A custom signer that answers at once with a fixed (valid DER) signature: no cryptography.
  const der = new Uint8Array(sign("sha256", Buffer.from("cfsign"), privateKey));
  const instant = { algorithm: "ECDSA", signatureFormat: "der", sign: async () => der };
  let fresh = 0;
  const newUrls = (n, tag) => Array.from({ length: n }, () => `${HOST}/${tag}/${fresh++}/photo.jpg`);
  const concurrently = async (signer, batches) => {
    for (const results of await Promise.all(batches.map((b) => signer.signUrls(b, ask)))) check(results);
  };

  const capacity = CAPACITY;
  const pool = {
    cached: await createSigner({ keyPairId: KPID, privateKey: pem, clock, signatureCacheSize: capacity }),
    plain: await createSigner({ keyPairId: KPID, privateKey: pem, clock }),
  };
  const fast = {
    cached: await createSigner({ keyPairId: KPID, privateKey: instant, clock, signatureCacheSize: capacity }),
    plain: await createSigner({ keyPairId: KPID, privateKey: instant, clock }),
  };
  check(await pool.cached.signUrls(newUrls(capacity, "fill"), ask));
  check(await fast.cached.signUrls(newUrls(capacity, "fill"), ask));
  let workers = null;
  if (!ci) {
    workers = {
      cached: await createSigner({ keyPairId: KPID, privateKey: pem, clock, signatureCacheSize: capacity, workers: 2 }),
      plain: await createSigner({ keyPairId: KPID, privateKey: pem, clock, workers: 2 }),
    };
  }
  const sameUrls = (signer) => async () => {
    const urls = newUrls(200, "same");
    await concurrently(
      signer,
      Array.from({ length: 8 }, () => urls),
    );
  };
  const evicting = (signer) => () =>
    concurrently(
      signer,
      Array.from({ length: 4 }, () => newUrls(100, "evict")),
    );
  const evictingMany = (signer) => () =>
    concurrently(
      signer,
      Array.from({ length: 8 }, () => newUrls(2000, "evict")),
    );
  // unitMicros 1: one call per unit, whatever it takes (see evicting.nocrypto above).
  const instantGot = await paired(
    [{ name: "evicting.nocrypto", task: evictingMany(fast.cached), reference: evictingMany(fast.plain) }],
    { rounds: 4, perRound: 4, unitMicros: 1 },
  );
  const pairs = [
    { name: "evicting", task: evicting(pool.cached), reference: evicting(pool.plain) },
    { name: "same", task: sameUrls(pool.cached), reference: sameUrls(pool.plain) },
  ];
  if (workers) pairs.push({ name: "same.workers", task: sameUrls(workers.cached), reference: sameUrls(workers.plain) });
  const got = {
    ...instantGot,
    ...(await paired(pairs, { rounds: ci ? 4 : 8, perRound: 4, unitMicros: ci ? 10_000 : 20_000 })),
  };
  for (const s of [pool, fast, workers]) if (s) await Promise.all([s.cached.close(), s.plain.close()]);
  const spread = (r) => `quartiles ${r.low.toFixed(2)} to ${r.high.toFixed(2)}`;
  const full = `a full cache of ${capacity.toLocaleString("en-US")} (every URL evicts)`;
  const out = {
    "cache.evicting.nocrypto/nocache": {
      value: got["evicting.nocrypto"].ratio,
      note: `8 concurrent signUrls of 2,000 new URLs into ${full}, a signer that answers at once: the cache's own cost against the batch path, CPU time (${spread(got["evicting.nocrypto"])})`,
    },
    "cache.concurrent.evicting/nocache": {
      value: got.evicting.ratio,
      note: `4 concurrent signUrls of 100 new URLs into ${full}, real ECDSA signatures on the thread pool, CPU time (${spread(got.evicting)})`,
    },
    "cache.concurrent.same/nocache": {
      value: got.same.ratio,
      note: `8 concurrent signUrls of the same 200 new URLs, ECDSA on the thread pool, CPU time (concurrent batches do not share a signature still in flight: each signs its misses; ${spread(got.same)})`,
    },
  };
  if (workers) {
    out["cache.concurrent.same.workers/nocache"] = {
      value: got["same.workers"].ratio,
      note: `the same with workers: 2 (${spread(got["same.workers"])})`,
    };
  }
  return out;
}
