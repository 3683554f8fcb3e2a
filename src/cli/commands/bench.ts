/**
 * `cfsign bench`: how fast cfsign signs on this machine with the user's own key,
 * so a team can size its servers or Lambda functions. Four operations, each timed
 * on its own batch after a warm-up: per-URL signing (`signUrls`), a shared policy
 * (`signPolicy` once, then `SignedPolicy.applyAll`), `rewriteLines` over a list of
 * URLs as bytes, and signed cookies (one signature each). Prints URLs (or cookies)
 * per second with the machine beside them, or `--json`. Never prints key material:
 * only the key pair id and the key's type.
 *
 * @module
 */
import { availableParallelism, cpus, loadavg } from "node:os";
import { parseOptions } from "../args.ts";
import type { CliIo, Command } from "../command.ts";
import { KMS_KEY_OPTION_HELP } from "../kms-key.ts";
import { EXIT, exitStatusHelp } from "../report.ts";
import { REFUSED_OPTIONS } from "../shared-inputs.ts";
import { loadSigner, usageFor, withOptionNames } from "../signing-options.ts";

const OPTIONS = {
  "key-pair-id": { type: "string" },
  "private-key": { type: "string" },
  "kms-key-id": { type: "string" },
  "passphrase-env": { type: "string" },
  "hash-algorithm": { type: "string" },
  url: { type: "string" },
  count: { type: "string" },
  json: { type: "boolean" },
} as const;

/** Codes bench cannot give: it chooses the dates itself, signs no IP condition, reads no input file. */
const NOT_FROM_BENCH = [
  "INVALID_DATE",
  "DATE_IN_MILLISECONDS",
  "EXPIRES_IN_PAST",
  "INVALID_DATE_RANGE",
  "INVALID_IP_ADDRESS",
  "IPV6_NOT_SUPPORTED",
  "BATCH_FAILED",
  "URI_HAS_VARIABLE",
  "PLAYER_ADDS_QUERY",
  "INPUT",
  "OUTPUT",
  "INVALID_INPUT_FORMAT",
];

/** URLs per operation unless `--count` says otherwise: about a second in all on one core. */
const DEFAULT_COUNT = 5000;
/** Largest `--count`: the batches are held in memory. */
const MAX_COUNT = 1_000_000;

const HELP = `Usage: cfsign bench --key-pair-id ID (--private-key FILE | --kms-key-id ID) [--count N] [--url URL] [--json]

Measures on this machine, with your key, how many URLs per second cfsign signs:

  signUrls       one signature per URL (canned policy), the whole batch at once
  shared policy  one signature for a resource pattern, then SignedPolicy.applyAll per URL
  rewriteLines   the same shared policy applied to a list of URLs given as bytes
  signCookies    one set of signed cookies per call (one signature each)

and prints them with the machine (cores, CPU, Node, load average). Nothing is sent anywhere and
no key material is printed. Numbers depend on what else runs on the machine: run it where your
signing will run, when it is otherwise idle.

Options:
  --key-pair-id ID            the key's id as CloudFront knows it (printed, never the key)
  --private-key FILE          RSA-2048 or ECDSA P-256 private key (PEM, DER or JWK), as for cfsign sign
${KMS_KEY_OPTION_HELP}
  --passphrase-env VAR        name of the environment variable holding the key's passphrase
  --hash-algorithm SHA256|SHA1  default SHA256
  --url URL                   the URL to sign (default https://d111111abcdef8.cloudfront.net/bench/...);
                              numbered copies of it are signed (.../0, .../1, ...)
  --count N                   URLs per operation (default ${DEFAULT_COUNT}; cookies: a tenth of it)
  --json                      print the results as one JSON object
  -h, --help                  show this help

Examples:
  cfsign bench --key-pair-id K2JCJMDEHXQW5F --private-key private_key.pem
  cfsign bench --key-pair-id K2JCJMDEHXQW5F --private-key private_key.pem --count 50000 --json

${exitStatusHelp(NOT_FROM_BENCH, {
  heading: "Exit status (errors go to stderr as 'cfsign: CODE: message'):",
  meanings: {
    [EXIT.OK]: "the table (or JSON) was printed on stdout",
    [EXIT.REFUSED]: "--url was refused as a URL to sign:",
  },
})}`;

/** The `bench` subcommand. */
export const benchCommand: Command = {
  name: "bench",
  summary: "measure URLs per second on this machine with your key (signUrls, shared policy, rewriteLines, cookies)",
  help: HELP,
  run: runBench,
};

/** One measured operation. */
interface BenchRow {
  /** What was measured. */
  readonly operation: string;
  /** Items handled in the timed run. */
  readonly count: number;
  /** Wall time of the timed run, seconds. */
  readonly seconds: number;
  /** Items per second. */
  readonly perSecond: number;
  /** What an item is: `URLs` or `cookies`. */
  readonly unit: string;
}

