// Bulk rewriting under one shared custom policy: a newline-separated list of
// URLs (a gallery, a playlist body) in, the same list with the policy's signed
// query appended to each URL out (Developer Guide, "private-content-signed-urls":
// the signing parameters go after the URL's own query).
//
// The module does not validate URLs the way src/cloudfront/url.ts does. It accepts a
// line only when a cheap byte scan proves the validator would accept it (same
// scheme and host as the policy's literal prefix, only RFC 3986 characters, no
// dot segment, no empty or signing query parameter, short enough), and flags
// every other line for the caller to judge with the real validator. A flagged
// line writes nothing; its record says where it goes. Mirrors `rewriteLines` in
// src/engine/js.ts byte for byte.

import { copy, hasByte } from "./bytes";
import {
  FLAG_WORDS, R_FLAGGED_COUNT, R_KEEP_COMMENTS, R_MAX_URL_BYTES, R_OPTIONS, R_PREFIX_LEN, R_PREFIX_PTR,
  R_QUERY_LEN, R_QUERY_PTR, R_SCAN_FROM,
} from "./layout";

// Byte classes for the scan.
const PLAIN: u8 = 0;
const SLASH: u8 = 1;
const DOT: u8 = 2;
const PERCENT: u8 = 3;
const QUESTION: u8 = 4;
const AMP: u8 = 5;
const EQUALS: u8 = 6;
const QUOTE: u8 = 7;
const PLUS: u8 = 8;
const BAD: u8 = 9;
const NEWLINE: u8 = 10;
const CR: u8 = 11;

/**
 * Class of every byte: RFC 3986 unreserved and reserved characters are allowed
 * (src/cloudfront/url.ts ALLOWED) except `#`, `[` and `]`; `\n` and `\r` end a line;
 * everything else, including every byte of a non-ASCII character, is BAD.
 */
const CLASS = memory.data<u8>([
  9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 10, 9, 9, 11, 9, 9,
  9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
  //  !  "  #  $  %  &  '  (  )  *  +  ,  -  .  /
  9, 0, 9, 9, 0, 3, 5, 7, 0, 0, 0, 8, 0, 0, 2, 1,
  //0 1  2  3  4  5  6  7  8  9  :  ;  <  =  >  ?
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 6, 9, 4,
  //@ A  B  C  D  E  F  G  H  I  J  K  L  M  N  O
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  //P Q  R  S  T  U  V  W  X  Y  Z  [  \  ]  ^  _
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 9, 9, 9, 0,
  //` a  b  c  d  e  f  g  h  i  j  k  l  m  n  o
  9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  //p q  r  s  t  u  v  w  x  y  z  {  |  }  ~  DEL
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 9, 9, 0, 9,
  9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
  9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
  9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
  9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
  9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
  9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
  9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
  9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
]);

/** The signing parameter names, lower case, back to back: policy expires signature key-pair-id hash-algorithm. */
const NAMES = memory.data<u8>([
  0x70, 0x6f, 0x6c, 0x69, 0x63, 0x79,
  0x65, 0x78, 0x70, 0x69, 0x72, 0x65, 0x73,
  0x73, 0x69, 0x67, 0x6e, 0x61, 0x74, 0x75, 0x72, 0x65,
  0x6b, 0x65, 0x79, 0x2d, 0x70, 0x61, 0x69, 0x72, 0x2d, 0x69, 0x64,
  0x68, 0x61, 0x73, 0x68, 0x2d, 0x61, 0x6c, 0x67, 0x6f, 0x72, 0x69, 0x74, 0x68, 0x6d,
]);

// @ts-ignore: decorator
@inline function isHex(b: u32): bool {
  return (b - 0x30 < 10) || ((b | 0x20) - 0x61 < 6);
}

/** Whether bytes [p, p + n) equal the lower-case name at `name`, ignoring ASCII case. */
function sameName(p: usize, name: usize, n: usize): bool {
  for (let k: usize = 0; k < n; k++) {
    // Targets are lower-case letters or `-`; `b | 0x20` folds only A-Z onto them
    // (the other byte it folds onto `-` is CR, which never reaches here).
    if ((<u32>load<u8>(p + k) | 0x20) != <u32>load<u8>(name + k)) return false;
  }
  return true;
}

/** `x-amz-` and `awsaccesskeyid`: the names of an S3 presigned URL (src/cloudfront/params.ts), which the full check refuses. */
const S3_NAMES = memory.data<u8>([
  0x78, 0x2d, 0x61, 0x6d, 0x7a, 0x2d,
  0x61, 0x77, 0x73, 0x61, 0x63, 0x63, 0x65, 0x73, 0x73, 0x6b, 0x65, 0x79, 0x69, 0x64,
]);

/**
 * Whether the query parameter name [p, p + n) is one of CloudFront's signing parameters, in any case, or
 * may be an S3 presigning parameter (`X-Amz-...`, `AWSAccessKeyId`): either sends the line to the full check.
 */
