/**
 * Where a public key is imported and a signature is verified, for the
 * verifier. WebCrypto only (`crypto.subtle`), so it runs unchanged on Node,
 * Deno, Bun, Workers and browsers; a Node `KeyObject` is read structurally
 * through its `export({ format: "jwk" })`, with no `node:` import.
 *
 * Imported keys are cached: objects (CryptoKey, KeyObject, JWK) in a
 * `WeakMap`, PEM text in a small bounded map, so a verifier called per request
 * does not re-import its keys.
 *
 * @module
 */
import { CfSignError, fail } from "../errors.ts";
import {
  ecdsaDerToP1363,
  encodeTlv,
  OID_EC_PUBLIC_KEY,
  OID_P256,
  OID_RSA_ENCRYPTION,
  parsePem,
  readTlv,
} from "./der.ts";
import {
  isCryptoKey,
  isKeyObjectLike,
  type CryptoKeyLike,
  type HashAlgorithm,
  type JsonWebKeyLike,
  type KeyAlgorithm,
  type KeyObjectLike,
} from "./types.ts";

/**
 * A public key in any form the verifier accepts: SPKI PEM (`BEGIN PUBLIC KEY`,
 * what CloudFront's key groups hold) or PKCS#1 PEM (`BEGIN RSA PUBLIC KEY`), a
 * public JWK, a WebCrypto `CryptoKey`, or a Node `KeyObject`.
 */
export type PublicKeyInput = string | JsonWebKeyLike | CryptoKeyLike | KeyObjectLike;

/** A public key imported once, ready to verify with either hash. */
export interface VerifyKey {
  readonly algorithm: KeyAlgorithm;
  /** The key for `hash`; `null` when it cannot be had (a non-extractable RSA `CryptoKey` bound to the other hash). */
  forHash(hash: HashAlgorithm): Promise<CryptoKeyLike | null>;
}

const WEB_HASH: Record<HashAlgorithm, string> = { SHA1: "SHA-1", SHA256: "SHA-256" };
const RSA_SIGNATURE_BYTES = 256;
const P256_HALF = 32;

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (s === undefined) fail("INVALID_KEY", "this runtime has no WebCrypto (crypto.subtle), which the verifier needs");
  return s;
}

const objectCache = /* @__PURE__ */ new WeakMap<object, Promise<VerifyKey>>();
const textCache = /* @__PURE__ */ new Map<string, Promise<VerifyKey>>();
const TEXT_CACHE_SIZE = 64;

/**
 * Imports (or returns the cached import of) a public key.
 *
 * @throws {@link CfSignError} (as a rejection) `INVALID_KEY` when the input is not a readable public key,
 *   `UNSUPPORTED_KEY` when it is not RSA-2048 or ECDSA P-256
 */
export function importVerifyKey(input: PublicKeyInput): Promise<VerifyKey> {
  if (typeof input === "string") {
    let cached = textCache.get(input);
    if (cached === undefined) {
      cached = importUncached(input);
      cached.catch(() => textCache.delete(input));
      if (textCache.size >= TEXT_CACHE_SIZE) textCache.delete(textCache.keys().next().value!);
      textCache.set(input, cached);
    }
    return cached;
  }
  if (typeof input === "object" && input !== null) {
    let cached = objectCache.get(input);
    if (cached === undefined) {
      cached = importUncached(input);
      cached.catch(() => objectCache.delete(input));
      objectCache.set(input, cached);
    }
    return cached;
  }
  return Promise.reject(
    new CfSignError("INVALID_KEY", "a public key must be SPKI PEM text, a public JWK, a CryptoKey or a KeyObject"),
  );
}

async function importUncached(input: PublicKeyInput): Promise<VerifyKey> {
  if (isCryptoKey(input)) return fromCryptoKey(input as CryptoKey);
  if (isKeyObjectLike(input)) return fromJwk(keyObjectJwk(input));
  if (typeof input === "string") return fromPem(input);
  if (typeof input === "object" && input !== null && "kty" in input) return fromJwk(input as JsonWebKey);
  fail("INVALID_KEY", "a public key must be SPKI PEM text, a public JWK, a CryptoKey or a KeyObject");
}

function keyObjectJwk(key: KeyObjectLike): JsonWebKey {
  if (key.type === "secret") fail("INVALID_KEY", "a secret KeyObject was given; pass the public key");
  let jwk: unknown;
  try {
    jwk = key.export({ format: "jwk" });
  } catch (cause) {
    throw new CfSignError("INVALID_KEY", "the KeyObject could not be exported as a JWK", { cause });
  }
  if (typeof jwk !== "object" || jwk === null) fail("INVALID_KEY", "the KeyObject did not export a JWK");
  return jwk as JsonWebKey;
}

