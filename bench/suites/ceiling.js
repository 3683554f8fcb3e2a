// The gate's signing ratios: cfsign's signUrls against the Node ceiling (async
// crypto.sign on prepared policies, 64 in flight, the same key) in the same
// process and rounds, in CPU time per URL (bench/lib/paired.js), for RSA-2048 and
// ECDSA P-256. What it catches: anything that adds work per signed URL (a key
// parsed per URL, a stage made slower), whatever the load, because the ceiling
// pays the same signatures. What CPU time cannot see (signatures made one at a
// time cost the same CPU) is measured in wall time with a signer whose signature
// takes 2 ms of waiting and no CPU, like a remote KMS: signUrls against a plain
// promise pool of the same width over the same signer.
//
// The wall-clock throughput against the ceiling (what the full bench and the
// README targets report) is printed too, not checked: it follows how many cores
// the other jobs on the machine leave free.
import { generateKeyPairSync, sign } from "node:crypto";
import { dist } from "../lib/env.js";
import { paired } from "../lib/paired.js";

const HOST = "https://d111111abcdef8.cloudfront.net";
const KPID = "K2JCJMDEHXQW5F";
const INFLIGHT = 64;

const cannedPolicy = (url, expires) =>
  Buffer.from(`{"Statement":[{"Resource":"${url}","Condition":{"DateLessThan":{"AWS:EpochTime":${expires}}}}]}`);

/** Async crypto.sign over prepared policies with `inflight` signatures in flight: what node:crypto can do. */
export function ceiling(policies, key, inflight) {
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

function check(results) {
  for (const r of results) if (!r.ok) throw new Error(`bench: signUrls failed: ${r.error.code}`);
}

export async function ceilingSuite({ ci }) {
  const { createSigner } = await dist("index.js");
  const expires = Math.floor(Date.now() / 1000) + 3600;
  const pairs = [];
  for (const [alg, n] of [
    ["rsa", ci ? 24 : 64],
    ["ecdsa", ci ? 400 : 1000],
  ]) {
    const { privateKey } = generateKeyPairSync(
      alg === "rsa" ? "rsa" : "ec",
      alg === "rsa" ? { modulusLength: 2048 } : { namedCurve: "P-256" },
    );
    const pem = privateKey.export({ type: "pkcs8", format: "pem" });
    const signer = await createSigner({ keyPairId: KPID, privateKey: pem, hashAlgorithm: "SHA256" });
    const urls = Array.from({ length: n }, (_, i) => `${HOST}/gallery/${alg}/${i}/photo-${i}.jpg`);
    const policies = urls.map((u) => cannedPolicy(u, expires));
    check(await signer.signUrls(urls, { expires }));
    const task = async () => check(await signer.signUrls(urls, { expires }));
    pairs.push({ name: `${alg}.cpu`, task, reference: ceiling(policies, privateKey, INFLIGHT) });
    pairs.push({ name: `${alg}.wall`, task, reference: ceiling(policies, privateKey, INFLIGHT), clock: "wall" });
  }
  // A remote signer: each signature is 2 ms of waiting (a timer), no CPU.
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const der = new Uint8Array(sign("sha256", Buffer.from("cfsign"), privateKey));
  const remote = { algorithm: "ECDSA", sign: () => new Promise((resolve) => setTimeout(resolve, 2, der)) };
  const viaRemote = await createSigner({ keyPairId: KPID, privateKey: remote });
  const remoteUrls = Array.from({ length: ci ? 256 : 512 }, (_, i) => `${HOST}/remote/${i}.jpg`);
  const remotePolicies = remoteUrls.map((u) => cannedPolicy(u, expires));
  pairs.push({
    name: "remote.wall",
    clock: "wall",
    task: async () => check(await viaRemote.signUrls(remoteUrls, { expires })),
    reference: async () => {
      let next = 0;
      const lane = async () => {
        while (next < remotePolicies.length) await remote.sign(remotePolicies[next++]);
      };
      await Promise.all(Array.from({ length: INFLIGHT }, lane));
    },
  });
  const got = await paired(pairs, { rounds: ci ? 4 : 8, perRound: 4, unitMicros: ci ? 15_000 : 30_000 });
  const spread = (r) => `quartiles ${r.low.toFixed(2)} to ${r.high.toFixed(2)}`;
  return {
    "rsa.signUrls/ceiling.cpu": {
      value: got["rsa.cpu"].ratio,
      note: `RSA-2048, CPU time per URL: signUrls (thread pool) vs async crypto.sign x${INFLIGHT} on prepared policies (${spread(got["rsa.cpu"])})`,
    },
    "ecdsa.signUrls/ceiling.cpu": {
      value: got["ecdsa.cpu"].ratio,
      note: `ECDSA P-256, the same (${spread(got["ecdsa.cpu"])})`,
    },
    "remote.signUrls/pool.wall": {
      value: got["remote.wall"].ratio,
      note: `a signer taking 2 ms of waiting per signature (like KMS), ${remoteUrls.length} URLs: signUrls vs a promise pool of ${INFLIGHT}, wall time (${spread(got["remote.wall"])})`,
    },
    "rsa.signUrls/ceiling.wall": {
      value: got["rsa.wall"].ratio,
      note: `RSA-2048, wall time: throughput vs the ceiling (follows the cores other jobs leave free; ${spread(got["rsa.wall"])})`,
    },
    "ecdsa.signUrls/ceiling.wall": {
      value: got["ecdsa.wall"].ratio,
      note: `ECDSA P-256, wall time (${spread(got["ecdsa.wall"])})`,
    },
  };
}
