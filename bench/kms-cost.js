// How many AWS KMS Sign requests each way of signing costs, measured against moto's KMS
// emulator on loopback (started and stopped here) with the real @aws-sdk/client-kms and the
// built cfsign (npm run build first). A counting proxy between the SDK and the emulator counts
// the requests independently of cfsign's own counters; both must agree.
//
//   node bench/kms-cost.js            # prints a Markdown table and writes bench/kms-cost.json
//
// Scenarios: a gallery page of 10,000 images, and a 2-hour HLS stream (VOD, 6-second segments:
// 1,200 segment URIs in its media playlist), each viewed twice within one 5-minute window.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer, request } from "node:http";
import { createServer as createNetServer } from "node:net";
import { CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { createSigner, verifyUrl } from "../dist/index.js";
import { kmsSigner } from "../dist/kms.js";

const HOST = "https://d111111abcdef8.cloudfront.net";
const KID = "K2JCJMDEHXQW5F";
const GALLERY = 10_000;
const SEGMENTS = (2 * 3600) / 6;
const WINDOW = 300;

const port = await new Promise((resolve) => {
  const s = createNetServer().listen(0, "127.0.0.1", () => {
    const { port } = s.address();
    s.close(() => resolve(port));
  });
});
const env = { AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing", AWS_REGION: "us-east-1" };
const moto = spawn("python3", ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)], {
  stdio: "ignore",
  env: { ...process.env, ...env },
});
const kill = setTimeout(() => moto.kill("SIGKILL"), 20 * 60_000); // bounded: never outlives 20 minutes
kill.unref();
for (const sig of ["SIGINT", "SIGTERM"]) process.once(sig, () => (moto.kill("SIGKILL"), process.exit(130)));
for (let i = 0; ; i++) {
  try {
    await (await fetch(`http://127.0.0.1:${port}/moto-api/`)).arrayBuffer();
    break;
  } catch {
    if (i > 300) throw new Error("moto_server did not start (python3 -m moto.server)");
    await new Promise((r) => setTimeout(r, 100));
  }
}

let signRequests = 0;
const proxy = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    if (String(req.headers["x-amz-target"]).endsWith(".Sign")) signRequests++;
    const out = request({ host: "127.0.0.1", port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode, up.headers);
      up.pipe(res);
    });
    out.end(Buffer.concat(chunks));
  });
});
await new Promise((r) => proxy.listen(0, "127.0.0.1", r));
Object.assign(process.env, env, { AWS_ENDPOINT_URL_KMS: `http://127.0.0.1:${proxy.address().port}` });

