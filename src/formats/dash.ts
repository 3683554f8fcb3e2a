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
 * - the text of `BaseURL`, `Location` and `PatchLocation` elements
 * - `SegmentTemplate@media`, `@initialization`, `@index`, `@bitstreamSwitching`
 * - `SegmentURL@media`, `@index`, `Initialization@sourceURL`, `RepresentationIndex@sourceURL`,
 *   `BitstreamSwitching@sourceURL` (segment lists and segment bases)
 *
 * The manifest is XML: the appended text is escaped (`&` as `&amp;` in
 * attributes and text), `$...$` template identifiers are left as they are,
 * and comments, CDATA sections and every other byte are untouched. The scanner
 * is deliberately small (no DTD, no entity definitions), which is all an MPD uses. {@link parseMpd}
 * gives the element tree (what `src/manifest.ts` resolves BaseURLs and templates through);
 * {@link insertIntoMpd} writes text at the offsets it found.
 *
 * @module
 */
import { fail } from "../errors.ts";

/** The attributes that hold a URL or URL template, by element local name. */
const URL_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  SegmentTemplate: ["media", "initialization", "index", "bitstreamSwitching"],
  SegmentURL: ["media", "index"],
  Initialization: ["sourceURL"],
  RepresentationIndex: ["sourceURL"],
  BitstreamSwitching: ["sourceURL"],
};

/** The elements whose text is a URL. */
const URL_ELEMENTS: ReadonlySet<string> = new Set(["BaseURL", "Location", "PatchLocation"]);

/** One URL (or URL template) in a manifest. */
export interface MpdUrl {
  /** The value with XML entities decoded, e.g. `seg-$Number$.m4s?x=1&y=2`. */
  readonly value: string;
  /** `BaseURL`, `Location`, `PatchLocation`, or `Element@attribute` such as `SegmentTemplate@media`. */
  readonly where: string;
  /** True for a `SegmentTemplate` attribute (`$Number$`, `$Time$`... stand for many URLs). */
  readonly template: boolean;
  /** 1-based line number. */
  readonly line: number;
  /** 0-based position among the manifest's URLs, in document order. */
  readonly index: number;
  /** Where text appended to the URL goes (the closing quote, or the end of the trimmed element text). */
  readonly insertAt: number;
  /** The quote of the attribute (`"` or `'`), or `""` for element text. */
  readonly quote: string;
}

/** An element of the manifest, with the URLs it holds. */
export interface MpdElement {
  /** Local name (`MPD`, `Period`, `AdaptationSet`, ...; a namespace prefix dropped). */
  readonly name: string;
  /** Attributes by name, entity-decoded. */
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: MpdElement[];
  /** The URL attributes of this element, and for `BaseURL`/`Location`/`PatchLocation` its text. */
  readonly urls: MpdUrl[];
  readonly parent: MpdElement | undefined;
  /** 1-based line of the start tag. */
  readonly line: number;
}

/** True when `text` looks like a DASH manifest (an `MPD` root element). */
export function isMpd(text: string): boolean {
  return /^(?:\uFEFF)?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<(?:[A-Za-z_][\w.-]*:)?MPD[\s>/]/.test(text);
}

/**
 * Reads a manifest into its element tree, with every URL and where text can be appended to it.
 *
 * @param text - the MPD
 * @returns the root (`MPD`) element and every URL in document order
 * @throws {@link CfSignError} `INVALID_ARGUMENT` when there is no `MPD` element
 * @example
 * ```ts
 * const { root, urls } = parseMpd(mpd);
 * for (const u of urls) console.log(u.line, u.where, u.value);
 * ```
 */
