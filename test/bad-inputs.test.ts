/**
 * The table of bad inputs every URL entry point must refuse, with the code it
 * must refuse them with (test/helpers/hostile-inputs.ts, shared with the hostile-input
 * tests, which run it through every other entry point). Each row runs through `signUrl`
 * (throws) and through `signUrls` (reported per item, the good neighbours still signed),
 * on both engines.
 */
import { beforeAll, describe, expect, test } from "vitest";
import { CfSignError, createSigner, type SignOptions, type Signer } from "../src/index.js";
import { badUrlRows, GOOD } from "./helpers/hostile-inputs.js";
import { rsaKey } from "./helpers/keys.js";

const NOW = Date.UTC(2026, 0, 1) / 1000; // 1767225600
const EXPIRES = NOW + 3600;

const rows = badUrlRows(NOW, EXPIRES);

let signers: Record<"wasm" | "js", Signer>;

beforeAll(async () => {
  const common = { keyPairId: "K2JCJMDEHXQW5F", privateKey: rsaKey().privatePem, clock: () => NOW * 1000 };
  signers = {
    wasm: await createSigner({ ...common, engine: "wasm" }),
    js: await createSigner({ ...common, engine: "js" }),
  };
});

test("the table has at least 40 rows, each distinct", () => {
  expect(rows.length).toBeGreaterThanOrEqual(40);
  expect(new Set(rows.map((r) => r[0])).size).toBe(rows.length);
});

describe.each(["wasm", "js"] as const)("engine %s", (engine) => {
  test.each(rows)("signUrl refuses %s", async (_name, url, options, code) => {
    const err = await signers[engine].signUrl(url as string, { expires: EXPIRES, ...options } as SignOptions).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CfSignError);
    expect((err as CfSignError).code).toBe(code);
    // The message names no whole URL.
    if (typeof url === "string" && url.length > 30) expect((err as CfSignError).message).not.toContain(url);
  });

  test.each(rows)("signUrls reports %s and still signs its neighbours", async (_name, url, options, code) => {
    // Per-item options only, so that a row's missing expires is not filled in by a batch default.
    const results = await signers[engine].signUrls([
      { url: GOOD, expires: EXPIRES },
      { url: url as string, expires: EXPIRES, ...options },
      { url: `${GOOD}?w=2`, expires: EXPIRES },
    ]);
    expect(results).toHaveLength(3);
    expect(results[0]).toMatchObject({ ok: true });
    expect(results[2]).toMatchObject({ ok: true });
    const bad = results[1]!;
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.index).toBe(1);
      expect(bad.error.code).toBe(code);
      expect(bad.error.index).toBe(1);
    }
  });
});
