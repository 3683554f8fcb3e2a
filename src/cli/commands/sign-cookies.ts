/**
 * `cfsign sign-cookies`: CloudFront signed cookies as `Set-Cookie` header values,
 * one per line (or JSON), with the same policy options as `cfsign sign`.
 *
 * @module
 */
import type { HashAlgorithm } from "../../crypto/types.ts";
import type { EngineName } from "../../engine/types.ts";
import type { SameSite } from "../../cloudfront/cookie.ts";
import { resourceCovers, validateResource } from "../../cloudfront/resource.ts";
import { validateUrl } from "../../cloudfront/url.ts";
import { parseOptions } from "../args.ts";
import type { CliIo, Command } from "../command.ts";
import { KMS_KEY_OPTION_HELP, keySource, loadKmsKey } from "../kms-key.ts";
import { CliError, EXIT, exitStatusHelp } from "../report.ts";
import {
  REFUSED_OPTIONS,
  optionNamesHint,
  parseChoice,
  parseWhen,
  readPassphrase,
  readPrivateKeyFile,
  warnOnStderr,
} from "../shared-inputs.ts";

const OPTIONS = {
  url: { type: "string" },
  "key-pair-id": { type: "string" },
  "private-key": { type: "string" },
  "kms-key-id": { type: "string" },
  "date-less-than": { type: "string" },
  "date-greater-than": { type: "string" },
  "ip-address": { type: "string" },
  "policy-resource": { type: "string" },
  "allow-any-resource": { type: "boolean" },
  "hash-algorithm": { type: "string" },
  "passphrase-env": { type: "string" },
  encode: { type: "boolean" },
  engine: { type: "string" },
  domain: { type: "string" },
  path: { type: "string" },
  "same-site": { type: "string" },
  json: { type: "boolean" },
} as const;

/** Plus one of --private-key and --kms-key-id ({@link keySource}). */
const REQUIRED = ["key-pair-id", "date-less-than"] as const;

const HELP = `Usage: cfsign sign-cookies (--url URL | --policy-resource PATTERN) --key-pair-id ID --private-key FILE
                           --date-less-than WHEN [options]

Signs a set of CloudFront signed cookies and prints one Set-Cookie header value per line
(CloudFront-Expires or CloudFront-Policy, CloudFront-Signature, CloudFront-Key-Pair-Id, and
CloudFront-Hash-Algorithm for SHA-256). The policy is canned (CloudFront-Expires: the cookies
grant exactly --url) unless --policy-resource, --date-greater-than or --ip-address is given; then
it is custom (CloudFront-Policy). The cookies carry Path=/; Secure; HttpOnly by default and no
Expires or Max-Age: the policy decides how long access lasts.

Required:
  --url URL                   the URL the cookies grant (canned policy); with --policy-resource, a URL
                              the pattern must cover (a check, not part of the cookies)
  --policy-resource PATTERN   the policy's Resource, with * and ? wildcards (custom policy), e.g.
                              'https://cdn.example.com/gallery/*'; one of --url and this is required
  --key-pair-id ID            the CloudFront public key id (or legacy key pair id), e.g. K2JCJMDEHXQW5F
  --private-key FILE          RSA-2048 or ECDSA P-256 private key: PEM (PKCS#8, PKCS#1 or SEC1;
                              encrypted PEM with --passphrase-env), PKCS#8 DER, or a private JWK
${KMS_KEY_OPTION_HELP}
  --date-less-than WHEN       end of validity (DateLessThan); must be in the future

Options:
  --date-greater-than WHEN    start of validity (DateGreaterThan): no access on or before it (custom)
  --ip-address IP[/BITS]      the IPv4 address or CIDR block allowed to use the cookies (custom)
  --allow-any-resource        allow a Resource of "*" or with a wildcard in its scheme or host
  --domain DOMAIN             the cookies' Domain, e.g. example.com for cdn.example.com (never
                              *.cloudfront.net: serve the distribution under your own domain name)
  --path PATH                 the cookies' Path (default /)
  --same-site Strict|Lax|None the cookies' SameSite (default: none sent)
  --json                      print {"kind", "cookies": {name: value}, "setCookie": [...]} as JSON
  --hash-algorithm SHA256|SHA1
                              SHA256 (default, adds CloudFront-Hash-Algorithm=SHA256) or SHA1
  --passphrase-env NAME       read the key's passphrase from environment variable NAME
                              (a passphrase is never accepted as an argument)
  --encode                    percent-encode spaces, non-ASCII and other unsafe characters of --url
  --engine wasm|js            hot-path engine (default wasm; js is the pure-TypeScript reference)
  -h, --help                  show this help

WHEN is epoch seconds (1893456000) or ISO 8601 with a zone: 2030-01-01T00:00:00Z,
2030-01-01T09:00:00+09:00, or a date alone (2030-01-01, midnight UTC).

Examples:
  # every file under /gallery/ for one hour, cookies for example.com and its subdomains
  cfsign sign-cookies --policy-resource 'https://cdn.example.com/gallery/*' --domain example.com \\
    --key-pair-id K2JCJMDEHXQW5F --private-key private_key.pem --date-less-than $(( $(date +%s) + 3600 ))

  # one download, canned policy, as JSON for a script
  cfsign sign-cookies --url https://cdn.example.com/downloads/game.zip --json \\
    --key-pair-id K2JCJMDEHXQW5F --private-key private_key.pem --date-less-than 2030-01-01

${exitStatusHelp(["BATCH_FAILED", "URL_HAS_WILDCARD", "URI_HAS_VARIABLE", "PLAYER_ADDS_QUERY"], { meanings: { [EXIT.OK]: "the cookies were printed on stdout" } })}`;

