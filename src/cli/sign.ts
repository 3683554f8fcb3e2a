/**
 * `cfsign sign`: one signed URL on stdout, modelled on `aws cloudfront sign`.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import type { HashAlgorithm, PrivateKeyInput } from "../crypto/types.js";
import type { EngineName } from "../engine/types.js";
import { parseOptions } from "./args.js";
import type { CliIo, Command } from "./command.js";
import { CliError, EXIT, exitStatusHelp } from "./report.js";

const OPTIONS = {
  url: { type: "string" },
  "key-pair-id": { type: "string" },
  "private-key": { type: "string" },
  "date-less-than": { type: "string" },
  "date-greater-than": { type: "string" },
  "ip-address": { type: "string" },
  "policy-resource": { type: "string" },
  "allow-any-resource": { type: "boolean" },
  "hash-algorithm": { type: "string" },
  "passphrase-env": { type: "string" },
  encode: { type: "boolean" },
  engine: { type: "string" },
} as const;

const REQUIRED = ["url", "key-pair-id", "private-key", "date-less-than"] as const;

const NO_PASSPHRASE_ARGUMENT =
  "a passphrase on the command line shows in ps and in shell history; put it in an environment variable " +
  "and pass the variable's name with --passphrase-env NAME";

/** Codes `sign` never produces, left out of its help. */
const NOT_FROM_SIGN = ["BATCH_FAILED", "COOKIE_DOMAIN_NOT_ALLOWED", "INVALID_COOKIE_ATTRIBUTE", "COOKIE_TOO_LARGE"];

const HELP = `Usage: cfsign sign --url URL --key-pair-id ID --private-key FILE --date-less-than WHEN [options]

Signs one URL for Amazon CloudFront and prints the signed URL on stdout, followed by a newline.
The policy is canned (Expires=...) unless --date-greater-than, --ip-address or --policy-resource
is given; then it is custom (Policy=...).

Required:
  --url URL                   the URL exactly as clients will request it: https://host/path[?query],
                              percent-encoded, without a #fragment or CloudFront's signing parameters
  --key-pair-id ID            the CloudFront public key id (or legacy key pair id), e.g. K2JCJMDEHXQW5F
  --private-key FILE          RSA-2048 or ECDSA P-256 private key: PEM (PKCS#8, PKCS#1 or SEC1;
                              encrypted PEM with --passphrase-env), PKCS#8 DER, or a private JWK
  --date-less-than WHEN       end of validity (DateLessThan); must be in the future

Options:
  --date-greater-than WHEN    start of validity (DateGreaterThan): no access on or before it (custom)
  --ip-address IP[/BITS]      the IPv4 address or CIDR block allowed to use the URL (custom)
  --policy-resource PATTERN   the policy's Resource, with * and ? wildcards; must cover --url (custom)
  --allow-any-resource        allow a Resource of "*" or with a wildcard in its scheme or host
  --hash-algorithm SHA256|SHA1
                              SHA256 (default, adds Hash-Algorithm=SHA256) or SHA1 (CloudFront's
                              legacy default, no Hash-Algorithm parameter)
  --passphrase-env NAME       read the key's passphrase from environment variable NAME
                              (a passphrase is never accepted as an argument)
  --encode                    percent-encode spaces, non-ASCII and other unsafe characters of --url,
                              and sign and print the encoded URL (default: refuse them)
  --engine wasm|js            hot-path engine (default wasm; js is the pure-TypeScript reference)
  -h, --help                  show this help

WHEN is epoch seconds (1893456000) or ISO 8601 with a zone: 2030-01-01T00:00:00Z,
2030-01-01T09:00:00+09:00, or a date alone (2030-01-01, midnight UTC).

Examples:
  # canned policy: this one URL until 1 January 2030
  cfsign sign --url https://d111111abcdef8.cloudfront.net/photos/2024/kyoto/IMG_0412.jpg \\
    --key-pair-id K2JCJMDEHXQW5F --private-key private_key.pem --date-less-than 2030-01-01T00:00:00Z

  # valid for one hour from now (POSIX shell arithmetic)
  cfsign sign --url https://d111111abcdef8.cloudfront.net/report.pdf \\
    --key-pair-id K2JCJMDEHXQW5F --private-key private_key.pem --date-less-than $(( $(date +%s) + 3600 ))

  # custom policy: every video under /videos/, from one network, during December 2029
  cfsign sign --url https://d111111abcdef8.cloudfront.net/videos/intro.mp4 \\
    --policy-resource 'https://d111111abcdef8.cloudfront.net/videos/*' --ip-address 192.0.2.0/24 \\
    --date-greater-than 2029-12-01 --date-less-than 2030-01-01 \\
    --key-pair-id K2JCJMDEHXQW5F --private-key private_key.pem

  # encrypted key: the passphrase comes from the environment
  read -rs CFSIGN_PASSPHRASE && export CFSIGN_PASSPHRASE
  cfsign sign --url https://d111111abcdef8.cloudfront.net/a.jpg --key-pair-id K2JCJMDEHXQW5F \\
    --private-key encrypted.pem --passphrase-env CFSIGN_PASSPHRASE --date-less-than 2030-01-01

${exitStatusHelp(NOT_FROM_SIGN)}`;

/** The `sign` subcommand. */
export const signCommand: Command = {
  name: "sign",
  summary: "print one signed URL (canned or custom policy)",
  help: HELP,
  run: runSign,
};

