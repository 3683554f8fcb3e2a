/**
 * The batch pipeline of `signUrl`, `signUrls` and `signStream`: every item is
 * validated and its policy built (window k+1 while window k is being signed),
 * signatures are made with a bounded number in flight (or on worker threads, or
 * taken from the signature cache), and each window's URLs are assembled in one
 * hot-path call.
 *
 * Where each step happens: the URL is validated by `validateUrl`
 * (./cloudfront/url.ts), the policy conditions by `policyConditions`
 * (./lib/options.ts), the policy JSON is written by `HotPath.serializePolicies`,
 * the signature made by the platform key (`SigningKey.sign`), and the URL put
 * together by `HotPath.assembleUrls` (./engine/).
 *
 * @module
 */
import { CfSignError, fail, itemError, type BatchFailure } from "./errors.ts";
import { ECDSA_P256_MAX_DER_BYTES, RSA_2048_SIGNATURE_BYTES } from "./crypto/custom.ts";
import type { SigningKey } from "./crypto/types.ts";
import type { HotPath, PolicySpec, UrlParts } from "./engine/types.ts";
import { resourceCovers, validateResource } from "./cloudfront/resource.ts";
import { s3HostKind } from "./cloudfront/s3.ts";
import { MAX_URL_BYTES, validateUrl } from "./cloudfront/url.ts";
import { SignatureCache } from "./lib/signature-cache.ts";
import { definedOnly, hasWildcard, ownOptions, policyConditions, requireExpires, withWindow } from "./lib/options.ts";
import type {
  BatchItem,
  BatchOptions,
  BatchResult,
  BatchSigner,
  SignOptions,
  SignWarning,
  StreamOptions,
} from "./types.ts";

/** Items validated and signed together: bounded work in flight, and preparation overlapping signing. */
const WINDOW = 2048;
/** Smallest batch worth sending to worker threads. */
const BATCH_SIGNER_MIN = 64;

/** What every operation of one signer shares: the key, the hot path and the settings. */
export interface SignerCore {
  readonly key: SigningKey;
  readonly hotPath: HotPath;
  readonly keyPairId: string;
  /** `&Key-Pair-Id=K`, and `&Hash-Algorithm=SHA256` for SHA-256: the end of every signed query. */
  readonly suffix: string;
  /** Signatures in flight at once. */
  readonly concurrency: number;
  /** Current time, milliseconds. */
  readonly clock: () => number;
  /** Characters of the longest signature this key makes, in CloudFront base64. */
  readonly maxSignatureChars: number;
  readonly cache: SignatureCache | undefined;
  /** Worker threads for large batches; cleared by `Signer.close`. */
  batchSigner: BatchSigner | undefined;
  /** `SignerOptions.onWarning`. */
  readonly onWarning: ((warning: SignWarning) => void) | undefined;
}

/** The settings of {@link createCore} beyond key and hot path. */
interface CoreSettings {
  readonly keyPairId: string;
  readonly concurrency: number;
  readonly clock: () => number;
  readonly batchSigner?: BatchSigner | null | undefined;
  readonly cacheSize?: number | undefined;
  readonly onWarning?: ((warning: SignWarning) => void) | undefined;
}

/** The shared state of a signer (the arguments are already validated by `createSigner`). */
export function createCore(key: SigningKey, hotPath: HotPath, settings: CoreSettings): SignerCore {
  const maxSignatureBytes = key.algorithm === "RSA" ? RSA_2048_SIGNATURE_BYTES : ECDSA_P256_MAX_DER_BYTES;
  return {
    key,
    hotPath,
    keyPairId: settings.keyPairId,
    suffix: "&Key-Pair-Id=" + settings.keyPairId + (key.hashAlgorithm === "SHA256" ? "&Hash-Algorithm=SHA256" : ""),
    concurrency: settings.concurrency,
    clock: settings.clock,
    maxSignatureChars: base64Length(maxSignatureBytes),
    cache: settings.cacheSize ? new SignatureCache(settings.cacheSize, maxSignatureBytes) : undefined,
    batchSigner: settings.batchSigner ?? undefined,
    onWarning: settings.onWarning,
  };
}

interface Prepared {
  readonly url: string;
  readonly spec: PolicySpec;
  readonly canned: boolean;
}

/** One window of a batch after validation, with its signing under way. */
interface Staged {
  readonly prepared: Prepared[];
  /** Position in the batch of each prepared item. */
  readonly positions: number[];
  readonly policies: Uint8Array[];
  /** Indexes into `prepared` of the items short enough to sign. */
  readonly signable: number[];
  /** Per signable item: a signature from the cache, or undefined. */
  readonly cached: (Uint8Array | undefined)[];
  /** Per signable item: its cache key (when the cache is on). */
  readonly keys: string[] | undefined;
  /** Signatures of the signable items that were not cached, in order. */
  readonly signing: Promise<(Uint8Array | CfSignError)[]>;
}

