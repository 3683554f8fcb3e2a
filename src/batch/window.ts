/**
 * The batch pipeline behind `signUrl`, `signUrls` and `signStream`: every item is
 * validated and its policy built (window k+1 while window k is being signed),
 * signatures are made with a bounded number in flight (or on worker threads, or
 * taken from the signature cache), and each window's URLs are assembled in one
 * hot-path call.
 *
 * Where each step happens: the URL is validated by `validateUrl`
 * (../cloudfront/url.ts), the policy conditions by `policyConditions`
 * (../lib/options.ts), the policy JSON is written by `HotPath.serializePolicies`,
 * the signature made by ./sign.ts, and the URL put together by
 * `HotPath.assembleUrls` (../engine/).
 *
 * @module
 */
import { CfSignError, fail, itemError } from "../errors.ts";
import type { PolicySpec, UrlParts } from "../engine/types.ts";
import { resourceCovers, validateResource } from "../cloudfront/resource.ts";
import { MAX_URL_BYTES, validateUrl } from "../cloudfront/url.ts";
import { SignatureCache } from "../lib/signature-cache.ts";
import {
  definedOnly,
  hasWildcard,
  ownOptions,
  policyConditions,
  requireExpires,
  withWindow,
  type Conditions,
} from "../lib/options.ts";
import type { BatchItem, BatchResult, SignOptions } from "../types.ts";
import { base64Length, warnAboutHost, type SignerCore } from "./core.ts";
import { signAll } from "./sign.ts";

/** Items validated and signed together: bounded work in flight, and preparation overlapping signing. */
const WINDOW = 2048;

/** The options every item of one batch starts from, and the conditions of its plain URL items. */
interface Defaults {
  readonly options: Partial<SignOptions>;
  readonly nowSeconds: number;
  /** The conditions of an item that is a URL string, read once per batch (undefined until read). */
  conditions: Conditions | undefined;
}

/** One window of a batch after validation, with its signing under way. */
interface Staged {
  /** The validated URL of each prepared item. */
  readonly urls: string[];
  /** The policy of each prepared item. */
  readonly specs: PolicySpec[];
  /** Whether each prepared item's policy is canned (`Expires=`) rather than custom (`Policy=`). */
  readonly canned: boolean[];
  /** Position in the batch of each prepared item. */
  readonly positions: number[];
  readonly policies: Uint8Array[];
  /** Indexes into the prepared items of the ones short enough to sign. */
  readonly signable: number[];
  /** Per signable item: a signature from the cache, or undefined. */
  readonly cached: (Uint8Array | undefined)[];
  /** Per signable item: its cache key (when the cache is on). */
  readonly keys: string[] | undefined;
  /** Signatures of the signable items that were not cached, in order. */
  readonly signing: Promise<(Uint8Array | CfSignError)[]>;
}

/**
 * Signs a batch window by window: window k+1 is validated and its policies
 * built while window k is being signed, and each window is assembled in one
 * hot-path call. Results land at their batch positions.
 *
 * @param concurrency - signatures in flight at once (default: the signer's `concurrency`)
 */
