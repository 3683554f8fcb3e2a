/**
 * src/deferred.ts: the public functions whose code loads on first call. Each wrapper must
 * be its implementation to a user: the same doc comment (the one IDEs and the API reference
 * show), and the same results and errors through the package's API.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import * as api from "../src/index.js";
import * as csv from "../src/formats/csv.js";
import * as jsonArray from "../src/formats/json-array.js";
import * as lines from "../src/formats/lines.js";
import * as verify from "../src/verify/verify.js";
import { rsaKey } from "./helpers/keys.js";

const SRC = join(import.meta.dirname, "../src");

/** The doc comment right above `export async function[*] name` in a source file. */
function docOf(file: string, name: string): string {
  const source = readFileSync(join(SRC, file), "utf8");
  const at = source.search(new RegExp(`^export async function\\*? ?${name}\\(`, "m"));
  expect(at, `${name} in ${file}`).toBeGreaterThan(0);
  const start = source.lastIndexOf("/**", at);
  const doc = source.slice(start, at).trimEnd();
  expect(doc.endsWith("*/"), `${name} in ${file} has a doc comment right above it`).toBe(true);
  return doc;
}

const WRAPPED = [
  ["verifyUrl", "verify/verify.ts"],
  ["verifyCookies", "verify/verify.ts"],
  ["readLines", "formats/lines.ts"],
  ["readJsonArray", "formats/json-array.ts"],
  ["readCsv", "formats/csv.ts"],
] as const;

describe("src/deferred.ts", () => {
  test.each(WRAPPED)("%s has its implementation's doc comment, word for word", (name, file) => {
    expect(docOf("deferred.ts", name)).toBe(docOf(file, name));
  });

  test("wraps exactly what the API exports from it", () => {
    const source = readFileSync(join(SRC, "deferred.ts"), "utf8");
    const exported = [...source.matchAll(/^export async function\*? ?(\w+)\(/gm)].map((m) => m[1]);
    expect(exported.sort()).toEqual(WRAPPED.map(([name]) => name).sort());
    for (const name of exported) expect(typeof (api as Record<string, unknown>)[name!], name).toBe("function");
  });

  test("the readers yield what their implementations yield, failures included", async () => {
    const bytes = (text: string) =>
      (async function* () {
        yield new TextEncoder().encode(text);
      })();
    const collect = async (records: AsyncIterable<unknown>) => {
      const out: unknown[] = [];
      for await (const r of records) {
        const { render, ...rest } = r as { render?: (s: string | undefined) => unknown };
        out.push({ ...rest, rendered: render?.("https://signed.example/x") });
      }
      return out;
    };
    const input = "https://a.example/1\n# comment\n\nhttps://a.example/2\n";
    expect(await collect(api.readLines(bytes(input)))).toEqual(await collect(lines.readLines(bytes(input))));
    const json = '["https://a.example/1", "https://a.example/2"]';
    expect(await collect(api.readJsonArray(bytes(json)))).toEqual(await collect(jsonArray.readJsonArray(bytes(json))));
    const table = 'name,url\n"a, b",https://a.example/1\n';
    expect(await collect(api.readCsv(bytes(table)))).toEqual(await collect(csv.readCsv(bytes(table))));
    // An error of the implementation is the wrapper's error, at the same point (the first record read).
    await expect(collect(api.readJsonArray(bytes("{}")))).rejects.toMatchObject({ code: "INVALID_INPUT_FORMAT" });
    await expect(collect(api.readCsv(bytes("")))).rejects.toMatchObject({ code: "INVALID_INPUT_FORMAT" });
  });

  test("the verifier gives its implementation's verdicts and errors", async () => {
    const key = rsaKey();
    const signer = await api.createSigner({ keyPairId: "K2JCJMDEHXQW5F", privateKey: key.privatePem });
    const url = await signer.signUrl("https://d111111abcdef8.cloudfront.net/a.jpg", {
      expires: Math.floor(Date.now() / 1000) + 3600,
    });
    const publicKeys = { K2JCJMDEHXQW5F: key.publicKey.export({ type: "spki", format: "pem" }) as string };
    for (const u of [url, url.replace("a.jpg", "b.jpg")]) {
      expect(await api.verifyUrl(u, { publicKeys })).toEqual(await verify.verifyUrl(u, { publicKeys }));
      expect(await api.verifyCookies(u, "", { publicKeys })).toEqual(await verify.verifyCookies(u, "", { publicKeys }));
    }
    await expect(api.verifyUrl(url, { publicKeys: {} as never, now: "soon" as never })).rejects.toMatchObject({
      code: "INVALID_DATE",
    });
  });
});
