/**
 * Properties of the signer as a whole (fast-check), extending what
 * engine-equivalence (hot paths agree with each other and with JSON.stringify,
 * CloudFront base64 round-trips) and verify-properties (the verifier accepts what
 * the signer emits and rejects changes to one fixed URL) already prove:
 *
 * 1. for arbitrary URLs built from the whole RFC 3986 alphabet and arbitrary
 *    policies, the signed URL minus its signing parameters is the input, each
 *    signing parameter appears exactly once, after the URL's own, and the policy
 *    bytes are exactly `JSON.stringify` of the grant asked for (so `JSON.parse`
 *    gives exactly that object); a URL that must be refused is refused with the
 *    code an independent oracle predicts;
 * 2. for arbitrary strings (any UTF-16, with or without `encode`), the signer
 *    refuses with a CfSignError or emits a URL whose base is the input (or its
 *    percent-encoding, byte for byte the same once decoded): it never throws
 *    anything else and never alters what it signs;
 * 3. the WASM and TypeScript engines give the same results for the same batch,
 *    and signStream gives what signUrls gives, for any window;
 * 4. for arbitrary signed URLs (not one fixed URL), any one-character change,
 *    insertion or deletion anywhere is rejected by the verifier.
 *
 * Structural properties use a fast deterministic stand-in signer (thousands of runs
 * in a few seconds); the verifier property uses a real RSA key.
 */
import { createHash } from "node:crypto";
import fc from "fast-check";
import { beforeAll, describe, expect, test } from "vitest";
import {
  CfSignError,
  createSigner,
  verifyUrl,
  type BatchResult,
  type CustomSigner,
  type Signer,
} from "../src/index.js";
import { intendedPolicy, type Grant } from "./helpers/check-signed.js";
import { toCloudFrontBase64 } from "./helpers/sign-by-hand.js";
import { rsaKey } from "./helpers/keys.js";
import { fromCloudFrontBase64, parseSignedUrl } from "./helpers/verify.js";

const NOW_MS = Date.UTC(2026, 0, 1);
const NOW = NOW_MS / 1000;
const KID = "K2JCJMDEHXQW5F";
const SIGNING = ["expires", "policy", "signature", "key-pair-id", "hash-algorithm"];
const RUNS = Number(process.env["CFSIGN_PROPERTY_RUNS"] ?? 1000);

/** A deterministic stand-in for an RSA-2048 key: SHA-256 of the policy, eight times. */
const fake = (data: Uint8Array): Uint8Array =>
  new Uint8Array(Buffer.concat(Array(8).fill(createHash("sha256").update(data).digest())));
const FAKE: CustomSigner = { algorithm: "RSA", sign: async (data) => fake(data) };

const signers = {} as Record<"wasm" | "js", Signer>;
let real: Signer;
beforeAll(async () => {
  for (const engine of ["wasm", "js"] as const)
    signers[engine] = await createSigner({ keyPairId: KID, privateKey: FAKE, engine, clock: () => NOW_MS });
  real = await createSigner({ keyPairId: KID, privateKey: rsaKey().privatePem, clock: () => NOW_MS });
});

// ------------------------------------------------------------------------------------------ arbitraries

const HEX = "0123456789ABCDEFabcdef";
const pct = fc.tuple(fc.constantFrom(...HEX), fc.constantFrom(...HEX)).map(([a, b]) => `%${a}${b}`);
const ALPHA = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const UNRESERVED = ALPHA + "0123456789-._~";
/** RFC 3986 pchar: unreserved, pct-encoded, sub-delims, ":" and "@". */
const pchar = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...UNRESERVED) },
  { weight: 3, arbitrary: fc.constantFrom(..."!$&'()*+,;=:@") },
  { weight: 1, arbitrary: pct },
);
const isDotSegment = (s: string): boolean => /^(?:\.|%2e){1,2}$/i.test(s);
const segment = fc
  .array(pchar, { maxLength: 12 })
  .map((cs) => cs.join(""))
  .filter((s) => !isDotSegment(s));
