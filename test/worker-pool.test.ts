/**
 * The Node-only signing pool (src/node/worker-pool.ts) signs exactly what the
 * thread-pool path signs: RSA byte for byte (PKCS#1 v1.5 is deterministic),
 * ECDSA verifying as DER; results in input order; failures in their slot; and
 * an idle pool never keeps the process alive.
 */
import { execFileSync } from "node:child_process";
import { sign as nodeSign, verify } from "node:crypto";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import { CfSignError } from "../src/errors.js";
import { createSigningPool, type SigningPool } from "../src/node/worker-pool.js";
import { ecKey, rsaKey } from "./helpers/keys.js";

const encoder = new TextEncoder();
const policies = (n: number, tag: string): Uint8Array[] =>
  Array.from({ length: n }, (_, i) =>
    encoder.encode(
      `{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/${tag}/${i}.jpg",` +
        `"Condition":{"DateLessThan":{"AWS:EpochTime":${1_900_000_000 + i}}}}]}`,
    ),
  );

const pools: SigningPool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

describe("createSigningPool", () => {
  test("RSA signatures are byte-identical to crypto.sign, in input order, across many chunks", async () => {
    const key = rsaKey();
    for (const hash of ["SHA256", "SHA1"] as const) {
      const pool = createSigningPool(key.privateKey, "RSA", hash, { size: 2, maxChunk: 3 });
      pools.push(pool);
      const payloads = policies(41, hash);
      const sigs = await pool.signMany(payloads);
      expect(sigs).toHaveLength(payloads.length);
      for (let i = 0; i < payloads.length; i++) {
        const expected = nodeSign(hash === "SHA256" ? "sha256" : "sha1", payloads[i]!, key.privateKey);
        expect(Buffer.from(sigs[i] as Uint8Array).equals(expected)).toBe(true);
      }
    }
  });

  test("ECDSA signatures are DER and verify with the public key", async () => {
    const key = ecKey();
    const pool = createSigningPool(key.privateKey, "ECDSA", "SHA256", { size: 2, maxChunk: 7 });
    pools.push(pool);
    const payloads = policies(300, "ec");
    const sigs = await pool.signMany(payloads);
    for (let i = 0; i < payloads.length; i++) {
      const sig = sigs[i] as Uint8Array;
      expect(sig[0]).toBe(0x30);
      expect(sig.length).toBeGreaterThanOrEqual(8);
      expect(sig.length).toBeLessThanOrEqual(72);
      expect(verify("sha256", payloads[i]!, { key: key.publicKey, dsaEncoding: "der" }, sig)).toBe(true);
    }
    // Each payload has its own signature: a shuffled order would fail verification above,
    // and a signature never verifies another payload.
    expect(verify("sha256", payloads[1]!, { key: key.publicKey, dsaEncoding: "der" }, sigs[0] as Uint8Array)).toBe(
      false,
    );
  });

  test("an empty batch, concurrent batches and a reused pool", async () => {
    const key = ecKey();
    const pool = createSigningPool(key.privateKey, "ECDSA", "SHA256", { size: 1 });
    pools.push(pool);
    expect(await pool.signMany([])).toEqual([]);
    const a = policies(50, "a");
    const b = policies(70, "b");
    const [sa, sb] = await Promise.all([pool.signMany(a), pool.signMany(b)]);
    for (const [payloads, sigs] of [
      [a, sa],
      [b, sb],
    ] as const) {
      for (let i = 0; i < payloads.length; i++) {
        expect(verify("sha256", payloads[i]!, { key: key.publicKey, dsaEncoding: "der" }, sigs[i] as Uint8Array)).toBe(
          true,
        );
      }
    }
  });

  test("a closed pool refuses work with SIGNING_FAILED", async () => {
    const pool = createSigningPool(ecKey().privateKey, "ECDSA", "SHA256", { size: 1 });
    await pool.signMany(policies(2, "x"));
    await pool.close();
    await expect(pool.signMany(policies(1, "y"))).rejects.toMatchObject({ code: "SIGNING_FAILED" });
  });

  test("threads that stop mid-batch fail the batch with SIGNING_FAILED, never a partial result", async () => {
    const pool = createSigningPool(rsaKey().privateKey, "RSA", "SHA256", { size: 2, maxChunk: 4 });
    const pending = pool.signMany(policies(2000, "stop"));
    const outcome = expect(pending).rejects.toMatchObject({ code: "SIGNING_FAILED" }); // handled before it rejects
    await new Promise((resolve) => setTimeout(resolve, 50)); // the threads are up and signing
    await pool.close();
    await outcome;
  });

  test("close() during a batch rejects it saying the signer was closed, not that a thread stopped (#12 item 15)", async () => {
    const pool = createSigningPool(rsaKey().privateKey, "RSA", "SHA256", { size: 2, maxChunk: 4 });
    const pending = pool.signMany(policies(2000, "closed"));
    const outcome = expect(pending).rejects.toMatchObject({
      code: "SIGNING_FAILED",
      message: expect.stringMatching(/^the signer was closed/),
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await pool.close();
    await outcome;
    await expect(pool.signMany(policies(1, "after"))).rejects.toMatchObject({
      message: expect.stringMatching(/^the signer was closed/),
    });
  });

  test("bad options are refused", () => {
    const key = ecKey().privateKey;
    expect(() => createSigningPool(key, "ECDSA", "SHA256", { size: 0 })).toThrow(CfSignError);
    expect(() => createSigningPool(key, "ECDSA", "SHA256", { size: 1.5 })).toThrow(CfSignError);
    expect(() => createSigningPool(key, "ECDSA", "SHA256", { maxChunk: -1 })).toThrow(CfSignError);
  });

  // Runs the built package (npm test builds first): a child process has no TypeScript loader. The pool is
  // reached the way users reach it, through createSigner's `workers` option (dist/worker-signing.js).
  test("an idle pool does not keep the process alive, and a pending batch does", () => {
    const script = `
      const { createPublicKey, generateKeyPairSync, verify } = await import("node:crypto");
      const { createSigner } = await import(${JSON.stringify(new URL("../dist/index.js", import.meta.url).href)});
      const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
      const signer = await createSigner({ keyPairId: "K2JCJMDEHXQW5F", privateKey, workers: 2 });
      if (signer.workers !== 2) throw new Error("no worker pool");
      const url = await signer.signUrl("https://d111111abcdef8.cloudfront.net/a.jpg", { expires: 4102444800 });
      const q = new URL(url).searchParams;
      const policy = '{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/a.jpg","Condition":{"DateLessThan":{"AWS:EpochTime":4102444800}}}]}';
      const sig = Buffer.from(q.get("Signature").replace(/-/g, "+").replace(/_/g, "=").replace(/~/g, "/"), "base64");
      console.log(verify("sha256", Buffer.from(policy), publicKey, sig) ? "verified" : "bad");
    `;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      timeout: 20_000,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    expect(out.trim()).toBe("verified");
  });
});
