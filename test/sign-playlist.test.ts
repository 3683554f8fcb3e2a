/**
 * `signer.signPlaylist`: the library's HLS playlist signing (src/playlist.ts,
 * shared with `cfsign playlist`). Every output is taken apart here with a
 * separate, deliberately plain parser; every byte that is not a URI must be
 * unchanged, and every signed URL must verify with node:crypto over the policy
 * rebuilt by hand and carry exactly the grant asked for (test/helpers/check-signed.ts),
 * never only against cfsign's own code. The command line must write the same bytes.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CfSignError, createSigner, type Signer, type SignedPlaylist } from "../src/index.js";
import { intendedPolicy, signedUrlProblems, type Grant, type SignedBy } from "./helpers/check-signed.js";
import { cfsign, requireBuild, ROOT } from "./helpers/cli.js";
import { ecKey, rsaKey, type TestKey } from "./helpers/keys.js";
import { parseSignedUrl } from "./helpers/verify.js";
import { findUris } from "./helpers/playlist-uris.js";

const HOST = "https://d111111abcdef8.cloudfront.net";
const KEY_PAIR_ID = "K2JCJMDEHXQW5F";
const EXPIRES = Math.floor(Date.now() / 1000) + 86400;
const SAMPLE = join(ROOT, "examples/sample");
const SAMPLE_BASE = `${HOST}/videos/sample/master.m3u8`;
const FIXTURES = join(ROOT, "test/fixtures/hls");

/** A media playlist with every kind of URI: relative, `../`, root-relative, query strings, absolute, skd://, key and map attributes. */
const SYNTHETIC_BASE = `${HOST}/vod/show/720p/index.m3u8`;
const SYNTHETIC = [
  "#EXTM3U",
  "#EXT-X-VERSION:7",
  "#EXT-X-TARGETDURATION:6",
  '# a comment is not a tag: URI="comment.ts" stays as it is',
  '#EXT-X-KEY:METHOD=AES-128,URI="../keys/k1.bin?kid=1",IV=0x1a2b3c4d5e6f708192a3b4c5d6e7f809',
  '#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://key-2026-11",KEYFORMAT="com.apple.streamingkeydelivery"',
  '#EXT-X-MAP:URI="init.mp4",BYTERANGE="720@0"',
  "",
  "#EXTINF:6.006,",
  "seg-00001.m4s",
  "#EXTINF:6.006,",
  "  seg-00002.m4s?token=abc&v=2  ",
  "#EXTINF:6.006,",
  "/vod/other/seg-00003.m4s",
  "#EXTINF:6.006,",
  `${HOST}/vod/show/720p/seg-00004.m4s`,
  "#EXTINF:6.006,",
  "../../ads/spot-01.m4s",
  "## another comment",
  "",
  "#EXT-X-ENDLIST",
  "",
].join("\n");

/** The absolute URLs of SYNTHETIC's URIs, written out by hand (WHATWG resolution against SYNTHETIC_BASE). */
const SYNTHETIC_RESOLVED = new Map<number, string>([
  [5, `${HOST}/vod/show/keys/k1.bin?kid=1`],
  [7, `${HOST}/vod/show/720p/init.mp4`],
  [10, `${HOST}/vod/show/720p/seg-00001.m4s`],
  [12, `${HOST}/vod/show/720p/seg-00002.m4s?token=abc&v=2`],
  [14, `${HOST}/vod/other/seg-00003.m4s`],
  [16, `${HOST}/vod/show/720p/seg-00004.m4s`],
  [18, `${HOST}/vod/ads/spot-01.m4s`],
]);

let ec: Signer;
let rsa: Signer;
const dir = mkdtempSync(join(tmpdir(), "cfsign-sign-playlist-"));
const rsaKeyFile = join(dir, "rsa.pem");

