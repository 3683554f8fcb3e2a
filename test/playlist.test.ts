/**
 * HLS and DASH rewriting: the library's scanner (src/formats/hls.ts), the MPD
 * appender (src/formats/dash.ts), and `cfsign playlist` run for real. Every URI of
 * an output is found here with a separate, deliberately plain parser and
 * verified with node:crypto over the policy rebuilt by hand
 * (test/helpers/verify.ts); every other byte must be unchanged.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { appendToMpdUrls, isMpd } from "../src/formats/dash.js";
import { isHlsPlaylist, playlistUris, rewritePlaylist } from "../src/formats/hls.js";
import { cfsign, requireBuild, ROOT } from "./helpers/cli.js";
import { ecKey } from "./helpers/keys.js";
import { parseSignedUrl, verifySignedUrl } from "./helpers/verify.js";
import { findUris, type Found } from "./helpers/playlist-uris.js";

const HOST = "https://d111111abcdef8.cloudfront.net";
const KEY_PAIR_ID = "K2JCJMDEHXQW5F";
const EXPIRES = Math.floor(Date.now() / 1000) + 86400;
const FIXTURES = join(ROOT, "test/fixtures/hls");
const SAMPLE = join(ROOT, "examples/sample");
const master = readFileSync(join(FIXTURES, "master.m3u8"), "utf8");
const mediaLL = readFileSync(join(FIXTURES, "media-ll.m3u8"), "utf8");

const dir = mkdtempSync(join(tmpdir(), "cfsign-playlist-"));
const keyFile = join(dir, "ec.pem");

beforeAll(() => {
  requireBuild();
  writeFileSync(keyFile, ecKey().privatePem, { mode: 0o600 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const keyArgs = (): string[] => [
  "--key-pair-id",
  KEY_PAIR_ID,
  "--private-key",
  keyFile,
  "--date-less-than",
  String(EXPIRES),
];

/** A CloudFront wildcard pattern as a regular expression (enough for the folder patterns used here). */
function covers(pattern: string, url: string): boolean {
  const re = new RegExp(
    "^" +
      pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".") +
      "$",
  );
  return re.test(url);
}

interface CheckOptions {
  /** The URL the playlist is served from. */
  base: string;
  keepRelative: boolean;
  shared: boolean;
}

/**
 * Checks an output against its input: the same lines; on each, only URIs changed;
 * each http(s) URI is the original (resolved unless kept relative) plus signing
 * parameters only, and its signature verifies; other URIs are untouched.
 * Returns how many URIs were verified.
 */
function checkRewrite(input: string, output: string, o: CheckOptions): number {
  const inLines = input.split("\n");
  const outLines = output.split("\n");
  expect(outLines.length).toBe(inLines.length);
  const byLine = new Map<number, Found[]>();
  for (const f of findUris(input)) byLine.set(f.line, [...(byLine.get(f.line) ?? []), f]);
  let verified = 0;
  inLines.forEach((inLine, i) => {
    const outLine = outLines[i]!;
    const uris = byLine.get(i + 1);
    if (uris === undefined) {
      expect(outLine, `line ${i + 1}`).toBe(inLine);
      return;
    }
    expect(uris.length).toBe(1);
    const f = uris[0]!;
    expect(outLine.startsWith(f.before), `line ${i + 1} before the URI`).toBe(true);
    expect(outLine.endsWith(f.after), `line ${i + 1} after the URI`).toBe(true);
    const written = outLine.slice(f.before.length, outLine.length - f.after.length);
    if (!/^https?:/i.test(f.uri) && /^[a-z][a-z0-9+.-]*:/i.test(f.uri)) {
      expect(written, `line ${i + 1}: non-http URI untouched`).toBe(f.uri);
      return;
    }
    const relative = !/^https?:/i.test(f.uri);
    const resolved = new URL(f.uri, o.base).href;
    const expectedStart = relative && o.keepRelative ? f.uri : resolved;
    expect(written.startsWith(expectedStart), `line ${i + 1}: starts with the URI`).toBe(true);
    const absolute = relative && o.keepRelative ? new URL(written, o.base).href : written;
    expect(absolute.startsWith(resolved)).toBe(true);
    const parsed = parseSignedUrl(absolute);
    expect(parsed.base, `line ${i + 1}: only signing parameters were added`).toBe(resolved);
    expect(parsed.params.get("Key-Pair-Id")).toBe(KEY_PAIR_ID);
    if (o.shared) {
      expect(parsed.params.has("Policy")).toBe(true);
      const resource = JSON.parse(parsed.policy).Statement[0].Resource as string;
      expect(covers(resource, resolved), `line ${i + 1}: the shared policy covers the URI`).toBe(true);
    } else {
      expect(parsed.params.get("Expires")).toBe(String(EXPIRES));
    }
    expect(verifySignedUrl(absolute, ecKey().publicKey), `line ${i + 1}: signature verifies`).toBe(true);
    verified++;
  });
  return verified;
}

