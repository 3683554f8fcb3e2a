/**
 * `Signer.signPolicy`: one custom policy, signed once, applied to many URLs
 * ({@link SignedPolicy}). Applying is validation plus one string concatenation
 * per URL; nothing is signed after `signPolicy`.
 *
 * @module
 */
import { fail, itemError } from "./errors.ts";
import { signOne, warnAboutHost, type SignerCore } from "./batch.ts";
import { resourceCovers, validateResource } from "./cloudfront/resource.ts";
import { MAX_URL_BYTES, validateUrl } from "./cloudfront/url.ts";
import type { PolicySpec } from "./engine/types.ts";
import { ownOptions, policyConditions, requireExpires } from "./lib/options.ts";
import type { BatchResult, SignPolicyOptions } from "./types.ts";

/**
 * Signs one custom policy once, for many URLs; see `Signer.signPolicy`.
 *
 * @param core - the signer's key, hot path and settings
 * @param given - `resource` and `expires` (required), `starts`, `ipAddress`, `allowAnyResource`
 * @returns the {@link SignedPolicy}
 * @throws {@link CfSignError} `INVALID_RESOURCE`, `RESOURCE_TOO_BROAD`, the date and IP codes, `SIGNING_FAILED`
 */
export async function signPolicy(core: SignerCore, given: SignPolicyOptions): Promise<SignedPolicy> {
  if (typeof given !== "object" || given === null) fail("INVALID_ARGUMENT", "signPolicy takes an options object");
  const options = ownOptions(given);
  requireExpires(options);
  if (options.resource === undefined) {
    fail("INVALID_RESOURCE", "signPolicy needs a resource, e.g. https://cdn.example.com/gallery/*");
  }
  const resource = validateResource(options.resource, options.allowAnyResource === true).pattern;
  const c = policyConditions(options, core.clock() / 1000);
  warnAboutHost(core, resource);
  const spec: PolicySpec = { resource, expires: c.expires, starts: c.starts, ipAddress: c.ipAddress };
  const [shared] = core.hotPath.serializePolicies([spec]);
  if (shared === undefined) fail("INTERNAL", "the hot path returned no policy");
  const policy = shared.slice(); // the hot path may return a view into a buffer it reuses
  const signature = await signOne(core, policy);
  const query =
    "Policy=" + core.hotPath.encodeBase64(policy) + "&Signature=" + core.hotPath.encodeBase64(signature) + core.suffix;
  return newSignedPolicy({
    policy,
    query,
    resource,
    expires: c.expires,
    starts: c.starts,
    ipAddress: c.ipAddress,
    clock: core.clock,
  });
}

/** What `signPolicy` hands to the constructor. */
interface SignedPolicyInit {
  readonly policy: Uint8Array;
  readonly query: string;
  readonly resource: string;
  readonly expires: number;
  readonly starts: number | undefined;
  readonly ipAddress: string | undefined;
  readonly clock: () => number;
}

/** The one way to construct a {@link SignedPolicy}, set by its static block: its constructor is private. */
let newSignedPolicy: (init: SignedPolicyInit) => SignedPolicy;

/**
 * A custom policy signed once by `Signer.signPolicy`. Every URL its `resource`
 * covers is signed by appending {@link SignedPolicy.query}.
 *
 * @example
 * ```ts
 * const gallery = await signer.signPolicy({ resource: "https://cdn.example.com/gallery/*", expires });
 * const url = gallery.apply("https://cdn.example.com/gallery/2026/a.jpg");
 * ```
 */
export class SignedPolicy {
  /** The policy JSON, UTF-8: the bytes that were signed. */
  readonly policy: Uint8Array;
  /** `Policy=...&Signature=...&Key-Pair-Id=...[&Hash-Algorithm=SHA256]`, appended to each URL. */
  readonly query: string;
  /** The policy's `Resource` pattern. */
  readonly resource: string;
  /** `DateLessThan`, epoch seconds. */
  readonly expires: number;
  /** `DateGreaterThan`, epoch seconds, if any. */
  readonly starts: number | undefined;
  /** `IpAddress.AWS:SourceIp`, if any. */
  readonly ipAddress: string | undefined;
  readonly #clock: () => number;

  /** Use `Signer.signPolicy`. */
  private constructor(init: SignedPolicyInit) {
    this.policy = init.policy;
    this.query = init.query;
    this.resource = init.resource;
    this.expires = init.expires;
    this.starts = init.starts;
    this.ipAddress = init.ipAddress;
    this.#clock = init.clock;
  }

