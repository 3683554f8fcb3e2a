// Measurement: tinybench runs each task on a whole batch; the tasks of a group
// run in interleaved rounds (the order rotates every round) so that a change of
// machine load hits every task alike, and ratios are taken within a round, then
// the median over rounds is reported. Only ratios leave this file.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Bench } from "tinybench";

// A full collection before each task, so that one task's garbage (tens of MiB per call in the
// rewrite tasks) is not collected during the next task's timing.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc");

/**
 * @typedef {{ name: string, items: number, fn: () => unknown | Promise<unknown>, external?: boolean }} Task
 *   `items` is the number of URLs (or lines, or signatures) one call handles; an
 *   `external` task returns its own throughput (items/s) instead of being timed.
 */

/**
 * Runs the tasks for `rounds` rounds.
 * @param {Task[]} tasks
 * @param {{ rounds?: number, time?: number, iterations?: number, warmup?: boolean }} options
 * @returns {Promise<Record<string, number[]>>} throughput (items/s) per task per round
 */
export async function measure(tasks, { rounds = 3, time = 300, iterations = 3, warmup = true } = {}) {
  const out = Object.fromEntries(tasks.map((t) => [t.name, []]));
  for (let r = 0; r < rounds; r++) {
    const order = tasks.map((_, i) => tasks[(i + r) % tasks.length]);
    for (const task of order) {
      gc();
      if (task.external) {
        out[task.name].push(await task.fn());
        continue;
      }
      const bench = new Bench({ time, iterations, warmup, warmupIterations: 1, warmupTime: 0, throws: true });
      bench.add(task.name, task.fn);
      await bench.run();
      const latencyMs = bench.tasks[0].result.latency.p50;
      out[task.name].push(task.items / (latencyMs / 1000));
    }
  }
  return out;
}

/** Median of numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median over rounds of `a[r] / b[r]`. */
export function ratio(results, a, b) {
  const xs = results[a].map((x, r) => x / results[b][r]);
  return median(xs);
}
