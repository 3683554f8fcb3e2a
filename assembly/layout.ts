// The row layouts shared with src/engine/wasm.ts. Both are 40 bytes, 8-aligned,
// little-endian; pointers are absolute addresses in linear memory.

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
