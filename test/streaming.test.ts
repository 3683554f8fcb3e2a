/**
 * The six defects of issue #13, each pinned by a test that failed before its fix: DASH templates
 * signed outside the policy, BaseURLs resolved against the MPD instead of through their parents,
 * DASH and --recursive missing from the library, HLS URIs left unsigned (interstitials, content
 * steering, DASH Location/PatchLocation), EXT-X-DEFINE variables, and per-URI signatures that a
 * player's own query (LL-HLS) breaks. Segment URLs are expanded by mpd-parser and checked with
 * node:crypto and the resource matcher, never by cfsign's own scanner.
 */
import { beforeAll, describe, expect, test } from "vitest";
import { CfSignError, createSigner, type Signer } from "../src/index.js";
import { resourceCovers } from "../src/cloudfront/resource.js";
import { ecKey } from "./helpers/keys.js";
import { parseSignedUrl, verifySignedUrl } from "./helpers/verify.js";
import { mpdParse } from "./helpers/players.js";

const HOST = "https://d111111abcdef8.cloudfront.net";
const EXPIRES = Math.floor(Date.now() / 1000) + 86400;
const MPD_URL = `${HOST}/videos/show/manifest.mpd`;

let signer: Signer;
beforeAll(async () => {
  signer = await createSigner({ keyPairId: "K2JCJMDEHXQW5F", privateKey: ecKey().privatePem });
});

/** True when `url` is signed, verifies, and its policy covers it. */
function good(url: string): boolean {
  const p = parseSignedUrl(url);
  return (
    p.params.has("Signature") &&
    verifySignedUrl(url, ecKey().publicKey) &&
    resourceCovers(JSON.parse(p.policy).Statement[0].Resource, p.base)
  );
}

const mpd = (body: string, top = ""): string =>
  `<?xml version="1.0"?>\n<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT8S" minBufferTime="PT2S" profiles="urn:mpeg:dash:profile:isoff-live:2011">\n${top}<Period id="p">\n${body}\n</Period>\n</MPD>\n`;

describe("1. DASH templates are checked by their fixed part, as a player resolves it", () => {
  test("a SegmentTemplate on another host is refused with RESOURCE_MISMATCH on its line, not signed", async () => {
    const text = mpd(`<AdaptationSet mimeType="video/mp4">
<SegmentTemplate duration="2" media="https://other.example.net/v/seg-$Number$.m4s" initialization="init.mp4"/>
<Representation id="v" bandwidth="1000" codecs="avc1.4d401e"/>
</AdaptationSet>`);
    const r = await signer.signManifest(text, { baseUrl: MPD_URL, expires: EXPIRES });
    expect(r.failures.map((f) => [f.line, f.where, f.error.code])).toEqual([
      [5, "SegmentTemplate@media", "RESOURCE_MISMATCH"],
    ]);
    expect(r.signed).toBe(1);
    expect(r.text).toContain('media="https://other.example.net/v/seg-$Number$.m4s"');
    await expect(signer.signManifest(text, { baseUrl: MPD_URL, expires: EXPIRES, strict: true })).rejects.toMatchObject(
      { code: "BATCH_FAILED" },
    );
  });

  test("a template whose ../ leaves the policy's folder is refused; one that stays inside is signed and every expanded URL verifies", async () => {
    const outside =
      mpd(`<AdaptationSet mimeType="video/mp4"><SegmentTemplate duration="2" startNumber="1" media="../other/$RepresentationID$/$Number%03d$.m4s"/>
<Representation id="v" bandwidth="1000"/></AdaptationSet>`);
    const r1 = await signer.signManifest(outside, { baseUrl: MPD_URL, expires: EXPIRES });
    expect(r1.failures.map((f) => f.error.code)).toEqual(["RESOURCE_MISMATCH"]);
    const inside = outside.replace("../other/", "sub/../");
    const r2 = await signer.signManifest(inside, { baseUrl: MPD_URL, expires: EXPIRES });
    expect(r2.failures).toEqual([]);
    const urls = mpdParse(r2.text, MPD_URL).urls;
    expect(urls.length).toBeGreaterThanOrEqual(4);
    for (const u of urls) {
      expect(u.startsWith(`${HOST}/videos/show/v/00`), u).toBe(true);
      expect(good(u), u).toBe(true);
    }
  });

  test("$RepresentationID$ is expanded per Representation: one whose id leaves the folder is caught", async () => {
    const text =
      mpd(`<AdaptationSet mimeType="video/mp4"><SegmentTemplate duration="2" media="$RepresentationID$/$Number$.m4s"/>
<Representation id="ok" bandwidth="1000"/><Representation id="../../escape" bandwidth="2000"/></AdaptationSet>`);
    const r = await signer.signManifest(text, { baseUrl: MPD_URL, expires: EXPIRES });
    expect(r.failures.map((f) => f.error.code)).toEqual(["RESOURCE_MISMATCH"]);
  });
});

