/**
 * Properties of signer + verifier together (fast-check):
 *
 * 1. every URL (signUrl, signUrls, signPolicy) and cookie set the signer emits
 *    verifies (both engines, RSA and ECDSA, SHA-1 and SHA-256, canned and custom,
 *    wildcard resources);
 * 2. every single-character change to the signature, the policy (its base64 and its
 *    JSON), the expiry or the URL is rejected with the reason that change must give;
 * 3. every query parameter added, removed or duplicated is rejected with its reason.
 *
 * Expected reasons are computed here from the mutation alone (what was changed and
 * into what), never by asking cfsign.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, test } from "vitest";
import { createSigner, verifyCookies, verifyUrl, type Signer, type VerifyReason } from "../src/index.js";
import { ecKey, rsaKey, type TestKey } from "./helpers/keys.js";
import { toCloudFrontBase64 } from "./helpers/sign-by-hand.js";
import { fromCloudFrontBase64 } from "./helpers/verify.js";

const NOW_MS = Date.UTC(2026, 0, 1);
const NOW = NOW_MS / 1000;
const EXPIRES = NOW + 3600;
const KID = "K2JCJMDEHXQW5F";
const SIGNING = ["Expires", "Policy", "Signature", "Key-Pair-Id", "Hash-Algorithm"];
const SAFE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-~_";
const ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";

type Combo = readonly [name: string, key: () => TestKey, hash: "SHA1" | "SHA256", engine: "wasm" | "js"];
const COMBOS: Combo[] = [];
for (const [name, key] of [
  ["RSA", rsaKey],
  ["ECDSA", ecKey],
] as const) {
  for (const hash of ["SHA1", "SHA256"] as const)
    for (const engine of ["wasm", "js"] as const) COMBOS.push([name, key, hash, engine]);
}

const signers = new Map<Combo, Signer>();
beforeAll(async () => {
  for (const c of COMBOS) {
    signers.set(
      c,
      await createSigner({
        keyPairId: KID,
        privateKey: c[1]().privatePem,
        hashAlgorithm: c[2],
        engine: c[3],
        clock: () => NOW_MS,
      }),
    );
  }
});
const publicKeysOf = (c: Combo): Record<string, string> => ({
  [KID]: c[1]().publicKey.export({ type: "spki", format: "pem" }) as string,
});

// ---------------------------------------------------------------------------------- arbitraries

const segment = fc.stringMatching(/^[A-Za-z0-9_~-](?:[A-Za-z0-9._~!$()+,;=:@-]|%[0-9A-F]{2}){0,10}$/);
const paramName = fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/).filter((n) => !SIGNING.some((s) => s.toLowerCase() === n));
const paramValue = fc.stringMatching(/^(?:[A-Za-z0-9._~-]|%[0-9A-F]{2}){0,8}$/);
const query = fc
  .uniqueArray(fc.tuple(paramName, paramValue), { maxLength: 4, selector: ([n]) => n })
  .map((ps) => ps.map(([n, v]) => `${n}=${v}`));

const urlParts = fc.record({
  origin: fc.constantFrom(
    "https://d111111abcdef8.cloudfront.net",
    "https://cdn.example.com",
    "http://cdn.example.com:8443",
  ),
  segments: fc.array(segment, { minLength: 1, maxLength: 5 }),
  query,
});
const CIDRS = [
  ["192.0.2.0/24", "192.0.2.77"],
  ["203.0.113.7/32", "203.0.113.7"],
  ["0.0.0.0/0", "198.51.100.1"],
] as const;
const policyChoice = fc.record({
  starts: fc.option(fc.integer({ min: 1, max: 86_400 }), { nil: undefined }),
  ip: fc.option(fc.constantFrom(...CIDRS), { nil: undefined }),
  resource: fc.constantFrom("none", "exact", "prefix", "any"),
  prefixDepth: fc.nat(),
});
type UrlParts = { origin: string; segments: string[]; query: string[] };
type PolicyChoice = {
  starts: number | undefined;
  ip: readonly [string, string] | undefined;
  resource: string;
  prefixDepth: number;
};

const urlOf = (u: UrlParts): string =>
  `${u.origin}/${u.segments.join("/")}${u.query.length > 0 ? "?" + u.query.join("&") : ""}`;
function resourceOf(u: UrlParts, p: PolicyChoice): string | undefined {
  if (p.resource === "exact") return urlOf(u);
  if (p.resource === "prefix")
    return `${u.origin}/${u.segments
      .slice(0, p.prefixDepth % u.segments.length)
      .map((s) => s + "/")
      .join("")}*`;
  if (p.resource === "any") return "*";
  return undefined;
}

// ---------------------------------------------------------------------------------- 1. round trips

describe.each(COMBOS)("every output verifies: %s %s (%s engine)", (...combo) => {
  const key = COMBOS.find((c) => c[0] === combo[0] && c[2] === combo[2] && c[3] === combo[3])!;

  test("signUrl, signUrls and signPolicy(...).apply", async () => {
    await fc.assert(
      fc.asyncProperty(urlParts, policyChoice, async (u, p) => {
        const url = urlOf(u);
        const options = {
          expires: EXPIRES,
          starts: p.starts === undefined ? undefined : NOW - p.starts,
          ipAddress: p.ip?.[0],
          resource: resourceOf(u, p),
          allowAnyResource: true,
        };
        const [single, [batch]] = await Promise.all([
          signers.get(key)!.signUrl(url, options),
          signers.get(key)!.signUrls([url], options),
        ]);
        for (const signed of [single, batch!.ok ? batch!.url : ""]) {
          const r = await verifyUrl(signed, { publicKeys: publicKeysOf(key), now: NOW, clientIp: p.ip?.[1] });
          expect({ reason: r.reason, message: r.message }).toEqual({ reason: "OK", message: r.message });
          expect(r.hashAlgorithm).toBe(key[2]);
          expect(r.kind).toBe(
            options.starts === undefined && options.ipAddress === undefined && options.resource === undefined
              ? "canned"
              : "custom",
          );
        }
        if (options.resource !== undefined) {
          const shared = await signers.get(key)!.signPolicy({ ...options, resource: options.resource });
          const r = await verifyUrl(shared.apply(url), {
            publicKeys: publicKeysOf(key),
            now: NOW,
            clientIp: p.ip?.[1],
          });
          expect({ reason: r.reason, message: r.message }).toEqual({ reason: "OK", message: r.message });
        }
      }),
      { numRuns: 40 },
    );
  });

  test("signCookies", async () => {
    await fc.assert(
      fc.asyncProperty(urlParts, policyChoice, async (given, p) => {
        // Cookies for example.com cannot reach a *.cloudfront.net host (COOKIE_DOMAIN_MISMATCH).
        const u = { ...given, origin: given.origin.replace("d111111abcdef8.cloudfront.net", "cdn.example.com") };
        const url = urlOf(u);
        const { setCookie, kind } = await signers.get(key)!.signCookies({
          resource: resourceOf(u, p) ?? url,
          expires: EXPIRES,
          starts: p.starts === undefined ? undefined : NOW - p.starts,
          ipAddress: p.ip?.[0],
          allowAnyResource: true,
          domain: "example.com",
        });
        const header = setCookie.map((c) => c.slice(0, c.indexOf(";"))).join("; ");
        const r = await verifyCookies(url, header, { publicKeys: publicKeysOf(key), now: NOW, clientIp: p.ip?.[1] });
        expect({ reason: r.reason, message: r.message }).toEqual({ reason: "OK", message: r.message });
        expect(r).toMatchObject({ via: "cookies", kind, hashAlgorithm: key[2] });
      }),
      { numRuns: 40 },
    );
  });
});

// ---------------------------------------------------------------------------------- 2 and 3. mutations

interface Split {
  base: string; // up to and including "?" (or the URL plus "?" when signing added it)
  params: string[]; // every query parameter, user's and signing, in order
}
function split(url: string): Split {
  const q = url.indexOf("?");
  return { base: url.slice(0, q + 1), params: url.slice(q + 1).split("&") };
}
const join = (s: Split): string => s.base + s.params.join("&");
const nameOf = (param: string): string => param.slice(0, param.indexOf("=") === -1 ? param.length : param.indexOf("="));
const indexOfParam = (s: Split, name: string): number => s.params.findIndex((p) => nameOf(p) === name);

/** Canonical CloudFront-safe base64, judged with Node's Buffer (decode, re-encode, compare). */
function isCanonical(text: string): boolean {
  if (/[^A-Za-z0-9~_-]/.test(text) || text.length % 4 !== 0) return false;
  return toCloudFrontBase64(fromCloudFrontBase64(text)) === text;
}

