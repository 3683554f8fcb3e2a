/**
 * Bulk rewriting under a shared policy: the WASM and TypeScript engines emit
 * the same bytes and flag the same lines; every line the byte scan passes is
 * one the real validator accepts (soundness); and the whole operation equals
 * applying the policy line by line, refusals included (validation parity).
 * With the `into` option, the output is written into the caller's buffer: the
 * same bytes as without it, nothing else of the buffer touched, refusals (too
 * small, overlapping the input) before a byte is written.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CfSignError } from "../src/errors.js";
import { jsHotPath } from "../src/engine/js.js";
import { REWRITE_FLAG_WORDS, type EngineName, type HotPath, type RewritePlan } from "../src/engine/types.js";
import { createWasmHotPath } from "../src/engine/wasm.js";
import { loadWasmModule } from "./helpers/wasm.js";
import { resourceCovers } from "../src/cloudfront/resource.js";
import { MAX_URL_BYTES, validateUrl } from "../src/cloudfront/url.js";
import { rewriteLines, rewritePlan, type RewriteLinesResult, type ShareablePolicy } from "../src/rewrite-lines.js";
import { createSigner, rewriteLinesMaxBytes, type SignedPolicy, type Signer } from "../src/index.js";
import { rsaKey } from "./helpers/keys.js";
import { parseSignedUrl, verifySignedUrl } from "./helpers/verify.js";

const RUNS = Number(process.env.CFSIGN_FC_RUNS ?? 2000);
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

let wasm: HotPath;
beforeAll(async () => {
  wasm = await createWasmHotPath(await loadWasmModule());
});

const QUERY = "Policy=eyJTdGF0ZW1lbnQiOlt7fV19&Signature=abc-~_&Key-Pair-Id=K2JCJMDEHXQW5F&Hash-Algorithm=SHA256";

/** What `SignedPolicy.apply` does for one URL (src/shared-policy.ts), for a policy that never expires here. */
function fakePolicy(resource: string, query = QUERY): ShareablePolicy {
  return {
    resource,
    query,
    expires: 4_000_000_000,
    apply(input: string): string {
      const url = validateUrl(input);
      if (url.length + 1 + query.length > MAX_URL_BYTES) throw new CfSignError("URL_TOO_LONG", "too long");
      if (!resourceCovers(resource, url)) throw new CfSignError("RESOURCE_MISMATCH", "not covered");
      return url + (url.includes("?") ? "&" : "?") + query;
    },
  };
}

const RESOURCES = [
  "https://d111111abcdef8.cloudfront.net/gallery/*",
  "https://d111111abcdef8.cloudfront.net/gallery/img_*",
  "https://d111111abcdef8.cloudfront.net/*",
  "http://cdn.example.com:8080/a/b/*",
  "https://cdn.example.com/my%20photos/*",
  "https://d111111abcdef8.cloudfront.net/gallery/*.jpg", // not of the form P*: every line to the validator
  "https://d111111abcdef8.cloudfront.net/gallery/?.jpg*",
  "https://*.example.com/*",
  "*",
];

/** Pieces that make lines interesting for the scan: every class, the signing names in odd cases, near-misses. */
const piece = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom("a", "Z", "0", "9", "-", "_", "~", ":", "@", "!", "$", "(", ")", "*", ",", ";"),
  },
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      "/",
      ".",
      "..",
      "/.",
      "/..",
      "%",
      "%2e",
      "%2E",
      "%20",
      "%zz",
      "%4",
      "?",
      "&",
      "=",
      "'",
      "+",
    ),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "Expires",
      "expires",
      "EXPIRES",
      "Policy",
      "policY",
      "Signature",
      "Key-Pair-Id",
      "key-pair-ID",
      "Hash-Algorithm",
      "hash-algorithm",
      "expire",
      "expiresx",
      "policies",
      "Key%2DPair-Id",
      "Key-Pair+Id",
      "format",
      "signatures",
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom("#", " ", "\t", "é", "\u0000", "\r", "[", "]", "\\", '"', "<", "|", "\u007f", "😀"),
  },
);

const tail = fc.array(piece, { maxLength: 14 }).map((p) => p.join(""));

