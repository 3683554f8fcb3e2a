/**
 * Encrypted PKCS#8 for the WebCrypto backend: an `EncryptedPrivateKeyInfo`
 * (RFC 5958 §3) protected with PBES2 (RFC 8018 §6.2), PBKDF2 with
 * HMAC-SHA-1/256/384/512 and AES-128/192/256-CBC, which is what
 * `openssl pkcs8 -topk8 -v2 aes-256-cbc` and Node's `KeyObject.export({ cipher })`
 * write. The cryptography is WebCrypto's own PBKDF2 and AES-CBC; this file only
 * reads the ASN.1 (with ./der.ts). Legacy PBES1 (MD5/SHA-1 with DES or RC2) and
 * scrypt are refused: WebCrypto has none of them.
 *
 * @module
 */
import { CfSignError, fail } from "../errors.ts";
import { pkcs8Algorithm, readTlv, type Tlv } from "./der.ts";

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const OCTET_STRING = 0x04;
const OID = 0x06;
const NULL = 0x05;

/** id-PBES2, 1.2.840.113549.1.5.13 (RFC 8018 appendix A.4), OID content octets. */
const OID_PBES2 = "2a864886f70d01050d";
/** id-PBKDF2, 1.2.840.113549.1.5.12 (RFC 8018 appendix A.2). */
const OID_PBKDF2 = "2a864886f70d01050c";
/** PBKDF2 PRFs (RFC 8018 appendix B.1.1, B.1.2); hmacWithSHA1 is the default when none is named. */
const PRF: Readonly<Record<string, string>> = {
  "2a864886f70d0207": "SHA-1",
  "2a864886f70d0209": "SHA-256",
  "2a864886f70d020a": "SHA-384",
  "2a864886f70d020b": "SHA-512",
};
/** aes128-CBC-PAD, aes192-CBC-PAD, aes256-CBC-PAD, 2.16.840.1.101.3.4.1.{2,22,42} (RFC 8018 appendix B.2.5). */
const AES_CBC: Readonly<Record<string, number>> = {
  "608648016503040102": 128,
  "608648016503040116": 192,
  "60864801650304012a": 256,
};
/** Far above what any tool writes (OpenSSL 2,048, Node 2,048 to 600,000), low enough that a crafted key cannot stall the import. */
const MAX_ITERATIONS = 10_000_000;

/** The parameters of a PBES2-encrypted PKCS#8 key. */
interface Pbes2 {
  readonly salt: Uint8Array;
  readonly iterations: number;
  readonly hash: string;
  readonly aesBits: number;
  readonly iv: Uint8Array;
  readonly ciphertext: Uint8Array;
}

const UNSUPPORTED =
  "the WebCrypto backend decrypts only PBES2 keys (PBKDF2 with HMAC-SHA-1/256/384/512, AES-CBC); re-encrypt it " +
  "(openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256) or use the node backend";

function hex(bytes: Uint8Array, el: Tlv): string {
  let out = "";
  for (let i = el.start; i < el.end; i++) out += bytes[i]!.toString(16).padStart(2, "0");
  return out;
}

/** A child element of `parent` at `at` with tag `tag`, or a thrown `INVALID_KEY`. */
function child(der: Uint8Array, at: number, parent: Tlv, tag: number): Tlv {
  const el = readTlv(der, at, parent.end);
  if (el === null || el.tag !== tag)
    fail("INVALID_KEY", "the encrypted private key is not valid DER (EncryptedPrivateKeyInfo)");
  return el;
}

/** A small non-negative DER INTEGER (RFC 8018's iterationCount, keyLength). */
function smallInteger(der: Uint8Array, el: Tlv): number {
  const len = el.end - el.start;
  if (len < 1 || len > 6 || der[el.start]! & 0x80)
    fail("INVALID_KEY", "the encrypted private key has a malformed integer");
  let n = 0;
  for (let i = el.start; i < el.end; i++) n = n * 256 + der[i]!;
  return n;
}

/** Every SEQUENCE is read to its end: trailing or missing elements are malformed DER. */
function ends(el: Tlv, end: number): void {
  if (el.end !== end) fail("INVALID_KEY", "the encrypted private key is not valid DER (EncryptedPrivateKeyInfo)");
}