beforeAll(async () => {
  ec = await createSigner({ keyPairId: KEY_PAIR_ID, privateKey: ecKey().privatePem });
  rsa = await createSigner({ keyPairId: KEY_PAIR_ID, privateKey: rsaKey().privatePem });
  writeFileSync(rsaKeyFile, rsaKey().privatePem, { mode: 0o600 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const by = (key: TestKey): SignedBy => ({ publicKey: key.publicKey, keyPairId: KEY_PAIR_ID, hash: "SHA256" });

interface Expect {
  /** The URL the playlist is served from. */
  base: string;
  /** The grant every signed URI must carry, given its absolute URL. */
  grant: (resolved: string) => Grant;
  key: TestKey;
  keepRelative?: boolean;
  /** Lines whose URI must be left unchanged (failures). */
  unchanged?: readonly number[];
  /** Absolute URLs by line, written by hand; default: WHATWG `new URL(uri, base)`. */
  resolved?: ReadonlyMap<number, string>;
}

/**
 * Checks an output against its input: putting each original URI back in place of
 * what was written gives the input byte for byte; each signed URI is its absolute
 * URL plus the signing parameters, whose signature verifies over exactly the grant;
 * URIs that are not http(s), and the failing ones, are unchanged. Returns the
 * number of URIs verified.
 */
function check(input: string, output: string, e: Expect): number {
  const inLines = input.split("\n");
  const outLines = output.split("\n");
  expect(outLines.length).toBe(inLines.length);
  const byLine = new Map(findUris(input).map((f) => [f.line, f]));
  let verified = 0;
  const restored = outLines.map((outLine, i) => {
    const f = byLine.get(i + 1);
    if (f === undefined) return outLine;
    expect(outLine.startsWith(f.before) && outLine.endsWith(f.after), `line ${i + 1}: only the URI changed`).toBe(true);
    const written = outLine.slice(f.before.length, outLine.length - f.after.length);
    const skip = !/^https?:/i.test(f.uri) && /^[a-z][a-z0-9+.-]*:/i.test(f.uri);
    if (skip || e.unchanged?.includes(i + 1)) {
      expect(written, `line ${i + 1}: left as it was`).toBe(f.uri);
      return outLine;
    }
    const relative = !/^https?:/i.test(f.uri);
    const resolved = e.resolved?.get(i + 1) ?? new URL(f.uri, e.base).href;
    let absolute = written;
    if (relative && e.keepRelative === true) {
      expect(written.startsWith(f.uri + (f.uri.includes("?") ? "&" : "?")), `line ${i + 1}: kept relative`).toBe(true);
      absolute = resolved + written.slice(f.uri.length);
    }
    expect(signedUrlProblems(absolute, resolved, e.grant(resolved), by(e.key)), `line ${i + 1}`).toEqual([]);
    verified++;
    return f.before + f.uri + f.after;
  });
  expect(restored.join("\n")).toBe(input);
  return verified;
}

const canned = (resolved: string): Grant => ({ custom: false, resource: resolved, expires: EXPIRES });
const sharedFor = (resource: string) => (): Grant => ({ custom: true, resource, expires: EXPIRES });

function sampleFiles(): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith(".m3u8")) out.push(join(d, e.name).slice(SAMPLE.length + 1));
    }
  };
  walk(SAMPLE);
  return out.sort();
}

