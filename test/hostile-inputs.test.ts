/**
 * The hostile-input table (test/helpers/hostile-inputs.ts) through every library
 * entry point that takes a URL or a policy, on both engines: signUrl, signUrls,
 * signStream, redirectToSigned, signCookies, signPolicy, SignedPolicy.apply and
 * applyAll, and Signer.rewriteLines (the bulk rewrite). Every row must be refused
 * with its code, or signed into output that test/helpers/check-signed.ts accepts:
 * signed bytes equal emitted bytes, checked with node:crypto, and the policy
 * exactly the grant that was asked for. Then the exact byte budgets at CloudFront's
 * 8,192-byte limit, and inputs sized around WebAssembly's 64 KiB pages.
 *
 * The command line runs the same table in test/hostile-cli.test.ts.
 */
import { beforeAll, describe, expect, test } from "vitest";
import { CfSignError, createSigner, redirectToSigned, type Signer } from "../src/index.js";
import { importSigningKey } from "../src/crypto/node.js";
import { jsHotPath } from "../src/engine/js.js";
import { createWasmHotPath } from "../src/engine/wasm.js";
import { loadWasmModule } from "./helpers/wasm.js";
import { createSignerWith } from "../src/create-signer.js";
import {
  cidr,
  epochSeconds,
  signedCookiesProblems,
  signedUrlProblems,
  sharedPolicyProblems,
  type Grant,
  type SignedBy,
} from "./helpers/check-signed.js";
import {
  APPLY_RESOURCE,
  GOOD,
  HOST,
  hostileRows,
  onCookieHost,
  type Expect,
  type HostileRow,
} from "./helpers/hostile-inputs.js";
import { ecKey, rsaKey, type TestKey } from "./helpers/keys.js";

const NOW_MS = Date.UTC(2026, 0, 1);
const NOW = NOW_MS / 1000;
const EXPIRES = NOW + 3600;
const KID = "K2JCJMDEHXQW5F";
const rows = hostileRows(NOW, EXPIRES);
const ENGINES = ["wasm", "js"] as const;
type Engine = (typeof ENGINES)[number];

const signers = {} as Record<Engine, Signer>;
const BY: SignedBy = {
  get publicKey() {
    return rsaKey().publicKey;
  },
  keyPairId: KID,
  hash: "SHA256",
};

beforeAll(async () => {
  for (const engine of ENGINES) {
    signers[engine] = await createSigner({
      keyPairId: KID,
      privateKey: rsaKey().privatePem,
      engine,
      clock: () => NOW_MS,
    });
  }
});

// ------------------------------------------------------------------------------------------ grants

function conditions(o: Readonly<Record<string, unknown>>): Pick<Grant, "expires" | "starts" | "ipAddress"> {
  const expires = Object.hasOwn(o, "expires") ? epochSeconds(o["expires"], "floor") : EXPIRES;
  return {
    expires,
    starts: o["starts"] === undefined ? undefined : epochSeconds(o["starts"], "ceil"),
    ipAddress: typeof o["ipAddress"] === "string" ? cidr(o["ipAddress"]) : undefined,
  };
}

/** The grant signUrl must make for a row (the URL it signs is `signedAs` or the input). */
function urlGrant(row: HostileRow, base: string): Grant {
  const o = row.options;
  const custom = o["starts"] !== undefined || o["ipAddress"] !== undefined || o["resource"] !== undefined;
  return { custom, resource: custom ? ((o["resource"] as string | undefined) ?? base) : base, ...conditions(o) };
}

const hasWildcard = (s: string): boolean => s.includes("*") || s.indexOf("?", s.indexOf("?") + 1) > 0;

/** The grant signCookies must make: canned for a plain URL without conditions, else custom. */
function cookieGrant(row: HostileRow): Grant {
  const o = row.options;
  const resource = (o["resource"] as string | undefined) ?? (row.input as string);
  const custom = o["starts"] !== undefined || o["ipAddress"] !== undefined || hasWildcard(resource);
  return { custom, resource, ...conditions(o) };
}

function policyGrant(row: HostileRow, fallback: string): Grant {
  return {
    custom: true,
    resource: (row.options["resource"] as string | undefined) ?? fallback,
    ...conditions(row.options),
  };
}

// ------------------------------------------------------------------------------------------ judging