function fromPem(text: string): Promise<VerifyKey> {
  const pem = parsePem(text);
  if (pem === null) fail("INVALID_KEY", "the public key is not valid PEM (expected -----BEGIN PUBLIC KEY-----)");
  if (pem.label === "RSA PUBLIC KEY") {
    // PKCS#1 RSAPublicKey inside SPKI: SEQUENCE { SEQUENCE { rsaEncryption, NULL }, BIT STRING { 0 unused bits, key } } (RFC 3279 §2.3.1).
    const algorithm = encodeTlv(0x30, concat(OID_RSA_ENCRYPTION, new Uint8Array([0x05, 0x00])));
    const key = encodeTlv(0x03, concat(new Uint8Array([0x00]), pem.der));
    return fromSpki(encodeTlv(0x30, concat(algorithm, key)));
  }
  if (pem.label === "PUBLIC KEY") return fromSpki(pem.der);
  if (pem.label.includes("PRIVATE KEY")) {
    fail(
      "INVALID_KEY",
      "a private key was given where the public key is needed; extract it with: openssl pkey -pubout",
    );
  }
  if (pem.label === "CERTIFICATE") {
    fail("INVALID_KEY", "a certificate was given; extract its public key with: openssl x509 -pubkey -noout");
  }
  fail("INVALID_KEY", `PEM "${pem.label}" is not a public key`);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** The algorithm of an SPKI `SubjectPublicKeyInfo` (RFC 5280 §4.1.2.7, RFC 5480 §2). */
function spkiAlgorithm(der: Uint8Array): "rsa" | "p256" | "other-ec" | "other" | null {
  const outer = readTlv(der, 0);
  if (outer === null || outer.tag !== 0x30 || outer.end !== der.length) return null;
  const algorithm = readTlv(der, outer.start, outer.end);
  if (algorithm === null || algorithm.tag !== 0x30) return null;
  const oid = readTlv(der, algorithm.start, algorithm.end);
  if (oid === null || oid.tag !== 0x06) return null;
  const oidBytes = der.subarray(algorithm.start, oid.end);
  if (equalBytes(oidBytes, OID_RSA_ENCRYPTION)) return "rsa";
  if (equalBytes(oidBytes, OID_EC_PUBLIC_KEY)) {
    const params = readTlv(der, oid.end, algorithm.end);
    return params !== null && equalBytes(der.subarray(oid.end, params.end), OID_P256) ? "p256" : "other-ec";
  }
  return "other";
}

async function fromSpki(der: Uint8Array): Promise<VerifyKey> {
  const kind = spkiAlgorithm(der);
  if (kind === null) fail("INVALID_KEY", "the public key could not be read as SPKI");
  if (kind === "other")
    fail(
      "UNSUPPORTED_KEY",
      "the public key is neither RSA nor ECDSA; CloudFront accepts only RSA-2048 and ECDSA P-256",
    );
  if (kind === "other-ec")
    fail("UNSUPPORTED_KEY", "the EC public key is not on P-256; CloudFront accepts only P-256 and RSA-2048");
  const bytes = der as BufferSource;
  if (kind === "p256") {
    const key = await importOrFail(() =>
      subtle().importKey("spki", bytes, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]),
    );
    return ecdsaKey(key);
  }
  return rsaKey((hash) =>
    subtle().importKey("spki", bytes, { name: "RSASSA-PKCS1-v1_5", hash: WEB_HASH[hash] }, false, ["verify"]),
  );
}

async function fromJwk(jwk: JsonWebKey): Promise<VerifyKey> {
  if (jwk.kty === "RSA") {
    if (typeof jwk.n !== "string" || typeof jwk.e !== "string") fail("INVALID_KEY", "the RSA JWK needs n and e");
    const bare: JsonWebKey = { kty: "RSA", n: jwk.n, e: jwk.e };
    return rsaKey((hash) =>
      subtle().importKey("jwk", bare, { name: "RSASSA-PKCS1-v1_5", hash: WEB_HASH[hash] }, false, ["verify"]),
    );
  }
  if (jwk.kty === "EC") {
    if (jwk.crv !== "P-256")
      fail("UNSUPPORTED_KEY", `the JWK is on ${String(jwk.crv)}; CloudFront accepts only P-256 and RSA-2048`);
    // Only the public members: a private JWK (or a private KeyObject's export) verifies like its public half.
    const bare: JsonWebKey = { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y };
    const key = await importOrFail(() =>
      subtle().importKey("jwk", bare, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]),
    );
    return ecdsaKey(key);
  }
  fail("UNSUPPORTED_KEY", `the JWK is of type ${String(jwk.kty)}; CloudFront accepts only RSA-2048 and ECDSA P-256`);
}

