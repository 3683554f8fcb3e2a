/**
 * Signing adapter for WebCrypto (`crypto.subtle`), the path for Deno, Bun,
 * Cloudflare Workers and browsers. WebCrypto imports only PKCS#8 and JWK, so
 * PKCS#1 and SEC1 PEM are wrapped into PKCS#8 first; ECDSA output (raw r‖s) is
 * converted to DER. Runtime-neutral: no `node:` imports.
 *
 * @module
 */
import { CfSignError, fail } from "../errors.ts";
import { wrapCustomSigner } from "./custom.ts";
import { ecdsaP1363ToDer, parsePem, pkcs8Algorithm, wrapPkcs1RsaKey, wrapSec1EcKey } from "./der.ts";
import { checkHashSupported, describeKeyProblem } from "./key-checks.ts";
import { decryptPkcs8 } from "./pbes2.ts";
import {
  isCryptoKey,
  isCustomSigner,
  isKeyObjectLike,
  type HashAlgorithm,
  type KeyAlgorithm,
  type KeyImportOptions,
  type SigningKey,
} from "./types.ts";

const WEB_HASH: Record<HashAlgorithm, string> = { SHA1: "SHA-1", SHA256: "SHA-256" };

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (s === undefined) fail("INVALID_KEY", "this runtime has no WebCrypto (crypto.subtle)");
  return s;
}

/**
 * Imports any accepted private key form with WebCrypto.
 *
 * @throws {@link CfSignError} `INVALID_KEY`, `UNSUPPORTED_KEY`, `UNSUPPORTED_HASH`
 */
export async function importSigningKey(options: KeyImportOptions): Promise<SigningKey> {
  const { privateKey, hashAlgorithm } = options;
  if (isCustomSigner(privateKey)) return wrapCustomSigner(privateKey, hashAlgorithm);
  const { key, algorithm } = await toCryptoKey(options);
  const signing = signingKey(key, algorithm, hashAlgorithm);
  await checkHashSupported(signing);
  return signing;
}

async function toCryptoKey(options: KeyImportOptions): Promise<{ key: CryptoKey; algorithm: KeyAlgorithm }> {
  const { privateKey: input, passphrase, hashAlgorithm } = options;
  if (isCryptoKey(input)) return checkCryptoKey(input as CryptoKey, hashAlgorithm);
  if (isKeyObjectLike(input)) {
    fail("INVALID_KEY", "a Node KeyObject cannot be used with the WebCrypto backend; pass PEM, a JWK or a CryptoKey");
  }
  const problem = describeKeyProblem(input);
  if (problem !== null) fail("INVALID_KEY", problem);
  if (typeof input === "object" && input !== null && !(input instanceof Uint8Array) && "kty" in input) {
    return importJwk(input as JsonWebKey, hashAlgorithm);
  }
  let der: Uint8Array;
  if (typeof input === "string" || (input instanceof Uint8Array && input[0] === 0x2d) /* - */) {
    const text = typeof input === "string" ? input : new TextDecoder().decode(input);
    // The first private key block: `openssl ecparam -genkey` writes EC PARAMETERS before it.
    const pem = parsePem(text, /PRIVATE KEY$/) ?? parsePem(text);
    if (pem === null) fail("INVALID_KEY", "the private key is not valid PEM");
    if (pem.hasHeaders) {
      fail(
        "INVALID_KEY",
        "legacy OpenSSL PEM encryption (Proc-Type: 4,ENCRYPTED) is not supported by the WebCrypto backend; " +
          "convert it (openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256) or use the node backend" +
          (passphrase === undefined ? "" : " (the passphrase was not used)"),
      );
    }
    if (pem.label === "ENCRYPTED PRIVATE KEY") der = await decryptPkcs8(pem.der, passphrase, subtle());
    else if (pem.label === "RSA PRIVATE KEY") der = wrapPkcs1RsaKey(pem.der);
    else if (pem.label === "EC PRIVATE KEY") {
      const wrapped = wrapSec1EcKey(pem.der);
      if (wrapped === null)
        fail("UNSUPPORTED_KEY", "the EC key is not on P-256; CloudFront accepts only P-256 and RSA-2048");
      der = wrapped;
    } else if (pem.label === "PRIVATE KEY") der = pem.der;
    else fail("INVALID_KEY", `PEM "${pem.label}" is not a private key`);
  } else if (input instanceof Uint8Array) {
    der = input;
  } else {
    fail(
      "INVALID_ARGUMENT",
      "privateKey must be PEM text, PKCS#8 DER bytes, a private JWK, a CryptoKey or a custom signer",
    );
  }
  return importPkcs8(der, hashAlgorithm);
}