const expectation = (row: HostileRow, which: "url" | "stream" | "cookies" | "policy" | "apply"): Expect =>
  which === "url" ? row.url : (row[which] ?? row.url);

/** The options an entry point receives for a row: a valid expiry unless the row sets one. */
const withExpires = (o: Readonly<Record<string, unknown>>): Record<string, unknown> => ({ expires: EXPIRES, ...o });

interface Judge {
  readonly problems: string[];
  /** Judges a refusal. */
  refused(row: HostileRow, expected: Expect, err: unknown): void;
  /** Judges an output; `check` returns its problems. */
  signed(row: HostileRow, expected: Expect, check: () => string[]): void;
}

function judge(entry: string): Judge {
  const problems: string[] = [];
  return {
    problems,
    refused(row, expected, err) {
      if (!(err instanceof CfSignError)) {
        problems.push(`${entry} / ${row.name}: threw ${String(err)}, not a CfSignError`);
        return;
      }
      if (expected !== err.code)
        problems.push(`${entry} / ${row.name}: refused with ${err.code}, expected ${expected}`);
      if (typeof row.input === "string" && row.input.length > 30 && err.message.includes(row.input)) {
        problems.push(`${entry} / ${row.name}: the message holds the whole URL`);
      }
    },
    signed(row, expected, check) {
      if (expected !== "signed") {
        problems.push(`${entry} / ${row.name}: signed, expected ${expected}`);
        return;
      }
      for (const p of check()) problems.push(`${entry} / ${row.name}: ${p}`);
    },
  };
}

const base = (row: HostileRow): string => row.signedAs ?? (row.input as string);
const applicable = (row: HostileRow, which: "url" | "stream" | "cookies" | "policy" | "apply"): boolean =>
  expectation(row, which) !== "skip";

// ------------------------------------------------------------------------------------------ the table

test("the table has at least 100 cases for every library entry point, each name distinct", () => {
  expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
  for (const which of ["url", "stream", "cookies", "policy", "apply"] as const) {
    expect(rows.filter((r) => applicable(r, which)).length, which).toBeGreaterThanOrEqual(100);
  }
  expect(
    rows.filter((r) => applicable(r, "apply") && typeof r.input === "string" && !/[\r\n]/.test(r.input)).length,
  ).toBeGreaterThanOrEqual(100);
});

