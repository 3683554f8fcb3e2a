// Policy JSON, the bytes that are signed (Developer Guide,
// "private-content-creating-signed-url-canned-policy" and "...-custom-policy"):
// {"Statement":[{"Resource":R,"Condition":{"DateLessThan":{"AWS:EpochTime":E}
//   [,"IpAddress":{"AWS:SourceIp":I}][,"DateGreaterThan":{"AWS:EpochTime":S}]}}]}
// Key order and separators match policyText() in src/engine/js.ts.

import { copy } from "./bytes";
import { decimalLength, epoch, escapedLength, writeDecimal, writeEscaped } from "./json";
import {
  P_EXPIRES,
  P_FLAGS,
  P_HAS_IP,
  P_HAS_STARTS,
  P_IP_LEN,
  P_IP_PTR,
  P_RESOURCE_LEN,
  P_RESOURCE_PTR,
  P_STARTS,
  ROW_SIZE,
} from "./layout";

/** {"Statement":[{"Resource":" */
const HEAD = memory.data<u8>([
  0x7b, 0x22, 0x53, 0x74, 0x61, 0x74, 0x65, 0x6d, 0x65, 0x6e, 0x74, 0x22, 0x3a, 0x5b, 0x7b, 0x22, 0x52, 0x65, 0x73,
  0x6f, 0x75, 0x72, 0x63, 0x65, 0x22, 0x3a, 0x22,
]);
const HEAD_LEN: usize = 27;

/** ","Condition":{"DateLessThan":{"AWS:EpochTime": */
const EXPIRES = memory.data<u8>([
  0x22, 0x2c, 0x22, 0x43, 0x6f, 0x6e, 0x64, 0x69, 0x74, 0x69, 0x6f, 0x6e, 0x22, 0x3a, 0x7b, 0x22, 0x44, 0x61, 0x74,
  0x65, 0x4c, 0x65, 0x73, 0x73, 0x54, 0x68, 0x61, 0x6e, 0x22, 0x3a, 0x7b, 0x22, 0x41, 0x57, 0x53, 0x3a, 0x45, 0x70,
  0x6f, 0x63, 0x68, 0x54, 0x69, 0x6d, 0x65, 0x22, 0x3a,
]);
const EXPIRES_LEN: usize = 47;

/** ,"IpAddress":{"AWS:SourceIp":" */
const IP = memory.data<u8>([
  0x2c, 0x22, 0x49, 0x70, 0x41, 0x64, 0x64, 0x72, 0x65, 0x73, 0x73, 0x22, 0x3a, 0x7b, 0x22, 0x41, 0x57, 0x53, 0x3a,
  0x53, 0x6f, 0x75, 0x72, 0x63, 0x65, 0x49, 0x70, 0x22, 0x3a, 0x22,
]);
const IP_LEN: usize = 30;

/** ,"DateGreaterThan":{"AWS:EpochTime": */
const STARTS = memory.data<u8>([
  0x2c, 0x22, 0x44, 0x61, 0x74, 0x65, 0x47, 0x72, 0x65, 0x61, 0x74, 0x65, 0x72, 0x54, 0x68, 0x61, 0x6e, 0x22, 0x3a,
  0x7b, 0x22, 0x41, 0x57, 0x53, 0x3a, 0x45, 0x70, 0x6f, 0x63, 0x68, 0x54, 0x69, 0x6d, 0x65, 0x22, 0x3a,
]);
const STARTS_LEN: usize = 36;

/** }}]} */
const TAIL: u32 = 0x7d5d7d7d;

/** Fixed bytes of every policy: HEAD, EXPIRES, the `}` after the epoch, TAIL. */
const FIXED_LEN: u64 = HEAD_LEN + EXPIRES_LEN + 1 + 4;

/** Size of one policy row's JSON. */
function policyLength(row: usize): u64 {
  const flags = load<u32>(row + P_FLAGS);
  let n =
    FIXED_LEN +
    escapedLength(load<u32>(row + P_RESOURCE_PTR), load<u32>(row + P_RESOURCE_LEN)) +
    <u64>decimalLength(epoch(load<f64>(row + P_EXPIRES)));
  if (flags & P_HAS_IP) {
    n += IP_LEN + 2 + escapedLength(load<u32>(row + P_IP_PTR), load<u32>(row + P_IP_LEN));
  }
  if (flags & P_HAS_STARTS) {
    n += STARTS_LEN + 1 + <u64>decimalLength(epoch(load<f64>(row + P_STARTS)));
  }
  return n;
}

/**
 * Exact total size in bytes of the policies for `count` rows at `table`.
 * Returned as f64 (exact below 2^53) because it can exceed 4 GiB, which the
 * caller must reject before calling {@link policiesWrite}.
 */
export function policiesSize(table: usize, count: u32): f64 {
  let total: u64 = 0;
  for (let i: u32 = 0; i < count; i++) total += policyLength(table + <usize>i * ROW_SIZE);
  return <f64>total;
}

/**
 * Writes the policies for `count` rows at `table` back to back from `out`, and
 * `count + 1` u32 offsets relative to `out` at `offsets` (policy i is
 * `[offsets[i], offsets[i + 1])`).
 *
 * @returns the total number of bytes written.
 */
export function policiesWrite(table: usize, count: u32, out: usize, offsets: usize): usize {
  let dst = out;
  store<u32>(offsets, 0);
  for (let i: u32 = 0; i < count; i++) {
    const row = table + <usize>i * ROW_SIZE;
    const flags = load<u32>(row + P_FLAGS);
    dst = copy(dst, HEAD, HEAD_LEN);
    dst = writeEscaped(dst, load<u32>(row + P_RESOURCE_PTR), load<u32>(row + P_RESOURCE_LEN));
    dst = copy(dst, EXPIRES, EXPIRES_LEN);
    dst = writeDecimal(dst, epoch(load<f64>(row + P_EXPIRES)));
    store<u8>(dst++, 0x7d); // }
    if (flags & P_HAS_IP) {
      dst = copy(dst, IP, IP_LEN);
      dst = writeEscaped(dst, load<u32>(row + P_IP_PTR), load<u32>(row + P_IP_LEN));
      store<u16>(dst, 0x7d22); // "}
      dst += 2;
    }
    if (flags & P_HAS_STARTS) {
      dst = copy(dst, STARTS, STARTS_LEN);
      dst = writeDecimal(dst, epoch(load<f64>(row + P_STARTS)));
      store<u8>(dst++, 0x7d); // }
    }
    store<u32>(dst, TAIL);
    dst += 4;
    store<u32>(offsets + ((<usize>i + 1) << 2), <u32>(dst - out));
  }
  return dst - out;
}
