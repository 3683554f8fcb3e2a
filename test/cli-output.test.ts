/**
 * The command line's input and output, run for real (`node bin/cfsign.js`, needs `dist/`),
 * for the faults of issue #12 (items 7 to 16): output onto FIFOs and devices, file modes and
 * the temporary file, memory bounded for any line length, write errors on stdout for every
 * command, --output == --input by file, bytes that are not UTF-8, key files (two keys, open
 * permissions, huge files), nothing on stdout when JSON input turns out malformed.
 */
import { spawn, spawnSync } from "node:child_process";
import {
  createWriteStream,
  linkSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { finished } from "node:stream/promises";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { BIN, cfsign, requireBuild, ROOT } from "./helpers/cli.js";
import { ecKey, rsaKey } from "./helpers/keys.js";
import { verifySignedUrl } from "./helpers/verify.js";

const HOST = "https://d111111abcdef8.cloudfront.net";
const KID = "K2JCJMDEHXQW5F";
const EXPIRES = Math.floor(Date.now() / 1000) + 86400;
const dir = mkdtempSync(join(tmpdir(), "cfsign-cli-output-"));
const keyFile = join(dir, "ec.pem");
const keyArgs = (file = keyFile): string[] => [
  "--key-pair-id",
  KID,
  "--private-key",
  file,
  "--date-less-than",
  String(EXPIRES),
];
const urls = (n: number, prefix = "p"): string =>
  Array.from({ length: n }, (_, i) => `${HOST}/${prefix}/${i}.jpg`).join("\n") + "\n";

/** Runs a shell command line (for redirections and pipes the helper cannot express). */
function sh(script: string, timeout = 60_000): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync("bash", ["-c", script], {
    cwd: ROOT,
    encoding: "utf8",
    timeout,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}
const q = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`;
const CFSIGN = `${q(process.execPath)} ${q(BIN)}`;

beforeAll(() => {
  requireBuild();
  writeFileSync(keyFile, ecKey().privatePem, { mode: 0o600 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("--output onto something that is not a regular file (#12 item 7)", () => {
  test("a FIFO is written directly and stays a FIFO (never renamed over)", async () => {
    const fifo = join(dir, "out.fifo");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const reader = spawn("cat", [fifo], { stdio: ["ignore", "pipe", "ignore"] });
    let received = "";
    reader.stdout.setEncoding("utf8").on("data", (c: string) => (received += c));
    const closed = new Promise<void>((resolve) => reader.on("close", () => resolve()));
    try {
      const run = await cfsign(["sign", "--input", "-", "--output", fifo, ...keyArgs()], { stdin: urls(3) });
      expect(run.status).toBe(0);
      expect(statSync(fifo).isFIFO()).toBe(true);
      await Promise.race([closed, new Promise((r) => setTimeout(r, 5000))]);
      const lines = received.split("\n");
      expect(lines.length).toBe(4);
      for (let i = 0; i < 3; i++) expect(verifySignedUrl(lines[i]!, ecKey().publicKey)).toBe(true);
    } finally {
      reader.kill();
    }
  });

  test("a character device (/dev/null) is written directly: exit 0, and it stays a character device", async () => {
    const run = await cfsign(["sign", "--input", "-", "--output", "/dev/null", ...keyArgs()], { stdin: urls(2) });
    expect({ status: run.status, stderr: run.stderr }).toEqual({
      status: 0,
      stderr: expect.stringMatching(/^signed 2 URLs/),
    });
    expect(statSync("/dev/null").isCharacterDevice()).toBe(true);
  });

  test("a socket is refused with OUTPUT (exit 2), and left in place", async () => {
    const socket = join(dir, "s.sock");
    const { createServer } = await import("node:net");
    const server = createServer().listen(socket);
    await new Promise((r) => server.once("listening", r));
    try {
      const run = await cfsign(["sign", "--input", "-", "--output", socket, ...keyArgs()], { stdin: urls(1) });
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(
        /^cfsign: OUTPUT: cannot write the --output file: it is not a regular file, a FIFO or a character device/,
      );
      expect(statSync(socket).isSocket()).toBe(true);
    } finally {
      server.close();
    }
  });
});

describe("file modes and the temporary file (#12 items 8 and 16)", () => {
  test("the temporary file is 0600 and says what it is; the result keeps the old file's mode (0600 stays 0600)", async () => {
    const out = join(dir, "modes.txt");
    writeFileSync(out, "old\n", { mode: 0o600 });
    const child = spawn(process.execPath, [BIN, "sign", "--input", "-", "--output", out, ...keyArgs()], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    child.stdin.write(urls(5));
    // The job is running (stdin is still open): its temporary file is beside the output.
    let temp: string[] = [];
    for (let i = 0; i < 100 && temp.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      temp = readdirSync(dir).filter((f) => f.startsWith(".modes.txt."));
    }
    expect(temp).toHaveLength(1);
    expect(temp[0]).toMatch(/^\.modes\.txt\.cfsign-unfinished-safe-to-delete-\d+-[a-z0-9]+\.tmp$/);
    expect(statSync(join(dir, temp[0]!)).mode & 0o777).toBe(0o600);
    child.stdin.end();
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/^signed 5 URLs/);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readFileSync(out, "utf8").split("\n")).toHaveLength(6);
    expect(readdirSync(dir).filter((f) => f.includes("cfsign-unfinished"))).toEqual([]);
  });

  test("an existing 0640 file stays 0640; a new file is 0666 less the umask; a symbolic link is followed and kept", () => {
    const kept = join(dir, "kept.txt");
    writeFileSync(kept, "old\n", { mode: 0o640 });
    const fresh = join(dir, "fresh.txt");
    const target = join(dir, "target.txt");
    const link = join(dir, "link.txt");
    writeFileSync(target, "old\n", { mode: 0o600 });
    symlinkSync(target, link);
    const sign = (out: string): string =>
      `printf '${HOST}/a.jpg\\n' | ${CFSIGN} sign --input - --output ${q(out)} ${keyArgs().map(q).join(" ")} --quiet`;
    const run = sh(`umask 027 && ${sign(kept)} && ${sign(fresh)} && ${sign(link)}`);
    expect(run).toMatchObject({ status: 0, stderr: "" });
    expect(statSync(kept).mode & 0o777).toBe(0o640);
    expect(statSync(fresh).mode & 0o777).toBe(0o640);
    expect(readFileSync(link, "utf8")).toMatch(/^https:.*Signature=/);
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(readFileSync(target, "utf8")).toBe(readFileSync(link, "utf8"));
    expect(spawnSync("test", ["-L", link]).status).toBe(0);
  });
});

describe("memory stays bounded for any line length (#12 item 9)", () => {
  /** Writes `head`, `n` bytes of `fill`, then `tail` to a file, in 1 MiB pieces. */
  async function bigFile(name: string, head: string, n: number, tail: string): Promise<string> {
    const path = join(dir, name);
    const out = createWriteStream(path);
    out.write(head);
    const piece = Buffer.alloc(1 << 20, "a");
    for (let left = n; left > 0; left -= piece.length) {
      if (!out.write(left >= piece.length ? piece : piece.subarray(0, left)))
        await new Promise<void>((r) => out.once("drain", () => r()));
    }
    out.end(tail);
    await finished(out);
    return path;
  }
  const MB = 1 << 20;

  test.each([
    ["lines", "long.txt", `${HOST}/ok1.jpg\n${HOST}/`, 96 * MB, `\n${HOST}/ok2.jpg\n`, 2, 3],
    ["json", "long.json", `["${HOST}/ok1.jpg", "${HOST}/`, 48 * MB, `", "${HOST}/ok2.jpg"]`, 1, 1],
    ["csv", "long.csv", `url,n\n${HOST}/ok1.jpg,1\n"${HOST}/`, 48 * MB, `",2\n${HOST}/ok2.jpg,3\n`, 3, 3],
  ] as const)(
    "%s: a URL of tens of MB is refused as URL_TOO_LONG on its line, the others signed, in under 150 MB of RSS",
    async (format, name, head, n, tail, badLine, _) => {
      const input = await bigFile(name, head, n, tail);
      const out = join(dir, `${name}.out`);
      const started = Date.now();
      const run = await cfsign(["sign", "--input", input, "--output", out, "--format", format, ...keyArgs()], {
        measure: true,
      });
      const seconds = (Date.now() - started) / 1000;
      rmSync(input);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(
        new RegExp(`^cfsign: line ${badLine}: URL_TOO_LONG: the (line|string|URL field) is longer than 16,384 bytes`),
      );
      const written = readFileSync(out, "utf8");
      expect(written).toContain(`${HOST}/ok1.jpg?`);
      expect(written).toContain(`${HOST}/ok2.jpg?`);
      expect(written.length).toBeLessThan(4096);
      expect(run.maxRss).toBeLessThan(150 * MB);
      expect(seconds).toBeLessThan(30);
    },
    60_000,
  );
});

describe("write errors on stdout (#12 item 10)", () => {
  const commands: [string, string][] = [
    ["sign --url", `sign --url ${HOST}/a.jpg ${keyArgs().join(" ")}`],
    ["sign --input (lines)", `sign --input - ${keyArgs().join(" ")} < <(printf '${HOST}/a.jpg\\n')`],
    ["sign --input (json)", `sign --input - --format json ${keyArgs().join(" ")} < <(printf '["${HOST}/a.jpg"]')`],
    ["sign-cookies", `sign-cookies --url https://media.example.com/a.jpg ${keyArgs().join(" ")}`],
    ["inspect", `inspect '${HOST}/a.jpg?Expires=2000000000&Signature=abc&Key-Pair-Id=${KID}'`],
    [
      "verify",
      `verify --url '${HOST}/a.jpg?Expires=2000000000&Signature=abc&Key-Pair-Id=${KID}' --public-key ${keyFile}.pub`,
    ],
    [
      "playlist",
      `playlist --input - --format hls ${keyArgs().join(" ")} < <(printf '#EXTM3U\\n#EXTINF:4,\\n${HOST}/v/1.ts\\n')`,
    ],
    ["--help", "--help"],
    ["sign --help", "sign --help"],
    ["--version", "--version"],
  ];
  beforeAll(() => writeFileSync(`${keyFile}.pub`, ecKey().publicKey.export({ type: "spki", format: "pem" }) as string));

  test.each(commands)("%s > /dev/full: 'cfsign: OUTPUT: ... no space left', exit 2, no stack trace", (_, args) => {
    const run = sh(`${CFSIGN} ${args} > /dev/full`);
    expect(run.stderr).toMatch(
      /^(cfsign: .*\n)*cfsign: OUTPUT: writing to standard output failed: no space left on the device\n$/,
    );
    expect(run.stderr).not.toMatch(/\bat |Error|node:/);
    expect(run.status).toBe(2);
  });

  test("a closed pipe (| head -n 1) stops the job quietly: nothing on stderr, exit 141 as a tool stopped by SIGPIPE", () => {
    const input = join(dir, "pipe.txt");
    writeFileSync(input, urls(30_000));
    const run = sh(
      `${CFSIGN} sign --input ${q(input)} ${keyArgs().join(" ")} --quiet | head -n 1; echo "status=\${PIPESTATUS[0]}" >&2`,
      120_000,
    );
    expect(run.stdout).toMatch(/^https:\/\/d111111abcdef8\.cloudfront\.net\/p\/0\.jpg\?Expires=/);
    expect(run.stderr).toBe("status=141\n");
  });
});

