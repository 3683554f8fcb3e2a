/**
 * cfsign against test/vectors/cloudfront.json: vectors made by botocore, Python
 * `cryptography` and the openssl CLI (test/vectors/generate.py), never by cfsign.
 *
 * RSA: every case, on both engines, both hashes and both backends, must give the
 * expected URL byte for byte (PKCS#1 v1.5 is deterministic). ECDSA is randomized:
 * everything but the signature must match byte for byte, and the signature must be
 * strict DER that verifies with the stored public key. Refused keys must fail with
 * the stored code.
 */
import { createPrivateKey, verify } from "node:crypto";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { CfSignError, createSigner } from "../src/index.js";
import type { BatchItem, CustomSigner, PrivateKeyInput, SignOptions, Signer } from "../src/index.js";
import { ecdsaDerToP1363, ecdsaP1363ToDer } from "../src/crypto/der.js";

// ----------------------------------------------------------------------------- the vectors

interface Signed {
  signature: string;
  url: string;
}
interface CannedCase {
  id: string;
  url: string;
  policy: string;
  sha1: Signed;
  sha256: Signed;
}
interface CustomOptions {
  resource?: string;
  ipAddress?: string;
  starts?: number;
  allowAnyResource?: boolean;
}
interface CustomCase extends CannedCase {
  options: CustomOptions;
  policyBase64: string;
}
interface RefusedKey {
  id: string;
  description: string;
  expectedCode: "UNSUPPORTED_KEY" | "INVALID_KEY";
  pem: string | null;
  jwk: JsonWebKey | null;
}
interface Vectors {
  keyPairId: string;
  expires: number;
  expiresIso: string;
  starts: number;
  startsIso: string;
  clockMs: number;
  keys: {
    rsa2048: {
      pkcs8Pem: string;
      pkcs1Pem: string;
      encryptedPkcs8Pem: string;
      passphrase: string;
      jwk: JsonWebKey;
      spkiPem: string;
    };
    p256: {
      pkcs8Pem: string;
      sec1Pem: string;
      encryptedPkcs8Pem: string;
      passphrase: string;
      jwk: JsonWebKey;
      spkiPem: string;
    };
  };
  wrongPassphrase: string;
  refusedKeys: RefusedKey[];
  canned: CannedCase[];
  custom: CustomCase[];
  ecdsa: {
    signatures: { caseRef: string; policy: string; derCryptography: string; derOpenssl: string }[];
    p1363Conversions: { shape: string; message: string; p1363: string; der: string }[];
  };
}

const v = JSON.parse(readFileSync(new URL("./vectors/cloudfront.json", import.meta.url), "utf8")) as Vectors;

const KPID = v.keyPairId;
const clock = (): number => v.clockMs;
const BACKENDS = ["node", "webcrypto"] as const;
const ENGINES = ["wasm", "js"] as const;
const HASHES = ["SHA1", "SHA256"] as const;
type Hash = (typeof HASHES)[number];
type Backend = (typeof BACKENDS)[number];
const field = (h: Hash): "sha1" | "sha256" => (h === "SHA1" ? "sha1" : "sha256");

// ----------------------------------------------------------------------------- helpers (node built-ins only)

/** CloudFront-safe base64 (guide: `+`→`-`, `=`→`_`, `/`→`~`), via Buffer, not cfsign. */
function cfEncode(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64").replace(/\+/g, "-").replace(/=/g, "_").replace(/\//g, "~");
}
function cfDecode(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text.replace(/-/g, "+").replace(/_/g, "=").replace(/~/g, "/"), "base64"));
}
function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}
function fromHex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "hex"));
}
function pemToDer(pem: string): Uint8Array {
  return new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64"));
}

/** True for exactly `SEQUENCE { INTEGER r, INTEGER s }` in minimal DER with 0 < r, s < 2^256 (X.690 §8.3). */
function isStrictEcdsaDer(der: Uint8Array): boolean {
  if (der.length < 8 || der.length > 72 || der[0] !== 0x30 || der[1] !== der.length - 2) return false;
  let at = 2;
  for (let k = 0; k < 2; k++) {
    if (der[at] !== 0x02) return false;
    const len = der[at + 1]!;
    const value = der.subarray(at + 2, at + 2 + len);
    if (len < 1 || len > 33 || value.length !== len) return false;
    if (value[0]! & 0x80) return false; // negative
    if (value[0] === 0 && (len === 1 || (value[1]! & 0x80) === 0)) return false; // zero or non-minimal
    if (len === 33 && value[0] !== 0) return false;
    at += 2 + len;
  }
  return at === der.length;
}

