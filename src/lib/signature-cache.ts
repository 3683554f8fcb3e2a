/**
 * Where signatures are remembered for repeatable URLs: a bounded LRU keyed by
 * the exact policy bytes that were signed. A hit returns a signature made
 * earlier for the same bytes, which CloudFront accepts as long as the policy
 * itself is valid (RSA PKCS#1 v1.5 would give the same bytes again; an ECDSA
 * signature is randomized but any valid one verifies). Holds signatures, never
 * key material.
 *
 * Every operation is O(1), whatever the history, and nothing is allocated per
 * entry but its key. The recency order is a doubly linked list over slot numbers, beside a `Map` from key to slot; eviction takes
 * the list's tail. It used to be the `Map`'s own insertion order, evicting with
 * `map.keys().next()`: V8 leaves a deleted entry as a hole until the table is
 * rehashed, and a fresh iterator steps over every hole at the front, so with a
 * full cache each eviction walked tens of thousands of holes (22 to 42 µs at
 * 100,000 entries, more than an ECDSA signature) on the main thread, which made
 * batches slower with the cache than without it (issue #12, item 17).
 *
 * @module
 */

const decoder = /* @__PURE__ */ new TextDecoder();

/** No slot: the end of the recency list. */
const NONE = -1;
/** Slots per page of signature bytes (pages are allocated as the cache fills, never freed). */
const PAGE_SLOTS = 1024;

/**
 * A least-recently-used map from policy bytes to signature bytes, at most `capacity` entries.
 *
 * Signatures are copied into pages of fixed-size slots rather than kept as one small
 * `Uint8Array` each: a `Uint8Array` of its own has an `ArrayBuffer` of its own, and a
 * hundred thousand long-lived ones cost more to allocate and to collect than the cache saves.
 * So nothing is allocated per entry but the key, and {@link SignatureCache.copyTo} copies a hit
 * into the caller's buffer, because a slot is reused as soon as its entry is evicted.
 */
export class SignatureCache {
  readonly #capacity: number;
  readonly #stride: number;
  /** Key to slot. Never iterated: holes left by deletions cost nothing here. */
  readonly #slots = new Map<string, number>();
  // Per slot (slots are allocated in order, up to the capacity, then reused by eviction).
  readonly #keys: string[] = [];
  readonly #lengths: number[] = [];
  /** Towards the most recently used end. */
  readonly #newer: number[] = [];
  /** Towards the least recently used end. */
  readonly #older: number[] = [];
  readonly #pages: Uint8Array[] = [];
  /** Most recently used slot. */
  #head = NONE;
  /** Least recently used slot: the next to evict. */
  #tail = NONE;

  /**
   * @param capacity - most entries kept (a positive integer)
   * @param maxSignatureBytes - longest signature kept (256 for RSA-2048, 72 for a DER P-256 signature);
   *   a longer one is not cached
   */
  constructor(capacity: number, maxSignatureBytes = 256) {
    this.#capacity = capacity;
    this.#stride = maxSignatureBytes;
  }

  /** Number of entries. */
  get size(): number {
    return this.#slots.size;
  }

  /** The key for policy bytes: their UTF-8 text (policies are always well-formed UTF-8, so this is one-to-one). */
  static key(policy: Uint8Array): string {
    return decoder.decode(policy);
  }

  /**
   * Copies the signature for `key` into `target` at `offset`, marking it most recently used.
   *
   * @returns its length, or -1 when `key` is not cached (nothing is written)
   */
  copyTo(key: string, target: Uint8Array, offset: number): number {
    const slot = this.#slots.get(key);
    if (slot === undefined) return -1;
    this.#touch(slot);
    const length = this.#lengths[slot]!;
    const at = (slot % PAGE_SLOTS) * this.#stride;
    target.set(this.#pages[(slot / PAGE_SLOTS) | 0]!.subarray(at, at + length), offset);
    return length;
  }

  /** A copy of the signature for `key`, marking it most recently used, or `undefined`. */
  get(key: string): Uint8Array | undefined {
    const slot = this.#slots.get(key);
    if (slot === undefined) return undefined;
    const out = new Uint8Array(this.#lengths[slot]!);
    this.copyTo(key, out, 0);
    return out;
  }

  /** Longest signature kept, in bytes: the room {@link SignatureCache.copyTo} may need per entry. */
  get maxSignatureBytes(): number {
    return this.#stride;
  }

  /** Remembers a copy of `signature` for `key`, evicting the least recently used entry when full. */
  set(key: string, signature: Uint8Array): void {
    if (signature.length > this.#stride) return;
    let slot = this.#slots.get(key);
    if (slot !== undefined) {
      this.#touch(slot);
    } else if (this.#keys.length < this.#capacity) {
      slot = this.#keys.length;
      if (slot % PAGE_SLOTS === 0)
        this.#pages.push(new Uint8Array(Math.min(PAGE_SLOTS, this.#capacity - slot) * this.#stride));
      this.#keys.push(key);
      this.#lengths.push(0);
      this.#newer.push(NONE);
      this.#older.push(NONE);
      this.#slots.set(key, slot);
      this.#pushHead(slot);
    } else {
      slot = this.#tail;
      this.#slots.delete(this.#keys[slot]!);
      this.#keys[slot] = key;
      this.#slots.set(key, slot);
      this.#touch(slot);
    }
    this.#lengths[slot] = signature.length;
    this.#pages[(slot / PAGE_SLOTS) | 0]!.set(signature, (slot % PAGE_SLOTS) * this.#stride);
  }

  /** Keys from most to least recently used (for tests and debugging; O(size)). */
  keysByRecency(): string[] {
    const out: string[] = [];
    for (let s = this.#head; s !== NONE; s = this.#older[s]!) out.push(this.#keys[s]!);
    return out;
  }

  #touch(slot: number): void {
    if (slot === this.#head) return;
    this.#unlink(slot);
    this.#pushHead(slot);
  }

  #unlink(slot: number): void {
    const newer = this.#newer[slot]!;
    const older = this.#older[slot]!;
    if (newer === NONE) this.#head = older;
    else this.#older[newer] = older;
    if (older === NONE) this.#tail = newer;
    else this.#newer[older] = newer;
  }

  #pushHead(slot: number): void {
    this.#older[slot] = this.#head;
    this.#newer[slot] = NONE;
    if (this.#head !== NONE) this.#newer[this.#head] = slot;
    this.#head = slot;
    if (this.#tail === NONE) this.#tail = slot;
  }
}