describe("per-uri", () => {
  test("every sample playlist (master and media): each URI signed on its own, canned, every other byte unchanged", async () => {
    const files = sampleFiles();
    expect(files).toEqual([
      "audio/en/index.m3u8",
      "master.m3u8",
      "video/360p/index.m3u8",
      "video/720p/iframes.m3u8",
      "video/720p/index.m3u8",
    ]);
    let total = 0;
    for (const file of files) {
      const text = readFileSync(join(SAMPLE, file), "utf8");
      const base = new URL(file, SAMPLE_BASE).href;
      const result = await ec.signPlaylist(text, { baseUrl: base, expires: EXPIRES });
      expect(result.failures, file).toEqual([]);
      expect(result.mode).toBe("per-uri");
      expect(result.policy).toBeUndefined();
      const verified = check(text, result.text, { base, grant: canned, key: ecKey() });
      expect(result.signed, file).toBe(verified);
      expect(result.uris, file).toBe(verified);
      total += verified;
    }
    expect(total).toBe(31);
  });

  test("synthetic: relative, ../, root-relative, query strings, absolute, key and map attributes; skd:// and comments left", async () => {
    const result = await ec.signPlaylist(SYNTHETIC, { baseUrl: SYNTHETIC_BASE, expires: EXPIRES });
    expect(result.failures).toEqual([]);
    expect(result).toMatchObject({ uris: 7, signed: 7, skipped: 1, lowLatency: false });
    expect(
      check(SYNTHETIC, result.text, {
        base: SYNTHETIC_BASE,
        grant: canned,
        key: ecKey(),
        resolved: SYNTHETIC_RESOLVED,
      }),
    ).toBe(7);
    expect(result.text).toContain('# a comment is not a tag: URI="comment.ts" stays as it is\n');
    expect(result.text).toContain('URI="skd://key-2026-11"');
    expect(result.text).toContain(
      `\n  ${HOST}/vod/show/720p/seg-00002.m4s?token=abc&v=2&Expires=${EXPIRES}&Signature=`,
    );
  });

  test("CRLF, a byte order mark and no final newline are kept", async () => {
    const text = "\uFEFF" + SYNTHETIC.replace(/\n/g, "\r\n").replace(/\r\n$/, "");
    const result = await ec.signPlaylist(text, { baseUrl: SYNTHETIC_BASE, expires: new Date(EXPIRES * 1000) });
    expect(result.failures).toEqual([]);
    expect(result.text.startsWith("\uFEFF#EXTM3U\r\n")).toBe(true);
    expect(result.text.endsWith("#EXT-X-ENDLIST")).toBe(true);
    expect(result.text.match(/\r\n/g)!.length).toBe(text.match(/\r\n/g)!.length);
    expect(
      check(text, result.text, { base: SYNTHETIC_BASE, grant: canned, key: ecKey(), resolved: SYNTHETIC_RESOLVED }),
    ).toBe(7);
  });

  test("starts and ipAddress give each URI its own custom policy, exactly the grant asked for", async () => {
    const starts = Math.floor(Date.now() / 1000) - 60;
    const result = await ec.signPlaylist(SYNTHETIC, {
      baseUrl: SYNTHETIC_BASE,
      expires: EXPIRES,
      starts,
      ipAddress: "192.0.2.0/24",
    });
    expect(result.failures).toEqual([]);
    const grant = (resolved: string): Grant => ({
      custom: true,
      resource: resolved,
      expires: EXPIRES,
      starts,
      ipAddress: "192.0.2.0/24",
    });
    expect(
      check(SYNTHETIC, result.text, { base: SYNTHETIC_BASE, grant, key: ecKey(), resolved: SYNTHETIC_RESOLVED }),
    ).toBe(7);
  });

  test("keepRelative: relative URIs stay relative with the signing query appended", async () => {
    const result = await ec.signPlaylist(SYNTHETIC, { baseUrl: SYNTHETIC_BASE, expires: EXPIRES, keepRelative: true });
    expect(result.text).toContain(`\nseg-00001.m4s?Expires=${EXPIRES}&Signature=`);
    expect(result.text).toContain('URI="../keys/k1.bin?kid=1&Expires=');
    expect(
      check(SYNTHETIC, result.text, {
        base: SYNTHETIC_BASE,
        grant: canned,
        key: ecKey(),
        keepRelative: true,
        resolved: SYNTHETIC_RESOLVED,
      }),
    ).toBe(7);
  });
});

