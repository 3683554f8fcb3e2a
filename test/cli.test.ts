/**
 * The `cfsign` command line, run for real as a child process (`node bin/cfsign.js`,
 * which needs `dist/`: `npm test` builds first), and the `npm start` example.
 * Signed URLs are checked with node:crypto alone (test/helpers/verify.ts).
 */
import { spawn } from "node:child_process";
import { generateKeyPairSync, sign as nodeSign, type KeyObject } from "node:crypto";
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ecKey, rsaKey } from "./helpers/keys.js";
import { parseSignedUrl, verifySignedUrl } from "./helpers/verify.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const BIN = join(ROOT, "bin/cfsign.js");
const PKG = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  version: string;
  scripts: Record<string, string>;
};

const KEY_PAIR_ID = "K2JCJMDEHXQW5F";
const URL_PLAIN = "https://d111111abcdef8.cloudfront.net/albums/2023-06-iceland-ring-road/originals/IMG_0412.jpg";
const URL_QUERY = "https://d111111abcdef8.cloudfront.net/albums/2023-06-iceland-ring-road/web/IMG_0412.jpg?w=640";
const PASSPHRASE = "correct horse battery staple 7351";
const WRONG_PASSPHRASE = "tr0ub4dor&3-wrong";

// Computed, not fixed, so the tests do not expire: one year and one month ahead.
const NOW = Math.floor(Date.now() / 1000);
const EXPIRES = NOW + 365 * 86400;
const STARTS = NOW + 30 * 86400;
const isoSeconds = (epoch: number): string => new Date(epoch * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/cfsign.js ...args` with a clean environment plus `env`. */
function cfsign(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return runNode([BIN, ...args], env);
}

function runNode(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

const dir = mkdtempSync(join(tmpdir(), "cfsign-cli-"));
const files: Record<string, string> = {};
/** Every secret written to the temp dir: PEM body lines, JWK private parts, passphrases. */
const secrets: string[] = [PASSPHRASE, WRONG_PASSPHRASE];

function writeKey(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content, { mode: 0o600 });
  files[name] = path;
  if (typeof content === "string") {
    for (const line of content.split("\n")) if (/^[A-Za-z0-9+/=]{16,}$/.test(line)) secrets.push(line);
  }
  return path;
}

const ec384 = generateKeyPairSync("ec", { namedCurve: "P-384" });
const rsa1024 = generateKeyPairSync("rsa", { modulusLength: 1024 });

beforeAll(() => {
  if (!existsSync(join(ROOT, "dist/cli.js"))) {
    throw new Error("dist/cli.js is missing: run `npm run build` first (npm test does)");
  }
  const rsa = rsaKey();
  const ec = ecKey();
  writeKey("rsa.pem", rsa.privatePem);
  writeKey("rsa-pkcs1.pem", rsa.privateKey.export({ type: "pkcs1", format: "pem" }) as string);
  writeKey("ec-sec1.pem", ec.privateKey.export({ type: "sec1", format: "pem" }) as string);
  writeKey("ec.der", ec.privateKey.export({ type: "pkcs8", format: "der" }));
  const jwk = ec.privateKey.export({ format: "jwk" });
  secrets.push(jwk.d!);
  writeKey("ec.jwk", JSON.stringify(jwk));
  writeKey(
    "rsa-encrypted.pem",
    rsa.privateKey.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: PASSPHRASE }) as string,
  );
  writeKey("rsa-1024.pem", rsa1024.privateKey.export({ type: "pkcs8", format: "pem" }) as string);
  writeKey("ec-p384.pem", ec384.privateKey.export({ type: "pkcs8", format: "pem" }) as string);
  writeKey("public.pem", rsa.publicKey.export({ type: "spki", format: "pem" }) as string);
  writeKey(
    "garbage.pem",
    "-----BEGIN PRIVATE KEY-----\nTm90QUtleUJ1dEJhc2U2NEVub3VnaFRvTG9va1NlY3JldA==\n-----END PRIVATE KEY-----\n",
  );
  writeKey("broken.jwk", `{"kty":"EC","crv":"P-256","d":"${jwk.d}",`);
  writeKey("empty.pem", "");
  mkdirSync(join(dir, "a-directory"));
  files["a-directory"] = join(dir, "a-directory");
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

type Overrides = Record<string, string | true | null>;

/** `sign` with the four required options (RSA key, EXPIRES), changed by `overrides` (null removes one). */
function signArgs(overrides: Overrides = {}): string[] {
  const options: Overrides = {
    url: URL_PLAIN,
    "key-pair-id": KEY_PAIR_ID,
    "private-key": files["rsa.pem"]!,
    "date-less-than": String(EXPIRES),
    ...overrides,
  };
  const args = ["sign"];
  for (const [name, value] of Object.entries(options)) {
    if (value === null) continue;
    args.push(`--${name}`);
    if (value !== true) args.push(value);
  }
  return args;
}

function expectOneUrl(run: Run): string {
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  expect(run.stdout).toMatch(/^https:\/\/[^\s]+\n$/);
  return run.stdout.slice(0, -1);
}

const sha1Refused = (() => {
  try {
    nodeSign("sha1", Buffer.from("x"), rsaKey().privateKey);
    return false;
  } catch {
    return true;
  }
})();

describe("cfsign sign: signed URLs that verify", () => {
  test("canned policy, RSA, ISO 8601 date: exactly one line, signature verifies", async () => {
    const url = expectOneUrl(await cfsign(signArgs({ "date-less-than": isoSeconds(EXPIRES) })));
    const parsed = parseSignedUrl(url);
    expect(parsed.base).toBe(URL_PLAIN);
    expect(parsed.order).toEqual(["Expires", "Signature", "Key-Pair-Id", "Hash-Algorithm"]);
    expect(parsed.params.get("Expires")).toBe(String(EXPIRES));
    expect(parsed.params.get("Key-Pair-Id")).toBe(KEY_PAIR_ID);
    expect(parsed.params.get("Hash-Algorithm")).toBe("SHA256");
    expect(verifySignedUrl(url, rsaKey().publicKey)).toBe(true);
  });

  test("canned policy keeps the URL's own query first and signs it", async () => {
    const url = expectOneUrl(await cfsign(signArgs({ url: URL_QUERY })));
    expect(url.startsWith(URL_QUERY + "&Expires=")).toBe(true);
    expect(parseSignedUrl(url).policy).toBe(
      `{"Statement":[{"Resource":"${URL_QUERY}","Condition":{"DateLessThan":{"AWS:EpochTime":${EXPIRES}}}}]}`,
    );
    expect(verifySignedUrl(url, rsaKey().publicKey)).toBe(true);
  });

  test("custom policy: resource pattern, IP range and start date", async () => {
    const resource = "https://d111111abcdef8.cloudfront.net/albums/2023-06-iceland-ring-road/*";
    const url = expectOneUrl(
      await cfsign(
        signArgs({
          "policy-resource": resource,
          "ip-address": "192.0.2.0/24",
          "date-greater-than": isoSeconds(STARTS),
        }),
      ),
    );
    const parsed = parseSignedUrl(url);
    expect(parsed.base).toBe(URL_PLAIN);
    expect(parsed.order).toEqual(["Policy", "Signature", "Key-Pair-Id", "Hash-Algorithm"]);
    expect(JSON.parse(parsed.policy)).toEqual({
      Statement: [
        {
          Resource: resource,
          Condition: {
            DateLessThan: { "AWS:EpochTime": EXPIRES },
            IpAddress: { "AWS:SourceIp": "192.0.2.0/24" },
            DateGreaterThan: { "AWS:EpochTime": STARTS },
          },
        },
      ],
    });
    expect(verifySignedUrl(url, rsaKey().publicKey)).toBe(true);
  });

  test('--allow-any-resource signs a "*" resource', async () => {
    const url = expectOneUrl(await cfsign(signArgs({ "policy-resource": "*", "allow-any-resource": true })));
    expect(JSON.parse(parseSignedUrl(url).policy).Statement[0].Resource).toBe("*");
    expect(verifySignedUrl(url, rsaKey().publicKey)).toBe(true);
  });

  test.skipIf(sha1Refused)("--hash-algorithm SHA1 omits Hash-Algorithm and signs with SHA-1", async () => {
    const url = expectOneUrl(await cfsign(signArgs({ "hash-algorithm": "SHA1" })));
    const parsed = parseSignedUrl(url);
    expect(parsed.order).toEqual(["Expires", "Signature", "Key-Pair-Id"]);
    expect(url).not.toContain("Hash-Algorithm");
    expect(verifySignedUrl(url, rsaKey().publicKey)).toBe(true); // sha1 when Hash-Algorithm is absent
  });

  test("--passphrase-env reads an encrypted PKCS#8 key's passphrase from the environment", async () => {
    const run = await cfsign(
      signArgs({ "private-key": files["rsa-encrypted.pem"]!, "passphrase-env": "CFSIGN_TEST_PASS" }),
      {
        CFSIGN_TEST_PASS: PASSPHRASE,
      },
    );
    expect(verifySignedUrl(expectOneUrl(run), rsaKey().publicKey)).toBe(true);
  });

  test("--encode percent-encodes the URL and signs the encoded bytes", async () => {
    const raw = "https://d111111abcdef8.cloudfront.net/albums/Sunset over Vík.jpg";
    const url = expectOneUrl(await cfsign(signArgs({ url: raw, encode: true })));
    expect(parseSignedUrl(url).base).toBe("https://d111111abcdef8.cloudfront.net/albums/Sunset%20over%20V%C3%ADk.jpg");
    expect(verifySignedUrl(url, rsaKey().publicKey)).toBe(true);
  });

  test("--engine js prints the same bytes as the default (wasm) engine", async () => {
    const wasm = expectOneUrl(await cfsign(signArgs({ url: URL_QUERY })));
    const js = expectOneUrl(await cfsign(signArgs({ url: URL_QUERY, engine: "js" })));
    expect(js).toBe(wasm); // RSA PKCS#1 v1.5 is deterministic
  });

  test.each([
    ["PKCS#1 PEM (RSA)", "rsa-pkcs1.pem", () => rsaKey().publicKey],
    ["SEC1 PEM (ECDSA)", "ec-sec1.pem", () => ecKey().publicKey],
    ["PKCS#8 DER (ECDSA)", "ec.der", () => ecKey().publicKey],
    ["JWK (ECDSA)", "ec.jwk", () => ecKey().publicKey],
  ] as [string, string, () => KeyObject][])("key file as %s", async (_label, file, publicKey) => {
    const url = expectOneUrl(await cfsign(signArgs({ "private-key": files[file]! })));
    expect(verifySignedUrl(url, publicKey())).toBe(true);
  });
});

interface BadCase {
  name: string;
  args: () => string[];
  env?: Record<string, string>;
  status: 1 | 2;
  code: string;
  /** Text stderr must contain (e.g. the option it names). */
  says?: string[];
  /** Text stderr must not contain, beyond the secrets and the URL every case checks. */
  never?: string[];
}

const LONG_URL = "https://d111111abcdef8.cloudfront.net/" + "a".repeat(8000) + ".jpg";

const BAD: BadCase[] = [
  // Usage errors: exit 2.
  { name: "no arguments", args: () => [], status: 2, code: "USAGE" },
  { name: "unknown command", args: () => ["sgin"], status: 2, code: "USAGE", says: ["did you mean 'sign'"] },
  { name: "option before the command", args: () => ["--url", URL_PLAIN], status: 2, code: "USAGE" },
  { name: "help for an unknown command", args: () => ["help", "nope"], status: 2, code: "USAGE" },
  {
    name: "sign without options names every missing one",
    args: () => ["sign"],
    status: 2,
    code: "USAGE",
    says: ["--url", "--key-pair-id", "--private-key", "--date-less-than", "cfsign sign --help"],
  },
  {
    name: "missing --url",
    args: () => signArgs({ url: null }),
    status: 2,
    code: "USAGE",
    says: ["missing required option: --url"],
  },
  {
    name: "missing --date-less-than",
    args: () => signArgs({ "date-less-than": null }),
    status: 2,
    code: "USAGE",
    says: ["--date-less-than"],
  },
  {
    name: "unknown option",
    args: () => [...signArgs(), "--key-pair", "X"],
    status: 2,
    code: "USAGE",
    says: ["did you mean --key-pair-id"],
  },
  {
    name: "--passphrase VALUE is refused without echoing it",
    args: () => [...signArgs(), "--passphrase", PASSPHRASE],
    status: 2,
    code: "USAGE",
    says: ["--passphrase-env"],
  },
  {
    name: "--passphrase=VALUE is refused without echoing it",
    args: () => [...signArgs(), `--passphrase=${PASSPHRASE}`],
    status: 2,
    code: "USAGE",
    says: ["--passphrase-env"],
  },
  {
    name: "--passphrase-env given the passphrase itself",
    args: () => signArgs({ "private-key": files["rsa-encrypted.pem"]!, "passphrase-env": PASSPHRASE }),
    status: 2,
    code: "USAGE",
  },
  {
    name: "--passphrase-env naming an unset variable",
    args: () => signArgs({ "private-key": files["rsa-encrypted.pem"]!, "passphrase-env": "CFSIGN_TEST_UNSET" }),
    status: 2,
    code: "USAGE",
  },
  {
    name: "option value missing at the end",
    args: () => [...signArgs({ url: null }), "--url"],
    status: 2,
    code: "USAGE",
    says: ["--url needs a value"],
  },
  {
    name: "option value swallowed by the next option",
    args: () => ["sign", "--url", "--key-pair-id", KEY_PAIR_ID],
    status: 2,
    code: "USAGE",
    says: ["--url needs a value"],
  },
  {
    name: "value given to a flag",
    args: () => [...signArgs(), "--encode=yes"],
    status: 2,
    code: "USAGE",
    says: ["--encode"],
  },
  {
    name: "stray positional argument (not echoed)",
    args: () => [...signArgs({ url: null }), URL_QUERY],
    status: 2,
    code: "USAGE",
    says: ["--url"],
    never: [URL_QUERY],
  },
  {
    name: "option given twice",
    args: () => [...signArgs(), "--url", URL_QUERY],
    status: 2,
    code: "USAGE",
    says: ["more than once"],
  },
  {
    name: "unknown hash algorithm",
    args: () => signArgs({ "hash-algorithm": "MD5" }),
    status: 2,
    code: "USAGE",
    says: ["SHA256 or SHA1"],
  },
  { name: "unknown engine", args: () => signArgs({ engine: "rust" }), status: 2, code: "USAGE", says: ["wasm or js"] },
  {
    name: "--allow-any-resource without --policy-resource",
    args: () => signArgs({ "allow-any-resource": true }),
    status: 2,
    code: "USAGE",
  },
  // Key errors: exit 2.
  {
    name: "key file that does not exist (path shown)",
    args: () => signArgs({ "private-key": join(dir, "missing.pem") }),
    status: 2,
    code: "KEY_FILE",
    says: [join(dir, "missing.pem"), "no such file"],
  },
  {
    name: "key file that is a directory",
    args: () => signArgs({ "private-key": files["a-directory"]! }),
    status: 2,
    code: "KEY_FILE",
    says: ["directory"],
  },
  { name: "empty key file", args: () => signArgs({ "private-key": files["empty.pem"]! }), status: 2, code: "KEY_FILE" },
  {
    name: "JWK file that is not valid JSON",
    args: () => signArgs({ "private-key": files["broken.jwk"]! }),
    status: 2,
    code: "KEY_FILE",
  },
  {
    name: "public key instead of private",
    args: () => signArgs({ "private-key": files["public.pem"]! }),
    status: 2,
    code: "INVALID_KEY",
  },
  {
    name: "PEM that is not a key",
    args: () => signArgs({ "private-key": files["garbage.pem"]! }),
    status: 2,
    code: "INVALID_KEY",
  },
  {
    name: "RSA-1024 key",
    args: () => signArgs({ "private-key": files["rsa-1024.pem"]! }),
    status: 2,
    code: "UNSUPPORTED_KEY",
  },
  {
    name: "ECDSA P-384 key",
    args: () => signArgs({ "private-key": files["ec-p384.pem"]! }),
    status: 2,
    code: "UNSUPPORTED_KEY",
  },
  {
    name: "encrypted key without --passphrase-env",
    args: () => signArgs({ "private-key": files["rsa-encrypted.pem"]! }),
    status: 2,
    code: "INVALID_KEY",
    says: ["--passphrase-env"],
  },
  {
    name: "encrypted key with the wrong passphrase",
    args: () => signArgs({ "private-key": files["rsa-encrypted.pem"]!, "passphrase-env": "CFSIGN_TEST_PASS" }),
    env: { CFSIGN_TEST_PASS: WRONG_PASSPHRASE },
    status: 2,
    code: "INVALID_KEY",
  },
  {
    name: "wrong passphrase, even with CFSIGN_DEBUG",
    args: () => signArgs({ "private-key": files["rsa-encrypted.pem"]!, "passphrase-env": "CFSIGN_TEST_PASS" }),
    env: { CFSIGN_TEST_PASS: WRONG_PASSPHRASE, CFSIGN_DEBUG: "1" },
    status: 2,
    code: "INVALID_KEY",
  },
  {
    name: "malformed key pair id",
    args: () => signArgs({ "key-pair-id": "K2J-CJM/DEH" }),
    status: 2,
    code: "INVALID_KEY_PAIR_ID",
  },
  // URL or policy refused: exit 1.
  {
    name: "not an http(s) URL",
    args: () => signArgs({ url: "ftp://d111111abcdef8.cloudfront.net/a.jpg" }),
    status: 1,
    code: "INVALID_URL",
  },
  {
    name: "URL with a fragment",
    args: () => signArgs({ url: URL_PLAIN + "#top" }),
    status: 1,
    code: "URL_HAS_FRAGMENT",
  },
  {
    name: "URL with a space, without --encode",
    args: () => signArgs({ url: "https://d111111abcdef8.cloudfront.net/albums/my photo.jpg" }),
    status: 1,
    code: "URL_UNSAFE_CHARACTER",
    says: ["--encode"],
  },
  {
    name: "URL that is already signed",
    args: () => signArgs({ url: URL_QUERY + "&Signature=abc" }),
    status: 1,
    code: "URL_HAS_SIGNING_PARAMETER",
  },
  {
    name: "URL with * in a custom policy",
    args: () => signArgs({ url: "https://d111111abcdef8.cloudfront.net/albums/*.jpg", "ip-address": "192.0.2.1" }),
    status: 1,
    code: "URL_HAS_WILDCARD",
  },
  { name: "URL too long once signed", args: () => signArgs({ url: LONG_URL }), status: 1, code: "URL_TOO_LONG" },
  {
    name: "expiry in the past",
    args: () => signArgs({ "date-less-than": "2020-01-01T00:00:00Z" }),
    status: 1,
    code: "EXPIRES_IN_PAST",
  },
  {
    name: "expiry in milliseconds",
    args: () => signArgs({ "date-less-than": String(EXPIRES * 1000) }),
    status: 1,
    code: "DATE_IN_MILLISECONDS",
    says: ["--date-less-than"],
  },
  {
    name: "expiry that is not a date",
    args: () => signArgs({ "date-less-than": "tomorrow" }),
    status: 1,
    code: "INVALID_DATE",
  },
  {
    name: "ISO 8601 time without a zone",
    args: () => signArgs({ "date-less-than": "2031-01-01T00:00:00" }),
    status: 1,
    code: "INVALID_DATE",
  },
  {
    name: "start not before expiry",
    args: () => signArgs({ "date-greater-than": String(EXPIRES + 60) }),
    status: 1,
    code: "INVALID_DATE_RANGE",
    says: ["--date-greater-than"],
  },
  {
    name: "IPv6 address",
    args: () => signArgs({ "ip-address": "2001:db8::1" }),
    status: 1,
    code: "IPV6_NOT_SUPPORTED",
  },
  {
    name: "invalid IPv4 address",
    args: () => signArgs({ "ip-address": "300.1.2.3" }),
    status: 1,
    code: "INVALID_IP_ADDRESS",
  },
  {
    name: "invalid resource",
    args: () => signArgs({ "policy-resource": "ftp://d111111abcdef8.cloudfront.net/*" }),
    status: 1,
    code: "INVALID_RESOURCE",
  },
  {
    name: "resource that does not cover the URL",
    args: () => signArgs({ "policy-resource": "https://d111111abcdef8.cloudfront.net/private/*" }),
    status: 1,
    code: "RESOURCE_MISMATCH",
  },
  {
    name: 'resource "*" without --allow-any-resource',
    args: () => signArgs({ "policy-resource": "*" }),
    status: 1,
    code: "RESOURCE_TOO_BROAD",
    says: ["--allow-any-resource"],
  },
];

describe("cfsign: bad invocations", () => {
  test.concurrent.for(BAD)("$name: exit $status, $code", async (c, { expect }) => {
    const args = c.args();
    const run = await cfsign(args, c.env);
    expect(run.stdout).toBe("");
    expect(run.status).toBe(c.status);
    expect(run.stderr.startsWith(`cfsign: ${c.code}: `)).toBe(true);
    for (const text of c.says ?? []) expect(run.stderr).toContain(text);
    expect(run.stderr).not.toContain("-----BEGIN");
    for (const secret of secrets) expect(run.stderr).not.toContain(secret);
    for (const text of c.never ?? []) expect(run.stderr).not.toContain(text);
    const url = args[args.indexOf("--url") + 1];
    if (args.includes("--url") && url !== undefined && url.length > 30) expect(run.stderr).not.toContain(url);
  });
});

describe("cfsign: help and version", () => {
  test("--version prints the package.json version", async () => {
    expect(await cfsign(["--version"])).toEqual({ status: 0, stdout: PKG.version + "\n", stderr: "" });
  });

  test("--help and help list the commands", async () => {
    for (const args of [["--help"], ["-h"], ["help"]]) {
      const run = await cfsign(args);
      expect(run.status).toBe(0);
      expect(run.stderr).toBe("");
      expect(run.stdout).toMatch(/^\s+sign\s+print one signed URL/m);
    }
  });

  test("help sign, sign --help and sign -h print the same text: every option, examples, exit statuses", async () => {
    const runs = await Promise.all([
      cfsign(["help", "sign"]),
      cfsign(["sign", "--help"]),
      cfsign(["sign", "-h", "--url", "x"]),
    ]);
    for (const run of runs) expect(run).toEqual(runs[0]);
    const help = runs[0]!.stdout;
    expect(runs[0]!.status).toBe(0);
    for (const option of [
      "--url",
      "--key-pair-id",
      "--private-key",
      "--date-less-than",
      "--date-greater-than",
      "--ip-address",
      "--policy-resource",
      "--allow-any-resource",
      "--hash-algorithm",
      "--passphrase-env",
      "--encode",
      "--engine",
      "--help",
    ]) {
      expect(help).toContain(option);
    }
    expect(help).toContain("Examples:");
    for (const line of ["  0  ", "  1  ", "  2  ", "  3  ", "EXPIRES_IN_PAST", "INVALID_KEY", "KEY_FILE", "USAGE"]) {
      expect(help).toContain(line);
    }
  });
});

describe("npm start", () => {
  test("package.json's start script builds, then runs examples/sign-gallery.js (npm ci no longer builds)", () => {
    expect(PKG.scripts.start).toBe("npm run build && node examples/sign-gallery.js");
  });

  test("examples/sign-gallery.js signs and independently verifies 1000 URLs with RSA and ECDSA", async () => {
    const run = await runNode(["examples/sign-gallery.js"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^ {2}verified {2}1000 of 1000 /m);
    expect(run.stdout).toMatch(/^ECDSA P-256: signed 1000 .* verified 1000 of 1000$/m);
    expect(run.stdout).toContain("OK: all 2000 signatures verified.");
  });
});
