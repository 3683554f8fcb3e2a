/**
 * The inspector's public types: what `inspectSignedUrl` (./inspect.ts) returns and the codes of its findings.
 *
 * @module
 */
import type { DateInput } from "../cloudfront/time.ts";

/** What a finding is about; the verifier's reason codes where they mean the same. */
export type FindingCode =
  | "NOT_SIGNED"
  | "INVALID_URL"
  | "CLIENT_REWRITES_URL"
  | "S3_PRESIGNED_URL"
  | "S3_HOST"
  | "SIGNING_PARAMETERS_IN_FRAGMENT"
  | "FRAGMENT"
  | "DUPLICATE_SIGNING_PARAMETER"
  | "SIGNING_PARAMETER_CASE"
  | "MISSING_KEY_PAIR_ID"
  | "KEY_PAIR_ID_FORMAT"
  | "MISSING_SIGNATURE"
  | "MALFORMED_POLICY"
  | "STANDARD_BASE64"
  | "HASH_ALGORITHM_MISMATCH"
  | "MILLISECOND_EPOCH"
  | "EXPIRED"
  | "NOT_YET_VALID"
  | "RESOURCE_MISMATCH"
  | "PARAMETER_ADDED_AFTER_SIGNING"
  | "RESOURCE_ANY"
  | "RESOURCE_QUESTION_MARK"
  | "URL_TOO_LONG"
  | "SIGNATURE_FORMAT";

/** One mistake seen in a URL. */
export interface Finding {
  /** `error`: CloudFront would refuse the URL (403); `warning`: it may work but is likely a mistake. */
  readonly severity: "error" | "warning";
  /** What it is about. */
  readonly code: FindingCode;
  /** The mistake in words, with the fix when one is known. Never the whole URL. */
  readonly message: string;
}

/** A point in time of a policy. */
export interface PolicyTime {
  /** Epoch seconds, as in the policy. */
  readonly epoch: number;
  /** `2030-01-01T00:00:00Z`, or `null` when out of the range a date can show. */
  readonly utc: string | null;
  /** `in 59 minutes`, `3 days ago`. */
  readonly relative: string;
}

/** What {@link inspectSignedUrl} found. */
export interface Inspection {
  /** True when the URL carries any CloudFront signing parameter. */
  readonly signed: boolean;
  /** `custom` when it has `Policy`, `canned` when it has `Expires`. */
  readonly kind: "canned" | "custom" | null;
  /** The `Key-Pair-Id`, when present. */
  readonly keyPairId: string | null;
  /** The declared `Hash-Algorithm`, or `SHA1` (CloudFront's default) when there is none. */
  readonly hashAlgorithm: string | null;
  /** The URL without the signing parameters: the bytes a canned policy covers. */
  readonly unsignedUrl: string;
  /** The policy's `Resource`; `null` when a custom policy has none (every URL). */
  readonly resource: string | null;
  /** `DateLessThan`. */
  readonly expires: PolicyTime | null;
  /** `DateGreaterThan`. */
  readonly starts: PolicyTime | null;
  /** `IpAddress.AWS:SourceIp`. */
  readonly ipAddress: string | null;
  /** The policy: decoded from `Policy`, or the canned policy rebuilt from the URL as CloudFront does. */
  readonly policy: unknown;
  /** Its exact text. */
  readonly policyText: string | null;
  /** The signature's size and what that size suggests. */
  readonly signature: { readonly bytes: number; readonly looksLike: string } | null;
  /** Every mistake seen, errors and warnings, in the order they were found. */
  readonly findings: readonly Finding[];
}

/** Options of {@link inspectSignedUrl}. */
export interface InspectOptions {
  /** The time to judge expiry against: a `Date`, integer epoch seconds, or ISO-8601 with a zone. Default: now. */
  readonly now?: DateInput | undefined;
}
