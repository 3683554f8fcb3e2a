/**
 * `cfsign/kms`: sign CloudFront URLs and cookies with a key that never leaves
 * AWS KMS. {@link kmsSigner} reads the key once (GetPublicKey), refuses keys
 * CloudFront would not accept, and returns a {@link CustomSigner} for
 * `createSigner`: each signature is one KMS `Sign` request, retried on
 * throttling and transient failures (capped exponential backoff with jitter),
 * with a cap on requests in flight and an `AbortSignal` that stops everything.
 * Every signature KMS returns is verified with the key's public key before it
 * reaches a URL.
 *
 * `@aws-sdk/client-kms` is an optional peer dependency: install it beside cfsign
 * to use this entry; the main entry never loads it.
 *
 * @example
 * ```ts
 * import { KMSClient } from "@aws-sdk/client-kms";
 * import { createSigner, verifyUrl } from "cfsign";
 * import { kmsSigner } from "cfsign/kms";
 *
 * const kms = await kmsSigner({ client: new KMSClient({}), keyId: "alias/cloudfront-signing" });
 * const signer = await createSigner({ keyPairId: "K2JCJMDEHXQW5F", privateKey: kms });
 * const url = await signer.signUrl("https://d111111abcdef8.cloudfront.net/video.mp4", {
 *   expires: new Date(Date.now() + 3600_000),
 * });
 * await verifyUrl(url, { publicKeys: { K2JCJMDEHXQW5F: kms.publicKeyPem } }); // { valid: true, ... }
 * ```
 *
 * @module
 */
import { GetPublicKeyCommand, SignCommand, type KMSClient } from "@aws-sdk/client-kms";
import { CfSignError } from "./errors.ts";
import { InFlightLimit } from "./crypto/in-flight.ts";
import { verifySignature } from "./crypto/public-key.ts";
import { AbortWatch, retryPolicy, type RetryOptions } from "./crypto/retry.ts";
import type { CustomSigner, HashAlgorithm, KeyAlgorithm } from "./crypto/types.ts";
import { KmsAnswerError, keyUnavailable, retrying, signFailure } from "./kms/failures.ts";
import { checkKey, KMS_KEY_SPECS, toPem, type KmsKeySpec, type KmsSigningAlgorithm } from "./kms/key.ts";

export type { RetryOptions } from "./crypto/retry.ts";
export { CfSignError } from "./errors.ts";
export { KMS_KEY_SPECS, type KmsKeySpec, type KmsSigningAlgorithm } from "./kms/key.ts";

/** Largest message KMS signs with `MessageType: "RAW"` (API reference, Sign, `Message`). */
export const KMS_MAX_RAW_MESSAGE_BYTES = 4096;

/** Default cap on `Sign` requests in flight per {@link KmsSigner}. */
export const DEFAULT_MAX_IN_FLIGHT = 16;

/** Options of {@link kmsSigner}. */
export interface KmsSignerOptions {
  /** Your `KMSClient` (region, credentials and endpoint as you configured them). Its own retries add to ours: create it with `maxAttempts: 1` to leave retrying to cfsign. */
  client: Pick<KMSClient, "send">;
  /** Key id, key ARN, alias name (`alias/...`) or alias ARN of an asymmetric `SIGN_VERIFY` key. */
  keyId: string;
  /** `Sign` requests in flight at once, across every call of this signer. Default {@link DEFAULT_MAX_IN_FLIGHT}. */
  maxInFlight?: number | undefined;
  /** Retries of throttled and transient failures; see {@link RetryOptions}. */
  retry?: RetryOptions | undefined;
  /**
   * Stops the signer: requests in flight are cancelled, waiting ones never sent, and every call
   * (including `kmsSigner` itself) rejects with `ABORTED`. Use one per signer (e.g. a shutdown signal).
   */
  signal?: AbortSignal | undefined;
  /**
   * `"RAW"` sends the policy (at most 4,096 bytes), `"DIGEST"` its SHA-256, computed here.
   * Default `"auto"`: RAW up to 4,096 bytes, DIGEST above (a custom policy for a long URL).
   */
  messageType?: "RAW" | "DIGEST" | "auto" | undefined;
  /** Grant tokens passed with every request (KMS grants that are not yet eventually consistent). */
  grantTokens?: readonly string[] | undefined;
  /** Verify every signature with the key's public key before using it (WebCrypto, microseconds). Default true. */
  verifySignatures?: boolean | undefined;
}

