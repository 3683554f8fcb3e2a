/**
 * Faults in the middle of a 10,000-URL batch, from custom signers (KMS, HSM and
 * remote signers are where these happen): a signer that throws (anything, even
 * synchronously), returns the wrong length or not strict DER, returns something
 * that is not bytes, hangs (cut off by `signTimeoutMs`), answers after the timeout,
 * or refuses SHA-1 as a hardened OpenSSL does. In every case the batch reports the
 * failing items with `SIGNING_FAILED` at their index (or, for a refused hash, fails
 * as a whole with `UNSUPPORTED_HASH` naming SHA-256), every URL it does emit carries
 * the right signature (verified with node:crypto, or recomputed for the fake RSA
 * signer), and the same signer object signs a clean batch afterwards.
 * Then the timeout's own hygiene: timers cleared, no memory kept per timed-out call,
 * and a hung signer that does not keep the process alive.
 */
import { spawn } from "node:child_process";
import { createHash, generateKeyPairSync, sign as nodeSign, type KeyObject } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { beforeAll, describe, expect, test } from "vitest";
import {
  CfSignError,
  createSigner,
  type BatchResult,
  type CustomSigner,
  type HashAlgorithm,
  type Signer,
} from "../src/index.js";
import { fromCloudFrontBase64, parseSignedUrl, verifySignedUrl } from "./helpers/verify.js";

const NOW_MS = Date.UTC(2026, 0, 1);
const NOW = NOW_MS / 1000;
const EXPIRES = NOW + 3600;
const KID = "K2JCJMDEHXQW5F";
const HOST = "https://d111111abcdef8.cloudfront.net";
/** The same URL on an alternate domain name, for signed cookies (none reaches a *.cloudfront.net host). */
const onCookieHost = (url: string): string => url.replace(HOST, "https://cdn.example.com");
const N = 10_000;
const urls = Array.from({ length: N }, (_, i) => `${HOST}/photos/${i}.jpg`);
const ROOT = fileURLToPath(new URL("../", import.meta.url));

const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
const decoder = new TextDecoder();

/** The batch index of the URL whose policy is `data`. */
const itemOf = (data: Uint8Array): number => Number(/photos\/(\d+)\.jpg/.exec(decoder.decode(data))?.[1] ?? -1);

/** ECDSA signature of `data` with the test key, DER or raw r||s, on libuv's thread pool. */
function ecdsa(
  data: Uint8Array,
  hash: HashAlgorithm,
  key: KeyObject = ec.privateKey,
  p1363 = false,
): Promise<Uint8Array> {
  return new Promise((resolve, reject) =>
    nodeSign(
      hash === "SHA256" ? "sha256" : "sha1",
      data,
      { key, dsaEncoding: p1363 ? "ieee-p1363" : "der" },
      (err, sig) => (err ? reject(err) : resolve(new Uint8Array(sig))),
    ),
  );
}

/** A deterministic stand-in for RSA-2048: SHA-256 of the policy, eight times (256 bytes). */
const fakeRsa = (data: Uint8Array): Uint8Array =>
  new Uint8Array(Buffer.concat(Array(8).fill(createHash("sha256").update(data).digest())));

/** A DER signature with a needless 0x00 before r: not strict DER (X.690 §8.3.2), which CloudFront may refuse. */
function nonMinimal(der: Uint8Array): Uint8Array {
  const rLen = der[3]!;
  const r = der.subarray(4, 4 + rLen);
  const rest = der.subarray(4 + rLen);
  return new Uint8Array([0x30, der[1]! + 1, 0x02, rLen + 1, 0x00, ...r, ...rest]);
}

type Fault = (data: Uint8Array, hash: HashAlgorithm) => unknown;

