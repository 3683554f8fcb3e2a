/**
 * Inputs that `sign-cookies` and `verify` read the way `sign` does: key files,
 * the passphrase variable, times and one-of choices. The rules are the same
 * as `cfsign sign`'s (src/cli/commands/sign.ts): a key file's path may be shown, its
 * content never; a passphrase comes only from an environment variable whose
 * name is not echoed.
 *
 * @module
 */
import { open } from "node:fs/promises";
import { countPrivateKeyBlocks } from "../crypto/key-checks.ts";
import type { JsonWebKeyLike, PrivateKeyInput } from "../crypto/types.ts";
import type { CliIo } from "./command.ts";
import type { SignWarning } from "../types.ts";
import { describeFsError } from "./io.ts";
import { CliError } from "./report.ts";

const NO_PASSPHRASE_ARGUMENT =
  "a passphrase on the command line shows in ps and in shell history; put it in an environment variable " +
  "and pass the variable's name with --passphrase-env NAME";

/** Options refused by every signing command, with the reason. */
export const REFUSED_OPTIONS: Readonly<Record<string, string>> = {
  passphrase: NO_PASSPHRASE_ARGUMENT,
  password: NO_PASSPHRASE_ARGUMENT,
};

/** Epoch seconds when all digits (the library refuses milliseconds), else an ISO-8601 string for the library to check. */
export function parseWhen(text: string): number | string {
  return /^[0-9]+$/.test(text) ? Number(text) : text;
}