function parse(der: Uint8Array): Pbes2 {
  const outer = readTlv(der, 0);
  if (outer === null || outer.tag !== SEQUENCE)
    fail("INVALID_KEY", "the encrypted private key is not valid DER (EncryptedPrivateKeyInfo)");
  ends(outer, der.length);
  const algorithm = child(der, outer.start, outer, SEQUENCE);
  const scheme = child(der, algorithm.start, algorithm, OID);
  if (hex(der, scheme) !== OID_PBES2)
    fail("INVALID_KEY", `the private key is encrypted with a legacy scheme; ${UNSUPPORTED}`);
  const params = child(der, scheme.end, algorithm, SEQUENCE);
  ends(params, algorithm.end);

  const kdf = child(der, params.start, params, SEQUENCE);
  const kdfOid = child(der, kdf.start, kdf, OID);
  if (hex(der, kdfOid) !== OID_PBKDF2)
    fail("INVALID_KEY", `the private key's key derivation is not PBKDF2 (scrypt?); ${UNSUPPORTED}`);
  const kdfParams = child(der, kdfOid.end, kdf, SEQUENCE);
  ends(kdfParams, kdf.end);
  const salt = child(der, kdfParams.start, kdfParams, OCTET_STRING);
  const iterationsEl = child(der, salt.end, kdfParams, INTEGER);
  const iterations = smallInteger(der, iterationsEl);
  let at = iterationsEl.end;
  let keyLength: number | undefined;
  let hash = "SHA-1"; // RFC 8018 appendix A.2: prf DEFAULT algid-hmacWithSHA1
  if (at < kdfParams.end && der[at] === INTEGER) {
    const el = child(der, at, kdfParams, INTEGER);
    keyLength = smallInteger(der, el);
    at = el.end;
  }
  if (at < kdfParams.end) {
    const prf = child(der, at, kdfParams, SEQUENCE);
    const prfOid = child(der, prf.start, prf, OID);
    const prfName = PRF[hex(der, prfOid)];
    if (prfName === undefined) fail("INVALID_KEY", `the private key's PBKDF2 uses an unknown PRF; ${UNSUPPORTED}`);
    // RFC 8018 appendix B.1.1: the HMAC's parameters are NULL, or absent.
    if (prfOid.end !== prf.end) {
      const params = child(der, prfOid.end, prf, NULL);
      if (params.start !== params.end)
        fail("INVALID_KEY", "the encrypted private key is not valid DER (EncryptedPrivateKeyInfo)");
      ends(params, prf.end);
    }
    hash = prfName;
    at = prf.end;
  }
  if (at !== kdfParams.end) fail("INVALID_KEY", "the encrypted private key is not valid DER (EncryptedPrivateKeyInfo)");

  const enc = child(der, kdf.end, params, SEQUENCE);
  ends(enc, params.end);
  const encOid = child(der, enc.start, enc, OID);
  const aesBits = AES_CBC[hex(der, encOid)];
  if (aesBits === undefined)
    fail("INVALID_KEY", `the private key's cipher is not AES-CBC (DES, 3DES, RC2?); ${UNSUPPORTED}`);
  const iv = child(der, encOid.end, enc, OCTET_STRING);
  ends(iv, enc.end);
  const data = child(der, algorithm.end, outer, OCTET_STRING);
  ends(data, outer.end);

  if (iterations < 1 || iterations > MAX_ITERATIONS) {
    fail(
      "INVALID_KEY",
      `the encrypted private key asks for ${iterations} PBKDF2 iterations (accepted: 1 to ${MAX_ITERATIONS})`,
    );
  }
  if (keyLength !== undefined && keyLength * 8 !== aesBits)
    fail("INVALID_KEY", "the encrypted private key's PBKDF2 key length does not match its cipher");
  if (iv.end - iv.start !== 16) fail("INVALID_KEY", "the encrypted private key's AES-CBC IV is not 16 bytes");
  const ciphertext = der.subarray(data.start, data.end);
  if (ciphertext.length === 0 || ciphertext.length % 16 !== 0)
    fail("INVALID_KEY", "the encrypted private key's data is not whole AES blocks");
  return {
    salt: der.subarray(salt.start, salt.end),
    iterations,
    hash,
    aesBits,
    iv: der.subarray(iv.start, iv.end),
    ciphertext,
  };
}

/**
 * Decrypts a PBES2 `EncryptedPrivateKeyInfo` to the PKCS#8 `PrivateKeyInfo` inside.
 *
 * @param der - the DER of `-----BEGIN ENCRYPTED PRIVATE KEY-----`
 * @param passphrase - the passphrase (its UTF-8 bytes are the PBKDF2 password, as in OpenSSL and Node)
 * @param subtle - WebCrypto's `SubtleCrypto`
 * @returns the PKCS#8 DER
 * @throws {@link CfSignError} `INVALID_KEY`: no passphrase, wrong passphrase, a scheme other than
 *   PBES2/PBKDF2/AES-CBC, or malformed DER
 * @example
 * ```ts
 * const pkcs8 = await decryptPkcs8(parsePem(pem)!.der, passphrase, crypto.subtle);
 * ```
 */
export async function decryptPkcs8(
  der: Uint8Array,
  passphrase: string | undefined,
  subtle: SubtleCrypto,
): Promise<Uint8Array> {
  if (passphrase === undefined) fail("INVALID_KEY", "the private key is encrypted; pass its passphrase");
  const p = parse(der);
  let plain: ArrayBuffer;
  try {
    const password = await subtle.importKey("raw", new TextEncoder().encode(passphrase), "PBKDF2", false, [
      "deriveKey",
    ]);
    const key = await subtle.deriveKey(
      { name: "PBKDF2", salt: p.salt as BufferSource, iterations: p.iterations, hash: p.hash },
      password,
      { name: "AES-CBC", length: p.aesBits },
      false,
      ["decrypt"],
    );
    plain = await subtle.decrypt({ name: "AES-CBC", iv: p.iv as BufferSource }, key, p.ciphertext as BufferSource);
  } catch (cause) {
    // AES-CBC padding that does not check out is WebCrypto's only sign of a wrong passphrase.
    const name = (cause as { name?: string } | null)?.name;
    if (name === "OperationError")
      fail("INVALID_KEY", "the private key could not be decrypted: is the passphrase right?", cause);
    throw new CfSignError(
      "INVALID_KEY",
      `this runtime's WebCrypto cannot decrypt the key (AES-${p.aesBits}-CBC, PBKDF2 ${p.hash})`,
      { cause },
    );
  }
  const pkcs8 = new Uint8Array(plain);
  // A wrong passphrase still passes the padding check about once in 256 tries; the result is then not PKCS#8.
  if (pkcs8Algorithm(pkcs8) === null)
    fail("INVALID_KEY", "the private key could not be decrypted: is the passphrase right?");
  return pkcs8;
}
