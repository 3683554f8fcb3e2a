/**
 * The public API every entry point shares: everything but `createSigner`, which
 * each entry (./index.ts for Node, ./web.ts, ./workerd.ts) defines with its own
 * key importers and WebAssembly source. Keeping the list here, once, means the
 * entries cannot drift apart.
 *
 * @module
 */
export { CfSignError } from "./errors.js";
export type { BatchFailure, CfSignErrorCode } from "./errors.js";
export { Signer } from "./signer.js";
export type {
  BatchItem,
  BatchOptions,
  BatchResult,
  CloudFrontCookieName,
  CryptoBackend,
  PlaylistMode,
  SignCookiesOptions,
  SignedCookies,
  SignedPlaylist,
  SignOptions,
  SignPlaylistOptions,
  SignPolicyOptions,
  SignerOptions,
  StreamOptions,
  WorkersOption,
} from "./signer.js";
export { rewriteLinesMaxBytes } from "./rewrite-lines.js";
export type { RewriteFailure, RewriteLinesOptions, RewriteLinesResult } from "./rewrite-lines.js";
export type { PlaylistFailure } from "./lib/playlist.js";
export type { PlaylistUriKind } from "./lib/hls.js";
export { SignedPolicy } from "./signed-policy.js";
export type { CookieAttributeOptions, SameSite } from "./lib/cookie.js";
export { verifyCookies, verifyUrl } from "./verify.js";
export type { CloudFrontPolicy, TimeBoundary, VerifyOptions, VerifyReason, VerifyResult } from "./verify.js";
export type { PublicKeyInput } from "./crypto/public-key.js";
export { redirectToSigned, sendRedirect } from "./redirect.js";
export type { RedirectOptions, ServerResponseLike } from "./redirect.js";
export type { CustomSigner, HashAlgorithm, KeyAlgorithm, KeyObjectLike, PrivateKeyInput } from "./crypto/types.js";
export type { DateInput } from "./lib/time.js";
export type { EngineName } from "./engine/types.js";