  static {
    newSignedPolicy = (init) => new SignedPolicy(init);
  }

  /**
   * What `JSON.stringify` writes: the policy (as its JSON text), resource, expiry, start and IP range,
   * and never {@link SignedPolicy.query}. The query is a working grant to everything `resource`
   * covers until `expires`, so it appears only where the code asks for it by name (`policy.query`),
   * not in a log line that serializes the object. Same for `util.inspect` (console.log) in Node, Deno and Bun.
   *
   * @returns a plain object without the query
   */
  toJSON(): {
    policy: string;
    resource: string;
    expires: number;
    starts: number | undefined;
    ipAddress: string | undefined;
  } {
    return {
      policy: new TextDecoder().decode(this.policy),
      resource: this.resource,
      expires: this.expires,
      starts: this.starts,
      ipAddress: this.ipAddress,
    };
  }

  /** `console.log(policy)`: the {@link SignedPolicy.toJSON} view, with the query's length in place of the query. */
  [Symbol.for("nodejs.util.inspect.custom")](
    _depth: number,
    options: object,
    inspect: (value: unknown, options: object) => string,
  ): string {
    const view = {
      ...this.toJSON(),
      query: `[not shown: ${this.query.length} characters; a working grant, read .query]`,
    };
    return `SignedPolicy ${inspect(view, options)}`;
  }

  /**
   * Signs one URL with the shared policy.
   *
   * @param url - absolute `https://` or `http://` URL that the policy's resource covers
   * @returns the URL with the policy's query appended (`&` if it already has a query, else `?`)
   * @throws {@link CfSignError} `RESOURCE_MISMATCH` (not covered), `EXPIRES_IN_PAST` (the policy has expired),
   *   `URL_TOO_LONG`, and the URL codes of `signUrl` (`INVALID_URL`, `URL_HAS_SIGNING_PARAMETER`, ...)
   * @example
   * ```ts
   * const signed = gallery.apply("https://cdn.example.com/gallery/a.jpg");
   * ```
   */
  apply(url: string): string {
    this.#checkNotExpired(this.#clock() / 1000);
    return this.#applyOne(url);
  }

  /**
   * Signs many URLs with the shared policy; a URL that cannot be signed is
   * reported in its slot, the others are still signed.
   *
   * @param urls - URLs that the policy's resource covers
   * @returns one result per URL, in input order: `{ ok: true, url }` or `{ ok: false, index, error }`,
   *   the same shape as `Signer.signUrls`
   * @throws {@link CfSignError} `EXPIRES_IN_PAST` when the policy itself has expired (no URL could work),
   *   `INVALID_ARGUMENT` when `urls` is not an array
   * @example
   * ```ts
   * for (const r of gallery.applyAll(urls)) if (!r.ok) console.error(r.index, r.error.code);
   * ```
   */
  applyAll(urls: readonly string[]): BatchResult[] {
    if (!Array.isArray(urls)) fail("INVALID_ARGUMENT", "applyAll takes an array of URLs");
    this.#checkNotExpired(this.#clock() / 1000);
    const out: BatchResult[] = new Array(urls.length);
    for (let i = 0; i < urls.length; i++) {
      try {
        out[i] = { ok: true, url: this.#applyOne(urls[i]!) };
      } catch (err) {
        out[i] = { ok: false, index: i, error: itemError(err, i) };
      }
    }
    return out;
  }

  #applyOne(input: string): string {
    const url = validateUrl(input);
    // The length first: it is O(1), while matching a wildcard resource can cost up to O(resource × URL / 32).
    const length = url.length + 1 + this.query.length;
    if (length > MAX_URL_BYTES) {
      fail("URL_TOO_LONG", `the signed URL would be ${length} bytes; CloudFront accepts at most ${MAX_URL_BYTES}`);
    }
    if (!resourceCovers(this.resource, url)) {
      fail("RESOURCE_MISMATCH", "the shared policy's resource does not cover this URL, so CloudFront would refuse it");
    }
    return url + (url.includes("?") ? "&" : "?") + this.query;
  }

  #checkNotExpired(nowSeconds: number): void {
    if (this.expires <= nowSeconds) {
      fail("EXPIRES_IN_PAST", "the shared policy has expired; sign a new one (URLs made with it would only give 403)");
    }
  }

  /** `SignedPolicy(<resource>, expires <epoch>)`. */
  toString(): string {
    return `SignedPolicy(${this.resource}, expires ${this.expires})`;
  }
}
