/**
 * Issue #12 item 1: a URL on an Amazon S3 endpoint is not a CloudFront distribution, so a signature
 * on it grants nothing (CloudFront never sees the request). It still signs (a caller may have a
 * reason), but the signer (`onWarning`), the verifier (`warnings`) and the command line (stderr)
 * say so. Before this, all three were silent.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { createSigner, verifyUrl, type SignWarning } from "../src/index.js";
import { cfsign } from "./helpers/cli.js";
import { ecKey } from "./helpers/keys.js";

const KID = "K2JCJMDEHXQW5F";
const EXPIRES = Math.floor(Date.now() / 1000) + 3600;
const CF = "https://d111111abcdef8.cloudfront.net/a.jpg";
const S3 = "https://photos.s3.amazonaws.com/a.jpg";
const S3_REGION = "https://photos.s3.eu-west-1.amazonaws.com/b.jpg";
const S3_WEBSITE = "http://photos.s3-website-us-east-1.amazonaws.com/c.jpg";
const publicKeys = (): Record<string, string> => ({
  [KID]: ecKey().publicKey.export({ type: "spki", format: "pem" }) as string,
});

const dir = mkdtempSync(join(tmpdir(), "cfsign-s3-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the signer warns through onWarning and still signs", () => {
  test("signUrls: each item on an S3 or S3-website host is named by its index; a CloudFront host is not", async () => {
    const warnings: SignWarning[] = [];
    const signer = await createSigner({
      keyPairId: KID,
      privateKey: ecKey().privatePem,
      onWarning: (w) => warnings.push(w),
    });
    const results = await signer.signUrls([CF, S3, S3_REGION, S3_WEBSITE], { expires: EXPIRES });
    expect(results.every((r) => r.ok)).toBe(true);
    expect(warnings.map((w) => [w.code, w.index])).toEqual([
      ["S3_HOST", 1],
      ["S3_HOST", 2],
      ["S3_HOST", 3],
    ]);
    expect(warnings[0]!.message).toMatch(/not a CloudFront distribution/);
    expect(warnings[0]!.message).not.toContain("photos"); // never the URL
  });

  test("signPolicy and signCookies warn about a resource on an S3 host", async () => {
    const warnings: SignWarning[] = [];
    const signer = await createSigner({
      keyPairId: KID,
      privateKey: ecKey().privatePem,
      onWarning: (w) => warnings.push(w),
    });
    await signer.signPolicy({ resource: "https://photos.s3.amazonaws.com/gallery/*", expires: EXPIRES });
    await signer
      .signCookies({
        resource: "https://photos.s3.amazonaws.com/gallery/*",
        expires: EXPIRES,
        domain: "photos.s3.amazonaws.com",
      })
      .catch(() => undefined);
    await signer.signPolicy({ resource: "https://d111111abcdef8.cloudfront.net/gallery/*", expires: EXPIRES });
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    expect(warnings.every((w) => w.code === "S3_HOST" && w.index === undefined)).toBe(true);
  });

  test("onWarning must be a function", async () => {
    await expect(
      createSigner({ keyPairId: KID, privateKey: ecKey().privatePem, onWarning: "log" as never }),
    ).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
  });
});

describe("the verifier reports warnings beside its verdict", () => {
  test("a valid URL on an S3 host is OK (the signature is right) with an S3_HOST warning; a CloudFront URL has none", async () => {
    const signer = await createSigner({ keyPairId: KID, privateKey: ecKey().privatePem });
    const s3 = await verifyUrl(await signer.signUrl(S3, { expires: EXPIRES }), { publicKeys: publicKeys() });
    expect(s3.reason).toBe("OK");
    expect(s3.warnings?.map((w) => w.code)).toEqual(["S3_HOST"]);
    const cf = await verifyUrl(await signer.signUrl(CF, { expires: EXPIRES }), { publicKeys: publicKeys() });
    expect(cf.reason).toBe("OK");
    expect(cf.warnings).toBeUndefined();
  });
});

describe("the command line says it once on stderr", () => {
  test("sign --url and sign --input of three S3 URLs: one warning line, the URLs still signed (exit 0)", async () => {
    const key = join(dir, "key.pem");
    writeFileSync(key, ecKey().privatePem, { mode: 0o600 });
    const common = ["--key-pair-id", KID, "--private-key", key, "--date-less-than", String(EXPIRES)];
    const one = await cfsign(["sign", "--url", S3, ...common]);
    expect(one.status, one.stderr).toBe(0);
    expect(one.stdout.startsWith(S3 + "?")).toBe(true);
    expect(one.stderr).toMatch(/^cfsign: warning: S3_HOST: the host is an Amazon S3 endpoint/);

    const input = join(dir, "urls.txt");
    writeFileSync(input, [S3, S3_REGION, S3_WEBSITE].join("\n") + "\n");
    const bulk = await cfsign(["sign", "--input", input, "--output", join(dir, "out.txt"), "--quiet", ...common]);
    expect(bulk.status, bulk.stderr).toBe(0);
    expect(bulk.stderr.match(/warning: S3_HOST/g)).toHaveLength(1);

    const quiet = await cfsign(["sign", "--url", CF, ...common]);
    expect(quiet.stderr).toBe("");
  });

  test("cfsign verify prints the warning on stderr and keeps the verdict on stdout", async () => {
    const signer = await createSigner({ keyPairId: KID, privateKey: ecKey().privatePem });
    const signed = await signer.signUrl(S3, { expires: EXPIRES });
    const pub = join(dir, "pub.pem");
    writeFileSync(pub, publicKeys()[KID]!);
    const run = await cfsign(["verify", "--url", signed, "--public-key", pub]);
    expect(run.stdout).toMatch(/^VALID/);
    expect(run.stderr).toMatch(/cfsign: warning: S3_HOST/);
  });
});
