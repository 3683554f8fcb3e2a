/**
 * Reading the caller's policy options, shared by every signing operation (batch,
 * cookies, shared policy, playlists): own properties only, and the `expiresWindow`
 * rounding. The conditions (`expires` required and in the future, `starts`,
 * `ipAddress`) are checked by ../cloudfront/conditions.ts, re-exported here.
 *
 * @module
 */
import { fail } from "../errors.ts";
import type { Conditions } from "../cloudfront/conditions.ts";

// The policy-condition rules themselves live in ../cloudfront/conditions.ts (one home, also used by the CLI).
export { hasWildcard, policyConditions, requireExpires, type Conditions } from "../cloudfront/conditions.ts";

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
  for (const [k, v] of Object.entries(value))
    if (v !== undefined && k !== "url") (out as Record<string, unknown>)[k] = v;
  return out;
}

/** Rounds `expires` up to the next multiple of `window` seconds (see `SignOptions.expiresWindow`). */
export function withWindow(c: Conditions, window: number | undefined): Conditions {
  if (window === undefined) return c;
  if (!Number.isInteger(window) || window < 1 || window > MAX_EXPIRES_WINDOW) {
    fail("INVALID_ARGUMENT", "expiresWindow must be a whole number of seconds from 1 to 31536000 (one year)");
  }
  return { ...c, expires: Math.ceil(c.expires / window) * window };
}
