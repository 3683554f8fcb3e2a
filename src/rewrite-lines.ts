/**
 * Where a whole list of URLs (a gallery file, a playlist body) is signed under
 * one shared policy, as bytes in and bytes out.
 *
 * The hot path does the bulk in a constant number of calls and proves most
 * lines valid with a byte scan; every line it cannot prove valid is flagged and
 * judged here by the real validator (`SignedPolicy.apply`, which runs
 * `validateUrl`, `resourceCovers` and the length check), so the bytes and the
 * refusals are those of applying the policy line by line.
 *
 * @module
 */
import { fail, itemError } from "./errors.ts";
import {
  REWRITE_FLAG_WORDS,
  RewriteIntoTooSmall,
  countLines,
  rewriteBound,
  type HotPath,
  type RewriteOutput,
  type RewritePlan,
} from "./engine/types.ts";
import { MAX_URL_BYTES, validateUrl } from "./cloudfront/url.ts";
import type { ItemFailure } from "./types.ts";

/** The parts of a `SignedPolicy` that rewriting uses. */
export interface ShareablePolicy {
  /** The policy's `Resource` pattern. */
  readonly resource: string;
  /** `Policy=...&Signature=...&Key-Pair-Id=...`, appended to each URL. */
  readonly query: string;
  /** `DateLessThan`, epoch seconds. */
  readonly expires: number;
  /** Signs one URL with the policy, or throws the validator's `CfSignError`. */
  apply(url: string): string;
}

/** Options of {@link Signer.rewriteLines}. */
export interface RewriteLinesOptions {
  /**
   * Copy lines that start with `#` unchanged (HLS playlist tags such as `#EXTINF`). Default `false`:
   * such a line is a URL like any other, and refused. URIs inside tags (`#EXT-X-KEY:URI="..."`) are not signed.
   */
  readonly keepComments?: boolean | undefined;
  /**
   * Write the output into this buffer, from index 0, instead of a new one (like `TextEncoder.encodeInto`):
   * `result.bytes` is then `into.subarray(0, length)`, and the bytes of `into` after it are not touched.
   * One buffer reused across calls saves allocating (and first touching) tens of MB per call.
   * It must hold at least {@link rewriteLinesMaxBytes}`(policy, input)` bytes and must not share memory
   * with `input`; otherwise `INVALID_ARGUMENT` is thrown and `into` is left untouched. `result.bytes`
   * is overwritten by the next call with the same buffer: consume or copy it first. (Should the policy
   * expire during the call, `EXPIRES_IN_PAST` may leave part of an output in `into`.)
   */
  readonly into?: Uint8Array | undefined;
}

/**
 * One line that could not be signed: the {@link ItemFailure} of a line. `index` counts lines from 0
 * (`error.index` is the same), `line` from 1, as an editor shows it: the third line has index 2, line 3.
 */
export interface RewriteFailure extends ItemFailure {
  /** Line number, from 1. */
  readonly line: number;
}

/** What {@link Signer.rewriteLines} returns. */
export interface RewriteLinesResult {
  /**
   * The signed lines, UTF-8, in input order, each with its own line end (`\n` or `\r\n`).
   * Empty lines (and kept comments) are copied; lines that could not be signed are left out.
   * With the `into` option, a view of the start of `into`.
   */
  readonly bytes: Uint8Array;
  /** Lines in the input (a trailing newline adds none). */
  readonly lines: number;
  /** The lines left out, in order. */
  readonly failures: readonly RewriteFailure[];
}

const encoder = /* @__PURE__ */ new TextEncoder();
// ignoreBOM: a line that starts with EF BB BF is refused, as SignedPolicy.apply refuses U+FEFF; a
// default decoder would drop the mark and sign the line.
const decoder = /* @__PURE__ */ new TextDecoder("utf-8", { ignoreBOM: true });

/** UTF-8 length of `text` as `TextEncoder` writes it (a lone surrogate becomes U+FFFD, 3 bytes), and its lines. */
function measureText(text: string): { bytes: number; lines: number } {
  let bytes = 0;
  let newlines = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      bytes++;
      if (c === 0x0a) newlines++;
    } else if (c < 0x800) {
      bytes += 2;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else {
      bytes += 3;
    }
  }
  return { bytes, lines: n > 0 && text.charCodeAt(n - 1) !== 0x0a ? newlines + 1 : newlines };
}

