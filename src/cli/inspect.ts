/**
 * `cfsign inspect URL`: what a signed URL says, read without any key: the
 * policy, its kind, times (UTC and relative), IP range, resource, key id and
 * hash; and the mistakes visible without the key (standard base64, duplicated
 * signing parameters, milliseconds for seconds, an S3 presigned URL, query
 * parameters after the signing ones, a fragment...). The signature itself
 * needs the public key (the verifier, `verifyUrl`).
 *
 * {@link inspectSignedUrl} is pure and has no command-line concerns, so the
 * key-less checks can move into the library beside the verifier; the codes of
 * its findings are the verifier's `VerifyReason` codes where one exists. It
 * takes the URL apart and rebuilds a canned policy with the verifier's own
 * functions (src/cloudfront/signed-url.ts), so both read a URL the same way.
 *
 * @module
 */
import { CfSignError } from "../errors.ts";
import { resourceCovers } from "../cloudfront/resource.ts";
import {
  SIGNING_PARAMETER_NAMES,
  cannedPolicyText,
  isExpiresText,
  isS3PresignedUrl,
  splitSignedUrl,
  unsignedUrl as unsignedUrlOf,
  usesStandardBase64,
  type SigningParameterName,
} from "../cloudfront/signed-url.ts";
import { MAX_EPOCH_SECONDS, toEpochSeconds } from "../cloudfront/time.ts";
import { MAX_URL_BYTES } from "../cloudfront/url.ts";
import { parseArguments } from "./args.ts";
import type { CliIo, Command } from "./command.ts";
import { readWholeInput } from "./io.ts";
import { CliError, EXIT } from "./report.ts";
import { parseWhen } from "./shared-inputs.ts";

/** What a finding is about; the verifier's reason codes where they mean the same. */
export type FindingCode =
  | "NOT_SIGNED"
  | "S3_PRESIGNED_URL"
  | "SIGNING_PARAMETERS_IN_FRAGMENT"
  | "FRAGMENT"
  | "DUPLICATE_SIGNING_PARAMETER"
  | "SIGNING_PARAMETER_CASE"
  | "MISSING_KEY_PAIR_ID"
  | "MISSING_SIGNATURE"
  | "MALFORMED_POLICY"
  | "STANDARD_BASE64"
  | "HASH_ALGORITHM_MISMATCH"
  | "MILLISECOND_EPOCH"
  | "EXPIRED"
  | "NOT_YET_VALID"
  | "RESOURCE_MISMATCH"
  | "PARAMETERS_AFTER_SIGNING"
  | "RESOURCE_ANY"
  | "URL_TOO_LONG"
  | "SIGNATURE_FORMAT";

/** One mistake seen in a URL. */
export interface Finding {
  /** `error`: CloudFront would refuse the URL (403); `warning`: it may work but is likely a mistake. */
  readonly severity: "error" | "warning";
  readonly code: FindingCode;
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
  readonly keyPairId: string | null;
  /** The declared `Hash-Algorithm`, or `SHA1` (CloudFront's default) when there is none. */
  readonly hashAlgorithm: string | null;
  /** The URL without the signing parameters: the bytes a canned policy covers. */
  readonly unsignedUrl: string;
  /** The policy's `Resource`; `null` when a custom policy has none (every URL). */
  readonly resource: string | null;
  readonly expires: PolicyTime | null;
  readonly starts: PolicyTime | null;
  readonly ipAddress: string | null;
  /** The policy: decoded from `Policy`, or the canned policy rebuilt from the URL as CloudFront does. */
  readonly policy: unknown;
  /** Its exact text. */
  readonly policyText: string | null;
  /** The signature's size and what that size suggests. */
  readonly signature: { readonly bytes: number; readonly looksLike: string } | null;
  readonly findings: readonly Finding[];
}

/**
 * Reads a signed URL without a key and lists the mistakes it can see.
 *
 * @param url - the signed URL (with its fragment, if any: a fragment is a finding)
 * @param nowSeconds - the time to judge expiry against (epoch seconds)
 * @returns the decoded parts and the findings; never throws for a malformed URL
 */
