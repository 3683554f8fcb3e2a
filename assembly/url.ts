// Signed URL assembly (Developer Guide, "private-content-signed-urls"): the URL
// as given, `?` or `&`, then `Expires=E` (canned) or `Policy=P` (custom), then
// `&Signature=S`, then a batch-constant suffix (`&Key-Pair-Id=K`, and
// `&Hash-Algorithm=SHA256` when SHA-256 is used).

import { encodedLength, writeBase64 } from "./base64";
import { copy, copyFindingQuestionMark } from "./bytes";
import { decimalLength, epoch, writeDecimal } from "./json";
import {
  ROW_SIZE,
  U_EXPIRES,
  U_FLAGS,
  U_HAS_POLICY,
  U_POLICY_LEN,
  U_POLICY_PTR,
  U_SIGNATURE_LEN,
  U_SIGNATURE_PTR,
  U_URL_LEN,
  U_URL_PTR,
} from "./layout";

/** Expires= */
const EXPIRES = memory.data<u8>([0x45, 0x78, 0x70, 0x69, 0x72, 0x65, 0x73, 0x3d]);
const EXPIRES_LEN: usize = 8;

/** Policy= */
const POLICY = memory.data<u8>([0x50, 0x6f, 0x6c, 0x69, 0x63, 0x79, 0x3d]);
const POLICY_LEN: usize = 7;

/** &Signature= */
const SIGNATURE = memory.data<u8>([0x26, 0x53, 0x69, 0x67, 0x6e, 0x61, 0x74, 0x75, 0x72, 0x65, 0x3d]);
const SIGNATURE_LEN: usize = 11;

/**
 * Exact total size in bytes of the URLs for `count` rows at `table`, each
 * followed by a suffix of `suffixLen` bytes. f64 for the same reason as
 * `policiesSize`.
 */
export function urlsSize(table: usize, count: u32, suffixLen: usize): f64 {
  let total: u64 = 0;
  for (let i: u32 = 0; i < count; i++) {
    const row = table + <usize>i * ROW_SIZE;
    total +=
      <u64>load<u32>(row + U_URL_LEN) +
      1 +
      SIGNATURE_LEN +
      <u64>suffixLen +
      encodedLength(load<u32>(row + U_SIGNATURE_LEN));
    total +=
      load<u32>(row + U_FLAGS) & U_HAS_POLICY
        ? POLICY_LEN + encodedLength(load<u32>(row + U_POLICY_LEN))
        : EXPIRES_LEN + <u64>decimalLength(epoch(load<f64>(row + U_EXPIRES)));
  }
  return <f64>total;
}

/**
 * Writes the URLs for `count` rows at `table` back to back from `out`, each
 * ending with the `suffixLen` bytes at `suffix`, and `count + 1` u32 offsets
 * relative to `out` at `offsets`.
 *
 * @returns the total number of bytes written.
 */
export function urlsWrite(
  table: usize,
  count: u32,
  suffix: usize,
  suffixLen: usize,
  out: usize,
  offsets: usize,
): usize {
  let dst = out;
  store<u32>(offsets, 0);
  for (let i: u32 = 0; i < count; i++) {
    const row = table + <usize>i * ROW_SIZE;
    const urlLen = <usize>load<u32>(row + U_URL_LEN);
    // `?` is ASCII and never part of a multibyte UTF-8 sequence, so a byte scan is exact.
    const hasQuery = copyFindingQuestionMark(dst, load<u32>(row + U_URL_PTR), urlLen);
    dst += urlLen;
    store<u8>(dst++, hasQuery ? 0x26 : 0x3f); // & or ?
    if (load<u32>(row + U_FLAGS) & U_HAS_POLICY) {
      dst = copy(dst, POLICY, POLICY_LEN);
      dst = writeBase64(dst, load<u32>(row + U_POLICY_PTR), load<u32>(row + U_POLICY_LEN));
    } else {
      dst = copy(dst, EXPIRES, EXPIRES_LEN);
      dst = writeDecimal(dst, epoch(load<f64>(row + U_EXPIRES)));
    }
    dst = copy(dst, SIGNATURE, SIGNATURE_LEN);
    dst = writeBase64(dst, load<u32>(row + U_SIGNATURE_PTR), load<u32>(row + U_SIGNATURE_LEN));
    dst = copy(dst, suffix, suffixLen);
    store<u32>(offsets + ((<usize>i + 1) << 2), <u32>(dst - out));
  }
  return dst - out;
}
