/**
 * Wording a new user tripped over (issue #12, item 21): positions counted from 1 as a person
 * counts, help that describes the command it belongs to, no rate for a single URL.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CfSignError, createSigner } from "../src/index.js";
import { cfsign } from "./helpers/cli.js";
import { ecKey } from "./helpers/keys.js";

const expires = Math.floor(Date.now() / 1000) + 3600;
const dir = mkdtempSync(join(tmpdir(), "cfsign-messages-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("messages count positions from 1", () => {
  it("the first character that must be encoded is named by its 1-based place in the URL", async () => {
    const signer = await createSigner({ keyPairId: "K2JCJMDEHXQW5F", privateKey: ecKey().privatePem });
    const url = "https://d111111abcdef8.cloudfront.net/a b.jpg"; // the space is the 40th character
    expect(url.indexOf(" ")).toBe(39);
    const error = await signer.signUrl(url, { expires }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CfSignError);
    expect((error as CfSignError).message).toContain("at character 40");
  });
});

describe("command-line wording", () => {
  it("sign-cookies --help says what exit status 0 means for cookies, not for a signed URL", async () => {
    const run = await cfsign(["sign-cookies", "--help"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/0 {2}the cookies were printed on stdout/);
    expect(run.stdout).not.toContain("the signed URL was printed");
  });

  it("signing one URL from a file reports no URLs/s rate (one URL says nothing about a rate)", async () => {
    const key = join(dir, "key.pem");
    writeFileSync(key, ecKey().privatePem, { mode: 0o600 });
    const input = join(dir, "one.txt");
    writeFileSync(input, "https://d111111abcdef8.cloudfront.net/a.jpg\n");
    const run = await cfsign([
      "sign",
      "--input",
      input,
      "--output",
      join(dir, "out.txt"),
      "--key-pair-id",
      "K2JCJMDEHXQW5F",
      "--private-key",
      key,
      "--date-less-than",
      String(expires),
    ]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^signed 1 URL in /);
    expect(run.stderr).not.toContain("URLs/s");
  });
});