function rsaVerifies(hash: Hash, policy: string, signature: Uint8Array): boolean {
  return verify(hash === "SHA1" ? "sha1" : "sha256", Buffer.from(policy, "utf8"), v.keys.rsa2048.spkiPem, signature);
}
function ecdsaVerifies(policy: string, der: Uint8Array): boolean {
  return verify("sha256", Buffer.from(policy, "utf8"), { key: v.keys.p256.spkiPem, dsaEncoding: "der" }, der);
}

/** Resolves to the CfSignError code the promise rejects with; fails the test if it resolves. */
async function rejectionCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(CfSignError);
    return (err as CfSignError).code;
  }
  throw new Error("expected a CfSignError, but the call succeeded");
}

function customOptions(c: CustomCase): SignOptions {
  return { expires: v.expires, ...c.options };
}
function customItems(): BatchItem[] {
  return v.custom.map((c) => ({ url: c.url, ...c.options }));
}

async function rsaCryptoKey(hash: Hash): Promise<CryptoKey> {
  return globalThis.crypto.subtle.importKey(
    "pkcs8",
    pemToDer(v.keys.rsa2048.pkcs8Pem) as BufferSource,
    { name: "RSASSA-PKCS1-v1_5", hash: hash === "SHA1" ? "SHA-1" : "SHA-256" },
    false,
    ["sign"],
  );
}
async function ecCryptoKey(): Promise<CryptoKey> {
  return globalThis.crypto.subtle.importKey(
    "pkcs8",
    pemToDer(v.keys.p256.pkcs8Pem) as BufferSource,
    { name: "ECDSA", namedCurve: "P-256" },
    false,
    ["sign"],
  );
}

/**
 * An ECDSA URL must be the expected SHA-256 URL with only the Signature value
 * different, and that value must be strict DER verifying over the policy.
 */
function expectEcdsaUrl(actual: string, c: CannedCase): void {
  const expected = c.sha256.url;
  const marker = "&Signature=";
  const suffix = `&Key-Pair-Id=${KPID}&Hash-Algorithm=SHA256`;
  const prefix = expected.slice(0, expected.lastIndexOf(marker) + marker.length);
  expect(actual.slice(0, prefix.length), `${c.id}: everything before the signature`).toBe(prefix);
  expect(actual.endsWith(suffix), `${c.id}: ends with ${suffix}`).toBe(true);
  const sigText = actual.slice(prefix.length, actual.length - suffix.length);
  expect(sigText, `${c.id}: CloudFront-safe base64`).toMatch(/^[A-Za-z0-9~-]+_{0,2}$/);
  const der = cfDecode(sigText);
  expect(cfEncode(der), `${c.id}: canonical base64`).toBe(sigText);
  expect(isStrictEcdsaDer(der), `${c.id}: strict DER, got ${hex(der)}`).toBe(true);
  expect(ecdsaVerifies(c.policy, der), `${c.id}: verifies with keys.p256.spkiPem`).toBe(true);
}

// ----------------------------------------------------------------------------- the vector file itself

describe("test/vectors/cloudfront.json is intact", () => {
  it("has the cases this suite expects", () => {
    expect(KPID).toBe("K2JCJMDEHXQW5F");
    expect(v.canned.length).toBeGreaterThanOrEqual(15);
    expect(v.custom.length).toBeGreaterThanOrEqual(40);
    expect(v.refusedKeys.length).toBeGreaterThanOrEqual(15);
    expect(new Set([...v.canned, ...v.custom].map((c) => c.id)).size).toBe(v.canned.length + v.custom.length);
    expect(v.expires * 1000).toBeGreaterThan(v.clockMs);
  });

  it("every stored RSA signature verifies (node:crypto) and appears in its URL", () => {
    for (const c of [...v.canned, ...v.custom]) {
      for (const h of HASHES) {
        const s = c[field(h)];
        expect(rsaVerifies(h, c.policy, cfDecode(s.signature)), `${c.id} ${h}`).toBe(true);
        expect(s.url.includes(`Signature=${s.signature}&Key-Pair-Id=${KPID}`), `${c.id} ${h}`).toBe(true);
      }
    }
  });

  it("every stored ECDSA signature (cryptography and openssl) verifies", () => {
    for (const s of v.ecdsa.signatures) {
      expect(ecdsaVerifies(s.policy, fromHex(s.derCryptography)), s.caseRef).toBe(true);
      expect(ecdsaVerifies(s.policy, fromHex(s.derOpenssl)), s.caseRef).toBe(true);
    }
  });
});

