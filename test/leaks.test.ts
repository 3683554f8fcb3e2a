/**
 * Keys never leak. Every error code the library can raise is provoked (a table typed
 * over `CfSignErrorCode`, so a new code fails to compile here until it is provoked),
 * through both backends and with every key form (PEM, encrypted PEM, PKCS#1, SEC1, DER,
 * JWK, KeyObject, CryptoKey, custom signer); then the command line's failures, with and
 * without CFSIGN_DEBUG. Every message, `toString`, `util.inspect` (causes included),
 * `JSON.stringify` and stack of every error, signer, shared policy and verify result is
 * searched for: any 16-character window of a private key's base64 (PEM body or DER),
 * of its hex, or of a JWK's private members (d, p, q, dp, dq, qi); the passphrase; and,
 * in messages, any whole URL given or signed.
 * Last, `cfsign keygen` writes its private key 0600 (directory 0700) even under umask 000.
 */
import { spawn } from "node:child_process";
import { generateKeyPairSync, webcrypto, type KeyObject } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  CfSignError,
  createSigner,
  readJsonArray,
  readLines,
  verifyCookies,
  verifyUrl,
  type CfSignErrorCode,
  type CustomSigner,
  type PrivateKeyInput,
  type Signer,
  type SignerOptions,
} from "../src/index.js";
import { importSigningKey } from "../src/crypto/node.js";
import { jsHotPath } from "../src/engine/js.js";
import { createHotPathLoader } from "../src/engine/load.js";
import { createSignerWith } from "../src/create-signer.js";
import { kmsSigner } from "../src/kms.js";
import { hostileRows, onCookieHost } from "./helpers/hostile-inputs.js";

const NOW_MS = Date.UTC(2026, 0, 1);
const NOW = NOW_MS / 1000;
const EXPIRES = NOW + 3600;
const KID = "K2JCJMDEHXQW5F";
const HOST = "https://d111111abcdef8.cloudfront.net";
/** Signed cookies need an alternate domain name: none reaches a *.cloudfront.net host (COOKIE_DOMAIN_MISMATCH). */
const COOKIE_HOST = "https://cdn.example.com";
const PASSPHRASE = "leak-canary passphrase 8c1f 3b9d";
const ROOT = fileURLToPath(new URL("../", import.meta.url));

// ------------------------------------------------------------------------------------------ secrets

const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
const pem = (k: KeyObject, type: "pkcs8" | "pkcs1" | "sec1", extra: object = {}): string =>
  k.export({ type, format: "pem", ...extra }) as string;
const KEYS = {
  rsaPem: pem(rsa.privateKey, "pkcs8"),
  rsaPkcs1: pem(rsa.privateKey, "pkcs1"),
  rsaEncrypted: pem(rsa.privateKey, "pkcs8", { cipher: "aes-256-cbc", passphrase: PASSPHRASE }),
  rsaLegacyEncrypted: pem(rsa.privateKey, "pkcs1", { cipher: "aes-256-cbc", passphrase: PASSPHRASE }),
  ecPem: pem(ec.privateKey, "pkcs8"),
  ecSec1: pem(ec.privateKey, "sec1"),
  ecEncrypted: pem(ec.privateKey, "pkcs8", { cipher: "aes-128-cbc", passphrase: PASSPHRASE }),
};
const rsaJwk = rsa.privateKey.export({ format: "jwk" }) as JsonWebKey;
const ecJwk = ec.privateKey.export({ format: "jwk" }) as JsonWebKey;
const rsaDer = rsa.privateKey.export({ type: "pkcs8", format: "der" });
const ecDer = ec.privateKey.export({ type: "pkcs8", format: "der" });

const WINDOW = 16;
const secretWindows = new Set<string>();
function addSecret(text: string): void {
  for (let i = 0; i + WINDOW <= text.length; i++) secretWindows.add(text.slice(i, i + WINDOW));
}
for (const text of Object.values(KEYS))
  addSecret(text.replace(/-----[^-]+-----|[\s]|Proc-Type:[^\n]*|DEK-Info:[^\n]*/g, ""));
