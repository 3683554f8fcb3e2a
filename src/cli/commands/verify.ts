/**
 * `cfsign verify`: checks a signed URL (or a request with signed cookies) the way
 * CloudFront does and says, in plain words, why it would be refused.
 *
 * @module
 */
import { parseSigningCookies } from "../../cloudfront/cookie.ts";
import { splitSignedUrl } from "../../cloudfront/signed-url.ts";
import type { VerifyResult } from "../../verify/verify.ts";
import { parseOptions } from "../args.ts";
import type { CliIo, Command } from "../command.ts";
import { CliError, EXIT } from "../report.ts";
import { inCliTerms, optionNamesHint, parseChoice, parseWhen, readPublicKeyFile } from "../shared-inputs.ts";

const OPTIONS = {
  url: { type: "string" },
  "public-key": { type: "string" },
  "key-pair-id": { type: "string" },
  now: { type: "string" },
  "client-ip": { type: "string" },
  "ignore-ip-address": { type: "boolean" },
  cookie: { type: "string" },
  boundary: { type: "string" },
  json: { type: "boolean" },
} as const;

const HELP = `Usage: cfsign verify --url URL --public-key FILE [options]

Checks a CloudFront signed URL, or a request carrying CloudFront signed cookies, as CloudFront
does: Key-Pair-Id, the signature (SHA-1 or SHA-256, RSA or ECDSA), then the policy's Resource,
dates and IP address. Prints the verdict, the reason code and the decoded policy in plain words.

Required:
  --url URL                   the signed URL, or with --cookie the URL the browser requests
  --public-key FILE           the public key: SPKI PEM (BEGIN PUBLIC KEY, as uploaded to CloudFront),
                              PKCS#1 PEM (BEGIN RSA PUBLIC KEY) or a public JWK

Options:
  --key-pair-id ID            the id the key is registered under; a request naming another id is
                              UNKNOWN_KEY (default: trust the key for the id the request names)
  --cookie "NAME=VALUE; ..."  the Cookie header (CloudFront-Policy=...; CloudFront-Signature=...; ...);
                              ignored by CloudFront, and here, when --url has signing parameters
  --now WHEN                  the time of the request (default: now)
  --client-ip IP              the client's address as CloudFront will see it, to check the policy's
                              IpAddress condition; without it, a policy with an IpAddress condition is
                              not valid (IP_ADDRESS_NOT_CHECKED) unless --ignore-ip-address is given
  --ignore-ip-address         skip the IpAddress condition on purpose and check everything else
                              (the verdict then says it was not checked); not with --client-ip
  --boundary exclusive|inclusive
                              at exactly DateLessThan the request is expired, and at exactly
                              DateGreaterThan not yet valid (exclusive, default); inclusive accepts both
  --json                      print the result as JSON
  -h, --help                  show this help

WHEN is epoch seconds (1893456000) or ISO 8601 with a zone: 2030-01-01T00:00:00Z.

Reason codes: OK, MISSING_KEY_PAIR_ID, UNKNOWN_KEY, MISSING_SIGNATURE, DUPLICATE_SIGNING_PARAMETER,
  MALFORMED_POLICY, STANDARD_BASE64, HASH_ALGORITHM_MISMATCH, PARAMETER_ADDED_AFTER_SIGNING,
  BAD_SIGNATURE, MILLISECOND_EPOCH, RESOURCE_MISMATCH, EXPIRED, NOT_YET_VALID, IP_NOT_ALLOWED,
  IP_ADDRESS_NOT_CHECKED, S3_PRESIGNED_URL, SIGNING_PARAMETERS_IN_FRAGMENT, INVALID_URL,
  CLIENT_REWRITES_URL (a client would send other bytes: upper-case host, :443, a .. segment, ...)

Examples:
  cfsign verify --url 'https://d111111abcdef8.cloudfront.net/a.jpg?Expires=...&Signature=...&Key-Pair-Id=K2JCJMDEHXQW5F' \\
    --public-key public_key.pem

  cfsign verify --url https://cdn.example.com/gallery/a.jpg --public-key public_key.pem \\
    --cookie 'CloudFront-Policy=eyJ...; CloudFront-Signature=...; CloudFront-Key-Pair-Id=K2JCJMDEHXQW5F' --client-ip 192.0.2.7

Exit status:
  0  valid: CloudFront would accept the request (the verdict is on stdout)
  1  not valid: the reason is on stdout
  2  usage or key error (on stderr as 'cfsign: CODE: message'): USAGE, KEY_FILE, INVALID_KEY,
     UNSUPPORTED_KEY, INVALID_ARGUMENT
  3  a bug: INTERNAL
`;

/** The `verify` subcommand. */
export const verifyCommand: Command = {
  name: "verify",
  summary: "check a signed URL or signed cookies and explain why CloudFront would refuse them",
  help: HELP,
  run: runVerify,
};

