/**
 * Behaviour of createSigner / signUrl / signUrls: policy choice, parameter
 * order, batch semantics, custom signers, key handling. Signatures are checked
 * with node:crypto through test/helpers/verify.ts, not with cfsign's own code.
 */
import { generateKeyPairSync, KeyObject, sign as nodeSign } from "node:crypto";
import { inspect } from "node:util";
import { describe, expect, test, vi } from "vitest";
import { CfSignError, createSigner, type CustomSigner, type SignerOptions } from "../src/index.js";
import { ecdsaDerToP1363 } from "../src/crypto/der.js";
import { checkHashSupported } from "../src/crypto/key-checks.js";
import { ecKey, rsaKey } from "./helpers/keys.js";
import { fromCloudFrontBase64, parseSignedUrl, verifySignedUrl } from "./helpers/verify.js";

const NOW_MS = Date.UTC(2026, 0, 1);
const NOW = NOW_MS / 1000;
const EXPIRES = NOW + 3600;
const HOST = "https://d111111abcdef8.cloudfront.net";
const KEY_PAIR_ID = "K2JCJMDEHXQW5F";

function options(extra: Partial<SignerOptions> = {}): SignerOptions {
  return { keyPairId: KEY_PAIR_ID, privateKey: rsaKey().privatePem, clock: () => NOW_MS, ...extra };
}

