/**
 * Real-world playlists and manifests (test/fixtures/manifests, listed with their sources and
 * licenses in SOURCES.md), signed by the library and read back by real players' parsers
 * (test/helpers/players.ts: m3u8-parser, hls.js's M3U8Parser, mpd-parser; the signed MPD also
 * through @xmldom/xmldom). For each: the parsed structure is the original's apart from URIs, and
 * every URI the parser gives (for DASH every segment URL it expands), resolved as the player
 * resolves it, carries a signing query whose signature verifies (node:crypto over the decoded
 * policy) and whose policy covers it; a URI left unsigned is one the library reported.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { DOMParser, type Element as XElement, type Node as XNode } from "@xmldom/xmldom";
import { beforeAll, describe, expect, test } from "vitest";
import { createSigner, type Signer } from "../src/index.js";
import { resourceCovers } from "../src/cloudfront/resource.js";
import { playlistUris } from "../src/formats/hls.js";
import { ROOT } from "./helpers/cli.js";
import { ecKey } from "./helpers/keys.js";
import { parseSignedUrl, verifySignedUrl } from "./helpers/verify.js";
import { hlsJsParse, m3u8Parse, mpdParse } from "./helpers/players.js";

const HOST = "https://d111111abcdef8.cloudfront.net";
const FIXTURES = join(ROOT, "test/fixtures/manifests");
const EXPIRES = Math.floor(Date.now() / 1000) + 86400;

function files(ext: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith(ext)) out.push(join(d, e.name));
    }
  };
  walk(FIXTURES);
  return out.sort();
}

const HLS = files(".m3u8").filter((f) => /^\uFEFF?#EXTM3U/.test(readFileSync(f, "utf8")));
const DASH = files(".mpd");

let signer: Signer;
beforeAll(async () => {
  signer = await createSigner({ keyPairId: "K2JCJMDEHXQW5F", privateKey: ecKey().privatePem });
});

/** The URL a player requests for `uri` (as written in the signed output), without the signing query. */
function unsigned(uri: string, base: string): string {
  return parseSignedUrl(new URL(uri, base).href).base;
}

/** Problems with one signed URL (absolute), or [] when it verifies and its policy covers it. */
function signedProblems(url: string): string[] {
  const parsed = parseSignedUrl(url);
  if (!parsed.params.has("Signature")) return [`not signed: ${url.slice(0, 120)}`];
  const problems: string[] = [];
  if (!verifySignedUrl(url, ecKey().publicKey)) problems.push(`signature does not verify: ${url.slice(0, 120)}`);
  const resource = JSON.parse(parsed.policy).Statement[0].Resource as string;
  if (!resourceCovers(resource, parsed.base)) problems.push(`policy ${resource} does not cover ${parsed.base}`);
  return problems;
}

describe("real-world HLS playlists, read back by m3u8-parser and hls.js", () => {
  test("there are enough of them", () => {
    expect(HLS.length).toBeGreaterThanOrEqual(100);
  });

  for (const mode of ["shared", "per-uri"] as const) {
    test(`${mode}: same structure apart from URIs; every URI signed, verified and covered, or reported`, async () => {
      const problems: string[] = [];
      let checked = 0;
      for (const file of HLS) {
        const name = relative(FIXTURES, file);
        const text = readFileSync(file, "utf8");
        const base = `${HOST}/fixtures/${name}`;
        const result = await signer.signPlaylist(text, {
          baseUrl: base,
          expires: EXPIRES,
          mode,
          playerQueries: "sign",
        });
        const refs = playlistUris(text);
        const refused = new Set(result.failures.map((f) => refs[f.index]!.uri));
        // m3u8-parser: the structure with every URI replaced by the URL a player requests, minus the signing query.
        const resolveOr = (u: string): string => {
          try {
            return unsigned(u, base);
          } catch {
            return u;
          }
        };
        const before = m3u8Parse(text, resolveOr);
        const after = m3u8Parse(result.text, resolveOr);
        try {
          expect(after.structure).toEqual(before.structure);
        } catch {
          problems.push(`${name}: m3u8-parser structure differs`);
        }
        for (const u of after.uris) {
          if (!/^https?:/i.test(new URL(u.value, base).protocol) || /^(?!https?:)[a-z][a-z0-9+.-]*:/i.test(u.value))
            continue;
          if (refused.has(u.value) || (u.value.includes("{$") && result.failures.length > 0)) continue;
          checked++;
          for (const p of signedProblems(new URL(u.value, base).href)) problems.push(`${name} ${u.path}: ${p}`);
        }
        // hls.js: same fragments, parts and levels; every URL it would request is signed.
        const hb = hlsJsParse(text, base);
        const ha = hlsJsParse(result.text, base);
        try {
          expect(ha.shape).toEqual(hb.shape);
        } catch {
          problems.push(`${name}: hls.js structure differs`);
        }
        const refusedUrls = new Set(
          hb.urls.filter((u) =>
            [...refused].some((r) => {
              try {
                return new URL(r, base).href === u;
              } catch {
                return false;
              }
            }),
          ),
        );
        const written = new Set(
          refs.map((r) => {
            try {
              return new URL(r.uri, base).href;
            } catch {
              return r.uri;
            }
          }),
        );
        for (const url of ha.urls) {
          if (!/^https?:/.test(url) || refusedUrls.has(url)) continue;
          // hls.js reads a malformed #EXTINF title of one fixture as a URL that the playlist never names.
          if (hb.urls.includes(url) && !written.has(url)) continue;
          for (const p of signedProblems(url)) problems.push(`${name} hls.js: ${p}`);
        }
      }
      expect(problems.slice(0, 20)).toEqual([]);
      expect(checked).toBeGreaterThan(500);
    }, 60_000);
  }
});

