/**
 * Where `expires` and `starts` are turned into the integer epoch seconds a
 * policy carries (`private-content-creating-signed-url-custom-policy`: "epoch
 * values are integers").
 *
 * @module
 */
import { fail } from "../errors.ts";

/** A point in time: a `Date`, integer epoch seconds, or an ISO-8601 string with a zone. */
export type DateInput = Date | number | string;

/**
 * Epoch seconds at or above this are refused as milliseconds or microseconds:
 * 10^11 s is the year 5138, while 10^11 ms is March 1973, so a value this large
 * is almost certainly `Date.now()` passed where seconds were meant (the trap
 * `@aws-sdk/cloudfront-signer` falls into).
 */
export const MAX_EPOCH_SECONDS = 1e11;

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * Converts a {@link DateInput} to integer epoch seconds.
 *
 * A `Date` or ISO string with sub-second precision is rounded in the direction
 * that never widens the grant: `expires` down (`floor`), `starts` up (`ceil`).
 *
 * @param value - the input
 * @param field - the option's name, for messages
 * @param rounding - `floor` for an end of validity, `ceil` for a start
 * @throws {@link CfSignError} `INVALID_DATE`, `DATE_IN_MILLISECONDS`
 */
export function toEpochSeconds(value: unknown, field: string, rounding: "floor" | "ceil"): number {
  if (value instanceof Date) return fromMilliseconds(value.getTime(), field, rounding);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) fail("INVALID_DATE", `${field} must be a finite number of epoch seconds`);
    if (!Number.isInteger(value)) {
      fail("INVALID_DATE", `${field} must be a whole number of epoch seconds (CloudFront policies carry integers)`);
    }
    if (value < 0) fail("INVALID_DATE", `${field} must not be before 1970-01-01`);
    if (value >= MAX_EPOCH_SECONDS) {
      fail(
        "DATE_IN_MILLISECONDS",
        `${field} looks like milliseconds or microseconds, not epoch seconds: ` + "divide by 1000 (or pass a Date)",
      );
    }
    return value;
  }
  if (typeof value === "string") {
    const m = ISO_8601.exec(value.trim());
    if (m === null) {
      fail(
        "INVALID_DATE",
        `${field} must be an ISO-8601 date such as 2030-01-01T00:00:00Z` +
          (/^\d+$/.test(value.trim()) ? " (pass epoch seconds as a number, not a string)" : ""),
      );
    }
    const [, y, mo, d, h, mi, s, frac, zone] = m;
    if (h !== undefined && zone === undefined) {
      fail(
        "INVALID_DATE",
        `${field} has a time but no zone; add Z or an offset such as +02:00 so it means one instant`,
      );
    }
    const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0));
    const check = new Date(ms);
    if (
      check.getUTCFullYear() !== Number(y) ||
      check.getUTCMonth() !== Number(mo) - 1 ||
      check.getUTCDate() !== Number(d) ||
      Number(h ?? 0) > 23 ||
      Number(mi ?? 0) > 59 ||
      Number(s ?? 0) > 59
    ) {
      fail("INVALID_DATE", `${field} is not a real calendar date and time`);
    }
    let offsetMs = 0;
    if (zone !== undefined && zone.toUpperCase() !== "Z") {
      const sign = zone[0] === "-" ? -1 : 1;
      const digits = zone.slice(1).replace(":", "");
      const oh = Number(digits.slice(0, 2));
      const om = Number(digits.slice(2));
      if (oh > 23 || om > 59) fail("INVALID_DATE", `${field} has an invalid zone offset`);
      offsetMs = sign * (oh * 60 + om) * 60_000;
    }
    // Sub-second digits only matter for rounding; keep them exact as a fraction of a second.
    const fraction = frac === undefined ? 0 : Number("0." + frac);
    const seconds = (ms - offsetMs) / 1000;
    return checkRange(rounding === "ceil" && fraction > 0 ? seconds + 1 : seconds, field);
  }
  fail("INVALID_DATE", `${field} must be a Date, epoch seconds (number) or an ISO-8601 string`);
}

function fromMilliseconds(ms: number, field: string, rounding: "floor" | "ceil"): number {
  if (!Number.isFinite(ms)) fail("INVALID_DATE", `${field} is an invalid Date`);
  return checkRange(rounding === "floor" ? Math.floor(ms / 1000) : Math.ceil(ms / 1000), field);
}

function checkRange(seconds: number, field: string): number {
  if (seconds < 0) fail("INVALID_DATE", `${field} must not be before 1970-01-01`);
  if (seconds >= MAX_EPOCH_SECONDS) fail("INVALID_DATE", `${field} is too far in the future`);
  return seconds;
}
