import { isAscii8 } from "./bytes";

/**
 * Converts string lengths from UTF-16 code units to UTF-8 bytes, in place.
 *
 * `text` holds strings back to back as written by one `TextEncoder.encodeInto`
 * of their concatenation; `lens` holds `count` u32 UTF-16 lengths, one per
 * string, in order. A code point of 1-3 UTF-8 bytes is one UTF-16 unit and a
 * 4-byte one is two; a lone surrogate became U+FFFD (3 bytes, still one unit),
 * so the walk is exact for any JavaScript string.
 *
 * @returns the bytes consumed; never reads beyond `text + textLen`.
 */
export function utf8Lengths(text: usize, textLen: usize, lens: usize, count: u32): usize {
  const end = text + textLen;
  let p = text;
  for (let i: u32 = 0; i < count; i++) {
    const slot = lens + ((<usize>i) << 2);
    let units = load<u32>(slot);
    const start = p;
    while (units > 0 && p < end) {
      if (units >= 8 && p + 8 <= end && isAscii8(load<u64>(p))) {
        p += 8;
        units -= 8;
        continue;
      }
      const b = load<u8>(p);
      if (b < 0x80) {
        p += 1;
        units -= 1;
      } else if (b < 0xe0) {
        p += 2;
        units -= 1;
      } else if (b < 0xf0) {
        p += 3;
        units -= 1;
      } else {
        p += 4;
        units = units >= 2 ? units - 2 : 0;
      }
    }
    if (p > end) p = end;
    store<u32>(slot, <u32>(p - start));
  }
  return p - text;
}
