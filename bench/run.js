// `npm run bench`: every suite, a table of ratios with the machine beside it,
// bench/results.json and bench/results.svg.
// `npm run bench:ci` (`--ci`): the regression gate (docs/performance.md, "The gate"):
// smaller batches, a minute or two, and every ratio named in bench/thresholds.json
// checked against its bound. A ratio out of bounds fails after one re-measurement
// of what failed (this machine is shared and noisy; a real regression survives it).
// Only ratios are reported or checked, never absolute times.
//
// Options: --ci, --only=stages,ceiling,..., --fail-fast (stop at the first suite that
// fails its checks: the verdict is the same, as a gate fails when any check does),
// --json=<file> (write the ratios and the list of failed checks there).
import { readFileSync, writeFileSync } from "node:fs";
import { ensureBuilt, ensureThirdparty, load, machine } from "./lib/env.js";
import { chart } from "./lib/svg.js";

const args = process.argv.slice(2);
const ci = args.includes("--ci");
const failFast = args.includes("--fail-fast");
const only = args
  .find((a) => a.startsWith("--only="))
  ?.slice(7)
  .split(",");
const jsonOut = args.find((a) => a.startsWith("--json="))?.slice(7);

const SUITES = {
  stages: async (o) => (await import("./suites/stages.js")).stagesSuite(o),
  ceiling: async (o) => (await import("./suites/ceiling.js")).ceilingSuite(o),
  cache: async (o) => (await import("./suites/cache.js")).cacheSuite(o),
  repeatable: async (o) => (await import("./suites/repeatable.js")).repeatableSuite(o),
  "cold-start": async (o) => (await import("./suites/cold-start.js")).coldStartSuite(o),
  signing: async (o) => (await import("./suites/signing.js")).signingSuite(o),
  "hot-path": async (o) => (await import("./suites/hot-path.js")).hotPathSuite(o),
  rewrite: async (o) => (await import("./suites/rewrite.js")).rewriteSuite(o),
  stream: async (o) => (await import("./suites/stream.js")).streamSuite(o),
  runtimes: async (o) => (await import("./suites/runtimes.js")).runtimesSuite(o),
};
/** The gate: fast, and every ratio in it either checked or printed beside the checked ones. */
const CI_SUITES = ["stages", "ceiling", "cache", "repeatable", "cold-start"];

ensureBuilt();
ensureThirdparty();

const info = machine();
const loadBefore = load();
const startedAt = performance.now();
console.log(`cfsign benchmark${ci ? " (ci)" : ""}: ${info.cores} cores, ${info.cpu}, ${info.memoryGiB} GiB`);
console.log(`node ${info.node} (V8 ${info.v8}, OpenSSL ${info.nodeOpenssl}), ${info.openssl}, ${info.platform}`);
console.log(`${info.date}, load average ${loadBefore.join(" ")}\n`);

const names = (only ?? (ci ? CI_SUITES : Object.keys(SUITES))).filter((n) => {
  if (SUITES[n]) return true;
  throw new Error(`unknown suite ${n}; known: ${Object.keys(SUITES).join(", ")}`);
});

const thresholds = JSON.parse(readFileSync(new URL("thresholds.json", import.meta.url), "utf8"));
const checks = ci ? thresholds.checks : {};
const ratios = {};
const failed = [];
for (const name of names) {
  const started = performance.now();
  const got = await SUITES[name]({ ci });
  Object.assign(ratios, got);
  // Only what this suite just measured: an earlier suite's failure was already re-measured and counted.
  let bad = check(ratios, checks, Object.keys(got));
  if (bad.length > 0) {
    // Once more, only what failed (stage names for the stage suite), with the same settings.
    console.log(`re-measuring ${name} (${bad.join(", ")}) once, load ${load().join(" ")}`);
    const stageNames = bad.filter((k) => k.startsWith("stage.")).map((k) => k.slice(6, k.lastIndexOf("/")));
    Object.assign(ratios, await SUITES[name]({ ci, only: name === "stages" ? stageNames : undefined }));
    bad = check(ratios, checks, bad, true);
  }
  failed.push(...bad);
  console.error(`  ${name}: ${((performance.now() - started) / 1000).toFixed(1)} s, load ${load()[0]}`);
  if (failFast && bad.length > 0) break;
}
const loadAfter = load();

printTable(ratios, checks);
console.log(
  `\nload average before ${loadBefore.join(" ")}, after ${loadAfter.join(" ")}; ${((performance.now() - startedAt) / 1000).toFixed(0)} s`,
);

if (!ci && !only) {
  const results = { machine: info, load: { before: loadBefore, after: loadAfter }, ratios };
  writeFileSync(new URL("results.json", import.meta.url), JSON.stringify(results, null, 2) + "\n");
  const subtitle = `${info.cores} cores ${info.cpu}, node ${info.node}, ${info.date.slice(0, 10)}, load ${loadBefore[0]}`;
  writeFileSync(
    new URL("results.svg", import.meta.url),
    chart(ratios, { title: "cfsign: measured ratios (higher is better unless marked ↓)", subtitle }),
  );
  console.log("wrote bench/results.json and bench/results.svg");
}
if (ci) {
  const total = Object.keys(checks).filter((k) => k in ratios).length;
  console.log(
    `\nbench gate: ${total - failed.length} of ${total} checked ratios within bounds, ${failed.length} out of bounds${failed.length ? ": " + failed.join(", ") : ""}`,
  );
  if (failed.length > 0) process.exitCode = 1;
}
if (jsonOut) {
  writeFileSync(
    jsonOut,
    JSON.stringify({ failed, ratios, load: { before: loadBefore, after: loadAfter } }, null, 2) + "\n",
  );
}

/** Keys among `keys` whose ratio is out of its bounds; `final` prints them as regressions. */
function check(measured, bounds, keys, final = false) {
  const bad = [];
  for (const key of keys) {
    const b = bounds[key];
    const r = measured[key];
    if (b === undefined || r === undefined) continue;
    const low = b.min !== undefined && r.value < b.min;
    const high = b.max !== undefined && r.value > b.max;
    if (low || high) {
      bad.push(key);
      if (final) console.log(`REGRESSION ${key}: ${fmt(r.value)}, bound ${low ? "≥ " + b.min : "≤ " + b.max}`);
    }
  }
  return bad;
}

function printTable(rs, bounds) {
  const rows = Object.entries(rs).map(([k, r]) => {
    const b = bounds[k];
    const bound = b === undefined ? "" : b.min !== undefined ? `≥ ${b.min}` : `≤ ${b.max}`;
    const ok =
      b === undefined
        ? ""
        : (b.min === undefined || r.value >= b.min) && (b.max === undefined || r.value <= b.max)
          ? "ok"
          : "FAIL";
    const target = r.target === undefined ? "" : `${r.lowerIsBetter ? "≤" : "≥"} ${r.target}`;
    return [k, fmt(r.value), bound, ok, target, r.note ?? ""];
  });
  const head = ["ratio", "value", "gate", "", "target", "what"];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const last = head.length - 1;
  const line = (cells) => cells.map((c, i) => (i === last ? c : c.padEnd(w[i]))).join("  ");
  console.log(line(head));
  console.log(line(w.map((n, i) => "-".repeat(i === last ? 4 : n))));
  for (const r of rows) console.log(line(r));
}

function fmt(v) {
  return v < 0.1 ? v.toFixed(3) : v.toFixed(2);
}
