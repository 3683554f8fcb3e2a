/**
 * The key and policy options that the signing commands share: their definitions
 * ({@link KEY_OPTIONS}, {@link POLICY_OPTIONS}) and help, the signer they load
 * ({@link loadSigner}), the policy checked once per job ({@link policyFromOptions}),
 * and library errors with hints in option names ({@link withOptionNames}).
 *
 * @module
 */
import type { HashAlgorithm } from "../crypto/types.ts";
import type { EngineName } from "../engine/types.ts";
import { CfSignError } from "../errors.ts";
import { policyConditions } from "../cloudfront/conditions.ts";
import { validateResource } from "../cloudfront/resource.ts";
import type { Signer } from "../signer.ts";
import type { OptionValues } from "./args.ts";
import type { CliIo } from "./command.ts";
import { KMS_KEY_OPTION_HELP, keySource, loadKmsKey } from "./kms-key.ts";
import { CliError } from "./report.ts";
import {
  optionNamesHint,
  parseChoice,
  parseWhen,
  readPassphrase,
  readPrivateKeyFile,
  warnOnStderr,
} from "./shared-inputs.ts";

/** The options that choose and load the key, shared by every signing command. */
export const KEY_OPTIONS = {
  "key-pair-id": { type: "string" },
  "private-key": { type: "string" },
  "kms-key-id": { type: "string" },
  "hash-algorithm": { type: "string" },
  "passphrase-env": { type: "string" },
  engine: { type: "string" },
} as const;

/** The policy options shared by every signing command. */
export const POLICY_OPTIONS = {
  "date-less-than": { type: "string" },
  "date-greater-than": { type: "string" },
  "ip-address": { type: "string" },
  "policy-resource": { type: "string" },
  "allow-any-resource": { type: "boolean" },
} as const;

/** The help's lines for the key options (shared with `playlist`). */
export const KEY_OPTIONS_HELP = `  --key-pair-id ID            the CloudFront public key id (or legacy key pair id), e.g. K2JCJMDEHXQW5F
  --private-key FILE          RSA-2048 or ECDSA P-256 private key: PEM (PKCS#8, PKCS#1 or SEC1;
                              encrypted PEM with --passphrase-env), PKCS#8 DER, or a private JWK
${KMS_KEY_OPTION_HELP}
  --date-less-than WHEN       end of validity (DateLessThan); must be in the future`;

/** The help's lines for the optional policy and key options (shared with `playlist`). */
export const POLICY_OPTIONS_HELP = `  --date-greater-than WHEN    start of validity (DateGreaterThan): no access on or before it (custom)
  --ip-address IP[/BITS]      the IPv4 address or CIDR block allowed to use the URL (custom)
  --policy-resource PATTERN   the policy's Resource, with * and ? wildcards; must cover the URL (custom)
  --allow-any-resource        allow a Resource of "*" or with a wildcard in its scheme or host
  --hash-algorithm SHA256|SHA1
                              SHA256 (default, adds Hash-Algorithm=SHA256) or SHA1 (CloudFront's
                              legacy default, no Hash-Algorithm parameter)
  --passphrase-env NAME       read the key's passphrase from environment variable NAME
                              (a passphrase is never accepted as an argument)
  --engine wasm|js            hot-path engine (default wasm; js is the pure-TypeScript reference)`;

/** The help's paragraph on WHEN (shared with `playlist`). */
export const WHEN_HELP = `WHEN is epoch seconds (1893456000) or ISO 8601 with a zone: 2030-01-01T00:00:00Z,
2030-01-01T09:00:00+09:00, or a date alone (2030-01-01, midnight UTC).`;

/** Makes the usage error of `command`, with a hint to its help. */
export const usageFor =
  (command: string) =>
  (message: string): CliError =>
    new CliError("USAGE", message, `Run 'cfsign ${command} --help' for usage.`);

/**
 * Reads the key file (or loads the KMS key) and creates the signer: what every signing command
 * (`sign`, `sign-cookies`, `playlist`, `bench`) does with its {@link KEY_OPTIONS}.
 *
 * @param values - the parsed {@link KEY_OPTIONS} (a command without `--engine` has none)
 * @param io - for `--passphrase-env`, and the warnings on stderr
 * @param command - the command's name, for hints
 * @param options - `warnings: false` leaves the signer without `onWarning` (`bench` measures signing
 *   as the library does by default, without looking at each URL's host)
 * @throws {@link CliError} `USAGE`, `KEY_FILE`, and the library's key codes with a hint
 */
export async function loadSigner(
  values: OptionValues<typeof KEY_OPTIONS>,
  io: CliIo,
  command: string,
  { warnings = true }: { warnings?: boolean } = {},
): Promise<Signer> {
  const usage = usageFor(command);
  const hashAlgorithm = parseChoice<HashAlgorithm>(
    values["hash-algorithm"],
    ["SHA256", "SHA1"],
    "hash-algorithm",
    usage,
  );
  const engine = parseChoice<EngineName>(values.engine, ["wasm", "js"], "engine", usage);
  const kms = keySource(values, usage) === "kms";
  const passphrase = kms ? undefined : readPassphrase(values["passphrase-env"], io, usage);
  const privateKey = kms
    ? await loadKmsKey(values["kms-key-id"]!, command)
    : await readPrivateKeyFile(values["private-key"]!, io.stderr);
  // Loaded here, not at the top, so that --help and --version never depend on the engine.
  const { createSigner } = await import("../index.ts");
  try {
    return await createSigner({
      keyPairId: values["key-pair-id"]!,
      privateKey,
      passphrase,
      hashAlgorithm,
      engine,
      onWarning: warnings ? warnOnStderr(io) : undefined,
    });
  } catch (err) {
    throw withOptionNames(err, command);
  }
}

/** The policy options of a bulk job, checked once before the first item. */
export interface BulkPolicy {
  readonly expires: number;
  readonly starts: number | undefined;
  readonly ipAddress: string | undefined;
  readonly resource: string | undefined;
  readonly allowAnyResource: boolean | undefined;
}

/**
 * Checks the policy options once, in the library's order (expires, starts,
 * IP address, resource), so that a bad date fails the job with one message
 * instead of every one of its URLs.
 *
 * @param values - the parsed {@link POLICY_OPTIONS}
 * @param command - the command's name, for hints
 * @param nowSeconds - the current time
 * @throws {@link CliError} with the library's code (`EXPIRES_IN_PAST`, `INVALID_DATE`, ...) and a hint
 */
export function policyFromOptions(
  values: OptionValues<typeof POLICY_OPTIONS>,
  command: string,
  nowSeconds = Date.now() / 1000,
): BulkPolicy {
  try {
    const startsText = values["date-greater-than"];
    const { expires, starts, ipAddress } = policyConditions(
      {
        expires: parseWhen(values["date-less-than"]!),
        starts: startsText === undefined ? undefined : parseWhen(startsText),
        ipAddress: values["ip-address"],
      },
      nowSeconds,
    );
    const resourceText = values["policy-resource"];
    const allowAnyResource = values["allow-any-resource"];
    const resource =
      resourceText === undefined ? undefined : validateResource(resourceText, allowAnyResource === true).pattern;
    return { expires, starts, ipAddress, resource, allowAnyResource };
  } catch (err) {
    throw withOptionNames(err, command);
  }
}

/** A library error with a hint naming the command-line options its message calls by their API names. */
export function withOptionNames(err: unknown, command: string): unknown {
  return err instanceof CfSignError ? CliError.withHint(err, optionNamesHint(command, err.message)) : err;
}
