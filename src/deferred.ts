/**
 * The public functions whose code loads on first call: the verifier and the bulk
 * input readers. Each is an async function (or async generator) that imports its
 * implementation with `import()` and calls it, so an application that only signs
 * never loads, compiles or keeps their code (docs/performance.md, "Cold start").
 * The Node entry bundles each into a chunk of its own (scripts/bundle.js); the web
 * and Workers entries inline them. Same signature, same behaviour, same errors
 * (as rejections, as before: the implementations are async too).
 *
 * Each wrapper carries its implementation's doc comment word for word (the one
 * users see); test/deferred.test.ts checks that they stay the same.
 *
 * @module
 */
import type { BulkReadOptions, BulkRecord } from "./formats/bulk.ts";
import type { CsvReadOptions } from "./formats/csv.ts";
import type { VerifyOptions, VerifyResult } from "./verify/types.ts";

/**
 * The verifier's module once loaded. A verifier checks one request per call, so later calls take the module
 * from here: an `import()` per call went through the module loader each time and made `verifyUrl` about half
 * as fast (bench:ci `stage.verify.nocrypto/frozen` 0.5).
 */
let verifier: typeof import("./verify/verify.ts") | undefined;

async function loadVerifier(): Promise<typeof import("./verify/verify.ts")> {
  return (verifier ??= await import("./verify/verify.ts"));
}

/**
 * Checks a signed URL as CloudFront would.
 *
 * @param signedUrl - the URL as the client sends it (a `#fragment` is dropped, as clients do)
 * @param options - `publicKeys` (required), `now`, `clientIp` (or `ignoreIpAddress`), `boundary`
 * @returns the outcome; `valid` is true only with reason `OK`
 * @throws {@link CfSignError} `INVALID_ARGUMENT` for bad options (also `clientIp` with `ignoreIpAddress`),
 *   `INVALID_IP_ADDRESS` for a bad `clientIp`,
 *   `INVALID_DATE` for a bad `now`, `INVALID_KEY`/`UNSUPPORTED_KEY` when the key the URL names is unusable
 * @example
 * ```ts
 * const result = await verifyUrl(url, { publicKeys: { K2JCJMDEHXQW5F: publicKeyPem } });
 * if (!result.valid) console.log(result.reason, result.message);
 * ```
 */
export async function verifyUrl(signedUrl: string, options: VerifyOptions): Promise<VerifyResult> {
  return (verifier ?? (await loadVerifier())).verifyUrl(signedUrl, options);
}

/**
 * Checks a request authorised by CloudFront signed cookies. As CloudFront does,
 * a request URL that carries any signing parameter is judged as a signed URL and
 * its cookies are ignored (the result then has `via: "url"`).
 *
 * @param requestUrl - the URL the client requests
 * @param cookies - the cookies: a `Cookie` header value (`"CloudFront-Policy=...; CloudFront-Signature=..."`)
 *   or an object of names and values
 * @param options - `publicKeys` (required), `now`, `clientIp` (or `ignoreIpAddress`), `boundary`
 * @returns the outcome; `valid` is true only with reason `OK`
 * @throws {@link CfSignError} as {@link verifyUrl}
 * @example
 * ```ts
 * const result = await verifyCookies("https://cdn.example.com/gallery/a.jpg", request.headers.get("cookie") ?? "", {
 *   publicKeys: { K2JCJMDEHXQW5F: publicKeyPem },
 * });
 * ```
 */
export async function verifyCookies(
  requestUrl: string,
  cookies: Readonly<Record<string, string>> | string,
  options: VerifyOptions,
): Promise<VerifyResult> {
  return (verifier ?? (await loadVerifier())).verifyCookies(requestUrl, cookies, options);
}

/**
 * Reads one URL per line from a byte stream (a file, standard input, a request body).
 *
 * @param chunks - the input's bytes in chunks of any size (a `ReadableStream<Uint8Array>` is
 *   async iterable in Node, Deno, Bun and Workers)
 * @param options - the longest line held in memory
 * @returns the records in input order; a URL record's `line` counts from 1
 * @throws {@link CfSignError} only what `chunks` throws
 * @example
 * ```ts
 * import { readLines } from "cfsign";
 * let out = "";
 * for await (const record of readLines(request.body)) {
 *   if (record.kind === "pass") continue;
 *   const signed = record.kind === "url" ? await signer.signUrl(record.url, { expires }) : undefined;
 *   out += record.render(signed);
 * }
 * ```
 */
export async function* readLines(
  chunks: AsyncIterable<Uint8Array>,
  options?: BulkReadOptions,
): AsyncGenerator<BulkRecord> {
  yield* (await import("./formats/lines.ts")).readLines(chunks, options);
}

/**
 * Reads a JSON array of URL strings from a byte stream.
 *
 * @param chunks - the input's bytes in chunks of any size
 * @param options - the longest string held in memory
 * @returns the records in input order; write {@link JSON_ARRAY_FRAME}'s head, each record's
 *   `render`, then its tail, to get an array of the signed URLs
 * @throws {@link CfSignError} `INVALID_INPUT_FORMAT` when the input is not a JSON array of strings
 *   (the message names the line); records before the error have been yielded already
 * @example
 * ```ts
 * import { JSON_ARRAY_FRAME, readJsonArray } from "cfsign";
 * let out = JSON_ARRAY_FRAME.head;
 * for await (const r of readJsonArray(request.body)) {
 *   out += r.kind === "url" ? r.render(await signer.signUrl(r.url, { expires })) : r.kind === "bad" ? r.render(undefined) : "";
 * }
 * out += JSON_ARRAY_FRAME.tail;
 * ```
 */
export async function* readJsonArray(
  chunks: AsyncIterable<Uint8Array>,
  options?: BulkReadOptions,
): AsyncGenerator<BulkRecord> {
  yield* (await import("./formats/json-array.ts")).readJsonArray(chunks, options);
}

/**
 * Reads CSV with a URL column from a byte stream.
 *
 * @param chunks - the input's bytes in chunks of any size
 * @param options - the URL column's name and the size limits
 * @returns the records in input order: the header row as a `pass` record, then one record per row
 * @throws {@link CfSignError} `INVALID_INPUT_FORMAT` for an empty input, a header without the column,
 *   a quoted field never closed, text after a closing quote, or a record over `maxRecordBytes`
 * @example
 * ```ts
 * import { readCsv } from "cfsign";
 * for await (const r of readCsv(file, { column: "link" })) {
 *   const out = r.kind === "pass" ? r.bytes : r.render(r.kind === "url" ? await signer.signUrl(r.url, { expires }) : undefined);
 *   await writer.write(out);
 * }
 * ```
 */
export async function* readCsv(
  chunks: AsyncIterable<Uint8Array>,
  options?: CsvReadOptions,
): AsyncGenerator<BulkRecord> {
  yield* (await import("./formats/csv.ts")).readCsv(chunks, options);
}