describe("policy choice and URL shape", () => {
  test("only expires gives a canned policy: Expires, Signature, Key-Pair-Id, Hash-Algorithm in that order", async () => {
    const signer = await createSigner(options());
    const url = await signer.signUrl(`${HOST}/a.jpg`, { expires: EXPIRES });
    const parsed = parseSignedUrl(url);
    expect(parsed.order).toEqual(["Expires", "Signature", "Key-Pair-Id", "Hash-Algorithm"]);
    expect(url.startsWith(`${HOST}/a.jpg?Expires=${EXPIRES}&Signature=`)).toBe(true);
    expect(url.endsWith(`&Key-Pair-Id=${KEY_PAIR_ID}&Hash-Algorithm=SHA256`)).toBe(true);
    expect(parsed.base).toBe(`${HOST}/a.jpg`);
    expect(verifySignedUrl(url, rsaKey().publicKey)).toBe(true);
  });

  test("the user's own query comes first and is kept byte for byte", async () => {
    const signer = await createSigner(options());
    const input = `${HOST}/a.jpg?b=2&a=1&c=%20x~*'`.replace("'", "");
    const url = await signer.signUrl(input, { expires: EXPIRES });
    expect(url.startsWith(`${input}&Expires=${EXPIRES}&Signature=`)).toBe(true);
    expect(parseSignedUrl(url).base).toBe(input);
    expect(verifySignedUrl(url, rsaKey().publicKey)).toBe(true);
  });

  test("SHA1 omits Hash-Algorithm and signs with SHA-1", async () => {
    const signer = await createSigner(options({ hashAlgorithm: "SHA1" }));
    const url = await signer.signUrl(`${HOST}/a.jpg`, { expires: EXPIRES });
    expect(url).not.toContain("Hash-Algorithm");
    expect(parseSignedUrl(url).order).toEqual(["Expires", "Signature", "Key-Pair-Id"]);
    expect(verifySignedUrl(url, rsaKey().publicKey)).toBe(true);
  });

  test("starts, ipAddress or resource give a custom policy with conditions in AWS CLI order", async () => {
    const signer = await createSigner(options());
    const url = await signer.signUrl(`${HOST}/gallery/a.jpg`, {
      expires: EXPIRES,
      starts: NOW - 60,
      ipAddress: "192.0.2.0/24",
      resource: `${HOST}/gallery/*`,
    });
    const parsed = parseSignedUrl(url);
    expect(parsed.order).toEqual(["Policy", "Signature", "Key-Pair-Id", "Hash-Algorithm"]);
    expect(parsed.policy).toBe(
      `{"Statement":[{"Resource":"${HOST}/gallery/*","Condition":{"DateLessThan":{"AWS:EpochTime":${EXPIRES}},` +
        `"IpAddress":{"AWS:SourceIp":"192.0.2.0/24"},"DateGreaterThan":{"AWS:EpochTime":${NOW - 60}}}}]}`,
    );
    expect(verifySignedUrl(url, rsaKey().publicKey)).toBe(true);
  });

  test("a bare IP address gets /32; the resource defaults to the URL", async () => {
    const signer = await createSigner(options());
    const url = await signer.signUrl(`${HOST}/a.jpg?v=1`, { expires: EXPIRES, ipAddress: "192.0.2.7" });
    expect(JSON.parse(parseSignedUrl(url).policy)).toEqual({
      Statement: [
        {
          Resource: `${HOST}/a.jpg?v=1`,
          Condition: { DateLessThan: { "AWS:EpochTime": EXPIRES }, IpAddress: { "AWS:SourceIp": "192.0.2.7/32" } },
        },
      ],
    });
  });

  test("a Date, epoch seconds and an ISO string for the same instant give the same URL", async () => {
    const signer = await createSigner(options());
    const u = `${HOST}/a.jpg`;
    const iso = new Date(EXPIRES * 1000).toISOString();
    const urls = await Promise.all([
      signer.signUrl(u, { expires: EXPIRES }),
      signer.signUrl(u, { expires: new Date(EXPIRES * 1000) }),
      signer.signUrl(u, { expires: iso }),
      signer.signUrl(u, { expires: iso.replace("Z", "+00:00") }),
      signer.signUrl(u, { expires: new Date(EXPIRES * 1000 + 999) }),
    ]);
    expect(new Set(urls).size).toBe(1);
  });

  test("rounding never widens the grant: expires rounds down, starts rounds up", async () => {
    const signer = await createSigner(options());
    const url = await signer.signUrl(`${HOST}/a.jpg`, {
      expires: new Date(EXPIRES * 1000 + 999),
      starts: "2026-01-01T00:00:10.001Z",
    });
    const cond = JSON.parse(parseSignedUrl(url).policy).Statement[0].Condition;
    expect(cond.DateLessThan["AWS:EpochTime"]).toBe(EXPIRES);
    expect(cond.DateGreaterThan["AWS:EpochTime"]).toBe(NOW + 11);
  });

  test("encode: true percent-encodes and signs exactly the emitted URL", async () => {
    const signer = await createSigner(options());
    const url = await signer.signUrl(`${HOST}/my photo/café "1".jpg?q=o'k`, { expires: EXPIRES, encode: true });
    const parsed = parseSignedUrl(url);
    expect(parsed.base).toBe(`${HOST}/my%20photo/caf%C3%A9%20%221%22.jpg?q=o%27k`);
    expect(verifySignedUrl(url, rsaKey().publicKey)).toBe(true);
    // A valid escape is kept, not double-encoded.
    const kept = await signer.signUrl(`${HOST}/a%20b c.jpg`, { expires: EXPIRES, encode: true });
    expect(parseSignedUrl(kept).base).toBe(`${HOST}/a%20b%20c.jpg`);
  });

  test("a literal * in a canned policy is signed as is (never a wildcard there)", async () => {
    const signer = await createSigner(options());
    const url = await signer.signUrl(`${HOST}/a*b.jpg`, { expires: EXPIRES });
    expect(parseSignedUrl(url).base).toBe(`${HOST}/a*b.jpg`);
    expect(verifySignedUrl(url, rsaKey().publicKey)).toBe(true);
  });

  test("%2A stays %2A in a custom policy (never decoded into a live wildcard)", async () => {
    const signer = await createSigner(options());
    const url = await signer.signUrl(`${HOST}/a%2Ab.jpg`, { expires: EXPIRES, ipAddress: "192.0.2.1" });
    expect(JSON.parse(parseSignedUrl(url).policy).Statement[0].Resource).toBe(`${HOST}/a%2Ab.jpg`);
  });

  test("the longest URL that fits is signed and is at most 8,192 bytes", async () => {
    const signer = await createSigner(options());
    // Canned, RSA: overhead = "?Expires=" 9 + 10 digits + "&Signature=" 11 + 344 + suffix.
    const suffix = `&Key-Pair-Id=${KEY_PAIR_ID}&Hash-Algorithm=SHA256`;
    const room = 8192 - (9 + 10 + 11 + 344 + suffix.length);
    const base = `${HOST}/`;
    const fits = base + "a".repeat(room - base.length);
    const url = await signer.signUrl(fits, { expires: EXPIRES });
    expect(url.length).toBe(8192);
    await expect(signer.signUrl(fits + "a", { expires: EXPIRES })).rejects.toMatchObject({ code: "URL_TOO_LONG" });
  });
});