describe("--output is compared with --input as files (#12 item 11)", () => {
  test.each([
    ["another spelling of the path", (d: string) => ["--input", "./same.txt", "--output", "same.txt", "cwd", d]],
    [
      "a symbolic link",
      (d: string) => ["--input", join(d, "same.txt"), "--output", join(d, "same-link.txt"), "cwd", d],
    ],
    ["a hard link", (d: string) => ["--input", join(d, "same.txt"), "--output", join(d, "same-hard.txt"), "cwd", d]],
  ])("%s to the input is refused with USAGE, and the input is untouched", async (_, argsOf) => {
    const d = mkdtempSync(join(dir, "same-"));
    writeFileSync(join(d, "same.txt"), urls(2));
    symlinkSync(join(d, "same.txt"), join(d, "same-link.txt"));
    linkSync(join(d, "same.txt"), join(d, "same-hard.txt"));
    const [a, input, b, output, , cwd] = argsOf(d);
    const run = await cfsign(["sign", a!, input!, b!, output!, ...keyArgs()], { cwd: cwd! });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^cfsign: USAGE: --output must not be the --input file/);
    expect(readFileSync(join(d, "same.txt"), "utf8")).toBe(urls(2));
  });
});

describe("bytes that are not UTF-8 (#12 item 12)", () => {
  const bad = Buffer.concat([Buffer.from(`${HOST}/a`), Buffer.from([0xff, 0xfe]), Buffer.from(".jpg")]);

  test.each([
    ["lines", Buffer.concat([bad, Buffer.from(`\n${HOST}/ok.jpg\n`)]), 1],
    ["json", Buffer.concat([Buffer.from(`[\n"${HOST}/ok.jpg",\n"`), bad, Buffer.from(`"\n]`)]), 3],
    ["csv", Buffer.concat([Buffer.from(`url\n${HOST}/ok.jpg\n`), bad, Buffer.from("\n")]), 3],
  ] as const)(
    "%s with --encode: the line is refused as INVALID_UTF8, never signed as U+FFFD",
    async (format, bytes, line) => {
      const input = join(dir, `utf8.${format}`);
      writeFileSync(input, bytes);
      const out = join(dir, `utf8-out.${format}`);
      const run = await cfsign([
        "sign",
        "--input",
        input,
        "--output",
        out,
        "--format",
        format,
        "--encode",
        ...keyArgs(),
      ]);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(new RegExp(`^cfsign: line ${line}: INVALID_UTF8: `));
      const written = readFileSync(out, "utf8");
      expect(written).not.toContain("%EF%BF%BD");
      expect(written).toContain(`${HOST}/ok.jpg?`);
    },
  );

  test("a comment line that is not UTF-8 is copied byte for byte", async () => {
    const input = join(dir, "comment.txt");
    writeFileSync(input, Buffer.concat([Buffer.from("# caf"), Buffer.from([0xe9]), Buffer.from(`\n${HOST}/ok.jpg\n`)]));
    const out = join(dir, "comment-out.txt");
    expect((await cfsign(["sign", "--input", input, "--output", out, ...keyArgs()])).status).toBe(0);
    expect(readFileSync(out).subarray(0, 7)).toEqual(Buffer.from([0x23, 0x20, 0x63, 0x61, 0x66, 0xe9, 0x0a]));
  });
});

