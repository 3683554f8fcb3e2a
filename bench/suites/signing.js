// Target 1: per-URL signing against the machine's limit. In one run, side by
// side: cfsign's signUrls (thread pool, and worker threads), the Node ceiling
// (async crypto.sign with a parsed key and many signatures in flight, on
// policies built beforehand), `openssl speed -multi <cores>`, and the two
// incumbents used as their READMEs show (PEM string per URL).
import { generateKeyPairSync, sign } from "node:crypto";
import { availableParallelism } from "node:os";
import { dist, thirdpartyImport } from "../lib/env.js";
import { opensslSpeed } from "../lib/openssl.js";
import { measure, ratio } from "../lib/rounds.js";

const HOST = "https://d111111abcdef8.cloudfront.net";
const urlsFor = (n, tag) => Array.from({ length: n }, (_, i) => `${HOST}/gallery/${tag}/${i}/photo-${i}.jpg`);

/** Async crypto.sign over prepared policies with `inflight` signatures in flight: what node:crypto can do. */
function ceiling(policies, key, inflight) {
  return async () => {
    let next = 0;
    const one = () =>
      new Promise((resolve, reject) => sign("sha256", policies[next++], key, (e, s) => (e ? reject(e) : resolve(s))));
    const lane = async () => {
      while (next < policies.length) await one();
    };
    await Promise.all(Array.from({ length: Math.min(inflight, policies.length) }, lane));
  };
}

const cannedPolicy = (url, expires) =>
  Buffer.from(`{"Statement":[{"Resource":"${url}","Condition":{"DateLessThan":{"AWS:EpochTime":${expires}}}}]}`);

async function signersFor(pem) {
  const { createSigner } = await dist("index.js");
  const base = { keyPairId: "K2JCJMDEHXQW5F", privateKey: pem };
  const threadPool = await createSigner(base);
  let workers = null;
  try {
    workers = await createSigner({ ...base, workers: "auto" });
    if (!(workers.workers > 0)) workers = null; // "auto" chose the thread pool (RSA, or one core)
  } catch {
    workers = null;
  }
  return { threadPool, workers };
}

function check(results) {
  for (const r of results) if (!r.ok) throw new Error(`bench: signUrls failed: ${r.error.code}`);
}

/**
 * @param {{ ci: boolean }} options
 * @returns {Promise<Record<string, { value: number, note: string }>>}
 */