describe("src/formats/hls.ts: finding URIs", () => {
  test("every URI of a master playlist, with its kind, tag and line; URI= inside a quoted attribute is not one", () => {
    expect(
      playlistUris(master).map(({ uri, kind, tag, line, playlist }) => [line, kind, tag ?? "", uri, playlist]),
    ).toEqual([
      [5, "session-data", "EXT-X-SESSION-DATA", "chapters.json", false],
      [6, "session-key", "EXT-X-SESSION-KEY", "skd://key-2026-11", false],
      [7, "session-key", "EXT-X-SESSION-KEY", "keys/k1.bin", false],
      [9, "media", "EXT-X-MEDIA", "audio/en.m3u8", true],
      [10, "media", "EXT-X-MEDIA", `${HOST}/live/show/subs/de.m3u8`, true],
      [14, "variant", "", "media-ll.m3u8", true],
      [16, "variant", "", "480p/index.m3u8?rev=7", true],
      [18, "variant", "", `${HOST}/live/show/240p/index.m3u8`, true],
      [19, "i-frame", "EXT-X-I-FRAME-STREAM-INF", "iframes/1080p.m3u8", true],
    ]);
  });

  test("media playlist: keys, map with byte range, segments, Low-Latency parts, preload hint, rendition reports", () => {
    expect(playlistUris(mediaLL).map(({ kind, uri }) => `${kind} ${uri}`)).toEqual([
      "key skd://key-2026-11",
      "key keys/k1.bin",
      "map init-1080p.mp4",
      "segment fileSequence266.mp4",
      "segment fileSequence266.mp4",
      "segment fileSequence268.mp4",
      "segment ../show/fileSequence269.mp4?cache=1&v=a",
      `map ${HOST}/live/ads/init.mp4`,
      `segment ${HOST}/live/ads/spot-01.m4s`,
      "part filePart271.0.mp4",
      "part filePart271.1.mp4",
      "preload-hint filePart271.2.mp4",
      "rendition-report 480p/index.m3u8",
      `rendition-report ${HOST}/live/show/240p/index.m3u8`,
    ]);
  });

  test("the scanner agrees with this test's own parser on every fixture and sample", () => {
    const files = [join(FIXTURES, "master.m3u8"), join(FIXTURES, "media-ll.m3u8"), ...sampleFiles()];
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      expect(
        playlistUris(text).map((u) => [u.line, u.uri]),
        file,
      ).toEqual(findUris(text).map((f) => [f.line, f.uri]));
    }
  });
});

