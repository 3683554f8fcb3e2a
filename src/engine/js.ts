/**
 * The pure-TypeScript hot path: the reference the WASM engine is tested against
 * and the baseline it is measured against. Written as lean JavaScript on purpose
 * (string building, `JSON.stringify` for string escaping, a table-driven base64),
 * so that the benchmark compares WASM with the best plain JS, not a strawman.
 *
 * @module
 */
import {
  REWRITE_FLAG_WORDS,
  RewriteIntoTooSmall,
  countLines,
  rewriteBound,
  type HotPath,
  type PolicySpec,
  type RewriteOutput,
  type RewritePlan,
  type UrlParts,
} from "./types.ts";

import { decodeBase64, encodeBase64 } from "../cloudfront/base64.ts";
import { policyText } from "../cloudfront/policy.ts";

export { decodeBase64, encodeBase64, policyText };

const encoder = /* @__PURE__ */ new TextEncoder();

/**
 * One signed URL (see {@link HotPath.assembleUrls}), as one flat string. Concatenation with `+`
 * makes a V8 cons string (a rope elsewhere) that points at its parts, the first of which is the
 * caller's URL: when that URL is a slice of a larger text (lines split from a file), a kept signed
 * URL would keep the whole text alive. `join` copies the parts into a new string. (Flattening the
 * cons string by reading a character also works in V8, but the bundler drops the unused read.)
 * Measured: test/url-retention.test.ts; docs/performance.md, "Signed URLs are flat strings".
 */
function assembleUrl(part: UrlParts, suffix: string): string {
  const sep = part.url.includes("?") ? "&" : "?";
  const head = part.policy === undefined ? "Expires=" + part.expires : "Policy=" + encodeBase64(part.policy);
  return [part.url, sep, head, "&Signature=", encodeBase64(part.signature), suffix].join("");
}

// Byte classes of the rewrite scan (mirrors assembly/rewrite.ts).
const PLAIN = 0;
const SLASH = 1;
const DOT = 2;
const PERCENT = 3;
const QUESTION = 4;
const AMP = 5;
const EQUALS = 6;
const QUOTE = 7;
const PLUS = 8;
const BAD = 9;

/** RFC 3986 characters minus `#`, `[`, `]` (src/cloudfront/url-chars.ts ALLOWED), with the ones the scan cares about named. */
const CLASS = /* @__PURE__ */ (() => {
  const table = new Uint8Array(256).fill(BAD);
  const plain = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_~:@!$()*,;";
  for (let i = 0; i < plain.length; i++) table[plain.charCodeAt(i)] = PLAIN;
  table[0x2f] = SLASH;
  table[0x2e] = DOT;
  table[0x25] = PERCENT;
  table[0x3f] = QUESTION;
  table[0x26] = AMP;
  table[0x3d] = EQUALS;
  table[0x27] = QUOTE;
  table[0x2b] = PLUS;
  return table;
})();

const SIGNING_NAMES = /* @__PURE__ */ ["policy", "expires", "signature", "key-pair-id", "hash-algorithm"].map((n) =>
  encoder.encode(n),
);

function isHexByte(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x66);
}

const S3_NAME_PREFIX = /* @__PURE__ */ encoder.encode("x-amz-");
const S3_SIGV2_NAME = /* @__PURE__ */ encoder.encode("awsaccesskeyid");

function sameName(buf: Uint8Array, p: number, n: number, name: Uint8Array): boolean {
  let k = 0;
  while (k < n && (buf[p + k]! | 0x20) === name[k]) k++;
  return k === n;
}

/**
 * Whether bytes [p, p + n) of `buf` are a signing parameter name in any ASCII case, or may be an S3 presigning
 * parameter (`X-Amz-...`, `AWSAccessKeyId`, see src/cloudfront/params.ts): either sends the line to the full check.
 */
function isSigningName(buf: Uint8Array, p: number, n: number): boolean {
  if (n >= 6 && sameName(buf, p, 6, S3_NAME_PREFIX)) return true;
  if (n === 14 && sameName(buf, p, 14, S3_SIGV2_NAME)) return true;
  for (const name of SIGNING_NAMES) {
    if (name.length !== n) continue;
    return sameName(buf, p, n, name);
  }
  return false;
}

const NOT_CLEAN = -1;
const CLEAN = 0;
const CLEAN_WITH_QUERY = 1;

