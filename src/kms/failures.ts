/**
 * How the KMS signer (../kms.ts) meets failure: a request retried while it is throttled or
 * transient ({@link retrying}, capped exponential backoff with jitter, stopped by the AbortSignal),
 * and the last failure turned into the `CfSignError` a caller sees: `SIGNING_FAILED` for one item,
 * `KEY_UNAVAILABLE` when every request with the key would fail too, `ABORTED`. Messages name the
 * error's class, never its text.
 *
 * @module
 */
import { CfSignError } from "../errors.ts";
import { AbortWatch, backoffDelay, classifyFailure, sleep, type RetryPolicy } from "../crypto/retry.ts";

/** KMS errors that every further request with this key would meet too: fail the call, not each item. */
const KEY_UNUSABLE = new Set([
  "AccessDeniedException",
  "DisabledException",
  "NotFoundException",
  "KMSInvalidStateException",
  "InvalidKeyUsageException",
  "IncorrectKeyException",
  "InvalidGrantTokenException",
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "ExpiredTokenException",
  "CredentialsProviderError",
]);

/** KMS answered, but not with something cfsign can use: worth another try, like a 500. */
export class KmsAnswerError extends Error {
  override readonly name = "KmsAnswerError";
}

type Counters = { throttled: number; transientFailures: number };

/**
 * Runs `attempt` until it succeeds, retrying throttled and transient failures with
 * backoff; `final` turns the last failure into the error thrown.
 */
export function retrying(policy: RetryPolicy, watch: AbortWatch, counters: Counters) {
  return async <T>(attempt: () => Promise<T>, final: (err: unknown, attempts: number) => CfSignError): Promise<T> => {
    for (let n = 1; ; n++) {
      if (watch.aborted) throw aborted(watch.reason);
      try {
        return await attempt();
      } catch (err) {
        const kind = watch.aborted ? "aborted" : err instanceof KmsAnswerError ? "transient" : classifyFailure(err);
        if (kind === "aborted") throw aborted(err);
        if (kind === "permanent" || n >= policy.maxAttempts) throw final(err, n);
        if (kind === "throttled") counters.throttled++;
        else counters.transientFailures++;
        try {
          await sleep(backoffDelay(policy, n), watch);
        } catch (reason) {
          throw aborted(reason);
        }
      }
    }
  };
}

function errorName(err: unknown): string {
  const name = typeof err === "object" && err !== null ? (err as { name?: unknown }).name : undefined;
  return typeof name === "string" && /^[A-Za-z][A-Za-z0-9_.]{0,80}$/.test(name) ? name : "an error";
}

export function signFailure(err: unknown, attempts: number): CfSignError {
  const name = errorName(err);
  if (KEY_UNUSABLE.has(name)) return keyUnavailable("Sign", err, attempts);
  const tries = attempts === 1 ? "" : ` after ${attempts} attempts`;
  return new CfSignError("SIGNING_FAILED", `AWS KMS Sign failed${tries} (${name}); this item was not signed`, {
    cause: err,
  });
}

export function keyUnavailable(operation: string, err: unknown, attempts: number): CfSignError {
  const tries = attempts === 1 ? "" : ` after ${attempts} attempts`;
  return new CfSignError(
    "KEY_UNAVAILABLE",
    `AWS KMS ${operation} failed${tries} (${errorName(err)}): check the key id, the key's state and the caller's ` +
      "kms:GetPublicKey and kms:Sign permissions, region and credentials",
    { cause: err },
  );
}

function aborted(reason: unknown): CfSignError {
  return new CfSignError("ABORTED", "the KMS signer's AbortSignal fired; no further requests are sent", {
    cause: reason,
  });
}