/** A line: usually the resource's prefix and a tail, sometimes another host, a comment, junk or empty. */
const lineFor = (resource: string): fc.Arbitrary<string> => {
  const star = resource.indexOf("*");
  const prefix = star === -1 ? resource : resource.slice(0, star);
  return fc.oneof(
    { weight: 8, arbitrary: tail.map((t) => prefix + t) },
    { weight: 2, arbitrary: tail.map((t) => "https://d111111abcdef8.cloudfront.net/" + t) },
    { weight: 1, arbitrary: tail.map((t) => "https://other.example.com/gallery/" + t) },
    { weight: 1, arbitrary: tail.map((t) => "HTTPS://D111111ABCDEF8.cloudfront.net/gallery/" + t) },
    { weight: 1, arbitrary: tail.map((t) => "#EXTINF:10," + t) },
    { weight: 1, arbitrary: fc.constant("") },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 20 }) },
  );
};

const document = (resource: string, line = lineFor(resource)): fc.Arbitrary<string> =>
  fc
    .tuple(fc.array(fc.tuple(line, fc.constantFrom("\n", "\r\n", "\n")), { maxLength: 12 }), fc.boolean())
    .map(([lines, trailing]) => {
      let text = lines.map(([l, e]) => l + e).join("");
      if (!trailing && text.endsWith("\n")) text = text.slice(0, text.endsWith("\r\n") ? -2 : -1);
      return text;
    });

const planAndInput = fc.constantFrom(...RESOURCES).chain((resource) =>
  fc.record({
    resource: fc.constant(resource),
    input: document(resource),
    keepComments: fc.boolean(),
    maxUrlBytes: fc.oneof(fc.constant(MAX_URL_BYTES), fc.integer({ min: 0, max: 260 })),
  }),
);

/** Reference for the whole operation: split, apply line by line, join. */
function lineByLine(policy: ShareablePolicy, text: string, keepComments: boolean) {
  const out: string[] = [];
  const failures: { index: number; line: number; code: string }[] = [];
  const parts = text.split("\n");
  if (parts.at(-1) === "") parts.pop();
  parts.forEach((raw, i) => {
    const last = i === parts.length - 1 && !text.endsWith("\n");
    const cr = raw.endsWith("\r");
    const line = cr ? raw.slice(0, -1) : raw;
    const eol = (cr ? "\r" : "") + (last ? "" : "\n");
    if (line === "" || (keepComments && line.startsWith("#"))) {
      out.push(line + eol);
      return;
    }
    try {
      out.push(policy.apply(line) + eol);
    } catch (err) {
      failures.push({ index: i, line: i + 1, code: (err as CfSignError).code });
    }
  });
  return { text: out.join(""), failures, lines: parts.length };
}

