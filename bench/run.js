// `npm run bench`: every suite, a table of ratios with the machine beside it,
// bench/results.json and bench/results.svg.
// `npm run bench:ci` (`--ci`): smaller batches, under two minutes, and a check
// of the ratios against bench/thresholds.json: a ratio more than `tolerance`
// (15%) worse than its committed baseline fails, after one re-measurement of
// its suite (this machine is shared and noisy; a real regression survives it).
// Only ratios are reported or checked, never absolute times.
//
// Options: --ci, --only=signing,hot-path,rewrite,repeatable,cold-start,stream,
// --write-thresholds (store this run's ratios as the new baselines).
import { readFileSync, writeFileSync } from "node:fs";
import { ensureBuilt, ensureThirdparty, load, machine } from "./lib/env.js";
import { chart } from "./lib/svg.js";

const args = process.argv.slice(2);
const ci = args.includes("--ci");
const only = args.find((a) => a.startsWith("--only="))?.slice(7).split(",");
const writeThresholds = args.includes("--write-thresholds");

const SUITES = {
  signing: async (o) => (await import("./suites/signing.js")).signingSuite(o),
  "hot-path": async (o) => (await import("./suites/hot-path.js")).hotPathSuite(o),
  rewrite: async (o) => (await import("./suites/rewrite.js")).rewriteSuite(o),
  repeatable: async (o) => (await import("./suites/repeatable.js")).repeatableSuite(o),
  "cold-start": async (o) => (await import("./suites/cold-start.js")).coldStartSuite(o),
  stream: async (o) => (await import("./suites/stream.js")).streamSuite(o),
};
const CI_SUITES = ["signing", "hot-path", "rewrite", "repeatable", "cold-start"];

ensureBuilt();
ensureThirdparty();

const info = machine();
const loadBefore = load();
console.log(`cfsign benchmark${ci ? " (ci)" : ""}: ${info.cores} cores, ${info.cpu}, ${info.memoryGiB} GiB`);
console.log(`node ${info.node} (V8 ${info.v8}, OpenSSL ${info.nodeOpenssl}), ${info.openssl}, ${info.platform}`);
console.log(`${info.date}, load average ${loadBefore.join(" ")}\n`);

const names = (only ?? (ci ? CI_SUITES : Object.keys(SUITES))).filter((n) => {
  if (SUITES[n]) return true;
  throw new Error(`unknown suite ${n}; known: ${Object.keys(SUITES).join(", ")}`);
});

const ratios = {};
const suiteOf = {};
for (const name of names) {
  const started = performance.now();
  const got = await SUITES[name]({ ci });
  for (const [k, v] of Object.entries(got)) {
    ratios[k] = v;
    suiteOf[k] = name;
  }
  console.error(`  ${name}: ${((performance.now() - started) / 1000).toFixed(1)} s, load ${load()[0]}`);
}
const loadAfter = load();

printTable(ratios);
console.log(`\nload average before ${loadBefore.join(" ")}, after ${loadAfter.join(" ")}`);

if (!ci) {
  const results = { machine: info, load: { before: loadBefore, after: loadAfter }, ratios };
  writeFileSync(new URL("results.json", import.meta.url), JSON.stringify(results, null, 2) + "\n");
  const subtitle = `${info.cores} cores ${info.cpu}, node ${info.node}, ${info.date.slice(0, 10)}, load ${loadBefore[0]}`;
  writeFileSync(new URL("results.svg", import.meta.url), chart(ratios, { title: "cfsign: measured ratios (higher is better unless marked ↓)", subtitle }));
  console.log("wrote bench/results.json and bench/results.svg");
}

const thresholdsUrl = new URL("thresholds.json", import.meta.url);
if (writeThresholds) {
  // Refreshes the baselines of the ratios already checked (the list is curated by hand: ratios that
  // depend on how many threads other jobs leave free are printed, not checked).
  let file = { tolerance: 0.15, note: "", baseline: {} };
  try {
    file = JSON.parse(readFileSync(thresholdsUrl, "utf8"));
  } catch {}
  const keys = Object.keys(file.baseline).length > 0 ? Object.keys(file.baseline) : Object.keys(ratios);
  for (const k of keys) if (ratios[k]) file.baseline[k] = round(ratios[k].value);
  file.measuredOn = { date: info.date.slice(0, 10), cores: info.cores, cpu: info.cpu, node: info.node, loadAverage: loadBefore.join(" ") };
  writeFileSync(thresholdsUrl, JSON.stringify(file, null, 2) + "\n");
  console.log("wrote bench/thresholds.json");
} else if (ci) {
  const { tolerance, baseline } = JSON.parse(readFileSync(thresholdsUrl, "utf8"));
  let failed = check(ratios, baseline, tolerance);
  if (failed.length > 0) {
    const again = [...new Set(failed.map((k) => suiteOf[k]))];
    console.log(`\nre-measuring ${again.join(", ")} once (load ${load().join(" ")})`);
    for (const name of again) Object.assign(ratios, await SUITES[name]({ ci }));
    failed = check(ratios, baseline, tolerance);
  }
  const total = Object.keys(baseline).filter((k) => k in ratios).length;
  console.log(`\nbench ratios: ${total - failed.length} within ${tolerance * 100}% of baseline, ${failed.length} regressed`);
  if (failed.length > 0) process.exitCode = 1;
}

function check(measured, baseline, tolerance) {
  const failed = [];
  for (const [key, base] of Object.entries(baseline)) {
    const r = measured[key];
    if (r === undefined) continue;
    const ok = r.lowerIsBetter ? r.value <= base * (1 + tolerance) : r.value >= base * (1 - tolerance);
    if (!ok) {
      failed.push(key);
      console.log(`REGRESSION ${key}: ${fmt(r.value)} vs baseline ${fmt(base)} (tolerance ${tolerance * 100}%)`);
    }
  }
  return failed;
}

function printTable(rs) {
  const rows = Object.entries(rs).map(([k, r]) => {
    const meets = r.target === undefined ? "" : (r.lowerIsBetter ? r.value <= r.target : r.value >= r.target) ? "yes" : "NO";
    const target = r.target === undefined ? "" : `${r.lowerIsBetter ? "≤" : "≥"} ${r.target}`;
    return [k, fmt(r.value), target, meets, r.note ?? ""];
  });
  const head = ["ratio", "value", "target", "met", "what"];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 4 ? c : c.padEnd(w[i]))).join("  ");
  console.log(line(head));
  console.log(line(w.map((n, i) => "-".repeat(i === 4 ? 4 : n))));
  for (const r of rows) console.log(line(r));
}

function fmt(v) {
  return v < 0.1 ? v.toFixed(3) : v.toFixed(2);
}

function round(v) {
  return Math.round(v * 1000) / 1000;
}
