/**
 * The public API every entry point shares: everything but `createSigner`, which
 * each entry (./index.ts for Node, ./web.ts, ./workerd.ts) defines with its own
 * key importers and WebAssembly source. Keeping the list here, once, means the
 * entries cannot drift apart.
 *
 * @module
 */
export { CfSignError } from "./errors.ts";
export type { BatchFailure, CfSignErrorCode, CfSignErrorOptions } from "./errors.ts";
export { Signer } from "./signer.ts";
export type {
  BatchItem,
  BatchOptions,
  BatchResult,
  CloudFrontCookieName,
  CryptoBackend,
  ItemFailure,
  PlaylistMode,
  SignCookiesOptions,
  SignedCookies,
  SignOptions,
  SignPlaylistOptions,
  SignPolicyOptions,
  SignerOptions,
  SignWarning,
  StreamOptions,
  WorkersOption,
} from "./types.ts";
export { rewriteLinesMaxBytes } from "./rewrite-lines.ts";
export type { RewriteFailure, RewriteLinesOptions, RewriteLinesResult, ShareablePolicy } from "./rewrite-lines.ts";
export type {
  PlaylistFailure,
  SignedPlaylist,
  SignedPlaylists,
  SignedPlaylistsEntry,
  SignPlaylistsOptions,
} from "./playlist.ts";
export type { ManifestFailure, SignedManifest, SignManifestOptions } from "./manifest.ts";
export type { PlaylistUriKind } from "./formats/hls.ts";
export { SignedPolicy } from "./shared-policy.ts";
export type { CookieAttributeOptions, SameSite } from "./cloudfront/cookie.ts";
// The verifier and the bulk readers load their code on first call (./deferred.ts).
export { verifyCookies, verifyUrl } from "./deferred.ts";
export type {
  CloudFrontPolicy,
  TimeBoundary,
  VerifyOptions,
  VerifyReason,
  VerifyResult,
  VerifyWarning,
} from "./verify/types.ts";
export { inspectSignedUrl } from "./verify/inspect.ts";
export type { Finding, FindingCode, InspectOptions, Inspection, PolicyTime } from "./verify/inspect-types.ts";
export type { PublicKeyInput } from "./crypto/public-key.ts";
export { redirectToSigned, sendRedirect } from "./redirect.ts";
export type { RedirectOptions, ServerResponseLike } from "./redirect.ts";
export type {
  CryptoKeyLike,
  CustomSigner,
  HashAlgorithm,
  JsonWebKeyLike,
  KeyAlgorithm,
  KeyObjectLike,
  PrivateKeyInput,
} from "./crypto/types.ts";
export type { DateInput } from "./cloudfront/time.ts";
export { DEFAULT_MAX_ITEM_BYTES } from "./formats/frames.ts";
export type {
  BulkBadRecord,
  BulkFrame,
  BulkPassRecord,
  BulkReadOptions,
  BulkRecord,
  BulkUrlRecord,
} from "./formats/bulk.ts";
export { CSV_FRAME, JSON_ARRAY_FRAME, LINES_FRAME, quoteCsv } from "./formats/frames.ts";
export { readCsv, readJsonArray, readLines } from "./deferred.ts";
export type { CsvReadOptions } from "./formats/csv.ts";
export type { EngineName } from "./engine/types.ts";
export { createGate } from "./verify/gate.ts";
export type { Gate, GateErrorCode, GateOptions } from "./verify/gate.ts";