/** Every way an ECDSA (DER) custom signer can fail, one per faulty item. */
const ECDSA_FAULTS: [string, Fault][] = [
  [
    "throws an Error",
    () => {
      throw new Error("KMS throttled");
    },
  ],
  [
    "throws a string",
    () => {
      throw "boom";
    },
  ],
  [
    "throws undefined",
    () => {
      throw undefined;
    },
  ],
  [
    "throws null",
    () => {
      throw null;
    },
  ],
  ["rejects", () => Promise.reject(new Error("HSM offline"))],
  ["rejects with SIGNING_FAILED", () => Promise.reject(new CfSignError("SIGNING_FAILED", "remote said no"))],
  ["returns nothing", () => undefined],
  ["returns null", () => null],
  ["returns a string", () => "MEUCIQ"],
  ["returns a number", () => 72],
  ["returns an array of numbers", () => Array(70).fill(1)],
  ["returns an array-like", () => ({ length: 70 })],
  ["returns a DataView", () => new DataView(new ArrayBuffer(70))],
  ["returns empty bytes", () => new Uint8Array(0)],
  ["returns 8 bytes", () => new Uint8Array(8).fill(0x30)],
  ["returns DER plus a byte", async (d, h) => new Uint8Array([...(await ecdsa(d, h)), 0])],
  [
    "returns DER with a wrong length byte",
    async (d, h) => {
      const s = await ecdsa(d, h);
      s[1] = s[1]! + 1;
      return s;
    },
  ],
  ["returns non-minimal DER", async (d, h) => nonMinimal(await ecdsa(d, h))],
  ["returns raw r||s without saying so", (d, h) => ecdsa(d, h, ec.privateKey, true)],
  ["returns 73 bytes", () => new Uint8Array(73).fill(2)],
];

const RSA_FAULTS: [string, Fault][] = [
  ["0 bytes", () => new Uint8Array(0)],
  ["255 bytes", (d) => fakeRsa(d).subarray(1)],
  ["257 bytes", (d) => new Uint8Array([...fakeRsa(d), 0])],
  ["512 bytes", (d) => new Uint8Array([...fakeRsa(d), ...fakeRsa(d)])],
  ["an ArrayBuffer of 255 bytes", (d) => fakeRsa(d).slice(1).buffer],
  ["1 MiB", () => new Uint8Array(1 << 20)],
  [
    "throws",
    () => {
      throw new RangeError("no");
    },
  ],
];

interface Harness {
  readonly signer: Signer;
  /** Items that fail, by batch index, with the fault each gets. */
  readonly faults: Map<number, Fault>;
  /** Turns fault injection off (the signer stays the same object). */
  heal(): void;
}

/** A custom signer that misbehaves on the items in `faults` while `healthy` is false. */
async function harness(
  kind: "ecdsa" | "p1363" | "rsa",
  faults: Map<number, Fault>,
  extra: { signTimeoutMs?: number; hash?: HashAlgorithm } = {},
): Promise<Harness> {
  let healthy = false;
  const good = (data: Uint8Array, hash: HashAlgorithm): Promise<Uint8Array> =>
    kind === "rsa" ? Promise.resolve(fakeRsa(data)) : ecdsa(data, hash, ec.privateKey, kind === "p1363");
  const custom: CustomSigner = {
    algorithm: kind === "rsa" ? "RSA" : "ECDSA",
    ...(kind === "p1363" ? { signatureFormat: "p1363" as const } : {}),
    // Not async: a fault may throw synchronously.
    sign(data, hash) {
      const fault = healthy ? undefined : faults.get(itemOf(data));
      return (fault === undefined ? good(data, hash) : fault(data, hash)) as Promise<Uint8Array>;
    },
  };
  const signer = await createSigner({
    keyPairId: KID,
    privateKey: custom,
    hashAlgorithm: extra.hash ?? "SHA256",
    clock: () => NOW_MS,
    ...(extra.signTimeoutMs === undefined ? {} : { signTimeoutMs: extra.signTimeoutMs }),
  });
  return { signer, faults, heal: () => void (healthy = true) };
}

/** Every result checked: the faulty items failed with SIGNING_FAILED at their index, every URL is right. */
function checkBatch(
  results: readonly BatchResult[],
  faulty: ReadonlySet<number>,
  kind: "ecdsa" | "rsa",
  message?: RegExp,
  count = N,
): void {
  expect(results).toHaveLength(count);
  const problems: string[] = [];
  results.forEach((r, i) => {
    if (faulty.has(i)) {
      if (r.ok) return void problems.push(`item ${i} was signed despite its fault`);
      if (r.index !== i || r.error.index !== i || r.error.code !== "SIGNING_FAILED")
        problems.push(`item ${i}: ${r.error.code} at ${r.index}`);
      if (message !== undefined && !message.test(r.error.message))
        problems.push(`item ${i}: message ${r.error.message}`);
      return;
    }
    if (!r.ok) return void problems.push(`item ${i} failed: ${r.error.code} ${r.error.message}`);
    const parsed = parseSignedUrl(r.url);
    if (parsed.base !== urls[i]) problems.push(`item ${i}: wrong URL`);
    const signature = fromCloudFrontBase64(parsed.params.get("Signature") ?? "");
    const right =
      kind === "rsa"
        ? Buffer.from(fakeRsa(Buffer.from(parsed.policy))).equals(signature)
        : verifySignedUrl(r.url, ec.publicKey);
    if (!right) problems.push(`item ${i}: the signature is not the one for its policy`);
  });
  expect(problems).toEqual([]);
}

