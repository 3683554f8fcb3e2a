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
 * - `asset`, `asset-list`: the `X-ASSET-URI` (a multivariant playlist) and `X-ASSET-LIST` (a JSON
 *   list of assets) attributes of an `EXT-X-DATERANGE` (HLS Interstitials, RFC 8216bis Appendix D)
 * - `steering`: `EXT-X-CONTENT-STEERING` `SERVER-URI`, the steering manifest (§4.4.6.6)
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
  | "session-data"
  | "asset"
  | "asset-list"
  | "steering";

/** The tags whose `URI` attribute is a URI to rewrite, and what it points at. */
const URI_TAGS: Readonly<Record<string, PlaylistUriKind>> = {
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

/**
 * Every quoted-string attribute that holds a URI a player fetches, by tag: the `URI` of
 * {@link URI_TAGS}, and the attributes of other names (interstitial assets, the steering server).
 */
const URI_ATTRIBUTES: Readonly<Record<string, Readonly<Record<string, PlaylistUriKind>>>> = {
  ...Object.fromEntries(Object.entries(URI_TAGS).map(([tag, kind]) => [tag, { URI: kind }])),
  "EXT-X-DATERANGE": { "X-ASSET-URI": "asset", "X-ASSET-LIST": "asset-list" },
  "EXT-X-CONTENT-STEERING": { "SERVER-URI": "steering" },
};

/** Kinds whose URI names another playlist (what `--recursive` follows, less the interstitial asset). */
const PLAYLIST_KINDS: ReadonlySet<PlaylistUriKind> = new Set([
  "variant",
  "media",
  "i-frame",
  "rendition-report",
  "asset",
]);

/**
 * Kinds whose requests a player extends with query parameters of its own, so a per-URI signature of
 * the URI as written gives 403: interstitial assets (`_HLS_primary_id`, `_HLS_start_offset`,
 * HLS Interstitials §"Client behavior") and the steering server (`_HLS_pathway`, `_HLS_throughput`,
 * §7.2 "Content Steering").
 */
export const PLAYER_QUERY_KINDS: ReadonlySet<PlaylistUriKind> = new Set(["asset", "asset-list", "steering"]);

/** One URI found in a playlist. */
export interface PlaylistUri {
  /** The URI exactly as written (inside the quotes, or the URI line without surrounding whitespace). */
  readonly uri: string;
  /** What it points at. */
  readonly kind: PlaylistUriKind;
  /** The tag it is an attribute of (`EXT-X-KEY`, ...); absent for a URI line. */
  readonly tag?: string;
  /** The attribute it is the value of (`URI`, `X-ASSET-URI`, `SERVER-URI`); absent for a URI line. */
  readonly attribute?: string;
  /** 1-based line number. */
  readonly line: number;
  /** 0-based position among the playlist's URIs, in order of appearance. */
  readonly index: number;
  /** True when the URI names another playlist (variant, rendition, I-frame playlist, rendition report, interstitial asset). */
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
  if (typeof replace !== "function")
    fail("INVALID_ARGUMENT", "rewritePlaylist takes a function that returns each URI's replacement");
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
  for (let start = text.charCodeAt(0) === 0xfeff ? 1 : 0; start < text.length;) {
    lineNumber++;
    const lf = text.indexOf("\n", start);
    const end = lf === -1 ? text.length : lf;
    const contentEnd = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    const line = text.slice(start, contentEnd);
    const add = (uri: string, offset: number, kind: PlaylistUriKind, tag?: string, attribute?: string): void => {
      const ref: PlaylistUri = {
        uri,
        kind,
        ...(tag === undefined ? {} : { tag }),
        ...(attribute === undefined ? {} : { attribute }),
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
        const wanted = URI_ATTRIBUTES[tag];
        if (wanted !== undefined && colon !== -1) {
          for (const a of quotedAttributes(line, colon + 1)) {
            const kind = Object.hasOwn(wanted, a.name) ? wanted[a.name] : undefined;
            if (kind !== undefined) add(line.slice(a.start, a.end), a.start, kind, tag, a.name);
          }
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

/** A quoted-string attribute of a tag line: its name and the offsets of its value inside the quotes. */
interface QuotedAttribute {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

/**
 * The quoted-string attributes of an attribute list (§4.2), reading `line` from `from`, in order,
 * with the offsets (within `line`) of each value inside its quotes. A `URI=` inside another
 * attribute's quoted string is not an attribute; reading stops at the first malformed pair.
 *
 * @param line - a tag line
 * @param from - where its attribute list starts (after the `:`)
 * @returns the quoted attributes
 */
function quotedAttributes(line: string, from: number): QuotedAttribute[] {
  const out: QuotedAttribute[] = [];
  let i = from;
  while (i < line.length) {
    while (line[i] === " " || line[i] === "\t") i++;
    const eq = line.indexOf("=", i);
    if (eq === -1) return out;
    const name = line.slice(i, eq).trim();
    i = eq + 1;
    if (line[i] === '"') {
      const close = line.indexOf('"', i + 1);
      if (close === -1) return out;
      out.push({ name, start: i + 1, end: close });
      i = close + 1;
    } else {
      const comma = line.indexOf(",", i);
      i = comma === -1 ? line.length : comma;
    }
    // Up to the next comma (an unquoted value, or anything stray after a quoted one).
    const comma = line.indexOf(",", i);
    if (comma === -1) return out;
    i = comma + 1;
  }
  return out;
}

/**
 * One `EXT-X-DEFINE` (§4.4.2.3): a variable defined by `NAME`/`VALUE`, imported from the
 * multivariant playlist (`IMPORT`, media playlists only), or taken from the query of the URL the
 * playlist was loaded from (`QUERYPARAM`).
 */
interface PlaylistDefinition {
  readonly name: string;
  readonly source: "value" | "import" | "queryparam";
  /** For `source: "value"`: the value as written. */
  readonly value?: string;
  /** 1-based line number. */
  readonly line: number;
}

/** A variable reference `{$name}` (§4.3: names are `[a-zA-Z0-9-_]`). */
const VARIABLE_REFERENCE = /\{\$([A-Za-z0-9_-]+)\}/g;

/** True when `uri` contains a variable reference `{$name}`. */
export function hasVariableReference(uri: string): boolean {
  return /\{\$[A-Za-z0-9_-]+\}/.test(uri);
}

/**
 * The `EXT-X-DEFINE` tags of a playlist, in order.
 *
 * @param text - the playlist's text
 * @returns each definition with its source and line
 * @example
 * ```ts
 * playlistDefinitions('#EXTM3U\n#EXT-X-DEFINE:NAME="host",VALUE="https://cdn.example.com"\n');
 * // [{ name: "host", source: "value", value: "https://cdn.example.com", line: 2 }]
 * ```
 */
export function playlistDefinitions(text: string): PlaylistDefinition[] {
  const out: PlaylistDefinition[] = [];
  const lines = text.split("\n");
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k]!.replace(/\r$/, "");
    if (!line.startsWith("#EXT-X-DEFINE:")) continue;
    const attributes = new Map(quotedAttributes(line, 14).map((a) => [a.name, line.slice(a.start, a.end)]));
    const value = attributes.get("VALUE");
    const name = attributes.get("NAME");
    if (name !== undefined && value !== undefined) out.push({ name, source: "value", value, line: k + 1 });
    else if (attributes.has("IMPORT")) out.push({ name: attributes.get("IMPORT")!, source: "import", line: k + 1 });
    else if (attributes.has("QUERYPARAM"))
      out.push({ name: attributes.get("QUERYPARAM")!, source: "queryparam", line: k + 1 });
  }
  return out;
}

/**
 * Substitutes variable references as a player does (§4.3): each `{$name}` with a value in
 * `values` is replaced; others are left.
 *
 * @param uri - a URI as written
 * @param values - the variables' values
 * @returns the URI with every known variable substituted, and whether any reference is left
 */
export function substituteVariables(
  uri: string,
  values: ReadonlyMap<string, string>,
): { uri: string; unresolved: boolean } {
  let unresolved = false;
  const out = uri.replace(VARIABLE_REFERENCE, (whole, name: string) => {
    const v = values.get(name);
    if (v === undefined) unresolved = true;
    return v ?? whole;
  });
  return { uri: out, unresolved };
}