/** `Signer.signUrl`: one URL through the batch pipeline; its failure is thrown. */
export async function signUrl(core: SignerCore, url: string, options: SignOptions): Promise<string> {
  const [result] = await runBatch(core, [url], options);
  if (result === undefined) fail("INTERNAL", "the batch returned no result for the URL");
  if (!result.ok) throw result.error;
  return result.url;
}

/** `Signer.signUrls`: one result per item, or with `strict` one `BATCH_FAILED` error. */
export async function signUrls(
  core: SignerCore,
  items: readonly BatchItem[],
  options: BatchOptions,
): Promise<BatchResult[]> {
  if (!Array.isArray(items)) fail("INVALID_ARGUMENT", "signUrls takes an array of URLs or { url, ... } items");
  const results = await runBatch(core, items, options);
  if (options.strict === true) {
    const failures: BatchFailure[] = [];
    for (const r of results) if (!r.ok) failures.push({ index: r.index, code: r.error.code });
    if (failures.length > 0) {
      throw batchFailed(
        `${items.length} items`,
        failures,
        failures.slice(0, 10).map((f) => `${f.index} (${f.code})`),
      );
    }
  }
  return results;
}

/**
 * The one error of a strict batch: how many of `what` failed, the first ten `named`, every failure in
 * `failures` (no URL is returned).
 */
export function batchFailed(what: string, failures: BatchFailure[], named: readonly string[]): CfSignError {
  return new CfSignError(
    "BATCH_FAILED",
    `${failures.length} of ${what} failed, nothing was returned: ${named.join(", ")}` +
      (failures.length > 10 ? ", ..." : ""),
    { failures },
  );
}

/**
 * Signs a batch window by window: window k+1 is validated and its policies
 * built while window k is being signed, and each window is assembled in one
 * hot-path call. Results land at their batch positions.
 */
async function runBatch(
  core: SignerCore,
  items: readonly BatchItem[],
  given: Partial<SignOptions>,
): Promise<BatchResult[]> {
  const defaults = ownOptions(given);
  const nowSeconds = core.clock() / 1000;
  const n = items.length;
  const results: BatchResult[] = new Array(n);
  let inFlight: Staged | undefined;
  for (let start = 0; ; start += WINDOW) {
    const next =
      start < n ? stage(core, items, start, Math.min(n, start + WINDOW), defaults, nowSeconds, results) : undefined;
    if (inFlight !== undefined) finish(core, inFlight, await inFlight.signing, results);
    if (next === undefined) break;
    inFlight = next;
  }
  return results;
}

/** Validates items [start, end), builds their policies and starts signing the ones not in the cache. */
function stage(
  core: SignerCore,
  items: readonly BatchItem[],
  start: number,
  end: number,
  defaults: Partial<SignOptions>,
  nowSeconds: number,
  results: BatchResult[],
): Staged {
  const prepared: Prepared[] = [];
  const positions: number[] = [];
  for (let i = start; i < end; i++) {
    try {
      const p = prepare(items[i], defaults, nowSeconds);
      prepared.push(p);
      positions.push(i);
      if (core.onWarning !== undefined) warnAboutHost(core, p.url, i);
    } catch (err) {
      results[i] = failure(err, i);
    }
  }
  const policies = prepared.length === 0 ? [] : core.hotPath.serializePolicies(prepared.map((p) => p.spec));
  const signable: number[] = [];
  for (let k = 0; k < prepared.length; k++) {
    const p = prepared[k]!;
    const head = p.canned ? 8 + String(p.spec.expires).length : 7 + base64Length(policies[k]!.length);
    const length = p.url.length + 1 + head + 11 + core.maxSignatureChars + core.suffix.length;
    if (length > MAX_URL_BYTES) {
      results[positions[k]!] = failure(
        new CfSignError(
          "URL_TOO_LONG",
          `the signed URL would be up to ${length} bytes; CloudFront accepts at most ${MAX_URL_BYTES}` +
            (p.canned ? "" : " (a shorter resource pattern shortens the Policy parameter)"),
        ),
        positions[k]!,
      );
    } else {
      signable.push(k);
    }
  }
  const { cache } = core;
  const cached: (Uint8Array | undefined)[] = new Array(signable.length);
  let keys: string[] | undefined;
  const toSign: Uint8Array[] = [];
  if (cache === undefined) {
    for (const k of signable) toSign.push(policies[k]!);
  } else {
    keys = new Array(signable.length);
    // Hits are copied into one buffer for the window (a cache slot is reused once evicted, and
    // other batches may evict before this window is assembled).
    const hits = new Uint8Array(cache.size === 0 ? 0 : signable.length * cache.maxSignatureBytes);
    let used = 0;
    for (let s = 0; s < signable.length; s++) {
      const policy = policies[signable[s]!]!;
      const key = SignatureCache.key(policy);
      keys[s] = key;
      const length = cache.copyTo(key, hits, used);
      if (length < 0) {
        toSign.push(policy);
      } else {
        cached[s] = hits.subarray(used, used + length);
        used += length;
      }
    }
  }
  const signing = toSign.length === 0 ? Promise.resolve([]) : signAll(core, toSign);
  // Awaited in runBatch; until then a platform failure must not count as unhandled.
  signing.catch(() => {});
  return { prepared, positions, policies, signable, cached, keys, signing };
}

