/**
 * The two batch operations of the WASM hot path (./wasm.ts): policies serialized and URLs
 * assembled, each laid out as a table of rows (assembly/layout.ts, read from the generated
 * ./layout.generated.ts) followed by the strings' UTF-8, then sized and written in two calls.
 *
 * @module
 */
import type { PolicySpec, UrlParts } from "./types.ts";
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
  U_EXPIRES,
  U_FLAGS,
  U_HAS_POLICY,
  U_POLICY_LEN,
  U_POLICY_PTR,
  U_SIGNATURE_LEN,
  U_SIGNATURE_PTR,
  U_URL_LEN,
  U_URL_PTR,
} from "./layout.generated.ts";
import { align8, checkEpoch, decoder, type WasmContext } from "./wasm-memory.ts";

/**
 * `serializePolicies` on the module: a row per policy (epochs, flags, where its resource and IP
 * address are), their text packed once, then the size and the policies written in two calls.
 */
export function serializePolicies(ctx: WasmContext, specs: readonly PolicySpec[]): Uint8Array[] {
  const { wasm, heap, base, strings } = ctx;
  const n = specs.length;
  if (n === 0) return [];
  const table = base;
  const lens = table + n * ROW_SIZE;
  const offsets = lens + 8 * n;
  const text = align8(offsets + 4 * (n + 1));
  heap.reserve(text);

  strings.begin(lens, text);
  for (let i = 0; i < n; i++) {
    const spec = specs[i]!;
    strings.add(spec.resource);
    strings.add(spec.ipAddress ?? "");
  }
  const out = strings.end();

  const { f64, u32 } = heap;
  let p = text;
  for (let i = 0, row = table, len = lens >>> 2; i < n; i++, row += ROW_SIZE, len += 2) {
    const spec = specs[i]!;
    let flags = 0;
    f64[(row + P_EXPIRES) >>> 3] = checkEpoch(spec.expires, i, "expires");
    if (spec.starts !== undefined) {
      flags |= P_HAS_STARTS;
      f64[(row + P_STARTS) >>> 3] = checkEpoch(spec.starts, i, "starts");
    }
    if (spec.ipAddress !== undefined) flags |= P_HAS_IP;
    const resourceLen = u32[len]!;
    const ipLen = u32[len + 1]!;
    u32[(row + P_FLAGS) >>> 2] = flags;
    u32[(row + P_RESOURCE_PTR) >>> 2] = p;
    u32[(row + P_RESOURCE_LEN) >>> 2] = resourceLen;
    u32[(row + P_IP_PTR) >>> 2] = p + resourceLen;
    u32[(row + P_IP_LEN) >>> 2] = ipLen;
    p += resourceLen + ipLen;
  }

  heap.reserve(out + wasm.policiesSize(table, n));
  const total = wasm.policiesWrite(table, n, out, offsets) >>> 0;
  const bytes = heap.u8.slice(out, out + total);
  const ends = heap.u32;
  const result = new Array<Uint8Array>(n);
  for (let i = 0, o = offsets / 4; i < n; i++, o++) {
    result[i] = bytes.subarray(ends[o]!, ends[o + 1]!);
  }
  return result;
}

/**
 * `assembleUrls` on the module: a row per URL (where its text, policy and signature are, or its
 * expiry), then the size and every URL written in two calls, each URL decoded on its own.
 */
export function assembleUrls(ctx: WasmContext, parts: readonly UrlParts[], suffix: string): string[] {
  const { wasm, heap, base, strings } = ctx;
  const n = parts.length;
  if (n === 0) return [];
  const table = base;
  const lens = table + n * ROW_SIZE;
  const offsets = lens + 4 * (n + 1);
  const text = align8(offsets + 4 * (n + 1));
  heap.reserve(text);

  let binaryLen = 0;
  strings.begin(lens, text);
  for (let i = 0; i < n; i++) {
    const part = parts[i]!;
    strings.add(part.url);
    binaryLen += part.signature.length + (part.policy?.length ?? 0);
  }
  strings.add(suffix);
  const binary = strings.end();
  const out = binary + binaryLen;
  heap.reserve(out);

  const { u8, u32, f64 } = heap;
  let p = text;
  let b = binary;
  for (let i = 0, row = table, len = lens >>> 2; i < n; i++, row += ROW_SIZE, len++) {
    const part = parts[i]!;
    const urlLen = u32[len]!;
    u32[(row + U_URL_PTR) >>> 2] = p;
    u32[(row + U_URL_LEN) >>> 2] = urlLen;
    p += urlLen;
    if (part.policy === undefined) {
      f64[(row + U_EXPIRES) >>> 3] = checkEpoch(part.expires as number, i, "expires");
      u32[(row + U_FLAGS) >>> 2] = 0;
    } else {
      u32[(row + U_FLAGS) >>> 2] = U_HAS_POLICY;
      u8.set(part.policy, b);
      u32[(row + U_POLICY_PTR) >>> 2] = b;
      u32[(row + U_POLICY_LEN) >>> 2] = part.policy.length;
      b += part.policy.length;
    }
    u8.set(part.signature, b);
    u32[(row + U_SIGNATURE_PTR) >>> 2] = b;
    u32[(row + U_SIGNATURE_LEN) >>> 2] = part.signature.length;
    b += part.signature.length;
  }
  const suffixLen = u32[lens / 4 + n]!;

  heap.reserve(out + wasm.urlsSize(table, n, suffixLen));
  wasm.urlsWrite(table, n, p, suffixLen, out, offsets);
  // One decode per URL, not one for the window sliced up: a slice is a V8 sliced string that keeps
  // the whole window's text (up to 2,048 URLs, ~0.6 MB) alive for as long as the caller keeps one
  // URL of it (test/url-retention.test.ts). Each URL is its own flat string, and no non-ASCII
  // offsets need converting. Measured, it is also faster: the window's one string went to V8's
  // large-object space (docs/performance.md, "Signed URLs are flat strings").
  const { u8: bytes, u32: view } = heap;
  const result = new Array<string>(n);
  for (let i = 0, o = offsets / 4; i < n; i++, o++) {
    result[i] = decoder.decode(bytes.subarray(out + view[o]!, out + view[o + 1]!));
  }
  return result;
}
