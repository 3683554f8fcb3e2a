/**
 * `cfsign kms-public-key`: prints the SPKI PEM of an AWS KMS key, checked as a
 * CloudFront signing key, to upload to CloudFront. Also {@link loadKmsKey},
 * which `--kms-key-id` of `sign`, `sign-cookies` and `playlist` uses: a
 * `KMSClient` from the SDK's usual credential, region and endpoint chain
 * (`AWS_REGION`, `AWS_PROFILE`, `AWS_ENDPOINT_URL_KMS`, `AWS_ENDPOINT_URL`, ...).
 *
 * @module
 */
import type { KmsSigner } from "../kms.ts";
import { CfSignError } from "../errors.ts";
import { parseOptions } from "./args.ts";
import type { CliIo, Command } from "./command.ts";
import { CliError, EXIT } from "./report.ts";
import { REFUSED_OPTIONS } from "./shared-inputs.ts";

/** The package `--kms-key-id` needs, an optional peer dependency of cfsign. */
export const KMS_PACKAGE = "@aws-sdk/client-kms";

/** The help line of `--kms-key-id`, for every signing command. */
export const KMS_KEY_OPTION_HELP = `  --kms-key-id ID             sign with an AWS KMS key instead of --private-key (key id, ARN or
                              alias/NAME; RSA_2048 or ECC_NIST_P256, SIGN_VERIFY). Region, credentials
                              and endpoint from the AWS SDK's chain (AWS_REGION, AWS_PROFILE,
                              AWS_ENDPOINT_URL_KMS, ...); needs npm install ${KMS_PACKAGE}`;

const OPTIONS = {
  "kms-key-id": { type: "string" },
  json: { type: "boolean" },
} as const;

const HELP = `Usage: cfsign kms-public-key --kms-key-id ID [--json]

Prints the public key of an AWS KMS key as SPKI PEM, the form CloudFront's public keys take,
after checking that CloudFront can use the key (RSA_2048 or ECC_NIST_P256, usage SIGN_VERIFY).
One GetPublicKey request; the private key never leaves KMS.

Options:
  --kms-key-id ID             key id, key ARN, alias/NAME or alias ARN
  --json                      print {"keyArn", "keySpec", "signingAlgorithm", "publicKey"} instead
  -h, --help                  show this help

Region, credentials and endpoint come from the AWS SDK's usual chain: AWS_REGION, AWS_PROFILE,
AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, instance and container roles, AWS_ENDPOINT_URL_KMS or
AWS_ENDPOINT_URL. Needs the package ${KMS_PACKAGE} (npm install ${KMS_PACKAGE}).

Examples:
  cfsign kms-public-key --kms-key-id alias/cloudfront-signing > public_key.pem
  aws cloudfront create-public-key --public-key-config \\
    "CallerReference=$(date +%s),Name=kms-signing,EncodedKey=$(cat public_key.pem)"

Exit status (errors go to stderr as 'cfsign: CODE: message'; stdout stays empty):
  0  the public key was printed on stdout
  2  usage error, the package missing, or a key CloudFront cannot use:
      USAGE, UNSUPPORTED_KEY, KEY_UNAVAILABLE (access denied, not found, disabled, no credentials)
  3  KMS failed otherwise, or a bug: ABORTED, INTERNAL
`;

/** `cfsign kms-public-key`. */
export const kmsPublicKeyCommand: Command = {
  name: "kms-public-key",
  summary: "print the SPKI PEM of an AWS KMS key, to upload to CloudFront",
  help: HELP,
  run: runKmsPublicKey,
};

async function runKmsPublicKey(args: readonly string[], io: CliIo): Promise<number> {
  const values = parseOptions(args, OPTIONS, { command: "kms-public-key", refused: REFUSED_OPTIONS });
  if (values["kms-key-id"] === undefined) {
    throw new CliError(
      "USAGE",
      "missing required option: --kms-key-id",
      "Run 'cfsign kms-public-key --help' for usage.",
    );
  }
  const key = await loadKmsKey(values["kms-key-id"], "kms-public-key");
  io.stdout(
    values.json === true
      ? JSON.stringify({
          keyArn: key.keyArn,
          keySpec: key.keySpec,
          signingAlgorithm: key.signingAlgorithm,
          publicKey: key.publicKeyPem,
        }) + "\n"
      : key.publicKeyPem,
  );
  return EXIT.OK;
}

/**
 * Which key option was given: `--private-key` or `--kms-key-id`, exactly one.
 *
 * @param values - the parsed key options
 * @param usage - makes the command's usage error
 * @returns `"file"` or `"kms"`
 * @throws {@link CliError} `USAGE` for none, both, or `--passphrase-env` with a KMS key
 */
export function keySource(
  values: {
    "private-key"?: string | undefined;
    "kms-key-id"?: string | undefined;
    "passphrase-env"?: string | undefined;
  },
  usage: (message: string) => CliError,
): "file" | "kms" {
  const file = values["private-key"] !== undefined;
  const kms = values["kms-key-id"] !== undefined;
  if (file && kms) throw usage("give --private-key FILE or --kms-key-id ID, not both");
  if (!file && !kms) throw usage("missing required option: --private-key (or --kms-key-id)");
  if (kms && values["passphrase-env"] !== undefined)
    throw usage("--passphrase-env applies to an encrypted --private-key, not to --kms-key-id");
  return kms ? "kms" : "file";
}

/**
 * Loads `@aws-sdk/client-kms`, creates a client from the SDK's default chain and reads the key.
 * The client makes one attempt per request; cfsign's signer retries (backoff with jitter).
 *
 * @param keyId - the `--kms-key-id` value
 * @param command - the command's name, for hints
 * @returns the KMS signer, for `createSigner({ privateKey })`
 * @throws {@link CliError} `USAGE` when the package is missing or no region is set; the library's
 *   `UNSUPPORTED_KEY`, `KEY_UNAVAILABLE` with a hint
 */
export async function loadKmsKey(keyId: string, command: string): Promise<KmsSigner> {
  let sdk: typeof import("@aws-sdk/client-kms");
  try {
    sdk = await import("@aws-sdk/client-kms");
  } catch (err) {
    const missing =
      (err as { code?: unknown }).code === "ERR_MODULE_NOT_FOUND" &&
      String((err as Error).message).includes(`'${KMS_PACKAGE}'`);
    throw new CliError(
      "USAGE",
      missing
        ? `--kms-key-id needs the package ${KMS_PACKAGE}, which is not installed`
        : `--kms-key-id needs the package ${KMS_PACKAGE}, which could not be loaded`,
      `Install it beside cfsign: npm install ${KMS_PACKAGE}`,
      err,
    );
  }
  const { kmsSigner } = await import("../kms.ts");
  try {
    return await kmsSigner({ client: new sdk.KMSClient({ maxAttempts: 1 }), keyId });
  } catch (err) {
    if (err instanceof CfSignError) {
      const cause = err.cause as { message?: unknown } | undefined;
      if (typeof cause?.message === "string" && /region is missing/i.test(cause.message)) {
        throw new CliError(
          "USAGE",
          "no AWS region is set for KMS",
          "Set AWS_REGION (or a region in your AWS profile).",
          err,
        );
      }
      throw CliError.withHint(
        err,
        err.code === "UNSUPPORTED_KEY"
          ? `Run 'cfsign kms-public-key --help': CloudFront needs an RSA_2048 or ECC_NIST_P256 SIGN_VERIFY key.`
          : `Run 'cfsign ${command} --help' for how the region, credentials and endpoint are found.`,
      );
    }
    throw err;
  }
}
