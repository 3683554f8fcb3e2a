/**
 * Signing adapter for node:crypto. The key is parsed and checked once into a
 * `KeyObject`; each signature is the asynchronous `crypto.sign`, which runs on
 * libuv's thread pool so a batch keeps every core busy.
 *
 * @module
 */
import type { KeyObject, webcrypto } from "node:crypto";
import { CfSignError, fail } from "../errors.ts";
import { wrapCustomSigner } from "./custom.ts";
import { checkHashSupported, describeKeyProblem } from "./key-checks.ts";
import {
  isCryptoKey,
  isCustomSigner,
  isKeyObjectLike,
  isNonExtractableCryptoKey,
  type HashAlgorithm,
  type KeyAlgorithm,
  type KeyImportOptions,
  type SigningKey,
} from "./types.ts";

const DIGEST: Record<HashAlgorithm, string> = { SHA1: "sha1", SHA256: "sha256" };

/**
 * node:crypto as `require` returns it, from `process.getBuiltinModule` (Node 20.16 and 22.3), not from
 * an `import`: for an ES import Node builds a module facade that reads every export of the builtin, and
 * node:crypto's lazy getters then load WebCrypto and more that this adapter never uses, about 2.5 ms of
 * a cold start (docs/performance.md, "Cold start"). Older releases load it with `import()` in
 * {@link importSigningKey}, which runs before anything else here.
 */
let nodeCrypto = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule?.("node:crypto") as
  typeof import("node:crypto") | undefined;

function crypto(): typeof import("node:crypto") {
  if (nodeCrypto === undefined) fail("INTERNAL", "node:crypto is used before importSigningKey loaded it");
  return nodeCrypto;
}

/**
 * Imports any accepted private key form with node:crypto.
 *
 * @throws {@link CfSignError} `INVALID_KEY`, `UNSUPPORTED_KEY`, `UNSUPPORTED_HASH`
 */
export async function importSigningKey(options: KeyImportOptions): Promise<SigningKey> {
  const { privateKey, passphrase, hashAlgorithm } = options;
  nodeCrypto ??= await import("node:crypto");
  if (isCustomSigner(privateKey)) return wrapCustomSigner(privateKey, hashAlgorithm);
  // A CryptoKey that may not be exported signs through WebCrypto, where it lives: node:crypto deprecates
  // turning it into a KeyObject (DEP0204, a warning on stderr since Node 24, to become an error).
  if (isNonExtractableCryptoKey(privateKey)) return (await import("./webcrypto.ts")).importSigningKey(options);
  const keyObject = toKeyObject(privateKey, passphrase);
  const algorithm = checkKeyObject(keyObject);
  if (algorithm === "ECDSA") checkEcPublicPoint(keyObject);
  const key = signingKey(keyObject, algorithm, hashAlgorithm);
  // SHA-1 is what a FIPS or hardened OpenSSL policy refuses: a test signature finds out now, with the fix in
  // the message. SHA-256 with a checked RSA-2048 or P-256 KeyObject cannot be refused, so it is not tested:
  // the test signature cost a fifth of the cold start (bench/suites/cold-start.js).
  if (hashAlgorithm === "SHA1") await checkHashSupported(key);
  return key;
}

/** Parses `input` into a private `KeyObject`. */
export function toKeyObject(input: unknown, passphrase: string | undefined): KeyObject {
  const { KeyObject, createPrivateKey } = crypto();
  if (input instanceof KeyObject) {
    if (input.type !== "private") fail("INVALID_KEY", `a ${input.type} KeyObject was given; pass the private key`);
    return input;
  }
  if (isCryptoKey(input)) {
    if (input.type !== "private") fail("INVALID_KEY", `a ${input.type} CryptoKey was given; pass the private key`);
    return KeyObject.from(input as webcrypto.CryptoKey);
  }
  if (isKeyObjectLike(input)) {
    fail("INVALID_KEY", "the KeyObject comes from another copy of node:crypto; pass a PEM string instead");
  }
  const problem = describeKeyProblem(input);
  if (problem !== null) fail("INVALID_KEY", problem);
  try {
    if (typeof input === "string" || input instanceof Uint8Array) {
      const text = typeof input === "string" ? input : null;
      const isPem = text !== null || startsWithPem(input as Uint8Array);
      if (isPem)
        return createPrivateKey({ key: input as string | Buffer, format: "pem", passphrase: passphrase ?? "" });
      return createPrivateKey({
        key: Buffer.from(input as Uint8Array),
        format: "der",
        type: "pkcs8",
        passphrase: passphrase ?? "",
      });
    }
    if (typeof input === "object" && input !== null && "kty" in input) {
      if (!("d" in input)) fail("INVALID_KEY", "the JWK has no private part (d); pass the private key");
      return createPrivateKey({ key: input as import("node:crypto").JsonWebKey, format: "jwk" });
    }
  } catch (cause) {
    if (cause instanceof CfSignError) throw cause;
    throw new CfSignError("INVALID_KEY", explainParseFailure(cause, passphrase), { cause });
  }
  fail(
    "INVALID_ARGUMENT",
    "privateKey must be PEM text, PKCS#8 DER bytes, a private JWK, a KeyObject, a CryptoKey or a custom signer",
  );
}