describe("key files (#12 item 13)", () => {
  test("a PEM file with two private keys is refused with KEY_FILE, naming how many", async () => {
    const two = join(dir, "two.pem");
    writeFileSync(two, ecKey().privatePem + rsaKey().privatePem, { mode: 0o600 });
    const run = await cfsign(["sign", "--url", `${HOST}/a.jpg`, ...keyArgs(two)]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /^cfsign: KEY_FILE: the private key file ".*two\.pem" holds 2 private keys; keep one key per file/,
    );
    expect(run.stdout).toBe("");
  });

  test("a key file readable by others is used, with a warning on stderr as ssh gives", async () => {
    const open = join(dir, "open.pem");
    writeFileSync(open, ecKey().privatePem, { mode: 0o644 });
    const run = await cfsign(["sign", "--url", `${HOST}/a.jpg`, ...keyArgs(open)]);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(
      /^cfsign: warning: the private key file ".*open\.pem" is accessible by other users \(permissions 0644\); .*chmod 600/,
    );
    expect(verifySignedUrl(run.stdout.trim(), ecKey().publicKey)).toBe(true);
  });

  test("/dev/zero and a 1 MB file are refused promptly with KEY_FILE (key files are capped at 256 KiB)", async () => {
    const huge = join(dir, "huge.pem");
    writeFileSync(huge, Buffer.alloc(1 << 20, "A"), { mode: 0o600 });
    for (const file of ["/dev/zero", huge]) {
      const started = Date.now();
      const run = await cfsign(["sign", "--url", `${HOST}/a.jpg`, ...keyArgs(file)]);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/^cfsign: KEY_FILE: the private key file ".*" is larger than 256 KiB/);
      expect(Date.now() - started).toBeLessThan(10_000);
    }
  });
});

describe("a malformed input writes nothing on stdout (#12 item 14)", () => {
  test.each([
    ["json, malformed at the first item", "json", `[{"url": "${HOST}/a.jpg"}]`],
    [
      "json, malformed after 20,000 good items (past the in-memory hold)",
      "json",
      `[${Array.from({ length: 20_000 }, (_, i) => `"${HOST}/j/${i}.jpg"`).join(",")}, 42]`,
    ],
    ["csv, a quote never closed at the end", "csv", `url\n${HOST}/a.jpg\n"${HOST}/b.jpg\n`],
  ])(
    "%s: exit 2 with INPUT and an empty stdout",
    async (_, format, text) => {
      const run = await cfsign(["sign", "--input", "-", "--format", format, ...keyArgs()], { stdin: text });
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/cfsign: INPUT: /);
      expect(run.stdout).toBe("");
    },
    60_000,
  );
});
