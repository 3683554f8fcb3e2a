/**
 * cfsign/kms against a real KMS API on loopback: moto's emulator, started here on a free
 * port and stopped after, driven with the real @aws-sdk/client-kms through
 * AWS_ENDPOINT_URL_KMS and dummy credentials. Keys created there sign URLs, cookies and
 * playlists through the library and the CLI; every signature is verified with the public
 * key KMS returns (node:crypto, the openssl CLI, verifyUrl). A proxy between the SDK and
 * the emulator injects throttling, 500s and 503s, and counts the requests.
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  constants,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  privateEncrypt,
  verify,
} from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateAliasCommand,
  CreateKeyCommand,
  GetPublicKeyCommand,
  KMSClient,
  type KeySpec,
} from "@aws-sdk/client-kms";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CfSignError, createSigner, verifyCookies, verifyUrl } from "../src/index.js";
import { kmsSigner, type KmsSigner } from "../src/kms.js";
import { signedCookiesProblems, signedUrlProblems } from "./helpers/check-signed.js";
import { cfsign, requireBuild, ROOT } from "./helpers/cli.js";
import { startKmsProxy, type KmsProxy } from "./helpers/kms-proxy.js";
import { MOTO_ENV, startMoto, type Moto } from "./helpers/moto.js";
import { fromCloudFrontBase64, parseSignedUrl } from "./helpers/verify.js";

const HOST = "https://d111111abcdef8.cloudfront.net";
/** Signed cookies need the distribution's alternate domain name: none reach a *.cloudfront.net host. */
const COOKIE_HOST = "https://media.example.com";
const KID = "K2JCJMDEHXQW5F";
const EXPIRES = Math.floor(Date.now() / 1000) + 3600;
const FAST_RETRY = { baseDelayMs: 1, maxDelayMs: 20 } as const;

let moto: Moto;
let proxy: KmsProxy;
let admin: KMSClient;
const keys: Partial<Record<KeySpec | "ENCRYPT", string>> = {};

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startKmsProxy(moto.endpoint);
  // The library's clients find the proxy the way a deployment finds KMS: the SDK's own endpoint setting.
  Object.assign(process.env, MOTO_ENV, { AWS_ENDPOINT_URL_KMS: proxy.endpoint });
  admin = new KMSClient({
    endpoint: moto.endpoint,
    region: MOTO_ENV.AWS_REGION,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  });
  for (const spec of ["RSA_2048", "ECC_NIST_P256", "RSA_3072", "ECC_NIST_P384", "ECC_SECG_P256K1"] as const) {
    const made = await admin.send(
      new CreateKeyCommand({ KeySpec: spec, KeyUsage: "SIGN_VERIFY", Description: `cfsign test ${spec}` }),
    );
    keys[spec] = made.KeyMetadata!.KeyId!;
  }
  keys.ENCRYPT = (
    await admin.send(new CreateKeyCommand({ KeySpec: "SYMMETRIC_DEFAULT", KeyUsage: "ENCRYPT_DECRYPT" }))
  ).KeyMetadata!.KeyId!;
  await admin.send(new CreateAliasCommand({ AliasName: "alias/cloudfront-rsa", TargetKeyId: keys.RSA_2048 }));
}, 200_000);

afterAll(async () => {
  admin?.destroy();
  await proxy?.close();
  await moto?.stop();
}, 10_000);

/** A client as an application makes it: region, credentials and endpoint from the environment; retries left to cfsign. */
const client = (): KMSClient => new KMSClient({ maxAttempts: 1 });

const url = (i: number | string): string => `${HOST}/gallery/photo-${i}.jpg`;

function verified(
  signedUrl: string,
  base: string,
  kms: KmsSigner,
  custom = false,
  grant: { ipAddress?: string } = {},
): string[] {
  return signedUrlProblems(
    signedUrl,
    base,
    { custom, resource: base, expires: EXPIRES, ...grant },
    { publicKey: createPublicKey(kms.publicKeyPem), keyPairId: KID, hash: "SHA256" },
  );
}