describe("2. BaseURL resolution through MPD → Period → AdaptationSet → Representation (ISO/IEC 23009-1 §5.6)", () => {
  test("an AdaptationSet's ../audio/ under the MPD's media/ is the folder's audio/, inside the policy: signed, every segment verifies", async () => {
    const text = mpd(
      `<AdaptationSet mimeType="audio/mp4"><BaseURL>../audio/</BaseURL>
<SegmentTemplate duration="2" startNumber="1" media="seg-$Number$.m4s" initialization="init.mp4"/>
<Representation id="a" bandwidth="128000"/></AdaptationSet>`,
      "<BaseURL>media/</BaseURL>\n",
    );
    const r = await signer.signManifest(text, { baseUrl: MPD_URL, expires: EXPIRES });
    expect(r.failures).toEqual([]);
    const urls = mpdParse(r.text, MPD_URL).urls;
    expect(urls).toContain(`${HOST}/videos/show/audio/init.mp4?${r.policy.query}`);
    expect(urls.filter((u) => u.startsWith(`${HOST}/videos/show/audio/seg-`)).length).toBe(4);
    for (const u of urls) expect(good(u)).toBe(true);
  });

  test("an MPD BaseURL on another host puts every template there: refused, though the template itself is relative", async () => {
    const text = mpd(
      `<AdaptationSet mimeType="video/mp4"><SegmentTemplate duration="2" media="seg-$Number$.m4s"/><Representation id="v" bandwidth="1"/></AdaptationSet>`,
      "<BaseURL>https://elsewhere.example.com/x/</BaseURL>\n",
    );
    const r = await signer.signManifest(text, { baseUrl: MPD_URL, expires: EXPIRES });
    expect(r.failures.map((f) => [f.where, f.error.code])).toEqual([["SegmentTemplate@media", "RESOURCE_MISMATCH"]]);
  });

  test("with SegmentBase the Representation's BaseURL is the media URL: it carries the query and mpd-parser's URL verifies", async () => {
    const text =
      mpd(`<AdaptationSet mimeType="video/mp4"><Representation id="v" bandwidth="1000"><BaseURL>video/720p.mp4</BaseURL>
<SegmentBase indexRange="800-1200"><Initialization range="0-799"/></SegmentBase></Representation></AdaptationSet>`);
    const r = await signer.signManifest(text, { baseUrl: MPD_URL, expires: EXPIRES });
    expect(r).toMatchObject({ uris: 1, signed: 1, failures: [] });
    const urls = mpdParse(r.text, MPD_URL).urls;
    expect(urls.length).toBeGreaterThan(0);
    for (const u of urls) {
      expect(u.startsWith(`${HOST}/videos/show/video/720p.mp4?Policy=`)).toBe(true);
      expect(good(u)).toBe(true);
    }
  });

  test("a SegmentList without media: the BaseURL is the media URL; a folder BaseURL above templates gets no query", async () => {
    const text =
      mpd(`<AdaptationSet mimeType="video/mp4"><Representation id="v" bandwidth="1000"><BaseURL>whole.mp4</BaseURL>
<SegmentList duration="2"><SegmentURL mediaRange="0-99"/><SegmentURL mediaRange="100-199"/></SegmentList></Representation></AdaptationSet>
<AdaptationSet mimeType="audio/mp4"><BaseURL>audio/</BaseURL><SegmentTemplate duration="2" media="$Number$.m4s"/><Representation id="a" bandwidth="1"/></AdaptationSet>`);
    const r = await signer.signManifest(text, { baseUrl: MPD_URL, expires: EXPIRES });
    expect(r.failures).toEqual([]);
    expect(r.text).toContain(`<BaseURL>whole.mp4?${r.policy.query.replace(/&/g, "&amp;")}</BaseURL>`);
    expect(r.text).toContain("<BaseURL>audio/</BaseURL>");
    for (const u of mpdParse(r.text, MPD_URL).urls) expect(good(u), u).toBe(true);
  });
});

