/**
 * `cfsign sign`: one signed URL on stdout, modelled on `aws cloudfront sign`;
 * or, with `--input`, many URLs (lines, a JSON array or CSV) signed in chunks
 * of {@link CHUNK} per `signUrls` call, in bounded memory, written in the same
 * shape. The key and policy options it shares with `playlist` are in
 * ../signing-options.ts; the single-value readers (key file, passphrase, dates)
 * in ../shared-inputs.ts.
 *
 * @module
 */
import { parseOptions, type OptionValues } from "../args.ts";
import type { CliIo, Command } from "../command.ts";
import type { BulkRecord } from "../../formats/bulk.ts";
import { bulkFormat, openInput, outputFrame, readRecords, sameFile, stderrTerminal } from "../io.ts";
import { fileSink, stdoutSink, type OutputSink } from "../output.ts";
import { formatCount, Progress } from "../progress.ts";
import { CliError, EXIT, exitStatusHelp, ItemFailures } from "../report.ts";
import { REFUSED_OPTIONS, optionNamesHint, parseWhen } from "../shared-inputs.ts";
import {
  KEY_OPTIONS,
  KEY_OPTIONS_HELP,
  loadSigner,
  POLICY_OPTIONS,
  POLICY_OPTIONS_HELP,
  policyFromOptions,
  usageFor,
  WHEN_HELP,
  withOptionNames,
} from "../signing-options.ts";

/** URLs per `signUrls` call in bulk mode: large enough to keep every core busy, small enough to bound memory. */
const CHUNK = 10_000;

/** Input bytes per `signUrls` call at most, whatever the count: long URLs make smaller chunks. */
const CHUNK_BYTES = 4 << 20;

const OPTIONS = {
  url: { type: "string" },
  ...KEY_OPTIONS,
  ...POLICY_OPTIONS,
  encode: { type: "boolean" },
  input: { type: "string" },
  output: { type: "string" },
  format: { type: "string" },
  column: { type: "string" },
  strict: { type: "boolean" },
  quiet: { type: "boolean" },
  json: { type: "boolean" },
} as const;

/** Plus one of --private-key and --kms-key-id ({@link keySource}). */
const REQUIRED = ["key-pair-id", "date-less-than"] as const;

/** Codes `sign` never produces, left out of its help. */
const NOT_FROM_SIGN = [
  "COOKIE_DOMAIN_NOT_ALLOWED",
  "INVALID_COOKIE_ATTRIBUTE",
  "COOKIE_TOO_LARGE",
  "URI_HAS_VARIABLE",
  "PLAYER_ADDS_QUERY",
];

const HELP = `Usage: cfsign sign --url URL --key-pair-id ID --private-key FILE --date-less-than WHEN [options]
       cfsign sign --input FILE|- [--output FILE] --key-pair-id ID --private-key FILE
                   --date-less-than WHEN [options]

Signs one URL for Amazon CloudFront and prints the signed URL on stdout, followed by a newline;
or, with --input, signs every URL of a file (one per line, a JSON array, or CSV with a url column)
and writes them in the same shape. The policy is canned (Expires=...) unless --date-greater-than,
--ip-address or --policy-resource is given; then it is custom (Policy=...).

Required:
  --url URL                   the URL exactly as clients will request it: https://host/path[?query],
                              percent-encoded, without a #fragment or CloudFront's signing parameters
   or --input FILE|-          many URLs from FILE, or from stdin with -
${KEY_OPTIONS_HELP}

Options:
${POLICY_OPTIONS_HELP}
  --encode                    percent-encode spaces, non-ASCII and other unsafe characters of the URL,
                              and sign and print the encoded URL (default: refuse them)
  -h, --help                  show this help

Many URLs (with --input):
  --output FILE               write to FILE (default stdout); FILE is replaced only when the job
                              ends: written to a temporary file beside it, flushed, then renamed
  --format lines|json|csv     the input's format; default from the extension (.json, .csv), else lines.
                              The output has the same format:
                                lines  one URL per line; blank lines and lines starting with # are
                                       copied; CRLF line ends are kept
                                json   an array of URL strings; written as an array of signed URLs
                                csv    a header row with a url column (any case); every other field
                                       is copied byte for byte, the url field signed (quoted if needed)
  --column NAME               the CSV column holding the URLs (default url)
  --strict                    write nothing if any URL fails (default: write the others)
  --quiet                     no progress bar or summary on stderr (failures are still reported)
  --json                      print a summary object on stdout instead of messages on stderr
                              (needs --output FILE)

  A URL that fails is reported on stderr as 'cfsign: line N: CODE: message' (never the URL) and its
  place in the output is left empty (an empty line, null in JSON, an empty CSV field), so line N of
  the output still belongs to line N of the input. Input is read and signed ${formatCount(CHUNK)} URLs at a time,
  so memory stays bounded for any size. On a terminal, long jobs show a progress bar on stderr.

${WHEN_HELP}

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

  # a whole gallery, one URL per line, into a file that appears only when complete
  cfsign sign --input gallery.txt --output gallery-signed.txt \\
    --key-pair-id K2JCJMDEHXQW5F --private-key private_key.pem --date-less-than 2030-01-01

  # CSV from a pipe to a pipe, all or nothing
  export-photos | cfsign sign --input - --format csv --strict \\
    --key-pair-id K2JCJMDEHXQW5F --private-key private_key.pem --date-less-than 2030-01-01 > signed.csv

${exitStatusHelp(NOT_FROM_SIGN, {
  heading: "Exit status (errors go to stderr as 'cfsign: CODE: message'):",
  meanings: {
    [EXIT.OK]: "the signed URL was printed on stdout; with --input, every URL was signed",
    [EXIT.REFUSED]: "the URL or policy was refused; with --input, some URLs were (BATCH_FAILED):",
  },
})}`;