type Kind = "canned" | "custom";
const MUTATION_COMBOS = COMBOS.filter((c) => c[3] === "js");
const BASE_URL = "https://d111111abcdef8.cloudfront.net/media/clip-01.mp4?lang=en&v=3";

describe.each(MUTATION_COMBOS)("every change is rejected with its reason: %s %s", (...combo) => {
  const key = MUTATION_COMBOS.find((c) => c[0] === combo[0] && c[2] === combo[2])!;
  const urls: Partial<Record<Kind, string>> = {};
  beforeAll(async () => {
    const signer = signers.get(key)!;
    urls.canned = await signer.signUrl(BASE_URL, { expires: EXPIRES });
    // Custom with the exact URL as its resource, so any change to the URL is out of the grant.
    urls.custom = await signer.signUrl(BASE_URL, { expires: EXPIRES, starts: NOW - 60 });
  });
  const verify = (url: string): Promise<VerifyReason> =>
    verifyUrl(url, { publicKeys: publicKeysOf(key), now: NOW }).then((r) => r.reason);
  const kinds = fc.constantFrom<Kind>("canned", "custom");

  test("precondition: the unchanged URLs verify", async () => {
    expect(await verify(urls.canned!)).toBe("OK");
    expect(await verify(urls.custom!)).toBe("OK");
  });

  test("one character of the Signature", async () => {
    await fc.assert(
      fc.asyncProperty(kinds, fc.nat(), fc.constantFrom(...SAFE64, "+", "/", "="), async (kind, at, char) => {
        const s = split(urls[kind]!);
        const i = indexOfParam(s, "Signature");
        const value = s.params[i]!.slice("Signature=".length);
        const pos = at % value.length;
        fc.pre(value[pos] !== char);
        s.params[i] = "Signature=" + value.slice(0, pos) + char + value.slice(pos + 1);
        expect(await verify(join(s))).toBe("+/=".includes(char) ? "STANDARD_BASE64" : "BAD_SIGNATURE");
      }),
      { numRuns: 150 },
    );
  });

  test("one character of the Policy parameter", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.constantFrom(...SAFE64, "+", "/", "="), async (at, char) => {
        const s = split(urls.custom!);
        const i = indexOfParam(s, "Policy");
        const value = s.params[i]!.slice("Policy=".length);
        const pos = at % value.length;
        fc.pre(value[pos] !== char);
        const changed = value.slice(0, pos) + char + value.slice(pos + 1);
        s.params[i] = "Policy=" + changed;
        const expected: VerifyReason = "+/=".includes(char)
          ? "STANDARD_BASE64"
          : isCanonical(changed)
            ? "BAD_SIGNATURE"
            : "MALFORMED_POLICY";
        expect(await verify(join(s))).toBe(expected);
      }),
      { numRuns: 150 },
    );
  });

  test("one character of the policy JSON (re-encoded correctly)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.integer({ min: 0x20, max: 0x7e }), async (at, code) => {
        const s = split(urls.custom!);
        const i = indexOfParam(s, "Policy");
        const text = fromCloudFrontBase64(s.params[i]!.slice("Policy=".length)).toString("utf8");
        const pos = at % text.length;
        const char = String.fromCharCode(code);
        fc.pre(text[pos] !== char);
        s.params[i] = "Policy=" + toCloudFrontBase64(text.slice(0, pos) + char + text.slice(pos + 1));
        expect(await verify(join(s))).toBe("BAD_SIGNATURE");
      }),
      { numRuns: 150 },
    );
  });

  test("one character of Expires", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.constantFrom(..."0123456789", "a", "Z", ".", "-", "+", "_"), async (at, char) => {
        const s = split(urls.canned!);
        const i = indexOfParam(s, "Expires");
        const value = s.params[i]!.slice("Expires=".length);
        const pos = at % value.length;
        fc.pre(value[pos] !== char);
        s.params[i] = "Expires=" + value.slice(0, pos) + char + value.slice(pos + 1);
        expect(await verify(join(s))).toBe(/[0-9]/.test(char) ? "BAD_SIGNATURE" : "MALFORMED_POLICY");
      }),
      { numRuns: 100 },
    );
  });

  test("one letter or digit of the URL (host, path or own query)", async () => {
    const positions = [...BASE_URL].flatMap((c, i) =>
      i >= "https://".length && ALNUM.includes(c.toLowerCase()) ? [i] : [],
    );
    await fc.assert(
      fc.asyncProperty(kinds, fc.constantFrom(...positions), fc.constantFrom(...ALNUM), async (kind, pos, char) => {
        const signed = urls[kind]!;
        fc.pre(signed[pos] !== char);
        const changed = signed.slice(0, pos) + char + signed.slice(pos + 1);
        expect(await verify(changed)).toBe(kind === "canned" ? "BAD_SIGNATURE" : "RESOURCE_MISMATCH");
      }),
      { numRuns: 150 },
    );
  });

  test("a query parameter added anywhere", async () => {
    await fc.assert(
      fc.asyncProperty(kinds, paramName, paramValue, fc.nat(), async (kind, name, value, at) => {
        const s = split(urls[kind]!);
        fc.pre(!s.params.some((p) => nameOf(p) === name));
        s.params.splice(at % (s.params.length + 1), 0, `${name}=${value}`);
        expect(await verify(join(s))).toBe(kind === "canned" ? "PARAMETER_ADDED_AFTER_SIGNING" : "RESOURCE_MISMATCH");
      }),
      { numRuns: 100 },
    );
  });

  test("each query parameter removed", async () => {
    for (const kind of ["canned", "custom"] as const) {
      const all = split(urls[kind]!).params;
      for (let i = 0; i < all.length; i++) {
        const s = split(urls[kind]!);
        const [removed] = s.params.splice(i, 1);
        const name = nameOf(removed!);
        const expected: Record<string, VerifyReason> = {
          Expires: "MALFORMED_POLICY",
          Policy: "MALFORMED_POLICY",
          Signature: "MISSING_SIGNATURE",
          "Key-Pair-Id": "MISSING_KEY_PAIR_ID",
          "Hash-Algorithm": "HASH_ALGORITHM_MISMATCH",
        };
        const own: VerifyReason = kind === "canned" ? "BAD_SIGNATURE" : "RESOURCE_MISMATCH";
        expect([kind, name, await verify(join(s))]).toEqual([kind, name, expected[name] ?? own]);
      }
    }
  });

  test("each query parameter duplicated, at any position", async () => {
    await fc.assert(
      fc.asyncProperty(kinds, fc.nat(), fc.nat(), async (kind, which, at) => {
        const s = split(urls[kind]!);
        const param = s.params[which % s.params.length]!;
        s.params.splice(at % (s.params.length + 1), 0, param);
        const expected: VerifyReason = SIGNING.includes(nameOf(param))
          ? "DUPLICATE_SIGNING_PARAMETER"
          : kind === "canned"
            ? "PARAMETER_ADDED_AFTER_SIGNING"
            : "RESOURCE_MISMATCH";
        expect(await verify(join(s))).toBe(expected);
      }),
      { numRuns: 100 },
    );
  });
});