export function inspectSignedUrl(url: string, nowSeconds: number = Date.now() / 1000): Inspection {
  const findings: Finding[] = [];
  const error = (code: FindingCode, message: string): void => void findings.push({ severity: "error", code, message });
  const warn = (code: FindingCode, message: string): void => void findings.push({ severity: "warning", code, message });

  const parts = splitSignedUrl(url);
  const { sent, own, signing, fragment } = parts;
  const caseMistakes = new Set<string>();
  for (const { name } of own) {
    const wrongCase = SIGNING_PARAMETER_NAMES.find((s) => s.toLowerCase() === name.toLowerCase());
    if (wrongCase !== undefined) caseMistakes.add(`${name} (CloudFront's name is ${wrongCase})`);
  }
  const unsignedUrl = unsignedUrlOf(parts);
  const base: Inspection = {
    signed: signing.size > 0,
    kind: null,
    keyPairId: null,
    hashAlgorithm: null,
    unsignedUrl,
    resource: null,
    expires: null,
    starts: null,
    ipAddress: null,
    policy: null,
    policyText: null,
    signature: null,
    findings,
  };

  if (isS3PresignedUrl(parts)) {
    error(
      "S3_PRESIGNED_URL",
      "this is an Amazon S3 presigned URL (X-Amz-Signature or AWSAccessKeyId), not a CloudFront signed URL; " +
        "CloudFront checks only its own Key-Pair-Id, Signature and Expires or Policy",
    );
  }
  if (fragment !== undefined) {
    if (/(?:^|[?&])(?:Expires|Policy|Signature|Key-Pair-Id)=/.test(fragment)) {
      error(
        "SIGNING_PARAMETERS_IN_FRAGMENT",
        "signing parameters come after the #fragment, which clients never send; sign the URL without its fragment " +
          "and add the fragment after the signing parameters",
      );
    } else {
      warn("FRAGMENT", "the URL has a #fragment; clients do not send it, so it is not part of what CloudFront checks (fine if it was added after signing)");
    }
  }
  for (const mistake of caseMistakes) {
    warn("SIGNING_PARAMETER_CASE", `the query parameter ${mistake} differs only in case from a signing parameter; CloudFront's names are case-sensitive`);
  }
  if (Buffer.byteLength(sent, "utf8") > MAX_URL_BYTES) {
    error("URL_TOO_LONG", `the URL is ${Buffer.byteLength(sent, "utf8")} bytes; CloudFront accepts at most ${MAX_URL_BYTES}`);
  }
  if (signing.size === 0) {
    if (!findings.some((f) => f.code === "S3_PRESIGNED_URL" || f.code === "SIGNING_PARAMETERS_IN_FRAGMENT")) {
      error("NOT_SIGNED", "the URL carries no CloudFront signing parameters (Expires or Policy, Signature, Key-Pair-Id)");
    }
    return base;
  }

  for (const name of SIGNING_PARAMETER_NAMES) {
    const count = signing.get(name)?.length ?? 0;
    if (count > 1) error("DUPLICATE_SIGNING_PARAMETER", `${name} appears ${count} times (was the URL signed twice?)`);
  }
  const one = (name: SigningParameterName): string | undefined => signing.get(name)?.[0];
  const keyPairId = one("Key-Pair-Id") ?? null;
  if (keyPairId === null) error("MISSING_KEY_PAIR_ID", "the Key-Pair-Id parameter is missing");
  const declared = one("Hash-Algorithm");
  if (declared !== undefined && declared !== "SHA1" && declared !== "SHA256") {
    error("HASH_ALGORITHM_MISMATCH", "Hash-Algorithm must be SHA1 or SHA256 (upper case)");
  }
  const hashAlgorithm = declared ?? "SHA1";

  const signatureText = one("Signature");
  let signature: Inspection["signature"] = null;
  if (signatureText === undefined) {
    error("MISSING_SIGNATURE", "the Signature parameter is missing");
  } else {
    const bytes = decodeCloudFrontBase64(signatureText, "Signature", error);
    if (bytes !== null) {
      const looksLike =
        bytes.length === 256
          ? "RSA-2048"
          : bytes.length >= 68 && bytes.length <= 72 && bytes[0] === 0x30
            ? "ECDSA P-256 (DER)"
            : bytes.length === 64
              ? "ECDSA P-256 raw r||s (P1363)"
              : "neither RSA-2048 nor ECDSA P-256";
      signature = { bytes: bytes.length, looksLike };
      if (bytes.length === 64) {
        error("SIGNATURE_FORMAT", "the signature is 64 bytes: a raw r||s ECDSA signature as WebCrypto returns it, but CloudFront needs DER (about 70-72 bytes)");
      } else if (looksLike.startsWith("neither")) {
        error("SIGNATURE_FORMAT", `the signature is ${bytes.length} bytes, which is neither an RSA-2048 (256) nor an ECDSA P-256 DER (70-72) signature`);
      }
    }
  }

  const expiresText = one("Expires");
  const policyParam = one("Policy");
  let kind: Inspection["kind"] = policyParam !== undefined ? "custom" : expiresText !== undefined ? "canned" : null;
  let policyText: string | null = null;
  if (expiresText !== undefined && policyParam !== undefined) {
    error("MALFORMED_POLICY", "both Expires and Policy are present; a signed URL carries exactly one");
  } else if (expiresText === undefined && policyParam === undefined) {
    error("MALFORMED_POLICY", "neither Expires (canned policy) nor Policy (custom policy) is present");
  }
  if (policyParam !== undefined) {
    const bytes = decodeCloudFrontBase64(policyParam, "Policy", error);
    if (bytes !== null) policyText = new TextDecoder().decode(bytes);
  } else if (expiresText !== undefined) {
    kind = "canned";
    if (!isExpiresText(expiresText)) {
      error("MALFORMED_POLICY", "Expires must be whole epoch seconds (digits only)");
    } else {
      policyText = cannedPolicyText(unsignedUrl, expiresText);
    }
  }

  let policy: unknown = null;
  let resource: string | null = null;
  let expires: PolicyTime | null = null;
  let starts: PolicyTime | null = null;
  let ipAddress: string | null = null;
  if (policyText !== null) {
    try {
      policy = JSON.parse(policyText);
    } catch {
      error("MALFORMED_POLICY", "the policy is not JSON");
    }
    const statement = readStatement(policy);
    if (policy !== null && statement === null) {
      error("MALFORMED_POLICY", "the policy is not CloudFront's shape: {\"Statement\":[{\"Resource\":...,\"Condition\":{\"DateLessThan\":...}}]}");
    }
    if (statement !== null) {
      resource = typeof statement.Resource === "string" ? statement.Resource : null;
      const condition = statement.Condition;
      const lessThan = epochOf(condition?.["DateLessThan"]);
      const greaterThan = epochOf(condition?.["DateGreaterThan"]);
      const source = (condition?.["IpAddress"] as Record<string, unknown> | undefined)?.["AWS:SourceIp"];
      ipAddress = typeof source === "string" ? source : null;
      if (condition?.["DateLessThan"] === undefined) error("MALFORMED_POLICY", "the policy has no DateLessThan, which CloudFront requires");
      else if (lessThan === null) error("MALFORMED_POLICY", "DateLessThan's AWS:EpochTime is not a whole number of epoch seconds");
      if (lessThan !== null) {
        expires = policyTime(lessThan, nowSeconds);
        if (lessThan >= MAX_EPOCH_SECONDS) {
          error("MILLISECOND_EPOCH", "DateLessThan is 10^11 or more: milliseconds where epoch seconds belong (Date.now() instead of Date.now() / 1000?)");
        } else if (nowSeconds >= lessThan) {
          error("EXPIRED", `expired ${expires.relative} (DateLessThan ${expires.utc})`);
        }
      }
      if (greaterThan !== null) {
        starts = policyTime(greaterThan, nowSeconds);
        if (greaterThan >= MAX_EPOCH_SECONDS) {
          error("MILLISECOND_EPOCH", "DateGreaterThan is 10^11 or more: milliseconds where epoch seconds belong; access would never start");
        } else if (nowSeconds <= greaterThan) {
          error("NOT_YET_VALID", `not valid yet: access starts after ${starts.utc} (${starts.relative})`);
        }
      }
      if (kind === "custom") {
        if (resource === null || resource === "*") {
          warn("RESOURCE_ANY", "the policy's Resource is " + (resource === null ? "absent" : '"*"') + ": the URL's signature works for every file of every distribution that trusts this key");
        } else if (!resourceCovers(resource, unsignedUrl)) {
          error("RESOURCE_MISMATCH", "the policy's Resource does not cover this URL (without its signing parameters)");
        }
      }
    }
  }
  const after = own.filter((p) => p.afterSigning);
  if (after.length > 0) {
    const listed = after.slice(0, 3).map((p) => JSON.stringify(p.name.slice(0, 40))).join(", ");
    warn(
      "PARAMETERS_AFTER_SIGNING",
      `the query parameter${after.length > 1 ? "s" : ""} ${listed}${after.length > 3 ? ", ..." : ""} come${after.length > 1 ? "" : "s"} after the signing parameters: ` +
        (kind === "canned"
          ? "if added after signing, the canned policy CloudFront rebuilds from the URL no longer matches the signature (403)"
          : "if added after signing, it is fine only while the policy's Resource covers the URL with it"),
    );
  }
  return { ...base, kind, keyPairId, hashAlgorithm, resource, expires, starts, ipAddress, policy, policyText, signature };
}

