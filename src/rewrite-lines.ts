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
import { CfSignError, fail } from "./errors.js";
import { REWRITE_FLAG_WORDS, type HotPath, type RewritePlan } from "./engine/types.js";
import { MAX_URL_BYTES, validateUrl } from "./lib/url.js";

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

/** Options of {@link rewriteLines}. */
export interface RewriteLinesOptions {
  /**
   * Copy lines that start with `#` unchanged (HLS playlist tags such as `#EXTINF`). Default `false`:
   * such a line is a URL like any other, and refused. URIs inside tags (`#EXT-X-KEY:URI="..."`) are not signed.
   */
  readonly keepComments?: boolean | undefined;
}

/** One line that could not be signed. */
export interface RewriteFailure {
  /** Line number, from 0. */
  readonly line: number;
  /** Why; `error.index` is the line number too. */
  readonly error: CfSignError;
}

/** What {@link rewriteLines} returns. */
export interface RewriteLinesResult {
  /**
   * The signed lines, UTF-8, in input order, each with its own line end (`\n` or `\r\n`).
   * Empty lines (and kept comments) are copied; lines that could not be signed are left out.
   */
  readonly bytes: Uint8Array;
  /** Lines in the input (a trailing newline adds none). */
  readonly lines: number;
  /** The lines left out, in order. */
  readonly failures: readonly RewriteFailure[];
}

const encoder = /* @__PURE__ */ new TextEncoder();
const decoder = /* @__PURE__ */ new TextDecoder();

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
 * @param options - `keepComments` for playlists
 * @param nowSeconds - the current time, epoch seconds
 * @returns the signed lines as bytes, and the lines left out with the reason
 * @throws {@link CfSignError} `EXPIRES_IN_PAST` when the policy has expired (no line could work),
 *   `INVALID_ARGUMENT` when `input` is neither bytes nor a string
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
  if (policy.expires <= nowSeconds) {
    fail("EXPIRES_IN_PAST", "the shared policy has expired; sign a new one (URLs made with it would only give 403)");
  }
  const plan = rewritePlan(policy.resource, policy.query, options.keepComments === true);
  const result = hotPath.rewriteLines(bytes, plan);
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
      const error =
        err instanceof CfSignError
          ? err.withIndex(line)
          : new CfSignError("INVALID_ARGUMENT", "the line could not be processed", { cause: err, index: line });
      if (error.code === "EXPIRES_IN_PAST") throw error; // the policy itself expired: no line can be signed
      failures.push({ line, error });
    }
  }
  if (inserts.length === 0) return { bytes: result.bytes, lines: result.lines, failures };

  let size = result.bytes.length;
  for (const ins of inserts) size += ins.bytes.length;
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
