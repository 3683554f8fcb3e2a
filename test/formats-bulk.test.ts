/**
 * The bulk input readers of src/formats/ (lines, JSON array, CSV), in process: what each
 * record is, that chunk boundaries never matter (a property over random splits), that a
 * long item is skipped without being held, that bytes which are not UTF-8 are refused item
 * by item (never signed as U+FFFD), and that copied text stays byte for byte.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { CfSignError, readCsv, readJsonArray, readLines, type BulkRecord } from "../src/index.js";

const HOST = "https://d111111abcdef8.cloudfront.net";
const enc = new TextEncoder();

/** `bytes` as chunks cut at `cuts` (positions), as a stream delivers them. */
async function* chunked(bytes: Uint8Array, cuts: readonly number[] = []): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    if (cut <= at || cut >= bytes.length) continue;
    yield bytes.slice(at, cut);
    at = cut;
  }
  yield bytes.slice(at);
}

const bytesOf = (...parts: (string | number[])[]): Uint8Array =>
  new Uint8Array(parts.flatMap((p) => (typeof p === "string" ? [...enc.encode(p)] : p)));

/** The records as plain values, each with the output it renders (signing each URL as `S(url)`). */
async function collect(records: AsyncIterable<BulkRecord>): Promise<{ summary: unknown[]; output: string }> {
  const summary: unknown[] = [];
  const out: Uint8Array[] = [];
  for await (const r of records) {
    if (r.kind === "pass") {
      summary.push({ pass: Buffer.from(r.bytes).toString("latin1") });
      out.push(r.bytes);
    } else if (r.kind === "bad") {
      summary.push({ bad: r.error.code, line: r.line });
      expect(r.error).toBeInstanceOf(CfSignError);
      const o = r.render(undefined);
      out.push(typeof o === "string" ? enc.encode(o) : o);
    } else {
      summary.push({ url: r.url, line: r.line });
      const o = r.render(`S(${r.url})`);
      out.push(typeof o === "string" ? enc.encode(o) : o);
    }
  }
  return { summary, output: Buffer.concat(out).toString("latin1") };
}

describe("readLines", () => {
  test("URLs by line (trimmed, from 1); blank lines and comments copied; CRLF kept; a BOM dropped", async () => {
    const input = bytesOf("\uFEFF", `${HOST}/a.jpg\r\n\n  # note\n  ${HOST}/b.jpg  \n${HOST}/c.jpg`);
    const { summary, output } = await collect(readLines(chunked(input)));
    expect(summary).toEqual([
      { url: `${HOST}/a.jpg`, line: 1 },
      { pass: "\n" },
      { pass: "  # note\n" },
      { url: `${HOST}/b.jpg`, line: 4 },
      { url: `${HOST}/c.jpg`, line: 5 },
    ]);
    expect(output).toBe(`S(${HOST}/a.jpg)\r\n\n  # note\nS(${HOST}/b.jpg)\nS(${HOST}/c.jpg)`);
  });

  test("a line that is not UTF-8 is INVALID_UTF8 (with its empty place), never signed with U+FFFD; a comment that is not UTF-8 is copied byte for byte", async () => {
    const input = bytesOf(`${HOST}/`, [0xff, 0xfe], ".jpg\n# caf", [0xe9], "\n", `${HOST}/ok.jpg\n`);
    const { summary, output } = await collect(readLines(chunked(input)));
    expect(summary).toEqual([
      { bad: "INVALID_UTF8", line: 1 },
      { pass: "# caf\xe9\n" },
      { url: `${HOST}/ok.jpg`, line: 3 },
    ]);
    expect(output).toBe(`\n# caf\xe9\nS(${HOST}/ok.jpg)\n`);
  });

  test("a line over the limit is URL_TOO_LONG and skipped unheld; a long comment is copied in pieces", async () => {
    const long = "x".repeat(100);
    const input = bytesOf(`${HOST}/${long}\r\n#${long}\n${HOST}/a.jpg\n${HOST}/${long}`);
    const { summary, output } = await collect(readLines(chunked(input, [7, 40, 90, 130, 200]), { maxUrlBytes: 64 }));
    expect(summary.filter((s) => !("pass" in (s as object)))).toEqual([
      { bad: "URL_TOO_LONG", line: 1 },
      { url: `${HOST}/a.jpg`, line: 3 },
      { bad: "URL_TOO_LONG", line: 4 },
    ]);
    expect(output).toBe(`\r\n#${long}\nS(${HOST}/a.jpg)\n`);
  });

  test("any split into chunks gives the same records and output", async () => {
    const input = bytesOf(
      "\uFEFF",
      `${HOST}/a.jpg\r\n# c\n\n ${HOST}/b\u00e9.jpg \n`,
      [0xc3],
      "\n",
      `${HOST}/${"y".repeat(70)}\n${HOST}/z`,
    );
    const whole = await collect(readLines(chunked(input), { maxUrlBytes: 64 }));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: input.length - 1 }), { maxLength: 12 }), async (cuts) => {
        expect(await collect(readLines(chunked(input, cuts), { maxUrlBytes: 64 }))).toEqual(whole);
      }),
      { numRuns: 200 },
    );
  });
});