/**
 * The most bytes {@link Signer.rewriteLines} can write for `input` under `policy`: the size the `into` option
 * needs: `input` bytes (UTF-8) + lines × (`policy.query.length` + 1). An upper bound whatever the lines
 * hold: each input byte is written at most once (empty lines, kept comments and line ends as they are;
 * refused lines not at all), and each signed line adds exactly `?` or `&` and the query, whether the
 * scan or the validator accepted it (the validator accepts only ASCII URLs, signed unchanged).
 * A pure function: no signer, engine or clock.
 *
 * The arguments come in the order of `signer.rewriteLines(policy, input)`.
 *
 * @param policy - the shared policy (`Signer.signPolicy`); only the length of its `query` is read
 * @param input - the input that will be passed to `rewriteLines`, as UTF-8 bytes or a string
 * @returns the size, in bytes, that `into` must have at least
 * @throws {@link CfSignError} `INVALID_ARGUMENT` when `input` is neither bytes nor a string, or `policy` has no
 *   query (the message says when the two were passed the other way round)
 * @example
 * ```ts
 * const into = new Uint8Array(rewriteLinesMaxBytes(gallery, body)); // once, reused for every call
 * ```
 */
export function rewriteLinesMaxBytes(policy: Pick<ShareablePolicy, "query">, input: Uint8Array | string): number {
  const query = (policy as Partial<ShareablePolicy> | null | undefined)?.query;
  if (typeof query !== "string") {
    const swapped = typeof policy === "string" || policy instanceof Uint8Array;
    fail(
      "INVALID_ARGUMENT",
      swapped
        ? "rewriteLinesMaxBytes takes (policy, input), in the order of signer.rewriteLines; the input came first"
        : "rewriteLinesMaxBytes takes a SignedPolicy from signer.signPolicy",
    );
  }
  if (typeof input === "string") {
    const { bytes, lines } = measureText(input);
    return rewriteBound(bytes, lines, query.length);
  }
  if (!(input instanceof Uint8Array)) fail("INVALID_ARGUMENT", "rewriteLinesMaxBytes takes UTF-8 bytes or a string");
  return rewriteBound(input.length, countLines(input), query.length);
}

/** Whether two views share at least one byte of memory. */
function overlaps(a: Uint8Array, b: Uint8Array): boolean {
  return (
    a.buffer === b.buffer &&
    a.byteLength > 0 &&
    b.byteLength > 0 &&
    a.byteOffset < b.byteOffset + b.byteLength &&
    b.byteOffset < a.byteOffset + a.byteLength
  );
}

/**
 * What the hot path needs to know about a policy. The fast scan is used only
 * for a resource of the form `P*` where `P` has no wildcard and `P` up to its
 * last `/` is itself a valid URL (so scheme and host are checked once, here);
 * any other resource flags every line for the validator.
 *
 * @param resource - the policy's resource pattern (already validated)
 * @param query - the signed query to append
 * @param keepComments - copy `#` lines unchanged
 * @returns the plan for {@link HotPath.rewriteLines}
 */
export function rewritePlan(resource: string, query: string, keepComments: boolean): RewritePlan {
  const plan = { query, prefix: "", scanFrom: 0, maxUrlBytes: MAX_URL_BYTES, keepComments };
  if (!resource.endsWith("*")) return plan;
  const prefix = resource.slice(0, -1);
  if (/[*?]/.test(prefix)) return plan;
  const schemeEnd = prefix.indexOf("://");
  if (schemeEnd === -1) return plan;
  const hostEnd = prefix.indexOf("/", schemeEnd + 3);
  const last = prefix.lastIndexOf("/");
  if (hostEnd === -1 || last < hostEnd) return plan;
  const head = prefix.slice(0, last + 1);
  try {
    if (validateUrl(head) !== head) return plan;
  } catch {
    return plan;
  }
  return { ...plan, prefix, scanFrom: last };
}

/**
 * Signs every URL line of `input` with one shared policy.
 *
 * @param hotPath - the engine doing the bulk work
 * @param policy - the shared policy (`Signer.signPolicy`)
 * @param input - lines separated by `\n` (or `\r\n`), as UTF-8 bytes or a string
 * @param options - `keepComments` for playlists; `into`, a buffer of at least {@link rewriteLinesMaxBytes}
 *   bytes to write the output to
 * @param nowSeconds - the current time, epoch seconds
 * @returns the signed lines as bytes, and the lines left out with the reason
 * @throws {@link CfSignError} `EXPIRES_IN_PAST` when the policy has expired (no line could work),
 *   `INVALID_ARGUMENT` when `input` is neither bytes nor a string, or `into` is not a `Uint8Array`,
 *   is too small or overlaps `input` (`into` untouched)
 */
