/**
 * The command line for bulk jobs, run for real (`node bin/cfsign.js`, needs
 * `dist/`): `sign --input` in every format, failures by line, --strict, atomic
 * output, bounded memory on 100,000 lines, the progress bar (in a terminal under
 * tmux, and never in a pipe), `keygen`, `inspect`, and every subcommand's help.
 * Signatures are checked with node:crypto alone (test/helpers/verify.ts).
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { createPublicKey, createPrivateKey, generateKeyPairSync } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { inspectSignedUrl } from "../src/verify/inspect.js";
import { relativeTime } from "../src/verify/inspect-policy.js";
import { cfsign, requireBuild, ROOT, BIN } from "./helpers/cli.js";
import { ecKey, rsaKey } from "./helpers/keys.js";
import { parseSignedUrl, verifySignedUrl } from "./helpers/verify.js";

const HOST = "https://d111111abcdef8.cloudfront.net";
const KEY_PAIR_ID = "K2JCJMDEHXQW5F";
const NOW = Math.floor(Date.now() / 1000);
const EXPIRES = NOW + 86400;
const PKG = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };

const dir = mkdtempSync(join(tmpdir(), "cfsign-bulk-"));
const ecFile = join(dir, "ec.pem");
const rsaFile = join(dir, "rsa.pem");

beforeAll(() => {
  requireBuild();
  writeFileSync(ecFile, ecKey().privatePem, { mode: 0o600 });
  writeFileSync(rsaFile, rsaKey().privatePem, { mode: 0o600 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const keyArgs = (file = ecFile): string[] => [
  "--key-pair-id",
  KEY_PAIR_ID,
  "--private-key",
  file,
  "--date-less-than",
  String(EXPIRES),
];
const tempFilesIn = (d: string): string[] => readdirSync(d).filter((f) => f.endsWith(".tmp"));

describe("cfsign sign --input: lines", () => {
  const input = [
    `${HOST}/albums/a/IMG_0001.jpg`,
    "",
    "# a comment, copied",
    `${HOST}/albums/a/IMG 0002.jpg`,
    `  ${HOST}/albums/a/IMG_0003.jpg?w=640  `,
    `${HOST}/albums/a/caf\u00e9.jpg`,
    `${HOST}/albums/a/IMG_0005.jpg`,
  ].join("\r\n");

  test("one signed URL per line; failures by line number and code, never the URL; CRLF and blanks kept; exit 1", async () => {
    const run = await cfsign(["sign", "--input", "-", ...keyArgs()], { stdin: input });
    expect(run.status).toBe(1);
    const out = run.stdout.split("\r\n");
    expect(out.length).toBe(7);
    expect(run.stdout.endsWith("\r\n")).toBe(false);
    expect(out[1]).toBe("");
    expect(out[2]).toBe("# a comment, copied");
    expect(out[3]).toBe(""); // failed: left empty so line 4 of the output belongs to line 4 of the input
    expect(out[5]).toBe("");
    for (const [i, original] of [
      [0, `${HOST}/albums/a/IMG_0001.jpg`],
      [4, `${HOST}/albums/a/IMG_0003.jpg?w=640`],
      [6, `${HOST}/albums/a/IMG_0005.jpg`],
    ] as const) {
      expect(parseSignedUrl(out[i]!).base).toBe(original);
      expect(verifySignedUrl(out[i]!, ecKey().publicKey)).toBe(true);
    }
    expect(run.stderr).toContain("cfsign: line 4: URL_UNSAFE_CHARACTER: ");
    expect(run.stderr).toContain("cfsign: line 6: URL_UNSAFE_CHARACTER: ");
    expect(run.stderr).toContain("cfsign: BATCH_FAILED: 2 of 5 URLs were not signed");
    expect(run.stderr).toContain("--encode");
    expect(run.stderr).not.toContain("IMG 0002");
    expect(run.stderr).not.toContain("albums");
  });

  test("--encode signs the encoded URLs; exit 0 and a summary on stderr", async () => {
    const run = await cfsign(["sign", "--input", "-", "--encode", ...keyArgs()], { stdin: input });
    expect(run.status, run.stderr).toBe(0);
    expect(parseSignedUrl(run.stdout.split("\r\n")[3]!).base).toBe(`${HOST}/albums/a/IMG%200002.jpg`);
    // Fewer than 100 URLs: no URLs/s rate (it would say nothing).
    expect(run.stderr).toMatch(/^signed 5 URLs in \d+\.\d s\n$/);
  });

  test("--quiet: nothing on stderr when all is well", async () => {
    const run = await cfsign(["sign", "--input", "-", "--quiet", ...keyArgs()], { stdin: `${HOST}/a.jpg\n` });
    expect(run).toMatchObject({ status: 0, stderr: "" });
  });
});

describe("cfsign sign --input: JSON and CSV", () => {
  test("a JSON array in, a JSON array out (null for a failure), written to --output atomically", async () => {
    const file = join(dir, "urls.json");
    const urls = [`${HOST}/a.jpg`, `${HOST}/b.jpg#top`, `${HOST}/q.jpg?a=1&b=%2F`, `${HOST}/\u00e9.jpg`];
    writeFileSync(file, JSON.stringify(urls, null, 1).replace('"https', '\n\n"https'));
    const out = join(dir, "urls.signed.json");
    const run = await cfsign(["sign", "--input", file, "--output", out, ...keyArgs(rsaFile)]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    const signed = JSON.parse(readFileSync(out, "utf8")) as (string | null)[];
    expect(signed.length).toBe(4);
    expect(signed[1]).toBeNull();
    expect(signed[3]).toBeNull();
    expect(verifySignedUrl(signed[0]!, rsaKey().publicKey)).toBe(true);
    expect(parseSignedUrl(signed[2]!).base).toBe(urls[2]);
    expect(verifySignedUrl(signed[2]!, rsaKey().publicKey)).toBe(true);
    expect(run.stderr).toContain("cfsign: line 5: URL_HAS_FRAGMENT");
    expect(run.stderr).toContain("cfsign: line 7: URL_UNSAFE_CHARACTER");
    expect(tempFilesIn(dir)).toEqual([]);
  });

  test("malformed JSON fails the job with INPUT (exit 2) and leaves an existing --output untouched", async () => {
    const out = join(dir, "keep.json");
    writeFileSync(out, "previous contents\n");
    const run = await cfsign(["sign", "--input", "-", "--format", "json", "--output", out, ...keyArgs()], {
      stdin: `["${HOST}/a.jpg", 42]`,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /^cfsign: INPUT: the JSON input is not an array of URL strings: an item that is not a string on line 1\n/,
    );
    expect(readFileSync(out, "utf8")).toBe("previous contents\n");
    expect(tempFilesIn(dir)).toEqual([]);
  });

  test("CSV: the url column (any case) is signed and quoted as needed; every other field is copied byte for byte", async () => {
    const csv =
      "id,URL,caption\r\n" +
      `1,${HOST}/a.jpg,"Hello, ""world"""\r\n` +
      `2,"${HOST}/x,y.jpg",plain\r\n` +
      "\r\n" +
      `3,,"no url"\r\n` +
      `4,${HOST}/z.jpg,"two\nlines"`;
    const run = await cfsign(["sign", "--input", "-", "--format", "csv", ...keyArgs()], { stdin: csv });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("cfsign: line 5: INVALID_URL: the row has no value in the URL column");
    const rows = run.stdout.split("\r\n");
    expect(rows[0]).toBe("id,URL,caption");
    expect(rows[1]).toMatch(/^1,https:\/\/[^,"]+,"Hello, ""world"""$/);
    expect(verifySignedUrl(rows[1]!.split(",")[1]!, ecKey().publicKey)).toBe(true);
    const quoted = rows[2]!.match(/^2,"([^"]+)",plain$/)![1]!;
    expect(parseSignedUrl(quoted).base).toBe(`${HOST}/x,y.jpg`);
    expect(verifySignedUrl(quoted, ecKey().publicKey)).toBe(true);
    expect(rows[3]).toBe("");
    expect(rows[4]).toBe('3,,"no url"');
    expect(rows[5]).toMatch(/^4,https:\/\/\S+,"two\nlines"$/);
    expect(run.stdout.endsWith('lines"')).toBe(true);
  });

  test("CSV --column names another column; a header without it is an INPUT error", async () => {
    const csv = `name,link\nx,${HOST}/a.jpg\n`;
    const ok = await cfsign(["sign", "--input", "-", "--format", "csv", "--column", "link", ...keyArgs()], {
      stdin: csv,
    });
    expect(ok.status, ok.stderr).toBe(0);
    expect(verifySignedUrl(ok.stdout.split("\n")[1]!.split(",")[1]!, ecKey().publicKey)).toBe(true);
    const bad = await cfsign(["sign", "--input", "-", "--format", "csv", ...keyArgs()], { stdin: csv });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^cfsign: INPUT: the CSV header \(line 1\) has no 'url' column\n/);
  });
});

describe("cfsign sign --input: --strict, --json, exit statuses", () => {
  const mixed = `${HOST}/a.jpg\n${HOST}/b c.jpg\n`;

  test("--strict to a file: nothing written, an existing file kept, exit 1", async () => {
    const out = join(dir, "strict.txt");
    writeFileSync(out, "old\n");
    const run = await cfsign(["sign", "--input", "-", "--output", out, "--strict", ...keyArgs()], { stdin: mixed });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("--strict: nothing was written");
    expect(readFileSync(out, "utf8")).toBe("old\n");
    expect(tempFilesIn(dir)).toEqual([]);
  });

  test("--strict to stdout: stdout stays empty on failure, and gets everything on success", async () => {
    const failed = await cfsign(["sign", "--input", "-", "--strict", ...keyArgs()], { stdin: mixed });
    expect(failed.status).toBe(1);
    expect(failed.stdout).toBe("");
    const ok = await cfsign(["sign", "--input", "-", "--strict", ...keyArgs()], {
      stdin: `${HOST}/a.jpg\n${HOST}/b.jpg\n`,
    });
    expect(ok.status).toBe(0);
    expect(ok.stdout.split("\n").filter((l) => verifySignedUrl(l === "" ? "x" : l, ecKey().publicKey)).length).toBe(2);
  });

  test("--json: a summary object on stdout, failures inside it, nothing on stderr", async () => {
    const out = join(dir, "json-summary.txt");
    const run = await cfsign(["sign", "--input", "-", "--output", out, "--json", ...keyArgs()], { stdin: mixed });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe("");
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({
      ok: false,
      format: "lines",
      urls: 2,
      signed: 1,
      failed: 1,
      written: true,
      failures: { byCode: { URL_UNSAFE_CHARACTER: 1 }, itemsTruncated: false },
    });
    expect(summary.failures.items[0]).toMatchObject({ where: "line 2", line: 2, code: "URL_UNSAFE_CHARACTER" });
    expect(JSON.stringify(summary)).not.toContain("b c.jpg");
  });

  test.each([
    ["--url and --input together", ["--url", `${HOST}/a.jpg`, "--input", "-"], "USAGE"],
    ["--json without --output", ["--input", "-", "--json"], "USAGE"],
    ["--output without --input", ["--url", `${HOST}/a.jpg`, "--output", "x.txt"], "USAGE"],
    ["an unknown --format", ["--input", "-", "--format", "xml"], "USAGE"],
    ["--column without CSV", ["--input", "-", "--column", "u"], "USAGE"],
    ["an --input that does not exist", ["--input", join(dir, "nope.txt")], "INPUT"],
    ["an --output in a missing directory", ["--input", "-", "--output", join(dir, "no", "out.txt")], "OUTPUT"],
  ])("%s: exit 2", async (_label, extra, code) => {
    const run = await cfsign(["sign", ...extra, ...keyArgs()], { stdin: `${HOST}/a.jpg\n` });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.startsWith(`cfsign: ${code}: `)).toBe(true);
    expect(run.stderr).not.toContain(dir); // no path but the key file's is ever echoed
  });

  test("a key error is exit 2 before any input is read", async () => {
    const run = await cfsign([
      "sign",
      "--input",
      "-",
      "--key-pair-id",
      KEY_PAIR_ID,
      "--private-key",
      join(dir, "missing.pem"),
      "--date-less-than",
      String(EXPIRES),
    ]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^cfsign: KEY_FILE: /);
  });

  test("a policy error fails the job once (not once per line)", async () => {
    const run = await cfsign(
      ["sign", "--input", "-", "--key-pair-id", KEY_PAIR_ID, "--private-key", ecFile, "--date-less-than", "2020-01-01"],
      {
        stdin: `${HOST}/a.jpg\n`.repeat(50),
      },
    );
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.split("\n").filter((l) => l.startsWith("cfsign:"))).toEqual([
      expect.stringMatching(/^cfsign: EXPIRES_IN_PAST: /),
    ]);
    expect(run.stderr).toContain("expires is --date-less-than");
  });
});

describe("100,000 URLs", () => {
  const big = join(dir, "gallery-100k.txt");
  const bigOut = join(dir, "gallery-100k.signed.txt");
  const count = 100_000;

  beforeAll(() => {
    let text = "";
    for (let i = 0; i < count; i++) text += `${HOST}/albums/a${i % 97}/IMG_${String(i).padStart(6, "0")}.jpg?w=640\n`;
    writeFileSync(big, text);
  });

  test("signs in chunks with bounded memory: a 48 MB heap is enough, peak RSS stays under 200 MB", async () => {
    const run = await cfsign(["sign", "--input", big, "--output", bigOut, ...keyArgs()], {
      measure: true,
      nodeFlags: ["--max-old-space-size=48"],
    });
    expect(run.status, run.stderr).toBe(0);
    const lines = readFileSync(bigOut, "utf8").split("\n");
    expect(lines.length).toBe(count + 1);
    for (let i = 0; i < count; i += 4999) expect(verifySignedUrl(lines[i]!, ecKey().publicKey)).toBe(true);
    expect(parseSignedUrl(lines[count - 1]!).base).toBe(
      `${HOST}/albums/a${(count - 1) % 97}/IMG_0${count - 1}.jpg?w=640`,
    );
    // Holding the output alone (~20 MB of text, ~40 MB as JS strings) would not fit the capped heap twice over.
    expect(statSync(bigOut).size).toBeGreaterThan(20_000_000);
    expect(run.maxRss).toBeGreaterThan(0);
    expect(run.maxRss!).toBeLessThan(200 * 1024 * 1024);
    // In a pipe (stderr is not a terminal) there is no progress bar: only the summary line.
    expect(run.stderr).toMatch(/^signed 100,000 URLs in \d+\.\d s \([\d,]+ URLs\/s\)\n$/);
    expect(run.stderr).not.toContain("\r");
  });

  test("Ctrl-C (SIGINT) half-way leaves neither a temporary file nor a partial --output", async () => {
    const out = join(dir, "interrupted.txt");
    const child = spawn(process.execPath, [BIN, "sign", "--input", big, "--output", out, "--quiet", ...keyArgs()], {
      stdio: "ignore",
    });
    // Wait until the job is writing (its temporary file exists); signing 100,000 URLs then takes seconds.
    for (let i = 0; i < 200 && tempFilesIn(dir).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    const sawTemp = tempFilesIn(dir).length;
    child.kill("SIGINT");
    const status = await new Promise<number | null>((r) => child.on("close", (code) => r(code)));
    expect(sawTemp).toBe(1);
    expect(status).toBe(130);
    expect(existsSync(out)).toBe(false);
    expect(tempFilesIn(dir)).toEqual([]);
  });

  const tmux = spawnSync("tmux", ["-V"]).status === 0;
  test.skipIf(!tmux)(
    "in a terminal (tmux), a progress bar with rate and ETA appears on stderr, then is cleared",
    async () => {
      const session = `cfsign-test-${process.pid}`;
      const done = join(dir, "tmux-done");
      const command = `${process.execPath} ${BIN} sign --input ${big} --output ${join(dir, "tmux.txt")} ${keyArgs().join(" ")}; echo EXIT=$? > ${done}; sleep 60`;
      execFileSync("tmux", ["new-session", "-d", "-s", session, "-x", "120", "-y", "30", command]);
      try {
        let bar: string | undefined;
        for (let i = 0; i < 300 && !existsSync(done); i++) {
          const screen = execFileSync("tmux", ["capture-pane", "-p", "-t", session], { encoding: "utf8" });
          bar ??= screen.split("\n").find((l) => /^\[#+\.*\]\s+\d+%\s+[\d,]+ URLs\s+[\d,]+\/s\s+ETA \d+/.test(l));
          await new Promise((r) => setTimeout(r, 100));
        }
        expect(bar, "a progress bar was drawn").toBeDefined();
        for (let i = 0; i < 100 && !existsSync(done); i++) await new Promise((r) => setTimeout(r, 100));
        expect(readFileSync(done, "utf8").trim()).toBe("EXIT=0");
        const screen = execFileSync("tmux", ["capture-pane", "-p", "-t", session], { encoding: "utf8" });
        expect(screen).toMatch(/^signed 100,000 URLs in /m);
        expect(screen).not.toContain("ETA");
      } finally {
        spawnSync("tmux", ["kill-session", "-t", session]);
      }
    },
  );
});

describe("cfsign keygen", () => {
  test.each([
    ["ecdsa", "ec", 256],
    ["rsa", "rsa", 2048],
  ] as const)(
    "--type %s: PKCS#8 private key (0600) and SPKI public key that sign and verify",
    async (type, nodeType, bits) => {
      const out = join(dir, `keys-${type}`);
      const run = await cfsign(["keygen", "--type", type, "--out", out]);
      expect(run.status, run.stderr).toBe(0);
      expect(run.stderr).toBe("");
      const privatePath = join(out, "private_key.pem");
      const publicPath = join(out, "public_key.pem");
      expect(statSync(privatePath).mode & 0o777).toBe(0o600);
      const privatePem = readFileSync(privatePath, "utf8");
      expect(privatePem.startsWith("-----BEGIN PRIVATE KEY-----\n")).toBe(true);
      expect(readFileSync(publicPath, "utf8").startsWith("-----BEGIN PUBLIC KEY-----\n")).toBe(true);
      const key = createPrivateKey(privatePem);
      expect(key.asymmetricKeyType).toBe(nodeType);
      if (nodeType === "rsa") expect(key.asymmetricKeyDetails?.modulusLength).toBe(bits);
      else expect(key.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
      for (const step of ["Upload the public key", "key group", "Trusted key groups", "cfsign sign", privatePath]) {
        expect(run.stdout).toContain(step);
      }
      expect(run.stdout).not.toContain(privatePem.split("\n")[1]!);
      const signed = await cfsign(["sign", "--url", `${HOST}/a.jpg`, ...keyArgs(privatePath)]);
      expect(signed.status).toBe(0);
      expect(verifySignedUrl(signed.stdout.trim(), createPublicKey(readFileSync(publicPath, "utf8")))).toBe(true);
    },
  );

  test("never overwrites a key without --force; --force replaces the pair", async () => {
    const out = join(dir, "keys-force");
    expect((await cfsign(["keygen", "--type", "ecdsa", "--out", out])).status).toBe(0);
    const before = readFileSync(join(out, "private_key.pem"), "utf8");
    const again = await cfsign(["keygen", "--type", "ecdsa", "--out", out]);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/^cfsign: OUTPUT: .*already exists; keygen never overwrites a key \(pass --force/);
    expect(readFileSync(join(out, "private_key.pem"), "utf8")).toBe(before);
    const forced = await cfsign(["keygen", "--type", "rsa", "--out", out, "--force", "--json"]);
    expect(forced.status).toBe(0);
    expect(JSON.parse(forced.stdout)).toEqual({
      type: "RSA-2048",
      privateKey: join(out, "private_key.pem"),
      publicKey: join(out, "public_key.pem"),
    });
    expect(readFileSync(join(out, "private_key.pem"), "utf8")).not.toBe(before);
    expect(statSync(join(out, "private_key.pem")).mode & 0o777).toBe(0o600);
    expect(readdirSync(out).sort()).toEqual(["private_key.pem", "public_key.pem"]);
  });

  test("a public key left alone is not silently paired with a new private key", async () => {
    const out = join(dir, "keys-half");
    expect((await cfsign(["keygen", "--type", "ecdsa", "--out", out])).status).toBe(0);
    rmSync(join(out, "private_key.pem"));
    const run = await cfsign(["keygen", "--type", "ecdsa", "--out", out]);
    expect(run.status).toBe(2);
    expect(existsSync(join(out, "private_key.pem"))).toBe(false);
  });

  test("usage errors: unknown type, missing options", async () => {
    expect((await cfsign(["keygen", "--type", "dsa", "--out", dir])).stderr).toMatch(
      /^cfsign: USAGE: --type must be rsa/,
    );
    expect((await cfsign(["keygen"])).stderr).toMatch(/^cfsign: USAGE: missing required options: --type, --out/);
  });
});

describe("cfsign inspect", () => {
  const canned = async (url: string, file = ecFile): Promise<string> =>
    (await cfsign(["sign", "--url", url, ...keyArgs(file)])).stdout.trim();

  test("a canned URL: kind, key id, hash, resource, expiry in UTC and relative, the rebuilt policy; exit 0", async () => {
    const url = (
      await cfsign([
        "sign",
        "--url",
        `${HOST}/a.jpg?w=1`,
        "--key-pair-id",
        KEY_PAIR_ID,
        "--private-key",
        ecFile,
        "--date-less-than",
        String(Math.floor(Date.now() / 1000) + 3599),
      ])
    ).stdout.trim();
    const run = await cfsign(["inspect", url]);
    expect(run.status, run.stdout).toBe(0);
    expect(run.stdout).toContain("CloudFront signed URL, canned policy");
    expect(run.stdout).toMatch(/Key-Pair-Id\s+K2JCJMDEHXQW5F/);
    expect(run.stdout).toMatch(/Hash\s+SHA256/);
    expect(run.stdout).toMatch(/Resource\s+https:\/\/d111111abcdef8\.cloudfront\.net\/a\.jpg\?w=1/);
    expect(run.stdout).toMatch(/Expires\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(in 59 minutes\)/);
    expect(run.stdout).toMatch(/Signature\s+7\d bytes, ECDSA P-256 \(DER\)/);
    expect(run.stdout).toContain('"Resource": "https://d111111abcdef8.cloudfront.net/a.jpg?w=1"');
    expect(run.stdout).toContain("No problems seen.");
  });

  test("a custom URL as JSON: resource pattern, IP, start", async () => {
    const signed = await cfsign([
      "sign",
      "--url",
      `${HOST}/v/a.jpg`,
      "--policy-resource",
      `${HOST}/v/*`,
      "--ip-address",
      "192.0.2.0/24",
      "--date-greater-than",
      String(NOW + 3 * 86400),
      "--key-pair-id",
      KEY_PAIR_ID,
      "--private-key",
      rsaFile,
      "--date-less-than",
      String(NOW + 10 * 86400),
    ]);
    const run = await cfsign(["inspect", signed.stdout.trim(), "--json"]);
    expect(run.status).toBe(1); // not valid yet
    const r = JSON.parse(run.stdout);
    expect(r).toMatchObject({
      signed: true,
      kind: "custom",
      keyPairId: KEY_PAIR_ID,
      hashAlgorithm: "SHA256",
      resource: `${HOST}/v/*`,
      ipAddress: "192.0.2.0/24",
      expires: {
        epoch: NOW + 10 * 86400,
        utc: new Date((NOW + 10 * 86400) * 1000).toISOString().replace(".000Z", "Z"),
        relative: "in 9 days",
      },
      starts: { epoch: NOW + 3 * 86400, relative: "in 2 days" },
      signature: { bytes: 256, looksLike: "RSA-2048" },
    });
    expect(r.findings).toEqual([expect.objectContaining({ severity: "error", code: "NOT_YET_VALID" })]);
  });

  test("the mistakes it can see without a key", async () => {
    const url = await canned(`${HOST}/a.jpg?w=1`);
    const codes = (u: string, now = NOW): string[] =>
      inspectSignedUrl(u, { now }).findings.map((f) => `${f.severity} ${f.code}`);
    expect(codes(url)).toEqual([]);
    // Standard base64 in the Signature. An ECDSA signature need not contain any of - ~ _ (a 72-byte one has no
    // padding): then both alphabets spell it the same and there is nothing to find, so use one that differs.
    const signatureOf = (u: string): string => /[?&]Signature=([^&]*)/.exec(u)![1]!;
    let differs = url;
    for (let i = 1; !/[-~_]/.test(signatureOf(differs)); i++) differs = await canned(`${HOST}/a.jpg?w=${i}`);
    const standard = signatureOf(differs).replace(/~/g, "/").replace(/-/g, "+").replace(/_/g, "=");
    expect(codes(differs.replace(signatureOf(differs), standard))).toContain("error STANDARD_BASE64");
    expect(codes(`${url}&Signature=abcd`)).toContain("error DUPLICATE_SIGNING_PARAMETER");
    expect(codes(url.replace(/Expires=(\d+)/, (_m, s: string) => `Expires=${s}000`))).toContain(
      "error MILLISECOND_EPOCH",
    );
    expect(codes("https://bucket.s3.amazonaws.com/a.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=ab")).toEqual([
      "warning S3_HOST",
      "error S3_PRESIGNED_URL",
    ]);
    expect(codes(`${url}&utm_source=mail`)).toEqual(["warning PARAMETER_ADDED_AFTER_SIGNING"]);
    expect(codes(`${url}#t=10`)).toEqual(["warning FRAGMENT"]);
    expect(codes(`${HOST}/a.jpg#?Expires=1&Signature=x&Key-Pair-Id=K`)).toEqual([
      "error SIGNING_PARAMETERS_IN_FRAGMENT",
    ]);
    expect(codes(url, EXPIRES + 3 * 86400)).toEqual(["error EXPIRED"]);
    expect(inspectSignedUrl(url, { now: EXPIRES + 3 * 86400 }).findings[0]!.message).toMatch(/^expired 3 days ago/);
    expect(codes(url.replace("Key-Pair-Id", "key-pair-id"))).toEqual([
      "warning SIGNING_PARAMETER_CASE",
      "error MISSING_KEY_PAIR_ID",
      "warning PARAMETER_ADDED_AFTER_SIGNING",
    ]);
    expect(codes(`${HOST}/a.jpg`)).toEqual(["error NOT_SIGNED"]);
    // An escape that is not UTF-8 inside a standard-base64 value: reported, never thrown (it was a URIError).
    expect(codes(`${HOST}/a.jpg?Policy=Expires=%ABCD&Signature=AAAA&Key-Pair-Id=K2JCJMDEHXQW5F`)).toContain(
      "error STANDARD_BASE64",
    );
  });

  test("relative times", () => {
    expect(relativeTime(3599)).toBe("in 59 minutes");
    expect(relativeTime(-3 * 86400 - 5)).toBe("3 days ago");
    expect(relativeTime(30)).toBe("in 30 seconds");
    expect(relativeTime(-1)).toBe("1 second ago");
    expect(relativeTime(5 * 3600)).toBe("in 5 hours");
    expect(relativeTime(3 * 365.25 * 86400)).toBe("in 3 years");
  });

  test("reads the URL from stdin with -; an argument that is not a URL is a usage error and is not echoed", async () => {
    const url = await canned(`${HOST}/a.jpg`);
    const fromStdin = await cfsign(["inspect", "-", "--json"], { stdin: `\n${url}\n` });
    expect(JSON.parse(fromStdin.stdout).keyPairId).toBe(KEY_PAIR_ID);
    const bad = await cfsign(["inspect", "hunter2-not-a-url"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).not.toContain("hunter2");
    expect((await cfsign(["inspect"])).status).toBe(2);
    expect((await cfsign(["inspect", url, url])).status).toBe(2);
  });
});

describe("help and version", () => {
  test("cfsign --version", async () => {
    expect(await cfsign(["--version"])).toEqual({ status: 0, stdout: PKG.version + "\n", stderr: "" });
  });

  test.each(["sign", "playlist", "keygen", "inspect"])(
    "%s: --help, -h and help agree, with usage, options, examples and exit statuses",
    async (name) => {
      const runs = await Promise.all([cfsign([name, "--help"]), cfsign([name, "-h"]), cfsign(["help", name])]);
      for (const run of runs) expect(run).toEqual(runs[0]);
      const help = runs[0]!.stdout;
      expect(runs[0]!.status).toBe(0);
      expect(help.startsWith(`Usage: cfsign ${name} `)).toBe(true);
      for (const section of ["Examples:", "Exit status", "--help"]) expect(help).toContain(section);
      expect(Math.max(...help.split("\n").map((l) => l.length))).toBeLessThanOrEqual(110);
    },
  );

  test("cfsign --help lists the new commands", async () => {
    const run = await cfsign(["--help"]);
    for (const name of ["playlist", "keygen", "inspect"])
      expect(run.stdout).toMatch(new RegExp(`^  ${name}\\s+\\S`, "m"));
  });

  test("the sign help documents the bulk options", async () => {
    const help = (await cfsign(["sign", "--help"])).stdout;
    for (const option of [
      "--input",
      "--output",
      "--format lines|json|csv",
      "--column",
      "--strict",
      "--quiet",
      "--json",
      "BATCH_FAILED",
    ]) {
      expect(help).toContain(option);
    }
  });
});

// Keep the generateKeyPairSync import used: a P-384 key is refused for bulk jobs exactly as for one URL.
test("an unsupported key fails a bulk job with exit 2", async () => {
  const p384 = join(dir, "p384.pem");
  writeFileSync(
    p384,
    generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey.export({ type: "pkcs8", format: "pem" }) as string,
    { mode: 0o600 },
  );
  const run = await cfsign(["sign", "--input", "-", ...keyArgs(p384)], { stdin: `${HOST}/a.jpg\n` });
  expect(run.status).toBe(2);
  expect(run.stderr).toMatch(/^cfsign: UNSUPPORTED_KEY: /);
});
