/**
 * The synchronous part of the bulk formats (./lines.ts, ./json-array.ts, ./csv.ts): what an
 * output starts and ends with, CSV quoting and the default item limit. Apart from the readers,
 * so that the entries export these values without loading the readers' code, which loads on
 * first use (../deferred.ts).
 *
 * @module
 */
/** The text an output starts and ends with in a format (a JSON array's brackets). */
export interface BulkFrame {
  readonly head: string;
  readonly tail: string;
}

/** Default of {@link BulkReadOptions.maxUrlBytes}: 16,384 bytes. */
export const DEFAULT_MAX_ITEM_BYTES = 16_384;

/** The output of a lines input has no head or tail. */
export const LINES_FRAME: BulkFrame = { head: "", tail: "" };

/** The output of a JSON array input: an array of signed URLs (`null` for an item that failed). */
export const JSON_ARRAY_FRAME: BulkFrame = { head: "[", tail: "\n]\n" };

/** The output of a CSV input has no head or tail (the header row is copied as it is). */
export const CSV_FRAME: BulkFrame = { head: "", tail: "" };

/**
 * A CSV field for `value`: quoted (with `"` doubled) when it has a comma, a quote, a line break or
 * white space at either end; as it is otherwise.
 *
 * @param value - the field's text
 * @returns the field as written in CSV
 * @example
 * ```ts
 * quoteCsv('say "hi", twice'); // '"say ""hi"", twice"'
 * ```
 */
export function quoteCsv(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? '"' + value.replace(/"/g, '""') + '"' : value;
}
