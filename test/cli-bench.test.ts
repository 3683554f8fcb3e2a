/**
 * `cfsign bench` (src/cli/commands/bench.ts), run for real (`node bin/cfsign.js`, which needs
 * `dist/`), with small counts so each run stays well under a second of signing.
 */
import { createPrivateKey } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { cfsign, requireBuild } from "./helpers/cli.js";
import { ecKey, rsaKey } from "./helpers/keys.js";

const KPID = "K2JCJMDEHXQW5F";
const dir = mkdtempSync(join(tmpdir(), "cfsign-bench-"));
const ecPath = join(dir, "ec.pem");
const rsaPath = join(dir, "rsa.pem");

beforeAll(() => {
  requireBuild();
  writeFileSync(ecPath, ecKey().privatePem, { mode: 0o600 });
  writeFileSync(rsaPath, rsaKey().privatePem, { mode: 0o600 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const OPERATIONS = ["signUrls", "shared policy (applyAll)", "rewriteLines", "signCookies"];

describe("cfsign bench", () => {
  test("--json reports every operation's count and rate, the key's type and the machine, and no key material", async () => {
    const run = await cfsign(["bench", "--key-pair-id", KPID, "--private-key", ecPath, "--count", "40", "--json"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout) as {
      key: { keyPairId: string; algorithm: string; hashAlgorithm: string };
      machine: { cores: number; node: string; loadAverage: number[] };
      results: { operation: string; count: number; seconds: number; perSecond: number; unit: string }[];
    };
    expect(out.key).toMatchObject({ keyPairId: KPID, algorithm: "ECDSA", hashAlgorithm: "SHA256" });
    expect(out.machine.cores).toBeGreaterThan(0);
    expect(out.machine.node).toBe(process.version);
    expect(out.results.map((r) => r.operation)).toEqual(OPERATIONS);
    expect(out.results.map((r) => r.count)).toEqual([40, 40, 40, 4]);
    for (const r of out.results) {
      expect(r.perSecond).toBeGreaterThan(0);
      expect(r.perSecond).toBeCloseTo(r.count / r.seconds, 0);
    }
    expect(run.stdout).not.toContain("PRIVATE KEY");
    expect(run.stdout).not.toMatch(/MII[A-Za-z0-9+/]{20}/); // no base64 DER of a key
  });

  test("the table names the key type and the machine, one row per operation (RSA)", async () => {
    const run = await cfsign(["bench", "--key-pair-id", KPID, "--private-key", rsaPath, "--count", "8"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^cfsign bench: key K2JCJMDEHXQW5F \(RSA-2048, SHA256\)/);
    expect(run.stdout).toMatch(/\nmachine: \d+ cores, .*node v\d+/);
    for (const op of OPERATIONS) expect(run.stdout).toContain(op);
    expect(run.stdout).toMatch(/URLs\/s/);
    expect(run.stdout).not.toContain("PRIVATE KEY");
  });

  test("bad or missing options are usage errors (exit 2) that never echo the key file's content", async () => {
    const missing = await cfsign(["bench", "--private-key", ecPath]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("--key-pair-id");
    for (const count of ["0", "-5", "1.5", "many", "1000001"]) {
      const bad = await cfsign(["bench", "--key-pair-id", KPID, "--private-key", ecPath, "--count", count]);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain("--count");
    }
    const notAKey = join(dir, "not-a-key.pem");
    writeFileSync(notAKey, "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWJ1dC1ub3QtYS1rZXk=\n-----END PRIVATE KEY-----\n");
    const refused = await cfsign(["bench", "--key-pair-id", KPID, "--private-key", notAKey, "--count", "5"]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).not.toContain("c2VjcmV0");
  });

  test("--url, --hash-algorithm SHA1 and an encrypted key with --passphrase-env work as for cfsign sign", async () => {
    const encPath = join(dir, "ec-encrypted.pem");
    const encrypted = createPrivateKey(ecKey().privatePem).export({
      type: "pkcs8",
      format: "pem",
      cipher: "aes-256-cbc",
      passphrase: "correct horse",
    });
    writeFileSync(encPath, encrypted, { mode: 0o600 });
    const args = ["bench", "--key-pair-id", KPID, "--private-key", encPath, "--count", "6", "--json"];
    const run = await cfsign(
      [...args, "--passphrase-env", "BENCH_PASS", "--hash-algorithm", "SHA1", "--url", "https://media.example.com/v/"],
      { env: { BENCH_PASS: "correct horse" } },
    );
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout) as { key: { hashAlgorithm: string }; results: { count: number }[] };
    expect(out.key.hashAlgorithm).toBe("SHA1");
    expect(out.results.map((r) => r.count)).toEqual([6, 6, 6, 1]);
    expect(run.stdout).not.toContain("correct horse");
    // Without the passphrase the key is refused; a --url that is not a URL is refused as sign refuses it.
    const noPass = await cfsign(args);
    expect(noPass.status).toBe(2);
    expect(noPass.stderr).toContain("INVALID_KEY");
    const badUrl = await cfsign([...args, "--passphrase-env", "BENCH_PASS", "--url", "media/v"], {
      env: { BENCH_PASS: "correct horse" },
    });
    expect(badUrl.status).toBe(1);
    expect(badUrl.stderr).toMatch(/^cfsign: INVALID_URL: /);
  });

  test("its help gives the exit status of every code it can end with", async () => {
    const run = await cfsign(["bench", "--help"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/\n {2}1 {2}--url was refused as a URL to sign:\n {6}INVALID_URL,/);
    expect(run.stdout).toMatch(/\n {2}2 {2}usage or key error:\n {6}USAGE, KEY_FILE, .*INVALID_KEY,/);
    expect(run.stdout).not.toContain("EXPIRES_IN_PAST");
  });

  test("cfsign --help lists bench", async () => {
    const run = await cfsign(["--help"]);
    expect(run.stdout).toMatch(/\n {2}bench +measure URLs per second/);
  });
});