describe("src/formats/hls.ts: rewriting keeps every other byte", () => {
  const mark = (text: string): string => rewritePlaylist(text, ({ uri }) => `[${uri}]`);

  test.each([
    ["LF", (t: string) => t],
    ["CRLF", (t: string) => t.replace(/\n/g, "\r\n")],
    ["CRLF with a final newline", (t: string) => t.replace(/\n/g, "\r\n") + "\r\n"],
    ["a byte order mark", (t: string) => "\uFEFF" + t],
  ])("%s", (_label, variant) => {
    for (const original of [master, mediaLL]) {
      const text = variant(original);
      expect(rewritePlaylist(text, () => undefined)).toBe(text);
      const marked = mark(text);
      // Removing the marks' brackets around each URI gives back the input exactly.
      expect(marked.replace(/\[([^\]\r\n]*)\]/g, "$1")).toBe(text);
      expect(marked.split("\n").length).toBe(text.split("\n").length);
      expect((marked.match(/\r\n/g) ?? []).length).toBe((text.match(/\r\n/g) ?? []).length);
    }
  });

  test("a byte order mark is not a URI: the #EXTM3U line stays the header", () => {
    const plain = playlistUris(master).map((u) => [u.line, u.uri]);
    expect(playlistUris("\uFEFF" + master).map((u) => [u.line, u.uri])).toEqual(plain);
    expect(plain[0]![0]).toBeGreaterThan(1);
  });

  test("a missing final newline stays missing; whitespace around a URI line stays", () => {
    expect(master.endsWith('"')).toBe(true);
    const out = mark(master);
    expect(out.endsWith('"')).toBe(true);
    expect(out).toContain("\n  [480p/index.m3u8?rev=7]  \n");
  });

  test("refuses replacements that would corrupt the playlist, and input that is not a playlist", () => {
    expect(() => rewritePlaylist(master, ({ kind }) => (kind === "variant" ? "a\nb" : undefined))).toThrow(
      /line break/,
    );
    expect(() => rewritePlaylist(master, ({ tag }) => (tag !== undefined ? 'x"y' : undefined))).toThrow(
      /line break or a "/,
    );
    expect(() => playlistUris("#EXTINF:4,\nseg.ts\n")).toThrow(/#EXTM3U/);
    expect(isHlsPlaylist("#EXTM3U\r\n")).toBe(true);
    expect(isHlsPlaylist("#EXTM3UX\n")).toBe(false);
  });
});

describe("src/formats/dash.ts: appending to a DASH manifest", () => {
  const mpd = readFileSync(join(SAMPLE, "manifest.mpd"), "utf8");

  test("BaseURL text and SegmentTemplate/SegmentURL/Initialization attributes get the query, XML-escaped", () => {
    const seen: string[] = [];
    const out = appendToMpdUrls(mpd, (u) => {
      seen.push(`${u.where} ${u.value}`);
      return (u.value.includes("?") ? "&" : "?") + "Policy=p&Signature=s";
    });
    expect(seen).toEqual([
      "SegmentTemplate@initialization video/$RepresentationID$/init.mp4",
      "SegmentTemplate@media video/$RepresentationID$/seg-$Number%05d$.m4s",
      "BaseURL audio/en/",
      "SegmentTemplate@initialization init.mp4",
      "SegmentTemplate@media seg-$Number%05d$.m4s?track=1&lang=en",
    ]);
    expect(out).toContain('media="video/$RepresentationID$/seg-$Number%05d$.m4s?Policy=p&amp;Signature=s"');
    expect(out).toContain("<BaseURL>audio/en/?Policy=p&amp;Signature=s</BaseURL>");
    expect(out).toContain('media="seg-$Number%05d$.m4s?track=1&amp;lang=en&amp;Policy=p&amp;Signature=s"');
    // The comment naming the manifest's URL is untouched, and so is everything but the five values.
    expect(out.replace(/(\?|&amp;)Policy=p&amp;Signature=s/g, "")).toBe(mpd);
  });

  test("comments, CDATA, self-closing BaseURL, single quotes and namespace prefixes", () => {
    const text = `<?xml version="1.0"?>
<mpd:MPD xmlns:mpd="urn:mpeg:dash:schema:mpd:2011">
<!-- <SegmentTemplate media="commented.m4s"/> -->
<mpd:Period><mpd:BaseURL/><mpd:BaseURL>https://d111111abcdef8.cloudfront.net/v/</mpd:BaseURL>
<![CDATA[<SegmentTemplate media="cdata.m4s"/>]]>
<mpd:SegmentList><mpd:Initialization sourceURL='init.mp4'/><mpd:SegmentURL media="a.m4s" mediaRange="0-99"/></mpd:SegmentList>
</mpd:Period></mpd:MPD>`;
    expect(isMpd(text)).toBe(true);
    const out = appendToMpdUrls(text, () => "?q=1&r='2'");
    expect(out).toContain('<!-- <SegmentTemplate media="commented.m4s"/> -->');
    expect(out).toContain('<![CDATA[<SegmentTemplate media="cdata.m4s"/>]]>');
    expect(out).toContain("<mpd:BaseURL/>");
    expect(out).toContain("<mpd:BaseURL>https://d111111abcdef8.cloudfront.net/v/?q=1&amp;r='2'</mpd:BaseURL>");
    expect(out).toContain("sourceURL='init.mp4?q=1&amp;r=&apos;2&apos;'");
    expect(out).toContain('media="a.m4s?q=1&amp;r=\'2\'" mediaRange="0-99"');
  });
});