/** Counters of a {@link KmsSigner} since it was created: what it cost. */
export interface KmsSignerStats {
  /** `Sign` requests sent (each is billed and counts against the KMS request quota), retries included. */
  readonly signRequests: number;
  /** `GetPublicKey` requests sent. */
  readonly getPublicKeyRequests: number;
  /** Signatures returned to the caller. */
  readonly signatures: number;
  /** Requests answered with throttling (`ThrottlingException`). */
  readonly throttled: number;
  /** Requests that failed in a way worth retrying (5xx, network). */
  readonly transientFailures: number;
  /** Signatures that failed (retries exhausted or refused); their items got `SIGNING_FAILED`. */
  readonly failures: number;
  /** Most `Sign` requests in flight at once. */
  readonly peakInFlight: number;
}

/** A {@link CustomSigner} backed by an AWS KMS key, with the key's public half. */
export interface KmsSigner extends CustomSigner {
  /** `"RSA"` for RSA_2048, `"ECDSA"` for ECC_NIST_P256. */
  readonly algorithm: KeyAlgorithm;
  /** KMS returns DER ECDSA signatures, as CloudFront expects. */
  readonly signatureFormat: "der";
  /** The key's ARN as GetPublicKey returned it (an alias resolved). */
  readonly keyArn: string;
  /** The key spec. */
  readonly keySpec: KmsKeySpec;
  /** The KMS signing algorithm used. */
  readonly signingAlgorithm: KmsSigningAlgorithm;
  /** The public key as SPKI PEM: upload it to CloudFront (a public key in a key group), pass it to `verifyUrl`. */
  readonly publicKeyPem: string;
  /** The public key as SPKI DER. */
  readonly publicKeyDer: Uint8Array;
  /** What this signer has cost so far. */
  readonly stats: KmsSignerStats;
}

const SHA1_REFUSED =
  "AWS KMS cannot sign with SHA-1: it has no SHA-1 signing algorithm (RSA keys offer RSASSA_PKCS1_V1_5_SHA_256 " +
  'and up, P-256 keys ECDSA_SHA_256). CloudFront accepts SHA-256 signatures with Hash-Algorithm=SHA256: use hashAlgorithm: "SHA256" (the default)';

/**
 * Reads a KMS key once and returns a signer for `createSigner({ privateKey })`.
 *
 * @param options - the client, the key, and optional limits (see {@link KmsSignerOptions})
 * @returns a {@link KmsSigner}: a custom signer with the key's public key and request counters
 * @throws {@link CfSignError} (as a rejection) `UNSUPPORTED_KEY` for a key CloudFront cannot use (not
 *   RSA_2048 or ECC_NIST_P256, not SIGN_VERIFY, or a public key that does not match its spec);
 *   `KEY_UNAVAILABLE` when KMS refuses GetPublicKey (access denied, not found, disabled, retries exhausted);
 *   `ABORTED`; `INVALID_ARGUMENT` for bad options
 * @example
 * ```ts
 * const kms = await kmsSigner({ client: new KMSClient({ maxAttempts: 1 }), keyId: "alias/cloudfront", maxInFlight: 32 });
 * console.log(kms.publicKeyPem); // upload to CloudFront
 * const signer = await createSigner({ keyPairId: "K2JCJMDEHXQW5F", privateKey: kms, signatureCacheSize: 10_000 });
 * ```
 */