/** One of `choices` (case-insensitive), or `undefined` when not given. */
export function parseChoice<T extends string>(
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

/** The passphrase from the environment variable named by `--passphrase-env`. */
export function readPassphrase(
  variable: string | undefined,
  io: CliIo,
  usage: (message: string) => CliError,
): string | undefined {
  if (variable === undefined) return undefined;
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
 * The most bytes a key file may have. A PEM RSA-4096 key is about 3.3 KB and a
 * JWK about 3.2 KB; a file a hundred times larger is not a key, and reading on
 * (`/dev/zero`, a disk image) would only exhaust memory.
 */
const MAX_KEY_FILE_BYTES = 256 * 1024;

/** A key file's bytes, read through one descriptor: never more than {@link MAX_KEY_FILE_BYTES}. */
async function readKeyBytes(path: string, what: string, warn?: (text: string) => void): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (err) {
    throw new CliError("KEY_FILE", `cannot read ${what}: ${describeFsError(err)}`);
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw Object.assign(new Error("directory"), { code: "EISDIR" });
    // As ssh does: a private key others can read is no longer private. A warning, not a refusal:
    // the key may be on a file system without permissions (a mounted volume, a container secret).
    if (warn !== undefined && process.platform !== "win32" && info.isFile() && (info.mode & 0o077) !== 0) {
      warn(
        `cfsign: warning: ${what} is accessible by other users (permissions ${(info.mode & 0o777).toString(8).padStart(4, "0")}); ` +
          "a private key should be readable by its owner only: chmod 600 it\n",
      );
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buffer = Buffer.alloc(64 * 1024);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > MAX_KEY_FILE_BYTES) {
        throw new CliError(
          "KEY_FILE",
          `${what} is larger than ${MAX_KEY_FILE_BYTES / 1024} KiB, which no key file is; is it the right file?`,
        );
      }
      chunks.push(buffer.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks, total);
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError("KEY_FILE", `cannot read ${what}: ${describeFsError(err)}`);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** PEM private key blocks: PKCS#8 (plain or encrypted), PKCS#1 RSA, SEC1 EC, and the like. */

/**
 * Reads a private key file as PEM text, a JWK object or DER bytes; the library
 * decides whether it is a usable key. Refuses a file of more than
 * {@link MAX_KEY_FILE_BYTES} and a PEM file holding more than one private key
 * (which one would be meant?); warns through `warn` when the file is
 * accessible by other users.
 *
 * @param path - the `--private-key` path
 * @param warn - where a warning goes (standard error)
 * @throws {@link CliError} `KEY_FILE` with the path (never the content)
 */
export async function readPrivateKeyFile(path: string, warn?: (text: string) => void): Promise<PrivateKeyInput> {
  const where = `the private key file ${shownPath(path, "--private-key")}`;
  const bytes = await readKeyBytes(path, where, warn);
  const head = bytes.subarray(0, 4096).toString("latin1");
  if (head.includes("-----BEGIN")) {
    const text = bytes.toString("utf8");
    const keys = countPrivateKeyBlocks(text);
    if (keys > 1) {
      throw new CliError(
        "KEY_FILE",
        `${where} holds ${keys} private keys; keep one key per file, so that it is clear which one signs`,
      );
    }
    return text;
  }
  if (head.trimStart().startsWith("{")) return parseJwk(bytes, where);
  if (bytes.length === 0) throw new CliError("KEY_FILE", `${where} is empty`);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Reads a public key file: SPKI PEM (what CloudFront's key groups hold), PKCS#1
 * `RSA PUBLIC KEY` PEM, or a public JWK.
 *
 * @throws {@link CliError} `KEY_FILE` with the path (never the content)
 */
export async function readPublicKeyFile(path: string): Promise<string | JsonWebKeyLike> {
  const where = `the public key file ${shownPath(path, "--public-key")}`;
  const bytes = await readKeyBytes(path, where);
  const head = bytes.subarray(0, 4096).toString("latin1");
  if (head.includes("-----BEGIN")) return bytes.toString("utf8");
  if (head.trimStart().startsWith("{")) return parseJwk(bytes, where);
  throw new CliError("KEY_FILE", `${where} is neither PEM (-----BEGIN PUBLIC KEY-----) nor a JWK`);
}

/**
 * A key file's path as messages show it, quoted; refused unshown when it looks like a key
 * pasted where the path belongs (`--private-key="$(cat key.pem)"`), which would otherwise
 * be echoed whole on stderr: PEM, a JWK, or a long run of base64 (DER).
 */
function shownPath(path: string, option: string): string {
  const pasted =
    /-----(?:BEGIN|END)|[\r\n]/.test(path) ||
    path.trimStart().startsWith("{") ||
    (path.length >= 100 &&
      /^[A-Za-z0-9+/=_-]+$/.test(path) &&
      /[0-9]/.test(path) &&
      /[A-Z]/.test(path) &&
      /[a-z]/.test(path));
  if (pasted) {
    throw new CliError(
      "KEY_FILE",
      `${option} takes the path of a key file, but its value looks like a key itself (not shown); ` +
        "save the key in a file and pass the file's path",
    );
  }
  return JSON.stringify(path);
}

function parseJwk(bytes: Buffer, where: string): JsonWebKey {
  try {
    return JSON.parse(bytes.toString("utf8")) as JsonWebKey;
  } catch {
    // JSON.parse's message quotes the text around the error: possibly key material.
    throw new CliError("KEY_FILE", `${where} starts like a JWK but is not valid JSON`);
  }
}

/**
 * The library's messages name its API options; say which command-line options they are. The third element,
 * when present, is the flag that can stand in the message in place of the API name (see {@link inCliTerms}).
 */
const API_TO_CLI: readonly (readonly [RegExp, string, string?])[] = [
  [/\bexpires\b/, "expires is --date-less-than"],
  [/\bstarts\b/, "starts is --date-greater-than"],
  [/\bipAddress\b/, "ipAddress is --ip-address"],
  [/\bresource\b/, "resource is --policy-resource (or --url)"],
  [/\ballowAnyResource\b/, "allowAnyResource: true is --allow-any-resource"],
  [/\bencode: true\b/, "encode: true is --encode"],
  [/\bkeyPairId\b/, "keyPairId is --key-pair-id"],
  [/\bhashAlgorithm\b/, "hashAlgorithm is --hash-algorithm"],
  [/\bpassphrase\b/, "the passphrase comes from --passphrase-env NAME"],
  [/\bdomain\b/, "domain is --domain"],
  [/\bpath must\b/, "path is --path"],
  [/\bsameSite\b/, "sameSite is --same-site"],
  [/\bclientIp\b/, "clientIp is --client-ip", "--client-ip"],
  [/\bignoreIpAddress(?:: true)?/, "ignoreIpAddress: true is --ignore-ip-address", "--ignore-ip-address"],
  [/\bnow\b/, "now is --now"],
];

/** A hint line naming the command-line options behind the API names in `message`. */
export function optionNamesHint(command: string, message: string): string | undefined {
  const found = API_TO_CLI.filter(([pattern]) => pattern.test(message)).map(([, text]) => text);
  return found.length === 0 ? undefined : `In 'cfsign ${command}': ${found.join("; ")}.`;
}

/**
 * `message` with the API names that have a one-to-one flag written as that flag (`clientIp` as
 * `--client-ip`), from the same table as {@link optionNamesHint}.
 */
export function inCliTerms(message: string): string {
  let out = message;
  for (const [pattern, , flag] of API_TO_CLI) {
    if (flag !== undefined) out = out.replace(new RegExp(pattern.source, "g"), flag);
  }
  return out;
}

/**
 * The library's `onWarning` for a command: each kind of warning once on stderr, as
 * `cfsign: warning: CODE: message` (a bulk job on an S3 host would otherwise say it per URL).
 *
 * @param io - where the command writes
 * @returns the callback for `createSigner({ onWarning })`
 */
export function warnOnStderr(io: CliIo): (warning: SignWarning) => void {
  const said = new Set<string>();
  return (warning) => {
    if (said.has(warning.code)) return;
    said.add(warning.code);
    io.stderr(`cfsign: warning: ${warning.code}: ${warning.message}\n`);
  };
}
