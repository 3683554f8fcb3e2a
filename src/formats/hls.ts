/**
 * Where the URIs of an HLS playlist are found and replaced, byte for byte
 * around them (RFC 8216bis, "HTTP Live Streaming 2nd Edition").
 *
 * A playlist is lines ending in LF or CRLF (§4.1). A line is a URI, blank, or
 * starts with `#`: a tag when it starts with `#EXT`, else a comment. URIs
 * appear in two places: URI lines (media segments, §4.4.4; variant streams
 * after `EXT-X-STREAM-INF`, §4.4.6.2) and the quoted-string `URI` attribute of
 * some tags (§4.2: an attribute list is `NAME=VALUE` pairs separated by commas;
 * a quoted string has no `"`, CR or LF inside). Nothing else is touched: tags,
 * comments, blank lines, byte ranges, line endings, a BOM and a missing final
 * newline come out exactly as they went in.
 *
 * @module
 */
import { fail } from "../errors.ts";

/**
 * What a URI in a playlist points at:
 *
 * - `segment`: a media segment (a URI line of a media playlist)
 * - `variant`: a variant stream's media playlist (the URI line after `EXT-X-STREAM-INF`)
 * - `key`, `session-key`: `EXT-X-KEY`, `EXT-X-SESSION-KEY` (`METHOD=NONE` has no URI)
 * - `map`: `EXT-X-MAP`, the media initialization section
 * - `media`: `EXT-X-MEDIA`, an alternative rendition's media playlist
 * - `i-frame`: `EXT-X-I-FRAME-STREAM-INF`, an I-frame media playlist
 * - `part`, `preload-hint`, `rendition-report`: the Low-Latency HLS tags
 *   `EXT-X-PART`, `EXT-X-PRELOAD-HINT`, `EXT-X-RENDITION-REPORT`
 * - `session-data`: `EXT-X-SESSION-DATA` with a `URI` (a JSON file)
 */
export type PlaylistUriKind =
  | "segment"
  | "variant"
  | "key"
  | "session-key"
  | "map"
  | "media"
  | "i-frame"
  | "part"
  | "preload-hint"
  | "rendition-report"
  | "session-data";

/** The tags whose `URI` attribute is a URI to rewrite, and what it points at. */
export const URI_TAGS: Readonly<Record<string, PlaylistUriKind>> = {
  "EXT-X-KEY": "key",
  "EXT-X-SESSION-KEY": "session-key",
  "EXT-X-MAP": "map",
  "EXT-X-MEDIA": "media",
  "EXT-X-I-FRAME-STREAM-INF": "i-frame",
  "EXT-X-PART": "part",
  "EXT-X-PRELOAD-HINT": "preload-hint",
  "EXT-X-RENDITION-REPORT": "rendition-report",
  "EXT-X-SESSION-DATA": "session-data",
};

/** Kinds whose URI names another playlist (what `--recursive` follows). */
const PLAYLIST_KINDS: ReadonlySet<PlaylistUriKind> = new Set(["variant", "media", "i-frame", "rendition-report"]);

/** One URI found in a playlist. */
export interface PlaylistUri {
  /** The URI exactly as written (inside the quotes, or the URI line without surrounding whitespace). */
  readonly uri: string;
  /** What it points at. */
  readonly kind: PlaylistUriKind;
  /** The tag it is an attribute of (`EXT-X-KEY`, ...); absent for a URI line. */
  readonly tag?: string;
  /** 1-based line number. */
  readonly line: number;
  /** 0-based position among the playlist's URIs, in order of appearance. */
  readonly index: number;
  /** True when the URI names another playlist (variant, rendition, I-frame playlist, rendition report). */
  readonly playlist: boolean;
}

interface Span {
  readonly ref: PlaylistUri;
  /** Offsets of the URI in the whole text. */
  readonly start: number;
  readonly end: number;
}

/**
 * True when `text` starts with `#EXTM3U` (after an optional byte order mark), as
 * every playlist must (§4.4.1.1).
 *
 * @param text - the playlist
 * @returns whether it is an HLS playlist
 */
export function isHlsPlaylist(text: string): boolean {
  return /^\uFEFF?#EXTM3U(?:[ \t]*(?:\r?\n|$))/.test(text);
}

/**
 * Lists the URIs of a playlist, in order.
 *
 * @param text - the playlist's text
 * @returns every URI, with its kind, tag, line and index
 * @throws {@link CfSignError} `INVALID_ARGUMENT` when `text` is not a string or not an HLS playlist
 * @example
 * ```ts
 * for (const { uri, kind, line } of playlistUris(text)) console.log(line, kind, uri);
 * ```
 */
export function playlistUris(text: string): PlaylistUri[] {
  return scan(text).map((s) => s.ref);
}