describe("shared", () => {
  test("sample master: one policy for the playlist's folder, signed once and applied to every URI", async () => {
    const text = readFileSync(join(SAMPLE, "master.m3u8"), "utf8");
    const result = await rsa.signPlaylist(text, { baseUrl: SAMPLE_BASE, expires: EXPIRES, mode: "shared" });
    const folder = `${HOST}/videos/sample/*`;
    expect(result.failures).toEqual([]);
    expect(result.mode).toBe("shared");
    expect(result.policy?.resource).toBe(folder);
    expect(Buffer.from(result.policy!.policy).toString("utf8")).toBe(intendedPolicy(sharedFor(folder)()));
    expect(check(text, result.text, { base: SAMPLE_BASE, grant: sharedFor(folder), key: rsaKey() })).toBe(5);
    const policies = new Set(findUris(result.text).map((f) => parseSignedUrl(f.uri).params.get("Policy")));
    expect(policies.size).toBe(1);
  });

  test("a media playlist with URIs outside its folder: they are reported by line, the rest signed; a wider resource covers them", async () => {
    const file = "video/720p/index.m3u8";
    const text = readFileSync(join(SAMPLE, file), "utf8");
    const base = new URL(file, SAMPLE_BASE).href;
    const folder = `${HOST}/videos/sample/video/720p/*`;
    // Outside the folder: the key (../../keys/) and a bumper's init section and segment from another folder.
    const outside = findUris(text).filter((f) => !new URL(f.uri, base).href.startsWith(folder.slice(0, -1)));
    expect(outside.map((f) => f.line)).toEqual([7, 25, 27]);
    const narrow = await rsa.signPlaylist(text, { baseUrl: base, expires: EXPIRES, mode: "shared" });
    expect(narrow.failures.map((f) => [f.line, f.kind, f.error.code])).toEqual([
      [7, "key", "RESOURCE_MISMATCH"],
      [25, "map", "RESOURCE_MISMATCH"],
      [27, "segment", "RESOURCE_MISMATCH"],
    ]);
    expect(narrow.failures[0]!.error).toBeInstanceOf(CfSignError);
    expect(narrow.failures[0]!.error.index).toBe(narrow.failures[0]!.index);
    expect(narrow.signed).toBe(narrow.uris - 3);
    expect(check(text, narrow.text, { base, grant: sharedFor(folder), key: rsaKey(), unchanged: [7, 25, 27] })).toBe(
      narrow.signed,
    );

    const wide = await rsa.signPlaylist(text, {
      baseUrl: base,
      expires: EXPIRES,
      mode: "shared",
      resource: `${HOST}/videos/sample/*`,
    });
    expect(wide.failures).toEqual([]);
    expect(check(text, wide.text, { base, grant: sharedFor(`${HOST}/videos/sample/*`), key: rsaKey() })).toBe(
      wide.uris,
    );
  });

  test("Low-Latency HLS is flagged, and signs in shared mode", async () => {
    const text = readFileSync(join(FIXTURES, "media-ll.m3u8"), "utf8");
    const base = `${HOST}/live/show/media-ll.m3u8`;
    const result = await ec.signPlaylist(text, {
      baseUrl: base,
      expires: EXPIRES,
      mode: "shared",
      resource: `${HOST}/live/*`,
    });
    expect(result).toMatchObject({ lowLatency: true, uris: 13, signed: 13, skipped: 1 });
    expect(check(text, result.text, { base, grant: sharedFor(`${HOST}/live/*`), key: ecKey() })).toBe(13);
  });
});

