/**
 * Where the URLs of a DASH manifest (MPD, ISO/IEC 23009-1) get a shared
 * policy's query appended, byte for byte around them.
 *
 * A DASH manifest names its media with templates (`SegmentTemplate@media` such
 * as `seg-$Number%05d$.m4s`) that stand for many URLs, so they cannot be signed
 * one by one: only a wildcard policy signed once works, and its query is
 * appended to every place a URL is built from (§5.6 "BaseURL processing",
 * §5.3.9.4 "Template-based segment URL construction"):
 *
 * - the text of `BaseURL` elements
 * - `SegmentTemplate@media`, `@initialization`, `@index`
 * - `SegmentURL@media`, `@index`, `Initialization@sourceURL`, `RepresentationIndex@sourceURL` (segment lists)
 *
 * The manifest is XML: the appended text is escaped (`&` as `&amp;` in
 * attributes and text), `$...$` template identifiers are left as they are,
 * and comments, CDATA sections and every other byte are untouched. The scanner
 * is deliberately small (no DTD, no entity definitions), which is all an MPD uses.
 *
 * @module
 */

/** The attributes that hold a URL or URL template, by element local name. */
const URL_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  SegmentTemplate: ["media", "initialization", "index"],
  SegmentURL: ["media", "index"],
  Initialization: ["sourceURL"],
  RepresentationIndex: ["sourceURL"],
};

/** One URL (or URL template) in a manifest. */
export interface MpdUrl {
  /** The value with XML entities decoded, e.g. `seg-$Number$.m4s?x=1&y=2`. */
  readonly value: string;
  /** `BaseURL`, or `Element@attribute` such as `SegmentTemplate@media`. */
  readonly where: string;
  /** True for a `SegmentTemplate` attribute (`$Number$`, `$Time$`... stand for many URLs). */
  readonly template: boolean;
  /** 1-based line number. */
  readonly line: number;
}

/** True when `text` looks like a DASH manifest (an `MPD` root element). */
export function isMpd(text: string): boolean {
  return /^(?:\uFEFF)?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<(?:[A-Za-z_][\w.-]*:)?MPD[\s>/]/.test(text);
}

/**
 * Appends text to every URL of a manifest.
 *
 * @param text - the MPD
 * @param append - called once per URL in document order; returns the text to append (unescaped; it
 *   is escaped here), or `undefined` to leave the URL as it is
 * @returns the rewritten manifest
 */
export function appendToMpdUrls(text: string, append: (url: MpdUrl) => string | undefined): string {
  let out = "";
  let copied = 0;
  let line = 1;
  let counted = 0;
  const lineAt = (pos: number): number => {
    for (let k = text.indexOf("\n", counted); k !== -1 && k < pos; k = text.indexOf("\n", k + 1)) line++;
    counted = Math.max(counted, pos);
    return line;
  };
  const insert = (pos: number, raw: string): void => {
    out += text.slice(copied, pos) + raw;
    copied = pos;
  };
  for (let i = text.indexOf("<"); i !== -1; i = text.indexOf("<", i)) {
    if (text.startsWith("<!--", i)) {
      i = after(text, "-->", i + 4);
      continue;
    }
    if (text.startsWith("<![CDATA[", i)) {
      i = after(text, "]]>", i + 9);
      continue;
    }
    if (text[i + 1] === "?" || text[i + 1] === "!" || text[i + 1] === "/") {
      i = after(text, ">", i + 1);
      continue;
    }
    const name = /^<([A-Za-z_][\w.:-]*)/.exec(text.slice(i, i + 200));
    if (name === null) {
      i++;
      continue;
    }
    const local = name[1]!.slice(name[1]!.indexOf(":") + 1);
    const wanted = URL_ATTRIBUTES[local] ?? [];
    const attribute = /\s+([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;
    let end = i + name[0].length;
    attribute.lastIndex = end;
    // A failed sticky match resets lastIndex to 0, so the end of the last attribute is kept apart.
    for (let m = attribute.exec(text); m !== null; m = attribute.exec(text)) {
      end = attribute.lastIndex;
      if (!wanted.includes(m[1]!)) continue;
      const raw = m[2] ?? m[3]!;
      const quote = m[2] !== undefined ? '"' : "'";
      const quoteAt = end - 1;
      const url: MpdUrl = { value: decodeXml(raw), where: `${local}@${m[1]}`, template: local === "SegmentTemplate", line: lineAt(quoteAt) };
      const extra = append(url);
      if (extra !== undefined && extra !== "") insert(quoteAt, escapeXml(extra, quote));
    }
    const close = text.indexOf(">", end);
    if (close === -1) break;
    i = close + 1;
    if (local === "BaseURL" && text[close - 1] !== "/") {
      const endTag = text.indexOf("<", i);
      if (endTag === -1) break;
      const content = text.slice(i, endTag);
      const trimmedEnd = i + content.trimEnd().length;
      if (content.trim() !== "") {
        const url: MpdUrl = { value: decodeXml(content.trim()), where: "BaseURL", template: false, line: lineAt(trimmedEnd) };
        const extra = append(url);
        if (extra !== undefined && extra !== "") insert(trimmedEnd, escapeXml(extra, ""));
      }
      i = endTag;
    }
  }
  return copied === 0 ? text : out + text.slice(copied);
}

function after(text: string, end: string, from: number): number {
  const k = text.indexOf(end, from);
  return k === -1 ? text.length : k + end.length;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** XML character and predefined entity references decoded (XML 1.0 §4.1, §4.6). */
export function decodeXml(text: string): string {
  return text.replace(/&(#x[0-9A-Fa-f]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (whole, ref: string) => {
    if (ref.startsWith("#x")) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
    if (ref.startsWith("#")) return String.fromCodePoint(Number.parseInt(ref.slice(1), 10));
    return ENTITIES[ref] ?? whole;
  });
}

/** Escapes text for an XML attribute quoted with `quote`, or for element content when `quote` is empty. */
export function escapeXml(text: string, quote: string): string {
  let out = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  if (quote === '"') out = out.replace(/"/g, "&quot;");
  if (quote === "'") out = out.replace(/'/g, "&apos;");
  return out;
}
