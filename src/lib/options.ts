/**
 * Reading the caller's policy options, shared by every signing operation (batch,
 * cookies, shared policy, playlists): own properties only, `expires` required,
 * and the conditions checked in one order so that every entry point reports the
 * same first problem.
 *
 * @module
 */
import { fail } from "../errors.ts";
import { normalizeIpAddress } from "../cloudfront/ip.ts";
import { toEpochSeconds, type DateInput } from "../cloudfront/time.ts";
import type { PolicyOptions } from "../types.ts";

/** Largest `expiresWindow`: one year. */
const MAX_EXPIRES_WINDOW = 31_536_000;

/**
 * The caller's options as their own properties only, on an object without a
 * prototype: an inherited `resource` or `allowAnyResource` (planted through a
 * prototype-pollution bug elsewhere in the application) must never widen a grant.
 */
export function ownOptions<T extends object>(value: T): T {
  return Object.assign(Object.create(null) as T, value);
}

/** The defined own properties of a batch item, without its `url`. */
export function definedOnly<T extends object>(value: T): Partial<T> {
  const out = Object.create(null) as Partial<T>;
  for (const [k, v] of Object.entries(value)) if (v !== undefined && k !== "url") (out as Record<string, unknown>)[k] = v;
  return out;
}

/** `expires` is the one required policy option everywhere. */
export function requireExpires(o: { expires?: DateInput | undefined }): void {
  if (o.expires === undefined) fail("INVALID_DATE", "expires is required (a Date, epoch seconds or ISO-8601)");
}

/** The validated conditions of a policy. */
export interface Conditions {
  readonly expires: number;
  readonly starts: number | undefined;
  readonly ipAddress: string | undefined;
}

/**
 * Validates the conditions every policy shares (URLs, cookies, shared policies),
 * in one order, so that all entry points report the same first problem.
 */
export function policyConditions(o: PolicyOptions, nowSeconds: number): Conditions {
  const expires = toEpochSeconds(o.expires, "expires", "floor");
  if (expires <= nowSeconds) {
    fail("EXPIRES_IN_PAST", "expires is not in the future; a URL that is already expired would only give 403");
  }
  const starts = o.starts === undefined ? undefined : toEpochSeconds(o.starts, "starts", "ceil");
  if (starts !== undefined && starts >= expires) {
    fail("INVALID_DATE_RANGE", "starts must be before expires");
  }
  const ipAddress = o.ipAddress === undefined ? undefined : normalizeIpAddress(o.ipAddress);
  return { expires, starts, ipAddress };
}

/** Rounds `expires` up to the next multiple of `window` seconds (see `SignOptions.expiresWindow`). */
export function withWindow(c: Conditions, window: number | undefined): Conditions {
  if (window === undefined) return c;
  if (!Number.isInteger(window) || window < 1 || window > MAX_EXPIRES_WINDOW) {
    fail("INVALID_ARGUMENT", "expiresWindow must be a whole number of seconds from 1 to 31536000 (one year)");
  }
  return { ...c, expires: Math.ceil(c.expires / window) * window };
}

/** True when a URL, read as a custom-policy pattern, has a `*` or a `?` other than the query separator. */
export function hasWildcard(url: string): boolean {
  const firstQ = url.indexOf("?");
  return url.includes("*") || (firstQ !== -1 && url.indexOf("?", firstQ + 1) !== -1);
}