for (const der of [
  rsaDer,
  ecDer,
  rsa.privateKey.export({ type: "pkcs1", format: "der" }),
  ec.privateKey.export({ type: "sec1", format: "der" }),
]) {
  addSecret(der.toString("base64"));
  addSecret(der.toString("base64url"));
  addSecret(der.toString("hex"));
}
for (const jwk of [rsaJwk, ecJwk]) {
  for (const member of ["d", "p", "q", "dp", "dq", "qi"] as const) {
    const value = jwk[member];
    if (value !== undefined) {
      addSecret(value);
      addSecret(Buffer.from(value, "base64url").toString("hex"));
    }
  }
}

/** URLs given to or made by the signer in this file, which no message may hold whole. */
const urlsSeen = new Set<string>();

/** Every secret (and, if `messages`, every whole URL) found in `text`. */
function leaksIn(text: string, messages: boolean): string[] {
  const found: string[] = [];
  if (text.includes(PASSPHRASE)) found.push("the passphrase");
  for (let i = 0; i + WINDOW <= text.length; i++) {
    if (secretWindows.has(text.slice(i, i + WINDOW))) {
      found.push(`key material ${JSON.stringify(text.slice(i, i + WINDOW))}`);
      break;
    }
  }
  if (messages)
    for (const url of urlsSeen)
      if (url.length > 30 && text.includes(url)) found.push(`a whole URL (${url.slice(0, 40)}...)`);
  return found;
}

/** Every string form of a value that could reach a log. */
function renderings(value: unknown): Record<string, string> {
  const out: Record<string, string> = {
    inspect: inspect(value, { depth: 10, showHidden: true, getters: true }),
    String: safe(() => String(value)),
    JSON: safe(() => JSON.stringify(value) ?? ""),
  };
  if (value instanceof Error) {
    out["message"] = value.message;
    out["stack"] = value.stack ?? "";
    let cause: unknown = value.cause;
    for (let depth = 0; cause !== undefined && depth < 5; depth++) {
      out[`cause ${depth}`] = inspect(cause, { depth: 10, showHidden: true });
      cause = cause instanceof Error ? cause.cause : undefined;
    }
  }
  return out;
}

function safe(f: () => string): string {
  try {
    return f();
  } catch (err) {
    return `(threw ${err instanceof Error ? err.name : typeof err})`;
  }
}

const problems: string[] = [];
/** Checks every rendering of `value`; messages (and an error's stack) must not hold a whole URL either. */
function check(what: string, value: unknown): void {
  for (const [form, text] of Object.entries(renderings(value))) {
    const isMessage =
      value instanceof Error && (form === "message" || form === "stack" || form === "String" || form === "JSON");
    for (const leak of leaksIn(text, isMessage)) problems.push(`${what} (${form}): ${leak}`);
  }
}

// ------------------------------------------------------------------------------------------ provoking every code

const provoked = new Map<CfSignErrorCode, number>();

/** Runs `f`, which must fail with `code`; checks the error. */
async function provoke(what: string, code: CfSignErrorCode, f: () => unknown): Promise<void> {
  let err: unknown;
  try {
    await f();
  } catch (e) {
    err = e;
  }
  if (!(err instanceof CfSignError)) {
    problems.push(`${what}: expected ${code}, got ${err === undefined ? "success" : String(err)}`);
    return;
  }
  if (err.code !== code) problems.push(`${what}: expected ${code}, got ${err.code}`);
  provoked.set(err.code, (provoked.get(err.code) ?? 0) + 1);
  check(what, err);
}

/** Every code, typed over the union: adding a code to CfSignErrorCode fails to compile until it is listed. */
const ALL_CODES: Record<CfSignErrorCode, true> = {
  INVALID_ARGUMENT: true,
  INVALID_URL: true,
  URL_HAS_FRAGMENT: true,
  URL_UNSAFE_CHARACTER: true,
  URL_TOO_LONG: true,
  URL_HAS_SIGNING_PARAMETER: true,
  URL_HAS_S3_SIGNATURE: true,
  URL_HAS_WILDCARD: true,
  INVALID_DATE: true,
  DATE_IN_MILLISECONDS: true,
  EXPIRES_IN_PAST: true,
  INVALID_DATE_RANGE: true,
  INVALID_IP_ADDRESS: true,
  IPV6_NOT_SUPPORTED: true,
  INVALID_RESOURCE: true,
  RESOURCE_MISMATCH: true,
  RESOURCE_TOO_BROAD: true,
  INVALID_KEY_PAIR_ID: true,
  INVALID_KEY: true,
  UNSUPPORTED_KEY: true,
  UNSUPPORTED_HASH: true,
  SIGNING_FAILED: true,
  BATCH_FAILED: true,
  ENGINE_FAILURE: true,
  INTERNAL: true,
  COOKIE_DOMAIN_NOT_ALLOWED: true,
  COOKIE_DOMAIN_MISMATCH: true,
  INVALID_COOKIE_ATTRIBUTE: true,
  COOKIE_TOO_LARGE: true,
  KEY_UNAVAILABLE: true,
  ABORTED: true,
  INVALID_UTF8: true,
  INVALID_INPUT_FORMAT: true,
  URI_HAS_VARIABLE: true,
  PLAYER_ADDS_QUERY: true,
};