/** The `sign` subcommand. */
export const signCommand: Command = {
  name: "sign",
  summary: "print one signed URL (canned or custom policy), or sign a file of URLs",
  help: HELP,
  run: runSign,
};

async function runSign(args: readonly string[], io: CliIo): Promise<number> {
  const values = parseOptions(args, OPTIONS, {
    command: "sign",
    refused: REFUSED_OPTIONS,
    positionalHint: "pass the URL with --url, or a file of URLs with --input",
  });
  const usage = usageFor("sign");

  const missing: string[] = [];
  if (values.url === undefined && values.input === undefined) missing.push("--url (or --input FILE for many URLs)");
  for (const name of REQUIRED) if (values[name] === undefined) missing.push("--" + name);
  if (values["private-key"] === undefined && values["kms-key-id"] === undefined)
    missing.splice(1, 0, "--private-key (or --kms-key-id)");
  if (missing.length > 0) {
    throw usage(`missing required option${missing.length > 1 ? "s" : ""}: ${missing.join(", ")}`);
  }
  if (values.url !== undefined && values.input !== undefined)
    throw usage("give --url for one URL or --input for many, not both");
  if (values.input === undefined) {
    for (const bulkOnly of ["output", "format", "column", "strict", "json"] as const) {
      if (values[bulkOnly] !== undefined) throw usage(`--${bulkOnly} applies to --input (many URLs)`);
    }
  }
  if (values["allow-any-resource"] === true && values["policy-resource"] === undefined) {
    throw usage("--allow-any-resource only applies to a --policy-resource");
  }
  if (values.input !== undefined) return runBulk(values, io);

  if (values.url!.includes("\uFFFD")) {
    // Bytes that are not UTF-8 reach a program as U+FFFD; signing that would sign a URL nobody typed.
    throw new CliError(
      "INVALID_UTF8",
      "--url has bytes that are not valid UTF-8 (or the replacement character U+FFFD); fix the encoding of the argument",
    );
  }
  const signer = await loadSigner(values, io, "sign");
  let url: string;
  try {
    url = await signer.signUrl(values.url!, {
      expires: parseWhen(values["date-less-than"]!),
      starts: values["date-greater-than"] === undefined ? undefined : parseWhen(values["date-greater-than"]),
      ipAddress: values["ip-address"],
      resource: values["policy-resource"],
      allowAnyResource: values["allow-any-resource"],
      encode: values.encode,
    });
  } catch (err) {
    throw withOptionNames(err, "sign");
  }
  io.stdout(url + "\n");
  return EXIT.OK;
}

type SignValues = OptionValues<typeof OPTIONS>;

