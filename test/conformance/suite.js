// The cfsign conformance suite: one module, run unmodified in Node, Deno, Bun,
// workerd (Cloudflare Workers) and Chromium, with the library passed in as a
// parameter (after panva/jose's tap/). Plain ESM: it imports only its own
// harness and table, and uses only what every runtime has (WebCrypto, TextEncoder,
// atob, Response). The runners beside it load the installed package through its
// `exports` and the vectors from test/vectors/cloudfront.json, which were made by
// botocore, Python `cryptography` and the openssl CLI, never by cfsign.
//
// What it proves in each runtime: RSA SHA-1 and SHA-256 URLs (canned and custom)
// are byte-identical to the vectors on both engines and every available backend;
// the WASM and TypeScript engines agree byte for byte; ECDSA P-256 URLs match but
// for the signature, which is strict DER and verifies with WebCrypto; every key
// form imports; bad inputs and bad keys are refused with the right codes.

import { createHarness, equal, ok, rejectsWithCode, same } from "./harness.js";
import { badUrlRows } from "./bad-inputs.js";

/** The runtime values every entry exports (src/api.ts plus each entry's createSigner). */
export const VALUE_EXPORTS = Object.freeze([
  "CSV_FRAME",
  "CfSignError",
  "DEFAULT_MAX_ITEM_BYTES",
  "JSON_ARRAY_FRAME",
  "LINES_FRAME",
  "SignedPolicy",
  "Signer",
  "createGate",
  "createSigner",
  "inspectSignedUrl",
  "quoteCsv",
  "readCsv",
  "readJsonArray",
  "readLines",
  "redirectToSigned",
  "rewriteLinesMaxBytes",
  "sendRedirect",
  "verifyCookies",
  "verifyUrl",
]);

/** Which runtime this really is, from the runtime's own globals. */
export function detectRuntime() {
  const g = globalThis;
  if (typeof g.Deno?.version?.deno === "string") {
    return { name: "Deno", version: g.Deno.version.deno, detail: `V8 ${g.Deno.version.v8}` };
  }
  if (typeof g.Bun?.version === "string")
    return { name: "Bun", version: g.Bun.version, detail: `revision ${g.Bun.revision}` };
  const ua = typeof g.navigator?.userAgent === "string" ? g.navigator.userAgent : "";
  if (ua === "Cloudflare-Workers") return { name: "workerd", version: "", detail: `navigator.userAgent ${ua}` };
  if (typeof g.process?.versions?.node === "string" && typeof g.window === "undefined") {
    return { name: "Node", version: g.process.versions.node, detail: `V8 ${g.process.versions.v8}` };
  }
  const m = /(HeadlessChrome|Chrome|Chromium|Firefox|Version)\/([\d.]+)/.exec(ua);
  if (m !== null) return { name: m[1], version: m[2], detail: ua };
  return { name: "unknown", version: "", detail: ua };
}

// ----------------------------------------------------------------------------- encodings (self-contained)

const utf8 = new TextEncoder();

function fromBase64(text) {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
/** CloudFront-safe base64 (guide: `+`→`-`, `=`→`_`, `/`→`~`) decoded. */
function cfDecode(text) {
  return fromBase64(text.replace(/-/g, "+").replace(/_/g, "=").replace(/~/g, "/"));
}
function pemToDer(pem) {
  return fromBase64(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""));
}
function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * `SEQUENCE { INTEGER r, INTEGER s }` in minimal DER with 0 < r, s < 2^256 (X.690 §8.3)
 * converted to raw r‖s; null for anything else.
 */
function strictDerToP1363(der) {
  if (der.length < 8 || der.length > 72 || der[0] !== 0x30 || der[1] !== der.length - 2) return null;
  const out = new Uint8Array(64);
  let at = 2;
  for (let k = 0; k < 2; k++) {
    if (der[at] !== 0x02) return null;
    const len = der[at + 1];
    let value = der.subarray(at + 2, at + 2 + len);
    if (len < 1 || len > 33 || value.length !== len) return null;
    if (value[0] & 0x80) return null;
    if (value[0] === 0 && (len === 1 || (value[1] & 0x80) === 0)) return null;
    if (len === 33) {
      if (value[0] !== 0) return null;
      value = value.subarray(1);
    }
    out.set(value, 32 * (k + 1) - value.length);
    at += 2 + len;
  }
  return at === der.length ? out : null;
}

