/**
 * Types shared by the signing adapters (node:crypto, WebCrypto, custom signers).
 *
 * @module
 */

/** Digest used for the signature. CloudFront assumes SHA-1 unless `Hash-Algorithm=SHA256` is sent. */
export type HashAlgorithm = "SHA1" | "SHA256";

/** The two key kinds CloudFront accepts (`private-content-trusted-signers`). */
export type KeyAlgorithm = "RSA" | "ECDSA";

/**
 * A signer for keys held elsewhere (AWS KMS, an HSM, a remote service).
 *
 * @example
 * ```ts
 * const kmsSigner: CustomSigner = {
 *   algorithm: "ECDSA",
 *   async sign(data, hash) {
 *     const out = await kms.sign({ KeyId, Message: data, MessageType: "RAW",
 *       SigningAlgorithm: hash === "SHA256" ? "ECDSA_SHA_256" : "..." });
 *     return out.Signature!; // DER for ECDSA, 256 bytes for RSA-2048
 *   },
 * };
 * ```
 */
export interface CustomSigner {
  /** `"RSA"` (RSASSA-PKCS1-v1_5, 2048-bit) or `"ECDSA"` (P-256). */
  readonly algorithm: KeyAlgorithm;
  /**
   * Signs `data` (the policy bytes) with the named digest.
   *
   * Failures: an exception or rejection fails only that item (`SIGNING_FAILED`, the original kept
   * as `cause`), and so does output of the wrong length or not strict DER; no URL carries it.
   * To refuse the hash, throw `new CfSignError("UNSUPPORTED_HASH", ...)`: the whole call then
   * fails with `UNSUPPORTED_HASH` naming SHA-256 as the fix (with SHA-1, the platform's own
   * digest refusal, such as OpenSSL's `invalid digest` under a FIPS or hardened policy, is
   * recognised the same way). A call that may hang should be bounded with the signer's
   * `signTimeoutMs` option.
   * @returns RSA: the 256-byte signature; ECDSA: DER (or raw r‖s if `signatureFormat` is `"p1363"`)
   */
  sign(data: Uint8Array, hash: HashAlgorithm): Promise<Uint8Array | ArrayBuffer>;
  /** ECDSA output encoding of {@link CustomSigner.sign}. Default `"der"`. */
  readonly signatureFormat?: "der" | "p1363";
  /**
   * Optional: called once by `createSigner`, before any signature, with the hash the signer will use.
   * Throw a `CfSignError` (`UNSUPPORTED_HASH`, with a message that says why) to refuse it: `createSigner`
   * then rejects with that error unchanged, instead of the first batch failing. A key service without
   * SHA-1 (AWS KMS) refuses `"SHA1"` here.
   */
  assertHash?(hash: HashAlgorithm): void;
}

/** A Node.js `KeyObject`, described structurally so runtime-neutral code needs no Node types. */
export interface KeyObjectLike {
  readonly type: string;
  readonly asymmetricKeyType?: string | undefined;
  export(options?: unknown): unknown;
}

/**
 * A WebCrypto `CryptoKey`, described structurally: the DOM lib's `CryptoKey` and Node's
 * `webcrypto.CryptoKey` both fit, and a project without the DOM lib needs no extra types.
 */
export interface CryptoKeyLike {
  readonly type: string;
  readonly extractable: boolean;
  readonly algorithm: { readonly name: string };
  readonly usages: readonly string[];
}

/**
 * A JSON Web Key (RFC 7517 section 4, RFC 7518 section 6): the members of the RSA and EC P-256 keys
 * cfsign reads, described structurally so the DOM lib's `JsonWebKey`, Node's `crypto.JsonWebKey` and
 * a parsed JSON file all fit without the DOM lib.
 */