async function runBulk(values: SignValues, io: CliIo): Promise<number> {
  const usage = usageFor("sign");
  const input = values.input!;
  const format = bulkFormat(values.format, input);
  if (values.column !== undefined && format !== "csv") throw usage("--column applies to --format csv");
  if (values.json === true && values.output === undefined) {
    throw usage("--json prints a summary object on stdout, so the signed URLs need --output FILE");
  }
  if (
    values.output !== undefined &&
    values.output !== "-" &&
    input !== "-" &&
    (values.output === input || (await sameFile(input, values.output)))
  ) {
    // Reading and replacing the same file would work (the output is renamed into place at the end),
    // but a failure half-way would leave the user with neither; refuse rather than surprise. Compared
    // as files (device and inode), so ./in.txt, a symbolic link or a hard link count as the same.
    throw usage(
      "--output must not be the --input file (the same file, by whatever path); write elsewhere, then move it",
    );
  }
  const strict = values.strict === true;
  const quiet = values.quiet === true || values.json === true;

  const signer = await loadSigner(values, io, "sign");
  const policy = policyFromOptions(values, "sign");
  const source = await openInput(input, io);
  // Held back (written only when the job ends well): with --strict, and for JSON and CSV, whose
  // input can turn out malformed at its very end; nothing is written when the job fails that way.
  const hold = strict || format !== "lines";
  let sink: OutputSink;
  try {
    sink =
      values.output === undefined || values.output === "-"
        ? stdoutSink(io, hold)
        : await fileSink(values.output, { hold });
  } catch (err) {
    source.close();
    throw err;
  }
  const terminal = stderrTerminal(io);
  const progress = new Progress(
    { write: io.stderr, columns: terminal.columns },
    { enabled: terminal.isTTY && !quiet, unit: "URLs", totalBytes: source.totalBytes },
  );
  const failures = new ItemFailures(io, values.json === true, () => progress.clear());
  const frame = outputFrame(format);
  const started = performance.now();
  let urls = 0;
  let signed = 0;

  const signChunk = async (batch: readonly BulkRecord[]): Promise<void> => {
    const toSign: string[] = [];
    for (const r of batch) if (r.kind === "url") toSign.push(r.url);
    const results = toSign.length === 0 ? [] : await signer.signUrls(toSign, { ...policy, encode: values.encode });
    let text = "";
    const put = async (piece: string | Uint8Array): Promise<void> => {
      if (typeof piece === "string") {
        text += piece;
        return;
      }
      if (text !== "") await sink.write(text);
      text = "";
      await sink.write(piece);
    };
    let k = 0;
    for (const r of batch) {
      if (r.kind === "pass") {
        await put(r.bytes);
      } else if (r.kind === "bad") {
        urls++;
        failures.add({ where: `line ${r.line}`, line: r.line, code: r.error.code, message: r.error.message });
        await put(r.render(undefined));
      } else {
        urls++;
        const result = results[k++]!;
        if (result.ok) {
          signed++;
          await put(r.render(result.url));
        } else {
          failures.add({
            where: `line ${r.line}`,
            line: r.line,
            code: result.error.code,
            message: result.error.message,
          });
          await put(r.render(undefined));
        }
      }
    }
    if (text !== "") await sink.write(text);
    progress.update(urls, source.bytesRead());
  };

  try {
    await sink.write(frame.head);
    let batch: BulkRecord[] = [];
    let pending = 0;
    let bytes = 0;
    for await (const record of readRecords(source, format, values.column)) {
      batch.push(record);
      if (record.kind !== "pass") pending++;
      bytes += record.kind === "url" ? record.url.length : record.kind === "pass" ? record.bytes.length : 0;
      if (pending >= CHUNK || batch.length >= 4 * CHUNK || bytes >= CHUNK_BYTES) {
        await signChunk(batch);
        batch = [];
        pending = 0;
        bytes = 0;
      }
    }
    await signChunk(batch);
    await sink.write(frame.tail);
  } catch (err) {
    progress.clear();
    source.close();
    await sink.abort();
    throw withOptionNames(err, "sign");
  }
  progress.clear();

  const written = !(strict && failures.count > 0);
  if (written) await sink.commit();
  else await sink.abort();
  const seconds = (performance.now() - started) / 1000;

  if (values.json === true) {
    io.stdout(
      JSON.stringify({
        ok: failures.count === 0,
        format,
        urls,
        signed,
        failed: failures.count,
        written,
        seconds: Math.round(seconds * 1000) / 1000,
        urlsPerSecond: Math.round(urls / Math.max(seconds, 1e-3)),
        failures: failures.toJSON(),
      }) + "\n",
    );
    return failures.status;
  }
  if (failures.count > 0) {
    io.stderr(
      `cfsign: BATCH_FAILED: ${formatCount(failures.count)} of ${formatCount(urls)} URLs were not signed (listed above); ` +
        (written ? "their places in the output are left empty\n" : "--strict: nothing was written\n"),
    );
    const hint = optionNamesHint("sign", failures.codes.includes("URL_UNSAFE_CHARACTER") ? "encode: true" : "");
    if (hint !== undefined) io.stderr(hint + "\n");
  } else if (!quiet) {
    // A rate says nothing for a handful of URLs (one URL in 0.04 s is not "28 URLs/s").
    const rate = urls < 100 ? "" : ` (${formatCount(urls / Math.max(seconds, 1e-3))} URLs/s)`;
    io.stderr(`signed ${formatCount(signed)} URL${signed === 1 ? "" : "s"} in ${seconds.toFixed(1)} s${rate}\n`);
  }
  return failures.status;
}
