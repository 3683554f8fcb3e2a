/**
 * Signing a DASH manifest (MPD, ISO/IEC 23009-1) under one shared policy (`Signer.signManifest`,
 * `cfsign playlist` for `.mpd`). A `SegmentTemplate` such as `seg-$Number$.m4s` stands for many
 * URLs, so only a wildcard policy signed once can sign them; its query is appended to every place a
 * player builds a URL from, after checking that the policy covers every URL the player will build:
 *
 * - BaseURLs are resolved as a player resolves them (§5.6): each level's `BaseURL` (MPD, Period,
 *   AdaptationSet, Representation) against the one above it, the first against the MPD's URL; with
 *   several `BaseURL`s at a level (alternative locations), every combination is checked.
 * - A template is expanded per Representation that uses it (§5.3.9.4.4): `$RepresentationID$` and
 *   `$Bandwidth$` are known from the MPD; `$Number$`, `$Time$` and `$SubNumber$` stand for digits, so
 *   the template's part before the first of them, resolved, is a prefix every expansion shares, and
 *   the policy must cover every URL starting with it.
 * - With `SegmentBase`, or a `SegmentList` without `SegmentURL@media`, the BaseURL is the media URL
 *   itself and gets the query; a BaseURL that is only a folder for templates does not (a relative
 *   reference drops its base's query, RFC 3986 §5.2.2).
 * - `Location` and `PatchLocation` (where a dynamic MPD is refreshed from) are resolved against the
 *   MPD's URL.
 *
 * A URL not covered is left as it was and reported with `RESOURCE_MISMATCH` (or the code of the
 * check that failed), never signed into a manifest whose segments would all give 403.
 *
 * @module
 */
import { CfSignError, fail } from "./errors.ts";
import { insertIntoMpd, isMpd, parseMpd, type MpdElement, type MpdUrl } from "./formats/dash.ts";
import { resourceCoversPrefix } from "./cloudfront/resource.ts";
import type { SignerCore } from "./batch.ts";
import type { ItemFailure } from "./types.ts";
import { fixedPrefix, safeResolve } from "./lib/uri-targets.ts";
import { checkStreamingOptions, sharedPolicyFor, strictFailure } from "./lib/streaming-options.ts";
import type { SignedPolicy } from "./shared-policy.ts";
import type { DateInput } from "./cloudfront/time.ts";

/** Options of `Signer.signManifest`. */
export interface SignManifestOptions {
  /** The absolute URL the MPD is served from, e.g. `https://cdn.example.com/videos/intro/manifest.mpd`. Required. */
  baseUrl: string;
  /** Only `"shared"` (the default): templates stand for many URLs, which one signature each cannot sign. */
  mode?: "shared" | undefined;
  /** End of validity (`DateLessThan`): a `Date`, integer epoch seconds, or ISO-8601 with a zone. Required. */
  expires: DateInput;
  /** Start of validity (`DateGreaterThan`). */
  starts?: DateInput | undefined;
  /** IPv4 address or CIDR allowed to use the URLs. */
  ipAddress?: string | undefined;
  /** The policy's resource instead of the MPD's folder and `*`, e.g. `https://cdn.example.com/videos/*`. */
  resource?: string | undefined;
  /** Allow a `resource` of `*` or with a wildcard in the scheme or host. */
  allowAnyResource?: boolean | undefined;
  /** Throw one `BATCH_FAILED` error instead of reporting failures. */
  strict?: boolean | undefined;
}

/** A URL of a manifest that was not signed; it is left as it was. */
export interface ManifestFailure extends ItemFailure {
  /** 1-based line of the URL (its closing quote, or the end of the element's text). */
  readonly line: number;
  /** 0-based position among the manifest's URLs, in document order; `error.index` is the same. */
  readonly index: number;
  /** Where it is: `SegmentTemplate@media`, `BaseURL`, `Location`, ... */
  readonly where: string;
}

/** What `Signer.signManifest` returns. */
export interface SignedManifest {
  /** The MPD with the policy's query appended (XML-escaped) to each signed URL; every other byte unchanged. */
  readonly text: string;
  readonly mode: "shared";
  /** URLs to sign: `signed` + `failures.length` (BaseURLs that are only folders are not counted). */
  readonly uris: number;
  readonly signed: number;
  /** URLs left as they were because they are not http(s) (`data:`, ...). */
  readonly skipped: number;
  /** The URLs not signed, in document order. */
  readonly failures: readonly ManifestFailure[];
  /** The policy signed for the manifest. */
  readonly policy: SignedPolicy;
  /** True for `type="dynamic"` (live): the player refreshes the MPD, from `Location` when there is one. */
  readonly dynamic: boolean;
}

/** The levels BaseURLs and segment information are inherited through (§5.6, §5.3.9.1). */
const LEVELS: ReadonlySet<string> = new Set(["MPD", "Period", "AdaptationSet", "Representation"]);
const SEGMENT_INFO: ReadonlySet<string> = new Set(["SegmentTemplate", "SegmentList", "SegmentBase"]);
/** At most this many BaseURL combinations per element are checked (alternative CDNs multiply). */
const MAX_BASES = 64;

