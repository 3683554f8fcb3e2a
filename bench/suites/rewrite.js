// Target 2: rewriting 100,000 URLs (a gallery as bytes) under one shared policy.
// The WASM engine against the project's own pure-TypeScript engine, producing
// the same bytes (checked before timing), and both against the plain path:
// decode, split, SignedPolicy.applyAll (or the same validator per line), join, encode.
// The engines are measured twice: each call allocating its output (the default), and
// writing into one buffer reused across calls (the `into` option), which takes the
// first-touch page faults of a fresh tens-of-MiB buffer out of every call.
import { generateKeyPairSync } from "node:crypto";
import { dist, internals } from "../lib/env.js";
import { measure, ratio } from "../lib/rounds.js";

const PREFIX = "https://d111111abcdef8.cloudfront.net/gallery/";

export async function rewriteSuite({ ci }) {
  const { jsHotPath, createWasmHotPath, loadWasmModule, rewriteLines, rewriteLinesMaxBytes, rewritePlan } =
    await internals();
  const { createSigner } = await dist("index.js");
  const wasm = await createWasmHotPath(await loadWasmModule());
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const signer = await createSigner({ keyPairId: "K2JCJMDEHXQW5F", privateKey });
  const expires = Math.floor(Date.now() / 1000) + 3600;
  const policy = await signer.signPolicy({ resource: PREFIX + "*", expires });

  const n = ci ? 50_000 : 100_000;
  const lines = Array.from(
    { length: n },
    (_, i) => `${PREFIX}2026/${i % 365}/IMG_${i}.jpg${i % 10 === 0 ? "?w=1600&fmt=webp" : ""}`,
  );
  const text = lines.join("\n") + "\n";
  const bytes = new TextEncoder().encode(text);
  const plan = rewritePlan(policy.resource, policy.query, false);
  const small = lines.slice(0, n / 10);
  const smallBytes = new TextEncoder().encode(small.join("\n") + "\n");
  const now = Date.now() / 1000;
  // Allocated once, of the bound's size, and reused by every `into` call of both engines.
  const into = new Uint8Array(rewriteLinesMaxBytes(policy, bytes));

  // Same bytes from all three paths, checked before timing (in a block, so nothing large stays alive).
  {
    const a = wasm.rewriteLines(bytes, plan);
    const b = jsHotPath.rewriteLines(bytes, plan);
    const viaApply = new TextEncoder().encode(
      policy
        .applyAll(lines)
        .map((r) => r.url + "\n")
        .join(""),
    );
    if (
      !Buffer.from(a.bytes).equals(Buffer.from(b.bytes)) ||
      !Buffer.from(a.bytes).equals(Buffer.from(viaApply)) ||
      a.flagged.length !== 0
    ) {
      throw new Error("bench: rewrite engines disagree");
    }
    // The same bytes written into the reused buffer, by each engine in turn (compared before the next overwrites it).
    for (const engine of [wasm, jsHotPath]) {
      const got = engine.rewriteLines(bytes, plan, into);
      if (
        got.bytes.buffer !== into.buffer ||
        !Buffer.from(got.bytes).equals(Buffer.from(a.bytes)) ||
        got.flagged.length !== 0
      ) {
        throw new Error(`bench: rewrite into a reused buffer (${engine.name}) disagrees`);
      }
    }
  }

  let sink = 0;
  const settings = { rounds: 5, time: ci ? 100 : 250, iterations: 5 };
  // The two engines alone first: each call allocates its tens of MiB of output, and nothing else runs.
  const hot = await measure(
    [
      {
        name: "hot.wasm",
        items: n,
        fn: () => {
          sink += wasm.rewriteLines(bytes, plan).bytes.length;
        },
      },
      {
        name: "hot.js",
        items: n,
        fn: () => {
          sink += jsHotPath.rewriteLines(bytes, plan).bytes.length;
        },
      },
    ],
    settings,
  );
  // The two engines writing into the one reused buffer: no allocation, no page fault, per call.
  const reused = await measure(
    [
      {
        name: "into.wasm",
        items: n,
        fn: () => {
          sink += wasm.rewriteLines(bytes, plan, into).bytes.length;
        },
      },
      {
        name: "into.js",
        items: n,
        fn: () => {
          sink += jsHotPath.rewriteLines(bytes, plan, into).bytes.length;
        },
      },
    ],
    settings,
  );
  const results = await measure(
    [
      {
        name: "full.wasm",
        items: n,
        fn: () => {
          sink += rewriteLines(wasm, policy, bytes, {}, now).bytes.length;
        },
      },
      {
        name: "full.js",
        items: n,
        fn: () => {
          sink += rewriteLines(jsHotPath, policy, bytes, {}, now).bytes.length;
        },
      },
      {
        // The plain path validates every line with the full validator: slow, so it gets a tenth of the lines.
        name: "applyAll",
        items: small.length,
        fn: () => {
          const ls = new TextDecoder().decode(smallBytes).split("\n");
          ls.pop();
          sink += new TextEncoder().encode(
            policy
              .applyAll(ls)
              .map((r) => r.url + "\n")
              .join(""),
          ).length;
        },
      },
    ],
    settings,
  );
  if (sink === 0) throw new Error("unreachable");
  return {
    "rewrite.wasm/js": {
      value: ratio(hot, "hot.wasm", "hot.js"),
      target: 2,
      note: `${n} gallery lines, bytes in and out, WASM vs TS engine (same bytes)`,
    },
    "rewrite.into.wasm/js": {
      value: ratio(reused, "into.wasm", "into.js"),
      target: 2,
      note: `${n} gallery lines into a reused buffer (no allocation per call), WASM vs TS engine (same bytes)`,
    },
    "rewrite.full.wasm/js": {
      value: ratio(results, "full.wasm", "full.js"),
      note: "whole rewriteLines (plan, engine, splice), WASM vs TS",
    },
    "rewrite.wasm/applyAll": {
      value: ratio(results, "full.wasm", "applyAll"),
      note: "per line, vs decode + split + SignedPolicy.applyAll + join + encode",
    },
  };
}