/**
 * Decodes a `Signature` or `Policy` value for display, reporting its mistakes as findings. More lenient than
 * the verifier's decoder (engine `decodeBase64`), on purpose or not: it decodes standard base64 too (so the
 * rest can still be read) and, through Buffer, ignores non-zero bits after the last byte.
 */
function decodeCloudFrontBase64(text: string, name: string, error: (code: FindingCode, message: string) => void): Uint8Array | null {
  if (usesStandardBase64(text)) {
    error(
      "STANDARD_BASE64",
      `${name} uses standard base64 (+ / =, or their %2B %2F %3D escapes); CloudFront expects its URL-safe variant: ` +
        "+ as -, = as _, / as ~",
    );
    // Decoded anyway (either alphabet, escapes undone) so the rest can still be read. An escape that is not
    // UTF-8 (%AB alone) makes decodeURIComponent throw: then there is nothing to show, and no crash.
    let unescaped: string;
    try {
      unescaped = decodeURIComponent(text.replace(/%(?![0-9A-Fa-f]{2})/g, "%25"));
    } catch {
      return null;
    }
    const standard = unescaped
      .replace(/-/g, "+")
      .replace(/_/g, "=")
      .replace(/~/g, "/");
    return /^[A-Za-z0-9+/]*={0,2}$/.test(standard) ? new Uint8Array(Buffer.from(standard, "base64")) : null;
  }
  if (!/^[A-Za-z0-9~-]*_{0,2}$/.test(text) || text.length % 4 !== 0) {
    error(name === "Policy" ? "MALFORMED_POLICY" : "SIGNATURE_FORMAT", `${name} is not CloudFront-safe base64 (A-Z a-z 0-9 - ~ _, padded to a multiple of 4)`);
    return null;
  }
  return new Uint8Array(Buffer.from(text.replace(/-/g, "+").replace(/_/g, "=").replace(/~/g, "/"), "base64"));
}