async function fromCryptoKey(key: CryptoKey): Promise<VerifyKey> {
  if (key.type !== "public") fail("INVALID_KEY", `a ${key.type} CryptoKey was given; pass the public key`);
  if (!key.usages.includes("verify")) fail("INVALID_KEY", 'the CryptoKey was not imported with the "verify" usage');
  const alg = key.algorithm as RsaHashedKeyAlgorithm & EcKeyAlgorithm;
  if (alg.name === "ECDSA") {
    if (alg.namedCurve !== "P-256")
      fail("UNSUPPORTED_KEY", `the key is ECDSA on ${alg.namedCurve}; CloudFront accepts only P-256 and RSA-2048`);
    return ecdsaKey(key);
  }
  if (alg.name === "RSASSA-PKCS1-v1_5") {
    checkModulus(alg.modulusLength);
    const bound = alg.hash.name === "SHA-1" ? "SHA1" : alg.hash.name === "SHA-256" ? "SHA256" : null;
    return rsaKey(async (hash) => {
      if (hash === bound) return key;
      // An RSA CryptoKey is bound to one hash; re-import for the other one if the key allows it.
      if (!key.extractable) return null;
      const jwk = await subtle().exportKey("jwk", key);
      return subtle().importKey(
        "jwk",
        { kty: "RSA", n: jwk.n, e: jwk.e },
        { name: "RSASSA-PKCS1-v1_5", hash: WEB_HASH[hash] },
        false,
        ["verify"],
      );
    }, false);
  }
  fail(
    "UNSUPPORTED_KEY",
    `the CryptoKey is ${alg.name}; CloudFront keys are RSASSA-PKCS1-v1_5 (RSA-2048) or ECDSA P-256`,
  );
}

function checkModulus(bits: number): void {
  if (bits !== 2048)
    fail("UNSUPPORTED_KEY", `the key is RSA-${bits}; CloudFront accepts only RSA-2048 and ECDSA P-256`);
}

async function importOrFail(run: () => Promise<CryptoKey>): Promise<CryptoKey> {
  try {
    return await run();
  } catch (cause) {
    if (cause instanceof CfSignError) throw cause;
    throw new CfSignError("INVALID_KEY", "the public key could not be imported", { cause });
  }
}

function ecdsaKey(key: CryptoKey): VerifyKey {
  return { algorithm: "ECDSA", forHash: () => Promise.resolve(key) };
}

/** An RSA key imported lazily per hash (WebCrypto binds the hash at import). Imports SHA-256 eagerly to check the key. */
async function rsaKey(load: (hash: HashAlgorithm) => Promise<CryptoKey | null>, check = true): Promise<VerifyKey> {
  const keys: Partial<Record<HashAlgorithm, Promise<CryptoKey | null>>> = {};
  const forHash = (hash: HashAlgorithm): Promise<CryptoKey | null> =>
    (keys[hash] ??= load(hash).catch((cause: unknown) => {
      throw cause instanceof CfSignError
        ? cause
        : new CfSignError("INVALID_KEY", "the public key could not be imported", { cause });
    }));
  if (check) {
    const key = await forHash("SHA256");
    checkModulus((key!.algorithm as RsaHashedKeyAlgorithm).modulusLength);
  }
  return { algorithm: "RSA", forHash };
}

/** How an ECDSA signature is encoded: DER (what CloudFront uses) or raw r‖s (IEEE P1363, what WebCrypto uses). */
type SignatureFormat = "der" | "p1363";

/**
 * Verifies one signature with WebCrypto. For ECDSA, a DER signature must be
 * strict DER (one minimal SEQUENCE of two positive INTEGERs that fit P-256);
 * anything else is simply not a valid signature. An RSA-2048 signature must be
 * exactly 256 bytes (RFC 8017 §8.2.2 step 1).
 *
 * @param publicKey - an imported {@link VerifyKey} or any {@link PublicKeyInput}
 * @param algorithm - the algorithm the signature claims; a key of the other algorithm never verifies it
 * @param hash - `SHA1` or `SHA256`
 * @param data - the signed bytes (the policy)
 * @param signature - the signature bytes
 * @param format - ECDSA signature encoding, default `"der"`
 * @returns true when the signature is valid
 * @throws {@link CfSignError} (as a rejection) `INVALID_KEY`/`UNSUPPORTED_KEY` for an unusable key
 */
export async function verifySignature(
  publicKey: VerifyKey | PublicKeyInput,
  algorithm: KeyAlgorithm,
  hash: HashAlgorithm,
  data: Uint8Array,
  signature: Uint8Array,
  format: SignatureFormat = "der",
): Promise<boolean> {
  const key = isVerifyKey(publicKey) ? publicKey : await importVerifyKey(publicKey);
  if (key.algorithm !== algorithm) return false;
  const cryptoKey = await key.forHash(hash);
  if (cryptoKey === null) return false;
  let params: AlgorithmIdentifier | EcdsaParams;
  let sig: Uint8Array;
  if (algorithm === "RSA") {
    if (signature.length !== RSA_SIGNATURE_BYTES) return false;
    params = "RSASSA-PKCS1-v1_5";
    sig = signature;
  } else {
    const raw =
      format === "der" ? ecdsaDerToP1363(signature, P256_HALF) : signature.length === 2 * P256_HALF ? signature : null;
    if (raw === null) return false;
    params = { name: "ECDSA", hash: WEB_HASH[hash] };
    sig = raw;
  }
  try {
    return await subtle().verify(params, cryptoKey as CryptoKey, sig as BufferSource, data as BufferSource);
  } catch {
    return false;
  }
}

function isVerifyKey(value: unknown): value is VerifyKey {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as VerifyKey).forHash === "function" &&
    ((value as VerifyKey).algorithm === "RSA" || (value as VerifyKey).algorithm === "ECDSA")
  );
}
