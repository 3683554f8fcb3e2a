/**
 * The little ASN.1 DER the signing adapters need (ITU-T X.690): reading and
 * wrapping private keys for WebCrypto, and converting ECDSA signatures between
 * WebCrypto's raw r‖s (IEEE P1363) and the DER form CloudFront expects.
 * Encoding only: no cryptography happens here.
 *
 * @module
 */

/** One DER element: its tag and where its content lies. */
export interface Tlv {
  readonly tag: number;
  /** Offset of the first content byte. */
  readonly start: number;
  /** Offset just past the content. */
  readonly end: number;
}

/** Reads one DER element at `offset`; `null` unless it is well-formed, minimal DER that fits in `limit`. */
export function readTlv(bytes: Uint8Array, offset: number, limit = bytes.length): Tlv | null {
  if (offset + 2 > limit) return null;
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) return null; // multi-byte tags never occur in what we read
  let len = bytes[offset + 1]!;
  let start = offset + 2;
  if (len & 0x80) {
    const count = len & 0x7f;
    if (count === 0 || count > 3 || start + count > limit) return null;
    len = 0;
    for (let i = 0; i < count; i++) len = len * 256 + bytes[start + i]!;
    if (bytes[start] === 0 || len < 0x80) return null; // non-minimal length
    start += count;
  }
  const end = start + len;
  return end > limit ? null : { tag, start, end };
}

/** DER length octets. */
function encodeLength(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return [0x80 | out.length, ...out];
}

