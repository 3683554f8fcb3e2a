/**
 * A cap on requests in flight to a key service: a counting semaphore whose
 * waiters are served in order and leave the queue when their `AbortSignal` fires.
 *
 * @module
 */

/** At most `limit` holders at once; the rest wait in arrival order. */
export class InFlightLimit {
  readonly #limit: number;
  #active = 0;
  #peak = 0;
  readonly #waiting: { grant: () => void; reject: (reason: unknown) => void; signal: AbortSignal | undefined; onAbort: () => void }[] = [];

  /** @param limit - positive whole number */
  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Holders now. */
  get active(): number {
    return this.#active;
  }

  /** Most holders at once so far. */
  get peak(): number {
    return this.#peak;
  }

  /**
   * Waits for a free place, then holds it until the returned function is called.
   *
   * @param signal - gives up waiting (rejecting with its reason) when it fires
   * @returns the function that frees the place (call it once)
   */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted === true) throw signal.reason;
    if (this.#active >= this.#limit) {
      await new Promise<void>((grant, reject) => {
        const entry = {
          grant,
          reject,
          signal,
          onAbort: () => {
            const i = this.#waiting.indexOf(entry);
            if (i !== -1) this.#waiting.splice(i, 1);
            reject(signal!.reason);
          },
        };
        this.#waiting.push(entry);
        signal?.addEventListener("abort", entry.onAbort, { once: true });
      });
    } else {
      this.#active++;
    }
    this.#peak = Math.max(this.#peak, this.#active);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next === undefined) {
        this.#active--;
        return;
      }
      // The place passes straight to the next waiter: #active is unchanged.
      next.signal?.removeEventListener("abort", next.onAbort);
      next.grant();
    };
  }
}
