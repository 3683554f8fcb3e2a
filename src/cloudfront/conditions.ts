/**
 * A policy's conditions as the signer checks them, in one order, so that every
 * entry point (signed URLs, cookies, shared policies, playlists, the CLI's bulk
 * jobs) reports the same first problem: `expires` (required, in the future),
 * `starts` (before `expires`), `ipAddress` (./ip.ts). Dates are read by ./time.ts.
 *
 * Also here: whether a URL used as a custom policy's resource would turn into a
 * wildcard pattern (`*`, or a `?` beyond the query separator).
 *
 * @module
 */
import { fail } from "../errors.ts";
import { normalizeIpAddress } from "./ip.ts";
import { toEpochSeconds, type DateInput } from "./time.ts";

/** The policy options every policy shares. */
interface ConditionOptions {
  /** End of validity (`DateLessThan`). Required. */
  readonly expires?: DateInput | undefined;
  /** Start of validity (`DateGreaterThan`). */
  readonly starts?: DateInput | undefined;
  /** IPv4 address or CIDR. */
  readonly ipAddress?: string | undefined;
}

/** The validated conditions of a policy. */
export interface Conditions {
  /** `DateLessThan`, integer epoch seconds, after now. */
  readonly expires: number;
  /** `DateGreaterThan`, integer epoch seconds, before `expires`. */
  readonly starts: number | undefined;
  /** `AWS:SourceIp` in CIDR form. */
  readonly ipAddress: string | undefined;
}

/**
 * Epoch seconds below this (1980-01-01) are most likely a duration passed where an
 * absolute time belongs (`expires: 3600` for "one hour"), which the message says.
 */
const DURATION_LIKE_SECONDS = 315_532_800;

/**
 * `expires` is the one required policy option everywhere.
 *
 * @param o - the options
 * @throws {@link CfSignError} `INVALID_DATE` when `expires` is missing
 * @example
 * ```ts
 * requireExpires({ expires: 1893456000 }); // passes
 * ```
 */
export function requireExpires(o: { readonly expires?: DateInput | undefined }): void {
  if (o.expires === undefined) fail("INVALID_DATE", "expires is required (a Date, epoch seconds or ISO-8601)");
}

/**
 * Validates the conditions every policy shares, in one order.
 *
 * @param o - `expires` (required), `starts`, `ipAddress`
 * @param nowSeconds - the current time in epoch seconds
 * @returns the conditions as the policy carries them
 * @throws {@link CfSignError} `INVALID_DATE`, `DATE_IN_MILLISECONDS`, `EXPIRES_IN_PAST` (the message shows the
 *   time read, ISO and epoch, and says that a small number is an absolute time, not a duration),
 *   `INVALID_DATE_RANGE`, `INVALID_IP_ADDRESS`, `IPV6_NOT_SUPPORTED`
 * @example
 * ```ts
 * policyConditions({ expires: "2030-01-01T00:00:00Z", ipAddress: "192.0.2.7" }, Date.now() / 1000);
 * // { expires: 1893456000, starts: undefined, ipAddress: "192.0.2.7/32" }
 * ```
 */
export function policyConditions(o: ConditionOptions, nowSeconds: number): Conditions {
  requireExpires(o);
  const expires = toEpochSeconds(o.expires, "expires", "floor");
  if (expires <= nowSeconds) expiresInPast(expires);
  const starts = o.starts === undefined ? undefined : toEpochSeconds(o.starts, "starts", "ceil");
  if (starts !== undefined && starts >= expires) {
    fail("INVALID_DATE_RANGE", `starts (${describeEpoch(starts)}) must be before expires (${describeEpoch(expires)})`);
  }
  const ipAddress = o.ipAddress === undefined ? undefined : normalizeIpAddress(o.ipAddress);
  return { expires, starts, ipAddress };
}

function expiresInPast(expires: number): never {
  let message =
    `expires is ${describeEpoch(expires)}, which is not in the future: ` +
    "a URL that is already expired would only give 403";
  if (expires < DURATION_LIKE_SECONDS) {
    message +=
      `. A number is an absolute time in epoch seconds, not a duration: for ${expires} seconds from now, ` +
      `pass now + ${expires} (Math.floor(Date.now() / 1000) + ${expires}), or a Date`;
  }
  fail("EXPIRES_IN_PAST", message);
}

/**
 * An epoch time for messages: ISO-8601 UTC and the epoch, e.g. `2030-01-01T00:00:00Z (epoch 1893456000)`.
 *
 * @param seconds - integer epoch seconds
 * @returns the text
 * @example
 * ```ts
 * describeEpoch(3600); // "1970-01-01T01:00:00Z (epoch 3600)"
 * ```
 */
function describeEpoch(seconds: number): string {
  const date = new Date(seconds * 1000);
  const iso = Number.isFinite(date.getTime()) ? date.toISOString().replace(".000Z", "Z") : "not a date";
  return `${iso} (epoch ${seconds})`;
}

/**
 * True when a URL, read as a custom-policy pattern, has a `*` or a `?` other than the query separator.
 *
 * @param url - a validated URL
 * @returns whether the policy would read wildcards in it
 * @example
 * ```ts
 * hasWildcard("https://cdn.example.com/a.jpg?v=1"); // false: the first ? is the query separator...
 * hasWildcard("https://cdn.example.com/a*.jpg");    // true
 * ```
 */
export function hasWildcard(url: string): boolean {
  const firstQ = url.indexOf("?");
  return url.includes("*") || (firstQ !== -1 && url.indexOf("?", firstQ + 1) !== -1);
}