describe("HotPath.rewriteLines", () => {
  test("WASM and JS agree byte for byte, flags included, on structured and random input", () => {
    fc.assert(
      fc.property(planAndInput, ({ resource, input, keepComments, maxUrlBytes }) => {
        const plan: RewritePlan = { ...rewritePlan(resource, QUERY, keepComments), maxUrlBytes };
        const bytes = encoder.encode(input);
        const js = jsHotPath.rewriteLines(bytes, plan);
        const w = wasm.rewriteLines(bytes, plan);
        expect(hex(w.bytes)).toBe(hex(js.bytes));
        expect([...w.flagged]).toEqual([...js.flagged]);
        expect(w.lines).toBe(js.lines);
      }),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom(...RESOURCES),
        fc.boolean(),
        (bytes, resource, keep) => {
          const plan = rewritePlan(resource, QUERY, keep);
          const js = jsHotPath.rewriteLines(bytes, plan);
          const w = wasm.rewriteLines(bytes, plan);
          expect(hex(w.bytes)).toBe(hex(js.bytes));
          expect([...w.flagged]).toEqual([...js.flagged]);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test("soundness: every line the scan signs is one the validator accepts unchanged and the resource covers", () => {
    fc.assert(
      fc.property(planAndInput, ({ resource, input, keepComments, maxUrlBytes }) => {
        const plan: RewritePlan = { ...rewritePlan(resource, QUERY, keepComments), maxUrlBytes };
        const bytes = encoder.encode(input);
        const { flagged } = jsHotPath.rewriteLines(bytes, plan);
        const flaggedLines = new Set<number>();
        for (let k = 0; k < flagged.length; k += REWRITE_FLAG_WORDS) flaggedLines.add(flagged[k]!);
        const lines = input.split("\n");
        if (lines.at(-1) === "") lines.pop();
        lines.forEach((raw, i) => {
          const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
          if (line === "" || (keepComments && line.startsWith("#")) || flaggedLines.has(i)) return;
          expect(validateUrl(line)).toBe(line);
          expect(resourceCovers(resource, line)).toBe(true);
          expect(line.length + 1 + QUERY.length).toBeLessThanOrEqual(maxUrlBytes);
        });
      }),
      { numRuns: RUNS },
    );
  });

  test("a plain gallery goes through without a single flag", () => {
    const resource = RESOURCES[0]!;
    const urls = Array.from(
      { length: 500 },
      (_, i) => `${resource.slice(0, -1)}${i}/photo_${i}.jpg${i % 3 ? "" : "?w=800&fmt=webp"}`,
    );
    const plan = rewritePlan(resource, QUERY, false);
    expect(plan.prefix).toBe(resource.slice(0, -1));
    for (const engine of [jsHotPath, wasm]) {
      const out = engine.rewriteLines(encoder.encode(urls.join("\n") + "\n"), plan);
      expect(out.flagged.length).toBe(0);
      expect(out.lines).toBe(500);
      expect(decoder.decode(out.bytes)).toBe(
        urls.map((u) => u + (u.includes("?") ? "&" : "?") + QUERY + "\n").join(""),
      );
    }
  });

  test("prefix and query must be ASCII in both engines", () => {
    const plan = { ...rewritePlan(RESOURCES[0]!, QUERY, false), query: "é" };
    expect(() => jsHotPath.rewriteLines(encoder.encode("x"), plan)).toThrow(RangeError);
    expect(() => wasm.rewriteLines(encoder.encode("x"), plan)).toThrow(RangeError);
  });

  test("large input: several MiB, memory grows, same bytes", () => {
    const resource = RESOURCES[0]!;
    const plan = rewritePlan(resource, QUERY, false);
    const lines: string[] = [];
    for (let i = 0; i < 60_000; i++)
      lines.push(i % 997 === 0 ? `https://x.example.com/${i}` : `${resource.slice(0, -1)}${i}.jpg`);
    const bytes = encoder.encode(lines.join("\r\n"));
    const js = jsHotPath.rewriteLines(bytes, plan);
    const w = wasm.rewriteLines(bytes, plan);
    expect(w.bytes.length).toBe(js.bytes.length);
    expect(Buffer.from(w.bytes).equals(Buffer.from(js.bytes))).toBe(true);
    expect([...w.flagged]).toEqual([...js.flagged]);
    expect(w.flagged.length / REWRITE_FLAG_WORDS).toBe(Math.ceil(60_000 / 997));
  });
});

describe("rewritePlan", () => {
  test("fast scan only for P* with a valid scheme, host and path head", () => {
    expect(rewritePlan("https://h.example/a/*", "q", false)).toMatchObject({
      prefix: "https://h.example/a/",
      scanFrom: 19,
    });
    expect(rewritePlan("https://h.example/a/img*", "q", false)).toMatchObject({
      prefix: "https://h.example/a/img",
      scanFrom: 19,
    });
    for (const r of [
      "*",
      "https://h.example/a/*.jpg",
      "https://h.example/?/*",
      "https://*.example/*",
      "https://h.example*",
      "https://H.example/*",
      "https://h.example:443/*",
      "https://h.example/./*",
      "https://h.example/a",
    ]) {
      expect(rewritePlan(r, "q", false).prefix).toBe("");
    }
  });
});

describe("rewriteLines (validation parity with applying the policy line by line)", () => {
  test("same bytes, same refusals, same line numbers, for both engines", () => {
    fc.assert(
      fc.property(planAndInput, fc.boolean(), ({ resource, input, keepComments }, useWasm) => {
        const policy = fakePolicy(resource);
        const expected = lineByLine(policy, input, keepComments);
        const input8 = useWasm ? encoder.encode(input) : input;
        const got = rewriteLines(useWasm ? wasm : jsHotPath, policy, input8, { keepComments }, 0);
        expect(decoder.decode(got.bytes)).toBe(expected.text);
        expect(got.failures.map((f) => ({ index: f.index, line: f.line, code: f.error.code }))).toEqual(
          expected.failures,
        );
        for (const f of got.failures) expect(f.error.index).toBe(f.index);
        expect(got.lines).toBe(expected.lines);
      }),
      { numRuns: RUNS },
    );
  });

  test("an expired policy refuses the whole input", () => {
    const policy = { ...fakePolicy(RESOURCES[0]!), expires: 100 };
    expect(() => rewriteLines(wasm, policy, "https://x/", {}, 100)).toThrow(
      expect.objectContaining({ code: "EXPIRES_IN_PAST" }),
    );
  });

  test("the refusals are named: fragment, unsafe character, signing parameter, not covered, too long", () => {
    const resource = RESOURCES[0]!;
    const p = resource.slice(0, -1);
    const input = [
      `${p}a.jpg#frag`,
      `${p}a b.jpg`,
      `${p}a.jpg?Expires=1`,
      `https://other.example.com/a.jpg`,
      `${p}${"x".repeat(MAX_URL_BYTES)}`,
      `${p}ok.jpg`,
    ].join("\n");
    const got = rewriteLines(wasm, fakePolicy(resource), input, {}, 0);
    expect(got.failures.map((f) => f.error.code)).toEqual([
      "URL_HAS_FRAGMENT",
      "URL_UNSAFE_CHARACTER",
      "URL_HAS_SIGNING_PARAMETER",
      "RESOURCE_MISMATCH",
      "URL_TOO_LONG",
    ]);
    expect(decoder.decode(got.bytes)).toBe(`${p}ok.jpg?${QUERY}`);
  });

  test("a line that starts with a byte order mark is refused as apply refuses it, not signed without the mark", () => {
    const resource = RESOURCES[0]!;
    const p = resource.slice(0, -1);
    const policy = fakePolicy(resource);
    expect(() => policy.apply(`\uFEFF${p}a.jpg`)).toThrow(CfSignError);
    for (const hotPath of [wasm, jsHotPath]) {
      const got = rewriteLines(hotPath, policy, encoder.encode(`\uFEFF${p}a.jpg\n${p}b.jpg\n`), {}, 0);
      expect(got.failures.map((f) => [f.index, f.line])).toEqual([[0, 1]]);
      expect(decoder.decode(got.bytes)).toBe(`${p}b.jpg?${QUERY}\n`);
    }
  });
});

/** `n` bytes of `garbage` repeated, to show which bytes of a buffer a call touched. */
function garbageFilled(n: number, garbage: Uint8Array, offset = 0): Uint8Array {
  const buffer = new Uint8Array(offset + n);
  for (let i = 0; i < buffer.length; i++) buffer[i] = garbage[i % garbage.length]!;
  return buffer.subarray(offset);
}

const failuresOf = (r: RewriteLinesResult) =>
  r.failures.map((f) => ({ line: f.line, code: f.error.code, message: f.error.message }));

describe("rewriteLines into a caller's buffer (the into option)", () => {
  // Six rewrites a run (two engines: without into, into of the bound, into of more), and a refused line costs
  // tens of µs (an error with its stack): a quarter of the runs keeps this near the other properties' time.
  const INTO_RUNS = Math.max(100, Math.round(RUNS / 4));

  /** {@link lineFor}, and more often a line the scan flags but the validator accepts (a `.` or `%` after a `/`, `%` in a query name). */
  const intoLine = (resource: string): fc.Arbitrary<string> => {
    const star = resource.indexOf("*");
    const prefix = star === -1 ? resource : resource.slice(0, star);
    const flaggedValid = fc.constantFrom(
      ".a.jpg",
      "%2Ea.jpg",
      "%41/b.jpg",
      "x/.y/z.jpg",
      "a.jpg?x%20y=1",
      "a.jpg?w=1&k%2D=2",
    );
    return fc.oneof(
      { weight: 4, arbitrary: lineFor(resource) },
      { weight: 1, arbitrary: flaggedValid.map((t) => prefix + t) },
    );
  };
  const intoInput = fc.constantFrom(...RESOURCES).chain((resource) =>
    fc.record({
      resource: fc.constant(resource),
      input: document(resource, intoLine(resource)),
      keepComments: fc.boolean(),
    }),
  );

  test("same bytes, lines and failures as without into, on both engines, exact bound or larger; nothing else touched", () => {
    let spliced = 0;
    let refused = 0;
    let both = 0;
    fc.assert(
      fc.property(
        intoInput,
        fc.boolean(),
        fc.uint8Array({ minLength: 1, maxLength: 40 }),
        fc.nat({ max: 24 }),
        ({ resource, input, keepComments }, asString, garbage, offset) => {
          const policy = fakePolicy(resource);
          const bytes = encoder.encode(input);
          const arg = asString ? input : bytes;
          const bound = rewriteLinesMaxBytes(policy, arg);
          const scan = jsHotPath.rewriteLines(bytes, rewritePlan(resource, QUERY, keepComments));
          expect([bound, rewriteLinesMaxBytes(policy, bytes)]).toEqual(
            Array(2).fill(bytes.length + scan.lines * (QUERY.length + 1)),
          );
          for (const engine of [jsHotPath, wasm]) {
            const plain = rewriteLines(engine, policy, arg, { keepComments }, 0);
            expect(plain.bytes.length).toBeLessThanOrEqual(bound);
            const want = {
              bytes: hex(plain.bytes),
              lines: plain.lines,
              failures: failuresOf(plain),
              view: true,
              untouched: true,
            };
            for (const extra of [0, garbage.length]) {
              // A view at an offset of a larger, garbage-filled buffer: every byte outside the output must survive.
              const into = garbageFilled(bound + extra, garbage, offset);
              const before = Buffer.from(into.buffer).subarray();
              const copy = Buffer.from(before);
              const got = rewriteLines(engine, policy, arg, { keepComments, into }, 0);
              const end = offset + got.bytes.length;
              expect({
                bytes: hex(got.bytes),
                lines: got.lines,
                failures: failuresOf(got),
                view: got.bytes.buffer === into.buffer && got.bytes.byteOffset === into.byteOffset,
                untouched:
                  before.subarray(0, offset).equals(copy.subarray(0, offset)) &&
                  before.subarray(end).equals(copy.subarray(end)),
              }).toEqual(want);
            }
            if (engine === jsHotPath) {
              // What the run exercised: lines the scan flagged and the validator accepted (spliced in), refusals.
              const flaggedLines = scan.flagged.length / REWRITE_FLAG_WORDS;
              if (flaggedLines > plain.failures.length) spliced++;
              if (plain.failures.length > 0) refused++;
              if (flaggedLines > plain.failures.length && plain.failures.length > 0) both++;
            }
          }
        },
      ),
      { numRuns: INTO_RUNS },
    );
    expect(spliced).toBeGreaterThan(INTO_RUNS / 4);
    expect(refused).toBeGreaterThan(INTO_RUNS / 4);
    expect(both).toBeGreaterThan(INTO_RUNS / 5);
  });

  test("the bound is reached by an input whose every line is signed, and an into of exactly it is filled", () => {
    const resource = RESOURCES[0]!;
    const p = resource.slice(0, -1);
    const policy = fakePolicy(resource);
    // Clean lines, a line the scan flags and the validator accepts, CRLF, no final newline.
    const input = encoder.encode(`${p}a.jpg\r\n${p}%2Ex.jpg\n${p}b.jpg?w=1\n${p}.c.jpg`);
    const bound = rewriteLinesMaxBytes(policy, input);
    expect(bound).toBe(input.length + 4 * (QUERY.length + 1));
    for (const engine of [jsHotPath, wasm]) {
      const into = new Uint8Array(bound);
      const got = rewriteLines(engine, policy, input, { into }, 0);
      expect(got.failures).toEqual([]);
      expect(got.bytes.length).toBe(bound);
      expect(decoder.decode(into)).toBe(
        `${p}a.jpg?${QUERY}\r\n${p}%2Ex.jpg?${QUERY}\n${p}b.jpg?w=1&${QUERY}\n${p}.c.jpg?${QUERY}`,
      );
    }
  });

  test("rewriteLinesMaxBytes: UTF-8 length of a string as TextEncoder writes it; bad arguments refused", () => {
    const policy = fakePolicy(RESOURCES[0]!);
    for (const text of ["", "\n", "a", "a\n", "a\r\nb", "é😀\n\uD800x\n\uDC00", "\n\n\n", "😀"]) {
      const bytes = encoder.encode(text);
      const lines = jsHotPath.rewriteLines(bytes, rewritePlan(RESOURCES[0]!, QUERY, false)).lines;
      expect(rewriteLinesMaxBytes(policy, text), JSON.stringify(text)).toBe(bytes.length + lines * (QUERY.length + 1));
      expect(rewriteLinesMaxBytes(policy, bytes)).toBe(bytes.length + lines * (QUERY.length + 1));
    }
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", maxLength: 40 }),
        fc.string({ unit: "grapheme", maxLength: 40 }),
        (a, b) => {
          for (const text of [a, b, `${a}\n${b}`]) {
            expect(rewriteLinesMaxBytes(policy, text)).toBe(rewriteLinesMaxBytes(policy, encoder.encode(text)));
          }
        },
      ),
      { numRuns: INTO_RUNS },
    );
    // Any bytes, at any offset in their buffer (the count reads aligned words), newlines and near-misses of the
    // word test (0x0b, 0x09, 0x8a, 0x00) dense: lines as the engine counts them.
    const byte = fc.oneof(fc.constantFrom(0x0a, 0x0b, 0x09, 0x8a, 0x00, 0x0d), fc.integer({ min: 0, max: 255 }));
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 80 }), fc.nat({ max: 7 }), fc.nat({ max: 7 }), (raw, from, cut) => {
        const bytes = Uint8Array.from(raw).subarray(Math.min(from, raw.length), Math.max(from, raw.length - cut));
        const lines = jsHotPath.rewriteLines(bytes, rewritePlan(RESOURCES[0]!, QUERY, false)).lines;
        expect(rewriteLinesMaxBytes(policy, bytes)).toBe(bytes.length + lines * (QUERY.length + 1));
      }),
      { numRuns: INTO_RUNS },
    );
    for (const [input, p] of [
      [42, policy],
      ["x", {}],
      ["x", null],
    ] as const) {
      expect(() => rewriteLinesMaxBytes(p as never, input as never)).toThrow(
        expect.objectContaining({ code: "INVALID_ARGUMENT" }),
      );
    }
  });

  test("a line that fails with an error other than CfSignError is a bug: INTERNAL with the cause, not INVALID_ARGUMENT", () => {
    const boom = new TypeError("boom");
    const policy = {
      ...fakePolicy(RESOURCES[0]!, "Policy=x"),
      resource: "https://x.example/*.jpg",
      apply: () => {
        throw boom;
      },
    };
    for (const hotPath of [wasm, jsHotPath]) {
      const [f] = rewriteLines(hotPath, policy, "https://x.example/a.jpg\n", {}, 0).failures;
      expect(f).toMatchObject({ index: 0, line: 1, error: { code: "INTERNAL", index: 0, cause: boom } });
    }
  });

  test("rewriteLinesMaxBytes takes (policy, input), the order of signer.rewriteLines; the old order is refused by name", () => {
    const policy = fakePolicy(RESOURCES[0]!);
    expect(rewriteLinesMaxBytes(policy, "a\nb")).toBe(3 + 2 * (QUERY.length + 1));
    for (const input of ["a\nb", encoder.encode("a\nb")]) {
      expect(() => rewriteLinesMaxBytes(input as never, policy as never)).toThrow(
        expect.objectContaining({
          code: "INVALID_ARGUMENT",
          message: expect.stringContaining("takes (policy, input)"),
        }),
      );
    }
  });

  test("large input with lines spliced in place: several MiB, into reused across calls and engines", () => {
    const resource = RESOURCES[0]!;
    const p = resource.slice(0, -1);
    const policy = fakePolicy(resource);
    const lines: string[] = [];
    for (let i = 0; i < 30_000; i++) {
      lines.push(i % 97 === 0 ? `${p}%2E${i}.jpg` : i % 101 === 0 ? `https://x.example.com/${i}` : `${p}${i}.jpg`);
    }
    const bytes = encoder.encode(lines.join("\r\n"));
    const into = new Uint8Array(rewriteLinesMaxBytes(policy, bytes));
    for (const engine of [wasm, jsHotPath, wasm]) {
      const plain = rewriteLines(engine, policy, bytes, {}, 0);
      expect(plain.failures.map((f) => f.index)).toEqual(
        lines.flatMap((l, i) => (l.startsWith("https://x.") ? [i] : [])),
      );
      into.fill(0xee);
      const got = rewriteLines(engine, policy, bytes, { into }, 0);
      expect(Buffer.from(got.bytes).equals(Buffer.from(plain.bytes))).toBe(true);
      expect(failuresOf(got)).toEqual(failuresOf(plain));
      expect(into.subarray(got.bytes.length).every((b) => b === 0xee)).toBe(true);
    }
  });
});