async function importPkcs8(der: Uint8Array, hash: HashAlgorithm): Promise<{ key: CryptoKey; algorithm: KeyAlgorithm }> {
  const kind = pkcs8Algorithm(der);
  if (kind === null) fail("INVALID_KEY", "the private key could not be read as PKCS#8");
  if (kind.kind === "other")
    fail("UNSUPPORTED_KEY", "the key is neither RSA nor ECDSA; CloudFront accepts only RSA-2048 and ECDSA P-256");
  if (kind.kind === "ec" && !kind.p256)
    fail("UNSUPPORTED_KEY", "the EC key is not on P-256; CloudFront accepts only P-256 and RSA-2048");
  const params =
    kind.kind === "rsa" ? { name: "RSASSA-PKCS1-v1_5", hash: WEB_HASH[hash] } : { name: "ECDSA", namedCurve: "P-256" };
  let key: CryptoKey;
  try {
    key = await subtle().importKey("pkcs8", der as BufferSource, params, false, ["sign"]);
  } catch (cause) {
    throw new CfSignError("INVALID_KEY", "the private key could not be imported (malformed PKCS#8?)", { cause });
  }
  return checkCryptoKey(key, hash);
}

async function importJwk(jwk: JsonWebKey, hash: HashAlgorithm): Promise<{ key: CryptoKey; algorithm: KeyAlgorithm }> {
  if (jwk.d === undefined) fail("INVALID_KEY", "the JWK has no private part (d); pass the private key");
  let params: RsaHashedImportParams | EcKeyImportParams;
  if (jwk.kty === "RSA") params = { name: "RSASSA-PKCS1-v1_5", hash: WEB_HASH[hash] };
  else if (jwk.kty === "EC") {
    if (jwk.crv !== "P-256")
      fail("UNSUPPORTED_KEY", `the JWK is on ${jwk.crv}; CloudFront accepts only P-256 and RSA-2048`);
    params = { name: "ECDSA", namedCurve: "P-256" };
  } else fail("UNSUPPORTED_KEY", `the JWK is of type ${jwk.kty}; CloudFront accepts only RSA-2048 and ECDSA P-256`);
  // Drop alg/key_ops/use so a JWK minted for another hash or use still imports for signing.
  const { alg: _alg, key_ops: _ops, use: _use, ...bare } = jwk;
  let key: CryptoKey;
  try {
    key = await subtle().importKey("jwk", bare, params, false, ["sign"]);
  } catch (cause) {
    throw new CfSignError("INVALID_KEY", "the JWK could not be imported", { cause });
  }
  return checkCryptoKey(key, hash);
}

function checkCryptoKey(key: CryptoKey, hash: HashAlgorithm): { key: CryptoKey; algorithm: KeyAlgorithm } {
  if (key.type !== "private") fail("INVALID_KEY", `a ${key.type} CryptoKey was given; pass the private key`);
  if (!key.usages.includes("sign")) fail("INVALID_KEY", 'the CryptoKey was not imported with the "sign" usage');
  const alg = key.algorithm as RsaHashedKeyAlgorithm & EcKeyAlgorithm;
  if (alg.name === "RSASSA-PKCS1-v1_5") {
    if (alg.modulusLength !== 2048) {
      fail("UNSUPPORTED_KEY", `the key is RSA-${alg.modulusLength}; CloudFront accepts only RSA-2048 and ECDSA P-256`);
    }
    if (alg.hash.name !== WEB_HASH[hash]) {
      fail(
        "INVALID_KEY",
        `the CryptoKey was imported for ${alg.hash.name} but the signer uses ${WEB_HASH[hash]}; ` +
          `import it with hash "${WEB_HASH[hash]}" or set hashAlgorithm to match`,
      );
    }
    return { key, algorithm: "RSA" };
  }
  if (alg.name === "ECDSA") {
    if (alg.namedCurve !== "P-256") {
      fail("UNSUPPORTED_KEY", `the key is ECDSA on ${alg.namedCurve}; CloudFront accepts only P-256 and RSA-2048`);
    }
    return { key, algorithm: "ECDSA" };
  }
  fail("UNSUPPORTED_KEY", `the CryptoKey is ${alg.name}; CloudFront needs RSASSA-PKCS1-v1_5 (RSA-2048) or ECDSA P-256`);
}

function signingKey(key: CryptoKey, algorithm: KeyAlgorithm, hashAlgorithm: HashAlgorithm): SigningKey {
  const s = subtle();
  const params: AlgorithmIdentifier | EcdsaParams =
    algorithm === "RSA" ? "RSASSA-PKCS1-v1_5" : { name: "ECDSA", hash: WEB_HASH[hashAlgorithm] };
  return {
    algorithm,
    hashAlgorithm,
    async sign(data: Uint8Array): Promise<Uint8Array> {
      let out: ArrayBuffer;
      try {
        out = await s.sign(params, key, data as BufferSource);
      } catch (cause) {
        throw new CfSignError("SIGNING_FAILED", "WebCrypto could not sign", { cause });
      }
      const bytes = new Uint8Array(out);
      return algorithm === "ECDSA" ? ecdsaP1363ToDer(bytes) : bytes;
    },
  };
}