describe("ECDSA P-256", () => {
  test("signatures are DER, verify with the public key, and are about 96 characters encoded", async () => {
    const signer = await createSigner(options({ privateKey: ecKey().privatePem }));
    expect(signer.algorithm).toBe("ECDSA");
    for (const backend of ["node", "webcrypto"] as const) {
      const s = await createSigner(options({ privateKey: ecKey().privatePem, backend }));
      const url = await s.signUrl(`${HOST}/a.jpg`, { expires: EXPIRES });
      const sig = fromCloudFrontBase64(parseSignedUrl(url).params.get("Signature")!);
      expect(ecdsaDerToP1363(new Uint8Array(sig))).not.toBeNull();
      expect(parseSignedUrl(url).params.get("Signature")!.length).toBeLessThanOrEqual(96);
      expect(verifySignedUrl(url, ecKey().publicKey)).toBe(true);
    }
  });
});

describe("backends and engines agree", () => {
  test("RSA URLs are byte-identical across node/webcrypto and wasm/js", async () => {
    const urls = [`${HOST}/a.jpg`, `${HOST}/b.jpg?x=1`];
    const outputs = new Set<string>();
    for (const backend of ["node", "webcrypto"] as const) {
      for (const engine of ["wasm", "js"] as const) {
        const signer = await createSigner(options({ backend, engine }));
        const canned = await signer.signUrls(urls, { expires: EXPIRES, strict: true });
        const custom = await signer.signUrls(urls, { expires: EXPIRES, starts: NOW, strict: true });
        outputs.add(JSON.stringify([canned, custom]));
      }
    }
    expect(outputs.size).toBe(1);
  });
});

