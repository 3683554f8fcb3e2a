/**
 * Signs the URIs of one HLS playlist and puts the signed URLs back with every other byte unchanged
 * (../formats/hls.ts finds and rewrites them): which URIs are signed, as what absolute URL (after
 * `EXT-X-DEFINE` variables are substituted as a player does, ./uri-targets.ts), which are refused
 * and why. The signing itself is a callback: per-URI signatures or a shared policy's query. Used by
 * `Signer.signPlaylist` and `Signer.signPlaylists` (../playlist.ts), and so by `cfsign playlist`. Runtime-neutral.
 *
 * @module
 */
import { CfSignError, type CfSignErrorCode } from "../errors.ts";
import type { SignedPolicy } from "../shared-policy.ts";
import type { BatchResult, ItemFailure } from "../types.ts";
import {
  hasVariableReference,
  PLAYER_QUERY_KINDS,
  playlistDefinitions,
  playlistUris,
  rewritePlaylist,
  substituteVariables,
  type PlaylistUri,
  type PlaylistUriKind,
} from "../formats/hls.ts";
import { resourceCoversPrefix } from "../cloudfront/resource.ts";
import { fixedPrefix, targetOf, type PlaylistTarget } from "./uri-targets.ts";

/** True for a Low-Latency HLS playlist, whose players add `_HLS_msn`/`_HLS_part` to playlist requests. */
export function isLowLatencyPlaylist(text: string): boolean {
  return /^#EXT-X-(?:PART|PRELOAD-HINT|PART-INF|SERVER-CONTROL:.*CAN-BLOCK-RELOAD=YES)/m.test(text);
}

/** A URI of a playlist that was not signed; it is left in the playlist as it was. */
export interface PlaylistFailure extends ItemFailure {
  /** 1-based line number of the URI. */
  readonly line: number;
  /** 0-based position among the playlist's URIs, in order of appearance; `error.index` is the same. */
  readonly index: number;
  /** What the URI points at (`segment`, `variant`, `key`, `map`, ...). */
  readonly kind: PlaylistUriKind;
}

/** What {@link signHlsUris} returns. */
export interface HlsSigning {
  /** The playlist with every signed URI replaced; every other byte as it was. */
  readonly text: string;
  /** URIs to sign (http(s) or relative): `signed` + failures. */
  readonly uris: number;
  readonly signed: number;
  /** URIs left as they were because they are not http(s) (`skd://`, `data:`, ...). */
  readonly skipped: number;
  /** The URIs not signed, in playlist order. */
  readonly failures: PlaylistFailure[];
  /** The URIs signed, in playlist order. */
  readonly targets: PlaylistTarget[];
  /** See {@link isLowLatencyPlaylist}. */
  readonly lowLatency: boolean;
}

/** How {@link signHlsUris} signs. */
interface HlsSigningOptions {
  /** The URL the playlist is served from (validated), or `undefined` when there is none. */
  readonly base: string | undefined;
  /** Keep relative URIs relative. */
  readonly keepRelative: boolean;
  /** Signs absolute URLs; one result per URL, in order (`Signer.signUrls`, `SignedPolicy.applyAll`). */
  readonly sign: (urls: string[]) => BatchResult[] | Promise<BatchResult[]>;
  /**
   * Shared mode: the policy whose query `sign` appends. A URI with a variable that has no value is
   * then signed when the policy covers every URL its fixed part can become (the part before the
   * variable, resolved); without it (per-URI mode) such a URI is refused with `URI_HAS_VARIABLE`.
   */
  readonly shared?: SignedPolicy | undefined;
  /** Values of `EXT-X-DEFINE:IMPORT` variables (the multivariant playlist's definitions). */
  readonly imported?: ReadonlyMap<string, string> | undefined;
  /** Per-URI mode: `"refuse"` URIs a player adds query parameters to (`PLAYER_ADDS_QUERY`), or `"sign"` them. */
  readonly playerQueries?: "refuse" | "sign" | undefined;
  /** Per-URI mode, a master playlist: true for a variant URL whose media playlist is Low-Latency. */
  readonly lowLatencyAt?: ((resolved: string) => boolean) | undefined;
}

/**
 * The values of a playlist's variables as a player has them (§4.4.2.3): `NAME`/`VALUE` definitions,
 * `QUERYPARAM` from the query of the URL the playlist is loaded from, and `IMPORT` from the
 * multivariant playlist's values.
 *
 * @param text - the playlist
 * @param base - the URL it is loaded from
 * @param imported - the multivariant playlist's values, for `IMPORT`
 * @returns name → value
 */
export function variableValues(
  text: string,
  base: string | undefined,
  imported?: ReadonlyMap<string, string>,
): Map<string, string> {
  const values = new Map<string, string>();
  let query: URLSearchParams | undefined;
  for (const d of playlistDefinitions(text)) {
    if (d.source === "value") values.set(d.name, d.value!);
    else if (d.source === "import") {
      const v = imported?.get(d.name);
      if (v !== undefined) values.set(d.name, v);
    } else if (base !== undefined) {
      query ??= new URL(base).searchParams;
      const v = query.get(d.name);
      if (v !== null) values.set(d.name, v);
    }
  }
  return values;
}

