/**
 * `cfsign keygen`: a new key pair for CloudFront, the two kinds it accepts
 * (RSA-2048 or ECDSA P-256, Developer Guide `private-content-trusted-signers`), made with
 * node:crypto `generateKeyPair`. The private key is written as PKCS#8 PEM,
 * mode 0600, created exclusively (never over an existing file without
 * `--force`, and then by an atomic rename); the public key as SPKI PEM, the
 * form the CloudFront console and `aws cloudfront create-public-key` take.
 *
 * @module
 */
import { generateKeyPair } from "node:crypto";
import { mkdir, open, rename, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { parseOptions } from "../args.ts";
import type { CliIo, Command } from "../command.ts";
import { describeFsError } from "../io.ts";
import { tempNameFor } from "../output.ts";
import { CliError, EXIT } from "../report.ts";

const OPTIONS = {
  type: { type: "string" },
  out: { type: "string" },
  force: { type: "boolean" },
  json: { type: "boolean" },
} as const;

/** The private key's file name: the names the CloudFront guide uses in its openssl examples. */
const PRIVATE_KEY_FILE = "private_key.pem";
/** The public key's file name (SPKI PEM). */
const PUBLIC_KEY_FILE = "public_key.pem";

const HELP = `Usage: cfsign keygen --type rsa|ecdsa --out DIR [--force] [--json]

Generates a key pair for CloudFront signed URLs and cookies and writes two files into DIR
(created if missing, mode 0700):

  ${PRIVATE_KEY_FILE}   the private key, PKCS#8 PEM, mode 0600: for cfsign --private-key; keep it secret
  ${PUBLIC_KEY_FILE}    the public key, SPKI PEM: upload it to CloudFront

Then prints the next steps (upload the public key, put it in a key group, trust the key group in
the distribution's cache behaviour, sign with the key's id).

Options:
  --type rsa|ecdsa            rsa: RSA-2048 (every CloudFront key group accepts it);
                              ecdsa: ECDSA P-256 (smaller, faster signatures; accepted since 2025)
  --out DIR                   the directory to write into
  --force                     replace existing key files (atomically); without it, keygen never
                              overwrites a key
  --json                      print the paths and key type as a JSON object instead of the steps
  -h, --help                  show this help

Examples:
  # an ECDSA P-256 key pair in ./keys
  cfsign keygen --type ecdsa --out keys

  # RSA-2048, replacing a previous pair
  cfsign keygen --type rsa --out /etc/myapp/cloudfront --force

Exit status (errors go to stderr as 'cfsign: CODE: message'):
  0  both files were written and the next steps printed on stdout
  2  usage error (USAGE), or a key file exists (OUTPUT: pass --force to replace it) or cannot be
     written (OUTPUT)
  3  key generation failed on this platform, or a bug (INTERNAL)
`;

/** The `keygen` subcommand. */
export const keygenCommand: Command = {
  name: "keygen",
  summary: "generate an RSA-2048 or ECDSA P-256 key pair to upload to CloudFront",
  help: HELP,
  run: runKeygen,
};

const usage = (message: string): CliError => new CliError("USAGE", message, "Run 'cfsign keygen --help' for usage.");

async function runKeygen(args: readonly string[], io: CliIo): Promise<number> {
  const values = parseOptions(args, OPTIONS, {
    command: "keygen",
    positionalHint: "give the directory with --out DIR",
  });
  const missing = (["type", "out"] as const).filter((n) => values[n] === undefined);
  if (missing.length > 0) {
    throw usage(`missing required option${missing.length > 1 ? "s" : ""}: ${missing.map((n) => "--" + n).join(", ")}`);
  }
  const type = values.type!.toLowerCase();
  if (type !== "rsa" && type !== "ecdsa") throw usage("--type must be rsa (RSA-2048) or ecdsa (ECDSA P-256)");
  const dir = values.out!;
  const privatePath = join(dir, PRIVATE_KEY_FILE);
  const publicPath = join(dir, PUBLIC_KEY_FILE);
  const force = values.force === true;

  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new CliError("OUTPUT", `cannot create the --out directory: ${describeFsError(err)}`);
  }
  if (!force) {
    // Checked for both before writing either, so that a refusal leaves no mismatched half of a pair.
    for (const path of [privatePath, publicPath]) {
      if (await exists(path)) {
        throw new CliError(
          "OUTPUT",
          `${JSON.stringify(path)} already exists; keygen never overwrites a key (pass --force to replace the pair)`,
        );
      }
    }
  }

  const generate = promisify(generateKeyPair);
  let privatePem: string;
  let publicPem: string;
  try {
    const pair =
      type === "rsa"
        ? await generate("rsa", { modulusLength: 2048, publicExponent: 0x10001 })
        : await generate("ec", { namedCurve: "prime256v1" });
    privatePem = pair.privateKey.export({ type: "pkcs8", format: "pem" }) as string;
    publicPem = pair.publicKey.export({ type: "spki", format: "pem" }) as string;
  } catch (err) {
    throw new CliError("INTERNAL", "generating the key pair failed on this platform", undefined, err);
  }

  await writeKeyFile(privatePath, privatePem, 0o600, force);
  try {
    await writeKeyFile(publicPath, publicPem, 0o644, force);
  } catch (err) {
    // Never leave a private key whose public half is missing (unless it replaced one: then it is already in place).
    if (!force) await unlink(privatePath).catch(() => undefined);
    throw err;
  }

  const kind = type === "rsa" ? "RSA-2048" : "ECDSA P-256";
  if (values.json === true) {
    io.stdout(
      JSON.stringify({
        type: type === "rsa" ? "RSA-2048" : "ECDSA-P256",
        privateKey: privatePath,
        publicKey: publicPath,
      }) + "\n",
    );
    return EXIT.OK;
  }
  io.stdout(`Wrote a new ${kind} key pair:
  ${privatePath}  private key (PKCS#8 PEM, mode 0600): keep it secret, never commit it
  ${publicPath}   public key (SPKI PEM): upload this one to CloudFront

Next steps:
  1. Upload the public key: CloudFront console > Key management > Public keys > Create public key,
     and paste the contents of ${publicPath}
     (or: aws cloudfront create-public-key --public-key-config file://public-key-config.json,
     with Name, CallerReference and EncodedKey set to the PEM text).
     CloudFront shows the key's ID, such as K2JCJMDEHXQW5F: that is your --key-pair-id.
  2. Create a key group that contains it: Key management > Key groups > Create key group
     (aws cloudfront create-key-group).
  3. Trust the key group where the private content is served: Distributions > your distribution >
     Behaviors > Edit > Restrict viewer access: Yes > Trusted authorization type: Trusted key groups,
     and choose the key group (aws cloudfront update-distribution, TrustedKeyGroups).
  4. Sign URLs with the private key and the key's ID:
     cfsign sign --url https://d111111abcdef8.cloudfront.net/private/file.mp4 \\
       --key-pair-id <KEY ID> --private-key ${privatePath} --date-less-than 2030-01-01
`);
  return EXIT.OK;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if ((err as { code?: unknown }).code === "ENOENT") return false;
    throw new CliError("OUTPUT", `cannot check ${JSON.stringify(path)}: ${describeFsError(err)}`);
  }
}

/**
 * Writes a key file created exclusively (`O_CREAT | O_EXCL`) with `mode`.
 * With `replace`, it is written to a new temporary file the same way and
 * renamed over the old one, so an existing key is never half-overwritten.
 */
async function writeKeyFile(path: string, pem: string, mode: number, replace: boolean): Promise<void> {
  const target = replace ? tempNameFor(path) : path;
  let handle;
  try {
    handle = await open(target, "wx", mode);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw new CliError(
      "OUTPUT",
      code === "EEXIST"
        ? `${JSON.stringify(path)} already exists; keygen never overwrites a key (pass --force to replace the pair)`
        : `cannot create ${JSON.stringify(path)}: ${describeFsError(err)}`,
    );
  }
  try {
    // The umask can only remove permission bits; chmod makes the mode exact even under a permissive umask.
    await handle.chmod(mode);
    await handle.writeFile(pem, "utf8");
    await handle.sync();
    await handle.close();
    if (replace) await rename(target, path);
  } catch (err) {
    await handle.close().catch(() => undefined);
    await unlink(target).catch(() => undefined);
    throw new CliError("OUTPUT", `writing ${JSON.stringify(path)} failed: ${describeFsError(err)}`);
  }
}