/** Assembles the signed URLs of a staged window (one hot-path call) and stores the results. */
function finish(
  core: SignerCore,
  staged: Staged,
  signatures: readonly (Uint8Array | CfSignError)[],
  results: BatchResult[],
): void {
  const { prepared, positions, policies, signable, cached, keys } = staged;
  const parts: UrlParts[] = [];
  const partPositions: number[] = [];
  let next = 0;
  for (let s = 0; s < signable.length; s++) {
    const k = signable[s]!;
    let sig = cached[s];
    if (sig === undefined) {
      const made = signatures[next++]!;
      if (made instanceof CfSignError) {
        results[positions[k]!] = failure(made, positions[k]!);
        continue;
      }
      sig = made;
      if (keys !== undefined) core.cache!.set(keys[s]!, made);
    }
    const p = prepared[k]!;
    parts.push(
      p.canned
        ? { url: p.url, expires: p.spec.expires, signature: sig }
        : { url: p.url, policy: policies[k]!, signature: sig },
    );
    partPositions.push(positions[k]!);
  }
  if (parts.length === 0) return;
  const urls = core.hotPath.assembleUrls(parts, core.suffix);
  for (let s = 0; s < urls.length; s++) results[partPositions[s]!] = { ok: true, url: urls[s]! };
}

/**
 * Tells `onWarning` when a URL or resource is on an S3 endpoint (src/cloudfront/s3.ts): signed, but
 * CloudFront never sees a request sent there.
 */
export function warnAboutHost(core: SignerCore, url: string, index?: number): void {
  if (core.onWarning === undefined) return;
  const s3 = s3HostKind(url);
  if (s3 !== null)
    core.onWarning(
      index === undefined ? { code: "S3_HOST", message: s3.message } : { code: "S3_HOST", message: s3.message, index },
    );
}

/** Validates one item (URL, then policy conditions, then resource) and says what its policy is. */
function prepare(item: BatchItem | undefined, defaults: Partial<SignOptions>, nowSeconds: number): Prepared {
  let rawUrl: unknown;
  let o: Partial<SignOptions>;
  if (typeof item === "string") {
    rawUrl = item;
    o = defaults;
  } else if (typeof item === "object" && item !== null) {
    rawUrl = item.url;
    o = Object.assign(ownOptions(defaults), definedOnly(item));
  } else {
    fail("INVALID_ARGUMENT", "each item must be a URL string or an object with a url");
  }
  requireExpires(o);
  const url = validateUrl(rawUrl, { encode: o.encode });
  const c = withWindow(policyConditions(o, nowSeconds), o.expiresWindow);
  const custom = c.starts !== undefined || c.ipAddress !== undefined || o.resource !== undefined;
  if (!custom) return { url, spec: { resource: url, expires: c.expires }, canned: true };

  let resource: string;
  if (o.resource === undefined) {
    // The URL becomes a pattern in a custom policy: a * or a second ? would widen the grant.
    if (hasWildcard(url)) {
      fail(
        "URL_HAS_WILDCARD",
        "the URL contains * or ? (beyond the query separator), which a custom policy reads as wildcards " +
          "and would widen the grant; percent-encode them (%2A, %3F) or pass an explicit resource",
      );
    }
    resource = url;
  } else {
    resource = validateResource(o.resource, o.allowAnyResource === true).pattern;
    if (!resourceCovers(resource, url)) {
      fail("RESOURCE_MISMATCH", "resource does not cover the URL being signed, so CloudFront would refuse it");
    }
  }
  return { url, spec: { resource, expires: c.expires, starts: c.starts, ipAddress: c.ipAddress }, canned: false };
}

/**
 * `Signer.signStream`: items taken in batches of `window` through {@link runBatch}; at most two
 * batches in flight, and the source read only as fast as the results are consumed.
 */