/** Query characters: pchar plus "/" and "?", minus "&" (the separator) and "'" (browsers encode it). */
const qchar = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...UNRESERVED) },
  { weight: 3, arbitrary: fc.constantFrom(..."!$()*+,;=:@/?") },
  { weight: 1, arbitrary: pct },
);
/** A parameter, sometimes a signing parameter's name in some case or encoding (the oracle knows). */
const param = fc.oneof(
  { weight: 12, arbitrary: fc.array(qchar, { minLength: 1, maxLength: 10 }).map((cs) => cs.join("")) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom("Expires", "Policy", "Signature", "Key-Pair-Id", "Hash-Algorithm"), fc.nat(), fc.boolean())
      .map(([name, seed, encode]) => {
        const mixed = [...name].map((c, i) => ((seed >> i) & 1 ? c.toUpperCase() : c.toLowerCase())).join("");
        return (encode ? `%${mixed.charCodeAt(0).toString(16).toUpperCase()}${mixed.slice(1)}` : mixed) + "=1";
      }),
  },
);
const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?$/);
const origin = fc
  .record({
    scheme: fc.constantFrom("https", "http"),
    labels: fc.array(label, { minLength: 1, maxLength: 4 }),
    port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
  })
  .filter(({ scheme, port }) => !(scheme === "https" && port === 443) && !(scheme === "http" && port === 80))
  .map(({ scheme, labels, port }) => `${scheme}://${labels.join(".")}${port === undefined ? "" : `:${port}`}`);
const rfc3986Url = fc
  .record({
    origin,
    segments: fc.array(segment, { minLength: 1, maxLength: 6 }),
    query: fc.option(fc.array(param, { minLength: 1, maxLength: 5 }), { nil: undefined }),
  })
  .map(({ origin, segments, query }) => ({
    origin,
    url: `${origin}/${segments.join("/")}${query === undefined ? "" : "?" + query.join("&")}`,
  }));

const policyChoice = fc.record({
  canned: fc.boolean(),
  expiresIn: fc.integer({ min: 1, max: 10 * 365 * 86400 }),
  startsBefore: fc.option(fc.integer({ min: 0, max: 86400 }), { nil: undefined }),
  ip: fc.option(
    fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 32 })).map(([v, bits]) => {
      const size = 2 ** (32 - bits);
      const net = v - (v % size);
      return `${[net >>> 24, (net >>> 16) & 255, (net >>> 8) & 255, net & 255].join(".")}/${bits}`;
    }),
    { nil: undefined },
  ),
  resource: fc.constantFrom("none", "exact", "origin*", "any"),
});
type PolicyChoice = {
  canned: boolean;
  expiresIn: number;
  startsBefore: number | undefined;
  ip: string | undefined;
  resource: string;
};

// ------------------------------------------------------------------------------------------ oracle