describe("failures", () => {
  const bad = [
    "#EXTM3U",
    "#EXT-X-TARGETDURATION:6",
    "#EXTINF:6,",
    "seg 1.ts",
    "#EXTINF:6,",
    "seg-2.ts",
    "#EXTINF:6,",
    `${HOST}/vod/show/720p/seg-3.ts?Signature=old`,
    '#EXT-X-MAP:URI="init\u00e9.mp4"',
    "#EXTINF:6,",
    "seg-4.ts#t=1",
    "#EXTINF:6,",
    `${HOST}/vod/show/720p/seg-5.ts`,
    "",
  ].join("\n");

  test("a bad URI is reported with its line and left unchanged; the others are signed", async () => {
    for (const mode of ["per-uri", "shared"] as const) {
      const result = await ec.signPlaylist(bad, { baseUrl: SYNTHETIC_BASE, expires: EXPIRES, mode });
      expect(
        result.failures.map((f) => [f.line, f.error.code]),
        mode,
      ).toEqual([
        [4, "URL_UNSAFE_CHARACTER"],
        [8, "URL_HAS_SIGNING_PARAMETER"],
        [9, "URL_UNSAFE_CHARACTER"],
        [11, "URL_UNSAFE_CHARACTER"],
      ]);
      for (const f of result.failures) {
        expect(f.error.index).toBe(f.index);
        expect(f.error.message).not.toMatch(/seg|init|d111111abcdef8/);
      }
      expect(result).toMatchObject({ uris: 6, signed: 2, skipped: 0 });
      const grant = mode === "shared" ? sharedFor(`${HOST}/vod/show/720p/*`) : canned;
      expect(check(bad, result.text, { base: SYNTHETIC_BASE, grant, key: ecKey(), unchanged: [4, 8, 9, 11] })).toBe(2);
    }
  });

  test("strict: one BATCH_FAILED listing the failing URIs, no text", async () => {
    const err = await rsa
      .signPlaylist(bad, { baseUrl: SYNTHETIC_BASE, expires: EXPIRES, strict: true })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CfSignError);
    expect((err as CfSignError).code).toBe("BATCH_FAILED");
    expect((err as CfSignError).failures?.map((f) => f.code)).toEqual([
      "URL_UNSAFE_CHARACTER",
      "URL_HAS_SIGNING_PARAMETER",
      "URL_UNSAFE_CHARACTER",
      "URL_UNSAFE_CHARACTER",
    ]);
    expect((err as CfSignError).message).toContain("line 4 (URL_UNSAFE_CHARACTER), line 8 (URL_HAS_SIGNING_PARAMETER)");
  });

  test("refusals of the whole call, with typed errors", async () => {
    const code = (p: Promise<unknown>): Promise<string> =>
      p.then(
        () => "resolved",
        (e: unknown) => (e instanceof CfSignError ? e.code : `not a CfSignError: ${String(e)}`),
      );
    const ok = { baseUrl: SYNTHETIC_BASE, expires: EXPIRES };
    const mpd = readFileSync(join(SAMPLE, "manifest.mpd"), "utf8");
    expect(await code(ec.signPlaylist(mpd, ok))).toBe("INVALID_ARGUMENT");
    expect(await code(ec.signPlaylist("#EXTINF:4,\nseg.ts\n", ok))).toBe("INVALID_ARGUMENT");
    expect(await code(ec.signPlaylist(42 as unknown as string, ok))).toBe("INVALID_ARGUMENT");
    expect(await code(ec.signPlaylist(SYNTHETIC, undefined as never))).toBe("INVALID_ARGUMENT");
    expect(await code(ec.signPlaylist(SYNTHETIC, { expires: EXPIRES } as never))).toBe("INVALID_ARGUMENT");
    expect(await code(ec.signPlaylist(SYNTHETIC, { ...ok, baseUrl: "/vod/index.m3u8" }))).toBe("INVALID_URL");
    expect(await code(ec.signPlaylist(SYNTHETIC, { ...ok, baseUrl: `${SYNTHETIC_BASE}#x` }))).toBe("URL_HAS_FRAGMENT");
    expect(await code(ec.signPlaylist(SYNTHETIC, { ...ok, mode: "both" as never }))).toBe("INVALID_ARGUMENT");
    expect(await code(ec.signPlaylist(SYNTHETIC, { baseUrl: SYNTHETIC_BASE } as never))).toBe("INVALID_DATE");
    expect(await code(ec.signPlaylist(SYNTHETIC, { ...ok, expires: 1_000_000 }))).toBe("EXPIRES_IN_PAST");
    expect(await code(ec.signPlaylist(SYNTHETIC, { ...ok, ipAddress: "2001:db8::1" }))).toBe("IPV6_NOT_SUPPORTED");
    expect(await code(ec.signPlaylist(SYNTHETIC, { ...ok, mode: "shared", resource: "*" }))).toBe("RESOURCE_TOO_BROAD");
    // A * in the folder is a character of the URL but would be a wildcard in the shared policy (a wider grant).
    const starBase = `${HOST}/vod/a*b/index.m3u8`;
    expect(await code(ec.signPlaylist(SYNTHETIC, { ...ok, baseUrl: starBase, mode: "shared" }))).toBe(
      "URL_HAS_WILDCARD",
    );
    expect(
      await code(ec.signPlaylist(SYNTHETIC, { ...ok, baseUrl: starBase, mode: "shared", resource: `${HOST}/vod/*` })),
    ).toBe("resolved");
    const message = await ec
      .signPlaylist(SYNTHETIC, { ...ok, baseUrl: "/vod/index.m3u8" })
      .catch((e: Error) => e.message);
    expect(message).toMatch(/^baseUrl: /);
    // A prototype-polluted option never widens the grant.
    const polluted = Object.create({ resource: "*", allowAnyResource: true }) as { baseUrl: string; expires: number };
    Object.assign(polluted, ok);
    const result = await ec.signPlaylist(SYNTHETIC, polluted);
    expect(
      check(SYNTHETIC, result.text, {
        base: SYNTHETIC_BASE,
        grant: canned,
        key: ecKey(),
        resolved: SYNTHETIC_RESOLVED,
      }),
    ).toBe(7);
  });

  test("the same result with the js engine and the webcrypto backend", async () => {
    const other = await createSigner({
      keyPairId: KEY_PAIR_ID,
      privateKey: rsaKey().privatePem,
      engine: "js",
      backend: "webcrypto",
    });
    for (const mode of ["per-uri", "shared"] as const) {
      const a: SignedPlaylist = await rsa.signPlaylist(SYNTHETIC, { baseUrl: SYNTHETIC_BASE, expires: EXPIRES, mode });
      const b = await other.signPlaylist(SYNTHETIC, { baseUrl: SYNTHETIC_BASE, expires: EXPIRES, mode });
      expect(b.text).toBe(a.text);
    }
  });
});