function readStatement(policy: unknown): { Resource?: unknown; Condition?: Record<string, unknown> } | null {
  if (typeof policy !== "object" || policy === null) return null;
  const statements = (policy as { Statement?: unknown }).Statement;
  if (!Array.isArray(statements) || statements.length !== 1) return null;
  const s: unknown = statements[0];
  if (typeof s !== "object" || s === null) return null;
  const condition = (s as { Condition?: unknown }).Condition;
  if (typeof condition !== "object" || condition === null) return null;
  return s as { Resource?: unknown; Condition?: Record<string, unknown> };
}

function epochOf(value: unknown): number | null {
  const t = (value as Record<string, unknown> | undefined)?.["AWS:EpochTime"];
  return typeof t === "number" && Number.isSafeInteger(t) && t >= 0 ? t : null;
}

function policyTime(epoch: number, now: number): PolicyTime {
  const date = new Date(epoch * 1000);
  const utc = Number.isFinite(date.getTime()) ? date.toISOString().replace(/\.000Z$/, "Z") : null;
  return { epoch, utc, relative: relativeTime(epoch - now) };
}

/**
 * A duration from now in words: `in 59 minutes`, `3 days ago`. Whole units,
 * rounded down, so "in 59 minutes" is never really an hour.
 *
 * @param seconds - positive for the future, negative for the past
 */
