// `npm run bench:selftest`: proves the gate (`npm run bench:ci`). It copies the
// built package (dist/, build/bench-internals.js) and bench/ into a temporary
// directory and runs the gate there:
//
// 1. Clean runs: the whole gate on the untouched copy, as CI runs it, three times
//    in a row, then three times more with a CPU-bound process per core beside it.
//    Every one must pass.
// 2. Injections: known slowdowns put into the copy's built JavaScript, one at a
//    time, each run against the suite(s) that measure the code it slows (with
//    --fail-fast; the gate fails when any check does, so a failing suite is the
//    gate's verdict; one its suites miss is run against the whole gate before it
//    counts as missed). Every one must fail the gate:
//    - every stage made 1.5x and 3x slower: its function does its whole work
//      again twice more for 3x; for 1.5x a batch function spins for half the CPU
//      time of each call, and a function called per item works again on half its
//      calls, chosen at random;
//    - the private key parsed again for every signature;
//    - signatures made one at a time (concurrency 1);
//    - the signature cache as it was before issue #12 item 17 (eviction through
//      Map.keys().next()).
//
// Prints the table (run → passed / caught?) and, for a full run, writes it to
// bench/selftest-results.json; when everything passed, records the hash of the
// gate's files (bench/lib/stamp.js) in .ci/bench-selftest.stamp, which tells
// .ci/run that this gate has been proven.
//
// Options: --only=<id,...> (injections to run), --no-clean (skip the clean runs), --clean-runs=N,
// --dry-run (only check that each injection applies and the injected build still loads and signs),
// --json=<file> (write the results there; a full run writes bench/selftest-results.json).
// A partial run (--only, fewer than three clean runs) never writes the stamp.
import { spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureBuilt, ensureThirdparty, load, machine, root } from "./lib/env.js";
import { benchHash } from "./lib/stamp.js";

const rootPath = fileURLToPath(root);
const args = process.argv.slice(2);
const onlyIds = args
  .find((a) => a.startsWith("--only="))
  ?.slice(7)
  .split(",");
const dryRun = args.includes("--dry-run");
const resultsOut = args.find((a) => a.startsWith("--json="))?.slice(7);
const cleanRuns =
  args.includes("--no-clean") || dryRun ? 0 : Number(args.find((a) => a.startsWith("--clean-runs="))?.slice(13) ?? 3);

// The helpers every patched file gets (function declarations: hoisted, whatever their place).
// __cfsignRepeat runs a wrapped function, then its whole work again (factor - 1) times, rounded
// down. The fraction left over (0.5 for 1.5x) must make every call that much slower, because the
// gate's estimate is a median over short units of a few calls each, so it is spent by kind:
// - a batch function (policies, assembly, rewriteLines, applyAll; hundreds of microseconds a
//   call or more) spins after each call for that fraction of the CPU time the call took (the
//   process's CPU time, as the gate measures: a thread's own CPU time is counted in ticks here
//   and gave a tenth of it). Working again on part of the batch is not the same: the cost per
//   item grows with the batch (the WASM policy serializer takes a fifth to a third as long on
//   1,000 specs as on 2,000), and repeating whole calls on half of them gives units of 1x and 2x
//   whose median can fall anywhere between (rewriteLines 1.5x measured 0.92 that way);
// - a function called once per item (validateUrl, encodeBase64, resourceCovers, verifyUrl; too
//   short to time) does its whole work again on that fraction of its calls, chosen at random
//   (a fixed-seed generator per site), so that no fixed order of calls (four resource patterns
//   in turn) can dodge it; a unit holds hundreds of calls.
const HELPERS = `
function __cfsignRepeat(fn, self, args, factor, site, batch) {
  const state = ((__cfsignRepeat.sites ??= {})[site] ??= { seed: 0x9e3779b9 });
  const t0 = batch ? __cfsignCpu() : 0;
  const result = fn.apply(self, args);
  let runs = Math.floor(factor - 1);
  const fraction = factor - 1 - runs;
  if (result !== null && typeof result === "object" && typeof result.then === "function") {
    if (batch) throw new Error("selftest: a batch function must be synchronous");
    if (fraction > 0 && __cfsignRandom(state) < fraction) runs++;
    return result.then(async (r) => {
      for (let i = 0; i < runs; i++) await fn.apply(self, args);
      return r;
    });
  }
  const spent = batch ? __cfsignCpu() - t0 : 0;
  if (!batch && fraction > 0 && __cfsignRandom(state) < fraction) runs++;
  for (let i = 0; i < runs; i++) fn.apply(self, args);
  if (batch && fraction > 0) {
    const until = __cfsignCpu() + fraction * spent;
    while (__cfsignCpu() < until);
  }
  return result;
}
function __cfsignRandom(state) {
  let x = state.seed;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  state.seed = x >>> 0;
  return state.seed / 4294967296;
}
function __cfsignCpu() {
  const u = process.cpuUsage();
  return u.user + u.system;
}
function __cfsignReparse(keyInput) {
  const { createPrivateKey } = process.getBuiltinModule("node:crypto");
  const key = keyInput.key ?? keyInput;
  const again = createPrivateKey(key.export({ format: "pem", type: "pkcs8" }));
  return keyInput.key ? { ...keyInput, key: again } : again;
}
`;