async function runVerify(args: readonly string[], io: CliIo): Promise<number> {
  const values = parseOptions(args, OPTIONS, { command: "verify", positionalHint: "pass the URL with --url" });
  const usage = (message: string): CliError => new CliError("USAGE", message, "Run 'cfsign verify --help' for usage.");
  const missing = (["url", "public-key"] as const).filter((name) => values[name] === undefined);
  if (missing.length > 0) {
    throw usage(`missing required option${missing.length > 1 ? "s" : ""}: ${missing.map((n) => "--" + n).join(", ")}`);
  }
  if (values["client-ip"] !== undefined && values["ignore-ip-address"] === true) {
    throw usage(
      "--client-ip and --ignore-ip-address exclude each other: with --client-ip the IpAddress condition is checked",
    );
  }
  const boundary = parseChoice(values.boundary, ["exclusive", "inclusive"] as const, "boundary", usage);
  const publicKey = await readPublicKeyFile(values["public-key"]!);
  const url = values.url!;
  const keyPairId = values["key-pair-id"] ?? namedKeyPairId(url, values.cookie) ?? "none";

  const { verifyCookies, verifyUrl, CfSignError } = await import("../../index.ts");
  let result: VerifyResult;
  try {
    const options = {
      publicKeys: { [keyPairId]: publicKey },
      now: values.now === undefined ? undefined : parseWhen(values.now),
      clientIp: values["client-ip"],
      ignoreIpAddress: values["ignore-ip-address"] === true,
      boundary,
    };
    result =
      values.cookie === undefined ? await verifyUrl(url, options) : await verifyCookies(url, values.cookie, options);
  } catch (err) {
    if (err instanceof CfSignError) {
      // Bad --now or --client-ip are usage errors here, whatever the library calls them.
      const code = err.code === "INVALID_KEY" || err.code === "UNSUPPORTED_KEY" ? err.code : "USAGE";
      throw new CliError(code, err.message, optionNamesHint("verify", err.message), err);
    }
    throw err;
  }
  io.stdout(values.json === true ? JSON.stringify(result, null, 2) + "\n" : describe(result));
  if (values.json !== true)
    for (const w of result.warnings ?? []) io.stderr(`cfsign: warning: ${w.code}: ${w.message}\n`);
  return result.valid ? EXIT.OK : EXIT.REFUSED;
}

/**
 * The Key-Pair-Id the request names, read as the verifier reads it (src/cloudfront/signed-url.ts and
 * src/cloudfront/cookie.ts): the query parameter, else the cookie.
 */
function namedKeyPairId(url: string, cookie: string | undefined): string | undefined {
  const fromUrl = splitSignedUrl(url).signing.get("Key-Pair-Id")?.[0];
  if (fromUrl !== undefined) return fromUrl;
  return cookie === undefined ? undefined : parseSigningCookies(cookie).get("Key-Pair-Id")?.[0];
}

/**
 * The result's message for the terminal: the library's option names written as this command's flags
 * (`clientIp` as `--client-ip`), from the table every command uses (./shared-inputs.ts).
 */
function messageForCli(r: VerifyResult): string {
  return inCliTerms(r.message);
}

const iso = (d: Date): string => d.toISOString().replace(".000Z", "Z");

/** The result in plain words. */
function describe(r: VerifyResult): string {
  const lines = [
    r.valid
      ? "VALID: CloudFront would accept this request"
      : r.reason === "IP_ADDRESS_NOT_CHECKED"
        ? `NOT VALID: CloudFront would refuse this request (403) from any client outside ${r.ipAddress}, and no --client-ip was given`
        : "NOT VALID: CloudFront would refuse this request (403)",
    `reason:    ${r.reason}`,
    `why:       ${messageForCli(r)}`,
    `checked:   ${r.via === "url" ? "signed URL" : "signed cookies"}, ${r.kind} policy` +
      (r.keyPairId === undefined ? "" : `, key ${r.keyPairId}`) +
      (r.hashAlgorithm === undefined ? "" : `, ${r.hashAlgorithm === "SHA256" ? "SHA-256" : "SHA-1"}`),
  ];
  if (r.policy !== undefined || r.expiresAt !== undefined) {
    lines.push("policy:");
    lines.push(`  resource:  ${r.resource ?? "(none: every file of every distribution that trusts the key)"}`);
    if (r.expiresAt !== undefined)
      lines.push(`  valid until (not at or after): ${iso(r.expiresAt)} (DateLessThan ${r.expiresAt.getTime() / 1000})`);
    if (r.startsAt !== undefined)
      lines.push(
        `  valid from (not at or before): ${iso(r.startsAt)} (DateGreaterThan ${r.startsAt.getTime() / 1000})`,
      );
    if (r.ipAddress !== undefined) {
      lines.push(
        `  client IP: ${r.ipAddress}` +
          (r.ipAddressChecked !== false
            ? ""
            : r.valid
              ? " (not checked: --ignore-ip-address)"
              : " (not checked: pass --client-ip, or --ignore-ip-address)"),
      );
    }
  }
  if (r.policyText !== undefined) lines.push(`policy JSON: ${r.policyText}`);
  return lines.join("\n") + "\n";
}