/** An identifier of a template (§5.3.9.4.4, Table 16): `$Name$` or `$Name%0Nd$`, or `$$`. */
const IDENTIFIER = /\$(RepresentationID|Number|Bandwidth|Time|SubNumber)(%0\d+[diuxXo])?\$|\$\$/g;

/** What a URL of the manifest must satisfy: every check passes, or it is refused with the first failure. */
type Check = () => CfSignError | undefined;

/**
 * `Signer.signManifest`: signs a DASH manifest under one shared policy (see the method's documentation).
 *
 * @param core - the signer's key, engine and clock
 * @param text - the MPD
 * @param given - the options
 * @returns the signed manifest
 * @throws {@link CfSignError} as `Signer.signManifest`
 */
export async function signManifest(
  core: SignerCore,
  text: string,
  given: SignManifestOptions,
): Promise<SignedManifest> {
  if (typeof text !== "string") fail("INVALID_ARGUMENT", "signManifest takes the manifest's text as a string");
  if (!isMpd(text)) fail("INVALID_ARGUMENT", "not a DASH manifest: no MPD root element");
  const { options, checked } = checkStreamingOptions(core, "signManifest", given, ["shared"]);
  const policy = await sharedPolicyFor(core, checked);
  const signed = signMpdUrls(text, checked.base, policy);
  if (options.strict === true && signed.failures.length > 0)
    throw strictFailure(`${signed.uris} URLs of the manifest`, signed.failures);
  return { ...signed, mode: "shared", policy };
}

/**
 * Checks every URL of a manifest against `policy` and appends its query to those covered.
 *
 * @param text - the MPD
 * @param base - the MPD's URL (validated)
 * @param policy - the shared policy
 * @returns the signed text, counts, failures, and whether the MPD is dynamic
 */
function signMpdUrls(
  text: string,
  base: string,
  policy: SignedPolicy,
): { text: string; uris: number; signed: number; skipped: number; failures: ManifestFailure[]; dynamic: boolean } {
  const { root, urls } = parseMpd(text);
  const checks = new Map<MpdUrl, Check[]>();
  const skip = new Set<MpdUrl>();
  const need = (url: MpdUrl, check: Check): void => {
    const list = checks.get(url);
    if (list === undefined) checks.set(url, [check]);
    else list.push(check);
  };
  /** One URL, resolved against `against`: what `SignedPolicy.apply` accepts. */
  const single = (url: MpdUrl, value: string, against: string): void => {
    if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value) && !/^https?:/i.test(value)) {
      skip.add(url);
      return;
    }
    need(url, () => {
      const resolved = safeResolve(value, against);
      if (resolved === undefined)
        return new CfSignError("INVALID_URL", `${url.where}: the URL cannot be resolved against its BaseURL`);
      return applies(policy, resolved, url.where);
    });
  };

  const bases = new Map<MpdElement, string[]>();
  const basesOf = (e: MpdElement): string[] => bases.get(e) ?? basesOf(e.parent!);
  const walk = (e: MpdElement, inherited: string[]): void => {
    let own = inherited;
    const baseUrls = e.children.filter((c) => c.name === "BaseURL" && c.urls.length > 0);
    if (LEVELS.has(e.name) && baseUrls.length > 0) {
      const next = new Set<string>();
      for (const p of inherited) {
        for (const b of baseUrls) {
          const r = safeResolve(b.urls[0]!.value, p);
          if (r !== undefined && next.size < MAX_BASES) next.add(r);
        }
      }
      own = [...next];
    }
    bases.set(e, own);
    for (const c of e.children) walk(c, own);
  };
  walk(root, [base]);

  const representations: MpdElement[] = [];
  const collect = (e: MpdElement): void => {
    if (e.name === "Representation") representations.push(e);
    for (const c of e.children) collect(c);
  };
  collect(root);

  // Location and PatchLocation: against the MPD's URL.
  for (const url of urls) if (url.where === "Location" || url.where === "PatchLocation") single(url, url.value, base);

  for (const rep of representations) {
    const chain: MpdElement[] = [];
    for (let e: MpdElement | undefined = rep; e !== undefined && e.name !== ""; e = e.parent)
      if (LEVELS.has(e.name)) chain.push(e);
    // Nearest first: the segment information elements in effect, and the template attribute each comes from.
    const info = chain.flatMap((level) => level.children.filter((c) => SEGMENT_INFO.has(c.name)));
    const repBases = basesOf(rep);
    const id = rep.attributes.get("id") ?? "";
    const bandwidth = rep.attributes.get("bandwidth") ?? "";
    const template = info.find((c) => c.name === "SegmentTemplate");
    const list = info.find((c) => c.name === "SegmentList");
    let usesTemplate = false;
    for (const attribute of ["media", "initialization", "index", "bitstreamSwitching"]) {
      const from = info.find((c) => c.name === "SegmentTemplate" && c.attributes.has(attribute));
      if (from === undefined) continue;
      const url = from.urls.find((u) => u.where === `SegmentTemplate@${attribute}`)!;
      if (attribute === "media") usesTemplate = true;
      for (const b of repBases) templateChecks(url, expandKnown(url.value, id, bandwidth), b, policy, need, skip);
    }
    let usesListMedia = false;
    if (template === undefined || (list !== undefined && info.indexOf(list) < info.indexOf(template))) {
      const segmentList = list;
      if (segmentList !== undefined) {
        for (const c of segmentList.children) {
          for (const url of c.urls) {
            if (url.where === "SegmentURL@media") usesListMedia = true;
            for (const b of repBases) single(url, url.value, b);
          }
        }
      }
    }
    for (const e of info) {
      if (e.name !== "SegmentBase") continue;
      for (const c of e.children) for (const url of c.urls) for (const b of repBases) single(url, url.value, b);
    }
    if (!usesTemplate && !usesListMedia) {
      // The BaseURL in effect is the media URL itself: sign the nearest level's BaseURL elements.
      const level = chain.find((l) => l.children.some((c) => c.name === "BaseURL" && c.urls.length > 0));
      if (level !== undefined) {
        const parentBases = level === root ? [base] : basesOf(level.parent!);
        for (const b of level.children) {
          if (b.name !== "BaseURL" || b.urls.length === 0) continue;
          for (const p of parentBases) single(b.urls[0]!, b.urls[0]!.value, p);
        }
      }
    }
  }

  const insertions = new Map<MpdUrl, string>();
  const failures: ManifestFailure[] = [];
  let signed = 0;
  for (const url of urls) {
    const list = checks.get(url);
    if (list === undefined) continue;
    let error: CfSignError | undefined;
    for (const check of list) {
      error = check();
      if (error !== undefined) break;
    }
    if (error !== undefined) {
      failures.push({ line: url.line, index: url.index, where: url.where, error: error.withIndex(url.index) });
    } else {
      signed++;
      insertions.set(url, (url.value.includes("?") ? "&" : "?") + policy.query);
    }
  }
  const skipped = [...skip].filter((u) => !checks.has(u)).length;
  return {
    text: insertIntoMpd(text, insertions),
    uris: signed + failures.length,
    signed,
    skipped,
    failures,
    dynamic: root.attributes.get("type") === "dynamic",
  };
}

