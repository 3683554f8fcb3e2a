/**
 * Bulk rewriting under a shared policy: the WASM and TypeScript engines emit
 * the same bytes and flag the same lines; every line the byte scan passes is
 * one the real validator accepts (soundness); and the whole operation equals
 * applying the policy line by line, refusals included (validation parity).
 */
import fc from "fast-check";
import { beforeAll, describe, expect, test } from "vitest";
import { CfSignError } from "../src/errors.js";
import { jsHotPath } from "../src/engine/js.js";
import { REWRITE_FLAG_WORDS, type HotPath, type RewritePlan } from "../src/engine/types.js";
import { createWasmHotPath } from "../src/engine/wasm.js";
import { loadWasmModule } from "../src/engine/wasm-module.js";
import { resourceCovers } from "../src/lib/resource.js";
import { MAX_URL_BYTES, validateUrl } from "../src/lib/url.js";
import { rewriteLines, rewritePlan, type ShareablePolicy } from "../src/rewrite-lines.js";

const RUNS = Number(process.env.CFSIGN_FC_RUNS ?? 2000);
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

let wasm: HotPath;
beforeAll(async () => {
  wasm = await createWasmHotPath(await loadWasmModule());
});

const QUERY = "Policy=eyJTdGF0ZW1lbnQiOlt7fV19&Signature=abc-~_&Key-Pair-Id=K2JCJMDEHXQW5F&Hash-Algorithm=SHA256";

/** What `SignedPolicy.apply` does for one URL (src/signed-policy.ts), for a policy that never expires here. */
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
  { weight: 6, arbitrary: fc.constantFrom("a", "Z", "0", "9", "-", "_", "~", ":", "@", "!", "$", "(", ")", "*", ",", ";") },
  {
    weight: 6,
    arbitrary: fc.constantFrom("/", ".", "..", "/.", "/..", "%", "%2e", "%2E", "%20", "%zz", "%4", "?", "&", "=", "'", "+"),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "Expires", "expires", "EXPIRES", "Policy", "policY", "Signature", "Key-Pair-Id", "key-pair-ID", "Hash-Algorithm",
      "hash-algorithm", "expire", "expiresx", "policies", "Key%2DPair-Id", "Key-Pair+Id", "format", "signatures",
    ),
  },
  { weight: 2, arbitrary: fc.constantFrom("#", " ", "\t", "é", "\u0000", "\r", "[", "]", "\\", "\"", "<", "|", "\u007f", "😀") },
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

const document = (resource: string): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.array(fc.tuple(lineFor(resource), fc.constantFrom("\n", "\r\n", "\n")), { maxLength: 12 }),
      fc.boolean(),
    )
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
  const failures: { line: number; code: string }[] = [];
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
      failures.push({ line: i, code: (err as CfSignError).code });
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
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(...RESOURCES), fc.boolean(), (bytes, resource, keep) => {
        const plan = rewritePlan(resource, QUERY, keep);
        const js = jsHotPath.rewriteLines(bytes, plan);
        const w = wasm.rewriteLines(bytes, plan);
        expect(hex(w.bytes)).toBe(hex(js.bytes));
        expect([...w.flagged]).toEqual([...js.flagged]);
      }),
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
    const urls = Array.from({ length: 500 }, (_, i) => `${resource.slice(0, -1)}${i}/photo_${i}.jpg${i % 3 ? "" : "?w=800&fmt=webp"}`);
    const plan = rewritePlan(resource, QUERY, false);
    expect(plan.prefix).toBe(resource.slice(0, -1));
    for (const engine of [jsHotPath, wasm]) {
      const out = engine.rewriteLines(encoder.encode(urls.join("\n") + "\n"), plan);
      expect(out.flagged.length).toBe(0);
      expect(out.lines).toBe(500);
      expect(decoder.decode(out.bytes)).toBe(urls.map((u) => u + (u.includes("?") ? "&" : "?") + QUERY + "\n").join(""));
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
    for (let i = 0; i < 60_000; i++) lines.push(i % 997 === 0 ? `https://x.example.com/${i}` : `${resource.slice(0, -1)}${i}.jpg`);
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
    expect(rewritePlan("https://h.example/a/*", "q", false)).toMatchObject({ prefix: "https://h.example/a/", scanFrom: 19 });
    expect(rewritePlan("https://h.example/a/img*", "q", false)).toMatchObject({ prefix: "https://h.example/a/img", scanFrom: 19 });
    for (const r of ["*", "https://h.example/a/*.jpg", "https://h.example/?/*", "https://*.example/*", "https://h.example*",
      "https://H.example/*", "https://h.example:443/*", "https://h.example/./*", "https://h.example/a"]) {
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
        expect(got.failures.map((f) => ({ line: f.line, code: f.error.code }))).toEqual(expected.failures);
        for (const f of got.failures) expect(f.error.index).toBe(f.line);
        expect(got.lines).toBe(expected.lines);
      }),
      { numRuns: RUNS },
    );
  });

  test("an expired policy refuses the whole input", () => {
    const policy = { ...fakePolicy(RESOURCES[0]!), expires: 100 };
    expect(() => rewriteLines(wasm, policy, "https://x/", {}, 100)).toThrow(expect.objectContaining({ code: "EXPIRES_IN_PAST" }));
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
});