describe("real-world DASH manifests, read back by mpd-parser and @xmldom/xmldom", () => {
  test("same document apart from URLs; every segment URL mpd-parser expands is signed, verified and covered, or reported", async () => {
    expect(DASH.length).toBeGreaterThanOrEqual(25);
    const problems: string[] = [];
    let checked = 0;
    for (const file of DASH) {
      const name = relative(FIXTURES, file);
      const text = readFileSync(file, "utf8");
      const base = `${HOST}/fixtures/${name}`;
      const result = await signer.signManifest(text, { baseUrl: base, expires: EXPIRES });
      expect(result.uris).toBe(result.signed + result.failures.length);
      // The XML: the same elements and attributes, where only URL places may gain the signing query.
      const domProblems = compareXml(text, result.text);
      for (const p of domProblems) problems.push(`${name}: ${p}`);
      const before = mpdParse(text, base);
      const after = mpdParse(result.text, base);
      try {
        expect(after.shape).toEqual(before.shape);
      } catch {
        problems.push(`${name}: mpd-parser structure differs`);
      }
      for (const url of after.urls) {
        if (!/^https?:/.test(url)) continue;
        const plain = parseSignedUrl(url);
        if (!plain.params.has("Signature")) {
          // Left unsigned: only when the library reported failures for this manifest.
          if (result.failures.length === 0) problems.push(`${name}: ${url.slice(0, 100)} unsigned and not reported`);
          continue;
        }
        if (!before.urls.includes(plain.base))
          problems.push(`${name}: ${plain.base.slice(0, 100)} is not a URL of the original`);
        checked++;
        for (const p of signedProblems(url)) problems.push(`${name}: ${p}`);
      }
    }
    expect(problems.slice(0, 20)).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  }, 60_000);
});

/** Differences between two MPDs' DOMs, where an attribute or text may differ only by an appended signing query. */
function compareXml(a: string, b: string): string[] {
  const problems: string[] = [];
  const errors: string[] = [];
  const parse = (t: string) =>
    new DOMParser({
      onError: (level: string, msg: string) => {
        if (level !== "warning") errors.push(msg);
      },
    }).parseFromString(t, "text/xml");
  let da: ReturnType<typeof parse>;
  try {
    da = parse(a);
  } catch {
    return []; // the original itself is not namespace-well-formed XML (an undeclared prefix): nothing to compare
  }
  const db = parse(b);
  if (errors.length > 0) return [`XML errors: ${errors[0]}`];
  const sameOrSigned = (x: string, y: string, where: string): void => {
    if (x === y) return;
    const q = y.startsWith(x) ? y.slice(x.length) : "";
    if (
      !/^[?&]Policy=[A-Za-z0-9~_-]+&Signature=[A-Za-z0-9~_-]+&Key-Pair-Id=K2JCJMDEHXQW5F&Hash-Algorithm=SHA256$/.test(q)
    ) {
      problems.push(`${where}: ${JSON.stringify(x.slice(0, 60))} became ${JSON.stringify(y.slice(0, 60))}`);
    }
  };
  const walk = (x: XNode, y: XNode, path: string): void => {
    if (x.nodeType !== y.nodeType || x.nodeName !== y.nodeName) {
      problems.push(`${path}: ${x.nodeName} became ${y.nodeName}`);
      return;
    }
    if (x.nodeType === 1) {
      const ex = x as XElement;
      const ey = y as XElement;
      if (ex.attributes.length !== ey.attributes.length) problems.push(`${path}: attribute count`);
      for (let i = 0; i < ex.attributes.length; i++) {
        const at = ex.attributes[i]!;
        sameOrSigned(at.value, ey.getAttribute(at.name) ?? "", `${path}@${at.name}`);
      }
    } else if (x.nodeType === 3 || x.nodeType === 4) {
      sameOrSigned((x.nodeValue ?? "").trim(), (y.nodeValue ?? "").trim(), `${path}#text`);
    }
    const cx = x.childNodes;
    const cy = y.childNodes;
    if (cx.length !== cy.length) {
      problems.push(`${path}: child count`);
      return;
    }
    for (let i = 0; i < cx.length; i++) walk(cx[i]!, cy[i]!, `${path}/${cx[i]!.nodeName}`);
  };
  walk(da, db, "");
  return problems;
}