export function parseMpd(text: string): { root: MpdElement; urls: MpdUrl[] } {
  if (typeof text !== "string" || !isMpd(text)) fail("INVALID_ARGUMENT", "not a DASH manifest: no MPD root element");
  const urls: MpdUrl[] = [];
  let line = 1;
  let counted = 0;
  const lineAt = (pos: number): number => {
    for (let k = text.indexOf("\n", counted); k !== -1 && k < pos; k = text.indexOf("\n", k + 1)) line++;
    counted = Math.max(counted, pos);
    return line;
  };
  const top: MpdElement = { name: "", attributes: new Map(), children: [], urls: [], parent: undefined, line: 1 };
  let current = top;
  for (let i = text.indexOf("<"); i !== -1; i = text.indexOf("<", i)) {
    if (text.startsWith("<!--", i)) {
      i = after(text, "-->", i + 4);
      continue;
    }
    if (text.startsWith("<![CDATA[", i)) {
      i = after(text, "]]>", i + 9);
      continue;
    }
    if (text[i + 1] === "/") {
      if (current.parent !== undefined) current = current.parent;
      i = after(text, ">", i + 1);
      continue;
    }
    if (text[i + 1] === "?" || text[i + 1] === "!") {
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
    const attributes = new Map<string, string>();
    const element: MpdElement = { name: local, attributes, children: [], urls: [], parent: current, line: lineAt(i) };
    current.children.push(element);
    const attribute = /\s+([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;
    let end = i + name[0].length;
    attribute.lastIndex = end;
    // A failed sticky match resets lastIndex to 0, so the end of the last attribute is kept apart.
    for (let m = attribute.exec(text); m !== null; m = attribute.exec(text)) {
      end = attribute.lastIndex;
      const value = decodeXml(m[2] ?? m[3]!);
      attributes.set(m[1]!, value);
      if (!wanted.includes(m[1]!)) continue;
      const url: MpdUrl = {
        value,
        where: `${local}@${m[1]}`,
        template: local === "SegmentTemplate",
        line: lineAt(end - 1),
        index: urls.length,
        insertAt: end - 1,
        quote: m[2] !== undefined ? '"' : "'",
      };
      urls.push(url);
      element.urls.push(url);
    }
    const close = text.indexOf(">", end);
    if (close === -1) break;
    i = close + 1;
    if (text[close - 1] === "/") continue;
    current = element;
    if (URL_ELEMENTS.has(local)) {
      const endTag = text.indexOf("<", i);
      if (endTag === -1) break;
      const content = text.slice(i, endTag);
      const trimmedEnd = i + content.trimEnd().length;
      if (content.trim() !== "") {
        const url: MpdUrl = {
          value: decodeXml(content.trim()),
          where: local,
          template: false,
          line: lineAt(trimmedEnd),
          index: urls.length,
          insertAt: trimmedEnd,
          quote: "",
        };
        urls.push(url);
        element.urls.push(url);
      }
      i = endTag;
    }
  }
  const root = top.children.find((e) => e.name === "MPD");
  if (root === undefined) fail("INVALID_ARGUMENT", "not a DASH manifest: no MPD root element");
  return { root, urls };
}

/**
 * Writes text after URLs of a manifest, escaped for where it goes; every other byte unchanged.
 *
 * @param text - the MPD, as given to {@link parseMpd}
 * @param insertions - for each URL (from {@link parseMpd} on the same text), the unescaped text to append
 * @returns the rewritten manifest
 */
export function insertIntoMpd(text: string, insertions: ReadonlyMap<MpdUrl, string>): string {
  const sorted = [...insertions].filter(([, t]) => t !== "").sort((a, b) => a[0].insertAt - b[0].insertAt);
  let out = "";
  let copied = 0;
  for (const [url, extra] of sorted) {
    out += text.slice(copied, url.insertAt) + escapeXml(extra, url.quote);
    copied = url.insertAt;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/**
 * Appends text to every URL of a manifest.
 *
 * @param text - the MPD
 * @param append - called once per URL in document order; returns the text to append (unescaped; it
 *   is escaped here), or `undefined` to leave the URL as it is
 * @returns the rewritten manifest
 * @throws {@link CfSignError} `INVALID_ARGUMENT` when there is no `MPD` element
 */
export function appendToMpdUrls(text: string, append: (url: MpdUrl) => string | undefined): string {
  const { urls } = parseMpd(text);
  const insertions = new Map<MpdUrl, string>();
  for (const url of urls) {
    const extra = append(url);
    if (extra !== undefined) insertions.set(url, extra);
  }
  return insertIntoMpd(text, insertions);
}

function after(text: string, end: string, from: number): number {
  const k = text.indexOf(end, from);
  return k === -1 ? text.length : k + end.length;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** XML character and predefined entity references decoded (XML 1.0 §4.1, §4.6). */
function decodeXml(text: string): string {
  return text.replace(/&(#x[0-9A-Fa-f]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (whole, ref: string) => {
    if (ref.startsWith("#x")) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
    if (ref.startsWith("#")) return String.fromCodePoint(Number.parseInt(ref.slice(1), 10));
    return ENTITIES[ref] ?? whole;
  });
}

/** Escapes text for an XML attribute quoted with `quote`, or for element content when `quote` is empty. */
function escapeXml(text: string, quote: string): string {
  let out = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  if (quote === '"') out = out.replace(/"/g, "&quot;");
  if (quote === "'") out = out.replace(/'/g, "&apos;");
  return out;
}
