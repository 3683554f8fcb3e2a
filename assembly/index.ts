// The cfsign WebAssembly module: the non-cryptographic byte work of signing
// (policy JSON, CloudFront-safe base64, URL assembly, rewriting a list of URLs
// under one shared policy), a batch per call.
//
// ABI: only numbers cross the boundary (pointers, lengths, counts, f64 epochs
// and sizes). The module never allocates: everything from heapBase() to the
// end of memory belongs to the caller, which lays out its tables and buffers
// there and grows memory itself. Row layouts are in layout.ts. The module
// imports nothing.

export { utf8Lengths } from "./utf8";
export { policiesSize, policiesWrite } from "./policy";
export { urlsSize, urlsWrite } from "./url";
export { countLines, rewriteLines } from "./rewrite";
import { readBase64, writeBase64 } from "./base64";
import "./abort";

/** First byte of linear memory the caller may use. */
export function heapBase(): usize {
  return __heap_base;
}

/** Encodes `n` bytes at `src` as CloudFront-safe base64 to `dst`; returns the bytes written. */
export function base64Encode(src: usize, n: usize, dst: usize): usize {
  return writeBase64(dst, src, n) - dst;
}

/** Decodes `n` bytes of CloudFront-safe base64 at `src` to `dst`; returns the bytes written or -1. */
export function base64Decode(src: usize, n: usize, dst: usize): isize {
  return readBase64(dst, src, n);
}