const client = new KMSClient({ maxAttempts: 1 });
const rows = [];
try {
  // The counts do not depend on the key type; KMS_COST_SPECS=ECC_NIST_P256,RSA_2048 runs both.
  for (const spec of (process.env.KMS_COST_SPECS ?? "ECC_NIST_P256").split(",")) {
    const { KeyMetadata } = await client.send(new CreateKeyCommand({ KeySpec: spec, KeyUsage: "SIGN_VERIFY" }));
    // A clock 10 s into a 5-minute window, so that both views fall in the same window.
    const t0 = (Math.ceil(Date.now() / 1000 / WINDOW) * WINDOW + 10) * 1000;
    let now = t0;
    const clock = () => now;
    const kms = await kmsSigner({ client, keyId: KeyMetadata.KeyId });
    const plain = await createSigner({ keyPairId: KID, privateKey: kms, clock });
    const cached = await createSigner({ keyPairId: KID, privateKey: kms, clock, signatureCacheSize: 20_000 });
    const publicKeys = { [KID]: kms.publicKeyPem };

    const gallery = Array.from({ length: GALLERY }, (_, i) => `${HOST}/gallery/photo-${i}.jpg`);
    const playlist =
      "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-PLAYLIST-TYPE:VOD\n" +
      Array.from({ length: SEGMENTS }, (_, i) => `#EXTINF:6.0,\nseg-${i}.ts\n`).join("") +
      "#EXT-X-ENDLIST\n";
    const baseUrl = `${HOST}/videos/stream/index.m3u8`;

    const measure = async (name, scenario, fn) => {
      const counts = [];
      for (const view of [0, 1]) {
        now = t0 + view * 60_000; // the second view one minute later
        const before = signRequests;
        const started = performance.now();
        const sample = await fn();
        counts.push({ requests: signRequests - before, seconds: (performance.now() - started) / 1000 });
        const check = await verifyUrl(sample, { publicKeys, now: Math.floor(now / 1000) });
        if (!check.valid) throw new Error(`${name}: a URL does not verify: ${check.reason}`);
      }
      rows.push({
        spec,
        scenario,
        approach: name,
        first: counts[0].requests,
        second: counts[1].requests,
        seconds: counts[0].seconds,
      });
      console.error(
        `${spec} ${scenario} ${name}: ${counts[0].requests} then ${counts[1].requests} (${counts[0].seconds.toFixed(1)} s)`,
      );
    };
    const expires = () => Math.floor(now / 1000) + 3600;
    const firstOk = (results) => {
      const bad = results.find((r) => !r.ok);
      if (bad) throw bad.error;
      return results[0].url;
    };

    await measure("per-URI", "gallery", async () => firstOk(await plain.signUrls(gallery, { expires: expires() })));
    await measure("per-URI + expiresWindow 300 + signature cache", "gallery", async () =>
      firstOk(await cached.signUrls(gallery, { expires: expires(), expiresWindow: WINDOW })),
    );
    await measure("shared policy (gallery/*)", "gallery", async () =>
      (await plain.signPolicy({ resource: `${HOST}/gallery/*`, expires: expires() })).apply(gallery[0]),
    );
    await measure("signed cookies (gallery/*)", "gallery", async () => {
      const { cookies } = await plain.signCookies({ resource: `${HOST}/gallery/*`, expires: expires() });
      // verifyUrl checks URLs; the cookies' policy and signature are the same grant as a shared policy.
      const q = `Policy=${cookies["CloudFront-Policy"]}&Signature=${cookies["CloudFront-Signature"]}&Key-Pair-Id=${KID}&Hash-Algorithm=SHA256`;
      return `${gallery[0]}?${q}`;
    });

    const hls =
      (signer, mode, extra = {}) =>
      async () => {
        const signed = await signer.signPlaylist(playlist, { baseUrl, expires: expires(), mode, ...extra });
        if (signed.signed !== SEGMENTS) throw new Error(`${signed.failures.length} URIs failed`);
        return signed.text.split("\n").find((l) => l.startsWith("https://"));
      };
    await measure("per-URI", "HLS 2 h", hls(plain, "per-uri"));
    // signPlaylist has no expiresWindow option: the cached variant signs the playlist's segment URLs with signUrls.
    const segments = Array.from({ length: SEGMENTS }, (_, i) => `${HOST}/videos/stream/seg-${i}.ts`);
    await measure("per-URI + expiresWindow 300 + signature cache", "HLS 2 h", async () =>
      firstOk(await cached.signUrls(segments, { expires: expires(), expiresWindow: WINDOW })),
    );
    await measure("shared policy (folder/*)", "HLS 2 h", hls(plain, "shared"));
    await measure("signed cookies (folder/*)", "HLS 2 h", async () => {
      const { cookies } = await plain.signCookies({ resource: `${HOST}/videos/stream/*`, expires: expires() });
      return `${HOST}/videos/stream/seg-0.ts?Policy=${cookies["CloudFront-Policy"]}&Signature=${cookies["CloudFront-Signature"]}&Key-Pair-Id=${KID}&Hash-Algorithm=SHA256`;
    });
    if (kms.stats.signRequests !== rows.filter((r) => r.spec === spec).reduce((n, r) => n + r.first + r.second, 0)) {
      throw new Error("cfsign's counter and the proxy's disagree");
    }
  }
} finally {
  client.destroy();
  proxy.close();
  moto.kill("SIGTERM");
  clearTimeout(kill);
}
const table = [
  "| key | scenario | approach | Sign requests, first view | second view, 1 min later |",
  "| --- | --- | --- | ---: | ---: |",
];
for (const r of rows)
  table.push(
    `| ${r.spec} | ${r.scenario} | ${r.approach} | ${r.first.toLocaleString("en-US")} | ${r.second.toLocaleString("en-US")} |`,
  );
console.log(table.join("\n"));
writeFileSync(
  new URL("./kms-cost.json", import.meta.url),
  JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2) + "\n",
);
