// Target 4: repeatable URLs. With `expiresWindow` and a signature cache, a URL
// asked for again within the window costs validation, a policy, a cache lookup
// and assembly, but no signature. Hit path against the miss path (each URL
// signed), ECDSA P-256, the same batch, in CPU time per URL (bench/lib/paired.js).
import { generateKeyPairSync } from "node:crypto";
import { dist } from "../lib/env.js";
import { paired } from "../lib/paired.js";

export async function repeatableSuite({ ci }) {
  const { createSigner } = await dist("index.js");
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const n = ci ? 500 : 2000;
  const urls = Array.from({ length: n }, (_, i) => `https://d111111abcdef8.cloudfront.net/media/${i}/video.mp4`);
  // A fixed clock inside one window, so every round asks for the same policies.
  const now = Math.floor(Date.now() / 300_000) * 300_000 + 1000;
  const options = { keyPairId: "K2JCJMDEHXQW5F", privateKey, clock: () => now };
  const cached = await createSigner({ ...options, signatureCacheSize: n });
  const uncached = await createSigner(options);
  const ask = { expires: Math.floor(now / 1000) + 3600, expiresWindow: 300 };
  const first = await cached.signUrls(urls, ask);
  const again = await cached.signUrls(urls, ask);
  if (first.some((r, i) => !r.ok || r.url !== again[i].url)) throw new Error("bench: cached URLs differ");
  let sink = 0;
  const got = await paired(
    [
      {
        name: "hit",
        task: async () => {
          sink += (await cached.signUrls(urls, ask)).length;
        },
        reference: async () => {
          sink += (await uncached.signUrls(urls, ask)).length;
        },
      },
    ],
    { rounds: ci ? 4 : 8, perRound: 4, unitMicros: ci ? 10_000 : 20_000 },
  );
  if (sink === 0) throw new Error("unreachable");
  return {
    "repeatable.hit/miss": {
      value: got.hit.ratio,
      note: `ECDSA, ${n} URLs asked again within expiresWindow 300 s: cache hits vs signing each (thread pool), CPU time (quartiles ${got.hit.low.toFixed(1)} to ${got.hit.high.toFixed(1)})`,
    },
  };
}
