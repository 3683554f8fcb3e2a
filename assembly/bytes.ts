// Byte-level helpers. Loads of 8 bytes happen only when 8 bytes remain, so no
// helper reads past the end of its input (or of memory).

const ONES: u64 = 0x0101010101010101;
const HIGHS: u64 = 0x8080808080808080;

/** Whether any byte of `x` equals `b` (exact as a yes/no answer). */
// @ts-ignore: decorator
@inline export function hasByte(x: u64, b: u64): bool {
  const y = x ^ (ONES * b);
  return ((y - ONES) & ~y & HIGHS) != 0;
}

/** Whether any byte of `x` is below `n` (`n` <= 128; exact as a yes/no answer). */
// @ts-ignore: decorator
@inline export function hasByteBelow(x: u64, n: u64): bool {
  return ((x - ONES * n) & ~x & HIGHS) != 0;
}

/** Whether all 8 bytes of `x` are ASCII. */
// @ts-ignore: decorator
@inline export function isAscii8(x: u64): bool {
  return (x & HIGHS) == 0;
}

/** Copies `n` bytes from `src` to `dst` (non-overlapping); returns `dst + n`. */
export function copy(dst: usize, src: usize, n: usize): usize {
  // memory.copy is a call out of generated code in most engines; short copies
  // (literals, URLs) are faster inline.
  if (n > 128) {
    memory.copy(dst, src, n);
  } else if (n >= 8) {
    let i: usize = 0;
    for (; i + 8 <= n; i += 8) store<u64>(dst + i, load<u64>(src + i));
    if (i < n) store<u64>(dst + n - 8, load<u64>(src + n - 8));
  } else {
    for (let i: usize = 0; i < n; i++) store<u8>(dst + i, load<u8>(src + i));
  }
  return dst + n;
}

/** Copies `n` bytes like {@link copy} and reports whether they contain `?`. */
export function copyFindingQuestionMark(dst: usize, src: usize, n: usize): bool {
  let found = false;
  let i: usize = 0;
  for (; i + 8 <= n; i += 8) {
    const x = load<u64>(src + i);
    store<u64>(dst + i, x);
    found |= hasByte(x, 0x3f);
  }
  for (; i < n; i++) {
    const b = load<u8>(src + i);
    store<u8>(dst + i, b);
    found |= b == 0x3f;
  }
  return found;
}