/** One DER element from a tag and its content. */
export function encodeTlv(tag: number, content: Uint8Array): Uint8Array {
  const head = [tag, ...encodeLength(content.length)];
  const out = new Uint8Array(head.length + content.length);
  out.set(head, 0);
  out.set(content, head.length);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function hex(text: string): Uint8Array {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** rsaEncryption, 1.2.840.113549.1.1.1 (RFC 8017 appendix A.1), as a DER OID element. */
export const OID_RSA_ENCRYPTION = /* @__PURE__ */ hex("06092a864886f70d010101");
/** id-ecPublicKey, 1.2.840.10045.2.1 (RFC 5480 §2.1.1). */
export const OID_EC_PUBLIC_KEY = /* @__PURE__ */ hex("06072a8648ce3d0201");
/** secp256r1 / prime256v1 / P-256, 1.2.840.10045.3.1.7 (RFC 5480 §2.1.1.1). */
export const OID_P256 = /* @__PURE__ */ hex("06082a8648ce3d030107");

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const OCTET_STRING = 0x04;
const NULL = /* @__PURE__ */ new Uint8Array([0x05, 0x00]);
const VERSION_0 = /* @__PURE__ */ new Uint8Array([0x02, 0x01, 0x00]);

/** Wraps a PKCS#1 `RSAPrivateKey` into a PKCS#8 `PrivateKeyInfo` (RFC 5208 §5). */
export function wrapPkcs1RsaKey(pkcs1: Uint8Array): Uint8Array {
  const algorithm = encodeTlv(SEQUENCE, concat(OID_RSA_ENCRYPTION, NULL));
  return encodeTlv(SEQUENCE, concat(VERSION_0, algorithm, encodeTlv(OCTET_STRING, pkcs1)));
}

/**
 * Wraps a SEC1 `ECPrivateKey` (RFC 5915 §3) into PKCS#8 with the P-256 curve.
 * Returns `null` when the SEC1 key names a curve other than P-256.
 */
export function wrapSec1EcKey(sec1: Uint8Array): Uint8Array | null {
  const outer = readTlv(sec1, 0);
  if (outer === null || outer.tag !== SEQUENCE) return null;
  // Walk the optional [0] parameters to check the curve when present.
  let at = outer.start;
  while (at < outer.end) {
    const el = readTlv(sec1, at, outer.end);
    if (el === null) return null;
    if (el.tag === 0xa0) {
      const oid = sec1.subarray(el.start, el.end);
      if (!equalBytes(oid, OID_P256)) return null;
    }
    at = el.end;
  }
  const algorithm = encodeTlv(SEQUENCE, concat(OID_EC_PUBLIC_KEY, OID_P256));
  return encodeTlv(SEQUENCE, concat(VERSION_0, algorithm, encodeTlv(OCTET_STRING, sec1)));
}

/** The key algorithm named inside a PKCS#8 `PrivateKeyInfo`. */
type Pkcs8Algorithm = { kind: "rsa" } | { kind: "ec"; p256: boolean } | { kind: "other" };

/** Reads the algorithm of a PKCS#8 key; `null` if `der` is not PKCS#8. */
export function pkcs8Algorithm(der: Uint8Array): Pkcs8Algorithm | null {
  const outer = readTlv(der, 0);
  if (outer === null || outer.tag !== SEQUENCE) return null;
  const version = readTlv(der, outer.start, outer.end);
  if (version === null || version.tag !== INTEGER) return null;
  const algorithm = readTlv(der, version.end, outer.end);
  if (algorithm === null || algorithm.tag !== SEQUENCE) return null;
  const oid = readTlv(der, algorithm.start, algorithm.end);
  if (oid === null || oid.tag !== 0x06) return null;
  const oidBytes = der.subarray(algorithm.start, oid.end);
  if (equalBytes(oidBytes, OID_RSA_ENCRYPTION)) return { kind: "rsa" };
  if (equalBytes(oidBytes, OID_EC_PUBLIC_KEY)) {
    const params = readTlv(der, oid.end, algorithm.end);
    return { kind: "ec", p256: params !== null && equalBytes(der.subarray(oid.end, params.end), OID_P256) };
  }
  return { kind: "other" };
}

/** Minimal DER INTEGER content for an unsigned big-endian number. */
function derUnsignedInteger(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const trimmed = bytes.subarray(i);
  return trimmed[0]! & 0x80 ? concat(new Uint8Array([0]), trimmed) : trimmed;
}

/**
 * Converts an ECDSA signature from raw r‖s (IEEE P1363, what WebCrypto returns)
 * to the DER `ECDSA-Sig-Value` (RFC 3279 §2.2.3) CloudFront verifies.
 */
export function ecdsaP1363ToDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  const r = encodeTlv(INTEGER, derUnsignedInteger(raw.subarray(0, half)));
  const s = encodeTlv(INTEGER, derUnsignedInteger(raw.subarray(half)));
  return encodeTlv(SEQUENCE, concat(r, s));
}

/**
 * Converts a strict DER ECDSA signature to raw r‖s of `size` bytes per half.
 * Returns `null` for anything that is not exactly one minimal DER sequence of two
 * positive integers that fit in `size` bytes.
 */
export function ecdsaDerToP1363(der: Uint8Array, size = 32): Uint8Array | null {
  const seq = readTlv(der, 0);
  if (seq === null || seq.tag !== SEQUENCE || seq.end !== der.length) return null;
  const out = new Uint8Array(size * 2);
  let at = seq.start;
  for (let k = 0; k < 2; k++) {
    const int = readTlv(der, at, seq.end);
    if (int === null || int.tag !== INTEGER || int.end === int.start) return null;
    let value = der.subarray(int.start, int.end);
    if (value[0]! & 0x80) return null; // negative
    if (value[0] === 0 && value.length > 1) {
      if ((value[1]! & 0x80) === 0) return null; // non-minimal
      value = value.subarray(1);
    }
    if (value.length > size || (value.length === 1 && value[0] === 0)) return null; // too big, or zero
    out.set(value, size * (k + 1) - value.length);
    at = int.end;
  }
  return at === seq.end ? out : null;
}

/** PEM: the label and the DER bytes of one block. */
interface PemBlock {
  readonly label: string;
  readonly der: Uint8Array;
  /** Headers such as `Proc-Type: 4,ENCRYPTED` (legacy OpenSSL encryption). */
  readonly hasHeaders: boolean;
}

/**
 * Parses the first PEM block in `text` (RFC 7468) whose label matches `label` (any label when
 * absent); `null` if there is none or its base64 is bad.
 */
export function parsePem(text: string, label?: RegExp): PemBlock | null {
  for (const m of text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g)) {
    if (label === undefined || label.test(m[1]!)) return decodePemBlock(m[1]!, m[2]!);
  }
  return null;
}

function decodePemBlock(label: string, body: string): PemBlock | null {
  const hasHeaders = /^[A-Za-z-]+:/m.test(body);
  const b64 = body.replace(/^[A-Za-z-]+:.*$/gm, "").replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) return null;
  let binary: string;
  try {
    binary = atob(b64);
  } catch {
    return null;
  }
  const der = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) der[i] = binary.charCodeAt(i);
  return { label, der, hasHeaders };
}