/** `SignedPolicy.apply`'s verdict on one absolute URL, as an error or `undefined`. */
function applies(policy: SignedPolicy, url: string, where: string): CfSignError | undefined {
  try {
    policy.apply(url);
    return undefined;
  } catch (err) {
    if (!(err instanceof CfSignError)) throw err;
    return new CfSignError(err.code, `${where}: ${err.message}`, { cause: err });
  }
}

/** A template with `$RepresentationID$`, `$Bandwidth$` (formatted as written) and `$$` replaced; digits identifiers kept. */
function expandKnown(template: string, id: string, bandwidth: string): string {
  return template.replace(IDENTIFIER, (whole, name: string | undefined, format: string | undefined) => {
    if (name === undefined) return "\u0000"; // `$$`: a literal `$`, restored below
    if (name === "RepresentationID") return id;
    if (name === "Bandwidth")
      return format === undefined ? bandwidth : bandwidth.padStart(Number(format.slice(2, -1)), "0");
    return whole;
  });
}

/** The checks of a template (after {@link expandKnown}) against one BaseURL in effect. */
function templateChecks(
  url: MpdUrl,
  expanded: string,
  base: string,
  policy: SignedPolicy,
  need: (url: MpdUrl, check: Check) => void,
  skip: Set<MpdUrl>,
): void {
  const literal = (s: string): string => s.replace(/\u0000/g, "$");
  const at = expanded.search(/\$(Number|Time|SubNumber)(%0\d+[diuxXo])?\$/);
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(expanded) && !/^https?:/i.test(expanded)) {
    skip.add(url);
    return;
  }
  const sample = literal(expanded.replace(/\$(Number|Time|SubNumber)(%0\d+[diuxXo])?\$/g, "1"));
  if (at === -1) {
    need(url, () => {
      const resolved = safeResolve(sample, base);
      return resolved === undefined
        ? new CfSignError("INVALID_URL", `${url.where}: the template cannot be resolved against its BaseURL`)
        : applies(policy, resolved, url.where);
    });
    return;
  }
  need(url, () => {
    const prefix = fixedPrefix(literal(expanded.slice(0, at)), base, true);
    if (typeof prefix !== "string") return new CfSignError(prefix.code, `${url.where}: ${prefix.message}`);
    const resolved = safeResolve(sample, base);
    if (resolved === undefined || !resolved.startsWith(prefix)) {
      return new CfSignError(
        "RESOURCE_MISMATCH",
        `${url.where}: a dot segment after the template's first $Number$ or $Time$ moves its URLs out of their folder`,
      );
    }
    if (!resourceCoversPrefix(policy.resource, prefix)) {
      return new CfSignError(
        "RESOURCE_MISMATCH",
        `${url.where}: the policy's resource does not cover every segment URL a player builds from the template (its part before the first $Number$ or $Time$, resolved through the BaseURLs); pass a wider resource`,
      );
    }
    return applies(policy, resolved, url.where);
  });
}