/** A query parameter's name as a server reads it: `+` is a space, `%HH` decoded when it can be. */
function paramName(p: string): string {
  const raw = p.slice(0, p.includes("=") ? p.indexOf("=") : p.length).replace(/\+/g, " ");
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

interface Case {
  url: string;
  options: Record<string, unknown>;
  /** A code, or the grant the URL must carry. */
  expected: string | Grant;
}

function caseOf(u: { origin: string; url: string }, p: PolicyChoice): Case {
  const expires = NOW + p.expiresIn;
  const starts = p.canned || p.startsBefore === undefined ? undefined : expires - 1 - p.startsBefore;
  const ipAddress = p.canned ? undefined : p.ip;
  const resource = p.canned
    ? undefined
    : p.resource === "exact"
      ? u.url
      : p.resource === "origin*"
        ? `${u.origin}/*`
        : p.resource === "any"
          ? "*"
          : undefined;
  const options = { expires, starts, ipAddress, resource, allowAnyResource: resource === "*" ? true : undefined };
  const q = u.url.indexOf("?");
  const params = q === -1 ? [] : u.url.slice(q + 1).split("&");
  if (params.some((x) => SIGNING.includes(paramName(x).toLowerCase())))
    return { url: u.url, options, expected: "URL_HAS_SIGNING_PARAMETER" };
  const custom = starts !== undefined || ipAddress !== undefined || resource !== undefined;
  const wildcard = u.url.includes("*") || (q !== -1 && u.url.indexOf("?", q + 1) !== -1);
  if (custom && resource === undefined && wildcard) return { url: u.url, options, expected: "URL_HAS_WILDCARD" };
  return { url: u.url, options, expected: { custom, resource: resource ?? u.url, expires, starts, ipAddress } };
}

/** Problems with one signed URL, checked by string operations alone (and the stand-in signature). */
function problemsOf(signed: string, base: string, grant: Grant): string[] {
  const problems: string[] = [];
  const sep = base.includes("?") ? "&" : "?";
  if (!signed.startsWith(base + sep)) return ["the URL does not start with the input"];
  const added = signed.slice(base.length + 1).split("&");
  const names = added.map((x) => x.slice(0, x.indexOf("=")));
  const want = [grant.custom ? "Policy" : "Expires", "Signature", "Key-Pair-Id", "Hash-Algorithm"];
  if (names.join() !== want.join()) return [`signing parameters ${names.join()}`];
  const parsed = parseSignedUrl(signed); // throws on a duplicate signing parameter
  if (parsed.base !== base) problems.push("URL minus signing parameters differs from the input");
  const all = signed.slice(signed.indexOf("?") + 1).split("&");
  for (const n of ["Expires", "Policy", "Signature", "Key-Pair-Id", "Hash-Algorithm"]) {
    const count = all.filter((x) => x.slice(0, x.indexOf("=") === -1 ? x.length : x.indexOf("=")) === n).length;
    if (count !== (n === (grant.custom ? "Expires" : "Policy") ? 0 : 1)) problems.push(`${n} appears ${count} times`);
  }
  const text = intendedPolicy(grant);
  if (parsed.policy !== text) problems.push(`policy ${parsed.policy.slice(0, 100)} is not ${text.slice(0, 100)}`);
  else if (JSON.stringify(JSON.parse(parsed.policy)) !== text) problems.push("the policy does not parse to the grant");
  if (grant.custom && added[0] !== `Policy=${toCloudFrontBase64(text)}`)
    problems.push("Policy is not the grant's bytes");
  const signature = parsed.params.get("Signature")!;
  if (signature !== toCloudFrontBase64(fake(Buffer.from(parsed.policy))))
    problems.push("the signature is not over the policy bytes");
  return problems;
}

function judge(c: Case, r: BatchResult | { error: unknown }): string[] {
  if ("error" in r && !("ok" in r)) {
    const e = r.error;
    if (!(e instanceof CfSignError)) return [`threw ${String(e)}`];
    return typeof c.expected === "string" && c.expected === e.code ? [] : [`refused with ${e.code}: ${e.message}`];
  }
  const b = r as BatchResult;
  if (!b.ok)
    return typeof c.expected === "string" && c.expected === b.error.code
      ? []
      : [`refused with ${b.error.code}: ${b.error.message}`];
  if (typeof c.expected === "string") return [`signed, expected ${c.expected}`];
  return problemsOf(b.url, c.url, c.expected);
}

// ------------------------------------------------------------------------------------------ 1

describe("1. arbitrary RFC 3986 URLs and policies", () => {
  test.each(["wasm", "js"] as const)(
    "signUrls (%s): base is the input, parameters once each, policy exactly the grant, or the oracle's code",
    async (engine) => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(rfc3986Url, policyChoice), { minLength: 1, maxLength: 8 }),
          async (items) => {
            const cases = items.map(([u, p]) => caseOf(u, p));
            const results = await signers[engine].signUrls(cases.map((c) => ({ url: c.url, ...c.options })));
            const problems = cases.flatMap((c, i) => judge(c, results[i]!).map((p) => `${c.url}: ${p}`));
            expect(problems).toEqual([]);
          },
        ),
        { numRuns: RUNS },
      );
    },
  );

  test("signUrl, signPolicy(...).apply and signCookies carry exactly the grant", async () => {
    await fc.assert(
      fc.asyncProperty(rfc3986Url, policyChoice, async (u, p) => {
        const c = caseOf(u, p);
        const single = await signers.wasm.signUrl(c.url, c.options as never).then(
          (url) => ({ ok: true as const, url }),
          (error: unknown) => ({ error }),
        );
        expect(judge(c, single as never)).toEqual([]);
        if (typeof c.expected === "string" || !c.expected.custom) return;
        const grant = c.expected;
        const shared = await signers.wasm.signPolicy({ ...c.options, resource: grant.resource } as never);
        expect(Buffer.from(shared.policy).toString("utf8")).toBe(intendedPolicy(grant));
        expect(JSON.parse(Buffer.from(shared.policy).toString("utf8"))).toEqual(JSON.parse(intendedPolicy(grant)));
        expect(problemsOf(shared.apply(c.url), c.url, grant)).toEqual([]);
        const cookies = await signers.wasm.signCookies({
          ...c.options,
          resource: grant.resource,
          starts: grant.starts ?? grant.expires - 1,
        } as never);
        const policy = fromCloudFrontBase64(cookies.cookies["CloudFront-Policy"]!).toString("utf8");
        expect(policy).toBe(intendedPolicy({ ...grant, starts: grant.starts ?? grant.expires - 1 }));
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });
});

// ------------------------------------------------------------------------------------------ 2

/** The bytes a URL stands for: `%HH` as the byte, anything else as its UTF-8. */
function meaning(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "%" && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      const cp = s.codePointAt(i)!;
      if (cp > 0xffff) i++;
      bytes.push(...Buffer.from(String.fromCodePoint(cp), "utf8"));
    }
  }
  return Buffer.from(bytes).toString("hex");
}