export async function signingSuite({ ci }) {
  const cores = availableParallelism();
  const expires = Math.floor(Date.now() / 1000) + 3600;
  const out = {};

  // RSA-2048, SHA-256.
  {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pem = privateKey.export({ type: "pkcs8", format: "pem" });
    const n = ci ? 2000 : 10_000;
    const nCompetitor = ci ? 200 : 1000;
    const urls = urlsFor(n, "rsa");
    const policies = urls.map((u) => cannedPolicy(u, expires));
    const few = urls.slice(0, nCompetitor);
    const { threadPool } = await signersFor(pem);
    const aws = await thirdpartyImport("@aws-sdk/cloudfront-signer");
    const acs = await thirdpartyImport("aws-cloudfront-sign");
    const isoExpires = new Date(expires * 1000).toISOString();
    check(await threadPool.signUrls(urls.slice(0, 50), { expires }));
    const results = await measure(
      [
        { name: "cfsign", items: n, fn: async () => check(await threadPool.signUrls(urls, { expires })) },
        { name: "ceiling", items: n, fn: ceiling(policies, privateKey, 64) },
        {
          name: "aws-sdk",
          items: nCompetitor,
          fn: () => {
            for (const url of few) {
              aws.getSignedUrl({
                url,
                keyPairId: "K2JCJMDEHXQW5F",
                dateLessThan: isoExpires,
                privateKey: pem,
                algorithm: "SHA256",
              });
            }
          },
        },
        {
          name: "aws-cloudfront-sign",
          items: nCompetitor,
          fn: () => {
            for (const url of few)
              acs.getSignedUrl(url, { keypairId: "K2JCJMDEHXQW5F", privateKeyString: pem, expireTime: expires * 1000 });
          },
        },
        { name: "openssl", external: true, fn: () => opensslSpeed("rsa2048", 1, cores) },
      ],
      { rounds: ci ? 2 : 3, time: 0, iterations: 1, warmup: false },
    );
    out["rsa.signUrls/ceiling"] = {
      value: ratio(results, "cfsign", "ceiling"),
      target: 0.9,
      note: `RSA-2048, ${n} canned URLs, vs async crypto.sign x64 in flight`,
    };
    out["rsa.signUrls/aws-sdk"] = {
      value: ratio(results, "cfsign", "aws-sdk"),
      target: 4.5,
      note: "vs @aws-sdk/cloudfront-signer getSignedUrl with the PEM, per its README",
    };
    out["rsa.signUrls/aws-cloudfront-sign"] = {
      value: ratio(results, "cfsign", "aws-cloudfront-sign"),
      note: "vs aws-cloudfront-sign getSignedUrl with privateKeyString",
    };
    out["rsa.ceiling/openssl"] = {
      value: ratio(results, "ceiling", "openssl"),
      note: `node:crypto ceiling vs openssl speed -multi ${cores} rsa2048`,
    };
  }

  // ECDSA P-256, SHA-256.
  {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const pem = privateKey.export({ type: "pkcs8", format: "pem" });
    const n = ci ? 10_000 : 20_000;
    const urls = urlsFor(n, "ec");
    const policies = urls.map((u) => cannedPolicy(u, expires));
    const loopPolicies = policies.slice(0, ci ? 2000 : 5000);
    const { threadPool, workers } = await signersFor(pem);
    check(await threadPool.signUrls(urls.slice(0, 500), { expires }));
    if (workers) check(await workers.signUrls(urls.slice(0, 500), { expires }));
    const tasks = [
      { name: "cfsign", items: n, fn: async () => check(await threadPool.signUrls(urls, { expires })) },
      { name: "ceiling", items: n, fn: ceiling(policies, privateKey, 64) },
      { name: "ceiling256", items: n, fn: ceiling(policies, privateKey, 256) },
      { name: "openssl", external: true, fn: () => opensslSpeed("ecdsap256", 1, cores) },
      // The platform's bound: one thread calling synchronous crypto.sign in a loop (no thread pool, no
      // workers, no URL work) against one openssl process. node:crypto sets up an OpenSSL signing context
      // for every call, which openssl speed does once; no batching in JavaScript can remove that.
      {
        name: "sign-loop",
        items: loopPolicies.length,
        fn: () => {
          for (const p of loopPolicies) sign("sha256", p, privateKey);
        },
      },
      { name: "openssl-1", external: true, fn: () => opensslSpeed("ecdsap256", 1, 1) },
    ];
    if (workers)
      tasks.push({
        name: "cfsign-workers",
        items: n,
        fn: async () => check(await workers.signUrls(urls, { expires })),
      });
    const results = await measure(tasks, { rounds: ci ? 3 : 5, time: 0, iterations: 3, warmup: false });
    // The better of the two shipped configurations in this run (the default thread pool, or workers: "auto").
    const viaPool = ratio(results, "cfsign", "openssl");
    const viaWorkers = workers ? ratio(results, "cfsign-workers", "openssl") : 0;
    const best = viaWorkers > viaPool ? "cfsign-workers" : "cfsign";
    out["ecdsa.signUrls/openssl"] = {
      value: Math.max(viaPool, viaWorkers),
      target: 0.7,
      note: `ECDSA P-256, ${n} canned URLs, best of thread pool / workers ("${best === "cfsign" ? "thread pool" : "workers"}" here), vs openssl speed -elapsed -multi ${cores} ecdsap256`,
    };
    out["ecdsa.threadpool/openssl"] = {
      value: ratio(results, "cfsign", "openssl"),
      note: "signUrls on libuv's thread pool (no workers)",
    };
    if (workers)
      out["ecdsa.workers/threadpool"] = {
        value: ratio(results, "cfsign-workers", "cfsign"),
        note: "worker threads vs thread pool, same signUrls",
      };
    out["ecdsa.ceiling/openssl"] = {
      value: Math.max(ratio(results, "ceiling", "openssl"), ratio(results, "ceiling256", "openssl")),
      note: "Promise pool over async crypto.sign (64 or 256 in flight, the better)",
    };
    out["ecdsa.signLoop/openssl-1"] = {
      value: ratio(results, "sign-loop", "openssl-1"),
      note: "the platform's bound: one thread of synchronous crypto.sign vs one openssl speed process (two threads reach at most about this share of -multi 2)",
    };
    out["ecdsa.signUrls/ceiling"] = { value: ratio(results, best, "ceiling"), note: "cfsign vs the Node ceiling loop" };
    if (workers) await workers.close?.();
  }
  return out;
}