function isSigningName(p: usize, n: usize): bool {
  if (n >= 6 && sameName(p, S3_NAMES, 6)) return true;
  if (n == 6) return sameName(p, NAMES, 6);
  if (n == 7) return sameName(p, NAMES + 6, 7);
  if (n == 9) return sameName(p, NAMES + 13, 9);
  if (n == 11) return sameName(p, NAMES + 22, 11);
  if (n == 14) return sameName(p, NAMES + 33, 14) || sameName(p, S3_NAMES + 6, 14);
  return false;
}

const NOT_CLEAN: i32 = -1;
const CLEAN: i32 = 0;
const CLEAN_WITH_QUERY: i32 = 1;

/** Where the line scanned last by {@link scanLine} stops (before any `\r`) and where its `\n` is (or the input's end). */
let lineStop: usize = 0;
let lineNl: usize = 0;

/** Whether the line ends at `q`: the input's end, a `\n`, or a `\r` right before `\n` or the input's end. */
// @ts-ignore: decorator
@inline function endsLine(q: usize, end: usize): bool {
  if (q >= end) return true;
  const b = <u32>load<u8>(q);
  return b == 0x0a || (b == 0x0d && (q + 1 == end || load<u8>(q, 1) == 0x0a));
}

/**
 * Scans the line starting at `start` (input ends at `end`) in one pass: it must
 * start with the prefix, and from `scanFrom` (the prefix's last `/`, after the
 * host) every byte must pass, up to the line's end, which is found on the way
 * and left in {@link lineStop} / {@link lineNl}.
 *
 * @returns NOT_CLEAN (line end not computed), or CLEAN / CLEAN_WITH_QUERY (the line has its own query).
 */
function scanLine(start: usize, end: usize, prefix: usize, prefixLen: usize, scanFrom: usize): i32 {
  // The prefix holds no `\n` or `\r`, so a line shorter than it mismatches before its end.
  if (end - start < prefixLen) return NOT_CLEAN;
  let k: usize = 0;
  for (; k + 8 <= prefixLen; k += 8) if (load<u64>(start + k) != load<u64>(prefix + k)) return NOT_CLEAN;
  for (; k < prefixLen; k++) if (load<u8>(start + k) != load<u8>(prefix + k)) return NOT_CLEAN;

  let inQuery = false;
  let inName = false;
  let nameStart: usize = 0;
  let prev: u32 = 0;
  let p = start + scanFrom;
  for (;; p++) {
    if (p == end) {
      lineStop = lineNl = end;
      break;
    }
    const b = <u32>load<u8>(p);
    const c = load<u8>(CLASS + b);
    if (c == PLAIN) {
      prev = b;
      continue;
    }
    if (c == NEWLINE) {
      lineStop = lineNl = p;
      break;
    }
    if (c == CR) {
      // Only a `\r` right before the line's end belongs to the line end; elsewhere it is content, and unsafe.
      if (p + 1 == end) {
        lineStop = p;
        lineNl = end;
        break;
      }
      if (load<u8>(p, 1) == 0x0a) {
        lineStop = p;
        lineNl = p + 1;
        break;
      }
      return NOT_CLEAN;
    }
    if (c == BAD) return NOT_CLEAN;
    if (!inQuery) {
      if (c == DOT || c == PERCENT) {
        // A `.` or `%` right after `/` may start a dot segment (`/.`, `/..`, `/%2e`): let the validator judge.
        if (prev == 0x2f) return NOT_CLEAN;
        // Hex digits are never line ends, so this stays inside the line.
        if (c == PERCENT && !(p + 2 < end && isHex(load<u8>(p, 1)) && isHex(load<u8>(p, 2)))) return NOT_CLEAN;
      } else if (c == QUESTION) {
        if (endsLine(p + 1, end)) return NOT_CLEAN; // empty query
        inQuery = true;
        inName = true;
        nameStart = p + 1;
      }
    } else if (c == AMP) {
      if (prev == 0x26 || prev == 0x3f || endsLine(p + 1, end)) return NOT_CLEAN; // empty parameter
      if (inName && isSigningName(nameStart, p - nameStart)) return NOT_CLEAN;
      inName = true;
      nameStart = p + 1;
    } else if (c == EQUALS) {
      if (inName) {
        if (isSigningName(nameStart, p - nameStart)) return NOT_CLEAN;
        inName = false;
      }
    } else if (c == PERCENT) {
      // An escape in a name could spell a signing parameter; in a value it must be %HH.
      if (inName || !(p + 2 < end && isHex(load<u8>(p, 1)) && isHex(load<u8>(p, 2)))) return NOT_CLEAN;
    } else if (c == QUOTE) {
      return NOT_CLEAN; // browsers encode ' in the query
    } else if (c == PLUS) {
      if (inName) return NOT_CLEAN; // `+` decodes to a space in a name
    }
    prev = b;
  }
  if (inName && isSigningName(nameStart, lineStop - nameStart)) return NOT_CLEAN;
  return inQuery ? CLEAN_WITH_QUERY : CLEAN;
}

