// The non-cryptographic stages of signing a batch, measured apart, WASM engine
// against the pure-TypeScript engine on the same input, and the stages' cost
// against one signature. Stages: validate (JS only, shared by both engines),
// policy (serializePolicies), encode (CloudFront base64 of signatures, one call
// per signature), assemble (assembleUrls, which encodes too, one call per batch).
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { internals } from "../lib/env.js";
import { measure, median, ratio } from "../lib/rounds.js";

const HOST = "https://d111111abcdef8.cloudfront.net";

export async function hotPathSuite({ ci }) {
  const { jsHotPath, createWasmHotPath, loadWasmModule, validateUrl } = await internals();
  const wasm = await createWasmHotPath(await loadWasmModule());
  const n = 10_000;
  const expires = Math.floor(Date.now() / 1000) + 3600;
  const urls = Array.from(
    { length: n },
    (_, i) => `${HOST}/gallery/2026/${i}/photo-${i}.jpg${i % 4 === 0 ? "?w=800" : ""}`,
  );
  const canned = urls.map((u) => ({ resource: u, expires }));
  const custom = urls.map((u) => ({
    resource: u.split("?")[0] + "*",
    expires,
    starts: expires - 7200,
    ipAddress: "192.0.2.0/24",
  }));
  const rsaSigs = urls.map(() => randomBytes(256));
  const customPolicies = jsHotPath.serializePolicies(custom);
  const cannedParts = urls.map((url, i) => ({ url, expires, signature: rsaSigs[i] }));
  const customParts = urls.map((url, i) => ({ url, policy: customPolicies[i], signature: rsaSigs[i] }));
  const suffix = "&Key-Pair-Id=K2JCJMDEHXQW5F&Hash-Algorithm=SHA256";

  // Same bytes before any timing.
  const same = (a, b) => a.length === b.length && a.every((x, i) => Buffer.from(x).equals(Buffer.from(b[i])));
  if (!same(wasm.serializePolicies(custom), customPolicies)) throw new Error("bench: engines disagree on policies");
  if (wasm.assembleUrls(customParts, suffix).join() !== jsHotPath.assembleUrls(customParts, suffix).join()) {
    throw new Error("bench: engines disagree on URLs");
  }

  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const payload = Buffer.from(jsHotPath.serializePolicies(canned.slice(0, 1))[0]);
  const signBatch = 2000;

  let sink = 0;
  const tasks = [
    {
      name: "validate",
      items: n,
      fn: () => {
        for (const u of urls) sink += validateUrl(u).length;
      },
    },
    {
      name: "policy.canned.wasm",
      items: n,
      fn: () => {
        sink += wasm.serializePolicies(canned).length;
      },
    },
    {
      name: "policy.canned.js",
      items: n,
      fn: () => {
        sink += jsHotPath.serializePolicies(canned).length;
      },
    },
    {
      name: "policy.custom.wasm",
      items: n,
      fn: () => {
        sink += wasm.serializePolicies(custom).length;
      },
    },
    {
      name: "policy.custom.js",
      items: n,
      fn: () => {
        sink += jsHotPath.serializePolicies(custom).length;
      },
    },
    {
      name: "encode.wasm",
      items: n,
      fn: () => {
        for (const s of rsaSigs) sink += wasm.encodeBase64(s).length;
      },
    },
    {
      name: "encode.js",
      items: n,
      fn: () => {
        for (const s of rsaSigs) sink += jsHotPath.encodeBase64(s).length;
      },
    },
    {
      name: "assemble.canned.wasm",
      items: n,
      fn: () => {
        sink += wasm.assembleUrls(cannedParts, suffix).length;
      },
    },
    {
      name: "assemble.canned.js",
      items: n,
      fn: () => {
        sink += jsHotPath.assembleUrls(cannedParts, suffix).length;
      },
    },
    {
      name: "assemble.custom.wasm",
      items: n,
      fn: () => {
        sink += wasm.assembleUrls(customParts, suffix).length;
      },
    },
    {
      name: "assemble.custom.js",
      items: n,
      fn: () => {
        sink += jsHotPath.assembleUrls(customParts, suffix).length;
      },
    },
    {
      name: "sign.ecdsa.sync",
      items: signBatch,
      fn: () => {
        for (let i = 0; i < signBatch; i++) sink += sign("sha256", payload, privateKey).length;
      },
    },
  ];
  const results = await measure(tasks, { rounds: ci ? 3 : 5, time: ci ? 100 : 250, iterations: 5 });
  if (sink === 0) throw new Error("unreachable");

  const out = {};
  for (const stage of ["policy.canned", "policy.custom", "encode", "assemble.canned", "assemble.custom"]) {
    out[`engine.${stage}.wasm/js`] = {
      value: ratio(results, `${stage}.wasm`, `${stage}.js`),
      note: `WASM vs TS engine, ${n} items`,
    };
  }
  // Stage cost as a share of one ECDSA signature on one core (time per item / time per signature).
  const perSig = median(results["sign.ecdsa.sync"]);
  const share = (name) => perSig / median(results[name]);
  out["stage.validate/ecdsa-sign"] = {
    value: share("validate"),
    note: "time to validate one URL / one ECDSA P-256 signature (one core)",
  };
  out["stage.policy/ecdsa-sign"] = {
    value: share("policy.canned.wasm"),
    note: "time to build one canned policy (WASM) / one ECDSA signature",
  };
  out["stage.assemble/ecdsa-sign"] = {
    value: share("assemble.canned.wasm"),
    note: "time to assemble one canned URL (WASM) / one ECDSA signature",
  };
  return out;
}