export interface JsonWebKeyLike {
  /** Key type: `"RSA"` or `"EC"`. */
  readonly kty?: string | undefined;
  /** Curve of an EC key: `"P-256"`. */
  readonly crv?: string | undefined;
  readonly alg?: string | undefined;
  readonly use?: string | undefined;
  readonly key_ops?: readonly string[] | undefined;
  readonly ext?: boolean | undefined;
  /** RSA modulus and public exponent (base64url). */
  readonly n?: string | undefined;
  readonly e?: string | undefined;
  /** Private exponent (RSA) or private scalar (EC); absent in a public key. */
  readonly d?: string | undefined;
  readonly p?: string | undefined;
  readonly q?: string | undefined;
  readonly dp?: string | undefined;
  readonly dq?: string | undefined;
  readonly qi?: string | undefined;
  /** EC public point coordinates (base64url). */
  readonly x?: string | undefined;
  readonly y?: string | undefined;
}

/**
 * Every form of private key cfsign accepts: PEM text (PKCS#8, PKCS#1
 * `BEGIN RSA PRIVATE KEY`, SEC1 `BEGIN EC PRIVATE KEY`, encrypted PKCS#8), PEM or
 * DER PKCS#8 bytes, a private JWK, a Node `KeyObject`, a WebCrypto `CryptoKey`,
 * or a {@link CustomSigner}.
 */
export type PrivateKeyInput = string | Uint8Array | JsonWebKeyLike | KeyObjectLike | CryptoKeyLike | CustomSigner;

/** What an adapter's `importSigningKey` receives. */
export interface KeyImportOptions {
  readonly privateKey: PrivateKeyInput;
  readonly passphrase?: string | undefined;
  readonly hashAlgorithm: HashAlgorithm;
}

/** A key imported, checked and bound to a hash: the only thing the signer calls per URL. */
export interface SigningKey {
  readonly algorithm: KeyAlgorithm;
  readonly hashAlgorithm: HashAlgorithm;
  /** Signs policy bytes; ECDSA signatures are DER. */
  sign(data: Uint8Array): Promise<Uint8Array>;
  /**
   * {@link SigningKey.sign} with a callback instead of a promise, where the platform has one (node:crypto):
   * a batch makes one call per URL, and the promise, its executor and its reactions were a third of
   * what a URL allocated (docs/runtimes.md, "Memory per Node version"). Errors as `sign` rejects them.
   */
  signTo?(data: Uint8Array, done: (err: unknown, signature?: Uint8Array) => void): void;
}

/** An adapter: turns any accepted key input into a {@link SigningKey}. */
export type KeyImporter = (options: KeyImportOptions) => Promise<SigningKey>;

/** True for an object that looks like a {@link CustomSigner}. */
export function isCustomSigner(value: unknown): value is CustomSigner {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as CustomSigner).sign === "function" &&
    "algorithm" in value &&
    !isCryptoKey(value)
  );
}

/**
 * True for a WebCrypto `CryptoKey` (in runtimes that have one). Only an object is looked up: on Node the
 * `CryptoKey` global is a lazy getter that loads WebCrypto (about 0.5 ms of a cold start on Node 24), which
 * a PEM string or DER bytes never need.
 */
export function isCryptoKey(value: unknown): value is CryptoKeyLike {
  return typeof value === "object" && value !== null && typeof CryptoKey !== "undefined" && value instanceof CryptoKey;
}

/**
 * True for a `CryptoKey` created with `extractable: false`. Node deprecates `KeyObject.from` on such a key
 * (DEP0204), so the node:crypto backend leaves it to WebCrypto and worker threads cannot take it.
 */
export function isNonExtractableCryptoKey(value: unknown): value is CryptoKeyLike {
  return isCryptoKey(value) && !value.extractable;
}

/** True for a Node `KeyObject`-like value. */
export function isKeyObjectLike(value: unknown): value is KeyObjectLike {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as KeyObjectLike).export === "function" &&
    typeof (value as KeyObjectLike).type === "string"
  );
}
