// A tiny self-contained test harness for the conformance suite: plain ESM, no
// imports, no runtime APIs beyond the language, so the same file runs in Node,
// Deno, Bun, workerd and a browser page.

/** Thrown by the assertions below. */
export class AssertionError extends Error {
  constructor(message) {
    super(message);
    this.name = "AssertionError";
  }
}

/** Fails unless `condition` is truthy. */
export function ok(condition, message = "expected a truthy value") {
  if (!condition) throw new AssertionError(message);
}

/** Fails unless `actual === expected`; the message shows both (shortened). */
export function equal(actual, expected, message = "values differ") {
  if (actual !== expected) {
    throw new AssertionError(`${message}\n  actual:   ${show(actual)}\n  expected: ${show(expected)}`);
  }
}

/** Fails unless both have the same JSON form; names the first differing index of arrays. */
export function same(actual, expected, message = "values differ") {
  if (Array.isArray(actual) && Array.isArray(expected)) {
    const n = Math.max(actual.length, expected.length);
    for (let i = 0; i < n; i++) {
      if (JSON.stringify(actual[i]) !== JSON.stringify(expected[i])) {
        throw new AssertionError(
          `${message}: first difference at [${i}] of ${actual.length} / ${expected.length}\n` +
            `  actual:   ${show(actual[i])}\n  expected: ${show(expected[i])}`,
        );
      }
    }
    return;
  }
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new AssertionError(`${message}\n  actual:   ${show(actual)}\n  expected: ${show(expected)}`);
  }
}

/** Resolves to what `promise` rejects with; fails if it resolves. */
export async function rejection(promise, message = "expected a rejection") {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new AssertionError(`${message}, but it resolved`);
}

/** Fails unless `promise` rejects with an error whose `name` is CfSignError and whose `code` is `code`. */
export async function rejectsWithCode(promise, code, message = "") {
  const err = await rejection(promise, `${message} expected ${code}`.trim());
  if (err === null || typeof err !== "object" || err.name !== "CfSignError" || err.code !== code) {
    const got = err !== null && typeof err === "object" ? `${err.name} ${err.code ?? ""} ${err.message}` : String(err);
    throw new AssertionError(`${message} expected CfSignError ${code}, got ${got}`.trim());
  }
  return err;
}

function show(value) {
  let text;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 400 ? `${text.slice(0, 200)} ... ${text.slice(-160)} (${text.length} chars)` : text;
}

/**
 * A list of named async tests, run in order.
 *
 * @example
 * const h = createHarness();
 * h.test("adds", () => equal(1 + 1, 2));
 * const report = await h.run();
 */
export function createHarness() {
  const tests = [];
  return {
    /** Registers a test; `fn` may be async. */
    test(name, fn) {
      tests.push({ name, fn });
    },
    /** Runs every test; never throws. `log` receives one line per failure. */
    async run(log = () => {}) {
      const started = Date.now();
      const failures = [];
      let passed = 0;
      for (const { name, fn } of tests) {
        try {
          await fn();
          passed++;
        } catch (err) {
          const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
          failures.push({ name, message });
          log(`FAIL ${name}\n  ${message.split("\n").join("\n  ")}`);
        }
      }
      return { passed, failed: failures.length, failures, ms: Date.now() - started };
    },
  };
}
