/**
 * The progress bar of long jobs: one line on standard error, redrawn in place,
 * with the share done, the count, the rate and the time left. It is drawn only
 * when standard error is a terminal and the job is long (more than a few
 * thousand items); never into a pipe or a file, never with `--quiet` or `--json`.
 *
 * @module
 */

/** Where the bar is drawn. */
interface ProgressTarget {
  /** Writes to the terminal (standard error). */
  readonly write: (text: string) => void;
  /** The terminal's width. */
  readonly columns: number;
}

/** Options of {@link Progress}. */
interface ProgressOptions {
  /** False: the bar is never drawn (not a terminal, `--quiet`, `--json`). */
  readonly enabled: boolean;
  /** What is counted, e.g. `URLs`. */
  readonly unit: string;
  /** The bar appears once the job is known or estimated to have more items than this. Default 5,000. */
  readonly minItems?: number;
  /** The input's size in bytes, when known: the total is estimated from the bytes read. */
  readonly totalBytes?: number | undefined;
  /** Milliseconds between redraws. Default 100. */
  readonly intervalMs?: number;
  /** The clock, in milliseconds. Default `performance.now`. */
  readonly now?: () => number;
}

/** Draws and clears the bar; {@link Progress.update} is cheap to call often. */
export class Progress {
  readonly #target: ProgressTarget;
  readonly #enabled: boolean;
  readonly #unit: string;
  readonly #minItems: number;
  readonly #totalBytes: number | undefined;
  readonly #interval: number;
  readonly #now: () => number;
  readonly #start: number;
  #lastDraw = -Infinity;
  #drawn = false;

  /**
   * @param target - the terminal
   * @param options - whether to draw, the unit, the input size
   */
  constructor(target: ProgressTarget, options: ProgressOptions) {
    this.#target = target;
    this.#enabled = options.enabled;
    this.#unit = options.unit;
    this.#minItems = options.minItems ?? 5000;
    this.#totalBytes = options.totalBytes !== undefined && options.totalBytes > 0 ? options.totalBytes : undefined;
    this.#interval = options.intervalMs ?? 100;
    this.#now = options.now ?? (() => performance.now());
    this.#start = this.#now();
  }

  /** Whether the bar is on screen. */
  get visible(): boolean {
    return this.#drawn;
  }

  /**
   * Reports progress; redraws at most every `intervalMs`.
   *
   * @param items - items done so far
   * @param bytesRead - input bytes consumed so far (for the estimate of the total)
   */
  update(items: number, bytesRead?: number): void {
    if (!this.#enabled) return;
    const now = this.#now();
    if (now - this.#lastDraw < this.#interval) return;
    const line = this.render(items, bytesRead, now);
    if (line === null) return;
    this.#lastDraw = now;
    this.#drawn = true;
    this.#target.write("\r" + line + "\x1b[K");
  }

  /** Removes the bar from the screen (before a summary or an error is printed). */
  clear(): void {
    if (!this.#drawn) return;
    this.#drawn = false;
    this.#target.write("\r\x1b[K");
  }

  /**
   * The bar's text, or `null` while the job does not look long enough to need one.
   *
   * @param items - items done
   * @param bytesRead - input bytes consumed
   * @param now - the clock's current value
   */
  render(items: number, bytesRead: number | undefined, now: number): string | null {
    const elapsed = Math.max(1e-3, (now - this.#start) / 1000);
    const fraction =
      this.#totalBytes !== undefined && bytesRead !== undefined && bytesRead > 0
        ? Math.min(1, bytesRead / this.#totalBytes)
        : undefined;
    const estimated = fraction !== undefined && fraction > 0 ? items / fraction : undefined;
    if ((estimated ?? items) <= this.#minItems || items === 0) return null;
    const rate = items / elapsed;
    const count = `${formatCount(items)} ${this.#unit}`;
    const speed = `${formatCount(Math.round(rate))}/s`;
    if (fraction === undefined) return `${count}  ${speed}`;
    const eta = fraction >= 1 ? 0 : (elapsed * (1 - fraction)) / fraction;
    const tail = ` ${String(Math.floor(fraction * 100)).padStart(3)}%  ${count}  ${speed}  ETA ${formatDuration(eta)}`;
    const width = Math.max(10, Math.min(40, this.#target.columns - tail.length - 3));
    const filled = Math.round(fraction * width);
    return `[${"#".repeat(filled)}${".".repeat(width - filled)}]${tail}`;
  }
}

/** 12345 → `12,345`. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** Seconds as `42s`, `3m05s`, `1h02m`. */
function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}
