/**
 * `cfsign sign-cookies` and `cfsign verify`, run in-process through the CLI's
 * `main` (src/cli.ts) with captured output, so they test this checkout's source
 * without a build. Cookies are checked with node:crypto over a policy rebuilt by
 * hand; `verify` is fed URLs made by `cfsign sign` and by hand.
 */
import { generateKeyPairSync, verify as nodeVerify } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { main } from "../src/cli.js";
import { ecKey, rsaKey } from "./helpers/keys.js";
import { cannedUrl } from "./helpers/sign-by-hand.js";
import { fromCloudFrontBase64 } from "./helpers/verify.js";

const KID = "K2JCJMDEHXQW5F";
const CDN = "https://cdn.example.com";
const NOW = Math.floor(Date.now() / 1000);
const EXPIRES = NOW + 365 * 86400;

const dir = mkdtempSync(join(tmpdir(), "cfsign-cli-verify-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content, { mode: 0o600 });
  return path;
}
const RSA_PRIVATE = file("rsa.pem", rsaKey().privatePem);
const RSA_PUBLIC = file("rsa.pub.pem", rsaKey().publicKey.export({ type: "spki", format: "pem" }) as string);
const EC_PRIVATE = file("ec.pem", ecKey().privatePem);
const EC_PUBLIC_JWK = file("ec.pub.jwk", JSON.stringify(ecKey().publicKey.export({ format: "jwk" })));

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}
async function cfsign(...argv: string[]): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const status = await main(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {} });
  return { status, stdout, stderr };
}

const sign = async (...extra: string[]): Promise<string> => {
  const r = await cfsign(
    "sign",
    "--key-pair-id",
    KID,
    "--private-key",
    RSA_PRIVATE,
    "--date-less-than",
    String(EXPIRES),
    ...extra,
  );
  expect(r.stderr).toBe("");
  return r.stdout.trim();
};