describe("2. arbitrary strings: refused with a CfSignError, or signed without a byte changed", () => {
  const hostile = fc.tuple(
    fc.constantFrom(
      "https://d111111abcdef8.cloudfront.net/",
      "http://cdn.example.com:8080/a?",
      "https://a.b/c/",
      "",
      "HTTPS://x/",
    ),
    fc.oneof(
      fc.string({ unit: "binary", maxLength: 30 }),
      fc.string({
        unit: fc.constantFrom(
          ..."\"\\\u0000\n\r\t #?&*%'<>[]{}|^`\u2028\ud800\udc00é😀",
          "%2A",
          "%41",
          "Expires=",
          "Policy",
          "/../",
          "/./",
        ),
        maxLength: 12,
      }),
      fc.string({ unit: "grapheme", maxLength: 20 }),
    ),
  );

  test.each([false, true])("signUrls with encode: %s", async (encode) => {
    await fc.assert(
      fc.asyncProperty(fc.array(hostile, { minLength: 1, maxLength: 10 }), async (parts) => {
        const urls = parts.map(([a, b]) => a + b);
        const expires = NOW + 600;
        for (const engine of ["wasm", "js"] as const) {
          const results = await signers[engine].signUrls(urls, { expires, encode });
          results.forEach((r, i) => {
            if (!r.ok) {
              expect(r.error).toBeInstanceOf(CfSignError);
              expect(r.index).toBe(i);
              return;
            }
            const { base } = parseSignedUrl(r.url);
            if (!encode) expect(base).toBe(urls[i]);
            else expect(meaning(base)).toBe(meaning(urls[i]!));
            expect(problemsOf(r.url, base, { custom: false, resource: base, expires })).toEqual([]);
          });
        }
      }),
      { numRuns: RUNS },
    );
  });
});

