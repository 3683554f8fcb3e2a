/**
 * The WASM hot path and the pure-TypeScript reference produce identical bytes,
 * and the reference produces what JSON.stringify and CloudFront expect.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, test } from "vitest";
import { jsHotPath } from "../src/engine/js.js";
import type { HotPath, PolicySpec, UrlParts } from "../src/engine/types.js";
import { createWasmHotPath } from "../src/engine/wasm.js";
import { loadWasmModule } from "./helpers/wasm.js";

const RUNS = 3000;
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-~";
const utf8 = new TextDecoder("utf-8", { fatal: true });

let wasm: HotPath;
beforeAll(async () => {
  wasm = await createWasmHotPath(await loadWasmModule());
});

/** Characters JSON escaping and URL assembly treat specially, to make them frequent. */
const special = fc.constantFrom(
  '"',
  "\\",
  "/",
  "\b",
  "\f",
  "\n",
  "\r",
  "\t",
  "\u0000",
  "\u0001",
  "\u001f",
  " ",
  "\u007f",
  "\u0080",
  "é",
  "\u2028",
  "\u2029",
  "\uffff",
  "😀",
  "\u{10ffff}",
  "?",
  "&",
  "*",
  "a",
);

/** Well-formed strings: full Unicode, control-heavy, special-heavy, or URL-like ASCII. */
const text = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "binary-ascii", maxLength: 40 }),
  fc.string({ unit: special, maxLength: 40 }),
  fc.string({ unit: "grapheme-ascii", maxLength: 120 }),
  fc.webUrl({ withQueryParameters: true }),
);

/** Epoch seconds: all of 0..2^53-1, biased to realistic dates and digit-count edges. */
const epoch = fc.oneof(
  fc.maxSafeNat(),
  fc.integer({ min: 1_700_000_000, max: 2_100_000_000 }),
  fc.constantFrom(0, 9, 10, 99, 100, 999_999_999, 1_000_000_000, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, 2 ** 53),
);

const spec: fc.Arbitrary<PolicySpec> = fc.record(
  { resource: text, expires: epoch, starts: epoch, ipAddress: text },
  { requiredKeys: ["resource", "expires"] },
);

const signature = fc.oneof(fc.uint8Array({ maxLength: 80 }), fc.uint8Array({ minLength: 256, maxLength: 256 }));

const urlParts: fc.Arbitrary<UrlParts> = fc.oneof(
  fc.record({ url: text, expires: epoch, signature }),
  fc.record({ url: text, policy: fc.uint8Array({ maxLength: 300 }), signature }),
);