// ----------------------------------------------------------------------------- RSA: every case, byte for byte

for (const backend of BACKENDS) {
  for (const engine of ENGINES) {
    for (const hash of HASHES) {
      describe(`RSA-2048, backend ${backend}, engine ${engine}, ${hash}`, () => {
        let signer: Signer;
        const f = field(hash);
        beforeAll(async () => {
          signer = await createSigner({
            keyPairId: KPID,
            privateKey: v.keys.rsa2048.pkcs8Pem,
            hashAlgorithm: hash,
            engine,
            backend,
            clock,
          });
        });

        it("reports the settings it was given", () => {
          expect([signer.algorithm, signer.hashAlgorithm, signer.engine]).toEqual(["RSA", hash, engine]);
        });

        for (const c of v.canned) {
          it(`canned ${c.id}: botocore's URL${hash === "SHA256" ? " (SHA-256 construction)" : ""}`, async () => {
            expect(await signer.signUrl(c.url, { expires: v.expires })).toBe(c[f].url);
          });
        }

        for (const c of v.custom) {
          it(`custom ${c.id}: botocore's URL${hash === "SHA256" ? " (SHA-256 construction)" : ""}`, async () => {
            expect(await signer.signUrl(c.url, customOptions(c))).toBe(c[f].url);
          });
        }

        it("signUrls: every canned case in one batch", async () => {
          const results = await signer.signUrls(
            v.canned.map((c) => c.url),
            { expires: v.expires, strict: true },
          );
          expect(results).toEqual(v.canned.map((c) => ({ ok: true, url: c[f].url })));
        });

        it("signUrls: every custom case in one batch, options per item", async () => {
          const results = await signer.signUrls(customItems(), { expires: v.expires, strict: true });
          expect(results).toEqual(v.custom.map((c) => ({ ok: true, url: c[f].url })));
        });
      });
    }
  }
}

// ----------------------------------------------------------------------------- inputs that must mean the same

describe("expires and starts in every accepted form give the same URL", () => {
  const canned = v.canned.find((c) => c.id === "plain")!;
  const custom = v.custom.find((c) => c.options.starts !== undefined && c.options.ipAddress !== undefined)!;
  for (const hash of HASHES) {
    it(`${hash}: Date, epoch seconds and ISO-8601`, async () => {
      const signer = await createSigner({
        keyPairId: KPID,
        privateKey: v.keys.rsa2048.pkcs8Pem,
        hashAlgorithm: hash,
        clock,
      });
      const f = field(hash);
      for (const expires of [v.expires, new Date(v.expires * 1000), v.expiresIso]) {
        expect(await signer.signUrl(canned.url, { expires }), String(expires)).toBe(canned[f].url);
      }
      for (const starts of [v.starts, new Date(v.starts * 1000), v.startsIso]) {
        const url = await signer.signUrl(custom.url, { ...customOptions(custom), expires: v.expiresIso, starts });
        expect(url, String(starts)).toBe(custom[f].url);
      }
    });
  }

  it("the default hash is SHA-256", async () => {
    const signer = await createSigner({ keyPairId: KPID, privateKey: v.keys.rsa2048.pkcs8Pem, clock });
    expect(await signer.signUrl(canned.url, { expires: v.expires })).toBe(canned.sha256.url);
  });
});

// ----------------------------------------------------------------------------- every RSA key format

type KeyForm = readonly [
  name: string,
  make: (hash: Hash) => Promise<PrivateKeyInput> | PrivateKeyInput,
  passphrase?: string,
];

const RSA_FORMS: readonly KeyForm[] = [
  ["PKCS#8 PEM", () => v.keys.rsa2048.pkcs8Pem],
  ["PKCS#1 PEM", () => v.keys.rsa2048.pkcs1Pem],
  ["encrypted PKCS#8 PEM", () => v.keys.rsa2048.encryptedPkcs8Pem, v.keys.rsa2048.passphrase],
  ["private JWK", () => v.keys.rsa2048.jwk],
  ["PKCS#8 DER bytes", () => pemToDer(v.keys.rsa2048.pkcs8Pem)],
  ["CryptoKey", (hash) => rsaCryptoKey(hash)],
  ["KeyObject", () => createPrivateKey(v.keys.rsa2048.pkcs8Pem) as unknown as PrivateKeyInput],
];