// ------------------------------------------------------------------------------------------ 3

describe("3. the engines agree, and the stream agrees with the batch", () => {
  const mixed = fc.array(
    fc.oneof(
      fc.tuple(rfc3986Url, policyChoice).map(([u, p]) => caseOf(u, p)),
      fc.string({ unit: "binary", maxLength: 40 }).map((s) => ({
        url: "https://d111111abcdef8.cloudfront.net/" + s,
        options: { expires: NOW + 60 },
        expected: "?",
      })),
    ),
    { maxLength: 25 },
  );
  const shape = (r: BatchResult): unknown => (r.ok ? r.url : [r.index, r.error.code, r.error.message]);

  test("WASM and TypeScript signers give the same results, byte for byte", async () => {
    await fc.assert(
      fc.asyncProperty(mixed, async (cases) => {
        const items = cases.map((c) => ({ url: c.url, ...c.options }));
        const [w, j] = await Promise.all([signers.wasm.signUrls(items), signers.js.signUrls(items)]);
        expect(w.map(shape)).toEqual(j.map(shape));
      }),
      { numRuns: RUNS },
    );
  });

  test("signStream yields what signUrls returns, for any window", async () => {
    await fc.assert(
      fc.asyncProperty(mixed, fc.integer({ min: 1, max: 9 }), async (cases, window) => {
        const items = cases.map((c) => ({ url: c.url, ...c.options }));
        const batch = await signers.wasm.signUrls(items);
        const streamed: BatchResult[] = [];
        for await (const r of signers.wasm.signStream(items, { window })) streamed.push(r);
        expect(streamed.map(shape)).toEqual(batch.map(shape));
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });
});

// ------------------------------------------------------------------------------------------ 4

describe("4. the verifier rejects any one-character change to arbitrary signed URLs", () => {
  const publicKeys = (): Record<string, string> => ({
    [KID]: rsaKey().publicKey.export({ type: "spki", format: "pem" }) as string,
  });
  const POOL = [
    ...Array.from({ length: 0x5f }, (_, i) => String.fromCharCode(0x20 + i)).filter((c) => c !== "#"),
    "é",
    "\u0000",
    "\n",
  ];

  test("replace, insert or delete one character anywhere (canned, and custom with the URL as its resource)", async () => {
    const keys = publicKeys();
    await fc.assert(
      fc.asyncProperty(
        rfc3986Url.filter((u) => !/[*]/.test(u.url) && u.url.indexOf("?", u.url.indexOf("?") + 1) === -1),
        fc.boolean(),
        fc.nat(),
        fc.constantFrom("replace", "insert", "delete"),
        fc.constantFrom(...POOL),
        async (u, custom, at, op, char) => {
          const q = u.url.indexOf("?");
          fc.pre(
            q === -1 ||
              !u.url
                .slice(q + 1)
                .split("&")
                .some((x) => SIGNING.includes(paramName(x).toLowerCase())),
          );
          const signed = await real.signUrl(
            u.url,
            custom ? { expires: NOW + 600, starts: NOW - 60 } : { expires: NOW + 600 },
          );
          expect((await verifyUrl(signed, { publicKeys: keys, now: NOW })).reason).toBe("OK");
          const i = at % (signed.length + (op === "insert" ? 1 : 0));
          const changed =
            op === "replace"
              ? signed.slice(0, i) + char + signed.slice(i + 1)
              : op === "insert"
                ? signed.slice(0, i) + char + signed.slice(i)
                : signed.slice(0, i) + signed.slice(i + 1);
          fc.pre(changed !== signed);
          const r = await verifyUrl(changed, { publicKeys: keys, now: NOW });
          expect({ changed, valid: r.valid }).toEqual({ changed, valid: false });
        },
      ),
      { numRuns: RUNS },
    );
  });
});