const usage = usageFor("bench");

async function runBench(args: readonly string[], io: CliIo): Promise<number> {
  const values = parseOptions(args, OPTIONS, {
    command: "bench",
    refused: REFUSED_OPTIONS,
    positionalHint: "options only, e.g. --private-key FILE",
  });
  if (values["key-pair-id"] === undefined) throw usage("missing required option: --key-pair-id");
  let count = DEFAULT_COUNT;
  if (values.count !== undefined) {
    if (!/^[1-9][0-9]{0,6}$/.test(values.count) || Number(values.count) > MAX_COUNT) {
      throw usage(`--count must be a whole number from 1 to ${MAX_COUNT.toLocaleString("en-US")}`);
    }
    count = Number(values.count);
  }
  // Without onWarning, as a server signs by default: with it, every URL would be looked at for an S3 host.
  const signer = await loadSigner(values, io, "bench", { warnings: false });
  try {
    const base = values.url ?? "https://d111111abcdef8.cloudfront.net/bench";
    const root = base.replace(/\/+$/, "");
    const urls = Array.from({ length: count }, (_, i) => `${root}/${i}`);
    const expires = Math.floor(Date.now() / 1000) + 3600;
    const rows: BenchRow[] = [];
    const time = async (operation: string, n: number, unit: string, fn: () => Promise<void> | void): Promise<void> => {
      await fn(); // warm-up: the first run compiles and sizes buffers
      const t0 = performance.now();
      await fn();
      const seconds = Math.max((performance.now() - t0) / 1000, 1e-6);
      rows.push({ operation, count: n, seconds, perSecond: n / seconds, unit });
    };
    await time("signUrls", count, "URLs", async () => {
      for (const r of await signer.signUrls(urls, { expires })) if (!r.ok) throw r.error;
    });
    const policy = await signer.signPolicy({ resource: `${root}/*`, expires });
    await time("shared policy (applyAll)", count, "URLs", () => {
      for (const r of policy.applyAll(urls)) if (!r.ok) throw r.error;
    });
    const lines = new TextEncoder().encode(urls.join("\n") + "\n");
    await time("rewriteLines", count, "URLs", () => {
      const out = signer.rewriteLines(policy, lines);
      if (out.failures.length > 0) throw out.failures[0]!.error;
    });
    const cookies = Math.max(1, Math.ceil(count / 10));
    // No signed cookie reaches a *.cloudfront.net host (COOKIE_DOMAIN_MISMATCH): cookies are measured on an
    // alternate domain name, which costs the same (one policy and one signature per set).
    const cookieRoot = /\.cloudfront\.net$/.test(new URL(root).hostname) ? "https://media.example.com/bench" : root;
    await time("signCookies", cookies, "cookies", async () => {
      for (let i = 0; i < cookies; i++) await signer.signCookies({ resource: `${cookieRoot}/*`, expires });
    });
    await signer.close();
    const machine = {
      cores: availableParallelism(),
      cpu: cpus()[0]?.model.trim() ?? "unknown",
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
    };
    const key = {
      keyPairId: signer.keyPairId,
      algorithm: signer.algorithm,
      hashAlgorithm: signer.hashAlgorithm,
      engine: signer.engine,
    };
    io.stdout(
      values.json === true
        ? JSON.stringify({ key, machine, results: rows }, null, 2) + "\n"
        : table(key, machine, rows),
    );
  } catch (err) {
    throw withOptionNames(err, "bench");
  }
  return EXIT.OK;
}

function table(
  key: { keyPairId: string; algorithm: string; hashAlgorithm: string; engine: string },
  machine: { cores: number; cpu: string; node: string; platform: string; loadAverage: number[] },
  rows: readonly BenchRow[],
): string {
  const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");
  const cells = rows.map((r) => [r.operation, fmt(r.count), r.seconds.toFixed(3), `${fmt(r.perSecond)} ${r.unit}/s`]);
  const head = ["operation", "count", "seconds", "per second"];
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]): string =>
    c.map((x, i) => (i === 0 ? x.padEnd(w[i]!) : x.padStart(w[i]!))).join("  ");
  return (
    `cfsign bench: key ${key.keyPairId} (${key.algorithm === "RSA" ? "RSA-2048" : "ECDSA P-256"}, ${key.hashAlgorithm}), engine ${key.engine}\n` +
    `machine: ${machine.cores} cores, ${machine.cpu}, node ${machine.node}, ${machine.platform}, load average ${machine.loadAverage.join(" ")}\n\n` +
    [line(head), line(w.map((n) => "-".repeat(n))), ...cells.map(line)].join("\n") +
    "\n"
  );
}