const base = { keyPairId: KID, clock: () => NOW_MS } as const;
const make = (privateKey: PrivateKeyInput, extra: Partial<SignerOptions> = {}): Promise<Signer> =>
  createSigner({ ...base, privateKey, ...extra });

/** A custom signer that signs with the RSA key, refuses SHA-1 like a hardened OpenSSL, or fails. */
const custom = (mode: "ok" | "throw" | "hang" | "short"): CustomSigner => ({
  algorithm: "RSA",
  async sign(data, hash) {
    if (mode === "throw") throw new Error("remote signer unavailable");
    if (mode === "hang") return new Promise(() => {});
    if (mode === "short") return new Uint8Array(10);
    if (hash === "SHA1")
      throw Object.assign(new Error("error:03000098:digital envelope routines::invalid digest"), {
        code: "ERR_OSSL_EVP_INVALID_DIGEST",
      });
    const { sign } = await import("node:crypto");
    return new Uint8Array(sign("sha256", data, rsa.privateKey));
  },
});

describe("the library", () => {
  const signers: Signer[] = [];
  beforeAll(async () => {
    for (const backend of ["node", "webcrypto"] as const) {
      signers.push(await make(KEYS.rsaPem, { backend }));
      signers.push(await make(KEYS.rsaEncrypted, { backend, passphrase: PASSPHRASE }));
      signers.push(await make(KEYS.ecEncrypted, { backend, passphrase: PASSPHRASE, hashAlgorithm: "SHA1" }));
      signers.push(await make(KEYS.ecSec1, { backend }));
      signers.push(await make(rsaJwk, { backend }));
      signers.push(await make(new Uint8Array(ecDer), { backend }));
    }
    signers.push(await make(KEYS.rsaPkcs1, { engine: "js" }));
    signers.push(await make(rsa.privateKey));
    signers.push(
      await make(
        await webcrypto.subtle.importKey("jwk", ecJwk, { name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]),
      ),
    );
    signers.push(await make(custom("ok")));
  });

  test("every error code, through every key form and both backends", async () => {
    const s = signers[0]!;
    // Keys and options.
    await provoke("options not an object", "INVALID_ARGUMENT", () => createSigner(null as never));
    await provoke("passphrase not a string", "INVALID_ARGUMENT", () =>
      make(KEYS.rsaEncrypted, { passphrase: 42 as never }),
    );
    await provoke("bad key pair id", "INVALID_KEY_PAIR_ID", () =>
      createSigner({ keyPairId: "K 1", privateKey: KEYS.rsaPem }),
    );
    for (const backend of ["node", "webcrypto"] as const) {
      const corrupted = KEYS.rsaPem.replace(/\n[A-Za-z0-9+/]{20}/, "\n!!!!!!!!!!!!!!!!!!!!");
      const cases: [string, PrivateKeyInput, Partial<SignerOptions>][] = [
        ["wrong passphrase", KEYS.rsaEncrypted, { passphrase: PASSPHRASE + "x" }],
        ["missing passphrase", KEYS.ecEncrypted, {}],
        ["legacy encrypted PEM, wrong passphrase", KEYS.rsaLegacyEncrypted, { passphrase: "wrong " + PASSPHRASE }],
        ["legacy encrypted PEM, right passphrase", KEYS.rsaLegacyEncrypted, { passphrase: PASSPHRASE }],
        ["truncated PEM", KEYS.rsaPem.slice(0, 900), {}],
        ["corrupted PEM body", corrupted, {}],
        ["PEM with its label changed", KEYS.ecPem.replace(/PRIVATE KEY/g, "PRIVATE KEX"), {}],
        ["public key PEM", rsa.publicKey.export({ type: "spki", format: "pem" }) as string, {}],
        ["DER cut short", new Uint8Array(rsaDer.subarray(0, 600)), {}],
        // RSA JWKs with a damaged d or p still sign correctly (OpenSSL checks the CRT result and falls back).
        ["JWK with a shortened d", { ...rsaJwk, d: rsaJwk.d!.slice(0, -8) }, {}],
        ["JWK with d not base64url", { ...ecJwk, d: `${ecJwk.d!.slice(0, 20)}!${ecJwk.d!.slice(21)}` }, {}],
        ["JWK with a shortened p", { ...rsaJwk, p: rsaJwk.p!.slice(0, -8) }, {}],
        ["JWK without d", { kty: "EC", crv: "P-256", x: ecJwk.x, y: ecJwk.y }, {}],
        ["empty string", "", {}],
      ];
      for (const [name, key, extra] of cases) {
        let err: unknown;
        try {
          await make(key, { backend, ...extra });
        } catch (e) {
          err = e;
        }
        // The legacy PEM with the right passphrase signs on node; every other case is refused.
        if (err === undefined) {
          const mayWork =
            (name.endsWith("right passphrase") && backend === "node") ||
            name === "JWK with a shortened d" ||
            name === "JWK with a shortened p";
          if (!mayWork) problems.push(`${backend} ${name}: accepted`);
          continue;
        }
        // A damaged RSA key may also fail its test signature (SIGNING_FAILED) when the signer is created.
        if (!(err instanceof CfSignError) || !["INVALID_KEY", "UNSUPPORTED_KEY", "SIGNING_FAILED"].includes(err.code)) {
          problems.push(`${backend} ${name}: ${String(err)}`);
          continue;
        }
        provoked.set(err.code, (provoked.get(err.code) ?? 0) + 1);
        check(`${backend} ${name}`, err);
      }
      const weak = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey;
      await provoke(`${backend} RSA-1024`, "UNSUPPORTED_KEY", () => make(pem(weak, "pkcs8"), { backend }));
      await provoke(`${backend} P-384 JWK`, "UNSUPPORTED_KEY", () =>
        make(generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey.export({ format: "jwk" }) as JsonWebKey, {
          backend,
        }),
      );
      await provoke(`${backend} Ed25519`, "UNSUPPORTED_KEY", () =>
        make(pem(generateKeyPairSync("ed25519").privateKey, "pkcs8"), { backend }),
      );
    }
    // Hash, signing, engine.
    const sha1 = await make(custom("ok"), { hashAlgorithm: "SHA1" });
    await provoke("custom signer refusing SHA-1", "UNSUPPORTED_HASH", () =>
      sha1.signUrl(`${HOST}/a.jpg`, { expires: EXPIRES }),
    );
    await provoke("custom signer throwing", "SIGNING_FAILED", async () =>
      (await make(custom("throw"))).signUrl(`${HOST}/a.jpg`, { expires: EXPIRES }),
    );
    await provoke("custom signer too short", "SIGNING_FAILED", async () =>
      (await make(custom("short"))).signUrl(`${HOST}/a.jpg`, { expires: EXPIRES }),
    );
    await provoke("custom signer hanging", "SIGNING_FAILED", async () =>
      (await make(custom("hang"), { signTimeoutMs: 20 })).signCookies({
        resource: `${COOKIE_HOST}/a.jpg`,
        expires: EXPIRES,
      }),
    );
    // A key service (cfsign/kms) that refuses the key, and one stopped by its AbortSignal.
    const kmsClient = (signError: Error) => ({
      async send(command: object) {
        if (command.constructor.name !== "GetPublicKeyCommand") throw signError;
        const PublicKey = new Uint8Array(rsa.publicKey.export({ type: "spki", format: "der" }));
        return {
          KeyId: "arn:aws:kms:us-east-1:111122223333:key/1234abcd",
          KeySpec: "RSA_2048",
          KeyUsage: "SIGN_VERIFY",
          PublicKey,
        };
      },
    });
    const denied = Object.assign(new Error("User: arn:aws:iam::111122223333:user/x is not authorized"), {
      name: "AccessDeniedException",
    });
    await provoke("KMS refusing the key", "KEY_UNAVAILABLE", async () =>
      (await make(await kmsSigner({ client: kmsClient(denied) as never, keyId: "alias/cloudfront" }))).signUrl(
        `${HOST}/a.jpg`,
        { expires: EXPIRES },
      ),
    );
    await provoke("KMS signer aborted", "ABORTED", () =>
      kmsSigner({ client: kmsClient(denied) as never, keyId: "alias/cloudfront", signal: AbortSignal.abort() }),
    );
    await provoke("engine that does not load", "ENGINE_FAILURE", () =>
      createSignerWith(
        { ...base, privateKey: KEYS.ecPem },
        {
          importers: { node: importSigningKey },
          defaultBackend: "node",
          loadHotPath: createHotPathLoader(() => Promise.reject(new Error("no wasm"))),
        },
      ),
    );
    // A hot path that breaks its contract (no policy for a spec): a bug, reported as INTERNAL.
    const broken = await createSignerWith(
      { ...base, privateKey: KEYS.ecPem },
      {
        importers: { node: importSigningKey },
        defaultBackend: "node",
        loadHotPath: async () => ({ ...jsHotPath, serializePolicies: () => [] }),
      },
    );
    await provoke("hot path returning no policy", "INTERNAL", () =>
      broken.signCookies({ resource: "https://cdn.example.com/a.jpg", expires: EXPIRES }),
    );
    await provoke("strict batch", "BATCH_FAILED", () =>
      s.signUrls([`${HOST}/a.jpg`, `${HOST}/b c.jpg`, `${HOST}/a.jpg#x`], { expires: EXPIRES, strict: true }),
    );
    // Every hostile row, through every signer (URL codes, date codes, IP codes, resource codes).
    const rows = hostileRows(NOW, EXPIRES);
    for (const row of rows) if (typeof row.input === "string") urlsSeen.add(row.input);
    for (const signer of signers) {
      // Codes are the hostile tests' business (and the length budget differs by key); here, every error is searched.
      for (const row of rows) {
        if (row.url === "skip" || row.url === "signed") continue;
        try {
          urlsSeen.add(await signer.signUrl(row.input as string, { expires: EXPIRES, ...row.options } as never));
        } catch (err) {
          if (err instanceof CfSignError) provoked.set(err.code, (provoked.get(err.code) ?? 0) + 1);
          check(`${signer.toString()} ${row.name}`, err);
        }
      }
      const results = await signer.signUrls(
        rows.map((r) => ({ url: r.input, expires: EXPIRES, ...r.options })) as never,
      );
      for (const r of results) {
        if (r.ok) urlsSeen.add(r.url);
        else check(`${signer.toString()} batch item ${r.index}`, r.error);
      }
    }
    // Cookies.
    for (const row of rows.filter((r) => r.cookies !== undefined && r.cookies !== "signed" && r.cookies !== "skip")) {
      const moved = onCookieHost(row);
      await provoke(`signCookies ${row.name}`, row.cookies as CfSignErrorCode, () =>
        s.signCookies({ resource: moved.input, expires: EXPIRES, ...moved.options } as never),
      );
    }
    await provoke("cookie too large", "COOKIE_TOO_LARGE", () =>
      s.signCookies({ resource: `${COOKIE_HOST}/${"a".repeat(4000)}*`, expires: EXPIRES }),
    );
    // Shared policies.
    await provoke("signPolicy without a resource", "INVALID_RESOURCE", () =>
      s.signPolicy({ expires: EXPIRES } as never),
    );
    const shared = await s.signPolicy({ resource: `${HOST}/gallery/*`, expires: EXPIRES });
    await provoke("apply outside the policy", "RESOURCE_MISMATCH", () => shared.apply(`${HOST}/private/a.jpg`));
    await provoke("expired shared policy", "EXPIRES_IN_PAST", async () => {
      const short = await createSigner({ ...base, privateKey: KEYS.ecPem, clock: () => NOW_MS });
      const p = await short.signPolicy({ resource: `${HOST}/gallery/*`, expires: NOW + 1 });
      // The same policy, applied later.
      Object.defineProperty(p, "expires", { value: NOW - 1 });
      return p.apply(`${HOST}/gallery/a.jpg`);
    });
    // Bulk input readers: a malformed input throws; a bad item is reported with its error.
    const bytes = (...chunks: string[]) =>
      (async function* () {
        for (const c of chunks) yield Buffer.from(c, "latin1");
      })();
    await provoke("JSON input that is not an array", "INVALID_INPUT_FORMAT", async () => {
      for await (const _ of readJsonArray(bytes(`{"url":"${HOST}/a.jpg"}`))) void _;
    });
    await provoke("a line that is not UTF-8", "INVALID_UTF8", async () => {
      for await (const r of readLines(bytes(`${HOST}/\xff.jpg\n`))) if (r.kind === "bad") throw r.error;
    });
    // Playlists: a URI refused per URI is reported, not thrown; its error is checked the same way.
    const firstFailure = async (text: string): Promise<never> => {
      const r = await s.signPlaylist(text, { baseUrl: `${HOST}/v/index.m3u8`, expires: EXPIRES });
      throw r.failures[0]?.error ?? new Error("no failure");
    };
    await provoke("playlist variable without a value", "URI_HAS_VARIABLE", () =>
      firstFailure('#EXTM3U\n#EXT-X-DEFINE:IMPORT="cdn"\n#EXTINF:4,\n{$cdn}/a.ts\n'),
    );
    await provoke("interstitial asset per URI", "PLAYER_ADDS_QUERY", () =>
      firstFailure(
        '#EXTM3U\n#EXT-X-DATERANGE:ID="ad",CLASS="com.apple.hls.interstitial",START-DATE="2026-01-01T00:00:00Z",X-ASSET-URI="ad/x.m3u8"\n',
      ),
    );
    const missing = Object.keys(ALL_CODES).filter((code) => !provoked.has(code as CfSignErrorCode));
    expect(missing).toEqual([]);
    expect(problems).toEqual([]);
  }, 120_000);

  test("signers, shared policies, signed output and verify results show no key material", async () => {
    for (const signer of signers) {
      check(`signer ${signer.toString()}`, signer);
      const url = await signer.signUrl(`${HOST}/gallery/a.jpg`, { expires: EXPIRES });
      const cookies = await signer.signCookies({ resource: `${COOKIE_HOST}/gallery/*`, expires: EXPIRES });
      const shared = await signer.signPolicy({
        resource: `${HOST}/gallery/*`,
        expires: EXPIRES,
        ipAddress: "192.0.2.0/24",
      });
      check("signed URL", url);
      check("signed cookies", cookies);
      check("shared policy", shared);
      check("shared policy applied", shared.applyAll([`${HOST}/gallery/b.jpg`, `${HOST}/x.jpg`]));
      urlsSeen.add(url);
    }
    const publicKeys = { [KID]: rsa.publicKey.export({ type: "spki", format: "pem" }) as string };
    const signer = signers[0]!;
    const url = await signer.signUrl(`${HOST}/gallery/a.jpg`, { expires: EXPIRES, starts: NOW - 60 });
    urlsSeen.add(url);
    const results = [
      await verifyUrl(url, { publicKeys, now: NOW }),
      await verifyUrl(url.replace("a.jpg", "b.jpg"), { publicKeys, now: NOW }),
      await verifyUrl(url + "&x=1", { publicKeys, now: NOW }),
      await verifyUrl(url, { publicKeys, now: EXPIRES + 1 }),
      await verifyUrl(url, { publicKeys: {}, now: NOW }),
      await verifyCookies(
        `${COOKIE_HOST}/gallery/a.jpg`,
        (await signer.signCookies({ resource: `${COOKIE_HOST}/gallery/*`, expires: EXPIRES })).cookies as Record<
          string,
          string
        >,
        { publicKeys, now: NOW },
      ),
    ];
    for (const r of results) {
      check(`verify result ${r.reason}`, r);
      for (const leak of leaksIn(r.message, true)) problems.push(`verify message ${r.reason}: ${leak}`);
    }
    // A private key handed to the verifier by mistake: refused or used as its public half, never shown.
    for (const [name, key] of [
      ["private PEM", KEYS.rsaPem],
      ["encrypted private PEM", KEYS.rsaEncrypted],
      ["private JWK", rsaJwk],
      ["private KeyObject", rsa.privateKey],
    ] as const) {
      try {
        check(`verify with a ${name}`, await verifyUrl(url, { publicKeys: { [KID]: key as never }, now: NOW }));
      } catch (err) {
        check(`verify with a ${name}`, err);
      }
    }
    expect(problems).toEqual([]);
  });
});

