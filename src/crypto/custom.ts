/**
 * Adapter for {@link CustomSigner}s (KMS, HSM, remote signers). Their output is
 * checked before it reaches a URL: a wrong-length or malformed signature becomes
 * a `SIGNING_FAILED` error for that item, never a URL CloudFront would refuse.
 * A signer that refuses the hash fails the whole call with `UNSUPPORTED_HASH`;
 * one that hangs is cut off by `signTimeoutMs` ({@link withSignTimeout}).
 *
 * @module
 */
import { CfSignError, fail } from "../errors.ts";
import { ecdsaDerToP1363, ecdsaP1363ToDer } from "./der.ts";
import {
  isCustomSigner,
  type CustomSigner,
  type HashAlgorithm,
  type PrivateKeyInput,
  type SigningKey,
} from "./types.ts";

/** RSA-2048 signatures are exactly the modulus size (RFC 8017 §8.2.1). */
export const RSA_2048_SIGNATURE_BYTES = 256;
/** Largest DER encoding of a P-256 ECDSA signature (2 × 33-byte INTEGER + headers). */
export const ECDSA_P256_MAX_DER_BYTES = 72;
/** Longest delay `setTimeout` keeps (2^31 − 1 ms, about 24.8 days); a longer one fires at once. */
const MAX_SIGN_TIMEOUT_MS = 2_147_483_647;

/**
 * Wraps a custom signer after checking its shape.
 *
 * What the custom signer's failures become, per call of its `sign`:
 * - a `CfSignError` with code `UNSUPPORTED_HASH`, or (for SHA-1 only) the platform's own
 *   refusal of the digest (OpenSSL `invalid digest` / `unsupported`, WebCrypto `NotSupportedError`,
 *   as hardened and FIPS builds raise it): `UNSUPPORTED_HASH` naming SHA-256 as the fix, which
 *   fails the whole call (every item would fail the same way; no URL is returned);
 * - any other `CfSignError`: passed through as it is (`SIGNING_FAILED` fails the item, other codes the call);
 * - anything else it throws or rejects with: `SIGNING_FAILED` for that item, with the original as `cause`.
 *
 * @throws {@link CfSignError} `INVALID_KEY` when the object is not a usable signer; whatever its
 *   `assertHash` throws for `hashAlgorithm` (a non-`CfSignError` becomes `UNSUPPORTED_HASH`)
 */
export function wrapCustomSigner(signer: CustomSigner, hashAlgorithm: HashAlgorithm): SigningKey {
  const algorithm = signer.algorithm;
  if (algorithm !== "RSA" && algorithm !== "ECDSA") {
    fail("INVALID_KEY", 'a custom signer needs algorithm "RSA" or "ECDSA"');
  }
  const format = signer.signatureFormat ?? "der";
  if (format !== "der" && format !== "p1363") {
    fail("INVALID_KEY", 'a custom signer\'s signatureFormat must be "der" or "p1363"');
  }
  if (typeof signer.assertHash === "function") {
    try {
      signer.assertHash(hashAlgorithm);
    } catch (cause) {
      if (cause instanceof CfSignError) throw cause;
      throw new CfSignError(
        "UNSUPPORTED_HASH",
        `the custom signer refuses ${hashAlgorithm === "SHA1" ? "SHA-1" : "SHA-256"} signatures`,
        { cause },
      );
    }
  }
  return {
    algorithm,
    hashAlgorithm,
    async sign(data: Uint8Array): Promise<Uint8Array> {
      let out: unknown;
      try {
        out = await signer.sign(data, hashAlgorithm);
      } catch (cause) {
        throw customFailure(cause, hashAlgorithm);
      }
      const bytes = out instanceof Uint8Array ? out : out instanceof ArrayBuffer ? new Uint8Array(out) : null;
      if (bytes === null) fail("SIGNING_FAILED", "the custom signer must return a Uint8Array or ArrayBuffer");
      return checkSignature(algorithm, format, bytes);
    },
  };
}

/**
 * A custom signer whose `sign` fails with `SIGNING_FAILED` ("timed out") when it has
 * not settled within `ms`. The timer is cleared as soon as the call settles, so
 * nothing outlives a call by more than `ms`; a call that never settles keeps only a
 * few closures alive (not the policy bytes) for as long as the custom signer keeps
 * its promise, and nothing once it lets go of it. A result that arrives after the
 * timeout is ignored.
 *
 * @param signer - the custom signer
 * @param ms - whole milliseconds, 1 to {@link MAX_SIGN_TIMEOUT_MS}
 * @returns a custom signer with the same `algorithm` and `signatureFormat`
 * @throws {@link CfSignError} `INVALID_ARGUMENT` for a bad `ms`
 */
function withSignTimeout(signer: CustomSigner, ms: number): CustomSigner {
  checkTimeout(ms);
  const wrapped: { -readonly [K in keyof CustomSigner]: CustomSigner[K] } = {
    algorithm: signer.algorithm,
    sign(data: Uint8Array, hash: HashAlgorithm): Promise<Uint8Array | ArrayBuffer> {
      let pending: Promise<Uint8Array | ArrayBuffer>;
      try {
        pending = Promise.resolve(signer.sign(data, hash));
      } catch (err) {
        return Promise.reject(err);
      }
      return settleWithin(pending, ms);
    },
  };
  if (signer.signatureFormat !== undefined) wrapped.signatureFormat = signer.signatureFormat;
  if (typeof signer.assertHash === "function") wrapped.assertHash = (hash) => signer.assertHash!(hash);
  return wrapped;
}

