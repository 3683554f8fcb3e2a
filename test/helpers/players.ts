/**
 * What real players' parsers make of a playlist or manifest, for the streaming tests: videojs's
 * m3u8-parser and mpd-parser (what video.js / VHS plays with) and hls.js's own M3U8Parser. No
 * cfsign code is used here; the checks of a signed URL are node:crypto over the decoded policy
 * (./verify.ts) and the resource matcher of src/cloudfront/resource.ts, passed in by the caller.
 */
import { Parser } from "m3u8-parser";
import { parse as parseMpd } from "mpd-parser";
import { M3U8Parser } from "hls.js/dist/hls.mjs";

/** Keys of m3u8-parser's output whose string value is a URI a player requests. */
const M3U8_URI_KEYS = new Set([
  "uri",
  "URI",
  "xAssetUri",
  "X-ASSET-URI",
  "xAssetList",
  "X-ASSET-LIST",
  "serverUri",
  "SERVER-URI",
]);

/** A URI found in a parser's output, with where it was. */
export interface ParsedUri {
  readonly path: string;
  readonly value: string;
}

/**
 * m3u8-parser's manifest of `text`, and every URI in it, each replaced in the structure by
 * `normalize(uri)` so that two parses can be compared apart from their URIs.
 */
export function m3u8Parse(text: string, normalize: (uri: string) => string): { structure: unknown; uris: ParsedUri[] } {
  const parser = new Parser();
  parser.push(text);
  parser.end();
  const uris: ParsedUri[] = [];
  const walk = (v: unknown, path: string): unknown => {
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}[${i}]`));
    if (v instanceof Date) return v.toISOString();
    if (v !== null && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (M3U8_URI_KEYS.has(k) && typeof x === "string") {
          uris.push({ path: `${path}.${k}`, value: x });
          out[k] = normalize(x);
        } else out[k] = walk(x, `${path}.${k}`);
      }
      return out;
    }
    return v;
  };
  return { structure: walk(parser.manifest, "manifest"), uris };
}

/** A short description of a media playlist as hls.js parses it, and the absolute URLs it would request. */
export function hlsJsParse(text: string, base: string): { shape: unknown; urls: string[] } {
  if (/^#EXT-X-(STREAM-INF|I-FRAME-STREAM-INF|MEDIA):/m.test(text) && !/^#EXTINF/m.test(text)) {
    const m = M3U8Parser.parseMasterPlaylist(text, base);
    const urls: string[] = [];
    for (const level of m.levels) urls.push(...([] as string[]).concat(level.url));
    return {
      shape: {
        levels: m.levels.map((l) => [l.bitrate, l.width, l.height, l.name]),
        error: String(m.playlistParsingError ?? ""),
      },
      urls,
    };
  }
  const d = M3U8Parser.parseLevelPlaylist(text, base, 0, "main" as never, 0, null);
  const urls: string[] = [];
  const fragments = d.fragments.filter((f) => f !== null && f !== undefined);
  for (const f of fragments) {
    urls.push(f.url);
    if (f.initSegment !== null && f.initSegment !== undefined) urls.push(f.initSegment.url);
    for (const key of Object.values(f.levelkeys ?? {}))
      if (key !== undefined && /^https?:/.test(key.uri)) urls.push(key.uri);
  }
  for (const p of d.partList ?? []) urls.push(p.url);
  return {
    shape: {
      fragments: fragments.map((f) => [f.sn, f.duration, f.cc, f.byteRange.join("-")]),
      parts: (d.partList ?? []).map((p) => [p.duration, p.independent, p.byteRange.join("-")]),
      live: d.live,
      targetduration: d.targetduration,
    },
    urls: [...new Set(urls)],
  };
}

/**
 * Every segment and initialization URL mpd-parser expands from a manifest served at `manifestUri`
 * (video, audio and subtitle playlists), and the manifest's shape without them.
 */
export function mpdParse(text: string, manifestUri: string): { shape: unknown; urls: string[] } {
  const m = parseMpd(text, { manifestUri });
  const playlists: {
    segments?: { resolvedUri: string; map?: { uri: string; resolvedUri: string }; duration: number }[];
    sidx?: { resolvedUri: string };
  }[] = [...m.playlists];
  for (const type of ["AUDIO", "SUBTITLES"]) {
    for (const group of Object.values(
      (m.mediaGroups as Record<string, Record<string, Record<string, { playlists: typeof playlists }>>>)[type] ?? {},
    )) {
      for (const rendition of Object.values(group)) playlists.push(...rendition.playlists);
    }
  }
  const urls: string[] = [];
  const shape = playlists.map((p) => (p.segments ?? []).map((s) => s.duration));
  for (const p of playlists) {
    if (p.sidx !== undefined) urls.push(p.sidx.resolvedUri);
    for (const s of p.segments ?? []) {
      urls.push(s.resolvedUri);
      // mpd-parser gives a template without `initialization` a map of uri "" (the BaseURL itself), which no player requests.
      if (s.map !== undefined && s.map.uri !== "") urls.push(s.map.resolvedUri);
    }
  }
  return { shape, urls: [...new Set(urls)] };
}