/** A media playlist whose URIs are all absolute (and one skd:// key, left): it needs no baseUrl. */
const ABSOLUTE = [
  "#EXTM3U",
  "#EXT-X-TARGETDURATION:6",
  `#EXT-X-KEY:METHOD=AES-128,URI="${HOST}/vod/show/keys/k1.bin?kid=1",IV=0x1a2b3c4d5e6f708192a3b4c5d6e7f809`,
  '#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://key-2026-11",KEYFORMAT="com.apple.streamingkeydelivery"',
  `#EXT-X-MAP:URI="${HOST}/vod/show/720p/init.mp4"`,
  "#EXTINF:6.006,",
  `${HOST}/vod/show/720p/seg-00001.m4s`,
  "#EXTINF:6.006,",
  `${HOST}/vod/ads/spot-01.m4s?v=2`,
  "#EXT-X-ENDLIST",
  "",
].join("\n");

describe("without baseUrl", () => {
  const refusal = (p: Promise<unknown>): Promise<{ code: string; message: string }> =>
    p.then(
      () => ({ code: "resolved", message: "" }),
      (e: unknown) =>
        e instanceof CfSignError
          ? { code: e.code, message: e.message }
          : { code: "not a CfSignError", message: String(e) },
    );

  test("a playlist whose URIs are all absolute signs without baseUrl, the same bytes as with one (per URI and shared)", async () => {
    const modes = [
      [{ mode: "per-uri" }, canned],
      [{ mode: "shared", resource: `${HOST}/vod/*` }, sharedFor(`${HOST}/vod/*`)],
    ] as const;
    for (const [options, grant] of modes) {
      const without = await rsa.signPlaylist(ABSOLUTE, { expires: EXPIRES, ...options });
      const withBase = await rsa.signPlaylist(ABSOLUTE, { baseUrl: SYNTHETIC_BASE, expires: EXPIRES, ...options });
      expect(without.failures, options.mode).toEqual([]);
      expect(without).toMatchObject({ mode: options.mode, uris: 4, signed: 4, skipped: 1 });
      expect(without.text, options.mode).toBe(withBase.text);
      expect(check(ABSOLUTE, without.text, { base: SYNTHETIC_BASE, grant, key: rsaKey() }), options.mode).toBe(4);
    }
  });

  test("a relative URI is refused for the whole call with INVALID_ARGUMENT naming the line of the first one", async () => {
    expect(await refusal(ec.signPlaylist(SYNTHETIC, { expires: EXPIRES }))).toEqual({
      code: "INVALID_ARGUMENT",
      message:
        "the playlist has relative URIs (the first on line 5); give baseUrl, the URL the playlist is served from",
    });
    // After absolute ones, and in shared mode with a resource (the policy has a resource, the URI still no base).
    const late = ABSOLUTE.replace(`${HOST}/vod/ads/spot-01.m4s?v=2`, "spot-01.m4s");
    for (const options of [{}, { mode: "shared", resource: `${HOST}/vod/*` }] as const) {
      expect(await refusal(ec.signPlaylist(late, { expires: EXPIRES, ...options }))).toEqual({
        code: "INVALID_ARGUMENT",
        message:
          "the playlist has relative URIs (the first on line 9); give baseUrl, the URL the playlist is served from",
      });
    }
  });

  test('mode: "shared" needs resource: there is no folder for the policy to default to', async () => {
    expect(await refusal(ec.signPlaylist(ABSOLUTE, { expires: EXPIRES, mode: "shared" }))).toEqual({
      code: "INVALID_ARGUMENT",
      message: `mode: "shared" needs baseUrl (the policy then covers the playlist's folder) or resource`,
    });
    // The policy options are checked first, as in every call.
    expect((await refusal(ec.signPlaylist(ABSOLUTE, { expires: 1_000_000, mode: "shared" }))).code).toBe(
      "EXPIRES_IN_PAST",
    );
  });

  test("signPlaylists and signManifest still need baseUrl (the master is loaded from it; DASH resolves BaseURLs)", async () => {
    const load = (): string => ABSOLUTE;
    expect(await refusal(ec.signPlaylists({ expires: EXPIRES, load } as never))).toEqual({
      code: "INVALID_ARGUMENT",
      message: "signPlaylists needs baseUrl: the absolute URL the file is served from",
    });
    const mpd = readFileSync(join(SAMPLE, "manifest.mpd"), "utf8");
    expect((await refusal(ec.signManifest(mpd, { expires: EXPIRES } as never))).code).toBe("INVALID_ARGUMENT");
  });
});

