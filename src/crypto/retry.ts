/**
 * Retries for calls to a remote key service (AWS KMS, a network HSM): which
 * failures are worth another try, how long to wait (capped exponential backoff
 * with full jitter), and waits that an `AbortSignal` cuts short.
 *
 * @module
 */
import { CfSignError } from "../errors.ts";

/** How a remote signing call is retried. */
export interface RetryOptions {
  /** Attempts per signature, the first included. Default 8. */
  readonly maxAttempts?: number | undefined;
  /** Backoff before the second attempt, in milliseconds; doubled per attempt. Default 50. */
  readonly baseDelayMs?: number | undefined;
  /** Longest backoff between two attempts, in milliseconds. Default 5000. */
  readonly maxDelayMs?: number | undefined;
  /** Random number in [0, 1) for the jitter. Default `Math.random` (tests pass a fixed one). */
  readonly random?: (() => number) | undefined;
}

/** {@link RetryOptions} checked, with the defaults filled in. */
export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly random: () => number;
}

/** Defaults: 8 attempts, 50 ms doubling to at most 5 s (at most about 11 s of waiting per signature). */
const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 50, maxDelayMs: 5000, random: Math.random };

/**
 * Checks {@link RetryOptions} and fills in the defaults.
 *
 * @throws {@link CfSignError} `INVALID_ARGUMENT` for a value out of range
 */
export function retryPolicy(options: RetryOptions | undefined): RetryPolicy {
  const o = options ?? {};
  const maxAttempts = o.maxAttempts ?? DEFAULT_RETRY.maxAttempts;
  const baseDelayMs = o.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs;
  const maxDelayMs = o.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs;
  const random = o.random ?? DEFAULT_RETRY.random;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 100) {
    throw new CfSignError("INVALID_ARGUMENT", "retry.maxAttempts must be a whole number from 1 to 100");
  }
  for (const [name, v] of [
    ["baseDelayMs", baseDelayMs],
    ["maxDelayMs", maxDelayMs],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 600_000) {
      throw new CfSignError(
        "INVALID_ARGUMENT",
        `retry.${name} must be a whole number of milliseconds from 0 to 600000`,
      );
    }
  }
  if (typeof random !== "function") throw new CfSignError("INVALID_ARGUMENT", "retry.random must be a function");
  return { maxAttempts, baseDelayMs, maxDelayMs, random };
}

/**
 * The wait before attempt `attempt + 1` (after `attempt` failures, `attempt` ≥ 1):
 * "full jitter", a uniform draw from 0 to min(cap, base × 2^(attempt−1)), which
 * spreads the retries of many callers throttled at once instead of having them
 * retry together (AWS Architecture Blog, "Exponential Backoff And Jitter", 2015).
 *
 * @param policy - the retry policy
 * @param attempt - failures so far (1 for the wait after the first failure)
 * @returns whole milliseconds
 */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt - 1, 30));
  return Math.floor(policy.random() * (ceiling + 1));
}

/** What a failure of a key-service call means for the next attempt. */
type FailureKind =
  /** Throttled (rate quota): retry after a backoff. */
  | "throttled"
  /** A server-side or network failure that may not happen again: retry after a backoff. */
  | "transient"
  /** The call was aborted (an `AbortError`). */
  | "aborted"
  /** Anything else: the same call would fail again. */
  | "permanent";

/** Exception names the AWS SDK uses for throttling (KMS: ThrottlingException; others for completeness). */
const THROTTLING = new Set([
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestThrottled",
  "RequestThrottledException",
  "RequestLimitExceeded",
  "SlowDown",
]);

/**
 * KMS exceptions the API reference says may succeed on a retry: KMSInternalException (500),
 * DependencyTimeoutException (503), KeyUnavailableException ("the request can be retried").
 */
const TRANSIENT = new Set([
  "KMSInternalException",
  "DependencyTimeoutException",
  "KeyUnavailableException",
  "InternalFailure",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
]);

/** Node's codes for a connection that broke or never answered. */
const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENOTFOUND",
  "ECONNABORTED",
  "UND_ERR_SOCKET",
]);

/**
 * Classifies a failure of an AWS SDK v3 call (its `name`, `$metadata.httpStatusCode`,
 * `$retryable`) or of the network under it.
 *
 * @param err - what the call threw
 * @returns the failure's kind
 */
export function classifyFailure(err: unknown): FailureKind {
  if (typeof err !== "object" || err === null) return "permanent";
  const e = err as {
    name?: unknown;
    code?: unknown;
    $retryable?: { throttling?: boolean };
    $metadata?: { httpStatusCode?: unknown };
  };
  const name = typeof e.name === "string" ? e.name : "";
  if (name === "AbortError") return "aborted";
  const status = typeof e.$metadata?.httpStatusCode === "number" ? e.$metadata.httpStatusCode : undefined;
  if (THROTTLING.has(name) || status === 429 || e.$retryable?.throttling === true) return "throttled";
  if (TRANSIENT.has(name) || (status !== undefined && status >= 500) || e.$retryable !== undefined) return "transient";
  if (typeof e.code === "string" && NETWORK_CODES.has(e.code)) return "transient";
  if (status === undefined && /socket hang up|network|ECONNRESET/i.test(String((err as Error).message)))
    return "transient";
  return "permanent";
}

/**
 * One listener on the caller's `AbortSignal`, shared by every wait of a signer (backoffs,
 * places in the in-flight queue, requests): a signer with hundreds of waits in flight adds
 * one listener, not hundreds (Node warns past ten on one signal).
 */
export class AbortWatch {
  readonly #signal: AbortSignal | undefined;
  readonly #callbacks = new Set<(reason: unknown) => void>();

  /** @param signal - the caller's signal, or none */
  constructor(signal: AbortSignal | undefined) {
    this.#signal = signal;
    signal?.addEventListener(
      "abort",
      () => {
        const callbacks = [...this.#callbacks];
        this.#callbacks.clear();
        for (const cb of callbacks) cb(signal.reason);
      },
      { once: true },
    );
  }

  /** True once the signal has fired. */
  get aborted(): boolean {
    return this.#signal?.aborted === true;
  }

  /** The signal's reason (after it fired). */
  get reason(): unknown {
    return this.#signal?.reason;
  }

  /**
   * Settles like `promise`, or rejects with the signal's reason as soon as it fires
   * (`promise` then runs on, its result ignored).
   */
  race<T>(promise: Promise<T>): Promise<T> {
    if (this.#signal === undefined) return promise;
    if (this.aborted) {
      promise.catch(() => undefined);
      return Promise.reject(this.reason);
    }
    return new Promise<T>((resolve, reject) => {
      const cb = (reason: unknown): void => reject(reason);
      this.#callbacks.add(cb);
      promise.then(
        (v) => {
          this.#callbacks.delete(cb);
          resolve(v);
        },
        (e: unknown) => {
          this.#callbacks.delete(cb);
          reject(e);
        },
      );
    });
  }
}

/** Waits `ms`, or rejects with the signal's reason as soon as it fires; the timer is cleared either way. */
export function sleep(ms: number, watch: AbortWatch): Promise<void> {
  if (watch.aborted) return Promise.reject(watch.reason);
  if (ms <= 0) return Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const waited = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return watch.race(waited).finally(() => clearTimeout(timer));
}