/** The same signer object signs a clean batch afterwards. */
async function stillUsable(h: Harness, kind: "ecdsa" | "rsa"): Promise<void> {
  h.heal();
  const results = await h.signer.signUrls(urls, { expires: EXPIRES });
  checkBatch(results, new Set(), kind);
}

/** Items 4,990 onwards get the faults in turn, `repeat` times over. */
function faultMap(faults: readonly [string, Fault][], repeat = 2): Map<number, Fault> {
  const map = new Map<number, Fault>();
  for (let k = 0; k < faults.length * repeat; k++) map.set(4990 + k, faults[k % faults.length]![1]);
  return map;
}

describe("faults mid-batch: reported per item, no wrong URL, the signer still usable", () => {
  test("ECDSA (DER): every kind of throw, rejection and malformed output", async () => {
    const h = await harness("ecdsa", faultMap(ECDSA_FAULTS));
    const results = await h.signer.signUrls(urls, { expires: EXPIRES });
    checkBatch(results, new Set(h.faults.keys()), "ecdsa");
    // Strict mode returns nothing and lists every failing index.
    const strict = await h.signer.signUrls(urls, { expires: EXPIRES, strict: true }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(strict).toMatchObject({ code: "BATCH_FAILED" });
    expect((strict as CfSignError).failures!.map((f) => f.index)).toEqual([...h.faults.keys()]);
    await stillUsable(h, "ecdsa");
  });

  test("RSA: wrong lengths (0, 255, 257, 512 bytes, 1 MiB), an ArrayBuffer, a throw; custom policies", async () => {
    const h = await harness("rsa", faultMap(RSA_FAULTS, 3));
    const results = await h.signer.signUrls(urls, { expires: EXPIRES, starts: NOW });
    checkBatch(results, new Set(h.faults.keys()), "rsa");
    await stillUsable(h, "rsa");
  });

  test("ECDSA raw r||s (signatureFormat p1363): 0, 63, 65 and 128 bytes fail, 64 are converted to DER", async () => {
    const faults = new Map<number, Fault>([
      [5000, () => new Uint8Array(63)],
      [5001, () => new Uint8Array(65)],
      [5002, () => new Uint8Array(0)],
      [
        5003,
        async (d, h) =>
          new Uint8Array([...(await ecdsa(d, h, ec.privateKey, true)), ...(await ecdsa(d, h, ec.privateKey, true))]),
      ],
    ]);
    const h = await harness("p1363", faults);
    checkBatch(await h.signer.signUrls(urls, { expires: EXPIRES }), new Set(faults.keys()), "ecdsa");
    await stillUsable(h, "ecdsa");
  });

  test("signUrl, signCookies, signPolicy and signStream report the same faults", async () => {
    const h = await harness(
      "ecdsa",
      new Map([
        [
          7,
          () => {
            throw new Error("no");
          },
        ],
      ]),
    );
    await expect(h.signer.signUrl(urls[7]!, { expires: EXPIRES })).rejects.toMatchObject({ code: "SIGNING_FAILED" });
    await expect(h.signer.signCookies({ resource: onCookieHost(urls[7]!), expires: EXPIRES })).rejects.toMatchObject({
      code: "SIGNING_FAILED",
    });
    await expect(h.signer.signPolicy({ resource: urls[7]!, expires: EXPIRES })).rejects.toMatchObject({
      code: "SIGNING_FAILED",
    });
    const seen: BatchResult[] = [];
    for await (const r of h.signer.signStream(urls.slice(0, 20), { expires: EXPIRES, window: 3 })) seen.push(r);
    expect(seen.map((r) => r.ok)).toEqual(urls.slice(0, 20).map((_, i) => i !== 7));
    expect(seen[7]).toMatchObject({ ok: false, index: 7, error: { code: "SIGNING_FAILED", index: 7 } });
  });
});

describe("signTimeoutMs", () => {
  test("items that hang, or answer after the timeout, fail with SIGNING_FAILED 'timed out'; the rest are signed", async () => {
    const late: Promise<void>[] = [];
    const faults = new Map<number, Fault>();
    // 1 s, not less: on a loaded 2-core CI machine an honest signature on the thread pool can
    // take a few hundred ms, and then a good item would time out too (this test was flaky at 200 ms).
    for (let i = 5000; i < 5010; i++) faults.set(i, () => new Promise(() => {}));
    for (let i = 6000; i < 6005; i++) {
      faults.set(i, () => {
        const answer = new Promise<Uint8Array>((resolve) =>
          setTimeout(() => resolve(new Uint8Array(70).fill(7)), 2500),
        );
        late.push(answer.then(() => undefined));
        return answer;
      });
    }
    const h = await harness("ecdsa", faults, { signTimeoutMs: 1000 });
    const started = performance.now();
    const results = await h.signer.signUrls(urls, { expires: EXPIRES });
    expect(performance.now() - started).toBeLessThan(20_000);
    checkBatch(results, new Set(faults.keys()), "ecdsa", /timed out.*1000 ms.*signTimeoutMs/);
    // The late answers arrive after the batch returned, and change nothing.
    const before = JSON.stringify(results);
    await Promise.all(late);
    expect(JSON.stringify(results)).toBe(before);
    await stillUsable(h, "ecdsa");
  });

  test("signUrl, signCookies, signPolicy and signStream time out too", async () => {
    const h = await harness("ecdsa", new Map([[3, () => new Promise(() => {})]]), { signTimeoutMs: 50 });
    const timedOut = { code: "SIGNING_FAILED", message: expect.stringMatching(/timed out/) };
    await expect(h.signer.signUrl(urls[3]!, { expires: EXPIRES })).rejects.toMatchObject(timedOut);
    await expect(h.signer.signCookies({ resource: onCookieHost(urls[3]!), expires: EXPIRES })).rejects.toMatchObject(
      timedOut,
    );
    await expect(h.signer.signPolicy({ resource: urls[3]!, expires: EXPIRES })).rejects.toMatchObject(timedOut);
    const seen: BatchResult[] = [];
    for await (const r of h.signer.signStream(urls.slice(0, 8), { expires: EXPIRES, window: 2 })) seen.push(r);
    expect(seen.map((r) => r.ok)).toEqual([true, true, true, false, true, true, true, true]);
  });

  test.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, "100"])(
    "refuses signTimeoutMs %s",
    async (ms) => {
      const custom: CustomSigner = { algorithm: "RSA", sign: async (d) => fakeRsa(d) };
      await expect(
        createSigner({ keyPairId: KID, privateKey: custom, signTimeoutMs: ms as number }),
      ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    },
  );

  test("is accepted, and has nothing to do, with a platform key", async () => {
    const pem = ec.privateKey.export({ type: "pkcs8", format: "pem" }) as string;
    const signer = await createSigner({ keyPairId: KID, privateKey: pem, signTimeoutMs: 1, clock: () => NOW_MS });
    const url = await signer.signUrl(urls[0]!, { expires: EXPIRES });
    expect(verifySignedUrl(url, ec.publicKey)).toBe(true);
  });

  test("leaves no timer behind: after a clean batch, and after a batch with timeouts", async () => {
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    let most = 0;
    const custom: CustomSigner = {
      algorithm: "RSA",
      sign: async (data) => {
        most = Math.max(most, timers()); // the timers of the calls in flight
        return fakeRsa(data);
      },
    };
    const clean = await createSigner({
      keyPairId: KID,
      privateKey: custom,
      signTimeoutMs: 600_000,
      clock: () => NOW_MS,
    });
    const before = timers();
    checkBatch(await clean.signUrls(urls, { expires: EXPIRES }), new Set(), "rsa");
    expect(most).toBeGreaterThan(before + 10);
    expect(timers()).toBeLessThanOrEqual(before);
    const hung = await harness("rsa", new Map([[1, () => new Promise(() => {})]]), { signTimeoutMs: 20 });
    await hung.signer.signUrls(urls.slice(0, 100), { expires: EXPIRES });
    expect(timers()).toBeLessThanOrEqual(before);
  });
});