describe.each(MUTATION_COMBOS)("every change to a cookie is rejected with its reason: %s %s", (...combo) => {
  const key = MUTATION_COMBOS.find((c) => c[0] === combo[0] && c[2] === combo[2])!;
  const REQUEST = "https://cdn.example.com/gallery/2026/a.jpg";
  const jars: Partial<Record<Kind, Record<string, string>>> = {};
  beforeAll(async () => {
    const signer = signers.get(key)!;
    jars.canned = { ...(await signer.signCookies({ resource: REQUEST, expires: EXPIRES })).cookies };
    jars.custom = {
      ...(await signer.signCookies({ resource: "https://cdn.example.com/gallery/*", expires: EXPIRES })).cookies,
    };
  });
  const verify = (url: string, jar: Record<string, string>): Promise<VerifyReason> =>
    verifyCookies(url, jar, { publicKeys: publicKeysOf(key), now: NOW }).then((r) => r.reason);

  test("one character of a cookie value", async () => {
    const names = fc.constantFrom("CloudFront-Signature", "CloudFront-Policy", "CloudFront-Expires");
    await fc.assert(
      fc.asyncProperty(names, fc.nat(), fc.constantFrom(...SAFE64, "+", "/", "="), async (name, at, char) => {
        const kind: Kind =
          name === "CloudFront-Expires"
            ? "canned"
            : name === "CloudFront-Policy"
              ? "custom"
              : at % 2 === 0
                ? "canned"
                : "custom";
        const jar = { ...jars[kind]! };
        const value = jar[name]!;
        const pos = at % value.length;
        fc.pre(value[pos] !== char);
        const changed = value.slice(0, pos) + char + value.slice(pos + 1);
        jar[name] = changed;
        let expected: VerifyReason;
        if (name === "CloudFront-Expires") expected = /[0-9]/.test(char) ? "BAD_SIGNATURE" : "MALFORMED_POLICY";
        else if ("+/=".includes(char)) expected = "STANDARD_BASE64";
        else if (name === "CloudFront-Policy") expected = isCanonical(changed) ? "BAD_SIGNATURE" : "MALFORMED_POLICY";
        else expected = "BAD_SIGNATURE";
        expect(await verify(REQUEST, jar)).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });

  test("the request URL outside the grant", async () => {
    expect(await verify(REQUEST, jars.canned!)).toBe("OK");
    expect(await verify(REQUEST, jars.custom!)).toBe("OK");
    expect(await verify(REQUEST.replace("a.jpg", "b.jpg"), jars.canned!)).toBe("BAD_SIGNATURE");
    expect(await verify(REQUEST.replace("gallery", "private"), jars.custom!)).toBe("RESOURCE_MISMATCH");
  });
});
