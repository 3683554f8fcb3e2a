// The gate's stage ratios: every non-cryptographic stage of cfsign against the
// same stage's frozen copy (bench/frozen/internals.js, made by `npm run
// bench:freeze`), on the same input, in the same process and rounds, in CPU time
// (bench/lib/paired.js). An unchanged stage gives 1.0 on any machine and under any
// load; a stage that takes 1.5x as long gives 0.67 wherever it runs. So the
// baselines are not measurements of one machine but the frozen code itself.
//
// The current side is the build: internal stages from build/bench-internals.js
// (bench/internals.ts, bundled from src/ by the same `npm run build` as dist/), and
// the stages reached through the API from dist/index.js, the entry users import.
import { Buffer } from "node:buffer";
import { generateKeyPairSync, randomBytes, sign as nodeSign } from "node:crypto";
import { dist, internals, root } from "../lib/env.js";
import { paired } from "../lib/paired.js";

const HOST = "https://d111111abcdef8.cloudfront.net";
const KPID = "K2JCJMDEHXQW5F";

/** The frozen reference, imported once. */
export const frozen = () => import(new URL("bench/frozen/internals.js", root).href);

/** A custom signer that answers at once with a fixed DER signature: the batch path with no cryptography in it. */
function instantSigner() {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const der = new Uint8Array(nodeSign("sha256", Buffer.from("cfsign"), privateKey));
  return { algorithm: "ECDSA", signatureFormat: "der", sign: async () => der };
}

/**
 * One side of every stage, built from a module with bench/internals.ts's exports (`m`) and an
 * entry with createSigner/verifyUrl (`api`): the functions timed, on inputs shared by both sides.
 */
async function side(m, api, input) {
  const wasm = await m.createWasmHotPath(await m.loadWasmModule());
  const custom = instantSigner();
  const clock = () => input.nowMs;
  const signer = await api.createSigner({ keyPairId: KPID, privateKey: custom, clock });
  const cached = await api.createSigner({
    keyPairId: KPID,
    privateKey: custom,
    clock,
    signatureCacheSize: input.few.length,
  });
  const policy = await signer.signPolicy({ resource: `${HOST}/gallery/*`, expires: input.expires });
  const plan = m.rewritePlan(policy.resource, policy.query, false);
  const cannedParts = input.urls.map((url, i) => ({ url, expires: input.expires, signature: input.rsaSigs[i] }));
  const customPolicies = wasm.serializePolicies(input.custom);
  const customParts = input.urls.map((url, i) => ({ url, policy: customPolicies[i], signature: input.rsaSigs[i] }));
  const suffix = `&Key-Pair-Id=${KPID}&Hash-Algorithm=SHA256`;
  const ask = { expires: input.expires, expiresWindow: 300 };
  await cached.signUrls(input.few, ask); // every later call is all hits
  let sink = 0;
  const stages = {
    validate: () => {
      for (const u of input.urls) sink += m.validateUrl(u).length;
    },
    "policy.wasm": () => {
      sink += wasm.serializePolicies(input.canned).length + wasm.serializePolicies(input.custom).length;
    },
    "policy.js": () => {
      sink += m.jsHotPath.serializePolicies(input.canned).length + m.jsHotPath.serializePolicies(input.custom).length;
    },
    "base64.wasm": () => {
      for (const s of input.rsaSigs) sink += wasm.encodeBase64(s).length;
    },
    "assemble.wasm": () => {
      sink += wasm.assembleUrls(cannedParts, suffix).length + wasm.assembleUrls(customParts, suffix).length;
    },
    "rewriteLines.wasm": () => {
      sink += m.rewriteLines(wasm, policy, input.galleryBytes, {}, input.nowMs / 1000).bytes.length;
    },
    "rewriteLines.js": () => {
      sink += m.rewriteLines(m.jsHotPath, policy, input.galleryBytes, {}, input.nowMs / 1000).bytes.length;
    },
    applyAll: () => {
      sink += policy.applyAll(input.gallery).length;
    },
    resource: () => {
      for (let i = 0; i < input.urls.length; i++)
        if (m.resourceCovers(input.patterns[i % input.patterns.length], input.urls[i])) sink++;
    },
    "verify.nocrypto": async () => {
      for (const u of input.signed) sink += (await api.verifyUrl(u, input.verifyOptions)).valid ? 1 : 0;
    },
    "signUrls.nocrypto": async () => {
      sink += (await signer.signUrls(input.few, { expires: input.expires })).length;
    },
    "signUrls.cacheHits": async () => {
      sink += (await cached.signUrls(input.few, ask)).length;
    },
  };
  return { stages, sink: () => sink };
}