// ------------------------------------------------------------------------------------------ the command line

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cfsign(args: readonly string[], env: Record<string, string> = {}, umask?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const command = umask === undefined ? process.execPath : "/bin/sh";
    const argv =
      umask === undefined
        ? [join(ROOT, "bin/cfsign.js"), ...args]
        : ["-c", `umask ${umask} && exec "$0" "$@"`, process.execPath, join(ROOT, "bin/cfsign.js"), ...args];
    const child = spawn(command, argv, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

describe("the command line", () => {
  let dir: string;
  const files: Record<string, string> = {};
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "cfsign-leaks-"));
    const write = (name: string, content: string | Buffer): void => {
      files[name] = join(dir, name);
      writeFileSync(files[name], content, { mode: 0o600 });
    };
    write("rsa.pem", KEYS.rsaPem);
    write("encrypted.pem", KEYS.rsaEncrypted);
    write("legacy.pem", KEYS.rsaLegacyEncrypted);
    write("ec.jwk", JSON.stringify(ecJwk));
    write("bad.jwk", JSON.stringify(rsaJwk).slice(0, -20));
    write("truncated.pem", KEYS.rsaPem.slice(0, 700));
    write("rsa.der", rsaDer);
    write("weak.pem", pem(generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey, "pkcs8"));
    write("public.pem", rsa.publicKey.export({ type: "spki", format: "pem" }) as string);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const U = `${HOST}/gallery/2026/kyoto/IMG_0412.jpg`;
  const sign = (key: string, ...more: string[]): string[] => [
    "sign",
    "--url",
    U,
    "--key-pair-id",
    KID,
    `--private-key=${key}`,
    "--date-less-than",
    "2099-01-01",
    ...more,
  ];

  test("every failure, on stdout and stderr, with and without CFSIGN_DEBUG", async () => {
    urlsSeen.add(U);
    const env = { CFSIGN_PASSPHRASE: PASSPHRASE, WRONG: PASSPHRASE + "!" };
    const runs: [string, string[], Record<string, string>][] = [
      ["wrong passphrase", sign(files["encrypted.pem"]!, "--passphrase-env", "WRONG"), env],
      ["missing passphrase", sign(files["encrypted.pem"]!), env],
      ["legacy PEM, wrong passphrase", sign(files["legacy.pem"]!, "--passphrase-env", "WRONG"), env],
      ["passphrase variable unset", sign(files["encrypted.pem"]!, "--passphrase-env", "NOPE"), env],
      ["passphrase given as the variable name", sign(files["encrypted.pem"]!, `--passphrase-env=${PASSPHRASE}`), env],
      ["passphrase on the command line", sign(files["encrypted.pem"]!, `--passphrase=${PASSPHRASE}`), env],
      ["password on the command line", sign(files["encrypted.pem"]!, "--password", PASSPHRASE), env],
      ["passphrase as a stray argument", sign(files["encrypted.pem"]!, PASSPHRASE), env],
      ["passphrase as an unknown option's value", sign(files["encrypted.pem"]!, `--secret=${PASSPHRASE}`), env],
      ["the PEM itself instead of a path", sign(KEYS.rsaPem), env],
      [
        "the encrypted PEM itself instead of a path",
        sign(KEYS.rsaEncrypted, "--passphrase-env", "CFSIGN_PASSPHRASE"),
        env,
      ],
      ["the DER as base64 instead of a path", sign(rsaDer.toString("base64")), env],
      ["the JWK itself instead of a path", sign(JSON.stringify(ecJwk)), env],
      ["a JWK that is not JSON", sign(files["bad.jwk"]!), env],
      ["a truncated PEM", sign(files["truncated.pem"]!), env],
      ["RSA-1024", sign(files["weak.pem"]!), env],
      ["a public key", sign(files["public.pem"]!), env],
      ["refused URL", [...sign(files["rsa.pem"]!).slice(0, 2), `${U} x`, ...sign(files["rsa.pem"]!).slice(3)], env],
      [
        "signing parameter in the URL",
        [
          "sign",
          "--url",
          `${U}?Signature=abc`,
          "--key-pair-id",
          KID,
          `--private-key=${files["rsa.der"]!}`,
          "--date-less-than",
          "2099-01-01",
        ],
        env,
      ],
      [
        "sign-cookies, wrong passphrase",
        [
          "sign-cookies",
          "--url",
          U,
          "--key-pair-id",
          KID,
          `--private-key=${files["encrypted.pem"]!}`,
          "--passphrase-env",
          "WRONG",
          "--date-less-than",
          "2099-01-01",
        ],
        env,
      ],
      [
        "sign-cookies, the PEM itself",
        [
          "sign-cookies",
          "--url",
          U,
          "--key-pair-id",
          KID,
          `--private-key=${KEYS.ecPem}`,
          "--date-less-than",
          "2099-01-01",
        ],
        env,
      ],
      [
        "verify with the private PEM as the public key",
        [
          "verify",
          "--url",
          `${U}?Expires=1&Signature=x&Key-Pair-Id=${KID}`,
          `--public-key=${files["rsa.pem"]!}`,
          "--key-pair-id",
          KID,
        ],
        env,
      ],
      [
        "verify with the PEM itself as the public key",
        [
          "verify",
          "--url",
          `${U}?Expires=1&Signature=x&Key-Pair-Id=${KID}`,
          `--public-key=${KEYS.rsaPem}`,
          "--key-pair-id",
          KID,
        ],
        env,
      ],
    ];
    const all = [
      ...runs,
      ...runs.map(([name, args, e]): [string, string[], Record<string, string>] => [
        `${name} (CFSIGN_DEBUG)`,
        args,
        { ...e, CFSIGN_DEBUG: "1" },
      ]),
    ];
    const results = await Promise.all(all.map(([, args, e]) => cfsign(args, e)));
    const found: string[] = [];
    all.forEach(([name], i) => {
      const run = results[i]!;
      if (run.status === 0) found.push(`${name}: succeeded`);
      for (const leak of leaksIn(run.stdout + run.stderr, true)) found.push(`${name}: ${leak}`);
    });
    expect(found).toEqual([]);
    // The pasted key is named as the mistake it is.
    const pasted = results[runs.findIndex(([name]) => name === "the PEM itself instead of a path")]!;
    expect(pasted.stderr).toMatch(
      /^cfsign: KEY_FILE: --private-key takes the path of a key file, but its value looks like a key itself \(not shown\)/,
    );
    expect(pasted.status).toBe(2);
  }, 120_000);

  test.each(["rsa", "ecdsa"])(
    "keygen --type %s writes the private key 0600 and its directory 0700, even under umask 000",
    async (type) => {
      const out = join(dir, `keys-${type}`, "nested");
      const run = await cfsign(["keygen", "--type", type, "--out", out], {}, "000");
      expect(run.status, run.stderr).toBe(0);
      expect(statSync(join(out, "private_key.pem")).mode & 0o777).toBe(0o600);
      expect(statSync(out).mode & 0o777).toBe(0o700);
      const privatePem = readFileSync(join(out, "private_key.pem"), "utf8");
      addSecret(privatePem.replace(/-----[^-]+-----|\s/g, ""));
      expect(leaksIn(run.stdout + run.stderr, false)).toEqual([]);
      // Replaced with --force: still 0600, and the old key is gone.
      const again = await cfsign(["keygen", "--type", type, "--out", out, "--force"], {}, "000");
      expect(again.status, again.stderr).toBe(0);
      expect(statSync(join(out, "private_key.pem")).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(out, "private_key.pem"), "utf8")).not.toBe(privatePem);
      expect(leaksIn(again.stdout + again.stderr, false)).toEqual([]);
      // Refusing to overwrite shows no key either.
      const refused = await cfsign(["keygen", "--type", type, "--out", out], {}, "000");
      expect(refused.status).toBe(2);
      addSecret(readFileSync(join(out, "private_key.pem"), "utf8").replace(/-----[^-]+-----|\s/g, ""));
      expect(leaksIn(refused.stdout + refused.stderr, false)).toEqual([]);
    },
  );
});