// The signature cache before issue #12 item 17 (a Map in insertion order, evicting its first key),
// with the interface the batch path uses now.
const OLD_CACHE = `var SignatureCache = class {
	#capacity;
	#stride;
	#entries = new Map();
	constructor(capacity, maxSignatureBytes = 256) {
		this.#capacity = capacity;
		this.#stride = maxSignatureBytes;
	}
	get size() { return this.#entries.size; }
	get maxSignatureBytes() { return this.#stride; }
	static key(policy) { return new TextDecoder().decode(policy); }
	get(key) {
		const hit = this.#entries.get(key);
		if (hit !== void 0) { this.#entries.delete(key); this.#entries.set(key, hit); }
		return hit;
	}
	copyTo(key, target, offset) {
		const hit = this.get(key);
		if (hit === void 0) return -1;
		target.set(hit, offset);
		return hit.length;
	}
	set(key, signature) {
		if (this.#entries.has(key)) this.#entries.delete(key);
		else if (this.#entries.size >= this.#capacity) this.#entries.delete(this.#entries.keys().next().value);
		this.#entries.set(key, signature.slice());
	}
};
`;

/** Ends a --dry-run after the injections were checked (the temporary directory is still removed). */
class DryRunDone extends Error {}

let site = 0;
/** Wraps a function declaration `[async ]function NAME(` so that it repeats its work. */
function wrapFunction(name, factor, batch = false) {
  const re = new RegExp(`^(\\t*)(async )?function ${name.replace(/\$/g, "\\$")}\\(`, "gm");
  return (text) =>
    text.replace(re, (_, indent, isAsync) => {
      const id = `s${site++}`;
      return `${indent}function ${name}(...args) { return __cfsignRepeat(__cfsign_${id}, this, args, ${factor}, "${id}", ${batch}); }\n${indent}${isAsync ?? ""}function __cfsign_${id}(`;
    });
}
/** Wraps a method `NAME(params) {` of a class (`;`-free) or an object literal (`,` after the wrapper). */
function wrapMethod(name, params, factor, inObject, batch = true) {
  const re = new RegExp(`^(\\t+)${name}\\(${params}\\) \\{`, "gm");
  return (text) =>
    text.replace(re, (_, indent) => {
      const id = `s${site++}`;
      return `${indent}${name}(...args) { return __cfsignRepeat(this.__cfsign_${id}, this, args, ${factor}, "${id}", ${batch}); }${inObject ? "," : ""}\n${indent}__cfsign_${id}(${params}) {`;
    });
}
const replace = (pattern, by) => (text) => text.replace(pattern, by);