/** The object a policy stands for, keys in the order both engines emit them. */
function intended(s: PolicySpec): unknown {
  const condition: Record<string, unknown> = { DateLessThan: { "AWS:EpochTime": s.expires } };
  if (s.ipAddress !== undefined) condition["IpAddress"] = { "AWS:SourceIp": s.ipAddress };
  if (s.starts !== undefined) condition["DateGreaterThan"] = { "AWS:EpochTime": s.starts };
  return { Statement: [{ Resource: s.resource, Condition: condition }] };
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

describe("serializePolicies", () => {
  test("WASM and JS agree byte for byte on arbitrary batches", () => {
    fc.assert(
      fc.property(fc.array(spec, { maxLength: 12 }), (specs) => {
        const js = jsHotPath.serializePolicies(specs);
        const w = wasm.serializePolicies(specs);
        expect(w.map(hex)).toEqual(js.map(hex));
      }),
      { numRuns: RUNS },
    );
  });

  test("the JS engine emits JSON.stringify of the intended object", () => {
    fc.assert(
      fc.property(spec, (s) => {
        const [bytes] = jsHotPath.serializePolicies([s]);
        expect(utf8.decode(bytes)).toBe(JSON.stringify(intended(s)));
      }),
      { numRuns: RUNS },
    );
  });

  test("WASM output parses back to the intended policy", () => {
    fc.assert(
      fc.property(spec, (s) => {
        const [bytes] = wasm.serializePolicies([s]);
        expect(JSON.parse(utf8.decode(bytes))).toEqual(intended(s));
      }),
      { numRuns: RUNS },
    );
  });

  test("canned policy vector (Developer Guide example shape)", () => {
    const s = {
      resource: "https://d111111abcdef8.cloudfront.net/horizon.jpg?size=large&license=yes",
      expires: 1767290400,
    };
    const expected =
      '{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/horizon.jpg?size=large&license=yes",' +
      '"Condition":{"DateLessThan":{"AWS:EpochTime":1767290400}}}]}';
    expect(utf8.decode(wasm.serializePolicies([s])[0])).toBe(expected);
    expect(utf8.decode(jsHotPath.serializePolicies([s])[0])).toBe(expected);
  });

  test("custom policy vector with every condition, in AWS CLI order", () => {
    const s = {
      resource: "https://d111111abcdef8.cloudfront.net/game_download/*",
      expires: 1767290400,
      starts: 1767200000,
      ipAddress: "192.0.2.0/24",
    };
    const expected =
      '{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/game_download/*",' +
      '"Condition":{"DateLessThan":{"AWS:EpochTime":1767290400},"IpAddress":{"AWS:SourceIp":"192.0.2.0/24"},' +
      '"DateGreaterThan":{"AWS:EpochTime":1767200000}}}]}';
    expect(utf8.decode(wasm.serializePolicies([s])[0])).toBe(expected);
  });

  test("every byte value below 0x80 escapes as JSON.stringify does", () => {
    const all = Array.from({ length: 0x80 }, (_, i) => String.fromCharCode(i)).join("");
    const specs = [{ resource: all, expires: 1, ipAddress: all }];
    expect(wasm.serializePolicies(specs).map(hex)).toEqual(jsHotPath.serializePolicies(specs).map(hex));
  });

  test("epochs at every digit count from 1 to 16, and 2^53", () => {
    const values = [0, 2 ** 53, 2 ** 53 - 1];
    for (let p = 1; p <= 1e15; p *= 10) values.push(p - 1, p, p + 1);
    const specs = values.map((v) => ({ resource: "r", expires: v, starts: v }));
    expect(wasm.serializePolicies(specs).map(hex)).toEqual(jsHotPath.serializePolicies(specs).map(hex));
  });

  test("-0 prints as 0 in both engines", () => {
    const specs = [{ resource: "r", expires: -0, starts: -0 }];
    expect(wasm.serializePolicies(specs).map(hex)).toEqual(jsHotPath.serializePolicies(specs).map(hex));
  });
});

describe("assembleUrls", () => {
  test("WASM and JS agree on arbitrary batches and suffixes", () => {
    fc.assert(
      fc.property(fc.array(urlParts, { maxLength: 12 }), text, (parts, suffix) => {
        expect(wasm.assembleUrls(parts, suffix)).toEqual(jsHotPath.assembleUrls(parts, suffix));
      }),
      { numRuns: RUNS },
    );
  });

  test("separator follows the presence of `?` anywhere in the URL", () => {
    const signature = new Uint8Array([1, 2, 3]);
    const parts = [
      { url: "https://d.example/a", expires: 5, signature },
      { url: "https://d.example/a?", expires: 5, signature },
      { url: "https://d.example/é?x=1", expires: 5, signature },
      { url: "https://d.example/abcdefghijklmnop?", expires: 5, signature },
    ];
    expect(wasm.assembleUrls(parts, "&Key-Pair-Id=K")).toEqual([
      "https://d.example/a?Expires=5&Signature=AQID&Key-Pair-Id=K",
      "https://d.example/a?&Expires=5&Signature=AQID&Key-Pair-Id=K",
      "https://d.example/é?x=1&Expires=5&Signature=AQID&Key-Pair-Id=K",
      "https://d.example/abcdefghijklmnop?&Expires=5&Signature=AQID&Key-Pair-Id=K",
    ]);
  });
});

describe("base64", () => {
  test("encodeBase64 agrees and round-trips through both decoders", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700 }), (bytes) => {
        const encoded = wasm.encodeBase64(bytes);
        expect(encoded).toBe(jsHotPath.encodeBase64(bytes));
        expect(wasm.decodeBase64(encoded)).toEqual(bytes);
        expect(jsHotPath.decodeBase64(encoded)).toEqual(bytes);
      }),
      { numRuns: RUNS },
    );
  });

  test("encodeBase64 is standard base64 with the CloudFront substitutions", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const standard = Buffer.from(bytes).toString("base64");
        expect(wasm.encodeBase64(bytes)).toBe(standard.replace(/\+/g, "-").replace(/=/g, "_").replace(/\//g, "~"));
      }),
      { numRuns: RUNS },
    );
  });

  test("decodeBase64 agrees on arbitrary near-base64 text", () => {
    const unit = fc.constantFrom(...ALPHABET, "_", "=", "+", "/", " ", "\n", "é", "😀", "\u0000");
    const near = fc.oneof(
      fc.string({ unit, maxLength: 40 }),
      fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 40 }).map((s) => s + "_"),
      fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 40 }).map((s) => s + "__"),
      fc.string({ unit: "binary", maxLength: 12 }),
    );
    fc.assert(
      fc.property(near, (t) => {
        expect(wasm.decodeBase64(t)).toEqual(jsHotPath.decodeBase64(t));
      }),
      { numRuns: RUNS },
    );
  });

  test("decodeBase64 rejects a one-character change to a valid encoding unless it is still canonical", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 60 }),
        fc.nat(),
        fc.constantFrom(...ALPHABET, "_", "=", "+", "/", "é"),
        (bytes, at, replacement) => {
          const valid = jsHotPath.encodeBase64(bytes);
          const i = at % valid.length;
          const changed = valid.slice(0, i) + replacement + valid.slice(i + 1);
          const js = jsHotPath.decodeBase64(changed);
          expect(wasm.decodeBase64(changed)).toEqual(js);
          if (js !== null) expect(jsHotPath.encodeBase64(js)).toBe(changed);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test.each([
    ["length 1", "A"],
    ["length 2", "AA"],
    ["length 3", "AAA"],
    ["length 5", "AAAAA"],
    ["standard padding", "AA=="],
    ["standard alphabet +", "A+AA"],
    ["standard alphabet /", "A/AA"],
    ["non-zero trailing bits, one byte", "AB__"],
    ["non-zero trailing bits, two bytes", "AAB_"],
    ["all padding", "____"],
    ["padding first", "_AAA"],
    ["padding in the middle", "AA_A"],
    ["padding before the last group", "AA__AAAA"],
    ["three pad characters", "A___"],
    ["whitespace", "AA A"],
    ["newline", "AAAA\nAAA"],
    ["NUL", "AAA\u0000"],
    ["non-ASCII", "AAé_"],
    ["non-ASCII making the UTF-8 length a multiple of 4", "Aé_"],
    ["astral", "A😀_"],
  ])("decodeBase64 rejects %s", (_name, t) => {
    expect(jsHotPath.decodeBase64(t)).toBeNull();
    expect(wasm.decodeBase64(t)).toBeNull();
  });

  test("decodeBase64 of the empty string is empty, not a failure", () => {
    expect(wasm.decodeBase64("")).toEqual(new Uint8Array(0));
    expect(jsHotPath.decodeBase64("")).toEqual(new Uint8Array(0));
  });
});
