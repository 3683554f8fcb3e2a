/**
 * A short smoke version of bench/serve-load.js (the measurement is `npm run bench:serve`):
 * `cfsign serve` under concurrent load on loopback answers every valid signed request 200 and
 * every refused one 403, with no connection error or timeout. Bounded: 4 runs of 2 s.
 */
import { expect, test } from "vitest";
// @ts-expect-error: a plain JavaScript bench module without types
import { runServeLoad } from "../bench/serve-load.js";
import { requireBuild } from "./helpers/cli.js";

interface Row {
  name: string;
  requests: number;
  errors: number;
  timeouts: number;
  unexpectedStatus: number;
}

test("under 10 concurrent connections for 2 s per run: 0 errors, only 200 for valid and 403 for refused requests", async () => {
  requireBuild();
  const { rows } = (await runServeLoad({ duration: 2, connections: 10, withLog: false })) as { rows: Row[] };
  expect(rows.map((r) => r.name)).toEqual(["plain", "valid", "unsigned", "tampered"]);
  for (const r of rows) {
    expect([r.name, r.errors, r.timeouts, r.unexpectedStatus]).toEqual([r.name, 0, 0, 0]);
    expect(r.requests, r.name).toBeGreaterThan(10);
  }
}, 60_000);