describe("Signer.rewriteLines with into (real shared policy, both engines)", () => {
  const HOST = "https://d111111abcdef8.cloudfront.net";
  const NOW_MS = Date.UTC(2026, 0, 1);
  const EXPIRES = NOW_MS / 1000 + 3600;
  let signers: Record<EngineName, Signer>;
  let policy: SignedPolicy;
  beforeAll(async () => {
    const common = { keyPairId: "K2JCJMDEHXQW5F", privateKey: rsaKey().privatePem, clock: () => NOW_MS };
    signers = {
      wasm: await createSigner({ ...common, engine: "wasm" }),
      js: await createSigner({ ...common, engine: "js" }),
    };
    policy = await signers.wasm.signPolicy({ resource: `${HOST}/gallery/*`, expires: EXPIRES });
  });
  afterAll(async () => {
    await Promise.all(Object.values(signers).map((s) => s.close()));
  });

  // Clean lines, one with a query, one the scan flags and the validator accepts, refusals, CRLF, an empty line,
  // a comment (kept or refused), and no final newline.
  const galleryText = (tag: string, count: number): string =>
    Array.from({ length: count }, (_, i) =>
      i % 7 === 3
        ? `${HOST}/gallery/%2E${tag}${i}.jpg`
        : i % 11 === 5
          ? `${HOST}/other/${tag}${i}.jpg`
          : i % 13 === 6
            ? ""
            : i % 17 === 8
              ? `#EXTINF:10,${tag}${i}`
              : `${HOST}/gallery/${tag}/${i}.jpg${i % 5 === 0 ? "?w=800" : ""}`,
    ).join(tag === "a" ? "\r\n" : "\n");

  /** Signed lines of an output, each checked independently: base URL as given, signature valid for the public key. */
  function checkSigned(text: string, input: string): void {
    const inputs = new Set(input.split(/\r?\n/));
    const signed = text.split(/\r?\n/).filter((l) => l !== "" && !l.startsWith("#"));
    expect(signed.length).toBeGreaterThan(0);
    for (const url of signed) {
      const parsed = parseSignedUrl(url);
      expect(inputs.has(parsed.base), parsed.base).toBe(true);
      expect(parsed.order.slice(0, 3)).toEqual(["Policy", "Signature", "Key-Pair-Id"]);
    }
    // One policy and one signature for every line: verifying one verifies them all.
    expect(new Set(signed.map((u) => parseSignedUrl(u).params.get("Signature"))).size).toBe(1);
    expect(verifySignedUrl(signed[0]!, rsaKey().publicKey)).toBe(true);
  }

  test("one buffer reused across calls, inputs and engines: each result is right", () => {
    const a = galleryText("a", 400);
    const b = galleryText("b", 150) + "\n";
    const aBytes = encoder.encode(a);
    const into = new Uint8Array(Math.max(rewriteLinesMaxBytes(policy, aBytes), rewriteLinesMaxBytes(policy, b)) + 16);
    for (const engine of ["wasm", "js"] as const) {
      const signer = signers[engine];
      for (const [input, keepComments] of [
        [aBytes, false],
        [b, true],
        [aBytes, true],
        [b, false],
      ] as const) {
        const plain = signer.rewriteLines(policy, input, { keepComments });
        const got = signer.rewriteLines(policy, input, { keepComments, into });
        expect(got.bytes.buffer).toBe(into.buffer);
        expect(hex(got.bytes)).toBe(hex(plain.bytes));
        expect(got.lines).toBe(plain.lines);
        expect(failuresOf(got)).toEqual(failuresOf(plain));
        expect(got.failures.length).toBeGreaterThan(0);
        checkSigned(decoder.decode(got.bytes), typeof input === "string" ? input : a);
      }
      // The previous result is a view of into: the next call overwrites it.
      const first = signer.rewriteLines(policy, aBytes, { into });
      const copy = first.bytes.slice();
      const second = signer.rewriteLines(policy, b, { into });
      expect(hex(first.bytes.subarray(0, second.bytes.length))).toBe(hex(second.bytes));
      expect(hex(signer.rewriteLines(policy, aBytes, { into }).bytes)).toBe(hex(copy));
    }
  });

  test("an into smaller than rewriteLinesMaxBytes is refused, sizes in the message, into untouched", () => {
    const text = galleryText("a", 60);
    const garbage = encoder.encode("garbage!");
    for (const engine of ["wasm", "js"] as const) {
      for (const input of [text, encoder.encode(text), ""]) {
        const bound = rewriteLinesMaxBytes(policy, input);
        for (const size of bound === 0 ? [] : [0, 1, bound >> 1, bound - 1]) {
          const into = garbageFilled(size, garbage);
          const before = into.slice();
          const err = (() => {
            try {
              signers[engine].rewriteLines(policy, input, { into });
            } catch (e) {
              return e;
            }
            return null;
          })();
          expect(err).toBeInstanceOf(CfSignError);
          expect((err as CfSignError).code).toBe("INVALID_ARGUMENT");
          expect((err as CfSignError).message).toContain(`${size} bytes`);
          expect((err as CfSignError).message).toContain(`${bound}`);
          expect((err as CfSignError).message).not.toMatch(/gallery|cloudfront|https?:/);
          expect(hex(into)).toBe(hex(before));
        }
        // Exactly the bound works, for the empty input too (an empty into).
        expect(signers[engine].rewriteLines(policy, input, { into: new Uint8Array(bound) }).lines).toBe(
          signers[engine].rewriteLines(policy, input).lines,
        );
      }
    }
  });

  test("an into that shares memory with the input is refused and untouched; one beside it in the same buffer works", () => {
    const input = encoder.encode(galleryText("a", 40));
    const n = input.length;
    const bound = rewriteLinesMaxBytes(policy, input);
    for (const engine of ["wasm", "js"] as const) {
      // [bound bytes][the input][bound bytes], one ArrayBuffer.
      const memory = new Uint8Array(bound + n + bound);
      const source = memory.subarray(bound, bound + n);
      const plain = signers[engine].rewriteLines(policy, input);
      for (const [name, into] of [
        ["the same view", source],
        ["starting at the input's last byte", memory.subarray(bound + n - 1, bound + n - 1 + bound)],
        ["ending at the input's first byte", memory.subarray(1, 1 + bound)],
        ["holding the whole input", memory],
        ["a new view of the same bytes", new Uint8Array(memory.buffer, bound, n)],
      ] as const) {
        memory.fill(0x5a);
        source.set(input);
        const before = memory.slice();
        expect(() => signers[engine].rewriteLines(policy, source, { into }), name).toThrow(
          expect.objectContaining({ code: "INVALID_ARGUMENT", message: expect.stringMatching(/overlaps/) }),
        );
        expect(hex(memory), name).toBe(hex(before));
      }
      for (const beside of [memory.subarray(bound + n), memory.subarray(0, bound)]) {
        memory.fill(0x5a);
        source.set(input);
        const got = signers[engine].rewriteLines(policy, source, { into: beside });
        expect(hex(got.bytes)).toBe(hex(plain.bytes));
        expect(hex(source)).toBe(hex(input));
      }
      for (const bad of [
        new Uint16Array(bound),
        Array.from({ length: bound }, () => 0),
        new ArrayBuffer(bound),
        null,
      ]) {
        expect(() => signers[engine].rewriteLines(policy, input, { into: bad as never })).toThrow(
          expect.objectContaining({ code: "INVALID_ARGUMENT" }),
        );
      }
    }
  });

  test("an expired policy is refused before into is touched", async () => {
    let now = NOW_MS;
    const signer = await createSigner({
      keyPairId: "K2JCJMDEHXQW5F",
      privateKey: rsaKey().privatePem,
      clock: () => now,
    });
    try {
      const shortLived = await signer.signPolicy({ resource: `${HOST}/gallery/*`, expires: EXPIRES });
      const input = galleryText("b", 10);
      const into = garbageFilled(rewriteLinesMaxBytes(shortLived, input), encoder.encode("xyz"));
      const before = into.slice();
      now = (EXPIRES + 1) * 1000;
      expect(() => signer.rewriteLines(shortLived, input, { into })).toThrow(
        expect.objectContaining({ code: "EXPIRES_IN_PAST" }),
      );
      expect(hex(into)).toBe(hex(before));
    } finally {
      await signer.close();
    }
  });
});
