/**
 * `cfsign sign-cookies`: CloudFront signed cookies as `Set-Cookie` header values,
 * one per line (or JSON), with the same key and policy options as `cfsign sign`
 * (the key loaded by `loadSigner`, ../signing-options.ts).
 *
 * @module
 */
import type { SameSite } from "../../cloudfront/cookie.ts";
import { resourceCovers, validateResource } from "../../cloudfront/resource.ts";
import { validateUrl } from "../../cloudfront/url.ts";
import { CfSignError } from "../../errors.ts";
import { parseOptions } from "../args.ts";
import type { CliIo, Command } from "../command.ts";
import { EXIT, exitStatusHelp } from "../report.ts";
import { REFUSED_OPTIONS, parseChoice, parseWhen } from "../shared-inputs.ts";
import {
  KEY_OPTIONS,
  KEY_OPTIONS_HELP,
  loadSigner,
  POLICY_OPTIONS,
  usageFor,
  WHEN_HELP,
  withOptionNames,
} from "../signing-options.ts";

const OPTIONS = {
  url: { type: "string" },
  ...KEY_OPTIONS,
  ...POLICY_OPTIONS,
  encode: { type: "boolean" },
  domain: { type: "string" },
  path: { type: "string" },
  "same-site": { type: "string" },
  json: { type: "boolean" },
} as const;

/** Plus one of --private-key and --kms-key-id (checked by `loadSigner`). */
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
${KEY_OPTIONS_HELP}

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

${WHEN_HELP}

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
  const usage = usageFor("sign-cookies");

  const missing: string[] = REQUIRED.filter((name) => values[name] === undefined);
  if (values["private-key"] === undefined && values["kms-key-id"] === undefined)
    missing.splice(1, 0, "private-key (or --kms-key-id)");
  if (values.url === undefined && values["policy-resource"] === undefined)
    missing.unshift("url (or --policy-resource)");
  if (missing.length > 0) {
    throw usage(`missing required option${missing.length > 1 ? "s" : ""}: ${missing.map((n) => "--" + n).join(", ")}`);
  }
  const sameSite = parseChoice<SameSite>(values["same-site"], ["Strict", "Lax", "None"], "same-site", usage);
  if (values["allow-any-resource"] === true && values["policy-resource"] === undefined) {
    throw usage("--allow-any-resource only applies to a --policy-resource");
  }
  if (values.encode === true && values.url === undefined) throw usage("--encode applies to --url");
  const signer = await loadSigner(values, io, "sign-cookies");
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
    throw withOptionNames(err, "sign-cookies");
  }
  io.stdout(output);
  return EXIT.OK;
}