export async function kmsSigner(options: KmsSignerOptions): Promise<KmsSigner> {
  if (typeof options !== "object" || options === null) throw invalid("kmsSigner takes an options object");
  const { client, keyId, signal } = options;
  if (typeof client !== "object" || client === null || typeof client.send !== "function") {
    throw invalid("client must be a KMSClient from @aws-sdk/client-kms");
  }
  if (typeof keyId !== "string" || keyId.length === 0 || keyId.length > 2048) {
    throw invalid("keyId must be a KMS key id, key ARN, alias name or alias ARN");
  }
  const maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1 || maxInFlight > 10_000) {
    throw invalid("maxInFlight must be a whole number from 1 to 10000");
  }
  const messageType = options.messageType ?? "auto";
  if (messageType !== "RAW" && messageType !== "DIGEST" && messageType !== "auto") {
    throw invalid('messageType must be "RAW", "DIGEST" or "auto"');
  }
  if (signal !== undefined && !(typeof signal === "object" && signal !== null && "aborted" in signal)) {
    throw invalid("signal must be an AbortSignal");
  }
  const grantTokens = options.grantTokens === undefined ? undefined : [...options.grantTokens];
  if (grantTokens !== undefined && !grantTokens.every((t) => typeof t === "string")) {
    throw invalid("grantTokens must be strings");
  }
  const policy = retryPolicy(options.retry);
  const counters = {
    signRequests: 0,
    getPublicKeyRequests: 0,
    signatures: 0,
    throttled: 0,
    transientFailures: 0,
    failures: 0,
  };
  const watch = new AbortWatch(signal);
  const call = retrying(policy, watch, counters);

  const described = await call(
    () => {
      counters.getPublicKeyRequests++;
      return watch.race(client.send(new GetPublicKeyCommand({ KeyId: keyId, GrantTokens: grantTokens })));
    },
    (err, attempts) => keyUnavailable("GetPublicKey", err, attempts),
  );
  const { spec, publicKeyDer, verifyKey } = await checkKey(described);
  const { algorithm, signingAlgorithm } = KMS_KEY_SPECS[spec];
  const publicKeyPem = toPem(publicKeyDer);
  const keyArn = typeof described.KeyId === "string" ? described.KeyId : keyId;
  const limit = new InFlightLimit(maxInFlight);
  const verify = options.verifySignatures ?? true;

  const signOnce = async (message: Uint8Array, type: "RAW" | "DIGEST", data: Uint8Array): Promise<Uint8Array> => {
    // A request already sent is not cancelled on abort (KMS has received and billed it); its place is
    // held until it settles, so the cap stays true, and its answer is dropped.
    const release = await watch.race(limit.acquire().then((free) => (watch.aborted ? (free(), free) : free)));
    if (watch.aborted) {
      release();
      throw watch.reason;
    }
    counters.signRequests++;
    const sent = client.send(
      new SignCommand({
        KeyId: keyId,
        Message: message,
        MessageType: type,
        SigningAlgorithm: signingAlgorithm,
        GrantTokens: grantTokens,
      }),
    );
    sent.then(release, release);
    const out = await watch.race(sent);
    const signature = out.Signature;
    if (!(signature instanceof Uint8Array) || signature.length === 0)
      throw new KmsAnswerError("KMS returned no signature");
    if (out.SigningAlgorithm !== undefined && out.SigningAlgorithm !== signingAlgorithm) {
      throw new KmsAnswerError("KMS signed with another algorithm than the one asked for");
    }
    if (verify && !(await verifySignature(verifyKey, algorithm, "SHA256", data, signature))) {
      throw new KmsAnswerError("the signature KMS returned does not verify with the key's public key");
    }
    return signature;
  };

  const signer: KmsSigner = {
    algorithm,
    signatureFormat: "der",
    keyArn,
    keySpec: spec,
    signingAlgorithm,
    publicKeyPem,
    publicKeyDer,
    get stats(): KmsSignerStats {
      return { ...counters, peakInFlight: limit.peak };
    },
    assertHash(hash: HashAlgorithm): void {
      if (hash !== "SHA256") throw new CfSignError("UNSUPPORTED_HASH", SHA1_REFUSED);
    },
    async sign(data: Uint8Array, hash: HashAlgorithm): Promise<Uint8Array> {
      if (hash !== "SHA256") throw new CfSignError("UNSUPPORTED_HASH", SHA1_REFUSED);
      const type = messageType === "auto" ? (data.length <= KMS_MAX_RAW_MESSAGE_BYTES ? "RAW" : "DIGEST") : messageType;
      const message = type === "RAW" ? data : await sha256(data);
      if (type === "RAW" && message.length > KMS_MAX_RAW_MESSAGE_BYTES) {
        counters.failures++;
        throw new CfSignError(
          "SIGNING_FAILED",
          `the policy is ${message.length} bytes; KMS signs RAW messages of at most ${KMS_MAX_RAW_MESSAGE_BYTES} (use messageType "auto" or "DIGEST")`,
        );
      }
      try {
        const signature = await call(
          () => signOnce(message, type, data),
          (err, attempts) => signFailure(err, attempts),
        );
        counters.signatures++;
        return signature;
      } catch (err) {
        counters.failures++;
        throw err;
      }
    },
  };
  return signer;
}

async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", data as BufferSource));
}

function invalid(message: string): CfSignError {
  return new CfSignError("INVALID_ARGUMENT", message);
}