describe("cfsign sign-cookies", () => {
  test("canned: one Set-Cookie per line, signature verifies over the rebuilt policy", async () => {
    const r = await cfsign(
      "sign-cookies",
      "--url",
      `${CDN}/d/game.zip`,
      "--key-pair-id",
      KID,
      "--private-key",
      RSA_PRIVATE,
      "--date-less-than",
      String(EXPIRES),
    );
    expect(r).toMatchObject({ status: 0, stderr: "" });
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines.map((l) => l.slice(0, l.indexOf("=")))).toEqual([
      "CloudFront-Expires",
      "CloudFront-Signature",
      "CloudFront-Key-Pair-Id",
      "CloudFront-Hash-Algorithm",
    ]);
    for (const l of lines) expect(l).toMatch(/; Path=\/; Secure; HttpOnly$/);
    const signature = lines[1]!.slice("CloudFront-Signature=".length, lines[1]!.indexOf(";"));
    const policy = `{"Statement":[{"Resource":"${CDN}/d/game.zip","Condition":{"DateLessThan":{"AWS:EpochTime":${EXPIRES}}}}]}`;
    expect(nodeVerify("sha256", Buffer.from(policy), rsaKey().publicKey, fromCloudFrontBase64(signature))).toBe(true);
  });

  test("custom with --domain, --path, --same-site and --json; verify accepts the cookies", async () => {
    const r = await cfsign(
      "sign-cookies",
      "--policy-resource",
      `${CDN}/gallery/*`,
      "--domain",
      "example.com",
      "--path",
      "/gallery/",
      "--same-site",
      "lax",
      "--ip-address",
      "192.0.2.0/24",
      "--key-pair-id",
      KID,
      "--private-key",
      EC_PRIVATE,
      "--date-less-than",
      String(EXPIRES),
      "--json",
    );
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { kind: string; cookies: Record<string, string>; setCookie: string[] };
    expect(out.kind).toBe("custom");
    expect(out.setCookie[0]).toMatch(/; Domain=example\.com; Path=\/gallery\/; Secure; HttpOnly; SameSite=Lax$/);
    const header = Object.entries(out.cookies)
      .map(([k, v]) => `${k}=${v}`)
      .join("; ");
    const v = await cfsign(
      "verify",
      "--url",
      `${CDN}/gallery/a.jpg`,
      "--public-key",
      EC_PUBLIC_JWK,
      "--cookie",
      header,
      "--client-ip",
      "192.0.2.5",
    );
    expect(v.status).toBe(0);
    expect(v.stdout).toContain("reason:    OK");
    expect(v.stdout).toContain("signed cookies, custom policy");
  });

  test.each([
    [["--domain", "d111111abcdef8.cloudfront.net"], "COOKIE_DOMAIN_NOT_ALLOWED", 1],
    [["--path", "/a b"], "INVALID_COOKIE_ATTRIBUTE", 1],
    [["--same-site", "sometimes"], "USAGE", 2],
    [["--policy-resource", `${CDN}/other/*`], "RESOURCE_MISMATCH", 1],
    [["--date-greater-than", String(EXPIRES + 1)], "INVALID_DATE_RANGE", 1],
  ])("refuses %j with %s (exit %i)", async (extra, code, status) => {
    const r = await cfsign(
      "sign-cookies",
      "--url",
      `${CDN}/g/a.jpg`,
      "--key-pair-id",
      KID,
      "--private-key",
      RSA_PRIVATE,
      "--date-less-than",
      String(EXPIRES),
      ...extra,
    );
    expect(r.status).toBe(status);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`cfsign: ${code}:`);
  });

  test("the key is loaded as cfsign sign loads it (loadSigner): the same refusals, in the command's own name", async () => {
    const notAKey = file("not-a-key.pem", "not a key\n");
    const id = ["--key-pair-id", KID];
    const keys = [
      [...id, "--private-key", notAKey],
      [...id, "--private-key", join(dir, "missing.pem")],
      [...id, "--private-key", RSA_PRIVATE, "--kms-key-id", "alias/cfsign"],
      [...id, "--private-key", RSA_PRIVATE, "--passphrase-env", "CFSIGN_TEST_UNSET"],
      [...id, "--private-key", RSA_PRIVATE, "--hash-algorithm", "md5"],
      [...id, "--private-key", RSA_PRIVATE, "--engine", "asm"],
      ["--key-pair-id", "not-an-id", "--private-key", RSA_PRIVATE],
    ];
    for (const key of keys) {
      const args = ["--url", `${CDN}/a.jpg`, "--date-less-than", String(EXPIRES), ...key];
      const cookies = await cfsign("sign-cookies", ...args);
      const url = await cfsign("sign", ...args);
      expect(cookies.status, key.join(" ")).toBe(2);
      expect(cookies.stdout).toBe("");
      expect(cookies.stderr, key.join(" ")).toBe(url.stderr.replace(/'cfsign sign\b/g, "'cfsign sign-cookies"));
    }
  });

  test("needs --url or --policy-resource", async () => {
    const r = await cfsign(
      "sign-cookies",
      "--key-pair-id",
      KID,
      "--private-key",
      RSA_PRIVATE,
      "--date-less-than",
      String(EXPIRES),
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--url (or --policy-resource)");
  });
});

describe("cfsign verify", () => {
  test("a valid URL: exit 0, the decoded policy in plain words", async () => {
    const url = await sign(
      "--url",
      `${CDN}/a.jpg`,
      "--policy-resource",
      `${CDN}/*`,
      "--date-greater-than",
      String(NOW - 60),
    );
    const r = await cfsign("verify", "--url", url, "--public-key", RSA_PUBLIC);
    expect(r).toMatchObject({ status: 0, stderr: "" });
    expect(r.stdout).toContain("VALID: CloudFront would accept this request");
    expect(r.stdout).toContain(`resource:  ${CDN}/*`);
    expect(r.stdout).toContain(`DateLessThan ${EXPIRES}`);
    expect(r.stdout).toContain(`DateGreaterThan ${NOW - 60}`);
    expect(r.stdout).toContain(`key ${KID}, SHA-256`);
  });

  test("expired at --now: exit 1 with the reason; --boundary inclusive accepts the exact instant", async () => {
    const url = await sign("--url", `${CDN}/a.jpg`);
    const r = await cfsign("verify", "--url", url, "--public-key", RSA_PUBLIC, "--now", String(EXPIRES));
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("NOT VALID");
    expect(r.stdout).toContain("reason:    EXPIRED");
    const inclusive = await cfsign(
      "verify",
      "--url",
      url,
      "--public-key",
      RSA_PUBLIC,
      "--now",
      String(EXPIRES),
      "--boundary",
      "inclusive",
    );
    expect(inclusive.status).toBe(0);
  });

  test("--key-pair-id: a URL naming another key is UNKNOWN_KEY", async () => {
    const url = await sign("--url", `${CDN}/a.jpg`);
    const r = await cfsign(
      "verify",
      "--url",
      url,
      "--public-key",
      RSA_PUBLIC,
      "--key-pair-id",
      "KSOMEOTHERKEY1",
      "--json",
    );
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: false, reason: "UNKNOWN_KEY", via: "url" });
  });

  test("--client-ip against an IpAddress condition: inside is VALID, outside IP_NOT_ALLOWED", async () => {
    const url = await sign("--url", `${CDN}/a.jpg`, "--ip-address", "192.0.2.0/24");
    const inside = await cfsign("verify", "--url", url, "--public-key", RSA_PUBLIC, "--client-ip", "192.0.2.7");
    expect(inside).toMatchObject({ status: 0, stderr: "" });
    expect(inside.stdout).toContain("reason:    OK");
    expect(inside.stdout).toContain("client IP: 192.0.2.0/24\n");
    const outside = await cfsign("verify", "--url", url, "--public-key", RSA_PUBLIC, "--client-ip", "198.51.100.1");
    expect(outside.status).toBe(1);
    expect(outside.stdout).toContain("IP_NOT_ALLOWED");
  });

  test("an IpAddress condition without --client-ip is NOT VALID (IP_ADDRESS_NOT_CHECKED), with the flags that fix it", async () => {
    const url = await sign("--url", `${CDN}/a.jpg`, "--ip-address", "192.0.2.0/24");
    const unchecked = await cfsign("verify", "--url", url, "--public-key", RSA_PUBLIC);
    expect(unchecked).toMatchObject({ status: 1, stderr: "" });
    expect(unchecked.stdout).toContain("NOT VALID");
    expect(unchecked.stdout).toContain("reason:    IP_ADDRESS_NOT_CHECKED");
    expect(unchecked.stdout).toContain(
      "pass --client-ip (the address CloudFront will see), or --ignore-ip-address to check everything else",
    );
    expect(unchecked.stdout).toContain("not checked: pass --client-ip, or --ignore-ip-address");
    expect(unchecked.stdout).not.toMatch(/\bclientIp\b|\bignoreIpAddress\b/);
    const json = await cfsign("verify", "--url", url, "--public-key", RSA_PUBLIC, "--json");
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      valid: false,
      reason: "IP_ADDRESS_NOT_CHECKED",
      ipAddress: "192.0.2.0/24",
      ipAddressChecked: false,
    });
  });

  test("--ignore-ip-address checks everything else: VALID, and says the condition was not checked", async () => {
    const url = await sign("--url", `${CDN}/a.jpg`, "--ip-address", "192.0.2.0/24");
    const skipped = await cfsign("verify", "--url", url, "--public-key", RSA_PUBLIC, "--ignore-ip-address");
    expect(skipped).toMatchObject({ status: 0, stderr: "" });
    expect(skipped.stdout).toContain("reason:    OK");
    expect(skipped.stdout).toContain("was not checked (--ignore-ip-address)");
    expect(skipped.stdout).toContain("client IP: 192.0.2.0/24 (not checked: --ignore-ip-address)");
    const json = await cfsign("verify", "--url", url, "--public-key", RSA_PUBLIC, "--ignore-ip-address", "--json");
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: true, reason: "OK", ipAddressChecked: false });
    // Other failures are still reported: the flag skips only the IpAddress condition.
    const expired = await cfsign(
      "verify",
      "--url",
      url,
      "--public-key",
      RSA_PUBLIC,
      "--ignore-ip-address",
      "--now",
      String(EXPIRES),
    );
    expect(expired.status).toBe(1);
    expect(expired.stdout).toContain("reason:    EXPIRED");
  });

  test("named mistakes: a parameter added after signing, a millisecond Expires", async () => {
    const url = await sign("--url", `${CDN}/a.jpg`);
    expect((await cfsign("verify", "--url", url + "&utm_source=x", "--public-key", RSA_PUBLIC)).stdout).toContain(
      "PARAMETER_ADDED_AFTER_SIGNING",
    );
    const ms = cannedUrl(`${CDN}/a.jpg`, String(EXPIRES * 1000), rsaKey().privateKey, KID, "SHA256");
    expect((await cfsign("verify", "--url", ms, "--public-key", RSA_PUBLIC)).stdout).toContain("MILLISECOND_EPOCH");
  });

  test("usage and key errors: exit 2 on stderr, nothing on stdout", async () => {
    const url = await sign("--url", `${CDN}/a.jpg`);
    const cases: [string[], string][] = [
      [["--url", url], "USAGE"],
      [["--url", url, "--public-key", join(dir, "missing.pem")], "KEY_FILE"],
      [["--url", url, "--public-key", RSA_PRIVATE], "INVALID_KEY"],
      [["--url", url, "--public-key", RSA_PUBLIC, "--client-ip", "nonsense"], "USAGE"],
      [["--url", url, "--public-key", RSA_PUBLIC, "--client-ip", "192.0.2.1", "--ignore-ip-address"], "USAGE"],
      [["--url", url, "--public-key", RSA_PUBLIC, "--now", "yesterday"], "USAGE"],
      [["--url", url, "--public-key", RSA_PUBLIC, "--boundary", "open"], "USAGE"],
      [
        [
          "--url",
          url,
          "--public-key",
          file(
            "p384.pem",
            generateKeyPairSync("ec", { namedCurve: "P-384" }).publicKey.export({
              type: "spki",
              format: "pem",
            }) as string,
          ),
        ],
        "UNSUPPORTED_KEY",
      ],
    ];
    for (const [args, code] of cases) {
      const r = await cfsign("verify", ...args);
      expect([args[args.length - 2], r.status, r.stdout]).toEqual([args[args.length - 2], 2, ""]);
      expect(r.stderr).toContain(`cfsign: ${code}:`);
    }
  });

  test("help lists both commands; each has its own help", async () => {
    const top = await cfsign("--help");
    expect(top.stdout).toMatch(/sign-cookies\s+print CloudFront signed cookies/);
    expect(top.stdout).toMatch(/verify\s+check a signed URL/);
    for (const name of ["sign-cookies", "verify"]) {
      const help = await cfsign(name, "--help");
      expect(help.status).toBe(0);
      expect(help.stdout).toContain(`Usage: cfsign ${name}`);
      expect(help.stdout).toContain("Exit status");
    }
  });
});