describe.each(ENGINES)("engine %s", (engine) => {
  test("signUrl", async () => {
    const j = judge("signUrl");
    for (const row of rows.filter((r) => applicable(r, "url"))) {
      try {
        const out = await signers[engine].signUrl(row.input as string, withExpires(row.options) as never);
        j.signed(row, row.url, () => signedUrlProblems(out, base(row), urlGrant(row, base(row)), BY));
      } catch (err) {
        j.refused(row, row.url, err);
      }
    }
    expect(j.problems).toEqual([]);
  });

  test("signUrls: one batch of every row between good neighbours, and strict mode", async () => {
    const j = judge("signUrls");
    const table = rows.filter((r) => applicable(r, "url"));
    const items = table.flatMap((row) => [
      { url: GOOD, expires: EXPIRES },
      { url: row.input as string, ...withExpires(row.options) },
    ]);
    const results = await signers[engine].signUrls(items as never);
    expect(results).toHaveLength(items.length);
    table.forEach((row, k) => {
      const neighbour = results[2 * k]!;
      if (!neighbour.ok) j.problems.push(`signUrls / ${row.name}: the good neighbour failed`);
      else
        j.problems.push(
          ...signedUrlProblems(neighbour.url, GOOD, { custom: false, resource: GOOD, expires: EXPIRES }, BY),
        );
      const r = results[2 * k + 1]!;
      if (r.ok) j.signed(row, row.url, () => signedUrlProblems(r.url, base(row), urlGrant(row, base(row)), BY));
      else {
        if (r.index !== 2 * k + 1 || r.error.index !== 2 * k + 1)
          j.problems.push(`signUrls / ${row.name}: wrong index`);
        j.refused(row, row.url, r.error);
      }
    });
    expect(j.problems).toEqual([]);
    const strict = await signers[engine].signUrls(items as never, { strict: true }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(strict).toBeInstanceOf(CfSignError);
    expect((strict as CfSignError).code).toBe("BATCH_FAILED");
    expect((strict as CfSignError).failures!.length).toBe(table.filter((r) => r.url !== "signed").length);
  });

  test("signStream: string items and object items, in windows, indexes kept", async () => {
    const j = judge("signStream");
    const table = rows.filter((r) => applicable(r, "stream"));
    // Strings (the line-reader shape) for rows without options; objects for the others.
    const plain = table.filter((r) => Object.keys(r.options).length === 0 && typeof r.input === "string");
    const withOptions = table.filter((r) => !plain.includes(r));
    const runs: [HostileRow[], unknown[], Record<string, unknown>][] = [
      [plain, plain.map((r) => r.input), { expires: EXPIRES, window: 7 }],
      [withOptions, withOptions.map((r) => ({ url: r.input, ...withExpires(r.options) })), { window: 5 }],
    ];
    for (const [list, items, options] of runs) {
      let i = 0;
      for await (const r of signers[engine].signStream(items as never, options as never)) {
        const row = list[i]!;
        const expected = expectation(row, "stream");
        const strippedBase = typeof row.input === "string" ? row.input.replace(/\r?\n$/, "") : "";
        const b = row.signedAs ?? (typeof items[i] === "string" ? strippedBase : base(row));
        if (r.ok) j.signed(row, expected, () => signedUrlProblems(r.url, b, urlGrant(row, b), BY));
        else {
          if (r.index !== i || r.error.index !== i)
            j.problems.push(`signStream / ${row.name}: index ${r.index}, expected ${i}`);
          j.refused(row, expected, r.error);
        }
        i++;
      }
      expect(i).toBe(list.length);
    }
    expect(j.problems).toEqual([]);
  });

  test("redirectToSigned", async () => {
    const j = judge("redirectToSigned");
    for (const row of rows.filter((r) => applicable(r, "url"))) {
      try {
        const response = await redirectToSigned(
          signers[engine],
          row.input as string,
          withExpires(row.options) as never,
        );
        if (response.status !== 302) j.problems.push(`redirectToSigned / ${row.name}: status ${response.status}`);
        j.signed(row, row.url, () =>
          signedUrlProblems(response.headers.get("location"), base(row), urlGrant(row, base(row)), BY),
        );
      } catch (err) {
        j.refused(row, row.url, err);
      }
    }
    expect(j.problems).toEqual([]);
  });

  test("signCookies", async () => {
    const j = judge("signCookies");
    for (const row of rows.filter((r) => applicable(r, "cookies")).map(onCookieHost)) {
      const expected = expectation(row, "cookies");
      try {
        const out = await signers[engine].signCookies({ resource: row.input, ...withExpires(row.options) } as never);
        j.signed(row, expected, () => signedCookiesProblems(out, cookieGrant(row), BY));
      } catch (err) {
        j.refused(row, expected, err);
      }
    }
    expect(j.problems).toEqual([]);
  });

  test("signPolicy, then apply to the URL it was made for", async () => {
    const j = judge("signPolicy");
    for (const row of rows.filter((r) => applicable(r, "policy"))) {
      const expected = expectation(row, "policy");
      try {
        const shared = await signers[engine].signPolicy({ resource: row.input, ...withExpires(row.options) } as never);
        const grant = policyGrant(row, row.input as string);
        j.signed(row, expected, () => {
          const problems = sharedPolicyProblems(shared, grant, BY);
          // Whatever apply does with the input, it never signs a URL the policy does not cover.
          try {
            const url = shared.apply(row.input as string);
            problems.push(...signedUrlProblems(url, row.input as string, grant, BY));
          } catch (err) {
            if (!(err instanceof CfSignError)) problems.push(`apply threw ${String(err)}`);
          }
          return problems;
        });
      } catch (err) {
        j.refused(row, expected, err);
      }
    }
    expect(j.problems).toEqual([]);
  });

  test("SignedPolicy.apply, applyAll and Signer.rewriteLines agree on every row", async () => {
    const apply = judge("apply");
    const applyAll = judge("applyAll");
    const rewrite = judge("rewriteLines");
    for (const row of rows.filter((r) => applicable(r, "apply"))) {
      const expected = expectation(row, "apply");
      let shared;
      try {
        shared = await signers[engine].signPolicy({ resource: APPLY_RESOURCE, ...withExpires(row.options) } as never);
      } catch (err) {
        apply.refused(row, expected, err);
        continue;
      }
      const grant = policyGrant(row, APPLY_RESOURCE);
      const input = row.input as string;
      let single: string | undefined;
      try {
        single = shared.apply(input);
        apply.signed(row, expected, () => signedUrlProblems(single, input, grant, BY));
      } catch (err) {
        apply.refused(row, expected, err);
      }
      // Good neighbours where the policy covers them (a row's own resource may not).
      const neighbour = shared.applyAll([GOOD])[0]!.ok ? GOOD : undefined;
      const all = shared.applyAll(neighbour === undefined ? [input] : [neighbour, input, neighbour]);
      if (!all.every((x, i) => x.ok || (neighbour !== undefined ? i === 1 : i === 0))) {
        applyAll.problems.push(`applyAll / ${row.name}: a good neighbour failed`);
      }
      const r = all[neighbour === undefined ? 0 : 1]!;
      if (r.ok) applyAll.signed(row, expected, () => (r.url === single ? [] : ["differs from apply"]));
      else applyAll.refused(row, expected, r.error);
      if (typeof input === "string" && !/[\r\n]/.test(input)) {
        const good = neighbour === undefined ? "" : shared.apply(neighbour);
        const lines = `${neighbour ?? ""}\n${input}\r\n\n${neighbour ?? ""}`;
        const out = signers[engine].rewriteLines(shared, lines);
        const text = Buffer.from(out.bytes).toString("utf8");
        if (single !== undefined) {
          if (out.failures.length !== 0 || text !== `${good}\n${single}\r\n\n${good}`) {
            rewrite.problems.push(`rewriteLines / ${row.name}: output differs from apply`);
          }
        } else if (
          out.failures.length !== 1 ||
          out.failures[0]!.index !== 1 ||
          out.failures[0]!.line !== 2 ||
          text !== `${good}\n\n${good}`
        ) {
          rewrite.problems.push(`rewriteLines / ${row.name}: expected line 1 left out and reported`);
        } else {
          rewrite.refused(row, expected, out.failures[0]!.error);
        }
      }
    }
    expect(apply.problems).toEqual([]);
    expect(applyAll.problems).toEqual([]);
    expect(rewrite.problems).toEqual([]);
  });
});

// ------------------------------------------------------------------------------------------ 8,192 bytes

const SIG_CHARS = { RSA: 344, ECDSA: 96 } as const; // base64 of 256 bytes; of the longest (72-byte) DER ECDSA signature

/** Bytes a signature and the parameters around a URL of `n` bytes add, computed from CloudFront's parameter formats alone. */
function signedLength(
  n: number,
  kind: "canned" | "custom",
  alg: "RSA" | "ECDSA",
  hash: "SHA1" | "SHA256",
  starts: number,
): number {
  const suffix = `&Key-Pair-Id=${KID}` + (hash === "SHA256" ? "&Hash-Algorithm=SHA256" : "");
  const url = urlOfLength(n);
  const head =
    kind === "canned"
      ? `Expires=${EXPIRES}`.length
      : "Policy=".length +
        4 *
          Math.ceil(
            Buffer.byteLength(
              JSON.stringify({
                Statement: [
                  {
                    Resource: url,
                    Condition: {
                      DateLessThan: { "AWS:EpochTime": EXPIRES },
                      DateGreaterThan: { "AWS:EpochTime": starts },
                    },
                  },
                ],
              }),
            ) / 3,
          );
  return n + 1 + head + "&Signature=".length + SIG_CHARS[alg] + suffix.length;
}

const urlOfLength = (n: number): string => `${HOST}/${"a".repeat(n - HOST.length - 1)}`;

/** The longest URL that fits, found by walking down from 8,192. */
function budget(kind: "canned" | "custom", alg: "RSA" | "ECDSA", hash: "SHA1" | "SHA256", starts: number): number {
  let n = 8192;
  while (signedLength(n, kind, alg, hash, starts) > 8192) n--;
  return n;
}

describe("the 8,192-byte limit, budgets computed independently", () => {
  const keys: Record<"RSA" | "ECDSA", () => TestKey> = { RSA: rsaKey, ECDSA: ecKey };
  const combos = [
    ["RSA", "SHA256"],
    ["ECDSA", "SHA256"],
    ["RSA", "SHA1"],
    ["ECDSA", "SHA1"],
  ] as const;

  test("the budgets (URL bytes before signing)", () => {
    // Canned RSA-2048 + SHA-256: 1 + 18 (Expires=) + 11 (&Signature=) + 344 + 49 (key id, hash) = 423 bytes added.
    expect(budget("canned", "RSA", "SHA256", NOW)).toBe(8192 - 423);
    expect(budget("canned", "ECDSA", "SHA256", NOW)).toBe(8192 - 175);
    expect(budget("canned", "RSA", "SHA1", NOW)).toBe(8192 - 401);
  });

  describe.each(combos)("%s %s", (alg, hash) => {
    const by = (): SignedBy => ({ publicKey: keys[alg]().publicKey, keyPairId: KID, hash });
    const make = (engine: Engine): Promise<Signer> =>
      createSigner({
        keyPairId: KID,
        privateKey: keys[alg]().privatePem,
        hashAlgorithm: hash,
        engine,
        clock: () => NOW_MS,
      });

    test.each(ENGINES)("canned and custom URLs one byte under, at and over the budget (%s engine)", async (engine) => {
      const signer = await make(engine);
      for (const kind of ["canned", "custom"] as const) {
        const max = budget(kind, alg, hash, NOW);
        for (const n of [max - 1, max, max + 1]) {
          const url = urlOfLength(n);
          const options = kind === "canned" ? { expires: EXPIRES } : { expires: EXPIRES, starts: NOW };
          const grant: Grant = {
            custom: kind === "custom",
            resource: url,
            expires: EXPIRES,
            starts: kind === "custom" ? NOW : undefined,
          };
          const single = await signer.signUrl(url, options).then(
            (u) => u,
            (e: unknown) => e,
          );
          const [batch] = await signer.signUrls([url], options);
          if (n > max) {
            expect((single as CfSignError).code, `${kind} ${n}`).toBe("URL_TOO_LONG");
            expect(batch).toMatchObject({ ok: false, error: { code: "URL_TOO_LONG" } });
            continue;
          }
          expect(signedUrlProblems(single, url, grant, by()), `${kind} ${n}`).toEqual([]);
          expect(batch!.ok).toBe(true);
          const signed = single as string;
          // The bound is exact: RSA always lands on it; ECDSA's DER is 70 to 72 bytes (96 characters), rarely fewer.
          const sigChars = new URL(signed).searchParams.get("Signature")!.length;
          expect(signed.length).toBe(signedLength(n, kind, alg, hash, NOW) - (SIG_CHARS[alg] - sigChars));
          expect(signed.length).toBeLessThanOrEqual(8192);
          if (kind === "canned" && alg === "RSA") expect(signed.length).toBe(8192 - (max - n));
        }
      }
    });
  });

  test.each(ENGINES)(
    "8,191, 8,192 and 8,193-byte inputs are refused by every URL entry point (%s engine)",
    async (engine) => {
      const signer = signers[engine];
      const shared = await signer.signPolicy({ resource: APPLY_RESOURCE, expires: EXPIRES });
      for (const n of [8191, 8192, 8193]) {
        const url = urlOfLength(n);
        for (const options of [{ expires: EXPIRES }, { expires: EXPIRES, starts: NOW }]) {
          await expect(signer.signUrl(url, options)).rejects.toMatchObject({ code: "URL_TOO_LONG" });
          expect((await signer.signUrls([url], options))[0]).toMatchObject({
            ok: false,
            error: { code: "URL_TOO_LONG" },
          });
        }
        expect(() => shared.apply(url)).toThrow(expect.objectContaining({ code: "URL_TOO_LONG" }));
        expect(signer.rewriteLines(shared, url).failures[0]!.error.code).toBe("URL_TOO_LONG");
      }
    },
  );

  test.each(ENGINES)(
    "apply: a URL one byte under, at and over the shared policy's budget (%s engine)",
    async (engine) => {
      const shared = await signers[engine].signPolicy({ resource: APPLY_RESOURCE, expires: EXPIRES });
      const max = 8192 - 1 - shared.query.length;
      const grant: Grant = { custom: true, resource: APPLY_RESOURCE, expires: EXPIRES };
      for (const n of [max - 1, max]) {
        const signed = shared.apply(urlOfLength(n));
        expect(signed.length).toBe(n + 1 + shared.query.length);
        expect(signedUrlProblems(signed, urlOfLength(n), grant, BY)).toEqual([]);
        expect(Buffer.from(signers[engine].rewriteLines(shared, urlOfLength(n)).bytes).toString()).toBe(signed);
      }
      expect(() => shared.apply(urlOfLength(max + 1))).toThrow(expect.objectContaining({ code: "URL_TOO_LONG" }));
      expect(signers[engine].rewriteLines(shared, urlOfLength(max + 1)).failures[0]!.error.code).toBe("URL_TOO_LONG");
    },
  );
});

// ------------------------------------------------------------------------------------------ 64 KiB pages

describe("inputs sized around WebAssembly's 64 KiB pages, on a fresh instance each", () => {
  const PAGE = 65536;
  const sizes = [-3, -2, -1, 0, 1, 2, 3].map((d) => PAGE + d);
  /** A signer whose WASM instance is new (memory at its initial size), so the first growth is exercised. */
  async function freshSigner(engine: Engine): Promise<Signer> {
    return createSignerWith(
      { keyPairId: KID, privateKey: rsaKey().privatePem, engine, clock: () => NOW_MS },
      {
        importers: { node: importSigningKey },
        defaultBackend: "node",
        loadHotPath: async (name) => (name === "js" ? jsHotPath : createWasmHotPath(await loadWasmModule())),
      },
    );
  }

  test.each(ENGINES)(
    "a URL, a resource and a line of 64 KiB ± 3 bytes are refused at once (%s engine)",
    async (engine) => {
      const signer = await freshSigner(engine);
      const shared = await signer.signPolicy({ resource: APPLY_RESOURCE, expires: EXPIRES });
      for (const n of sizes) {
        const url = urlOfLength(n);
        const resource = url.slice(0, -1) + "*";
        await expect(signer.signUrl(url, { expires: EXPIRES })).rejects.toMatchObject({ code: "URL_TOO_LONG" });
        await expect(signer.signPolicy({ resource, expires: EXPIRES })).rejects.toMatchObject({
          code: "INVALID_RESOURCE",
        });
        await expect(signer.signCookies({ resource, expires: EXPIRES })).rejects.toMatchObject({
          code: "INVALID_RESOURCE",
        });
        await expect(signer.signUrl(GOOD, { expires: EXPIRES, resource })).rejects.toMatchObject({
          code: "INVALID_RESOURCE",
        });
        expect(() => shared.apply(url)).toThrow(expect.objectContaining({ code: "URL_TOO_LONG" }));
        expect(
          signer.rewriteLines(shared, `${GOOD}\n${url}\n${GOOD}`).failures.map((f) => [f.index, f.line, f.error.code]),
        ).toEqual([[1, 2, "URL_TOO_LONG"]]);
      }
    },
  );

  test.each(ENGINES)(
    "rewriteLines over input of 64 KiB ± 3 bytes gives, line for line, what apply gives (%s engine)",
    async (engine) => {
      for (const n of sizes) {
        const signer = await freshSigner(engine);
        const shared = await signer.signPolicy({ resource: APPLY_RESOURCE, expires: EXPIRES });
        // Lines of 100 bytes with "\n", the last one padded to make exactly n bytes; a refused line every 50.
        const lines: string[] = [];
        let size = 0;
        for (let i = 0; size + 101 <= n - 101; i++) {
          const line =
            i % 50 === 7
              ? `${HOST}/bad line ${String(i).padStart(5, "0")}`.padEnd(100, "x")
              : `${HOST}/${String(i).padStart(5, "0")}`.padEnd(100, "a");
          lines.push(line);
          size += 101;
        }
        lines.push(`${HOST}/last`.padEnd(n - size, "z"));
        const input = lines.join("\n");
        expect(Buffer.byteLength(input)).toBe(n);
        const out = signer.rewriteLines(shared, input);
        const expected = lines.map((l) => {
          try {
            return shared.apply(l);
          } catch {
            return "";
          }
        });
        // A refused line is left out with its line end.
        const last = lines.length - 1;
        expect(Buffer.from(out.bytes).toString("utf8")).toBe(
          expected.map((e, i) => (e === "" ? "" : e + (i < last ? "\n" : ""))).join(""),
        );
        expect(out.failures.map((f) => f.index)).toEqual(lines.flatMap((l, i) => (expected[i] === "" ? [i] : [])));
      }
    },
  );

  test("hostile sizes are refused in bounded time: 10 MB URLs, resources and lines", async () => {
    const signer = signers.wasm;
    const shared = await signer.signPolicy({ resource: APPLY_RESOURCE, expires: EXPIRES });
    const huge = `${HOST}/${"a".repeat(10_000_000)}`;
    const stars = `${HOST}/${"*".repeat(10_000_000)}`;
    const started = performance.now();
    await expect(signer.signUrl(huge, { expires: EXPIRES })).rejects.toMatchObject({ code: "URL_TOO_LONG" });
    await expect(signer.signUrl(GOOD, { expires: EXPIRES, resource: stars })).rejects.toMatchObject({
      code: "INVALID_RESOURCE",
    });
    await expect(signer.signCookies({ resource: stars, expires: EXPIRES })).rejects.toMatchObject({
      code: "INVALID_RESOURCE",
    });
    await expect(signer.signCookies({ resource: huge, expires: EXPIRES })).rejects.toMatchObject({
      code: "URL_TOO_LONG",
    });
    await expect(signer.signPolicy({ resource: stars, expires: EXPIRES })).rejects.toMatchObject({
      code: "INVALID_RESOURCE",
    });
    expect(() => shared.apply(huge)).toThrow(expect.objectContaining({ code: "URL_TOO_LONG" }));
    expect(signer.rewriteLines(shared, huge).failures[0]!.error.code).toBe("URL_TOO_LONG");
    expect(
      (await signer.signUrls([huge, huge, huge], { expires: EXPIRES, resource: `${HOST}/*` })).every((r) => !r.ok),
    ).toBe(true);
    // Before the checks were moved first, the 10 MB line alone took seconds in wildcard matching.
    expect(performance.now() - started).toBeLessThan(3000);
  });

  test.each(ENGINES)("a signUrls batch whose URLs total 64 KiB ± 3 bytes (%s engine)", async (engine) => {
    for (const n of sizes) {
      const count = 32;
      const each = Math.floor(n / count);
      const urls = Array.from({ length: count }, (_, i) => {
        const length = each + (i < n - each * count ? 1 : 0);
        return `${HOST}/${String(i).padStart(2, "0")}${"a".repeat(length - HOST.length - 3)}`;
      });
      expect(urls.join("").length).toBe(n);
      const results = await (await freshSigner(engine)).signUrls(urls, { expires: EXPIRES, starts: NOW });
      results.forEach((r, i) => {
        expect(r.ok).toBe(true);
        if (r.ok)
          expect(
            signedUrlProblems(r.url, urls[i]!, { custom: true, resource: urls[i]!, expires: EXPIRES, starts: NOW }, BY),
          ).toEqual([]);
      });
    }
  });
});

// ------------------------------------------------------------------------------ prototype pollution

describe("options inherited from a polluted Object.prototype (prototype pollution elsewhere in the app)", () => {
  // Regression: the signer once read policy options with plain property access, so
  // `Object.prototype.resource = "*"` and `Object.prototype.allowAnyResource = true` turned a canned
  // URL for one file into a custom policy for every file. It now reads own properties only.
  test("signCookies and signPolicy ignore an inherited allowAnyResource", async () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto["allowAnyResource"] = true;
    try {
      await expect(signers.wasm.signCookies({ expires: EXPIRES })).rejects.toMatchObject({ code: "INVALID_RESOURCE" });
      await expect(signers.wasm.signPolicy({ resource: "*", expires: EXPIRES })).rejects.toMatchObject({
        code: "RESOURCE_TOO_BROAD",
      });
    } finally {
      delete proto["allowAnyResource"];
    }
  });

  test("signUrl ignores an inherited resource and allowAnyResource", async () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto["resource"] = "*";
    proto["allowAnyResource"] = true;
    let url: string;
    try {
      url = await signers.wasm.signUrl(GOOD, { expires: EXPIRES });
    } finally {
      delete proto["resource"];
      delete proto["allowAnyResource"];
    }
    expect(signedUrlProblems(url, GOOD, { custom: false, resource: GOOD, expires: EXPIRES }, BY)).toEqual([]);
  });
});