export function relativeTime(seconds: number): string {
  const s = Math.abs(seconds);
  const [n, unit] =
    s < 90 ? [Math.floor(s), "second"] :
    s < 90 * 60 ? [Math.floor(s / 60), "minute"] :
    s < 48 * 3600 ? [Math.floor(s / 3600), "hour"] :
    s < 730 * 86400 ? [Math.floor(s / 86400), "day"] :
    [Math.floor(s / (365.25 * 86400)), "year"];
  const text = `${n} ${unit}${n === 1 ? "" : "s"}`;
  return seconds >= 0 ? `in ${text}` : `${text} ago`;
}

// ---------------------------------------------------------------------------
// The command

const OPTIONS = {
  json: { type: "boolean" },
  now: { type: "string" },
} as const;

const HELP = `Usage: cfsign inspect URL [--json] [--now WHEN]
       cfsign inspect - [--json]          (the URL from stdin, kept out of shell history)

Decodes a CloudFront signed URL without any key and shows what it grants: the kind of policy
(canned: Expires; custom: Policy), the policy as pretty JSON (a canned one rebuilt from the URL as
CloudFront does), the expiry and start in UTC and relative to now ("in 59 minutes",
"3 days ago"), the IP range, the resource, the Key-Pair-Id, the hash algorithm and the
signature's size. Then it lists the mistakes it can see without the key:

  error    S3_PRESIGNED_URL, NOT_SIGNED, SIGNING_PARAMETERS_IN_FRAGMENT, DUPLICATE_SIGNING_PARAMETER,
           MISSING_KEY_PAIR_ID, MISSING_SIGNATURE, MALFORMED_POLICY, STANDARD_BASE64 (+ / = instead
           of - ~ _), HASH_ALGORITHM_MISMATCH, MILLISECOND_EPOCH, EXPIRED, NOT_YET_VALID,
           RESOURCE_MISMATCH, URL_TOO_LONG, SIGNATURE_FORMAT (such as raw 64-byte ECDSA)
  warning  PARAMETERS_AFTER_SIGNING (a canned signature breaks if they were added after signing),
           FRAGMENT, SIGNING_PARAMETER_CASE, RESOURCE_ANY

Whether the signature itself is right needs the public key: cfsign verify --url URL --public-key FILE.

Options:
  --json                      print the result as one JSON object
  --now WHEN                  judge expiry at WHEN instead of now (epoch seconds or ISO 8601)
  -h, --help                  show this help

Examples:
  cfsign inspect "$(cat signed-url.txt)"
  pbpaste | cfsign inspect - --json | jq .findings

Exit status (errors go to stderr as 'cfsign: CODE: message'):
  0  the URL was decoded and no error was found (warnings may have been)
  1  an error was found: CloudFront would refuse this URL
  2  usage error (USAGE), or the argument is not an absolute http(s) URL
`;

