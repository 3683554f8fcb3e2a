/**
 * The hot path: the non-cryptographic byte work of signing, done once per batch.
 * Two implementations produce identical bytes: `js` (pure TypeScript, the
 * reference and baseline) and `wasm` (AssemblyScript compiled to WebAssembly).
 *
 * Preconditions (the signer validates before calling): strings are well-formed
 * UTF-16 (no lone surrogates); epoch values are non-negative safe integers; a
 * `url` passed to {@link HotPath.assembleUrls} has no `#`. Within those, every
 * function is total: any size, any byte.
 *
 * @module
 */
import { FLAG_WORDS } from "./layout.generated.ts";

/** The statement of one policy. Canned and custom policies share this shape. */
export interface PolicySpec {
  /** `Resource`: the URL (canned) or a pattern with `*`/`?` (custom). */
  readonly resource: string;
  /** `DateLessThan`, integer epoch seconds. */
  readonly expires: number;
  /** `DateGreaterThan`, integer epoch seconds (custom policies only). */
  readonly starts?: number | undefined;
  /** `IpAddress.AWS:SourceIp`, an IPv4 CIDR such as `192.0.2.0/24` (custom policies only). */
  readonly ipAddress?: string | undefined;
}

/** What the URL assembler needs for one signed URL. */
export interface UrlParts {
  /** The URL exactly as given (and signed, for canned policies). */
  readonly url: string;
  /** Canned policy: emitted as `Expires=<expires>`. Exactly one of `expires`/`policy` is set. */
  readonly expires?: number | undefined;
  /** Custom policy: its bytes, emitted as `Policy=<CloudFront-base64>`. */
  readonly policy?: Uint8Array | undefined;
  /** The signature bytes, emitted as `Signature=<CloudFront-base64>`. */
  readonly signature: Uint8Array;
}

/**
 * What {@link HotPath.rewriteLines} needs to know about one shared policy,
 * computed once per policy (`rewritePlan` in src/rewrite-lines.ts).
 */
export interface RewritePlan {
  /** Appended to each URL after `?` or `&`: `Policy=...&Signature=...&Key-Pair-Id=...`. ASCII. */
  readonly query: string;
  /**
   * The resource's literal prefix `P` when the resource is exactly `P*` and `P` holds the scheme,
   * the host and a `/` after it (validated once by the caller), else `""`, which flags every URL line.
   * ASCII, without `*` or `?`.
   */
  readonly prefix: string;
  /** Index in `prefix` of its last `/`, from which lines are scanned (0 when `prefix` is `""`). */
  readonly scanFrom: number;
  /** Longest signed URL, in bytes (CloudFront: 8,192). */
  readonly maxUrlBytes: number;
  /** Copy lines that start with `#` verbatim (HLS playlist tags). */
  readonly keepComments: boolean;
}

/** u32 words per flagged line in {@link RewriteOutput.flagged} (assembly/layout.ts `FLAG_WORDS`). */
export const REWRITE_FLAG_WORDS: number = FLAG_WORDS;

/**
 * Thrown by {@link HotPath.rewriteLines}, before anything is written, when `into` is shorter than
 * {@link rewriteBound}. The caller (src/rewrite-lines.ts) turns it into a `CfSignError`.
 */
export class RewriteIntoTooSmall extends RangeError {
  /** {@link rewriteBound} for this input and plan. */
  readonly needed: number;
  /** `into.length`. */
  readonly available: number;

  constructor(needed: number, available: number) {
    super(`rewriteLines: into holds ${available} bytes, the output may need ${needed}`);
    this.name = "RewriteIntoTooSmall";
    this.needed = needed;
    this.available = available;
  }
}

/**
 * Most bytes {@link HotPath.rewriteLines} can write, and most the caller's splice of accepted
 * flagged lines can grow them to: every input byte at most once (a line, its `\r`, its `\n`), plus
 * for each line `?` or `&` and the query.
 *
 * @param inputBytes - bytes of the input
 * @param lines - lines in the input (a trailing newline adds none)
 * @param queryLength - bytes of the plan's query (ASCII)
 * @returns `inputBytes + lines × (queryLength + 1)`
 */
export function rewriteBound(inputBytes: number, lines: number, queryLength: number): number {
  return inputBytes + lines * (queryLength + 1);
}

/** What {@link HotPath.rewriteLines} returns. */
export interface RewriteOutput {
  /**
   * The output, without the flagged lines (each record says where its line goes). With `into`,
   * `into.subarray(0, length)`; without, a view of a buffer of the call's own.
   */
  readonly bytes: Uint8Array;
  /** Number of lines in the input (a trailing newline adds none). */
  readonly lines: number;
  /**
   * {@link REWRITE_FLAG_WORDS} u32s per flagged line: line index, start and end of the line in the
   * input (end before any `\r`), bytes of its line end (0, 1 or 2), offset in `bytes` where it belongs.
   */
  readonly flagged: Uint32Array;
}