export async function* signStream(
  core: SignerCore,
  source: Iterable<BatchItem> | AsyncIterable<BatchItem> | ReadableStream<BatchItem>,
  options: StreamOptions,
): AsyncGenerator<BatchResult, void, undefined> {
  const window = options.window ?? 1024;
  if (!Number.isInteger(window) || window < 1) fail("INVALID_ARGUMENT", "window must be a positive integer");
  const iterator = iterate(source);
  try {
    let offset = 0;
    let pending: { results: Promise<BatchResult[]>; offset: number } | undefined;
    for (;;) {
      const batch: BatchItem[] = [];
      while (batch.length < window) {
        const step = await iterator.next();
        if (step.done === true) break;
        const item = step.value;
        batch.push(typeof item === "string" ? stripLineEnd(item) : item);
      }
      let started: { results: Promise<BatchResult[]>; offset: number } | undefined;
      if (batch.length > 0) {
        started = { results: runBatch(core, batch, options), offset };
        started.results.catch(() => {});
        offset += batch.length;
      }
      if (pending !== undefined) {
        for (const r of await pending.results) yield r.ok ? r : failure(r.error, pending.offset + r.index);
      }
      if (started === undefined) return;
      pending = started;
    }
  } finally {
    await iterator.return?.();
  }
}

/** Signs with at most `concurrency` signatures in flight; an item's failure is returned, a platform failure thrown. */
async function signAll(core: SignerCore, payloads: readonly Uint8Array[]): Promise<(Uint8Array | CfSignError)[]> {
  if (core.batchSigner !== undefined && payloads.length >= BATCH_SIGNER_MIN) return core.batchSigner.signMany(payloads);
  const out: (Uint8Array | CfSignError)[] = new Array(payloads.length);
  let next = 0;
  let fatal: unknown;
  const worker = async (): Promise<void> => {
    while (next < payloads.length && fatal === undefined) {
      const i = next++;
      try {
        const sig = await core.key.sign(payloads[i]!);
        out[i] = sig.length === 0 ? new CfSignError("SIGNING_FAILED", "the platform returned an empty signature") : sig;
      } catch (err) {
        if (err instanceof CfSignError && err.code === "SIGNING_FAILED") out[i] = err;
        else if (err instanceof CfSignError) fatal = err;
        else out[i] = new CfSignError("SIGNING_FAILED", "signing failed", { cause: err });
      }
    }
  };
  const workers: Promise<void>[] = [];
  for (let w = 0; w < Math.min(core.concurrency, payloads.length); w++) workers.push(worker());
  await Promise.all(workers);
  if (fatal !== undefined) throw fatal;
  return out;
}

/** Signs one policy (cookies, shared policies); a signing failure is thrown. */
export async function signOne(core: SignerCore, policy: Uint8Array): Promise<Uint8Array> {
  const [sig] = await signAll(core, [policy]);
  if (sig === undefined) fail("INTERNAL", "the batch returned no signature");
  if (sig instanceof CfSignError) throw sig;
  return sig;
}

/** The failed result of item `index`; an error that is not a `CfSignError` is a bug, reported as `INTERNAL`. */
function failure(err: unknown, index: number): BatchResult {
  return { ok: false, index, error: itemError(err, index) };
}

/** Removes one trailing `\n` or `\r\n`. */
function stripLineEnd(line: string): string {
  if (!line.endsWith("\n")) return line;
  return line.slice(0, line.endsWith("\r\n") ? -2 : -1);
}

/** An async iterator over an iterable, async iterable or web ReadableStream. */
function iterate<T>(
  source: Iterable<T> | AsyncIterable<T> | ReadableStream<T>,
): AsyncIterator<T> & { return?(): Promise<unknown> } {
  if (source !== null && typeof source === "object") {
    if (Symbol.asyncIterator in source) return (source as AsyncIterable<T>)[Symbol.asyncIterator]();
    if (Symbol.iterator in source) {
      const it = (source as Iterable<T>)[Symbol.iterator]();
      return {
        next: async () => it.next(),
        return: async () => it.return?.() ?? { done: true, value: undefined },
      };
    }
    if (typeof (source as ReadableStream<T>).getReader === "function") {
      const reader = (source as ReadableStream<T>).getReader();
      return {
        next: async () => {
          const { done, value } = await reader.read();
          return done ? { done: true, value: undefined } : { done: false, value: value as T };
        },
        return: async () => {
          await reader.cancel();
          reader.releaseLock();
          return { done: true, value: undefined };
        },
      };
    }
  }
  fail("INVALID_ARGUMENT", "signStream takes an iterable, an async iterable or a ReadableStream of URLs");
}

/** Characters of CloudFront-safe base64 for `n` bytes. */
function base64Length(n: number): number {
  return Math.ceil(n / 3) * 4;
}