/** The `inspect` subcommand. */
export const inspectCommand: Command = {
  name: "inspect",
  summary: "decode a signed URL without a key: policy, expiry, key id, and the mistakes it shows",
  help: HELP,
  run: runInspect,
};

const usage = (message: string): CliError => new CliError("USAGE", message, "Run 'cfsign inspect --help' for usage.");

async function runInspect(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArguments(args, OPTIONS, { command: "inspect", maxPositionals: 1, positionalHint: "one URL" });
  const given = positionals[0];
  if (given === undefined) throw usage("give the signed URL to inspect: cfsign inspect URL (or - to read it from stdin)");
  const url = given === "-" ? firstLine(await readWholeInput("-", io, "stdin")) : given.trim();
  // The argument is never echoed: it may be something other than a URL, pasted by mistake.
  if (!/^https?:\/\/[^/?#\s]+/i.test(url)) throw usage("the argument is not an absolute http:// or https:// URL");
  let now = Date.now() / 1000;
  if (values.now !== undefined) {
    try {
      now = toEpochSeconds(parseWhen(values.now), "--now", "floor");
    } catch (err) {
      if (err instanceof CfSignError) throw usage(`--now: ${err.message}`);
      throw err;
    }
  }
  const result = inspectSignedUrl(url, now);
  const status = result.findings.some((f) => f.severity === "error") ? EXIT.REFUSED : EXIT.OK;
  if (values.json === true) {
    io.stdout(JSON.stringify(result) + "\n");
    return status;
  }
  io.stdout(formatInspection(result));
  return status;
}

function firstLine(text: string): string {
  return text.split(/\r?\n/).find((l) => l.trim() !== "")?.trim() ?? "";
}

/** The human-readable report of an inspection. */
export function formatInspection(r: Inspection): string {
  const rows: [string, string][] = [];
  const time = (t: PolicyTime | null, none: string, past: string, future: string): string => {
    if (t === null) return none;
    const when = t.utc === null ? `${t.epoch} (not a date)` : t.utc.replace("T", " ").replace("Z", " UTC");
    const words = t.relative.endsWith(" ago") ? `${past} ${t.relative}` : `${future}${t.relative}`;
    return `${when} (${words})`;
  };
  let out: string;
  if (!r.signed) {
    out = "Not a CloudFront signed URL.\n";
  } else {
    out = `CloudFront signed URL, ${r.kind ?? "unknown"} policy\n`;
    rows.push(["Key-Pair-Id", r.keyPairId ?? "(missing)"]);
    rows.push(["Hash", r.hashAlgorithm === null ? "?" : r.hashAlgorithm + (r.hashAlgorithm === "SHA1" ? " (no Hash-Algorithm parameter: CloudFront's default)" : "")]);
    rows.push(["Resource", r.resource ?? (r.kind === "custom" && r.policy !== null ? "(none: every URL)" : "?")]);
    rows.push(["Expires", time(r.expires, "?", "expired", "")]);
    rows.push(["Starts", time(r.starts, "(no DateGreaterThan)", "started", "starts ")]);
    rows.push(["IP address", r.ipAddress ?? "(any)"]);
    rows.push(["Signature", r.signature === null ? "?" : `${r.signature.bytes} bytes, ${r.signature.looksLike}`]);
    rows.push(["URL signed", r.unsignedUrl]);
    for (const [k, v] of rows) out += `  ${k.padEnd(13)}${v}\n`;
    if (r.policy !== null) {
      out += `\nPolicy${r.kind === "canned" ? " (rebuilt from the URL, as CloudFront does)" : ""}:\n`;
      out += JSON.stringify(r.policy, null, 2).replace(/^/gm, "  ") + "\n";
    }
  }
  if (r.findings.length === 0) {
    out += "\nNo problems seen. (Whether the signature matches needs the public key.)\n";
  } else {
    out += "\nProblems:\n";
    for (const f of r.findings) out += `  ${f.severity.padEnd(8)} ${f.code}: ${f.message}\n`;
  }
  return out;
}