/** The functions both engines implement, batch-at-a-time. */
export interface HotPath {
  /** `"wasm"` or `"js"`. */
  readonly name: EngineName;
  /**
   * Serializes one policy per spec into compact JSON, UTF-8:
   * `{"Statement":[{"Resource":R,"Condition":{"DateLessThan":{"AWS:EpochTime":E}[,"IpAddress":{"AWS:SourceIp":I}][,"DateGreaterThan":{"AWS:EpochTime":S}]}}]}`
   * where R and I are JSON strings escaped exactly as `JSON.stringify` does.
   * The returned arrays may be views into one shared buffer that the caller owns.
   */
  serializePolicies(specs: readonly PolicySpec[]): Uint8Array[];
  /**
   * Assembles signed URLs: `url` + (`&` if `url` contains `?`, else `?`) +
   * `Expires=E` | `Policy=P`, then `&Signature=S`, then `suffix` verbatim
   * (the caller passes `&Key-Pair-Id=K` and, for SHA-256, `&Hash-Algorithm=SHA256`).
   * Each URL is a string of its own that refers to no other: not a slice of a larger string nor a
   * concatenation of the inputs, so a URL the caller keeps keeps nothing else alive
   * (test/url-retention.test.ts).
   */
  assembleUrls(parts: readonly UrlParts[], suffix: string): string[];
  /** CloudFront-safe base64: standard base64 with padding, then `+`→`-`, `=`→`_`, `/`→`~`. */
  encodeBase64(bytes: Uint8Array): string;
  /**
   * Inverse of {@link HotPath.encodeBase64}. Returns `null` for text that is not
   * canonical CloudFront-safe base64 (wrong alphabet, bad length or padding,
   * non-zero trailing bits).
   */
  decodeBase64(text: string): Uint8Array | null;
  /**
   * Rewrites newline-separated lines under one shared policy. Empty lines (and, with
   * `keepComments`, lines starting with `#`) are copied. A URL line that a byte scan proves
   * valid (`validateUrl` accepts it unchanged), covered by `prefix*` and short enough gets
   * `?` (or `&` if it has a query) and `query`; every other URL line is left out and flagged,
   * for the caller to judge with the real validator. Line ends (`\n`, `\r\n`) are kept.
   * Any bytes are accepted; a flagged line may still be valid (the scan is conservative).
   *
   * With `into`, the output is written to `into` from index 0 (no output buffer is allocated) and
   * `bytes` is `into.subarray(0, length)`; bytes of `into` past that are not touched. `into` must
   * not overlap `input` (the caller checks).
   *
   * @throws {RangeError} when `prefix` or `query` is not ASCII
   * @throws {RewriteIntoTooSmall} when `into` is shorter than {@link rewriteBound} (nothing written)
   */
  rewriteLines(input: Uint8Array, plan: RewritePlan, into?: Uint8Array): RewriteOutput;
}

/** Engine names accepted by `createSigner({ engine })`. */
export type EngineName = "wasm" | "js";

/**
 * Lines in `bytes` as both engines count them (the WASM twin is `countLines` in assembly/rewrite.ts):
 * one per `\n`, plus a last line without one. Four bytes at a time (about twice as fast as `indexOf`
 * per line): a word is looked at byte by byte only when the zero-byte test on `word ^ 0x0a0a0a0a`
 * says it may hold a `\n`. Also sizes `into` for `rewriteLinesMaxBytes` (src/rewrite-lines.ts), which is
 * why it lives here and not in ./js.ts: the entries load the TypeScript engine only for `engine: "js"`.
 */
export function countLines(bytes: Uint8Array): number {
  const n = bytes.length;
  let lines = 0;
  let i = 0;
  const head = Math.min(n, (4 - (bytes.byteOffset & 3)) & 3);
  for (; i < head; i++) if (bytes[i] === 0x0a) lines++;
  const words = (n - i) >>> 2;
  if (words > 0) {
    const view = new Uint32Array(bytes.buffer, bytes.byteOffset + i, words);
    for (let k = 0; k < words; k++) {
      const x = view[k]! ^ 0x0a0a0a0a;
      if (((x - 0x01010101) & ~x & 0x80808080) !== 0) {
        if ((x & 0xff) === 0) lines++;
        if ((x & 0xff00) === 0) lines++;
        if ((x & 0xff0000) === 0) lines++;
        if (x >>> 24 === 0) lines++;
      }
    }
    i += words * 4;
  }
  for (; i < n; i++) if (bytes[i] === 0x0a) lines++;
  return n > 0 && bytes[n - 1] !== 0x0a ? lines + 1 : lines;
}