async function publicKeyOf(keyId: string): Promise<Uint8Array> {
  return (await admin.send(new GetPublicKeyCommand({ KeyId: keyId }))).PublicKey!;
}

describe("keys created in KMS sign through the library", () => {
  test.each([
    ["RSA_2048", "alias/cloudfront-rsa", "RSA", "RSASSA_PKCS1_V1_5_SHA_256"],
    ["ECC_NIST_P256", undefined, "ECDSA", "ECDSA_SHA_256"],
  ] as const)(
    "%s: URLs, a custom policy, cookies, a per-URI and a shared playlist, each signature verified with the public key KMS returns",
    async (spec, alias, algorithm, signingAlgorithm) => {
      proxy.reset();
      const kms = await kmsSigner({ client: client(), keyId: alias ?? keys[spec]! });
      expect([kms.keySpec, kms.algorithm, kms.signingAlgorithm]).toEqual([spec, algorithm, signingAlgorithm]);
      expect(kms.keyArn).toContain(keys[spec]!);
      expect(Buffer.from(kms.publicKeyDer).equals(Buffer.from(await publicKeyOf(keys[spec]!)))).toBe(true);
      expect(
        createPublicKey(kms.publicKeyPem).export({ type: "spki", format: "der" }).equals(Buffer.from(kms.publicKeyDer)),
      ).toBe(true);
      const signer = await createSigner({ keyPairId: KID, privateKey: kms });
      const publicKeys = { [KID]: kms.publicKeyPem };

      const urls = Array.from({ length: 12 }, (_, i) => url(i));
      const results = await signer.signUrls(urls, { expires: EXPIRES });
      for (const [i, r] of results.entries()) {
        expect(r.ok).toBe(true);
        if (!r.ok) continue;
        expect(verified(r.url, urls[i]!, kms)).toEqual([]);
        expect((await verifyUrl(r.url, { publicKeys })).valid).toBe(true);
      }
      const custom = await signer.signUrl(url("custom"), { expires: EXPIRES, ipAddress: "192.0.2.0/24" });
      expect(verified(custom, url("custom"), kms, true, { ipAddress: "192.0.2.0/24" })).toEqual([]);
      expect((await verifyUrl(custom, { publicKeys, clientIp: "192.0.2.7" })).valid).toBe(true);

      const cookies = await signer.signCookies({ resource: `${COOKIE_HOST}/gallery/*`, expires: EXPIRES });
      expect(
        signedCookiesProblems(
          cookies,
          { custom: true, resource: `${COOKIE_HOST}/gallery/*`, expires: EXPIRES },
          {
            publicKey: createPublicKey(kms.publicKeyPem),
            keyPairId: KID,
            hash: "SHA256",
          },
        ),
      ).toEqual([]);
      expect(
        (
          await verifyCookies(`${COOKIE_HOST}/gallery/photo-99.jpg`, cookies.cookies as Record<string, string>, {
            publicKeys,
          })
        ).valid,
      ).toBe(true);

      const playlist =
        "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6,\nseg-0.ts\n#EXTINF:6,\nseg-1.ts\n#EXTINF:6,\nseg-2.ts\n#EXT-X-ENDLIST\n";
      for (const mode of ["per-uri", "shared"] as const) {
        const signed = await signer.signPlaylist(playlist, {
          baseUrl: `${HOST}/videos/intro/index.m3u8`,
          expires: EXPIRES,
          mode,
        });
        expect([signed.signed, signed.failures.length]).toEqual([3, 0]);
        const lines = signed.text.split("\n").filter((l) => l.startsWith("https://"));
        expect(lines).toHaveLength(3);
        for (const line of lines) expect((await verifyUrl(line, { publicKeys })).valid).toBe(true);
      }
      // One GetPublicKey; one Sign per URL, custom URL, cookie set, per-URI segment and shared policy.
      expect(proxy.counts.get("GetPublicKey")).toBe(1);
      expect(proxy.counts.get("Sign")).toBe(12 + 1 + 1 + 3 + 1);
      expect(kms.stats).toMatchObject({
        signRequests: 18,
        getPublicKeyRequests: 1,
        signatures: 18,
        failures: 0,
        throttled: 0,
      });
    },
    60_000,
  );

  test("the openssl CLI verifies an RSA and an ECDSA signature made by KMS with the public key KMS returns", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cfsign-kms-openssl-"));
    try {
      for (const spec of ["RSA_2048", "ECC_NIST_P256"] as const) {
        const kms = await kmsSigner({ client: client(), keyId: keys[spec]! });
        const signer = await createSigner({ keyPairId: KID, privateKey: kms });
        const signed = await signer.signUrl(url(spec), { expires: EXPIRES });
        const parsed = parseSignedUrl(signed);
        const signature = fromCloudFrontBase64(new URL(signed).searchParams.get("Signature")!);
        writeFileSync(join(dir, "policy.json"), parsed.policy);
        writeFileSync(join(dir, "signature.bin"), signature);
        writeFileSync(join(dir, "public.pem"), kms.publicKeyPem);
        const out = execFileSync(
          "openssl",
          [
            "dgst",
            "-sha256",
            "-verify",
            join(dir, "public.pem"),
            "-signature",
            join(dir, "signature.bin"),
            join(dir, "policy.json"),
          ],
          { encoding: "utf8", timeout: 10_000 },
        );
        expect(out.trim()).toBe("Verified OK");
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe("keys and hashes CloudFront cannot use are refused before any signature", () => {
  test.each([
    ["RSA_3072", /RSA_3072; CloudFront accepts only RSA_2048 and ECC_NIST_P256/],
    ["ECC_NIST_P384", /ECC_NIST_P384; CloudFront accepts only/],
    ["ECC_SECG_P256K1", /ECC_SECG_P256K1; CloudFront accepts only/],
    ["ENCRYPT", /ENCRYPT_DECRYPT; CloudFront signing needs an asymmetric SIGN_VERIFY key/],
  ] as const)("a %s key: UNSUPPORTED_KEY", async (which, message) => {
    proxy.reset();
    const err = await kmsSigner({ client: client(), keyId: keys[which]! }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CfSignError);
    expect((err as CfSignError).code).toBe("UNSUPPORTED_KEY");
    expect((err as CfSignError).message).toMatch(message);
    expect(proxy.counts.get("Sign")).toBeUndefined();
  });

  test("a key that does not exist: KEY_UNAVAILABLE naming NotFoundException, after one request", async () => {
    proxy.reset();
    const err = await kmsSigner({ client: client(), keyId: "11111111-2222-3333-4444-555555555555" }).catch(
      (e: unknown) => e,
    );
    expect((err as CfSignError).code).toBe("KEY_UNAVAILABLE");
    expect((err as CfSignError).message).toMatch(/GetPublicKey failed \(NotFoundException\)/);
    expect(proxy.counts.get("GetPublicKey")).toBe(1);
  });

  test("SHA-1: createSigner refuses it with UNSUPPORTED_HASH saying KMS has no SHA-1 algorithm, and sends no Sign request", async () => {
    proxy.reset();
    const kms = await kmsSigner({ client: client(), keyId: keys.RSA_2048! });
    const err = await createSigner({ keyPairId: KID, privateKey: kms, hashAlgorithm: "SHA1" }).catch((e: unknown) => e);
    expect((err as CfSignError).code).toBe("UNSUPPORTED_HASH");
    expect((err as CfSignError).message).toMatch(
      /AWS KMS cannot sign with SHA-1: it has no SHA-1 signing algorithm.*hashAlgorithm: "SHA256"/,
    );
    // Called directly, the signer refuses too.
    await expect(kms.sign(new Uint8Array(10), "SHA1")).rejects.toMatchObject({ code: "UNSUPPORTED_HASH" });
    expect(proxy.counts.get("Sign")).toBeUndefined();
  });
});

describe("the key spec is read from KeySpec (the service) or CustomerMasterKeySpec (older answers, moto)", () => {
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const der = (k: typeof rsa.publicKey): Uint8Array => new Uint8Array(k.export({ type: "spki", format: "der" }));
  const stub = (answer: Record<string, unknown>) => ({
    async send(command: object) {
      if (command instanceof GetPublicKeyCommand)
        return { KeyId: "arn:aws:kms:us-east-1:111122223333:key/k", KeyUsage: "SIGN_VERIFY", ...answer };
      throw new Error("no Sign expected");
    },
  });

  test.each([
    ["KeySpec only (the service today)", { KeySpec: "RSA_2048", PublicKey: der(rsa.publicKey) }, "RSA_2048"],
    [
      "CustomerMasterKeySpec only (moto)",
      { CustomerMasterKeySpec: "ECC_NIST_P256", PublicKey: der(ec.publicKey) },
      "ECC_NIST_P256",
    ],
    [
      "both, KeySpec wins",
      { KeySpec: "ECC_NIST_P256", CustomerMasterKeySpec: "RSA_2048", PublicKey: der(ec.publicKey) },
      "ECC_NIST_P256",
    ],
  ] as const)("%s", async (_name, answer, spec) => {
    expect((await kmsSigner({ client: stub(answer) as never, keyId: "k" })).keySpec).toBe(spec);
  });

  test.each([
    [
      "a spec that names RSA_2048 over a P-256 public key",
      { KeySpec: "RSA_2048", PublicKey: der(ec.publicKey) },
      /not an RSA key/,
    ],
    [
      "RSA_4096 in KeySpec, RSA_2048 in the deprecated field",
      { KeySpec: "RSA_4096", CustomerMasterKeySpec: "RSA_2048", PublicKey: der(rsa.publicKey) },
      /RSA_4096/,
    ],
    ["no spec at all", { PublicKey: der(rsa.publicKey) }, /named no key spec/],
    [
      "no RSASSA_PKCS1_V1_5_SHA_256 among the signing algorithms",
      { KeySpec: "RSA_2048", SigningAlgorithms: ["RSASSA_PSS_SHA_256"], PublicKey: der(rsa.publicKey) },
      /does not offer RSASSA_PKCS1_V1_5_SHA_256/,
    ],
    ["no public key", { KeySpec: "RSA_2048" }, /no public key/],
  ] as const)("refused: %s", async (_name, answer, message) => {
    const err = await kmsSigner({ client: stub(answer) as never, keyId: "k" }).catch((e: unknown) => e);
    expect((err as CfSignError).code).toBe("UNSUPPORTED_KEY");
    expect((err as CfSignError).message).toMatch(message);
  });

  test("a policy over KMS's 4,096-byte RAW limit is sent as its SHA-256 DIGEST, and the signature verifies", async () => {
    const privateKey = createPrivateKey(rsa.privateKey.export({ type: "pkcs8", format: "pem" }));
    const seen: string[] = [];
    const kms = await kmsSigner({
      client: {
        async send(command: { input: Record<string, unknown> }) {
          if (command instanceof GetPublicKeyCommand)
            return { KeySpec: "RSA_2048", KeyUsage: "SIGN_VERIFY", PublicKey: der(rsa.publicKey) };
          const { Message, MessageType } = command.input as { Message: Uint8Array; MessageType: string };
          seen.push(`${MessageType}:${Message.length}`);
          // RSASSA-PKCS1-v1_5 over a digest the caller computed: DigestInfo(SHA-256) || digest (RFC 8017 §9.2).
          const digest =
            MessageType === "DIGEST" ? Buffer.from(Message) : createHash("sha256").update(Message).digest();
          const digestInfo = Buffer.concat([Buffer.from("3031300d060960864801650304020105000420", "hex"), digest]);
          return {
            Signature: new Uint8Array(
              privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING }, digestInfo),
            ),
            SigningAlgorithm: "RSASSA_PKCS1_V1_5_SHA_256",
          };
        },
      } as never,
      keyId: "k",
    });
    const signer = await createSigner({ keyPairId: KID, privateKey: kms });
    const long = await signer.signPolicy({ resource: `${HOST}/${"a".repeat(4200)}/*`, expires: EXPIRES });
    const short = await signer.signPolicy({ resource: `${HOST}/gallery/*`, expires: EXPIRES });
    expect(seen[0]).toBe("DIGEST:32");
    expect(seen[1]).toMatch(/^RAW:\d{2,3}$/);
    // Such a policy is too long for any URL (CloudFront's 8,192 bytes), so its signature is checked directly.
    expect(long.policy.length).toBeGreaterThan(4096);
    const signature = fromCloudFrontBase64(/Signature=([^&]+)/.exec(long.query)![1]!);
    expect(verify("sha256", long.policy, rsa.publicKey, signature)).toBe(true);
    expect((await verifyUrl(short.apply(url(1)), { publicKeys: { [KID]: rsa.publicKey } })).valid).toBe(true);
  });
});

describe("throttling and transient failures injected between the SDK and KMS", () => {
  test("every URL is still signed correctly: throttled, 500 and 503 answers are retried with backoff", async () => {
    proxy.reset();
    proxy.decide = ({ operation, n }) =>
      operation !== "Sign"
        ? "pass"
        : n % 3 === 0
          ? "throttle"
          : n % 7 === 1
            ? "internal"
            : n % 11 === 2
              ? "unavailable"
              : "pass";
    const kms = await kmsSigner({ client: client(), keyId: keys.ECC_NIST_P256!, retry: FAST_RETRY });
    const signer = await createSigner({ keyPairId: KID, privateKey: kms });
    const urls = Array.from({ length: 100 }, (_, i) => url(`faults-${i}`));
    const results = await signer.signUrls(urls, { expires: EXPIRES });
    for (const [i, r] of results.entries()) {
      expect(r.ok, `item ${i}`).toBe(true);
      if (r.ok) expect(verified(r.url, urls[i]!, kms)).toEqual([]);
    }
    expect(proxy.faults.get("throttle")).toBeGreaterThan(20);
    expect(proxy.faults.get("internal")).toBeGreaterThan(3);
    expect(proxy.faults.get("unavailable")).toBeGreaterThan(3);
    const s = kms.stats;
    expect(s.signatures).toBe(100);
    expect(s.throttled).toBe(proxy.faults.get("throttle"));
    expect(s.transientFailures).toBe(proxy.faults.get("internal")! + proxy.faults.get("unavailable")!);
    expect(s.signRequests).toBe(proxy.counts.get("Sign"));
    expect(s.signRequests).toBe(100 + s.throttled + s.transientFailures);
  }, 60_000);

  test("an item that exhausts its retries fails alone with SIGNING_FAILED; the rest of the batch is signed", async () => {
    proxy.reset();
    const throttled = (body: Record<string, unknown>): boolean =>
      Buffer.from(String(body["Message"]), "base64").toString("utf8").includes("/always-throttled/");
    proxy.decide = ({ operation, body }) => (operation === "Sign" && throttled(body) ? "throttle" : "pass");
    const kms = await kmsSigner({ client: client(), keyId: keys.RSA_2048!, retry: { ...FAST_RETRY, maxAttempts: 4 } });
    const signer = await createSigner({ keyPairId: KID, privateKey: kms });
    const urls = Array.from({ length: 20 }, (_, i) =>
      i % 7 === 3 ? `${HOST}/always-throttled/${i}.jpg` : url(`batch-${i}`),
    );
    const started = performance.now();
    const results = await signer.signUrls(urls, { expires: EXPIRES });
    expect(performance.now() - started).toBeLessThan(10_000);
    const failed = results.filter((r) => !r.ok).map((r) => (r.ok ? -1 : r.index));
    expect(failed).toEqual([3, 10, 17]);
    for (const r of results) {
      if (r.ok) expect(verified(r.url, urls[results.indexOf(r)]!, kms)).toEqual([]);
      else {
        expect(r.error.code).toBe("SIGNING_FAILED");
        expect(r.error.message).toBe(
          "AWS KMS Sign failed after 4 attempts (ThrottlingException); this item was not signed",
        );
        expect(r.error.message).not.toContain("always-throttled");
      }
    }
    expect(kms.stats).toMatchObject({ signatures: 17, failures: 3, throttled: 9 });
    expect(proxy.counts.get("Sign")).toBe(17 + 3 * 4);
  }, 30_000);

  test("requests in flight never exceed maxInFlight, whatever the signer's concurrency", async () => {
    proxy.reset();
    proxy.decide = () => ({ delayMs: 200 });
    const kms = await kmsSigner({ client: client(), keyId: keys.ECC_NIST_P256!, maxInFlight: 4 });
    const signer = await createSigner({ keyPairId: KID, privateKey: kms, concurrency: 64 });
    const results = await signer.signUrls(
      Array.from({ length: 40 }, (_, i) => url(`cap-${i}`)),
      { expires: EXPIRES },
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(proxy.peakInFlight).toBe(4);
    expect(kms.stats.peakInFlight).toBe(4);
  }, 30_000);

  test("access denied fails the whole batch with KEY_UNAVAILABLE instead of one request per item", async () => {
    proxy.reset();
    const kms = await kmsSigner({ client: client(), keyId: keys.RSA_2048!, maxInFlight: 2 });
    const signer = await createSigner({ keyPairId: KID, privateKey: kms, concurrency: 8 });
    proxy.decide = ({ operation }) => (operation === "Sign" ? "denied" : "pass");
    const err = await signer
      .signUrls(
        Array.from({ length: 200 }, (_, i) => url(`denied-${i}`)),
        { expires: EXPIRES },
      )
      .catch((e: unknown) => e);
    expect((err as CfSignError).code).toBe("KEY_UNAVAILABLE");
    expect((err as CfSignError).message).toMatch(/Sign failed \(AccessDeniedException\)/);
    expect(proxy.counts.get("Sign")).toBeLessThanOrEqual(8);
  }, 30_000);

  test("an AbortSignal stops a batch: the call rejects with ABORTED at once and no request is sent after it", async () => {
    proxy.reset();
    proxy.decide = ({ operation }) => (operation === "Sign" ? { delayMs: 3000 } : "pass");
    const controller = new AbortController();
    const kms = await kmsSigner({
      client: client(),
      keyId: keys.ECC_NIST_P256!,
      maxInFlight: 3,
      signal: controller.signal,
    });
    const signer = await createSigner({ keyPairId: KID, privateKey: kms });
    const pending = signer.signUrls(
      Array.from({ length: 50 }, (_, i) => url(`abort-${i}`)),
      { expires: EXPIRES },
    );
    // The abort comes while the first three Sign requests are held by the proxy.
    for (let i = 0; i < 100 && (proxy.counts.get("Sign") ?? 0) < 3; i++) await new Promise((r) => setTimeout(r, 20));
    expect(proxy.counts.get("Sign")).toBe(3);
    const started = performance.now();
    controller.abort();
    const err = await pending.catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(1000);
    expect((err as CfSignError).code).toBe("ABORTED");
    await expect(signer.signUrl(url("after"), { expires: EXPIRES })).rejects.toMatchObject({ code: "ABORTED" });
    // The three held requests are answered after 3 s; nothing follows them.
    await new Promise((r) => setTimeout(r, 3500));
    expect(proxy.counts.get("Sign")).toBe(3);
  }, 30_000);
});

describe("the command line with --kms-key-id", () => {
  const env = (): Record<string, string> => ({ ...MOTO_ENV, AWS_ENDPOINT_URL_KMS: proxy.endpoint });

  beforeAll(() => requireBuild());

  test("kms-public-key prints the SPKI PEM KMS returns (AWS_ENDPOINT_URL_KMS, or the general AWS_ENDPOINT_URL)", async () => {
    proxy.reset();
    const kms = await kmsSigner({ client: client(), keyId: keys.ECC_NIST_P256! });
    const run = await cfsign(["kms-public-key", "--kms-key-id", keys.ECC_NIST_P256!], { env: env() });
    expect(run.stderr.replace(/^.*NodeVersionSupportWarning[\s\S]*?warning was created\)\n/m, "")).not.toMatch(
      /cfsign:/,
    );
    expect([run.status, run.stdout]).toEqual([0, kms.publicKeyPem]);
    const general = await cfsign(["kms-public-key", "--kms-key-id", "alias/cloudfront-rsa", "--json"], {
      env: { ...MOTO_ENV, AWS_ENDPOINT_URL: moto.endpoint },
    });
    expect(general.status).toBe(0);
    const json = JSON.parse(general.stdout) as Record<string, string>;
    expect([json["keySpec"], json["signingAlgorithm"]]).toEqual(["RSA_2048", "RSASSA_PKCS1_V1_5_SHA_256"]);
    expect(
      createPublicKey(json["publicKey"]!)
        .export({ type: "spki", format: "der" })
        .equals(Buffer.from(await publicKeyOf(keys.RSA_2048!))),
    ).toBe(true);
  }, 30_000);

  test("sign, sign-cookies and playlist sign with RSA and ECDSA KMS keys; each result verifies", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cfsign-kms-cli-"));
    try {
      for (const spec of ["RSA_2048", "ECC_NIST_P256"] as const) {
        const kms = await kmsSigner({ client: client(), keyId: keys[spec]! });
        const publicKeys = { [KID]: kms.publicKeyPem };
        const key = ["--key-pair-id", KID, "--kms-key-id", keys[spec]!, "--date-less-than", String(EXPIRES)];
        const one = await cfsign(["sign", "--url", url("cli"), ...key], { env: env() });
        expect(one.status, one.stderr).toBe(0);
        expect(verified(one.stdout.trim(), url("cli"), kms)).toEqual([]);

        writeFileSync(join(dir, "urls.txt"), Array.from({ length: 30 }, (_, i) => url(`cli-${i}`)).join("\n") + "\n");
        proxy.reset();
        proxy.decide = ({ operation, n }) => (operation === "Sign" && n % 4 === 0 ? "throttle" : "pass");
        const bulk = await cfsign(
          ["sign", "--input", join(dir, "urls.txt"), "--output", join(dir, "signed.txt"), "--quiet", ...key],
          { env: env() },
        );
        expect(bulk.status, bulk.stderr).toBe(0);
        expect(proxy.faults.get("throttle")).toBeGreaterThan(5);
        const signedLines = readFileSync(join(dir, "signed.txt"), "utf8").trim().split("\n");
        expect(signedLines).toHaveLength(30);
        for (const [i, line] of signedLines.entries()) expect(verified(line, url(`cli-${i}`), kms)).toEqual([]);
        proxy.reset();

        const cookies = await cfsign(
          ["sign-cookies", "--policy-resource", `${COOKIE_HOST}/gallery/*`, "--json", ...key],
          { env: env() },
        );
        expect(cookies.status, cookies.stderr).toBe(0);
        const parsed = JSON.parse(cookies.stdout) as { cookies: Record<string, string> };
        expect((await verifyCookies(`${COOKIE_HOST}/gallery/5.jpg`, parsed.cookies, { publicKeys })).valid).toBe(true);

        writeFileSync(
          join(dir, "index.m3u8"),
          "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6,\na.ts\n#EXTINF:6,\nb.ts\n#EXT-X-ENDLIST\n",
        );
        for (const mode of ["--per-uri", "--shared"]) {
          const out = join(dir, `out-${mode.slice(2)}.m3u8`);
          const playlist = await cfsign(
            [
              "playlist",
              "--input",
              join(dir, "index.m3u8"),
              "--output",
              out,
              "--base-url",
              `${HOST}/videos/v/index.m3u8`,
              mode,
              ...key,
            ],
            { env: env() },
          );
          expect(playlist.status, playlist.stderr).toBe(0);
          const lines = readFileSync(out, "utf8")
            .split("\n")
            .filter((l) => l.startsWith("https://"));
          expect(lines).toHaveLength(2);
          for (const line of lines) expect((await verifyUrl(line, { publicKeys })).valid).toBe(true);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  test("cfsign bench --kms-key-id measures with the KMS key (every signature a KMS request) and prints no key material", async () => {
    const run = await cfsign(
      ["bench", "--key-pair-id", KID, "--kms-key-id", keys.ECC_NIST_P256!, "--count", "10", "--json"],
      { env: env() },
    );
    expect(run.status, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as {
      key: { algorithm: string };
      results: { operation: string; count: number; perSecond: number }[];
    };
    expect(out.key.algorithm).toBe("ECDSA");
    expect(out.results.map((r) => r.count)).toEqual([10, 10, 10, 1]);
    for (const r of out.results) expect(r.perSecond).toBeGreaterThan(0);
    expect(run.stdout).not.toContain("PUBLIC KEY");
    const both = await cfsign(
      ["bench", "--key-pair-id", KID, "--kms-key-id", keys.ECC_NIST_P256!, "--private-key", "k.pem"],
      { env: env() },
    );
    expect([both.status, both.stderr]).toEqual([
      2,
      expect.stringContaining("give --private-key FILE or --kms-key-id ID, not both"),
    ]);
  }, 90_000);

  test("refusals: both key options, a passphrase with KMS, SHA-1, an RSA_3072 key, no region", async () => {
    const base = ["sign", "--url", url(1), "--key-pair-id", KID, "--date-less-than", String(EXPIRES)];
    const both = await cfsign([...base, "--kms-key-id", keys.RSA_2048!, "--private-key", "k.pem"], { env: env() });
    expect([both.status, both.stderr]).toEqual([
      2,
      expect.stringContaining("give --private-key FILE or --kms-key-id ID, not both"),
    ]);
    const neither = await cfsign(base, { env: env() });
    expect([neither.status, neither.stderr]).toEqual([2, expect.stringContaining("--private-key (or --kms-key-id)")]);
    const passphrase = await cfsign([...base, "--kms-key-id", keys.RSA_2048!, "--passphrase-env", "X"], { env: env() });
    expect([passphrase.status, passphrase.stderr]).toEqual([
      2,
      expect.stringContaining("--passphrase-env applies to an encrypted --private-key"),
    ]);
    const sha1 = await cfsign([...base, "--kms-key-id", keys.RSA_2048!, "--hash-algorithm", "SHA1"], { env: env() });
    expect([sha1.status, sha1.stderr]).toEqual([
      2,
      expect.stringContaining("UNSUPPORTED_HASH: AWS KMS cannot sign with SHA-1"),
    ]);
    const big = await cfsign(["kms-public-key", "--kms-key-id", keys.RSA_3072!], { env: env() });
    expect([big.status, big.stdout, big.stderr]).toEqual([
      2,
      "",
      expect.stringContaining("UNSUPPORTED_KEY: the KMS key is RSA_3072"),
    ]);
    const { AWS_REGION: _, ...noRegion } = env();
    const region = await cfsign(["kms-public-key", "--kms-key-id", keys.RSA_2048!], { env: noRegion });
    expect([region.status, region.stderr]).toEqual([2, expect.stringContaining("no AWS region is set for KMS")]);
  }, 60_000);

  test("without @aws-sdk/client-kms installed, --kms-key-id names the package to install", () => {
    // The published files alone, where no node_modules is above them.
    const dir = mkdtempSync(join(tmpdir(), "cfsign-no-sdk-"));
    try {
      for (const part of ["bin", "dist", "package.json"])
        cpSync(join(ROOT, part), join(dir, part), { recursive: true });
      for (const args of [
        ["kms-public-key", "--kms-key-id", "alias/x"],
        ["sign", "--url", url(1), "--key-pair-id", KID, "--kms-key-id", "alias/x", "--date-less-than", String(EXPIRES)],
      ]) {
        const run = spawnSync(process.execPath, [join(dir, "bin/cfsign.js"), ...args], {
          encoding: "utf8",
          env: { PATH: process.env.PATH ?? "", ...env() },
          timeout: 20_000,
        });
        expect([run.status, run.stdout]).toEqual([2, ""]);
        expect(run.stderr).toContain(
          "cfsign: USAGE: --kms-key-id needs the package @aws-sdk/client-kms, which is not installed",
        );
        expect(run.stderr).toContain("npm install @aws-sdk/client-kms");
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