function startsWithPem(bytes: Uint8Array): boolean {
  const head = "-----BEGIN";
  for (let i = 0; i < head.length; i++) if (bytes[i] !== head.charCodeAt(i)) return false;
  return true;
}

function explainParseFailure(cause: unknown, passphrase: string | undefined): string {
  const code = (cause as { code?: string } | null)?.code ?? "";
  const text = String((cause as { message?: string } | null)?.message ?? "");
  if (code === "ERR_MISSING_PASSPHRASE" || (/passphrase|bad decrypt/i.test(text) && passphrase === undefined)) {
    return "the private key is encrypted; pass its passphrase";
  }
  if (/bad decrypt|decrypt/i.test(text) || (passphrase !== undefined && /unsupported|DECODER/i.test(text))) {
    return "the private key could not be decrypted: is the passphrase right?";
  }
  return "the private key could not be read: expected PEM (PKCS#8, PKCS#1 or SEC1), PKCS#8 DER or a private JWK";
}

function checkKeyObject(key: KeyObject): KeyAlgorithm {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  if (type === "rsa") {
    if (details.modulusLength !== 2048) {
      fail(
        "UNSUPPORTED_KEY",
        `the key is RSA-${details.modulusLength}; CloudFront accepts only RSA-2048 and ECDSA P-256`,
      );
    }
    return "RSA";
  }
  if (type === "ec") {
    if (details.namedCurve !== "prime256v1") {
      fail(
        "UNSUPPORTED_KEY",
        `the key is ECDSA on ${details.namedCurve}; CloudFront accepts only P-256 (prime256v1) and RSA-2048`,
      );
    }
    return "ECDSA";
  }
  fail(
    "UNSUPPORTED_KEY",
    `the key is ${type ?? "of an unknown type"}; CloudFront accepts only RSA-2048 and ECDSA P-256`,
  );
}

/**
 * node:crypto keeps an EC key's public point as given (a JWK's x and y, a PEM's
 * public key) without checking it against d, and signs with d: a hand-edited or
 * mixed-up JWK would sign every URL for another public key (403 everywhere).
 * WebCrypto refuses such a key; so does this.
 */
function checkEcPublicPoint(key: KeyObject): void {
  const jwk = key.export({ format: "jwk" });
  const derived = crypto().createECDH("prime256v1");
  derived.setPrivateKey(Buffer.from(jwk.d ?? "", "base64url"));
  const given = Buffer.concat([
    Buffer.from([4]),
    Buffer.from(jwk.x ?? "", "base64url"),
    Buffer.from(jwk.y ?? "", "base64url"),
  ]);
  if (!derived.getPublicKey().equals(given)) {
    fail(
      "INVALID_KEY",
      "the EC private key (d) does not belong to its public point (x, y): is the JWK's d from another key?",
    );
  }
}

function signingKey(key: KeyObject, algorithm: KeyAlgorithm, hashAlgorithm: HashAlgorithm): SigningKey {
  const digest = DIGEST[hashAlgorithm];
  const nodeSign = crypto().sign;
  // The KeyObject itself (ECDSA signatures are DER by default): an options object per call would be
  // parsed again per signature. The Buffer node:crypto returns is a Uint8Array, returned as it is.
  return {
    algorithm,
    hashAlgorithm,
    sign(data: Uint8Array): Promise<Uint8Array> {
      return new Promise((resolve, reject) => {
        nodeSign(digest, data, key, (err, signature) => {
          if (err) reject(new CfSignError("SIGNING_FAILED", "node:crypto could not sign", { cause: err }));
          else resolve(signature);
        });
      });
    },
    signTo(data: Uint8Array, done: (err: unknown, signature?: Uint8Array) => void): void {
      nodeSign(digest, data, key, (err, signature) => {
        if (err) done(new CfSignError("SIGNING_FAILED", "node:crypto could not sign", { cause: err }));
        else done(null, signature);
      });
    },
  };
}