describe("signTimeoutMs: memory and process lifetime", () => {
  let gc: () => void;
  beforeAll(() => {
    setFlagsFromString("--expose-gc");
    gc = runInNewContext("gc") as () => void;
  });
  /** Heap plus memory outside it (ArrayBuffer contents such as policy bytes live there). */
  const heap = (): number => {
    gc();
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.external;
  };
  // 4 KiB URLs: a timed-out call that kept its policy bytes would show as ~4 KiB per call.
  const big = Array.from({ length: 1000 }, (_, i) => `${HOST}/${"x".repeat(4000)}/${i}.jpg`);

  test("20,000 timed-out calls that the signer drops leave the heap flat", async () => {
    const custom: CustomSigner = { algorithm: "RSA", sign: () => new Promise(() => {}) };
    const signer = await createSigner({ keyPairId: KID, privateKey: custom, signTimeoutMs: 1, clock: () => NOW_MS });
    await signer.signUrls(big, { expires: EXPIRES }); // warm-up: the WASM memory grows to its size for this batch once
    const before = heap();
    for (let k = 0; k < 20; k++) {
      const results = await signer.signUrls(big, { expires: EXPIRES });
      expect(results.every((r) => !r.ok && r.error.code === "SIGNING_FAILED")).toBe(true);
    }
    const growth = heap() - before;
    expect(growth).toBeLessThan(4 * 1024 * 1024);
  }, 60_000);

  test("10,000 timed-out calls that the signer keeps forever cost it well under 1 KiB each (no policy bytes kept)", async () => {
    const held: unknown[] = [];
    const custom: CustomSigner = { algorithm: "RSA", sign: () => new Promise((resolve) => void held.push(resolve)) };
    const signer = await createSigner({ keyPairId: KID, privateKey: custom, signTimeoutMs: 1, clock: () => NOW_MS });
    await signer.signUrls(big, { expires: EXPIRES });
    held.length = 0;
    const before = heap();
    for (let k = 0; k < 10; k++) await signer.signUrls(big, { expires: EXPIRES });
    const perCall = (heap() - before) / held.length;
    expect(held.length).toBe(10_000);
    expect(perCall).toBeLessThan(1024);
  }, 60_000);

  test("a signer that never answers does not keep the process alive past the timeout", async () => {
    if (!existsSync(join(ROOT, "dist/index.js")))
      throw new Error("dist/ is missing: run `npm run build` first (npm test does)");
    const script = `
      import { createSigner } from ${JSON.stringify(new URL("../dist/index.js", import.meta.url).href)};
      const hang = { algorithm: "ECDSA", sign: () => new Promise(() => {}) };
      const fast = { algorithm: "RSA", sign: async () => new Uint8Array(256) };
      const expires = Math.floor(Date.now() / 1000) + 3600;
      const a = await createSigner({ keyPairId: "K", privateKey: hang, signTimeoutMs: 300 });
      const r = await a.signUrls(["https://d111111abcdef8.cloudfront.net/a.jpg", "https://d111111abcdef8.cloudfront.net/b.jpg"], { expires });
      // A long timeout on calls that do answer: cleared at once, so it must not hold the process either.
      const b = await createSigner({ keyPairId: "K", privateKey: fast, signTimeoutMs: 3_600_000 });
      const u = await b.signUrl("https://d111111abcdef8.cloudfront.net/c.jpg", { expires });
      console.log(JSON.stringify({ codes: r.map((x) => x.ok ? "ok" : x.error.code), signed: u.length > 0 }));`;
    const started = performance.now();
    const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      const kill = setTimeout(() => child.kill("SIGKILL"), 20_000);
      child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
      child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
      child.on("error", reject);
      child.on("close", (status) => {
        clearTimeout(kill);
        resolve({ status, stdout, stderr });
      });
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ codes: ["SIGNING_FAILED", "SIGNING_FAILED"], signed: true });
    expect(performance.now() - started).toBeLessThan(15_000);
  }, 30_000);
});

