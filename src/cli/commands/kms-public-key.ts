/**
 * `cfsign kms-public-key`: prints the SPKI PEM of an AWS KMS key, checked as a
 * CloudFront signing key, to upload to CloudFront. The key is loaded as
 * `--kms-key-id` of every signing command loads it (../kms-key.ts).
 *
 * @module
 */
import { parseOptions } from "../args.ts";
import type { CliIo, Command } from "../command.ts";
import { CliError, EXIT } from "../report.ts";
import { KMS_PACKAGE, loadKmsKey } from "../kms-key.ts";
import { REFUSED_OPTIONS } from "../shared-inputs.ts";

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
