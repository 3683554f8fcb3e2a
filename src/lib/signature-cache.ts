/**
 * Where signatures are remembered for repeatable URLs: a bounded LRU keyed by
 * the exact policy bytes that were signed. A hit returns a signature made
 * earlier for the same bytes, which CloudFront accepts as long as the policy
 * itself is valid (RSA PKCS#1 v1.5 would give the same bytes again; an ECDSA
 * signature is randomized but any valid one verifies). Holds signatures, never
 * key material.
 *
 * @module
 */

const decoder = /* @__PURE__ */ new TextDecoder();

/** A least-recently-used map from policy bytes to signature bytes, at most `capacity` entries. */
export class SignatureCache {
  readonly #capacity: number;
  // A Map iterates in insertion order, so its first key is the least recently used one.
  readonly #entries = new Map<string, Uint8Array>();

  /** @param capacity - most entries kept (a positive integer) */
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Number of entries. */
  get size(): number {
    return this.#entries.size;
  }

  /** The key for policy bytes: their UTF-8 text (policies are always well-formed UTF-8, so this is one-to-one). */
  static key(policy: Uint8Array): string {
    return decoder.decode(policy);
  }

  /** The signature for `key`, marking it most recently used, or `undefined`. */
  get(key: string): Uint8Array | undefined {
    const hit = this.#entries.get(key);
    if (hit !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
    }
    return hit;
  }

  /** Remembers a copy of `signature` for `key`, evicting the least recently used entry when full. */
  set(key: string, signature: Uint8Array): void {
    if (this.#entries.has(key)) this.#entries.delete(key);
    else if (this.#entries.size >= this.#capacity) this.#entries.delete(this.#entries.keys().next().value as string);
    // A copy: the signature may be a view into a larger buffer that the cache should not keep alive.
    this.#entries.set(key, signature.slice());
  }
}