describe("SHA-1 refused by the platform (simulated as a hardened OpenSSL refuses it)", () => {
  /** What node:crypto throws for sha1 under RHEL 9's DEFAULT policy, and under a FIPS provider. */
  const hardened = (): Error =>
    Object.assign(new Error("error:03000098:digital envelope routines::invalid digest"), {
      code: "ERR_OSSL_EVP_INVALID_DIGEST",
      library: "digital envelope routines",
      reason: "invalid digest",
    });
  const fips = (): Error =>
    Object.assign(new Error("error:0308010C:digital envelope routines::unsupported"), {
      code: "ERR_OSSL_EVP_UNSUPPORTED",
    });
  const explicit = (): Error => new CfSignError("UNSUPPORTED_HASH", "our KMS key only does SHA-256");

  const refusing = (refusal: () => Error): CustomSigner => ({
    algorithm: "ECDSA",
    sign: async (data, hash) => {
      if (hash === "SHA1") throw refusal();
      return ecdsa(data, hash);
    },
  });

  test.each([
    ["hardened OpenSSL (invalid digest)", hardened],
    ["FIPS provider (unsupported)", fips],
    ["a custom signer's own UNSUPPORTED_HASH", explicit],
  ] as const)(
    "%s: the whole batch fails with UNSUPPORTED_HASH naming SHA-256, never an empty signature",
    async (_name, refusal) => {
      const signer = await createSigner({
        keyPairId: KID,
        privateKey: refusing(refusal),
        hashAlgorithm: "SHA1",
        clock: () => NOW_MS,
      });
      const fixNamed = { code: "UNSUPPORTED_HASH", message: expect.stringMatching(/hashAlgorithm: "SHA256"/) };
      const err = await signer.signUrls(urls, { expires: EXPIRES }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(CfSignError);
      expect(err).toMatchObject(fixNamed);
      expect((err as CfSignError).cause).toBeInstanceOf(Error);
      await expect(signer.signUrl(urls[0]!, { expires: EXPIRES })).rejects.toMatchObject(fixNamed);
      await expect(signer.signCookies({ resource: onCookieHost(urls[0]!), expires: EXPIRES })).rejects.toMatchObject(
        fixNamed,
      );
      await expect(signer.signPolicy({ resource: `${HOST}/*`, expires: EXPIRES })).rejects.toMatchObject(fixNamed);
      const stream = async (): Promise<void> => {
        for await (const r of signer.signStream(urls.slice(0, 50), { expires: EXPIRES })) void r;
      };
      await expect(stream()).rejects.toMatchObject(fixNamed);
      // The same custom signer with SHA-256, as the message says: every URL verifies.
      const fixed = await createSigner({
        keyPairId: KID,
        privateKey: refusing(refusal),
        hashAlgorithm: "SHA256",
        clock: () => NOW_MS,
      });
      checkBatch(await fixed.signUrls(urls.slice(0, 1000), { expires: EXPIRES }), new Set(), "ecdsa", undefined, 1000);
    },
  );

  test("the refusal in the middle of a batch (a policy change mid-run) still fails the whole batch", async () => {
    let calls = 0;
    const custom: CustomSigner = {
      algorithm: "ECDSA",
      sign: async (data, hash) => {
        if (++calls > 5000) throw hardened();
        return ecdsa(data, hash);
      },
    };
    const signer = await createSigner({
      keyPairId: KID,
      privateKey: custom,
      hashAlgorithm: "SHA1",
      clock: () => NOW_MS,
    });
    await expect(signer.signUrls(urls, { expires: EXPIRES })).rejects.toMatchObject({ code: "UNSUPPORTED_HASH" });
  });

  test("with SHA-256, an unrelated failure stays a per-item SIGNING_FAILED (no guessing)", async () => {
    const h = await harness(
      "ecdsa",
      new Map([
        [
          10,
          () => {
            throw hardened();
          },
        ],
      ]),
    );
    const results = await h.signer.signUrls(urls.slice(0, 20), { expires: EXPIRES });
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && [r.index, r.error.code])).toEqual([[10, "SIGNING_FAILED"]]);
  });

  test("with SHA-1, any other failure is per item, and its message mentions SHA-256", async () => {
    const h = await harness(
      "ecdsa",
      new Map([
        [
          10,
          () => {
            throw new Error("throttled");
          },
        ],
      ]),
      { hash: "SHA1" },
    );
    const results = await h.signer.signUrls(urls.slice(0, 20), { expires: EXPIRES });
    const failed = results.filter((r) => !r.ok);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      index: 10,
      error: { code: "SIGNING_FAILED", message: expect.stringMatching(/SHA256/) },
    });
  });
});