/** A small deterministic generator, so every runtime signs the same "random" inputs. */
function prng(seed) {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

const SUMMARY = (results) =>
  results.map((r) => (r.ok ? { ok: true, url: r.url } : { ok: false, index: r.index, code: r.error.code }));

// ----------------------------------------------------------------------------- the suite

/**
 * Runs the conformance suite against one cfsign entry.
 *
 * @param lib - the module namespace of `import * as lib from "cfsign"`
 * @param options.vectors - the parsed test/vectors/cloudfront.json
 * @param options.entry - which entry the runner expects: "node" (node:crypto default), "web" or "workerd"
 * @param options.log - receives one line per failure
 * @param options.extraTests - `(test, assertions) => void`, for a runtime's own checks
 * @returns `{ runtime, entry, passed, failed, failures, ms }`; never throws
 */
export async function runConformance(lib, options) {
  const { vectors: v, entry, log = () => {}, extraTests } = options;
  const h = createHarness();
  const test = h.test;
  const { createSigner, CfSignError } = lib;
  const KPID = v.keyPairId;
  const clock = () => v.clockMs;
  const nowSeconds = v.clockMs / 1000;
  const backends = entry === "node" ? ["node", "webcrypto"] : ["webcrypto"];
  const ENGINES = ["wasm", "js"];
  const HASHES = ["SHA1", "SHA256"];
  const field = (hash) => (hash === "SHA1" ? "sha1" : "sha256");
  const customItems = () => v.custom.map((c) => ({ url: c.url, ...c.options }));
  const rsa = v.keys.rsa2048;
  const p256 = v.keys.p256;
  const signer = (over = {}) => createSigner({ keyPairId: KPID, privateKey: rsa.pkcs8Pem, clock, ...over });

  let ecVerifyKey;
  const ecdsaVerifies = async (policy, der) => {
    const raw = strictDerToP1363(der);
    if (raw === null) return false;
    ecVerifyKey ??= await crypto.subtle.importKey(
      "spki",
      pemToDer(p256.spkiPem),
      { name: "ECDSA", namedCurve: "P-256" },
      false,
      ["verify"],
    );
    return crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, ecVerifyKey, raw, utf8.encode(policy));
  };
  /** An ECDSA URL is the expected SHA-256 URL but for the signature, which is strict DER and verifies. */
  const checkEcdsaUrl = async (actual, c) => {
    const expected = c.sha256.url;
    const marker = "&Signature=";
    const suffix = `&Key-Pair-Id=${KPID}&Hash-Algorithm=SHA256`;
    const prefix = expected.slice(0, expected.lastIndexOf(marker) + marker.length);
    equal(actual.slice(0, prefix.length), prefix, `${c.id}: everything before the signature`);
    ok(actual.endsWith(suffix), `${c.id}: ends with ${suffix}`);
    const sigText = actual.slice(prefix.length, actual.length - suffix.length);
    ok(/^[A-Za-z0-9~-]+_{0,2}$/.test(sigText), `${c.id}: CloudFront-safe base64 signature`);
    const der = cfDecode(sigText);
    ok(strictDerToP1363(der) !== null, `${c.id}: strict DER, got ${hex(der)}`);
    ok(await ecdsaVerifies(c.policy, der), `${c.id}: verifies with WebCrypto and keys.p256.spkiPem`);
  };
  const rsaCryptoKey = (hash) =>
    crypto.subtle.importKey(
      "pkcs8",
      pemToDer(rsa.pkcs8Pem),
      { name: "RSASSA-PKCS1-v1_5", hash: hash === "SHA1" ? "SHA-1" : "SHA-256" },
      false,
      ["sign"],
    );
  const ecCryptoKey = () =>
    crypto.subtle.importKey("pkcs8", pemToDer(p256.pkcs8Pem), { name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);

  // --------------------------------------------------------------------------- the entry itself

  test("the entry exports exactly the shared API", () => {
    same(Object.keys(lib).sort(), [...VALUE_EXPORTS].sort(), "value exports");
    equal(typeof createSigner, "function", "createSigner");
  });

  test(`entry "${entry}": the default backend is ${backends[0]}, and node:crypto is offered only by the Node entry`, async () => {
    const c = v.canned[0];
    const s = await signer();
    equal(await s.signUrl(c.url, { expires: v.expires }), c.sha256.url, "default signer, canned SHA-256");
    if (entry === "node") {
      const n = await signer({ backend: "node" });
      equal(await n.signUrl(c.url, { expires: v.expires }), c.sha256.url, "backend node");
    } else {
      await rejectsWithCode(signer({ backend: "node" }), "INVALID_ARGUMENT", "backend node outside Node");
    }
  });

  // --------------------------------------------------------------------------- RSA: byte-identical to the vectors

  for (const backend of backends) {
    for (const engine of ENGINES) {
      for (const hash of HASHES) {
        test(`RSA ${hash}: ${v.canned.length} canned and ${v.custom.length} custom URLs equal the vectors byte for byte (${backend}, ${engine})`, async () => {
          const s = await signer({ backend, engine, hashAlgorithm: hash });
          equal(s.engine, engine, "engine");
          const f = field(hash);
          const canned = await s.signUrls(
            v.canned.map((c) => c.url),
            { expires: v.expires, strict: true },
          );
          same(
            SUMMARY(canned),
            v.canned.map((c) => ({ ok: true, url: c[f].url })),
            "canned batch",
          );
          const custom = await s.signUrls(customItems(), { expires: v.expires, strict: true });
          same(
            SUMMARY(custom),
            v.custom.map((c) => ({ ok: true, url: c[f].url })),
            "custom batch",
          );
          const one = v.custom.find((c) => c.id === "path-wildcard-dir-ip24-starts");
          equal(await s.signUrl(one.url, { expires: v.expires, ...one.options }), one[f].url, "signUrl, custom");
          equal(
            await s.signUrl(v.canned[1].url, { expires: v.expiresIso }),
            v.canned[1][f].url,
            "signUrl, ISO expires",
          );
        });
      }
    }
  }

  // --------------------------------------------------------------------------- every key form

  const rsaForms = [
    ["PKCS#8 PEM", () => rsa.pkcs8Pem],
    ["PKCS#1 PEM", () => rsa.pkcs1Pem],
    ["encrypted PKCS#8 PEM (PBES2)", () => rsa.encryptedPkcs8Pem, rsa.passphrase],
    ["private JWK", () => rsa.jwk],
    ["PKCS#8 DER bytes", () => pemToDer(rsa.pkcs8Pem)],
    ["PKCS#8 PEM bytes", () => utf8.encode(rsa.pkcs8Pem)],
    ["CryptoKey", (hash) => rsaCryptoKey(hash)],
  ];
  for (const backend of backends) {
    for (const [name, make, passphrase] of rsaForms) {
      test(`RSA key as ${name} signs like the vectors (${backend}, SHA-1 and SHA-256)`, async () => {
        for (const hash of HASHES) {
          const s = await signer({ privateKey: await make(hash), passphrase, hashAlgorithm: hash, backend });
          equal(s.algorithm, "RSA", "algorithm");
          const results = await s.signUrls(
            v.canned.slice(0, 3).map((c) => c.url),
            { expires: v.expires, strict: true },
          );
          same(
            SUMMARY(results),
            v.canned.slice(0, 3).map((c) => ({ ok: true, url: c[field(hash)].url })),
            `${hash} batch`,
          );
        }
      });
    }
  }

  const ecForms = [
    ["PKCS#8 PEM", () => p256.pkcs8Pem],
    ["SEC1 PEM", () => p256.sec1Pem],
    ["encrypted PKCS#8 PEM (PBES2)", () => p256.encryptedPkcs8Pem, p256.passphrase],
    ["private JWK", () => p256.jwk],
    ["PKCS#8 DER bytes", () => pemToDer(p256.pkcs8Pem)],
    ["CryptoKey", () => ecCryptoKey()],
  ];
  for (const backend of backends) {
    for (const [name, make, passphrase] of ecForms) {
      test(`ECDSA P-256 key as ${name} makes URLs that verify (${backend})`, async () => {
        const s = await createSigner({ keyPairId: KPID, privateKey: await make(), passphrase, clock, backend });
        same([s.algorithm, s.hashAlgorithm], ["ECDSA", "SHA256"], "algorithm and hash");
        const c = v.canned[0];
        await checkEcdsaUrl(await s.signUrl(c.url, { expires: v.expires }), c);
      });
    }
  }

  for (const backend of backends) {
    for (const [label, key] of [
      ["RSA", rsa],
      ["P-256", p256],
    ]) {
      test(`encrypted ${label} PKCS#8 with a wrong or missing passphrase is INVALID_KEY, and the message keeps the secret (${backend})`, async () => {
        const wrong = await rejectsWithCode(
          createSigner({
            keyPairId: KPID,
            privateKey: key.encryptedPkcs8Pem,
            passphrase: v.wrongPassphrase,
            clock,
            backend,
          }),
          "INVALID_KEY",
          "wrong passphrase",
        );
        ok(!wrong.message.includes(v.wrongPassphrase), "the passphrase is not in the message");
        ok(!wrong.message.includes(key.encryptedPkcs8Pem.split("\n")[1]), "no key material in the message");
        await rejectsWithCode(
          createSigner({ keyPairId: KPID, privateKey: key.encryptedPkcs8Pem, clock, backend }),
          "INVALID_KEY",
          "no passphrase",
        );
      });
    }
  }

  // --------------------------------------------------------------------------- ECDSA: verify with WebCrypto

  for (const backend of backends) {
    for (const engine of ENGINES) {
      test(`ECDSA P-256: canned and custom URLs match the vectors but for the signature, which is strict DER and verifies (${backend}, ${engine})`, async () => {
        const s = await createSigner({ keyPairId: KPID, privateKey: p256.pkcs8Pem, clock, backend, engine });
        const canned = await s.signUrls(
          v.canned.map((c) => c.url),
          { expires: v.expires, strict: true },
        );
        for (let i = 0; i < canned.length; i++) await checkEcdsaUrl(canned[i].url, v.canned[i]);
        const custom = await s.signUrls(customItems(), { expires: v.expires, strict: true });
        for (let i = 0; i < custom.length; i++) await checkEcdsaUrl(custom[i].url, v.custom[i]);
      });
    }
  }

  test("ECDSA: the vectors' own DER signatures (cryptography, openssl) verify with WebCrypto here", async () => {
    for (const sig of v.ecdsa.signatures) {
      for (const der of [sig.derCryptography, sig.derOpenssl]) {
        const bytes = new Uint8Array(der.match(/../g).map((b) => parseInt(b, 16)));
        ok(await ecdsaVerifies(sig.policy, bytes), `${sig.caseRef}: ${der.slice(0, 16)}...`);
      }
    }
  });

  // --------------------------------------------------------------------------- the two engines agree

  test("WASM and TypeScript engines give identical results for 400 generated items (encoding, custom policies, failures)", async () => {
    const next = prng(0x5eed);
    const safe = [
      "a",
      "Z",
      "0",
      "-",
      "_",
      ".",
      "~",
      "%20",
      "%C3%A9",
      "%2A",
      "!",
      "$",
      "(",
      ")",
      "+",
      ",",
      ";",
      "=",
      ":",
      "@",
      "'",
    ];
    const unsafe = ["é", " ", "日本", "\u{1F600}", "<", '"'];
    const items = [];
    for (let i = 0; i < 400; i++) {
      const encode = next(2) === 0;
      const pick = () => (encode && next(4) === 0 ? unsafe[next(unsafe.length)] : safe[next(safe.length)]);
      let path = "";
      const segments = 1 + next(4);
      for (let s = 0; s < segments; s++) {
        path += "/";
        const len = 1 + next(12);
        for (let k = 0; k < len; k++) path += pick();
      }
      if (next(8) === 0) path += unsafe[next(unsafe.length)] + (next(2) === 0 ? "#frag" : ""); // refused unless encoded
      const query = next(3) === 0 ? `?v=${next(1000)}&w=${pick().replace("'", "%27")}` : "";
      const item = { url: `https://d111111abcdef8.cloudfront.net${path}${query}` };
      if (encode) item.encode = true;
      if (next(4) === 0) item.ipAddress = next(10) === 0 ? "192.0.2.1/24" : `192.0.${next(256)}.0/24`;
      if (next(4) === 0) item.starts = v.starts + next(1000);
      if (next(5) === 0) item.expires = v.expires - next(100000);
      items.push(item);
    }
    const [wasm, js] = await Promise.all(ENGINES.map((engine) => signer({ engine })));
    const a = SUMMARY(await wasm.signUrls(items, { expires: v.expires }));
    const b = SUMMARY(await js.signUrls(items, { expires: v.expires }));
    same(a, b, "wasm vs js");
    const signed = a.filter((r) => r.ok).length;
    ok(signed > 250 && signed < 400, `a mix of signed and refused items (${signed} of 400 signed)`);
  });

  test("WASM and TypeScript engines agree on long URLs that make the WASM memory grow", async () => {
    const items = [];
    for (let i = 0; i < 40; i++) {
      const url = `https://d111111abcdef8.cloudfront.net/${"p".repeat(i % 2 === 0 ? 7000 + i : 2500 + i)}/${i}.jpg`;
      items.push(i % 2 === 0 ? url : { url, starts: v.starts }); // canned, or custom (the Policy repeats the URL)
    }
    const [wasm, js] = await Promise.all(ENGINES.map((engine) => signer({ engine })));
    const a = SUMMARY(await wasm.signUrls(items, { expires: v.expires }));
    same(a, SUMMARY(await js.signUrls(items, { expires: v.expires })), "wasm vs js");
    ok(
      a.every((r) => r.ok),
      "all signed",
    );
  });

  // --------------------------------------------------------------------------- cookies, shared policies, verifier, redirect

  test("signed cookies and a shared policy carry the vectors' signatures byte for byte (both engines)", async () => {
    // A vector on an alternate domain name: no signed cookie can reach a *.cloudfront.net host (COOKIE_DOMAIN_MISMATCH).
    const canned = v.canned.find((c) => c.url.startsWith("https://cdn.example.com/"));
    const dir = v.custom.find((c) => c.id === "path-wildcard-dir");
    for (const engine of ENGINES) {
      const s = await signer({ engine });
      const cookies = await s.signCookies({ resource: canned.url, expires: v.expires, domain: "example.com" });
      equal(cookies.kind, "canned", `${engine}: kind`);
      equal(cookies.cookies["CloudFront-Expires"], String(v.expires), `${engine}: CloudFront-Expires`);
      equal(cookies.cookies["CloudFront-Signature"], canned.sha256.signature, `${engine}: CloudFront-Signature`);
      equal(cookies.cookies["CloudFront-Key-Pair-Id"], KPID, `${engine}: CloudFront-Key-Pair-Id`);
      const policy = await s.signPolicy({ resource: dir.options.resource, expires: v.expires });
      equal(policy.apply(dir.url), dir.sha256.url, `${engine}: signPolicy(...).apply(url)`);
    }
  });

  test("signPlaylist resolves a relative URI and signs it byte for byte as the vectors; other bytes stay (both engines)", async () => {
    const c = v.canned[0];
    const slash = c.url.lastIndexOf("/");
    const playlist = (a, b) =>
      `#EXTM3U\r\n#EXT-X-TARGETDURATION:4\r\n#EXTINF:4,\r\n${a}\r\n# note\r\n#EXTINF:4,\r\n${b}\r\n#EXT-X-ENDLIST`;
    for (const engine of ENGINES) {
      const s = await signer({ engine });
      const r = await s.signPlaylist(playlist(c.url.slice(slash + 1), c.url), {
        baseUrl: `${c.url.slice(0, slash)}/index.m3u8`,
        expires: v.expires,
      });
      equal(r.text, playlist(c.sha256.url, c.sha256.url), `${engine}: the signed playlist`);
      same([r.signed, r.failures.length], [2, 0], `${engine}: counts`);
    }
  });

  test("verifyUrl accepts the URLs signed here (RSA and ECDSA) and refuses a tampered one", async () => {
    const c = v.custom.find((x) => x.id === "path-explicit-ip24");
    const rsaUrl = await (await signer()).signUrl(c.url, { expires: v.expires, ...c.options });
    const ecUrl = await (
      await createSigner({ keyPairId: KPID, privateKey: p256.pkcs8Pem, clock })
    ).signUrl(c.url, { expires: v.expires, ...c.options });
    for (const [name, url, key] of [
      ["RSA", rsaUrl, rsa.spkiPem],
      ["ECDSA", ecUrl, p256.spkiPem],
    ]) {
      const result = await lib.verifyUrl(url, { publicKeys: { [KPID]: key }, now: nowSeconds, clientIp: "192.0.2.7" });
      same([result.valid, result.reason], [true, "OK"], `${name}: ${result.message}`);
      const tampered = url.replace("/gallery/", "/galleri/");
      const bad = await lib.verifyUrl(tampered, { publicKeys: { [KPID]: key }, now: nowSeconds });
      equal(bad.valid, false, `${name}: tampered URL`);
    }
  });

  test("createGate lets a signed URL and signed cookies through without the signing data, and answers CloudFront's 403s", async () => {
    const c = v.custom.find((x) => x.id === "path-explicit-ip24");
    const s = await signer();
    const url = await s.signUrl(c.url, { expires: v.expires, ...c.options });
    const seen = [];
    const gateOf = (clientIp) =>
      lib.createGate({
        publicKeys: { [KPID]: rsa.spkiPem },
        now: nowSeconds,
        clientIp: () => clientIp,
        origin: (request) => {
          seen.push([request.url, request.headers.get("cookie")]);
          return new Response("origin", { status: 200 });
        },
      });
    const allowed = await gateOf("192.0.2.7")(new Request(url));
    equal(allowed.status, 200, "allowed");
    equal(await allowed.text(), "origin", "origin body");
    same(seen, [[c.url, null]], "the origin saw the URL without signing parameters");
    const xml = (code, message) =>
      `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
    const cases = [
      [
        "no client IP (fails closed)",
        gateOf(undefined),
        new Request(url),
        "IP_ADDRESS_NOT_CHECKED",
        xml("AccessDenied", "Access denied"),
      ],
      ["wrong IP", gateOf("198.51.100.1"), new Request(url), "IP_NOT_ALLOWED", xml("AccessDenied", "Access denied")],
      [
        "another path",
        gateOf("192.0.2.7"),
        new Request(url.replace("/gallery/", "/galleri/")),
        "RESOURCE_MISMATCH",
        xml("AccessDenied", "Access denied"),
      ],
      [
        "tampered signature",
        gateOf("192.0.2.7"),
        new Request(url.replace(/&Signature=(.)/, (_, ch) => `&Signature=${ch === "A" ? "B" : "A"}`)),
        "BAD_SIGNATURE",
        xml("AccessDenied", "Access denied"),
      ],
      [
        "unsigned",
        gateOf("192.0.2.7"),
        new Request(c.url),
        "MISSING_KEY_PAIR_ID",
        xml("MissingKey", "Missing Key-Pair-Id query parameter or cookie value"),
      ],
      [
        "unknown key",
        gateOf("192.0.2.7"),
        new Request(url.replace(`Key-Pair-Id=${KPID}`, "Key-Pair-Id=KUNKNOWN")),
        "UNKNOWN_KEY",
        xml("AccessDenied", "Unknown Key"),
      ],
    ];
    for (const [name, gate, request, reason, body] of cases) {
      const r = await gate(request);
      same(
        [r.status, r.headers.get("content-type"), r.headers.get("x-cfsign-reason"), await r.text()],
        [403, "text/xml", reason, body],
        name,
      );
    }
    // Browsers drop a Cookie header from a Request a page builds (a forbidden header name in the Fetch
    // standard), so this part cannot run there; every other runtime checks it.
    if (new Request("https://cdn.example.com/", { headers: { cookie: "a=1" } }).headers.get("cookie") === null) return;
    // Signed cookies on an alternate domain name: none can reach a *.cloudfront.net host (COOKIE_DOMAIN_MISMATCH).
    const { cookies } = await s.signCookies({ resource: "https://cdn.example.com/gallery/*", expires: v.expires });
    const header = ["a=1", ...Object.entries(cookies).map(([n, value]) => `${n}=${value}`)].join("; ");
    seen.length = 0;
    const viaCookies = await gateOf(undefined)(
      new Request("https://cdn.example.com/gallery/2.jpg", { headers: { cookie: header } }),
    );
    equal(viaCookies.status, 200, "signed cookies");
    same(seen, [["https://cdn.example.com/gallery/2.jpg", "a=1"]], "the origin saw no signing cookie");
  });

  test("redirectToSigned answers 302 with the signed URL", async () => {
    const c = v.canned[0];
    const response = await lib.redirectToSigned(await signer(), c.url, { expires: v.expires });
    equal(response.status, 302, "status");
    equal(response.headers.get("location"), c.sha256.url, "Location");
  });

  // --------------------------------------------------------------------------- refused inputs

  const rows = badUrlRows(nowSeconds, v.expires);
  const GOOD = "https://d111111abcdef8.cloudfront.net/images/photo.jpg";
  for (const engine of ENGINES) {
    test(`${rows.length} bad URL inputs are refused with the right code, alone and within a batch (${engine})`, async () => {
      const s = await signer({ engine });
      for (const [name, url, over, code] of rows) {
        const err = await rejectsWithCode(s.signUrl(url, { expires: v.expires, ...over }), code, `signUrl ${name}:`);
        ok(err instanceof CfSignError, `${name}: instanceof CfSignError`);
        const results = await s.signUrls([
          { url: GOOD, expires: v.expires },
          { url, expires: v.expires, ...over },
          { url: `${GOOD}?w=2`, expires: v.expires },
        ]);
        same(
          results.map((r) => (r.ok ? "ok" : `${r.index} ${r.error.code} ${r.error.index}`)),
          ["ok", `1 ${code} 1`, "ok"],
          `signUrls ${name}`,
        );
      }
      const strict = await rejectsWithCode(
        s.signUrls([GOOD, "/relative"], { expires: v.expires, strict: true }),
        "BATCH_FAILED",
        "strict batch",
      );
      same(strict.failures, [{ index: 1, code: "INVALID_URL" }], "strict failures");
    });
  }

  for (const backend of backends) {
    test(`${v.refusedKeys.length} keys CloudFront would not accept are refused with the vectors' codes (${backend})`, async () => {
      for (const k of v.refusedKeys) {
        const privateKey = k.pem ?? k.jwk;
        await rejectsWithCode(
          createSigner({ keyPairId: KPID, privateKey, clock, backend }),
          k.expectedCode,
          `${k.id}:`,
        );
      }
    });
  }

  test("bad signer options are refused with the right codes", async () => {
    await rejectsWithCode(signer({ keyPairId: "K2&x=1" }), "INVALID_KEY_PAIR_ID", "key pair id");
    await rejectsWithCode(signer({ keyPairId: undefined }), "INVALID_KEY_PAIR_ID", "no key pair id");
    await rejectsWithCode(signer({ privateKey: undefined }), "INVALID_KEY", "no key");
    await rejectsWithCode(signer({ hashAlgorithm: "MD5" }), "INVALID_ARGUMENT", "hash");
    await rejectsWithCode(signer({ engine: "asm" }), "INVALID_ARGUMENT", "engine");
    await rejectsWithCode(signer({ concurrency: 0 }), "INVALID_ARGUMENT", "concurrency");
    await rejectsWithCode(
      signer({ privateKey: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" }),
      "INVALID_KEY",
      "bad PEM",
    );
  });

  if (typeof extraTests === "function") extraTests(test, { equal, ok, same, rejectsWithCode });

  const report = await h.run(log);
  return { runtime: detectRuntime(), entry, ...report };
}