describe("cfsign playlist", () => {
  const liveBase = `${HOST}/live/show/media-ll.m3u8`;

  test("--per-uri, CRLF from stdin: every http(s) URI verifies, skd:// is left, other bytes unchanged", async () => {
    const input = mediaLL.replace(/\n/g, "\r\n").replace(/\r\n$/, "");
    const run = await cfsign(
      ["playlist", "--input", "-", "--base-url", liveBase, "--player-queries", "sign", ...keyArgs()],
      { stdin: input },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.endsWith("\r\n")).toBe(false);
    expect(run.stdout.split("\r\n").length).toBe(input.split("\r\n").length);
    expect(checkRewrite(input, run.stdout, { base: liveBase, keepRelative: false, shared: false })).toBe(13);
    expect(run.stderr).toContain("signed 13 URIs (one signature each)");
    expect(run.stderr).toContain("left 1 that are not http(s)");
    expect(run.stderr).toContain("Low-Latency HLS");
  });

  test("Low-Latency per URI: the rendition reports (reloaded with _HLS_msn) are refused with PLAYER_ADDS_QUERY, exit 1", async () => {
    const run = await cfsign(["playlist", "--input", "-", "--base-url", liveBase, ...keyArgs()], { stdin: mediaLL });
    expect(run.status, run.stderr).toBe(1);
    const refused = run.stderr.split("\n").filter((l) => l.includes("PLAYER_ADDS_QUERY"));
    expect(refused.map((l) => l.replace(/: PLAYER_ADDS_QUERY.*/, ""))).toEqual(["cfsign: line 31", "cfsign: line 32"]);
    expect(run.stderr).toContain("BATCH_FAILED: 2 of 13 URIs were not signed");
  });

  test("--shared --keep-relative: one policy for the folder, relative URIs stay relative", async () => {
    const base = `${HOST}/live/show/master.m3u8`;
    const run = await cfsign([
      "playlist",
      "--input",
      join(FIXTURES, "master.m3u8"),
      "--base-url",
      base,
      "--shared",
      "--keep-relative",
      ...keyArgs(),
    ]);
    expect(run.status, run.stderr).toBe(0);
    expect(checkRewrite(master, run.stdout, { base, keepRelative: true, shared: true })).toBe(8);
    expect(run.stdout).toContain('URI="chapters.json?Policy=');
    expect(run.stdout).toContain("\n  480p/index.m3u8?rev=7&Policy=");
    const policies = new Set(
      findUris(run.stdout)
        .map((f) => f.uri.match(/Policy=[^&]+/)?.[0])
        .filter((p) => p !== undefined),
    );
    expect(policies.size).toBe(1);
    expect(
      JSON.parse(parseSignedUrl(`${HOST}/live/show/a?${[...policies][0]}&Signature=x`).policy).Statement[0].Resource,
    ).toBe(`${HOST}/live/show/*`);
  });

  test("--shared: a URI outside the folder is reported by line, never by URI, and left unsigned", async () => {
    const text = `#EXTM3U\n#EXTINF:4,\nseg-1.ts\n#EXTINF:4,\n${HOST}/elsewhere/secret-name.ts\n#EXT-X-ENDLIST\n`;
    const run = await cfsign(
      ["playlist", "--input", "-", "--base-url", `${HOST}/vod/a/index.m3u8`, "--shared", ...keyArgs()],
      { stdin: text },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("cfsign: line 5: RESOURCE_MISMATCH: ");
    expect(run.stderr).toContain("BATCH_FAILED: 1 of 2 URIs were not signed");
    expect(run.stderr).not.toContain("secret-name");
    expect(run.stdout).toContain(`\n${HOST}/elsewhere/secret-name.ts\n`);
  });

  test("--shared refuses a folder with * in it (a wildcard in the policy), and takes --policy-resource instead", async () => {
    const text = `#EXTM3U\n#EXTINF:4,\nseg-1.ts\n#EXT-X-ENDLIST\n`;
    const base = `${HOST}/vod/a*b/index.m3u8`;
    const refused = await cfsign(["playlist", "--input", "-", "--base-url", base, "--shared", ...keyArgs()], {
      stdin: text,
    });
    expect(refused.status).toBe(1); // refused: the grant would be wider than asked
    expect(refused.stderr).toContain("URL_HAS_WILDCARD");
    expect(refused.stderr).toContain("--policy-resource");
    expect(refused.stdout).toBe("");
    const explicit = await cfsign(
      ["playlist", "--input", "-", "--base-url", base, "--shared", "--policy-resource", `${HOST}/vod/*`, ...keyArgs()],
      { stdin: text },
    );
    expect(explicit.status, explicit.stderr).toBe(0);
    expect(explicit.stdout).toContain(`${HOST}/vod/a*b/seg-1.ts?Policy=`);
  });

  test("--strict writes nothing when a URI fails; without it the rest is written and the exit status is 1", async () => {
    const text = "#EXTM3U\n#EXTINF:4,\nseg 1.ts\n#EXTINF:4,\nseg-2.ts\n";
    const base = `${HOST}/vod/a/index.m3u8`;
    const out = join(dir, "strict.m3u8");
    const strict = await cfsign(
      ["playlist", "--input", "-", "--output", out, "--base-url", base, "--strict", ...keyArgs()],
      { stdin: text },
    );
    expect(strict.status).toBe(1);
    expect(strict.stderr).toContain("cfsign: line 3: URL_UNSAFE_CHARACTER: ");
    expect(strict.stderr).toContain("--strict: nothing was written");
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes(".tmp"))).toEqual([]);
    const loose = await cfsign(["playlist", "--input", "-", "--output", out, "--base-url", base, ...keyArgs()], {
      stdin: text,
    });
    expect(loose.status).toBe(1);
    const written = readFileSync(out, "utf8");
    expect(written).toContain("\nseg 1.ts\n");
    expect(written).toContain(`\n${HOST}/vod/a/seg-2.ts?Expires=`);
  });

  test("--recursive over the bundled sample: master and media playlists written at the same relative paths, all verify", async () => {
    const outDir = join(dir, "recursive");
    const base = `${HOST}/videos/sample/master.m3u8`;
    const run = await cfsign([
      "playlist",
      "--input",
      join(SAMPLE, "master.m3u8"),
      "--output",
      join(outDir, "master.m3u8"),
      "--recursive",
      "--base-url",
      base,
      ...keyArgs(),
    ]);
    expect(run.status, run.stderr).toBe(0);
    const files = sampleFiles()
      .map((f) => f.slice(SAMPLE.length + 1))
      .filter((f) => f.endsWith(".m3u8"))
      .sort();
    expect(files).toEqual([
      "audio/en/index.m3u8",
      "master.m3u8",
      "video/360p/index.m3u8",
      "video/720p/iframes.m3u8",
      "video/720p/index.m3u8",
    ]);
    let total = 0;
    for (const file of files) {
      const input = readFileSync(join(SAMPLE, file), "utf8");
      const output = readFileSync(join(outDir, file), "utf8");
      total += checkRewrite(input, output, { base: new URL(file, base).href, keepRelative: false, shared: false });
    }
    expect(total).toBe(31);
    expect(run.stderr).toContain("signed 31 URIs in 5 playlists");
  });

  test("--recursive refuses to write beside the input, and a missing media playlist fails the job with nothing written", async () => {
    const same = await cfsign([
      "playlist",
      "--input",
      join(SAMPLE, "master.m3u8"),
      "--output",
      join(SAMPLE, "x.m3u8"),
      "--recursive",
      "--base-url",
      `${HOST}/videos/sample/master.m3u8`,
      ...keyArgs(),
    ]);
    expect(same.status).toBe(2);
    expect(same.stderr).toContain("cfsign: USAGE: ");
    const src = join(dir, "broken");
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, "master.m3u8"), "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nmissing/index.m3u8\n");
    const out = join(dir, "broken-out", "master.m3u8");
    const run = await cfsign([
      "playlist",
      "--input",
      join(src, "master.m3u8"),
      "--output",
      out,
      "--recursive",
      "--base-url",
      `${HOST}/v/master.m3u8`,
      ...keyArgs(),
    ]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /^cfsign: INPUT: cannot read the media playlist missing\/index\.m3u8 file: no such file/,
    );
    expect(existsSync(out)).toBe(false);
  });

  test("relative URIs without --base-url are a usage error; so is --json without --output", async () => {
    const rel = await cfsign(["playlist", "--input", join(FIXTURES, "media-ll.m3u8"), ...keyArgs()]);
    expect(rel.status).toBe(2);
    expect(rel.stderr).toContain("relative URIs (the first on line 9); give --base-url");
    const json = await cfsign(["playlist", "--input", join(FIXTURES, "media-ll.m3u8"), "--json", ...keyArgs()]);
    expect(json.status).toBe(2);
  });

  test("without --base-url: the library's refusals are usage errors in option names, each on its own", async () => {
    // The rules are signPlaylist's (a relative URI needs baseUrl; mode "shared" needs baseUrl or resource);
    // the command says them with its options, as a usage error (exit 2), and writes nothing on stdout.
    const rel = await cfsign(["playlist", "--input", join(FIXTURES, "media-ll.m3u8"), ...keyArgs()]);
    expect(rel.status).toBe(2);
    expect(rel.stdout).toBe("");
    expect(rel.stderr).toBe(
      "cfsign: USAGE: the playlist has relative URIs (the first on line 9); give --base-url, the URL the playlist is served from\n" +
        "Run 'cfsign playlist --help' for usage.\n",
    );
    const absolute = `#EXTM3U\n#EXTINF:4,\n${HOST}/v/1.ts\n`;
    const shared = await cfsign(["playlist", "--input", "-", "--shared", ...keyArgs()], { stdin: absolute });
    expect(shared.status).toBe(2);
    expect(shared.stdout).toBe("");
    expect(shared.stderr).toBe(
      "cfsign: USAGE: --shared needs --base-url (the policy then covers the playlist's folder) or --policy-resource PATTERN\n" +
        "Run 'cfsign playlist --help' for usage.\n",
    );
  });

  test("--json summary; --policy-resource widens the shared policy to cover the ads folder beside the show's", async () => {
    const out = join(dir, "summary.m3u8");
    const run = await cfsign([
      "playlist",
      "--input",
      join(FIXTURES, "media-ll.m3u8"),
      "--output",
      out,
      "--base-url",
      liveBase,
      "--shared",
      "--policy-resource",
      `${HOST}/live/*`,
      "--json",
      ...keyArgs(),
    ]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toBe("");
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({
      ok: true,
      format: "hls",
      mode: "shared",
      uris: 13,
      signed: 13,
      skipped: 1,
      failed: 0,
      written: true,
    });
    expect(
      checkRewrite(mediaLL, readFileSync(out, "utf8"), { base: liveBase, keepRelative: false, shared: true }),
    ).toBe(13);
  });

  test("DASH: a template on another host exits 1 with RESOURCE_MISMATCH on its line; an AdaptationSet ../audio/ under an MPD media/ BaseURL is inside and signs", async () => {
    const base = `${HOST}/videos/show/manifest.mpd`;
    const file = join(dir, "cross-host.mpd");
    const body = (template: string, top: string): string =>
      `<?xml version="1.0"?>\n<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT4S">\n${top}<Period>\n<AdaptationSet mimeType="audio/mp4">${template}\n<Representation id="a" bandwidth="1"/></AdaptationSet>\n</Period>\n</MPD>\n`;
    writeFileSync(file, body('<SegmentTemplate duration="2" media="https://other.example.net/a/$Number$.m4s"/>', ""));
    const cross = await cfsign(["playlist", "--input", file, "--base-url", base, ...keyArgs()]);
    expect(cross.status).toBe(1);
    expect(cross.stderr).toMatch(/^cfsign: line 4: RESOURCE_MISMATCH: SegmentTemplate@media: /m);
    writeFileSync(
      file,
      body(
        '<BaseURL>../audio/</BaseURL><SegmentTemplate duration="2" media="$Number$.m4s"/>',
        "<BaseURL>media/</BaseURL>\n",
      ),
    );
    const chained = await cfsign(["playlist", "--input", file, "--base-url", base, ...keyArgs()]);
    expect(chained.status, chained.stderr).toBe(0);
    const query = /media="\$Number\$\.m4s\?([^"]+)"/.exec(chained.stdout)![1]!.replace(/&amp;/g, "&");
    expect(verifySignedUrl(`${HOST}/videos/show/audio/7.m4s?${query}`, ecKey().publicKey)).toBe(true);
  });

  test("DASH: --shared by default, every template carries the policy (a folder BaseURL does not); --per-uri is refused", async () => {
    const base = `${HOST}/videos/sample/manifest.mpd`;
    const run = await cfsign(["playlist", "--input", join(SAMPLE, "manifest.mpd"), "--base-url", base, ...keyArgs()]);
    expect(run.status, run.stderr).toBe(0);
    const mpd = readFileSync(join(SAMPLE, "manifest.mpd"), "utf8");
    const query = run.stdout.match(/\?(Policy=[^"<]+)"/)![1]!;
    expect(query).toMatch(
      /^Policy=[A-Za-z0-9~_-]+&amp;Signature=[A-Za-z0-9~_-]+&amp;Key-Pair-Id=K2JCJMDEHXQW5F&amp;Hash-Algorithm=SHA256$/,
    );
    // Four template attributes; the audio BaseURL is a folder whose query a relative reference would drop (RFC 3986 §5.2.2).
    expect(run.stdout.split(query).length - 1).toBe(4);
    expect(run.stdout.replace(new RegExp(`(\\?|&amp;)${query.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`, "g"), "")).toBe(
      mpd,
    );
    // The one signature verifies for a segment URL the template expands to.
    const segment = `${HOST}/videos/sample/video/720p/seg-00001.m4s?${query.replace(/&amp;/g, "&")}`;
    expect(verifySignedUrl(segment, ecKey().publicKey)).toBe(true);
    const perUri = await cfsign([
      "playlist",
      "--input",
      join(SAMPLE, "manifest.mpd"),
      "--base-url",
      base,
      "--per-uri",
      ...keyArgs(),
    ]);
    expect(perUri.status).toBe(2);
    expect(perUri.stderr).toContain("--shared");
  });
});

function sampleFiles(): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith(".m3u8")) out.push(join(d, e.name));
    }
  };
  walk(SAMPLE);
  return out;
}