export function rewriteLines(
  hotPath: HotPath,
  policy: ShareablePolicy,
  input: Uint8Array | string,
  options: RewriteLinesOptions,
  nowSeconds: number,
): RewriteLinesResult {
  const bytes = typeof input === "string" ? encoder.encode(input) : input;
  if (!(bytes instanceof Uint8Array)) fail("INVALID_ARGUMENT", "rewriteLines takes UTF-8 bytes or a string");
  const { into } = options;
  if (into !== undefined) {
    if (!(into instanceof Uint8Array)) fail("INVALID_ARGUMENT", "rewriteLines: into must be a Uint8Array");
    if (overlaps(into, bytes)) {
      fail("INVALID_ARGUMENT", "rewriteLines: into overlaps the input's memory; pass a buffer of its own");
    }
  }
  if (policy.expires <= nowSeconds) {
    fail("EXPIRES_IN_PAST", "the shared policy has expired; sign a new one (URLs made with it would only give 403)");
  }
  const plan = rewritePlan(policy.resource, policy.query, options.keepComments === true);
  let result: RewriteOutput;
  try {
    // The engine counts the lines anyway: it checks `into` against the bound before writing anything.
    result = hotPath.rewriteLines(bytes, plan, into);
  } catch (err) {
    if (!(err instanceof RewriteIntoTooSmall)) throw err;
    fail(
      "INVALID_ARGUMENT",
      `rewriteLines: into holds ${err.available} bytes, the output may need ${err.needed}; ` +
        "size it with rewriteLinesMaxBytes(policy, input)",
    );
  }
  const { flagged } = result;
  if (flagged.length === 0) return { bytes: result.bytes, lines: result.lines, failures: [] };

  const failures: RewriteFailure[] = [];
  // Lines the scan flagged but the validator accepts, with where they go.
  const inserts: { at: number; bytes: Uint8Array }[] = [];
  for (let k = 0; k < flagged.length; k += REWRITE_FLAG_WORDS) {
    const line = flagged[k]!;
    const start = flagged[k + 1]!;
    const end = flagged[k + 2]!;
    const eol = flagged[k + 3]!;
    try {
      const signed = policy.apply(decoder.decode(bytes.subarray(start, end)));
      const encoded = encoder.encode(signed);
      const withEol = new Uint8Array(encoded.length + eol);
      withEol.set(encoded);
      withEol.set(bytes.subarray(end, end + eol), encoded.length);
      inserts.push({ at: flagged[k + 4]!, bytes: withEol });
    } catch (err) {
      const error = itemError(err, line);
      if (error.code === "EXPIRES_IN_PAST") throw error; // the policy itself expired: no line can be signed
      failures.push({ index: line, line: line + 1, error });
    }
  }
  if (inserts.length === 0) return { bytes: result.bytes, lines: result.lines, failures };

  let size = result.bytes.length;
  for (const ins of inserts) size += ins.bytes.length;
  if (into !== undefined) {
    // Unreachable (see rewriteLinesMaxBytes): an accepted line is ASCII, signed as its own bytes + 1 + query.
    if (size > into.length) fail("INTERNAL", "rewriteLines: the output exceeds its bound");
    // In place, from the last insert back: each segment of the engine's output moves right once, by the
    // total length of the inserts before it, then its insert goes just before it. Only bytes still to
    // move lie left of where a segment and its insert go, so nothing is overwritten before it has moved.
    let end = result.bytes.length;
    let shift = size - end;
    for (let k = inserts.length - 1; k >= 0; k--) {
      const ins = inserts[k]!;
      into.copyWithin(ins.at + shift, ins.at, end);
      shift -= ins.bytes.length;
      into.set(ins.bytes, ins.at + shift);
      end = ins.at;
    }
    return { bytes: into.subarray(0, size), lines: result.lines, failures };
  }
  const out = new Uint8Array(size);
  let from = 0;
  let o = 0;
  for (const ins of inserts) {
    out.set(result.bytes.subarray(from, ins.at), o);
    o += ins.at - from;
    out.set(ins.bytes, o);
    o += ins.bytes.length;
    from = ins.at;
  }
  out.set(result.bytes.subarray(from), o);
  return { bytes: out, lines: result.lines, failures };
}