/** Number of lines in `n` bytes at `input` (a final line needs no newline; a trailing newline adds none). */
export function countLines(input: usize, n: usize): u32 {
  let lines: u32 = 0;
  const end = input + n;
  let p = input;
  for (; p + 8 <= end; p += 8) {
    const x = load<u64>(p);
    if (!hasByte(x, 0x0a)) continue;
    for (let k: usize = 0; k < 8; k++) if (load<u8>(p + k) == 0x0a) lines++;
  }
  for (; p < end; p++) if (load<u8>(p) == 0x0a) lines++;
  if (n > 0 && load<u8>(end - 1) != 0x0a) lines++;
  return lines;
}

/** Index of the first `\n` in [p, end), or `end`. */
function lineEnd(p: usize, end: usize): usize {
  for (; p + 8 <= end; p += 8) {
    if (hasByte(load<u64>(p), 0x0a)) break;
  }
  for (; p < end; p++) if (load<u8>(p) == 0x0a) return p;
  return end;
}

/**
 * Rewrites `n` bytes of lines at `input` to `out` under the settings row at
 * `settings` (layout.ts `R_*`): an empty line, and with {@link R_KEEP_COMMENTS}
 * a line starting with `#`, is copied; a clean URL line gets `?` (or `&` if it
 * has a query) and the query; any other line writes nothing and appends a
 * {@link FLAG_WORDS}-word record to `flagged`. Line ends (`\n` or `\r\n`) are
 * kept. A prefix length of 0 flags every URL line. `out` needs room for
 * `n + lines * (queryLen + 1)` bytes, `flagged` for `lines * FLAG_WORDS` u32s.
 *
 * @returns the bytes written to `out`; the number of flagged lines is stored in the row's `R_FLAGGED_COUNT`.
 */
export function rewriteLines(input: usize, n: usize, settings: usize, out: usize, flagged: usize): usize {
  const prefix = <usize>load<u32>(settings, R_PREFIX_PTR);
  const prefixLen = <usize>load<u32>(settings, R_PREFIX_LEN);
  const scanFrom = <usize>load<u32>(settings, R_SCAN_FROM);
  const query = <usize>load<u32>(settings, R_QUERY_PTR);
  const queryLen = <usize>load<u32>(settings, R_QUERY_LEN);
  const maxUrlBytes = <usize>load<u32>(settings, R_MAX_URL_BYTES);
  const options = load<u32>(settings, R_OPTIONS);
  const end = input + n;
  let dst = out;
  let f = flagged;
  let line: u32 = 0;
  let p = input;
  // The prefix starts with "http", so a line whose first byte matches it is neither empty nor a comment.
  const first = prefixLen > 0 ? <u32>load<u8>(prefix) : 0x100;
  while (p < end) {
    if (<u32>load<u8>(p) == first) {
      const verdict = scanLine(p, end, prefix, prefixLen, scanFrom);
      if (verdict != NOT_CLEAN && lineStop - p + 1 + queryLen <= maxUrlBytes) {
        // Line end kept as found: "\r\n" = 2, "\n" = 1, a final "\r" without "\n" = 1, none = 0.
        const eol = (lineNl < end ? <usize>1 : 0) + (lineNl - lineStop);
        dst = copy(dst, p, lineStop - p);
        store<u8>(dst++, verdict == CLEAN_WITH_QUERY ? 0x26 : 0x3f); // & or ?
        dst = copy(dst, query, queryLen);
        dst = copy(dst, lineStop, eol);
        line++;
        p = lineNl < end ? lineNl + 1 : end;
        continue;
      }
    }
    const nl = lineEnd(p, end);
    let stop = nl;
    if (stop > p && load<u8>(stop - 1) == 0x0d) stop--;
    const eol = (nl < end ? <usize>1 : 0) + (nl - stop);
    const len = stop - p;
    if (len == 0 || ((options & R_KEEP_COMMENTS) && load<u8>(p) == 0x23)) {
      dst = copy(dst, p, len + eol);
    } else {
      store<u32>(f, line);
      store<u32>(f, <u32>(p - input), 4);
      store<u32>(f, <u32>(stop - input), 8);
      store<u32>(f, <u32>eol, 12);
      store<u32>(f, <u32>(dst - out), 16);
      f += FLAG_WORDS << 2;
    }
    line++;
    p = nl < end ? nl + 1 : end;
  }
  store<u32>(settings, <u32>((f - flagged) / (FLAG_WORDS << 2)), R_FLAGGED_COUNT);
  return dst - out;
}
