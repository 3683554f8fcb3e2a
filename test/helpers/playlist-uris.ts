/**
 * An HLS playlist's URIs found without cfsign's code (src/formats/hls.ts), for the
 * tests of the scanner, the CLI and `signer.signPlaylist` to compare against:
 * URI lines, and `URI="..."` attributes in `#EXT` tag lines.
 */

/** One URI of a playlist. */
export interface Found {
  /** 1-based line number. */
  line: number;
  uri: string;
  /** The raw line's text before and after the URI (a CR of a CRLF line end stays in `after`). */
  before: string;
  after: string;
}

/** Every URI of `text`, in order. A byte order mark before the first line is not part of it. */
export function findUris(text: string): Found[] {
  const found: Found[] = [];
  text.split("\n").forEach((raw, i) => {
    const bom = i === 0 && raw.startsWith("\uFEFF") ? 1 : 0;
    const line = (raw.endsWith("\r") ? raw.slice(0, -1) : raw).slice(bom);
    const push = (uri: string, at: number): void => {
      found.push({ line: i + 1, uri, before: raw.slice(0, bom + at), after: raw.slice(bom + at + uri.length) });
    };
    if (line.startsWith("#EXT")) {
      for (const m of line.matchAll(/([:,])URI="([^"]*)"/g)) push(m[2]!, m.index + m[1]!.length + 5);
    } else if (!line.startsWith("#") && line.trim() !== "") {
      push(line.trim(), line.search(/\S/));
    }
  });
  return found;
}
