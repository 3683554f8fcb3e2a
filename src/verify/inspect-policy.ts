/**
 * The inspector's reading of a policy: its conditions (resource, times, IP range) shown in words, and the
 * findings they give (malformed, milliseconds, expired, not yet valid, a resource that does not cover the
 * URL or covers everything). Part of `inspectSignedUrl` (./inspect.ts).
 *
 * @module
 */
import { readPolicy } from "../cloudfront/policy.ts";
import { resourceCovers } from "../cloudfront/resource.ts";
import { MAX_EPOCH_SECONDS } from "../cloudfront/time.ts";
import type { FindingCode, Inspection, PolicyTime } from "./inspect-types.ts";

/** What {@link inspectPolicy} read, as the fields of an `Inspection`. */
export type PolicyFields = Pick<Inspection, "policy" | "policyText" | "resource" | "expires" | "starts" | "ipAddress">;

/** Adds a finding. */
export type Report = (code: FindingCode, message: string) => void;

/**
 * Reads the policy's bytes and reports what is wrong with its conditions.
 *
 * @param policyBytes - the decoded `Policy`, or the canned policy rebuilt from the URL; `null` when unreadable
 * @param kind - `custom` or `canned` (a resource is judged only in a custom policy)
 * @param unsignedUrl - the URL without its signing parameters
 * @param nowSeconds - the time to judge the dates against
 * @param error - reports an error finding
 * @param warn - reports a warning finding
 */
export function inspectPolicy(
  policyBytes: Uint8Array | null,
  kind: Inspection["kind"],
  unsignedUrl: string,
  nowSeconds: number,
  error: Report,
  warn: Report,
): PolicyFields {
  let policy: unknown = null;
  let policyText: string | null = null;
  let resource: string | null = null;
  let expires: PolicyTime | null = null;
  let starts: PolicyTime | null = null;
  let ipAddress: string | null = null;
  if (policyBytes !== null) {
    const read = readPolicy(policyBytes);
    policyText = read.text ?? null;
    if (read.policy === undefined) {
      error("MALFORMED_POLICY", `the policy is not a valid CloudFront policy: ${read.problem}`);
      policy = read.json ?? null;
    } else {
      policy = read.policy;
      const statement = read.policy.Statement[0];
      resource = statement.Resource ?? null;
      const lessThan = statement.Condition.DateLessThan["AWS:EpochTime"];
      const greaterThan = statement.Condition.DateGreaterThan?.["AWS:EpochTime"];
      ipAddress = statement.Condition.IpAddress?.["AWS:SourceIp"] ?? null;
      expires = policyTime(lessThan, nowSeconds);
      if (lessThan >= MAX_EPOCH_SECONDS) {
        error(
          "MILLISECOND_EPOCH",
          "DateLessThan is 10^11 or more: milliseconds where epoch seconds belong (Date.now() instead of Date.now() / 1000?)",
        );
      } else if (nowSeconds >= lessThan) {
        error("EXPIRED", `expired ${expires.relative} (DateLessThan ${expires.utc})`);
      }
      if (greaterThan !== undefined) {
        starts = policyTime(greaterThan, nowSeconds);
        if (greaterThan >= MAX_EPOCH_SECONDS) {
          error(
            "MILLISECOND_EPOCH",
            "DateGreaterThan is 10^11 or more: milliseconds where epoch seconds belong; access would never start",
          );
        } else if (nowSeconds <= greaterThan) {
          error("NOT_YET_VALID", `not valid yet: access starts after ${starts.utc} (${starts.relative})`);
        }
      }
      if (kind === "custom") {
        if (resource === null || resource === "*") {
          warn(
            "RESOURCE_ANY",
            "the policy's Resource is " +
              (resource === null ? "absent" : '"*"') +
              ": the URL's signature works for every file of every distribution that trusts this key",
          );
        } else if (!resourceCovers(resource, unsignedUrl)) {
          error("RESOURCE_MISMATCH", "the policy's Resource does not cover this URL (without its signing parameters)");
        } else if (resource.includes("?") && !resource.includes("*")) {
          warn(
            "RESOURCE_QUESTION_MARK",
            "the policy's Resource has a ?, which a custom policy reads as a wildcard for any one character (also " +
              "the query separator): it grants more than this one URL (a.jpg?v=1 also grants a.jpgXv=1). For exactly " +
              "this URL use a canned policy (only expires), or an explicit resource without ?",
          );
        }
      }
    }
  }
  return { policy, policyText, resource, expires, starts, ipAddress };
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
 * @returns the words
 * @example
 * ```ts
 * relativeTime(-3 * 86400); // "3 days ago"
 * ```
 */
export function relativeTime(seconds: number): string {
  const s = Math.abs(seconds);
  const [n, unit] =
    s < 90
      ? [Math.floor(s), "second"]
      : s < 90 * 60
        ? [Math.floor(s / 60), "minute"]
        : s < 48 * 3600
          ? [Math.floor(s / 3600), "hour"]
          : s < 730 * 86400
            ? [Math.floor(s / 86400), "day"]
            : [Math.floor(s / (365.25 * 86400)), "year"];
  const text = `${n} ${unit}${n === 1 ? "" : "s"}`;
  return seconds >= 0 ? `in ${text}` : `${text} ago`;
}