describe("readJsonArray", () => {
  test("strings decoded by JSON.parse, lines counted from 1, rendered as an array with null in failed places", async () => {
    const input = bytesOf(`\uFEFF[\n  "${HOST}/a.jpg",\n  "${HOST}/\\u00e9.jpg", "`, [0xff], `"\n]\n`);
    const { summary, output } = await collect(readJsonArray(chunked(input)));
    expect(summary).toEqual([
      { url: `${HOST}/a.jpg`, line: 2 },
      { url: `${HOST}/\u00e9.jpg`, line: 3 },
      { bad: "INVALID_UTF8", line: 3 },
    ]);
    expect(JSON.parse("[" + Buffer.from(output, "latin1").toString("utf8") + "]")).toEqual([
      `S(${HOST}/a.jpg)`,
      `S(${HOST}/\u00e9.jpg)`,
      null,
    ]);
  });

  test("a string over the limit is URL_TOO_LONG, escapes across chunk boundaries included", async () => {
    const input = bytesOf(`["${'a\\"'.repeat(40)}", "${HOST}/b.jpg"]`);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: input.length - 1 }), { maxLength: 8 }), async (cuts) => {
        const { summary } = await collect(readJsonArray(chunked(input, cuts), { maxUrlBytes: 64 }));
        expect(summary).toEqual([
          { bad: "URL_TOO_LONG", line: 1 },
          { url: `${HOST}/b.jpg`, line: 1 },
        ]);
      }),
      { numRuns: 100 },
    );
  });

  test.each([
    ["", "the input is empty"],
    [`{"url": 1}`, "it does not start with ["],
    [`["a" "b"]`, "expected , or ] after an item"],
    [`["a",]`, "a comma before ]"],
    [`[1]`, "an item that is not a string"],
    [`["a"`, "the input ends before the closing ]"],
    [`["a`, "a string that is never closed"],
    [`["a\\x"]`, "a string with an invalid escape"],
    [`["a"] x`, "there is more after the closing ]"],
  ])("%j fails the input with INVALID_INPUT_FORMAT: %s", async (text, what) => {
    await expect(collect(readJsonArray(chunked(bytesOf(text))))).rejects.toMatchObject({
      code: "INVALID_INPUT_FORMAT",
      message: expect.stringContaining(what),
    });
  });
});

describe("readCsv", () => {
  test("the header is copied; the URL field replaced (quoted when needed); other fields byte for byte, quoted line breaks included", async () => {
    const input = bytesOf(
      `id,URL,caption\r\n1,${HOST}/a.jpg,"Hello, ""world"""\r\n2,"${HOST}/b.jpg","two\nlines"\r\n\r\n3,,x\r\n4,${HOST}/`,
      [0xff],
      `,caf`,
      [0xe9],
      "\r\n",
    );
    const { summary, output } = await collect(readCsv(chunked(input)));
    expect(summary).toEqual([
      { pass: "id,URL,caption\r\n" },
      { url: `${HOST}/a.jpg`, line: 2 },
      { url: `${HOST}/b.jpg`, line: 3 },
      { pass: "\r\n" },
      { bad: "INVALID_URL", line: 6 },
      { bad: "INVALID_UTF8", line: 7 },
    ]);
    expect(output).toBe(
      `id,URL,caption\r\n1,S(${HOST}/a.jpg),"Hello, ""world"""\r\n2,S(${HOST}/b.jpg),"two\nlines"\r\n\r\n3,,x\r\n4,,caf\xe9\r\n`,
    );
  });

  test("--column names another column; any split into chunks gives the same records", async () => {
    const input = bytesOf(`name,link\n"a,b",${HOST}/a.jpg\nc,"${HOST}/${"q".repeat(80)}"\nd,${HOST}/d.jpg`);
    const whole = await collect(readCsv(chunked(input), { column: "LINK", maxUrlBytes: 64 }));
    expect(whole.summary).toEqual([
      { pass: "name,link\n" },
      { url: `${HOST}/a.jpg`, line: 2 },
      { bad: "URL_TOO_LONG", line: 3 },
      { url: `${HOST}/d.jpg`, line: 4 },
    ]);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: input.length - 1 }), { maxLength: 10 }), async (cuts) => {
        expect(await collect(readCsv(chunked(input, cuts), { column: "LINK", maxUrlBytes: 64 }))).toEqual(whole);
      }),
      { numRuns: 200 },
    );
  });

  test.each([
    ["", "the CSV input is empty"],
    ["id,link\n1,x\n", "has no 'url' column"],
    [`url\n"${HOST}/a.jpg`, "a quoted field that is never closed (from line 2)"],
    [`url\n"${HOST}/a.jpg"x\n`, "text after a closing quote on line 2"],
    [`url,caption\n${HOST}/a.jpg,${"c".repeat(200)}\n`, "the CSV record on line 2 is longer than 100 bytes"],
  ])("%j fails the input with INVALID_INPUT_FORMAT: %s", async (text, what) => {
    await expect(collect(readCsv(chunked(bytesOf(text)), { maxRecordBytes: 100 }))).rejects.toMatchObject({
      code: "INVALID_INPUT_FORMAT",
      message: expect.stringContaining(what),
    });
  });
});