/**
 * Signs every http(s) or relative URI of an HLS playlist with `options.sign` and rewrites the
 * playlist: a signed URI is replaced by its absolute signed URL (or, with `keepRelative`, a relative
 * URI by itself plus the signing query; a URI with variables by itself, variables kept, plus the
 * query); a URI that cannot be signed is left unchanged and reported; one that is not http(s) is left.
 *
 * @param text - the playlist (already known to be HLS)
 * @param options - base URL, mode, and how to sign
 * @returns the signed text, counts, failures and the URIs signed
 * @throws {@link CfSignError} `INVALID_ARGUMENT` when `text` is not an HLS playlist; what `sign` throws
 */
export async function signHlsUris(text: string, options: HlsSigningOptions): Promise<HlsSigning> {
  const { base, keepRelative, sign, shared } = options;
  const refs = playlistUris(text);
  const lowLatency = isLowLatencyPlaylist(text);
  const values = variableValues(text, base, options.imported);
  const refuseQueries = shared === undefined && options.playerQueries !== "sign";
  const failures: PlaylistFailure[] = [];
  const refuse = (ref: PlaylistUri, code: CfSignErrorCode, message: string): void => {
    failures.push({
      line: ref.line,
      index: ref.index,
      kind: ref.kind,
      error: new CfSignError(code, message, { index: ref.index }),
    });
  };
  const targets: PlaylistTarget[] = [];
  const replacements = new Map<number, string>();
  const signed: PlaylistTarget[] = [];
  let skipped = 0;
  for (const ref of refs) {
    const variable = hasVariableReference(ref.uri);
    const { uri, unresolved } = variable ? substituteVariables(ref.uri, values) : { uri: ref.uri, unresolved: false };
    if (unresolved) {
      if (shared === undefined) {
        refuse(
          ref,
          "URI_HAS_VARIABLE",
          "the URI uses a variable with no value in reach (EXT-X-DEFINE IMPORT or QUERYPARAM, or none); a per-URI signature needs the URL a player requests after substitution: pass its value, or sign with a shared policy",
        );
        continue;
      }
      const at = uri.search(/\{\$[A-Za-z0-9_-]+\}/);
      if (/^(?!https?:)[A-Za-z][A-Za-z0-9+.-]*:/i.test(uri.slice(0, at))) {
        skipped++;
        continue;
      }
      const prefix = fixedPrefix(uri.slice(0, at), base);
      if (typeof prefix !== "string") refuse(ref, prefix.code, prefix.message);
      else if (!resourceCoversPrefix(shared.resource, prefix)) {
        refuse(
          ref,
          "RESOURCE_MISMATCH",
          "the shared policy's resource does not cover every URL the URI's fixed part (before its first variable) can become; pass a wider resource",
        );
      } else {
        const target: PlaylistTarget = { ref, uri, resolved: prefix, relative: !/^https?:/i.test(uri) };
        signed.push(target);
        replacements.set(ref.index, ref.uri + (ref.uri.includes("?") ? "&" : "?") + shared.query);
      }
      continue;
    }
    const t = targetOf(ref, base, uri);
    if (t === "skip") skipped++;
    else if ("code" in t) refuse(ref, t.code, t.message);
    else if (
      refuseQueries &&
      (PLAYER_QUERY_KINDS.has(ref.kind) ||
        (ref.kind === "rendition-report" && lowLatency) ||
        (ref.playlist && options.lowLatencyAt?.(t.resolved) === true))
    ) {
      refuse(
        ref,
        "PLAYER_ADDS_QUERY",
        ref.kind === "rendition-report" || (ref.playlist && !PLAYER_QUERY_KINDS.has(ref.kind))
          ? "a Low-Latency HLS player adds _HLS_msn/_HLS_part to this playlist's requests, which a per-URI signature refuses; sign with a shared policy"
          : "a player adds query parameters to this URI's requests (interstitials: _HLS_primary_id; content steering: _HLS_pathway), which a per-URI signature refuses; sign with a shared policy",
      );
    } else targets.push(t);
  }
  const results = targets.length === 0 ? [] : await sign(targets.map((t) => t.resolved));
  for (let k = 0; k < targets.length; k++) {
    const t = targets[k]!;
    const r = results[k];
    if (r === undefined) {
      refuse(t.ref, "INTERNAL", "the signer returned no result for the URI");
      continue;
    }
    if (!r.ok) {
      failures.push({ line: t.ref.line, index: t.ref.index, kind: t.ref.kind, error: r.error.withIndex(t.ref.index) });
      continue;
    }
    signed.push(t);
    // The signing query: what was appended to the resolved URL (`?...` or `&...`).
    const suffix = r.url.slice(t.resolved.length);
    // In shared mode a URI written with variables keeps them (the player substitutes them); a
    // per-URI signature is for the substituted URL, so that is what is written.
    const written = shared !== undefined && t.uri !== t.ref.uri ? t.ref.uri : t.uri;
    replacements.set(t.ref.index, (keepRelative && t.relative) || written !== t.uri ? written + suffix : r.url);
  }
  failures.sort((a, b) => a.index - b.index);
  signed.sort((a, b) => a.ref.index - b.ref.index);
  return {
    text: rewritePlaylist(text, (ref) => replacements.get(ref.index)),
    uris: refs.length - skipped,
    signed: signed.length,
    skipped,
    failures,
    targets: signed,
    lowLatency,
  };
}