/**
 * The `signTimeoutMs` option of `createSigner`: checks it, and bounds a custom signer
 * with it. Platform keys are returned as they are: node:crypto and WebCrypto do not hang.
 *
 * @param privateKey - the key as given to `createSigner`
 * @param ms - `signTimeoutMs`, or `undefined` for none
 * @returns the key, or the custom signer wrapped by {@link withSignTimeout}
 * @throws {@link CfSignError} `INVALID_ARGUMENT` for a bad `ms`
 */
export function applySignTimeout(privateKey: PrivateKeyInput, ms: number | undefined): PrivateKeyInput {
  if (ms === undefined) return privateKey;
  checkTimeout(ms);
  return isCustomSigner(privateKey) ? withSignTimeout(privateKey, ms) : privateKey;
}

function checkTimeout(ms: number): void {
  if (!Number.isInteger(ms) || ms < 1 || ms > MAX_SIGN_TIMEOUT_MS) {
    fail("INVALID_ARGUMENT", `signTimeoutMs must be a whole number of milliseconds from 1 to ${MAX_SIGN_TIMEOUT_MS}`);
  }
}

/**
 * `pending`'s outcome, or a timeout error after `ms`. Written so that what `pending`
 * keeps alive after a timeout (its reaction closures) holds no result and no timer.
 */
function settleWithin<T>(pending: Promise<T>, ms: number): Promise<T> {
  let settle: ((ok: boolean, value: unknown) => void) | undefined;
  const result = new Promise<T>((resolve, reject) => {
    settle = (ok, value) => (ok ? resolve(value as T) : reject(value));
  });
  let timer: ReturnType<typeof setTimeout> | undefined = setTimeout(
    () =>
      finish(
        false,
        new CfSignError("SIGNING_FAILED", `the custom signer timed out: no signature within ${ms} ms (signTimeoutMs)`),
      ),
    ms,
  );
  function finish(ok: boolean, value: unknown): void {
    clearTimeout(timer);
    timer = undefined;
    const s = settle;
    settle = undefined;
    s?.(ok, value);
  }
  pending.then(
    (value) => finish(true, value),
    (err: unknown) => finish(false, err),
  );
  return result;
}

/** Node's codes for a digest the OpenSSL build or policy refuses, and WebCrypto's name for it. */
const HASH_REFUSED_CODES = ["ERR_OSSL_EVP_INVALID_DIGEST", "ERR_OSSL_EVP_UNSUPPORTED", "ERR_CRYPTO_INVALID_DIGEST"];
const HASH_REFUSED_TEXT =
  /invalid digest|digest not allowed|unsupported digest|\bsha-?1\b.{0,40}\b(?:not (?:allowed|supported|permitted)|disabled|unsupported|forbidden)\b/i;

/** What a custom signer's exception becomes (see {@link wrapCustomSigner}). */
function customFailure(cause: unknown, hash: HashAlgorithm): CfSignError {
  if (cause instanceof CfSignError && cause.code !== "UNSUPPORTED_HASH") return cause;
  const refused =
    cause instanceof CfSignError ||
    (hash === "SHA1" && typeof cause === "object" && cause !== null && refusesDigest(cause as Record<string, unknown>));
  if (refused) {
    return new CfSignError(
      "UNSUPPORTED_HASH",
      hash === "SHA1"
        ? 'the custom signer refuses SHA-1 signatures (a FIPS or hardened crypto policy?); use hashAlgorithm: "SHA256"'
        : "the custom signer refuses SHA-256 signatures, the hash CloudFront expects with Hash-Algorithm=SHA256",
      { cause },
    );
  }
  return new CfSignError(
    "SIGNING_FAILED",
    "the custom signer failed" + (hash === "SHA1" ? ' (if it refuses SHA-1, use hashAlgorithm: "SHA256")' : ""),
    { cause },
  );
}

function refusesDigest(err: Record<string, unknown>): boolean {
  if (typeof err["code"] === "string" && HASH_REFUSED_CODES.includes(err["code"])) return true;
  if (err["name"] === "NotSupportedError") return true;
  return typeof err["message"] === "string" && HASH_REFUSED_TEXT.test(err["message"]);
}

function checkSignature(algorithm: "RSA" | "ECDSA", format: "der" | "p1363", bytes: Uint8Array): Uint8Array {
  if (algorithm === "RSA") {
    if (bytes.length !== RSA_2048_SIGNATURE_BYTES) {
      fail(
        "SIGNING_FAILED",
        `the custom signer returned ${bytes.length} bytes; an RSA-2048 signature is ${RSA_2048_SIGNATURE_BYTES}`,
      );
    }
    return bytes.slice();
  }
  if (format === "p1363") {
    if (bytes.length !== 64) {
      fail("SIGNING_FAILED", `the custom signer returned ${bytes.length} bytes; a raw P-256 signature is 64`);
    }
    return ecdsaP1363ToDer(bytes);
  }
  if (ecdsaDerToP1363(bytes) === null) {
    fail(
      "SIGNING_FAILED",
      "the custom signer did not return a DER ECDSA P-256 signature " +
        '(if it returns raw r||s, set signatureFormat: "p1363")',
    );
  }
  return bytes.slice();
}