/** The WebCrypto backend may refuse an encrypted key (it says so with INVALID_KEY); it must never sign wrongly. */
const MAY_REFUSE: Record<Backend, ReadonlySet<string>> = {
  node: new Set(),
  webcrypto: new Set(["encrypted PKCS#8 PEM"]),
};
const NOT_FOR: Record<Backend, ReadonlySet<string>> = {
  node: new Set(),
  webcrypto: new Set(["KeyObject"]), // a node:crypto object; the WebCrypto backend is for runtimes without one
};

for (const backend of BACKENDS) {
  describe(`every RSA key format gives the same URLs (backend ${backend})`, () => {
    for (const [name, make, passphrase] of RSA_FORMS) {
      if (NOT_FOR[backend].has(name)) continue;
      for (const hash of HASHES) {
        it(`${name}, ${hash}`, async () => {
          const created = createSigner({
            keyPairId: KPID,
            privateKey: await make(hash),
            passphrase,
            hashAlgorithm: hash,
            backend,
            clock,
          });
          if (MAY_REFUSE[backend].has(name)) {
            const outcome = await created.then(
              (s) => s,
              (err: unknown) => err,
            );
            if (outcome instanceof CfSignError) {
              expect(outcome.code).toBe("INVALID_KEY");
              return;
            }
          }
          const signer = await created;
          const f = field(hash);
          const canned = await signer.signUrls(
            v.canned.map((c) => c.url),
            { expires: v.expires, strict: true },
          );
          expect(canned).toEqual(v.canned.map((c) => ({ ok: true, url: c[f].url })));
          const custom = await signer.signUrls(customItems(), { expires: v.expires, strict: true });
          expect(custom).toEqual(v.custom.map((c) => ({ ok: true, url: c[f].url })));
        });
      }
    }
  });
}

// ----------------------------------------------------------------------------- ECDSA P-256

const EC_FORMS: readonly KeyForm[] = [
  ["PKCS#8 PEM", () => v.keys.p256.pkcs8Pem],
  ["SEC1 PEM", () => v.keys.p256.sec1Pem],
  ["encrypted PKCS#8 PEM", () => v.keys.p256.encryptedPkcs8Pem, v.keys.p256.passphrase],
  ["private JWK", () => v.keys.p256.jwk],
  ["PKCS#8 DER bytes", () => pemToDer(v.keys.p256.pkcs8Pem)],
  ["CryptoKey", () => ecCryptoKey()],
  ["KeyObject", () => createPrivateKey(v.keys.p256.pkcs8Pem) as unknown as PrivateKeyInput],
];

for (const backend of BACKENDS) {
  for (const engine of ENGINES) {
    describe(`ECDSA P-256, backend ${backend}, engine ${engine}: URLs match but for the signature, which verifies`, () => {
      for (const [name, make, passphrase] of EC_FORMS) {
        if (NOT_FOR[backend].has(name)) continue;
        it(`key as ${name}`, async () => {
          const created = createSigner({
            keyPairId: KPID,
            privateKey: await make("SHA256"),
            passphrase,
            engine,
            backend,
            clock,
          });
          if (MAY_REFUSE[backend].has(name)) {
            const outcome = await created.then(
              (s) => s,
              (err: unknown) => err,
            );
            if (outcome instanceof CfSignError) {
              expect(outcome.code).toBe("INVALID_KEY");
              return;
            }
          }
          const signer = await created;
          expect([signer.algorithm, signer.hashAlgorithm]).toEqual(["ECDSA", "SHA256"]);
          const canned = await signer.signUrls(
            v.canned.map((c) => c.url),
            { expires: v.expires, strict: true },
          );
          canned.forEach((r, i) => {
            expect(r.ok).toBe(true);
            if (r.ok) expectEcdsaUrl(r.url, v.canned[i]!);
          });
          const custom = await signer.signUrls(customItems(), { expires: v.expires, strict: true });
          custom.forEach((r, i) => {
            expect(r.ok).toBe(true);
            if (r.ok) expectEcdsaUrl(r.url, v.custom[i]!);
          });
          const one = v.custom.find((c) => c.id === "path-wildcard-dir-ip24-starts")!;
          expectEcdsaUrl(await signer.signUrl(one.url, customOptions(one)), one);
        });
      }

      it("1,000 signatures of one policy are all strict DER and verify (exercises every r/s length)", async () => {
        const signer = await createSigner({
          keyPairId: KPID,
          privateKey: v.keys.p256.pkcs8Pem,
          engine,
          backend,
          clock,
        });
        const c = v.canned.find((x) => x.id === "query")!;
        const results = await signer.signUrls(new Array<string>(1000).fill(c.url), {
          expires: v.expires,
          strict: true,
        });
        const lengths = new Set<number>();
        for (const r of results) {
          expect(r.ok).toBe(true);
          if (!r.ok) continue;
          expectEcdsaUrl(r.url, c);
          lengths.add(cfDecode(r.url.slice(r.url.lastIndexOf("&Signature=") + 11).split("&")[0]!).length);
        }
        // Randomized: with 1,000 signatures, 70, 71 and 72-byte DER all occur (each with p > 0.2).
        expect([...lengths].filter((n) => n >= 70 && n <= 72).sort()).toEqual([70, 71, 72]);
      });
    });
  }
}

