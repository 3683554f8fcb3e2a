// CloudFront-safe base64: RFC 4648 section 4 base64 with padding, then
// `+` -> `-`, `=` -> `_`, `/` -> `~` (Developer Guide, "Create a signed URL
// using a canned policy", step 3).

/** "A-Za-z0-9-~": 6-bit value -> ASCII byte. */
const ENCODE = memory.data<u8>([
  0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f, 0x50,
  0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66,
  0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76,
  0x77, 0x78, 0x79, 0x7a, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x2d, 0x7e,
]);

/** ASCII byte -> 6-bit value, or 255 for bytes outside the alphabet (including `_`). */
const DECODE = memory.data<u8>([
  255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
  255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
  255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,  62, 255, 255,
   52,  53,  54,  55,  56,  57,  58,  59,  60,  61, 255, 255, 255, 255, 255, 255,
  255,   0,   1,   2,   3,   4,   5,   6,   7,   8,   9,  10,  11,  12,  13,  14,
   15,  16,  17,  18,  19,  20,  21,  22,  23,  24,  25, 255, 255, 255, 255, 255,
  255,  26,  27,  28,  29,  30,  31,  32,  33,  34,  35,  36,  37,  38,  39,  40,
   41,  42,  43,  44,  45,  46,  47,  48,  49,  50,  51, 255, 255, 255,  63, 255,
  255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
  255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
  255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
  255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
  255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
  255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
  255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
  255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
]);

const PAD: u32 = 0x5f; // "_"

/** Encoded length of `n` bytes. */
// @ts-ignore: decorator
@inline export function encodedLength(n: u64): u64 {
  return ((n + 2) / 3) << 2;
}

// @ts-ignore: decorator
@inline function sextet(v: u32): u32 {
  return <u32>load<u8>(ENCODE + (v & 63));
}

/** Encodes `n` bytes at `src` to `dst`; returns the new end. */
export function writeBase64(dst: usize, src: usize, n: usize): usize {
  const whole = src + n - n % 3;
  let p = src;
  for (; p < whole; p += 3) {
    const v = (<u32>load<u8>(p) << 16) | (<u32>load<u8>(p, 1) << 8) | <u32>load<u8>(p, 2);
    store<u32>(dst, sextet(v >> 18) | (sextet(v >> 12) << 8) | (sextet(v >> 6) << 16) | (sextet(v) << 24));
    dst += 4;
  }
  const rest = n % 3;
  if (rest == 1) {
    const v = <u32>load<u8>(p) << 16;
    store<u32>(dst, sextet(v >> 18) | (sextet(v >> 12) << 8) | (PAD << 16) | (PAD << 24));
    dst += 4;
  } else if (rest == 2) {
    const v = (<u32>load<u8>(p) << 16) | (<u32>load<u8>(p, 1) << 8);
    store<u32>(dst, sextet(v >> 18) | (sextet(v >> 12) << 8) | (sextet(v >> 6) << 16) | (PAD << 24));
    dst += 4;
  }
  return dst;
}

// @ts-ignore: decorator
@inline function value(p: usize): u32 {
  return <u32>load<u8>(DECODE + <usize>load<u8>(p));
}

/**
 * Decodes `n` bytes of CloudFront-safe base64 at `src` to `dst`, mirroring
 * `decodeBase64` in src/engine/js.ts: only canonical text is accepted (length
 * a multiple of 4, `_` only as one or two final pad characters, zero trailing
 * bits).
 *
 * @returns the number of bytes written, or -1 if the text is not canonical.
 */
export function readBase64(dst: usize, src: usize, n: usize): isize {
  if (n & 3) return -1;
  if (n == 0) return 0;
  let pad = 0;
  if (<u32>load<u8>(src + n - 1) == PAD) pad = <u32>load<u8>(src + n - 2) == PAD ? 2 : 1;
  const start = dst;
  const last = src + n - 4;
  let p = src;
  for (; p < last; p += 4) {
    const a = value(p);
    const b = value(p + 1);
    const c = value(p + 2);
    const d = value(p + 3);
    if ((a | b | c | d) & 0x80) return -1;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    store<u8>(dst, v >> 16);
    store<u8>(dst, v >> 8, 1);
    store<u8>(dst, v, 2);
    dst += 3;
  }
  const a = value(p);
  const b = value(p + 1);
  if ((a | b) & 0x80) return -1;
  if (pad == 2) {
    if (b & 15) return -1;
    store<u8>(dst, (a << 2) | (b >> 4));
    return <isize>(dst + 1 - start);
  }
  const c = value(p + 2);
  if (c & 0x80) return -1;
  if (pad == 1) {
    if (c & 3) return -1;
    store<u8>(dst, (a << 2) | (b >> 4));
    store<u8>(dst, (b << 4) | (c >> 2), 1);
    return <isize>(dst + 2 - start);
  }
  const d = value(p + 3);
  if (d & 0x80) return -1;
  store<u8>(dst, (a << 2) | (b >> 4));
  store<u8>(dst, (b << 4) | (c >> 2), 1);
  store<u8>(dst, (c << 6) | d, 2);
  return <isize>(dst + 3 - start);
}
