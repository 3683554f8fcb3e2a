/**
 * `--kms-key-id`, as every signing command (`sign`, `sign-cookies`, `playlist`, `bench`) and
 * `kms-public-key` take it: the option's help, the choice between it and `--private-key`, and
 * {@link loadKmsKey}: a `KMSClient` from the SDK's usual credential, region and endpoint chain
 * (`AWS_REGION`, `AWS_PROFILE`, `AWS_ENDPOINT_URL_KMS`, `AWS_ENDPOINT_URL`, ...).
 *
 * @module
 */
import type { KmsSigner } from "../kms.ts";
import { CfSignError } from "../errors.ts";
import { CliError } from "./report.ts";

/** The package `--kms-key-id` needs, an optional peer dependency of cfsign. */
export const KMS_PACKAGE = "@aws-sdk/client-kms";

/** The help line of `--kms-key-id`, for every signing command. */
export const KMS_KEY_OPTION_HELP = `  --kms-key-id ID             sign with an AWS KMS key instead of --private-key (key id, ARN or
                              alias/NAME; RSA_2048 or ECC_NIST_P256, SIGN_VERIFY). Region, credentials
                              and endpoint from the AWS SDK's chain (AWS_REGION, AWS_PROFILE,
                              AWS_ENDPOINT_URL_KMS, ...); needs npm install ${KMS_PACKAGE}`;

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