describe("ECDSA P1363 <-> DER conversions (vectors from cryptography, parsed by openssl asn1parse)", () => {
  const shapes = v.ecdsa.p1363Conversions;

  it("covers the shapes that break naive converters", () => {
    expect(shapes.map((s) => s.shape).sort()).toEqual(["no-high-bit", "r-and-s-high-bit", "r-short", "s-short"]);
  });

  for (const s of shapes) {
    it(`${s.shape}: ecdsaP1363ToDer and ecdsaDerToP1363 (src/crypto/der.ts)`, () => {
      expect(hex(ecdsaP1363ToDer(fromHex(s.p1363)))).toBe(s.der);
      expect(hex(ecdsaDerToP1363(fromHex(s.der)) ?? new Uint8Array())).toBe(s.p1363);
      expect(
        verify("sha256", Buffer.from(s.message), { key: v.keys.p256.spkiPem, dsaEncoding: "der" }, fromHex(s.der)),
      ).toBe(true);
    });

    it(`${s.shape}: a custom signer returning raw r||s yields the DER signature in the URL`, async () => {
      const raw: CustomSigner = { algorithm: "ECDSA", signatureFormat: "p1363", sign: async () => fromHex(s.p1363) };
      const der: CustomSigner = { algorithm: "ECDSA", signatureFormat: "der", sign: async () => fromHex(s.der) };
      const c = v.canned[0]!;
      for (const privateKey of [raw, der]) {
        const signer = await createSigner({ keyPairId: KPID, privateKey, clock });
        const url = await signer.signUrl(c.url, { expires: v.expires });
        expect(url).toBe(
          c.url +
            `?Expires=${v.expires}&Signature=${cfEncode(fromHex(s.der))}&Key-Pair-Id=${KPID}&Hash-Algorithm=SHA256`,
        );
      }
    });
  }
});

// ----------------------------------------------------------------------------- keys that must be refused

for (const backend of BACKENDS) {
  describe(`refused keys (backend ${backend})`, () => {
    for (const k of v.refusedKeys) {
      it(`${k.id} → ${k.expectedCode}: ${k.description}`, async () => {
        const privateKey = (k.pem ?? k.jwk) as PrivateKeyInput;
        expect(privateKey).not.toBeNull();
        for (const hash of HASHES) {
          const code = await rejectionCode(
            createSigner({ keyPairId: KPID, privateKey, hashAlgorithm: hash, backend, clock }),
          );
          expect(code, hash).toBe(k.expectedCode);
        }
      });
    }

    for (const [label, key] of [
      ["RSA", v.keys.rsa2048],
      ["P-256", v.keys.p256],
    ] as const) {
      it(`encrypted ${label} PKCS#8 with a wrong passphrase → INVALID_KEY`, async () => {
        const code = await rejectionCode(
          createSigner({
            keyPairId: KPID,
            privateKey: key.encryptedPkcs8Pem,
            passphrase: v.wrongPassphrase,
            backend,
            clock,
          }),
        );
        expect(code).toBe("INVALID_KEY");
      });
      it(`encrypted ${label} PKCS#8 without a passphrase → INVALID_KEY`, async () => {
        const code = await rejectionCode(
          createSigner({ keyPairId: KPID, privateKey: key.encryptedPkcs8Pem, backend, clock }),
        );
        expect(code).toBe("INVALID_KEY");
      });
    }
  });
}
