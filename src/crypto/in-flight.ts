/**
 * A cap on requests in flight to a key service: a counting semaphore whose
 * waiters are served in arrival order.
 *
 * @module
 */

/** At most `limit` holders at once; the rest wait in arrival order. */
export class InFlightLimit {
  readonly #limit: number;
  #active = 0;
  #peak = 0;
  readonly #waiting: (() => void)[] = [];

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
   * @returns the function that frees the place (a second call does nothing)
   */
  async acquire(): Promise<() => void> {
    if (this.#active >= this.#limit) {
      await new Promise<void>((grant) => this.#waiting.push(grant));
    } else {
      this.#active++;
    }
    this.#peak = Math.max(this.#peak, this.#active);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      // The place passes straight to the next waiter: #active is unchanged.
      if (next === undefined) this.#active--;
      else next();
    };
  }
}