export async function runBatch(
  core: SignerCore,
  items: readonly BatchItem[],
  given: Partial<SignOptions>,
  concurrency: number = core.concurrency,
): Promise<BatchResult[]> {
  const defaults: Defaults = { options: ownOptions(given), nowSeconds: core.clock() / 1000, conditions: undefined };
  const n = items.length;
  const results: BatchResult[] = new Array(n);
  let inFlight: Staged | undefined;
  for (let start = 0; ; start += WINDOW) {
    const next =
      start < n ? stage(core, items, start, Math.min(n, start + WINDOW), defaults, results, concurrency) : undefined;
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
  defaults: Defaults,
  results: BatchResult[],
  concurrency: number,
): Staged {
  const urls: string[] = [];
  const specs: PolicySpec[] = [];
  const canned: boolean[] = [];
  const positions: number[] = [];
  for (let i = start; i < end; i++) {
    try {
      const url = prepare(items[i], defaults, specs, canned);
      urls.push(url);
      positions.push(i);
      if (core.onWarning !== undefined) warnAboutHost(core, url, i);
    } catch (err) {
      results[i] = failure(err, i);
    }
  }
  const policies = specs.length === 0 ? [] : core.hotPath.serializePolicies(specs);
  const signable: number[] = [];
  for (let k = 0; k < urls.length; k++) {
    const head = canned[k] ? 8 + String(specs[k]!.expires).length : 7 + base64Length(policies[k]!.length);
    const length = urls[k]!.length + 1 + head + 11 + core.maxSignatureChars + core.suffix.length;
    if (length > MAX_URL_BYTES) {
      results[positions[k]!] = failure(
        new CfSignError(
          "URL_TOO_LONG",
          `the signed URL would be up to ${length} bytes; CloudFront accepts at most ${MAX_URL_BYTES}` +
            (canned[k] ? "" : " (a shorter resource pattern shortens the Policy parameter)"),
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
  const signing = toSign.length === 0 ? Promise.resolve([]) : signAll(core, toSign, concurrency);
  // Awaited in runBatch; until then a platform failure must not count as unhandled.
  signing.catch(() => {});
  return { urls, specs, canned, positions, policies, signable, cached, keys, signing };
}

/** Assembles the signed URLs of a staged window (one hot-path call) and stores the results. */
function finish(
  core: SignerCore,
  staged: Staged,
  signatures: readonly (Uint8Array | CfSignError)[],
  results: BatchResult[],
): void {
  const { urls, specs, canned, positions, policies, signable, cached, keys } = staged;
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
    parts.push(
      canned[k]
        ? { url: urls[k]!, expires: specs[k]!.expires, signature: sig }
        : { url: urls[k]!, policy: policies[k]!, signature: sig },
    );
    partPositions.push(positions[k]!);
  }
  if (parts.length === 0) return;
  const signed = core.hotPath.assembleUrls(parts, core.suffix);
  for (let s = 0; s < signed.length; s++) results[partPositions[s]!] = { ok: true, url: signed[s]! };
}

/**
 * Validates one item (URL, then policy conditions, then resource), appends its policy to `specs` and
 * whether it is canned to `canned`, and returns its URL.
 */
function prepare(item: BatchItem | undefined, defaults: Defaults, specs: PolicySpec[], canned: boolean[]): string {
  if (typeof item === "string") {
    requireExpires(defaults.options);
    const url = validateUrl(item, { encode: defaults.options.encode });
    // Every URL item of the batch has the same conditions: read them once (an error is not kept, so each
    // item reports its own).
    const c = (defaults.conditions ??= conditionsOf(defaults.options, defaults.nowSeconds));
    if (c.starts === undefined && c.ipAddress === undefined && defaults.options.resource === undefined) {
      specs.push({ resource: url, expires: c.expires });
      canned.push(true);
      return url;
    }
    return prepareCustom(url, defaults.options, c, specs, canned);
  }
  if (typeof item !== "object" || item === null) {
    fail("INVALID_ARGUMENT", "each item must be a URL string or an object with a url");
  }
  const o = Object.assign(ownOptions(defaults.options), definedOnly(item));
  requireExpires(o);
  const url = validateUrl(item.url, { encode: o.encode });
  const c = conditionsOf(o, defaults.nowSeconds);
  if (c.starts === undefined && c.ipAddress === undefined && o.resource === undefined) {
    specs.push({ resource: url, expires: c.expires });
    canned.push(true);
    return url;
  }
  return prepareCustom(url, o, c, specs, canned);
}

/** The policy conditions of options `o`, `expiresWindow` applied. */
function conditionsOf(o: Partial<SignOptions>, nowSeconds: number): Conditions {
  return withWindow(policyConditions(o, nowSeconds), o.expiresWindow);
}

/** A custom policy for `url`: its resource is the URL (which must then have no wildcard) or `o.resource`. */
function prepareCustom(
  url: string,
  o: Partial<SignOptions>,
  c: Conditions,
  specs: PolicySpec[],
  canned: boolean[],
): string {
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
  specs.push({ resource, expires: c.expires, starts: c.starts, ipAddress: c.ipAddress });
  canned.push(false);
  return url;
}

/** The failed result of item `index`; an error that is not a `CfSignError` is a bug, reported as `INTERNAL`. */
export function failure(err: unknown, index: number): BatchResult {
  return { ok: false, index, error: itemError(err, index) };
}
