// Paired measurement for the gate: each task is timed against its reference in
// the same process, in short units (about a millisecond each) that alternate
// task, reference, reference, task, ... so that whatever the machine does at a
// given moment hits both alike; the ratio reference time / task time is taken per
// pair of neighbouring units, and the median over all pairs is kept (1.0: as fast
// as the reference; 0.67: the task takes 1.5x as long). Tasks take turns in
// rounds, a few pairs each, so a long disturbance is spread over all of them.
//
// Time is CPU time of the whole process (process.cpuUsage(): user + system, every
// thread, garbage collection included), not wall time: on a machine shared with
// other jobs a wall-clock sample mostly measures how long the scheduler left us
// waiting, while CPU time counts the work done. Measured on this 2-core VM at load
// average 41: the same 8 ms loop took 21 to 48 ms of wall time and 7.6 to 9.8 ms of
// CPU time. (Under such load CPU time is disturbed too, by cache misses and the
// hypervisor, which is why units are short and the estimator is a median of pairs:
// tried on identical code at load 25 to 30, it gave 0.95 to 1.03, and 0.54 to 0.72
// for a task made 1.5x slower, where medians of longer blocks spread from 0.54 to 1.3.)
import { median } from "./rounds.js";

/** Microseconds of CPU time used by this process so far (all threads). */
export function cpuMicros() {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** Microseconds of wall time. */
export const wallMicros = () => performance.now() * 1000;

/**
 * @typedef {{ name: string, task: () => unknown, reference: () => unknown, clock?: "cpu" | "wall" }} Pair
 *   `task` and `reference` each do one unit of the same work (sync or async); `clock` is "cpu" unless told.
 */

/**
 * Times each pair's task against its reference.
 * @param {Pair[]} pairs
 * @param {{ rounds?: number, perRound?: number, unitMicros?: number }} options `rounds` × `perRound`
 *   pairs of units per task; each unit repeats the function until it takes about `unitMicros`
 *   (calibrated once on the reference, the same count for both sides)
 * @returns {Promise<Record<string, { ratio: number, low: number, high: number, pairs: number, reps: number }>>}
 *   per task: median of reference/task over pairs of units, and its lower and upper quartiles
 */
export async function paired(pairs, { rounds = 10, perRound = 8, unitMicros = 1000 } = {}) {
  const state = [];
  for (const p of pairs) {
    const clock = p.clock === "wall" ? wallMicros : cpuMicros;
    // Warm-up (both sides reach optimised code), then calibration on the reference.
    for (let i = 0; i < 5; i++) {
      await p.task();
      await p.reference();
    }
    let reps = 1;
    for (;;) {
      const t0 = clock();
      for (let i = 0; i < reps; i++) await p.reference();
      const spent = clock() - t0;
      if (spent >= unitMicros || reps >= 1 << 16) break;
      reps = Math.min(1 << 16, Math.max(reps * 2, Math.ceil((reps * unitMicros * 1.2) / Math.max(spent, 1))));
    }
    state.push({ p, clock, reps, ratios: [] });
  }
  const time = async (fn, clock, reps) => {
    const t0 = clock();
    for (let i = 0; i < reps; i++) await fn();
    return Math.max(clock() - t0, 1);
  };
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < state.length; k++) {
      const s = state[(k + r) % state.length];
      for (let i = 0; i < perRound; i++) {
        const taskFirst = (i + r) % 2 === 0;
        const x = await time(taskFirst ? s.p.task : s.p.reference, s.clock, s.reps);
        const y = await time(taskFirst ? s.p.reference : s.p.task, s.clock, s.reps);
        s.ratios.push(taskFirst ? y / x : x / y);
      }
    }
  }
  const out = {};
  for (const s of state) {
    const sorted = [...s.ratios].sort((x, y) => x - y);
    const q = (f) => sorted[Math.round(f * (sorted.length - 1))];
    out[s.p.name] = { ratio: median(s.ratios), low: q(0.25), high: q(0.75), pairs: s.ratios.length, reps: s.reps };
  }
  return out;
}
