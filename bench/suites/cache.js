// The signature cache under concurrent batches (issue #12, item 17: 100
// concurrent signUrls calls of 1,000 ECDSA URLs were slower with
// signatureCacheSize than without). Each case is one signer with the cache
// against the same signer without it, in the same process and rounds, in CPU time
// (bench/lib/paired.js):
//
// - evicting: concurrent batches of URLs never seen before into a full cache of
//   20,000 entries, so every URL is a miss and an eviction, real ECDSA signatures
//   on the thread pool. While an eviction walked the Map's deleted entries (12 to
//   40 µs each at this size, against about 40 µs of CPU per ECDSA URL), this fell
//   well below 0.8.
// - same URLs: eight concurrent batches of the same 200 new URLs, real ECDSA
//   signatures on the thread pool. Printed: each batch signs its own misses (a
//   signature still in flight is not shared), so the cache can only cost here;
//   the ratio shows how little.
// - the same with workers: 2 (printed: worker threads share the two cores with
//   whatever else runs).
import { generateKeyPairSync } from "node:crypto";
import { dist } from "../lib/env.js";
import { paired } from "../lib/paired.js";

const HOST = "https://d111111abcdef8.cloudfront.net";
const KPID = "K2JCJMDEHXQW5F";

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
  let fresh = 0;
  const newUrls = (n, tag) => Array.from({ length: n }, () => `${HOST}/${tag}/${fresh++}/photo.jpg`);
  const concurrently = async (signer, batches) => {
    for (const results of await Promise.all(batches.map((b) => signer.signUrls(b, ask)))) check(results);
  };

  const capacity = 20_000;
  const pool = {
    cached: await createSigner({ keyPairId: KPID, privateKey: pem, clock, signatureCacheSize: capacity }),
    plain: await createSigner({ keyPairId: KPID, privateKey: pem, clock }),
  };
  check(await pool.cached.signUrls(newUrls(capacity, "fill"), ask));
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
  const pairs = [
    {
      name: "evicting",
      task: () =>
        concurrently(
          pool.cached,
          Array.from({ length: 4 }, () => newUrls(100, "evict")),
        ),
      reference: () =>
        concurrently(
          pool.plain,
          Array.from({ length: 4 }, () => newUrls(100, "evict")),
        ),
    },
    { name: "same", task: sameUrls(pool.cached), reference: sameUrls(pool.plain) },
  ];
  if (workers) pairs.push({ name: "same.workers", task: sameUrls(workers.cached), reference: sameUrls(workers.plain) });
  const got = await paired(pairs, { rounds: ci ? 4 : 8, perRound: 4, unitMicros: ci ? 10_000 : 20_000 });
  for (const s of [pool, workers]) if (s) await Promise.all([s.cached.close(), s.plain.close()]);
  const spread = (r) => `quartiles ${r.low.toFixed(2)} to ${r.high.toFixed(2)}`;
  const out = {
    "cache.concurrent.evicting/nocache": {
      value: got.evicting.ratio,
      note: `4 concurrent signUrls of 100 new URLs into a full cache of ${capacity.toLocaleString("en-US")} (every URL evicts), ECDSA on the thread pool, CPU time (${spread(got.evicting)})`,
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