describe("3. the library signs DASH manifests and HLS masters with their media playlists", () => {
  test("signPlaylists loads every media playlist through the loader and signs them all under one policy", async () => {
    const files: Record<string, string> = {
      [`${HOST}/v/master.m3u8`]:
        '#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="en",URI="audio/en.m3u8"\n#EXT-X-STREAM-INF:BANDWIDTH=1,AUDIO="a"\n720p/index.m3u8\n',
      [`${HOST}/v/720p/index.m3u8`]: "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\nseg1.ts\n#EXT-X-ENDLIST\n",
      [`${HOST}/v/audio/en.m3u8`]: "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\na1.aac\n#EXT-X-ENDLIST\n",
    };
    const loaded: string[] = [];
    const r = await signer.signPlaylists({
      baseUrl: `${HOST}/v/master.m3u8`,
      mode: "shared",
      expires: EXPIRES,
      load: (url) => {
        loaded.push(url);
        return files[url]!;
      },
    });
    expect(loaded).toEqual([`${HOST}/v/master.m3u8`, `${HOST}/v/audio/en.m3u8`, `${HOST}/v/720p/index.m3u8`]);
    expect(r.playlists.map((p) => [p.url, p.signed, p.namedOn])).toEqual([
      [`${HOST}/v/master.m3u8`, 2, []],
      [`${HOST}/v/audio/en.m3u8`, 1, [2]],
      [`${HOST}/v/720p/index.m3u8`, 1, [4]],
    ]);
    expect(r.policy!.resource).toBe(`${HOST}/v/*`);
    for (const p of r.playlists)
      for (const line of p.text.split("\n")) if (line.startsWith("https:")) expect(good(line)).toBe(true);
  });

  test("signManifest refuses a non-MPD, and per-URI mode (templates stand for many URLs)", async () => {
    await expect(signer.signManifest("#EXTM3U\n", { baseUrl: MPD_URL, expires: EXPIRES })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    await expect(
      signer.signManifest(mpd(""), { baseUrl: MPD_URL, expires: EXPIRES, mode: "per-uri" as never }),
    ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });
});

describe("4. every URI a player fetches is signed", () => {
  const interstitial = [
    "#EXTM3U",
    "#EXT-X-TARGETDURATION:4",
    '#EXT-X-CONTENT-STEERING:SERVER-URI="steering.json",PATHWAY-ID="CDN-A"',
    "#EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:00Z",
    "#EXTINF:4,",
    "s1.mp4",
    '#EXT-X-DATERANGE:ID="ad1",CLASS="com.apple.hls.interstitial",START-DATE="2026-01-01T00:00:02Z",X-ASSET-URI="ads/ad1.m3u8",X-RESUME-OFFSET=0',
    '#EXT-X-DATERANGE:ID="ad2",CLASS="com.apple.hls.interstitial",START-DATE="2026-01-01T00:00:03Z",X-ASSET-LIST="ads/list.json"',
    "#EXT-X-ENDLIST",
    "",
  ].join("\n");

  test("shared: X-ASSET-URI, X-ASSET-LIST and SERVER-URI carry the policy and verify", async () => {
    const r = await signer.signPlaylist(interstitial, {
      baseUrl: `${HOST}/v/index.m3u8`,
      expires: EXPIRES,
      mode: "shared",
    });
    expect(r).toMatchObject({ uris: 4, signed: 4, failures: [] });
    for (const name of ["SERVER-URI", "X-ASSET-URI", "X-ASSET-LIST"]) {
      const value = new RegExp(`${name}="([^"]*)"`).exec(r.text)![1]!;
      expect(good(value), name).toBe(true);
    }
  });

  test("per URI: they are refused with PLAYER_ADDS_QUERY (the player adds _HLS_primary_id / _HLS_pathway) unless playerQueries: sign", async () => {
    const r = await signer.signPlaylist(interstitial, { baseUrl: `${HOST}/v/index.m3u8`, expires: EXPIRES });
    expect(r.failures.map((f) => [f.line, f.kind, f.error.code])).toEqual([
      [3, "steering", "PLAYER_ADDS_QUERY"],
      [7, "asset", "PLAYER_ADDS_QUERY"],
      [8, "asset-list", "PLAYER_ADDS_QUERY"],
    ]);
    const asked = await signer.signPlaylist(interstitial, {
      baseUrl: `${HOST}/v/index.m3u8`,
      expires: EXPIRES,
      playerQueries: "sign",
    });
    expect(asked).toMatchObject({ signed: 4, failures: [] });
  });

  test("DASH Location and PatchLocation are signed when covered, refused when not", async () => {
    const text = mpd(
      `<AdaptationSet mimeType="video/mp4"><SegmentTemplate duration="2" media="$Number$.m4s"/><Representation id="v" bandwidth="1"/></AdaptationSet>`,
      `<Location>${HOST}/videos/show/manifest.mpd?live=1</Location>\n<PatchLocation ttl="60">https://patch.example.org/p.mpp</PatchLocation>\n`,
    ).replace('type="static"', 'type="dynamic"');
    const r = await signer.signManifest(text, { baseUrl: MPD_URL, expires: EXPIRES });
    expect(r.dynamic).toBe(true);
    expect(r.failures.map((f) => [f.where, f.error.code])).toEqual([["PatchLocation", "RESOURCE_MISMATCH"]]);
    const location = /<Location>([^<]*)<\/Location>/.exec(r.text)![1]!.replace(/&amp;/g, "&");
    expect(good(location)).toBe(true);
    expect(parseSignedUrl(location).base).toBe(`${HOST}/videos/show/manifest.mpd?live=1`);
  });
});

describe("5. EXT-X-DEFINE variables", () => {
  const base = `${HOST}/v/index.m3u8?token=abc`;
  const text = [
    "#EXTM3U",
    '#EXT-X-DEFINE:NAME="path",VALUE="media/720p"',
    '#EXT-X-DEFINE:QUERYPARAM="token"',
    '#EXT-X-DEFINE:IMPORT="cdn"',
    "#EXT-X-TARGETDURATION:4",
    "#EXTINF:4,",
    "{$path}/seg1.ts?t={$token}",
    "#EXTINF:4,",
    "{$cdn}/seg2.ts",
    "#EXTINF:4,",
    "fixed/{$unknown}.ts",
    "",
  ].join("\n");

  test("per URI: NAME/VALUE and QUERYPARAM are substituted as a player does; the rest is URI_HAS_VARIABLE, not URL_UNSAFE_CHARACTER", async () => {
    const r = await signer.signPlaylist(text, { baseUrl: base, expires: EXPIRES });
    expect(r.failures.map((f) => [f.line, f.error.code])).toEqual([
      [9, "URI_HAS_VARIABLE"],
      [11, "URI_HAS_VARIABLE"],
    ]);
    const line = r.text.split("\n")[6]!;
    expect(parseSignedUrl(line).base).toBe(`${HOST}/v/media/720p/seg1.ts?t=abc`);
    expect(good(line)).toBe(true);
  });

  test("per URI with variables: IMPORT values given by the caller are used", async () => {
    const r = await signer.signPlaylist(text, { baseUrl: base, expires: EXPIRES, variables: { cdn: `${HOST}/other` } });
    expect(r.failures.map((f) => f.line)).toEqual([11]);
    expect(parseSignedUrl(r.text.split("\n")[8]!).base).toBe(`${HOST}/other/seg2.ts`);
  });

  test("shared: a URI keeps its variables and gets the query when the fixed part is covered; a leading unknown variable is refused", async () => {
    const r = await signer.signPlaylist(text, { baseUrl: base, expires: EXPIRES, mode: "shared" });
    expect(r.failures.map((f) => [f.line, f.error.code])).toEqual([[9, "URI_HAS_VARIABLE"]]);
    const lines = r.text.split("\n");
    expect(lines[6]).toBe(`{$path}/seg1.ts?t={$token}&${r.policy!.query}`);
    expect(lines[10]).toBe(`fixed/{$unknown}.ts?${r.policy!.query}`);
    // As a player substitutes and resolves it (with any value for the unknown variable):
    expect(good(new URL(`fixed/anything.ts?${r.policy!.query}`, base).href)).toBe(true);
    const outside = await signer.signPlaylist(text.replace("fixed/{$unknown}", "../../x/{$unknown}"), {
      baseUrl: base,
      expires: EXPIRES,
      mode: "shared",
    });
    expect(outside.failures.map((f) => [f.line, f.error.code])).toEqual([
      [9, "URI_HAS_VARIABLE"],
      [11, "RESOURCE_MISMATCH"],
    ]);
  });
});

describe("6. Low-Latency HLS and player-added queries in per-URI mode", () => {
  const ll = [
    "#EXTM3U",
    "#EXT-X-TARGETDURATION:4",
    "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.0",
    "#EXT-X-PART-INF:PART-TARGET=0.5",
    "#EXTINF:4,",
    "seg1.mp4",
    '#EXT-X-PART:DURATION=0.5,URI="part2.0.mp4"',
    '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part2.1.mp4"',
    '#EXT-X-RENDITION-REPORT:URI="../480p/index.m3u8",LAST-MSN=1',
    "",
  ].join("\n");

  test("lowLatency is reported; the rendition report is refused per URI, segments and parts are signed", async () => {
    const r = await signer.signPlaylist(ll, { baseUrl: `${HOST}/live/720p/index.m3u8`, expires: EXPIRES });
    expect(r.lowLatency).toBe(true);
    expect(r.failures.map((f) => [f.line, f.kind, f.error.code])).toEqual([
      [9, "rendition-report", "PLAYER_ADDS_QUERY"],
    ]);
    expect(r.failures[0]!.error).toBeInstanceOf(CfSignError);
    expect(r.signed).toBe(3);
  });

  test("signPlaylists per URI refuses the master's variant whose media playlist is Low-Latency", async () => {
    const master =
      "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n720p/index.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=2\nvod/index.m3u8\n";
    const vod = "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\na.ts\n#EXT-X-ENDLIST\n";
    const r = await signer.signPlaylists({
      baseUrl: `${HOST}/live/master.m3u8`,
      expires: EXPIRES,
      load: (url) => (url.endsWith("master.m3u8") ? master : url.includes("720p") ? ll : vod),
    });
    expect(r.failures.map((f) => [f.url, f.line, f.error.code])).toEqual([
      [`${HOST}/live/master.m3u8`, 3, "PLAYER_ADDS_QUERY"],
      [`${HOST}/live/720p/index.m3u8`, 9, "PLAYER_ADDS_QUERY"],
    ]);
    const shared = await signer.signPlaylists({
      baseUrl: `${HOST}/live/master.m3u8`,
      expires: EXPIRES,
      mode: "shared",
      load: (url) => (url.endsWith("master.m3u8") ? master : url.includes("720p") ? ll : vod),
    });
    expect(shared.failures).toEqual([]);
    // A player's reload with _HLS_msn after the signing query is still covered by the shared policy.
    const variant = shared.playlists[0]!.text.split("\n")[2]!;
    expect(good(`${variant}&_HLS_msn=2&_HLS_part=1`)).toBe(true);
  });
});