describe("the command line writes the same bytes (RSA: deterministic signatures)", () => {
  beforeAll(() => requireBuild());

  const cases: [
    string,
    () => string,
    string,
    string[],
    { mode?: "per-uri" | "shared"; keepRelative?: boolean; resource?: string },
  ][] = [
    ["sample master, per-uri", () => readFileSync(join(SAMPLE, "master.m3u8"), "utf8"), SAMPLE_BASE, [], {}],
    [
      "sample master, shared",
      () => readFileSync(join(SAMPLE, "master.m3u8"), "utf8"),
      SAMPLE_BASE,
      ["--shared"],
      { mode: "shared" },
    ],
    [
      "sample media playlist, shared with a failing key",
      () => readFileSync(join(SAMPLE, "video/720p/index.m3u8"), "utf8"),
      `${HOST}/videos/sample/video/720p/index.m3u8`,
      ["--shared"],
      { mode: "shared" },
    ],
    ["synthetic, per-uri, kept relative", () => SYNTHETIC, SYNTHETIC_BASE, ["--keep-relative"], { keepRelative: true }],
    [
      "synthetic with a BOM, CRLF and no final newline, per-uri",
      () => "\uFEFF" + SYNTHETIC.replace(/\n/g, "\r\n").replace(/\r\n$/, ""),
      SYNTHETIC_BASE,
      [],
      {},
    ],
    [
      "Low-Latency fixture, shared with a resource",
      () => readFileSync(join(FIXTURES, "media-ll.m3u8"), "utf8").replace(/\n/g, "\r\n"),
      `${HOST}/live/show/media-ll.m3u8`,
      ["--shared", "--policy-resource", `${HOST}/live/*`],
      { mode: "shared", resource: `${HOST}/live/*` },
    ],
  ];

  test.each(cases)("%s", async (_label, read, base, args, options) => {
    const text = read();
    const lib = await rsa.signPlaylist(text, { baseUrl: base, expires: EXPIRES, ...options });
    const run = await cfsign(
      [
        "playlist",
        "--input",
        "-",
        "--base-url",
        base,
        "--quiet",
        "--key-pair-id",
        KEY_PAIR_ID,
        "--private-key",
        rsaKeyFile,
        "--date-less-than",
        String(EXPIRES),
        ...args,
      ],
      { stdin: text },
    );
    expect(run.status, run.stderr).toBe(lib.failures.length === 0 ? 0 : 1);
    expect(run.stdout).toBe(lib.text);
    expect(lib.text).not.toBe(text);
    for (const f of lib.failures)
      expect(run.stderr).toContain(`cfsign: line ${f.line}: ${f.error.code}: ${f.error.message}\n`);
  });

  test("absolute URIs without --base-url: the bytes of signPlaylist without baseUrl, per URI and shared", async () => {
    const keyArgs = ["--key-pair-id", KEY_PAIR_ID, "--private-key", rsaKeyFile, "--date-less-than", String(EXPIRES)];
    const modes = [
      [[], {}],
      [["--shared", "--policy-resource", `${HOST}/vod/*`], { mode: "shared", resource: `${HOST}/vod/*` }],
    ] as const;
    for (const [args, options] of modes) {
      const lib = await rsa.signPlaylist(ABSOLUTE, { expires: EXPIRES, ...options });
      const run = await cfsign(["playlist", "--input", "-", "--quiet", ...keyArgs, ...args], { stdin: ABSOLUTE });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toBe(lib.text);
    }
  });
});