async function runSign(args: readonly string[], io: CliIo): Promise<number> {
  const values = parseOptions(args, OPTIONS, {
    command: "sign",
    refused: { passphrase: NO_PASSPHRASE_ARGUMENT, password: NO_PASSPHRASE_ARGUMENT },
    positionalHint: "pass the URL with --url",
  });
  const usage = (message: string): CliError => new CliError("USAGE", message, "Run 'cfsign sign --help' for usage.");

  const missing = REQUIRED.filter((name) => values[name] === undefined);
  if (missing.length > 0) {
    throw usage(`missing required option${missing.length > 1 ? "s" : ""}: ${missing.map((n) => "--" + n).join(", ")}`);
  }
  const hashAlgorithm = parseChoice<HashAlgorithm>(values["hash-algorithm"], ["SHA256", "SHA1"], "hash-algorithm", usage);
  const engine = parseChoice<EngineName>(values.engine, ["wasm", "js"], "engine", usage);
  if (values["allow-any-resource"] === true && values["policy-resource"] === undefined) {
    throw usage("--allow-any-resource only applies to a --policy-resource");
  }
  const passphrase = readPassphrase(values["passphrase-env"], io, usage);
  const privateKey = await readKeyFile(values["private-key"]!);

  // Loaded here, not at the top, so that --help and --version never depend on the engine.
  const { createSigner, CfSignError } = await import("../index.js");
  let url: string;
  try {
    const signer = await createSigner({ keyPairId: values["key-pair-id"]!, privateKey, passphrase, hashAlgorithm, engine });
    url = await signer.signUrl(values.url!, {
      expires: parseWhen(values["date-less-than"]!),
      starts: values["date-greater-than"] === undefined ? undefined : parseWhen(values["date-greater-than"]),
      ipAddress: values["ip-address"],
      resource: values["policy-resource"],
      allowAnyResource: values["allow-any-resource"],
      encode: values.encode,
    });
  } catch (err) {
    if (err instanceof CfSignError) throw CliError.withHint(err, optionNamesHint(err.message));
    throw err;
  }
  io.stdout(url + "\n");
  return EXIT.OK;
}

/** The library's messages name its API options; say which command-line options they are. */
const API_TO_CLI: readonly (readonly [RegExp, string])[] = [
  [/\bexpires\b/, "expires is --date-less-than"],
  [/\bstarts\b/, "starts is --date-greater-than"],
  [/\bipAddress\b/, "ipAddress is --ip-address"],
  [/\bresource\b/, "resource is --policy-resource"],
  [/\ballowAnyResource\b/, "allowAnyResource: true is --allow-any-resource"],
  [/\bencode: true\b/, "encode: true is --encode"],
  [/\bkeyPairId\b/, "keyPairId is --key-pair-id"],
  [/\bhashAlgorithm\b/, "hashAlgorithm is --hash-algorithm"],
  [/\bpassphrase\b/, "the passphrase comes from --passphrase-env NAME"],
];

function optionNamesHint(message: string): string | undefined {
  const found = API_TO_CLI.filter(([pattern]) => pattern.test(message)).map(([, text]) => text);
  return found.length === 0 ? undefined : `In 'cfsign sign': ${found.join("; ")}.`;
}

/** Epoch seconds when all digits (the library refuses milliseconds), else an ISO-8601 string for the library to check. */
function parseWhen(text: string): number | string {
  return /^[0-9]+$/.test(text) ? Number(text) : text;
}

function parseChoice<T extends string>(
  given: string | undefined,
  choices: readonly T[],
  option: string,
  usage: (message: string) => CliError,
): T | undefined {
  if (given === undefined) return undefined;
  const found = choices.find((c) => c.toLowerCase() === given.toLowerCase());
  if (found === undefined) throw usage(`--${option} must be ${choices.join(" or ")}`);
  return found;
}

function readPassphrase(
  variable: string | undefined,
  io: CliIo,
  usage: (message: string) => CliError,
): string | undefined {
  if (variable === undefined) return undefined;
  // The name is not echoed: someone who misread the option may have typed the passphrase itself.
  const value = io.env[variable];
  if (value === undefined) {
    throw usage(
      "--passphrase-env names an environment variable that is not set; export it first " +
        "(the option takes the variable's name, such as CFSIGN_PASSPHRASE, not the passphrase)",
    );
  }
  if (value === "") throw usage("the environment variable named by --passphrase-env is empty");
  return value;
}

/**
 * Reads the key file as PEM text, a JWK object or DER bytes; the library
 * decides whether it is a usable key.
 *
 * @throws {@link CliError} `KEY_FILE` with the path (never the content)
 */
async function readKeyFile(path: string): Promise<PrivateKeyInput> {
  const where = `the private key file ${JSON.stringify(path)}`;
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new CliError("KEY_FILE", `cannot read ${where}: ${describeFsError(err)}`);
  }
  const head = bytes.subarray(0, 4096).toString("latin1");
  if (head.includes("-----BEGIN")) return bytes.toString("utf8");
  if (head.trimStart().startsWith("{")) {
    try {
      return JSON.parse(bytes.toString("utf8")) as JsonWebKey;
    } catch {
      // JSON.parse's message quotes the text around the error: key material.
      throw new CliError("KEY_FILE", `${where} starts like a JWK but is not valid JSON`);
    }
  }
  if (bytes.length === 0) throw new CliError("KEY_FILE", `${where} is empty`);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function describeFsError(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "it is a directory";
    case "ENOTDIR":
      return "a part of the path is not a directory";
    default:
      return typeof code === "string" ? code : "read failed";
  }
}