/**
 * Replaces URIs of a playlist and leaves every other byte as it was.
 *
 * @param text - the playlist's text
 * @param replace - called once per URI in order; returns its replacement, or `undefined` to keep it
 * @returns the rewritten playlist
 * @throws {@link CfSignError} `INVALID_ARGUMENT` when `text` is not an HLS playlist, or a replacement
 *   contains a line break (or, inside a quoted attribute, a `"`), which would corrupt the playlist
 * @example
 * ```ts
 * const policy = await signer.signPolicy({ resource: "https://cdn.example.com/videos/intro/*", expires });
 * const signed = rewritePlaylist(text, ({ uri }) => uri + "?" + policy.query);
 * ```
 */
export function rewritePlaylist(text: string, replace: (uri: PlaylistUri) => string | undefined): string {
  if (typeof replace !== "function") fail("INVALID_ARGUMENT", "rewritePlaylist takes a function that returns each URI's replacement");
  const spans = scan(text);
  let out = "";
  let at = 0;
  for (const span of spans) {
    const next = replace(span.ref);
    if (next === undefined || next === span.ref.uri) continue;
    if (typeof next !== "string") fail("INVALID_ARGUMENT", "a URI's replacement must be a string or undefined");
    if (/[\r\n]/.test(next) || (span.ref.tag !== undefined && next.includes('"'))) {
      fail(
        "INVALID_ARGUMENT",
        `the replacement for the URI on line ${span.ref.line} contains a line break` +
          (span.ref.tag !== undefined ? ' or a "' : "") +
          ", which would corrupt the playlist",
      );
    }
    out += text.slice(at, span.start) + next;
    at = span.end;
  }
  return at === 0 ? text : out + text.slice(at);
}

function scan(text: string): Span[] {
  if (typeof text !== "string") fail("INVALID_ARGUMENT", "a playlist must be a string");
  if (!isHlsPlaylist(text)) fail("INVALID_ARGUMENT", "not an HLS playlist: the first line must be #EXTM3U");
  const spans: Span[] = [];
  let lineNumber = 0;
  let afterStreamInf = false;
  // A byte order mark before #EXTM3U (which isHlsPlaylist allows) is not part of the header line:
  // U+FEFF is whitespace to trim, so the header would otherwise read as a URI line.
  for (let start = text.charCodeAt(0) === 0xfeff ? 1 : 0; start < text.length; ) {
    lineNumber++;
    const lf = text.indexOf("\n", start);
    const end = lf === -1 ? text.length : lf;
    const contentEnd = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    const line = text.slice(start, contentEnd);
    const add = (uri: string, offset: number, kind: PlaylistUriKind, tag?: string): void => {
      const ref: PlaylistUri = {
        uri,
        kind,
        ...(tag === undefined ? {} : { tag }),
        line: lineNumber,
        index: spans.length,
        playlist: PLAYLIST_KINDS.has(kind),
      };
      spans.push({ ref, start: start + offset, end: start + offset + uri.length });
    };
    if (line.startsWith("#")) {
      if (line.startsWith("#EXT")) {
        const colon = line.indexOf(":");
        const tag = line.slice(1, colon === -1 ? line.length : colon);
        if (tag === "EXT-X-STREAM-INF") afterStreamInf = true;
        const kind = URI_TAGS[tag];
        if (kind !== undefined && colon !== -1) {
          const found = uriAttribute(line, colon + 1);
          if (found !== null) add(line.slice(found.start, found.end), found.start, kind, tag);
        }
      }
    } else {
      const first = line.search(/\S/);
      if (first !== -1) {
        const uri = line.trim();
        add(uri, first, afterStreamInf ? "variant" : "segment");
        afterStreamInf = false;
      }
    }
    start = lf === -1 ? text.length : lf + 1;
  }
  return spans;
}

/**
 * The offsets (within `line`) of the value of the `URI` attribute, inside its
 * quotes, reading the attribute list from `from`; `null` when there is none.
 * A `URI=` inside another attribute's quoted string is not an attribute.
 */
function uriAttribute(line: string, from: number): { start: number; end: number } | null {
  let i = from;
  while (i < line.length) {
    while (line[i] === " " || line[i] === "\t") i++;
    const eq = line.indexOf("=", i);
    if (eq === -1) return null;
    const name = line.slice(i, eq).trim();
    i = eq + 1;
    if (line[i] === '"') {
      const close = line.indexOf('"', i + 1);
      if (close === -1) return null;
      if (name === "URI") return { start: i + 1, end: close };
      i = close + 1;
    } else {
      const comma = line.indexOf(",", i);
      i = comma === -1 ? line.length : comma;
    }
    // Up to the next comma (an unquoted value, or anything stray after a quoted one).
    const comma = line.indexOf(",", i);
    if (comma === -1) return null;
    i = comma + 1;
  }
  return null;
}
