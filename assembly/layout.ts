// The row layouts and flags shared with src/engine/wasm.ts, which reads them from
// src/engine/layout.generated.ts, written from this file by scripts/wasm-layout.js
// (npm run build:wasm). Every export here must be `export const NAME: type = <integer>;`.
// Rows are 8-aligned and little-endian; pointers are absolute addresses in linear memory.

/** Bytes per row of the policy table and of the URL table. */
export const ROW_SIZE: usize = 40;

// Policy row.
export const P_EXPIRES: usize = 0; // f64 DateLessThan
export const P_STARTS: usize = 8; // f64 DateGreaterThan, read only with P_HAS_STARTS
export const P_FLAGS: usize = 16; // u32
export const P_RESOURCE_PTR: usize = 20; // u32
export const P_RESOURCE_LEN: usize = 24; // u32
export const P_IP_PTR: usize = 28; // u32, read only with P_HAS_IP
export const P_IP_LEN: usize = 32; // u32
export const P_HAS_IP: u32 = 1;
export const P_HAS_STARTS: u32 = 2;

// URL row.
export const U_EXPIRES: usize = 0; // f64, canned rows only
export const U_FLAGS: usize = 8; // u32
export const U_URL_PTR: usize = 12; // u32
export const U_URL_LEN: usize = 16; // u32
export const U_POLICY_PTR: usize = 20; // u32, custom rows only
export const U_POLICY_LEN: usize = 24; // u32
export const U_SIGNATURE_PTR: usize = 28; // u32
export const U_SIGNATURE_LEN: usize = 32; // u32
export const U_HAS_POLICY: u32 = 1;

// Rewrite settings row: one per rewriteLines call, the shared policy's plan (src/engine/types.ts
// RewritePlan). 4-aligned u32s.
export const R_SIZE: usize = 32;
export const R_PREFIX_PTR: usize = 0; // u32, the policy's literal prefix (ASCII)
export const R_PREFIX_LEN: usize = 4; // u32, 0 flags every URL line
export const R_SCAN_FROM: usize = 8; // u32, index in the prefix of its last /
export const R_QUERY_PTR: usize = 12; // u32, the signed query (ASCII)
export const R_QUERY_LEN: usize = 16; // u32
export const R_MAX_URL_BYTES: usize = 20; // u32, longest signed URL
export const R_OPTIONS: usize = 24; // u32, R_KEEP_COMMENTS
export const R_FLAGGED_COUNT: usize = 28; // u32, written by rewriteLines: records in the flagged array
/** Option bit: copy lines that start with `#` verbatim (HLS playlist tags and comments). */
export const R_KEEP_COMMENTS: u32 = 1;
/** u32 words per flagged-line record: line index, start, end (without CR), end-of-line bytes, output offset. */
export const FLAG_WORDS: usize = 5;