/** Every injection: an id, what it does, and its edits (each must apply at least once). */
function injections() {
  const list = [];
  for (const k of [1.5, 3]) {
    const x = `x${k}`;
    list.push(
      {
        id: `validate-${x}`,
        what: `URL validation (validateUrl) ${k}x`,
        suites: ["stages"],
        edits: [wrapFunction("validateUrl", k)],
      },
      {
        id: `policy-${x}`,
        suites: ["stages"],
        what: `policy JSON ${k}x (serializePolicies, both engines)`,
        edits: [wrapFunction("serializePolicies", k, true), wrapMethod("serializePolicies", "specs", k, true)],
      },
      {
        id: `base64-${x}`,
        suites: ["stages"],
        what: `CloudFront base64 ${k}x (encodeBase64, both engines)`,
        edits: [wrapFunction("encodeBase64", k)],
      },
      {
        id: `assemble-${x}`,
        suites: ["stages"],
        what: `URL assembly ${k}x (assembleUrls, both engines)`,
        edits: [wrapFunction("assembleUrls", k, true), wrapMethod("assembleUrls", "parts, suffix", k, true)],
      },
      {
        id: `rewriteLines-${x}`,
        suites: ["stages"],
        what: `rewriteLines ${k}x (the whole call: plan, engine scan, splice)`,
        edits: [
          (t) =>
            t.replace(/^function rewriteLines\(hotPath, policy, input, options, nowSeconds\) \{/m, () => {
              const id = `s${site++}`;
              return `function rewriteLines(...args) { return __cfsignRepeat(__cfsign_${id}, this, args, ${k}, "${id}", true); }\nfunction __cfsign_${id}(hotPath, policy, input, options, nowSeconds) {`;
            }),
        ],
      },
      {
        id: `applyAll-${x}`,
        suites: ["stages"],
        what: `SignedPolicy.applyAll ${k}x`,
        edits: [wrapMethod("applyAll", "urls", k, false)],
      },
      {
        id: `resource-${x}`,
        suites: ["stages"],
        what: `resource matching (resourceCovers, and the pattern compiler behind its one-entry cache) ${k}x`,
        // A repeated resourceCovers call finds its pattern compiled (and its automaton built) by the
        // first, so compile() and buildNfa() are slowed too.
        edits: [wrapFunction("resourceCovers", k), wrapFunction("compile", k), wrapFunction("buildNfa", k)],
      },
      {
        id: `verify-${x}`,
        suites: ["stages"],
        what: `the verifier's own work ${k}x (verifyUrl; its signature checks answered at once)`,
        edits: [wrapFunction("verifyUrl", k)],
      },
    );
  }
  list.push(
    {
      id: "key-reparse",
      suites: ["ceiling"],
      what: "the private key parsed again for every signature (node:crypto adapter)",
      edits: [replace(/\b(sign|nodeSign)\(digest, data, (keyInput|key), /g, "$1(digest, data, __cfsignReparse($2), ")],
    },
    {
      id: "one-at-a-time",
      suites: ["ceiling"],
      what: "signatures made one at a time (concurrency 1 in the batch path)",
      edits: [
        replace(
          /Math\.min\((this\.#concurrency|core\.concurrency|concurrency), (payloads\.length|n)\)/g,
          "Math.min(1, $2)",
        ),
      ],
    },
    {
      id: "old-cache",
      suites: ["cache"],
      what: "the signature cache before issue #12 item 17 (eviction by Map.keys().next())",
      // `var SignatureCache = class {...};` at the top level, or `SignatureCache = class {...};` inside a
      // lazily initialised module (indented).
      edits: [
        replace(/^(\t*)(var )?SignatureCache = class \{[\s\S]*?\n\1\};\n/m, (_, indent, v) =>
          OLD_CACHE.replace(/^var /, v ?? "").replace(/^(?=.)/gm, indent),
        ),
      ],
    },
  );
  return list;
}

/** The built files injections may touch, relative to the package root. */
function builtFiles(dir) {
  const out = [];
  for (const sub of ["dist", "build"]) {
    // Recursive: the Node entry loads some of its code from chunks on first use.
    for (const f of readdirSync(join(dir, sub), { recursive: true })) if (f.endsWith(".js")) out.push(`${sub}/${f}`);
  }
  return out;
}

function run(cmd, cmdArgs, cwd, timeoutMs) {
  return new Promise((resolve) => {
    const child = spawn(cmd, cmdArgs, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

/** CPU-heavy processes beside the gate: one busy loop per core. */
function startHogs() {
  return Array.from({ length: availableParallelism() }, () =>
    spawn(process.execPath, ["-e", "let x = 0; for (;;) x = (x + Math.sqrt(x + 1)) % 1e9;"], { stdio: "ignore" }),
  );
}

/**
 * Runs the gate (`bench/run.js --ci`) in `dir`: only `suites` when given, stopping at the first
 * suite that fails when `failFast`. A run that ends without its JSON report (it could not start,
 * or crashed) counts as failed, with the end of its output kept as the reason.
 */
async function gate(dir, label, { suites, failFast }) {
  const json = join(dir, "gate.json");
  rmSync(json, { force: true });
  const started = performance.now();
  const loadBefore = load()[0];
  const { code, out } = await run(
    process.execPath,
    [
      "bench/run.js",
      "--ci",
      ...(suites ? [`--only=${suites.join(",")}`] : []),
      ...(failFast ? ["--fail-fast"] : []),
      `--json=${json}`,
    ],
    dir,
    20 * 60_000,
  );
  const seconds = (performance.now() - started) / 1000;
  let report = null;
  try {
    report = JSON.parse(readFileSync(json, "utf8"));
  } catch {}
  const error = report === null ? out.trim().split("\n").slice(-8).join("\n") : undefined;
  const failed = report?.failed ?? [];
  const failedWith = failed.map((k) => `${k} ${report.ratios[k]?.value.toFixed(2)}`);
  const scope = suites ? ` [${suites.join(", ")}]` : " [whole gate]";
  console.log(
    `${label}${scope}: exit ${code}, ${seconds.toFixed(0)} s, load ${loadBefore}` +
      (failedWith.length ? `; failed: ${failedWith.join(", ")}` : "") +
      (error ? `; no report, output ended:\n${error}` : ""),
  );
  // Every checked ratio the run measured, rounded: the margins the bounds have.
  const thresholds = JSON.parse(readFileSync(join(dir, "bench", "thresholds.json"), "utf8")).checks;
  const values = Object.fromEntries(
    Object.keys(thresholds)
      .filter((k) => report?.ratios[k] !== undefined)
      .map((k) => [k, Math.round(report.ratios[k].value * 1000) / 1000]),
  );
  return { code, failed, failedWith, seconds, load: loadBefore, values, error };
}

ensureBuilt();
ensureThirdparty();
const startedAt = performance.now();
const hashBefore = benchHash(rootPath);
const dir = mkdtempSync(join(tmpdir(), "cfsign-selftest-"));
try {
  for (const sub of ["dist", "build"]) cpSync(join(rootPath, sub), join(dir, sub), { recursive: true });
  cpSync(join(rootPath, "bench"), join(dir, "bench"), {
    recursive: true,
    filter: (src) => !src.includes(`${join("bench", "thirdparty", "node_modules")}`),
  });
  cpSync(join(rootPath, "package.json"), join(dir, "package.json"));
  symlinkSync(join(rootPath, "node_modules"), join(dir, "node_modules"));
  symlinkSync(join(rootPath, "bench", "thirdparty", "node_modules"), join(dir, "bench", "thirdparty", "node_modules"));
  const files = builtFiles(dir);
  const pristine = new Map(files.map((f) => [f, readFileSync(join(dir, f), "utf8")]));
  const restore = () => {
    for (const [f, text] of pristine) writeFileSync(join(dir, f), text);
  };

  const info = machine();
  console.log(
    `bench:selftest: ${info.cores} cores, ${info.cpu}, node ${info.node}, ${info.date}, load ${load().join(" ")}`,
  );

  const unknown = (onlyIds ?? []).filter((id) => !injections().some((i) => i.id === id));
  if (unknown.length > 0) throw new Error(`selftest: unknown injection ${unknown.join(", ")}`);

  // The clean runs first: the whole gate on the untouched copy, as CI runs it (every suite, no
  // --fail-fast), three times alone, then three times with one CPU-bound process per core beside it.
  // An injection only counts as caught against a gate that passes the unchanged code.
  const clean = [];
  for (const [hog, label] of [
    [false, "clean"],
    [true, "clean, CPU-heavy processes beside it"],
  ]) {
    for (let i = 0; i < cleanRuns; i++) {
      const hogs = hog ? startHogs() : [];
      try {
        const r = await gate(dir, `${label} #${i + 1}`, { failFast: false });
        clean.push({
          label,
          run: i + 1,
          passed: r.code === 0,
          failed: r.failedWith,
          values: r.values,
          ...(r.error ? { error: r.error } : {}),
          seconds: Math.round(r.seconds),
          load: r.load,
        });
      } finally {
        for (const h of hogs) h.kill("SIGKILL");
      }
    }
  }

  // Each injection against the suite(s) that measure its code, stopping at the first that fails:
  // the gate fails when any check does, so a failing suite is the whole gate's verdict. An injection
  // its own suites miss is run against the whole gate before it is reported missed.
  const rows = [];
  for (const inj of injections().filter((i) => !onlyIds || onlyIds.includes(i.id))) {
    restore();
    const applied = inj.edits.map(() => 0);
    for (const f of files) {
      let text = pristine.get(f);
      inj.edits.forEach((edit, e) => {
        const next = edit(text);
        if (next !== text) applied[e]++;
        text = next;
      });
      if (text !== pristine.get(f)) writeFileSync(join(dir, f), text + HELPERS);
    }
    if (applied.some((n) => n === 0))
      throw new Error(
        `selftest: injection ${inj.id} no longer applies to the build (edit ${applied.indexOf(0)}); update bench/selftest.js`,
      );
    if (dryRun) {
      // Only that the injected build still loads and signs (no gate run).
      const probe = `const m = await import("./build/bench-internals.js"); const d = await import("./dist/index.js"); const s = await d.createSigner({ keyPairId: "K2JCJMDEHXQW5F", privateKey: (await import("node:crypto")).generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey }); const r = await s.signUrls(["https://d111111abcdef8.cloudfront.net/a.jpg"], { expires: 2000000000 }); if (!r[0].ok || typeof m.validateUrl !== "function") throw new Error("broken");`;
      const { code, out } = await run(process.execPath, ["--input-type=module", "-e", probe], dir, 60_000);
      console.log(`${inj.id}: ${applied.join("+")} edits, ${code === 0 ? "loads and signs" : "BROKEN\n" + out}`);
      if (code !== 0) process.exitCode = 1;
      continue;
    }
    let r = await gate(dir, inj.id, { suites: inj.suites, failFast: true });
    let scope = inj.suites.join(", ");
    let seconds = r.seconds;
    if (r.code === 0) {
      r = await gate(dir, `${inj.id} (missed by ${scope}: the whole gate)`, { failFast: true });
      scope = "whole gate";
      seconds += r.seconds;
    }
    rows.push({
      id: inj.id,
      what: inj.what,
      suites: scope,
      caught: r.code !== 0,
      failed: r.failedWith,
      values: r.values,
      ...(r.error ? { error: r.error } : {}),
      seconds: Math.round(seconds),
      load: r.load,
    });
  }
  restore();

  if (dryRun) throw new DryRunDone();
  const missed = rows.filter((r) => !r.caught);
  const falseAlarms = clean.filter((c) => !c.passed);
  const minutes = (performance.now() - startedAt) / 60_000;
  console.log("\n| run | gate run on | caught? / passed? | failed checks (value) | seconds | load |");
  console.log("| --- | --- | --- | --- | --- | --- |");
  for (const c of clean)
    console.log(
      `| ${c.label}, run ${c.run} | whole gate | ${c.passed ? "passed" : "**FAILED**"} | ${c.failed.join(", ") || (c.error ? "no report" : "")} | ${c.seconds} | ${c.load} |`,
    );
  for (const r of rows)
    console.log(
      `| ${r.what} | ${r.suites} | ${r.caught ? "caught" : "**MISSED**"} | ${r.failed.join(", ") || (r.error ? "no report" : "")} | ${r.seconds} | ${r.load} |`,
    );
  const full = !onlyIds && cleanRuns >= 3;
  const ok = missed.length === 0 && falseAlarms.length === 0 && rows.length > 0;
  const hashAfter = benchHash(rootPath);
  const result = {
    machine: info,
    ok,
    full,
    minutes: Math.round(minutes * 10) / 10,
    clean,
    injections: rows,
    benchHash: hashBefore,
  };
  const resultsPath = resultsOut ?? (full ? join(rootPath, "bench", "selftest-results.json") : undefined);
  if (resultsPath) writeFileSync(resultsPath, JSON.stringify(result, null, 2) + "\n");
  console.log(
    `\n${rows.length - missed.length} of ${rows.length} injections caught, ${clean.length - falseAlarms.length} of ${clean.length} clean runs passed, ${minutes.toFixed(1)} min` +
      (resultsPath ? `; wrote ${resultsPath}` : ""),
  );
  if (ok && full) {
    if (hashAfter !== hashBefore) {
      console.log("bench:selftest passed, but the gate's files changed while it ran: no stamp recorded; run it again");
    } else {
      mkdirSync(join(rootPath, ".ci"), { recursive: true });
      writeFileSync(join(rootPath, ".ci", "bench-selftest.stamp"), hashBefore + "\n");
      console.log("bench:selftest passed; recorded the hash of the gate's files in .ci/bench-selftest.stamp");
    }
  }
  if (!ok) process.exitCode = 1;
} catch (err) {
  if (!(err instanceof DryRunDone)) throw err;
} finally {
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
}