describe("batches", () => {
  test("one bad item among 10,000 gives 9,999 signed URLs and one failure, in input order", async () => {
    const signer = await createSigner(options({ privateKey: ecKey().privatePem }));
    const urls = Array.from({ length: 10_000 }, (_, i) => `${HOST}/photos/${i}.jpg`);
    urls[4321] = `${HOST}/photos/bad name.jpg`;
    const results = await signer.signUrls(urls, { expires: EXPIRES });
    expect(results).toHaveLength(10_000);
    const failures = results.filter((r) => !r.ok);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ ok: false, index: 4321, error: { code: "URL_UNSAFE_CHARACTER" } });
    for (let i = 0; i < results.length; i += 997) {
      const r = results[i]!;
      if (i === 4321) continue;
      expect(r.ok && parseSignedUrl(r.url).base).toBe(urls[i]);
      expect(r.ok && verifySignedUrl(r.url, ecKey().publicKey)).toBe(true);
    }
  });

  test("strict: one error listing every failing index, and no URL", async () => {
    const signer = await createSigner(options());
    const err = await signer
      .signUrls([`${HOST}/a.jpg`, `${HOST}/b c.jpg`, `${HOST}/c.jpg#x`], { expires: EXPIRES, strict: true })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CfSignError);
    expect((err as CfSignError).code).toBe("BATCH_FAILED");
    expect((err as CfSignError).failures).toEqual([
      { index: 1, code: "URL_UNSAFE_CHARACTER" },
      { index: 2, code: "URL_HAS_FRAGMENT" },
    ]);
  });

  test("per-item options override the batch's", async () => {
    const signer = await createSigner(options());
    const [a, b] = await signer.signUrls(
      [`${HOST}/a.jpg`, { url: `${HOST}/b.jpg`, expires: EXPIRES + 60, ipAddress: "192.0.2.1" }],
      { expires: EXPIRES },
    );
    expect(a!.ok && parseSignedUrl(a!.url).params.get("Expires")).toBe(String(EXPIRES));
    expect(
      b!.ok && JSON.parse(parseSignedUrl(b!.url).policy).Statement[0].Condition.DateLessThan["AWS:EpochTime"],
    ).toBe(EXPIRES + 60);
  });

  test("an empty batch gives an empty result", async () => {
    const signer = await createSigner(options());
    expect(await signer.signUrls([], { expires: EXPIRES })).toEqual([]);
  });

  test("signatures are made concurrently, never more than `concurrency` at once", async () => {
    const { privateKey } = ecKey();
    let inFlight = 0;
    let peak = 0;
    const custom: CustomSigner = {
      algorithm: "ECDSA",
      async sign(data) {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 1));
        inFlight--;
        return new Uint8Array(nodeSign("sha256", data, privateKey));
      },
    };
    const signer = await createSigner(options({ privateKey: custom, concurrency: 8 }));
    const results = await signer.signUrls(
      Array.from({ length: 100 }, (_, i) => `${HOST}/${i}.jpg`),
      { expires: EXPIRES },
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(peak).toBe(8);
  });
});

describe("custom signers", () => {
  const rsaCustom = (mutate?: (sig: Uint8Array, call: number) => Uint8Array | Promise<never>): CustomSigner => {
    let call = 0;
    return {
      algorithm: "RSA",
      async sign(data, hash) {
        const sig = new Uint8Array(nodeSign(hash === "SHA256" ? "sha256" : "sha1", data, rsaKey().privateKey));
        return mutate === undefined ? sig : mutate(sig, call++);
      },
    };
  };

  test("a custom RSA signer gives the same URL as the PEM key", async () => {
    const a = await createSigner(options({ privateKey: rsaCustom() }));
    const b = await createSigner(options());
    const url = `${HOST}/a.jpg`;
    expect(await a.signUrl(url, { expires: EXPIRES })).toBe(await b.signUrl(url, { expires: EXPIRES }));
  });

  test("a throwing or short signature fails only its item, and the signer stays usable", async () => {
    const signer = await createSigner(
      options({
        privateKey: rsaCustom((sig, call) =>
          call === 3 ? Promise.reject(new Error("KMS throttled")) : call === 5 ? sig.subarray(0, 255) : sig,
        ),
        concurrency: 1,
      }),
    );
    const results = await signer.signUrls(
      Array.from({ length: 8 }, (_, i) => `${HOST}/${i}.jpg`),
      { expires: EXPIRES },
    );
    expect(results.map((r) => (r.ok ? "ok" : r.error.code))).toEqual([
      "ok",
      "ok",
      "ok",
      "SIGNING_FAILED",
      "ok",
      "SIGNING_FAILED",
      "ok",
      "ok",
    ]);
    for (const r of results) if (r.ok) expect(verifySignedUrl(r.url, rsaKey().publicKey)).toBe(true);
    expect(verifySignedUrl(await signer.signUrl(`${HOST}/again.jpg`, { expires: EXPIRES }), rsaKey().publicKey)).toBe(
      true,
    );
  });

  test("ECDSA p1363 output is converted to DER; malformed DER is refused", async () => {
    const { privateKey, publicKey } = ecKey();
    const raw = await createSigner(
      options({
        privateKey: {
          algorithm: "ECDSA",
          signatureFormat: "p1363",
          async sign(data) {
            return new Uint8Array(nodeSign("sha256", data, { key: privateKey, dsaEncoding: "ieee-p1363" }));
          },
        },
      }),
    );
    expect(verifySignedUrl(await raw.signUrl(`${HOST}/a.jpg`, { expires: EXPIRES }), publicKey)).toBe(true);
    const broken = await createSigner(
      options({ privateKey: { algorithm: "ECDSA", sign: async () => new Uint8Array(64).fill(1) } }),
    );
    await expect(broken.signUrl(`${HOST}/a.jpg`, { expires: EXPIRES })).rejects.toMatchObject({
      code: "SIGNING_FAILED",
    });
  });

  test("a platform that refuses SHA-1 fails at creation with a fix naming SHA-256", async () => {
    const refusing = {
      algorithm: "RSA" as const,
      hashAlgorithm: "SHA1" as const,
      sign: () => Promise.reject(new Error("disabled for FIPS")),
    };
    const err = await checkHashSupported(refusing).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "UNSUPPORTED_HASH" });
    expect((err as Error).message).toContain("SHA256");
  });
});