/** The `sign-cookies` subcommand. */
export const signCookiesCommand: Command = {
  name: "sign-cookies",
  summary: "print CloudFront signed cookies as Set-Cookie values (canned or custom policy)",
  help: HELP,
  run: runSignCookies,
};

async function runSignCookies(args: readonly string[], io: CliIo): Promise<number> {
  const values = parseOptions(args, OPTIONS, {
    command: "sign-cookies",
    refused: REFUSED_OPTIONS,
    positionalHint: "pass the URL with --url or the pattern with --policy-resource",
  });
  const usage = (message: string): CliError =>
    new CliError("USAGE", message, "Run 'cfsign sign-cookies --help' for usage.");

  const missing: string[] = REQUIRED.filter((name) => values[name] === undefined);
  if (values["private-key"] === undefined && values["kms-key-id"] === undefined)
    missing.splice(1, 0, "private-key (or --kms-key-id)");
  if (values.url === undefined && values["policy-resource"] === undefined)
    missing.unshift("url (or --policy-resource)");
  if (missing.length > 0) {
    throw usage(`missing required option${missing.length > 1 ? "s" : ""}: ${missing.map((n) => "--" + n).join(", ")}`);
  }
  const hashAlgorithm = parseChoice<HashAlgorithm>(
    values["hash-algorithm"],
    ["SHA256", "SHA1"],
    "hash-algorithm",
    usage,
  );
  const engine = parseChoice<EngineName>(values.engine, ["wasm", "js"], "engine", usage);
  const sameSite = parseChoice<SameSite>(values["same-site"], ["Strict", "Lax", "None"], "same-site", usage);
  if (values["allow-any-resource"] === true && values["policy-resource"] === undefined) {
    throw usage("--allow-any-resource only applies to a --policy-resource");
  }
  if (values.encode === true && values.url === undefined) throw usage("--encode applies to --url");
  const kms = keySource(values, usage) === "kms";
  const passphrase = kms ? undefined : readPassphrase(values["passphrase-env"], io, usage);
  const privateKey = kms
    ? await loadKmsKey(values["kms-key-id"]!, "sign-cookies")
    : await readPrivateKeyFile(values["private-key"]!, io.stderr);

  // Loaded here, not at the top, so that --help and --version never depend on the engine.
  const { createSigner, CfSignError } = await import("../../index.ts");
  let output: string;
  try {
    const resource = values["policy-resource"];
    let url: string | undefined;
    if (values.url !== undefined) {
      url = validateUrl(values.url, { encode: values.encode });
      if (resource !== undefined) {
        const pattern = validateResource(resource, values["allow-any-resource"] === true).pattern;
        if (!resourceCovers(pattern, url)) {
          throw new CfSignError(
            "RESOURCE_MISMATCH",
            "resource does not cover the URL given with --url, so CloudFront would refuse it",
          );
        }
      }
    }
    const signer = await createSigner({
      keyPairId: values["key-pair-id"]!,
      privateKey,
      passphrase,
      hashAlgorithm,
      engine,
      onWarning: warnOnStderr(io),
    });
    const signed = await signer.signCookies({
      resource: resource ?? url,
      expires: parseWhen(values["date-less-than"]!),
      starts: values["date-greater-than"] === undefined ? undefined : parseWhen(values["date-greater-than"]),
      ipAddress: values["ip-address"],
      allowAnyResource: values["allow-any-resource"],
      domain: values.domain,
      path: values.path,
      sameSite,
    });
    output = values.json === true ? JSON.stringify(signed, null, 2) + "\n" : signed.setCookie.join("\n") + "\n";
  } catch (err) {
    if (err instanceof CfSignError) throw CliError.withHint(err, optionNamesHint("sign-cookies", err.message));
    throw err;
  }
  io.stdout(output);
  return EXIT.OK;
}