/** Inputs shared by both sides (generated once, deterministic apart from the keys). */
async function inputs(currentApi) {
  const nowMs = Math.floor(Date.now() / 300_000) * 300_000 + 1000;
  const expires = Math.floor(nowMs / 1000) + 3600;
  const n = 2000;
  const urls = Array.from(
    { length: n },
    (_, i) => `${HOST}/gallery/2026/${i % 365}/photo-${i}.jpg${i % 4 === 0 ? "?w=800&fmt=webp" : ""}`,
  );
  const canned = urls.map((u) => ({ resource: u, expires }));
  const custom = urls.map((u) => ({
    resource: u.split("?")[0] + "*",
    expires,
    starts: expires - 7200,
    ipAddress: "192.0.2.0/24",
  }));
  const rsaSigs = urls.map(() => new Uint8Array(randomBytes(256)));
  const few = urls.slice(0, 500);
  const gallery = few;
  const galleryBytes = new TextEncoder().encode(urls.join("\n") + "\n");
  const patterns = [
    `${HOST}/gallery/*`,
    `${HOST}/gallery/2026/*/photo-*.jpg*`,
    `${HOST}/gallery/20?6/1*`,
    `https://*.cloudfront.net/gallery/*`,
  ];
  // Real signed URLs for the verifier (canned and custom, ECDSA), judged with signature checks answered at once.
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const real = await currentApi.createSigner({ keyPairId: KPID, privateKey, clock: () => nowMs });
  const signed = (
    await real.signUrls(
      urls.slice(0, 100).map((url, i) => (i % 2 ? url : { url, resource: `${HOST}/gallery/*` })),
      { expires },
    )
  ).map((r) => r.url);
  const verifyOptions = { publicKeys: { [KPID]: publicKey }, now: Math.floor(nowMs / 1000) };
  return { nowMs, expires, urls, few, canned, custom, rsaSigs, gallery, galleryBytes, patterns, signed, verifyOptions };
}

/**
 * Answers every WebCrypto signature check with true while `fn` runs its stage, so the verifier's
 * own work is measured (the signatures are real and valid; checking them is the platform's cost).
 */
function withoutSignatureChecks(fn) {
  return async () => {
    const subtle = globalThis.crypto.subtle;
    const verify = subtle.verify;
    subtle.verify = async () => true;
    try {
      return await fn();
    } finally {
      subtle.verify = verify;
    }
  };
}

/** Which stages the gate checks, and what each one covers. */
export const STAGES = {
  validate: "validateUrl over 2,000 URLs (a quarter with a query)",
  "policy.wasm": "canned and custom policy JSON, WASM engine, 2,000 each",
  "policy.js": "the same, TypeScript engine",
  "base64.wasm": "CloudFront base64 of 2,000 RSA signatures, one call each",
  "assemble.wasm": "URL assembly, canned and custom, 2,000 each (WASM)",
  "rewriteLines.wasm": "rewriteLines, 2,000 lines under one shared policy (WASM)",
  "rewriteLines.js": "the same, TypeScript engine",
  applyAll: "SignedPolicy.applyAll over 500 URLs",
  resource: "resource pattern matching (resourceCovers), 2,000 URLs, four patterns with * and ?",
  "verify.nocrypto": "verifyUrl on 100 signed URLs (half custom), signature checks answered at once",
  "signUrls.nocrypto":
    "signUrls of 500 URLs with a custom signer that answers at once: the whole batch path but the signature",
  "signUrls.cacheHits": "signUrls of 500 URLs that are all signature-cache hits (expiresWindow)",
};

/**
 * @param {{ ci: boolean, only?: string[], rounds?: number }} options
 * @returns {Promise<Record<string, { value: number, note: string, spread: string }>>}
 */
export async function stagesSuite({ ci, only, rounds }) {
  const current = await internals();
  const api = await dist("index.js");
  const ref = await frozen();
  const input = await inputs(api);
  const a = await side(current, api, input);
  const b = process.env.BENCH_SAME ? await side(current, api, input) : await side(ref, ref, input);
  const names = Object.keys(STAGES).filter((k) => only === undefined || only.includes(k));
  const pairs = names.map((name) => {
    const wrap = name === "verify.nocrypto" ? withoutSignatureChecks : (f) => f;
    return { name, task: wrap(a.stages[name]), reference: wrap(b.stages[name]) };
  });
  const got = await paired(pairs, { rounds: rounds ?? (ci ? 8 : 16) });
  if (a.sink() === 0 || b.sink() === 0) throw new Error("unreachable");
  const out = {};
  for (const name of names) {
    const r = got[name];
    out[`stage.${name}/frozen`] = {
      value: r.ratio,
      spread: `${r.low.toFixed(2)}-${r.high.toFixed(2)}`,
      note: `${STAGES[name]}; vs the frozen copy (quartiles ${r.low.toFixed(2)} to ${r.high.toFixed(2)})`,
    };
  }
  return out;
}