describe("keys", () => {
  const gen = (type: "rsa" | "ec" | "ed25519", extra: object) =>
    generateKeyPairSync(type as "rsa", extra as { modulusLength: number }).privateKey.export({
      type: "pkcs8",
      format: "pem",
    }) as string;

  test.each([
    ["RSA-1024", () => gen("rsa", { modulusLength: 1024 })],
    ["RSA-4096", () => gen("rsa", { modulusLength: 4096 })],
    ["P-384", () => gen("ec", { namedCurve: "P-384" })],
    ["secp256k1", () => gen("ec", { namedCurve: "secp256k1" })],
    ["Ed25519", () => gen("ed25519", {})],
  ])("%s is refused with UNSUPPORTED_KEY on both backends", async (_name, make) => {
    const pem = make();
    for (const backend of ["node", "webcrypto"] as const) {
      await expect(createSigner(options({ privateKey: pem, backend }))).rejects.toMatchObject({
        code: "UNSUPPORTED_KEY",
      });
    }
  });

  test.each([
    ["a public key", () => rsaKey().publicKey.export({ type: "spki", format: "pem" }) as string],
    ["garbage", () => "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n"],
    ["an empty string", () => ""],
    ["a JWK without d", () => rsaKey().publicKey.export({ format: "jwk" })],
  ])("%s is refused with INVALID_KEY", async (_name, make) => {
    await expect(createSigner(options({ privateKey: make() as string }))).rejects.toMatchObject({
      code: "INVALID_KEY",
    });
  });

  test("PKCS#1, SEC1, JWK, KeyObject, CryptoKey and DER all load and sign alike", async () => {
    const { privateKey } = rsaKey();
    const url = `${HOST}/a.jpg`;
    const forms: SignerOptions["privateKey"][] = [
      privateKey.export({ type: "pkcs1", format: "pem" }) as string,
      privateKey.export({ format: "jwk" }),
      privateKey,
      new Uint8Array(privateKey.export({ type: "pkcs8", format: "der" })),
      await crypto.subtle.importKey(
        "pkcs8",
        privateKey.export({ type: "pkcs8", format: "der" }),
        { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
        false,
        ["sign"],
      ),
    ];
    const expected = await (await createSigner(options())).signUrl(url, { expires: EXPIRES });
    for (const form of forms) {
      expect(await (await createSigner(options({ privateKey: form }))).signUrl(url, { expires: EXPIRES })).toBe(
        expected,
      );
    }
    const sec1 = ecKey().privateKey.export({ type: "sec1", format: "pem" }) as string;
    for (const backend of ["node", "webcrypto"] as const) {
      const s = await createSigner(options({ privateKey: sec1, backend }));
      expect(verifySignedUrl(await s.signUrl(url, { expires: EXPIRES }), ecKey().publicKey)).toBe(true);
    }
  });

  test("a non-extractable CryptoKey signs through WebCrypto on Node, never through KeyObject.from (DEP0204)", async () => {
    // Node 24 and 26 print "Passing a non-extractable CryptoKey to KeyObject.from() is deprecated" on stderr,
    // once per process, and say it will become an error; the node:crypto backend used to do exactly that.
    const from = vi.spyOn(KeyObject, "from");
    const warnings: string[] = [];
    const onWarning = (w: Error & { code?: string }): void => void warnings.push(w.code ?? w.name);
    process.on("warning", onWarning);
    try {
      const url = `${HOST}/a.jpg`;
      const sealed = (key: KeyObject, params: RsaHashedImportParams | EcKeyImportParams): Promise<CryptoKey> =>
        crypto.subtle.importKey("pkcs8", key.export({ type: "pkcs8", format: "der" }), params, false, ["sign"]);
      const rsa = await sealed(rsaKey().privateKey, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" });
      const ec = await sealed(ecKey().privateKey, { name: "ECDSA", namedCurve: "P-256" });
      const expected = await (await createSigner(options())).signUrl(url, { expires: EXPIRES });
      expect(await (await createSigner(options({ privateKey: rsa }))).signUrl(url, { expires: EXPIRES })).toBe(
        expected,
      );
      const auto = await createSigner(options({ privateKey: ec, workers: "auto" }));
      expect(verifySignedUrl(await auto.signUrl(url, { expires: EXPIRES }), ecKey().publicKey)).toBe(true);
      await auto.close();
      await expect(createSigner(options({ privateKey: ec, workers: 2 }))).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
        message: expect.stringContaining("extractable: false"),
      });
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
      expect(from.mock.calls.filter(([key]) => !(key as { extractable: boolean }).extractable)).toEqual([]);
      expect(warnings).not.toContain("DEP0204");
    } finally {
      from.mockRestore();
      process.off("warning", onWarning);
    }
  });

  test("encrypted PKCS#8: right passphrase works, missing or wrong is INVALID_KEY, and nothing leaks", async () => {
    const passphrase = "correct horse battery staple";
    const pem = rsaKey().privateKey.export({
      type: "pkcs8",
      format: "pem",
      cipher: "aes-256-cbc",
      passphrase,
    }) as string;
    const signer = await createSigner(options({ privateKey: pem, passphrase }));
    expect(verifySignedUrl(await signer.signUrl(`${HOST}/a.jpg`, { expires: EXPIRES }), rsaKey().publicKey)).toBe(true);
    for (const wrong of [undefined, "wrong passphrase"]) {
      const err = await createSigner(options({ privateKey: pem, passphrase: wrong })).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: "INVALID_KEY" });
      const shown = `${String(err)} ${(err as Error).stack} ${JSON.stringify(err)} ${inspect(err)}`;
      expect(shown).not.toContain(passphrase);
      expect(shown).not.toContain(pem.split("\n")[1]!);
    }
  });

  test("a signer shows no key material however it is printed", async () => {
    const pem = rsaKey().privatePem;
    const signer = await createSigner(options());
    const shown = [String(signer), JSON.stringify(signer), inspect(signer, { showHidden: true, depth: 10 })];
    for (const text of shown) {
      expect(text).toContain(KEY_PAIR_ID);
      for (const line of pem.split("\n").slice(1, -2)) expect(text).not.toContain(line.slice(0, 16));
    }
  });

  test.each<[unknown, string]>([
    ["", "empty"],
    ["K2JCJ MDEH", "space"],
    ["K2&x=1", "query break-out"],
    [42, "number"],
  ])("key pair id %j (%s) is refused", async (keyPairId: unknown) => {
    await expect(createSigner(options({ keyPairId: keyPairId as string }))).rejects.toMatchObject({
      code: "INVALID_KEY_PAIR_ID",
    });
  });
});