/** See `clean` in assembly/rewrite.ts: same rules, same order. */
function cleanLine(buf: Uint8Array, start: number, end: number, prefix: Uint8Array, scanFrom: number): number {
  const prefixLen = prefix.length;
  if (end - start < prefixLen) return NOT_CLEAN;
  for (let k = 0; k < prefixLen; k++) if (buf[start + k] !== prefix[k]) return NOT_CLEAN;
  let inQuery = false;
  let inName = false;
  let nameStart = 0;
  let prev = 0;
  for (let p = start + scanFrom; p < end; p++) {
    const b = buf[p]!;
    const c = CLASS[b]!;
    if (c !== PLAIN) {
      if (c === BAD) return NOT_CLEAN;
      if (!inQuery) {
        if (c === DOT || c === PERCENT) {
          if (prev === 0x2f) return NOT_CLEAN;
          if (c === PERCENT && !(p + 2 < end && isHexByte(buf[p + 1]!) && isHexByte(buf[p + 2]!))) return NOT_CLEAN;
        } else if (c === QUESTION) {
          if (p + 1 === end) return NOT_CLEAN;
          inQuery = true;
          inName = true;
          nameStart = p + 1;
        }
      } else if (c === AMP) {
        if (prev === 0x26 || prev === 0x3f || p + 1 === end) return NOT_CLEAN;
        if (inName && isSigningName(buf, nameStart, p - nameStart)) return NOT_CLEAN;
        inName = true;
        nameStart = p + 1;
      } else if (c === EQUALS) {
        if (inName) {
          if (isSigningName(buf, nameStart, p - nameStart)) return NOT_CLEAN;
          inName = false;
        }
      } else if (c === PERCENT) {
        if (inName || !(p + 2 < end && isHexByte(buf[p + 1]!) && isHexByte(buf[p + 2]!))) return NOT_CLEAN;
      } else if (c === QUOTE) {
        return NOT_CLEAN;
      } else if (c === PLUS) {
        if (inName) return NOT_CLEAN;
      }
    }
    prev = b;
  }
  if (inName && isSigningName(buf, nameStart, end - nameStart)) return NOT_CLEAN;
  return inQuery ? CLEAN_WITH_QUERY : CLEAN;
}

/** ASCII bytes of `text`, or a RangeError naming `what`. */
function asciiBytes(text: string, what: string): Uint8Array {
  const bytes = encoder.encode(text);
  if (bytes.length !== text.length) throw new RangeError(`rewriteLines: ${what} must be ASCII`);
  return bytes;
}

/** See {@link HotPath.rewriteLines}: the reference for assembly/rewrite.ts. */
function rewriteLines(input: Uint8Array, plan: RewritePlan, into?: Uint8Array): RewriteOutput {
  const prefix = asciiBytes(plan.prefix, "prefix");
  const query = asciiBytes(plan.query, "query");
  const n = input.length;
  const lines = countLines(input);
  const bound = rewriteBound(n, lines, query.length);
  if (into !== undefined && into.length < bound) throw new RewriteIntoTooSmall(bound, into.length);
  const out = into ?? new Uint8Array(bound);
  const flagged = new Uint32Array(lines * REWRITE_FLAG_WORDS);
  let o = 0;
  let f = 0;
  let line = 0;
  let p = 0;
  while (p < n) {
    let nl = input.indexOf(0x0a, p);
    if (nl === -1) nl = n;
    let stop = nl;
    if (stop > p && input[stop - 1] === 0x0d) stop--;
    const eol = (nl < n ? 1 : 0) + (nl - stop);
    const len = stop - p;
    if (len === 0 || (plan.keepComments && input[p] === 0x23)) {
      out.set(input.subarray(p, stop + eol), o);
      o += len + eol;
    } else {
      const verdict =
        prefix.length > 0 && len + 1 + query.length <= plan.maxUrlBytes
          ? cleanLine(input, p, stop, prefix, plan.scanFrom)
          : NOT_CLEAN;
      if (verdict === NOT_CLEAN) {
        flagged[f++] = line;
        flagged[f++] = p;
        flagged[f++] = stop;
        flagged[f++] = eol;
        flagged[f++] = o;
      } else {
        out.set(input.subarray(p, stop), o);
        o += len;
        out[o++] = verdict === CLEAN_WITH_QUERY ? 0x26 : 0x3f;
        out.set(query, o);
        o += query.length;
        out.set(input.subarray(stop, stop + eol), o);
        o += eol;
      }
    }
    line++;
    p = nl < n ? nl + 1 : n;
  }
  // Views, not copies: the buffers are this call's own (or the caller's `into`), and a copy of tens of MiB
  // would cost more than the scan.
  return { bytes: out.subarray(0, o), lines, flagged: flagged.subarray(0, f) };
}

/** The pure-TypeScript engine. */
export const jsHotPath: HotPath = {
  name: "js",
  serializePolicies(specs: readonly PolicySpec[]): Uint8Array[] {
    return specs.map((spec) => encoder.encode(policyText(spec)));
  },
  assembleUrls(parts: readonly UrlParts[], suffix: string): string[] {
    return parts.map((part) => assembleUrl(part, suffix));
  },
  encodeBase64,
  decodeBase64,
  rewriteLines,
};
