/**
 * `cfsign inspect URL`: flags and terminal output around the library's
 * inspector (`inspectSignedUrl`, src/verify/inspect.ts), which reads a signed
 * URL without any key and lists the mistakes it can see.
 *
 * @module
 */
import { CfSignError } from "../../errors.ts";
import { toEpochSeconds } from "../../cloudfront/time.ts";
import { inspectSignedUrl } from "../../verify/inspect.ts";
import type { Inspection, PolicyTime } from "../../verify/inspect-types.ts";
import { parseArguments } from "../args.ts";
import type { CliIo, Command } from "../command.ts";
import { readWholeInput } from "../io.ts";
import { CliError, EXIT } from "../report.ts";
import { parseWhen } from "../shared-inputs.ts";

const OPTIONS = {
  json: { type: "boolean" },
  now: { type: "string" },
} as const;

const HELP = `Usage: cfsign inspect URL [--json] [--now WHEN]
       cfsign inspect - [--json]          (the URL from stdin, kept out of shell history)

Decodes a CloudFront signed URL without any key and shows what it grants: the kind of policy
(canned: Expires; custom: Policy), the policy as pretty JSON (a canned one rebuilt from the URL as
CloudFront does), the expiry and start in UTC and relative to now ("in 59 minutes",
"3 days ago"), the IP range, the resource, the Key-Pair-Id, the hash algorithm and the
signature's size. Then it lists the mistakes it can see without the key:

  error    S3_PRESIGNED_URL, NOT_SIGNED, INVALID_URL, CLIENT_REWRITES_URL (a client would send other
           bytes: upper-case host, :443, a .. segment, a space...), SIGNING_PARAMETERS_IN_FRAGMENT,
           DUPLICATE_SIGNING_PARAMETER, MISSING_KEY_PAIR_ID, KEY_PAIR_ID_FORMAT, MISSING_SIGNATURE,
           MALFORMED_POLICY, STANDARD_BASE64 (+ / = instead of - ~ _), HASH_ALGORITHM_MISMATCH,
           MILLISECOND_EPOCH, EXPIRED, NOT_YET_VALID, RESOURCE_MISMATCH, URL_TOO_LONG,
           SIGNATURE_FORMAT (such as raw 64-byte ECDSA)
  warning  PARAMETER_ADDED_AFTER_SIGNING (a canned signature breaks if they were added after
           signing), FRAGMENT, SIGNING_PARAMETER_CASE, RESOURCE_ANY, RESOURCE_QUESTION_MARK
           (a ? in a custom policy's Resource is a one-character wildcard), S3_HOST (an Amazon S3
           host, which CloudFront never checks)

Whether the signature itself is right needs the public key: cfsign verify --url URL --public-key FILE.

Options:
  --json                      print the result as one JSON object
  --now WHEN                  judge expiry at WHEN instead of now (epoch seconds or ISO 8601)
  -h, --help                  show this help

Examples:
  cfsign inspect "$(cat signed-url.txt)"
  pbpaste | cfsign inspect - --json | jq .findings

Exit status (errors go to stderr as 'cfsign: CODE: message'):
  0  the URL was decoded and no error was found (warnings may have been)
  1  an error was found: CloudFront would refuse this URL
  2  usage error (USAGE), or the argument is not an absolute http(s) URL
`;

/** The `inspect` subcommand. */
export const inspectCommand: Command = {
  name: "inspect",
  summary: "decode a signed URL without a key: policy, expiry, key id, and the mistakes it shows",
  help: HELP,
  run: runInspect,
};

const usage = (message: string): CliError => new CliError("USAGE", message, "Run 'cfsign inspect --help' for usage.");

async function runInspect(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArguments(args, OPTIONS, {
    command: "inspect",
    maxPositionals: 1,
    positionalHint: "one URL",
  });
  const given = positionals[0];
  if (given === undefined)
    throw usage("give the signed URL to inspect: cfsign inspect URL (or - to read it from stdin)");
  const url = given === "-" ? firstLine(await readWholeInput("-", io, "stdin")) : given.trim();
  // The argument is never echoed: it may be something other than a URL, pasted by mistake.
  if (!/^https?:\/\/[^/?#\s]+/i.test(url)) throw usage("the argument is not an absolute http:// or https:// URL");
  let now: number | undefined;
  if (values.now !== undefined) {
    try {
      now = toEpochSeconds(parseWhen(values.now), "--now", "floor");
    } catch (err) {
      if (err instanceof CfSignError) throw usage(`--now: ${err.message}`);
      throw err;
    }
  }
  const result = inspectSignedUrl(url, { now });
  const status = result.findings.some((f) => f.severity === "error") ? EXIT.REFUSED : EXIT.OK;
  if (values.json === true) {
    io.stdout(JSON.stringify(result) + "\n");
    return status;
  }
  io.stdout(formatInspection(result));
  return status;
}

function firstLine(text: string): string {
  return (
    text
      .split(/\r?\n/)
      .find((l) => l.trim() !== "")
      ?.trim() ?? ""
  );
}

/** The human-readable report of an inspection. */
function formatInspection(r: Inspection): string {
  const rows: [string, string][] = [];
  const time = (t: PolicyTime | null, none: string, past: string, future: string): string => {
    if (t === null) return none;
    const when = t.utc === null ? `${t.epoch} (not a date)` : t.utc.replace("T", " ").replace("Z", " UTC");
    const words = t.relative.endsWith(" ago") ? `${past} ${t.relative}` : `${future}${t.relative}`;
    return `${when} (${words})`;
  };
  let out: string;
  if (!r.signed) {
    out = "Not a CloudFront signed URL.\n";
  } else {
    out = `CloudFront signed URL, ${r.kind ?? "unknown"} policy\n`;
    rows.push(["Key-Pair-Id", r.keyPairId ?? "(missing)"]);
    rows.push([
      "Hash",
      r.hashAlgorithm === null
        ? "?"
        : r.hashAlgorithm + (r.hashAlgorithm === "SHA1" ? " (no Hash-Algorithm parameter: CloudFront's default)" : ""),
    ]);
    rows.push(["Resource", r.resource ?? (r.kind === "custom" && r.policy !== null ? "(none: every URL)" : "?")]);
    rows.push(["Expires", time(r.expires, "?", "expired", "")]);
    rows.push(["Starts", time(r.starts, "(no DateGreaterThan)", "started", "starts ")]);
    rows.push(["IP address", r.ipAddress ?? "(any)"]);
    rows.push(["Signature", r.signature === null ? "?" : `${r.signature.bytes} bytes, ${r.signature.looksLike}`]);
    rows.push(["URL signed", r.unsignedUrl]);
    for (const [k, v] of rows) out += `  ${k.padEnd(13)}${v}\n`;
    if (r.policy !== null) {
      out += `\nPolicy${r.kind === "canned" ? " (rebuilt from the URL, as CloudFront does)" : ""}:\n`;
      out += JSON.stringify(r.policy, null, 2).replace(/^/gm, "  ") + "\n";
    }
  }
  if (r.findings.length === 0) {
    out += "\nNo problems seen. (Whether the signature matches needs the public key.)\n";
  } else {
    out += "\nProblems:\n";
    for (const f of r.findings) out += `  ${f.severity.padEnd(8)} ${f.code}: ${f.message}\n`;
  }
  return out;
}
