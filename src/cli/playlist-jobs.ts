/**
 * The work of `cfsign playlist` once its options are checked: a DASH manifest
 * (`Signer.signManifest`), an HLS master and the media playlists it names, read
 * from disk beside it (`Signer.signPlaylists` with a file loader), or one HLS
 * playlist (../lib/sign-hls-uris.ts, which `Signer.signPlaylist` uses too, so
 * that a playlist of absolute URIs needs no --base-url); then every output
 * written together, each atomically. The command (./commands/playlist.ts)
 * parses the options and reports.
 *
 * @module
 */
import { mkdir } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { isHlsPlaylist, playlistUris } from "../formats/hls.ts";
import { signHlsUris } from "../lib/sign-hls-uris.ts";
import { folderOf, isRelativeUri, sharedFolderResource } from "../lib/uri-targets.ts";
import type { SignedPlaylists } from "../playlist.ts";
import type { SignedPolicy } from "../shared-policy.ts";
import type { Signer } from "../signer.ts";
import type { BatchResult } from "../types.ts";
import type { CliIo } from "./command.ts";
import { describeFsError, readWholeInput } from "./io.ts";
import { fileSink, type OutputSink } from "./output.ts";
import { CliError, type ItemFailures } from "./report.ts";
import { usageFor, withOptionNames, type BulkPolicy } from "./signing-options.ts";

/** One playlist of the job, and what became of it. */
interface Job {
  /** Path relative to the input's directory (for messages and the output layout); "" for the input itself. */
  readonly name: string;
  readonly text: string;
  /** The URL it is served from, when known. */
  readonly base: string | undefined;
  output: string;
  uris: number;
  signed: number;
  skipped: number;
}

/** The options handed to the library, from the command line. */
export interface LibraryOptions {
  readonly baseUrl: string;
  readonly mode: "shared" | "per-uri";
  readonly expires: number;
  readonly starts: number | undefined;
  readonly ipAddress: string | undefined;
  readonly resource: string | undefined;
  readonly allowAnyResource: boolean | undefined;
  readonly keepRelative: boolean;
  readonly playerQueries: "refuse" | "sign" | undefined;
}

/** A checked `cfsign playlist` job. */
export interface PlaylistRequest {
  readonly signer: Signer;
  /** The input's text. */
  readonly text: string;
  /** The --input path, or "-". */
  readonly input: string;
  /** The --output path, or "-" for stdout. */
  readonly output: string;
  /** The URL the input is served from (--base-url), when given. */
  readonly base: string | undefined;
  readonly policy: BulkPolicy;
  readonly shared: boolean;
  readonly options: LibraryOptions;
  /** Where each URI that fails is reported. */
  readonly failures: ItemFailures;
  readonly io: CliIo;
}

/** What a job made: the playlists, their signed text, notes for stderr, and the shared policy's resource. */
interface PlaylistRun {
  readonly jobs: Job[];
  readonly outputs: { job: Job; text: string }[];
  readonly notes: string[];
  readonly sharedResource: string | undefined;
}

const usage = usageFor("playlist");

const LOW_LATENCY_NOTE =
  "note: this is a Low-Latency HLS playlist; players add _HLS_msn/_HLS_part to playlist requests, which breaks " +
  "per-URI signatures of playlist URIs; sign it with --shared";

/** Runs a library call, its errors given hints in option names. */
async function library<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw withOptionNames(err, "playlist");
  }
}

/** A DASH manifest, under one shared policy. */
export async function signDash(r: PlaylistRequest): Promise<PlaylistRun> {
  const { signer, text, base, failures } = r;
  const signed = await library(() => signer.signManifest(text, { ...r.options, mode: "shared" }));
  const job: Job = {
    name: "",
    text,
    base,
    output: r.output,
    uris: signed.uris,
    signed: signed.signed,
    skipped: signed.skipped,
  };
  for (const f of signed.failures)
    failures.add({ where: `line ${f.line}`, line: f.line, code: f.error.code, message: f.error.message });
  return { jobs: [job], outputs: [{ job, text: signed.text }], notes: [], sharedResource: signed.policy.resource };
}

/** An HLS master playlist and the media playlists it names, read beside the input and written beside the output. */
export async function signRecursive(r: PlaylistRequest): Promise<PlaylistRun> {
  const { signer, text, failures, io } = r;
  const base = r.base!;
  const inputDir = dirname(r.input);
  const outputDir = dirname(r.output);
  const root = folderOf(base);
  const names = new Map<string, string>([[base, ""]]);
  const master: Job = { name: "", text, base, output: r.output, uris: 0, signed: 0, skipped: 0 };
  const load = async (url: string): Promise<string> => {
    if (url === base) return text;
    const name = localName(url, root);
    names.set(url, name);
    const childText = await readWholeInput(join(inputDir, name), io, `media playlist ${name}`).catch((err: unknown) => {
      throw err instanceof CliError
        ? new CliError("INPUT", err.message, "--recursive reads media playlists at their path relative to --input.")
        : err;
    });
    if (!isHlsPlaylist(childText))
      throw new CliError("INPUT", `the media playlist ${name} is not an HLS playlist (no #EXTM3U)`);
    return childText;
  };
  const signed: SignedPlaylists = await library(() => signer.signPlaylists({ ...r.options, load }));
  const jobs: Job[] = [];
  const outputs: { job: Job; text: string }[] = [];
  const notes = new Set<string>();
  for (const p of signed.playlists) {
    const name = names.get(p.url) ?? "";
    const job: Job =
      name === ""
        ? master
        : { name, text: "", base: p.url, output: join(outputDir, name), uris: 0, signed: 0, skipped: 0 };
    job.uris = p.uris;
    job.signed = p.signed;
    job.skipped = p.skipped;
    jobs.push(job);
    outputs.push({ job, text: p.text });
    for (const f of p.failures) {
      failures.add({
        where: where(job, f.line),
        line: f.line,
        ...(job.name === "" ? {} : { file: job.name }),
        code: f.error.code,
        message: f.error.message,
      });
    }
    if (p.lowLatency && !r.shared) notes.add(LOW_LATENCY_NOTE);
  }
  return { jobs, outputs, notes: [...notes], sharedResource: signed.policy?.resource };
}

/** How URIs are signed: one signature each, or one shared policy. */
type Mode =
  | { readonly kind: "per-uri"; readonly signer: Signer; readonly policy: BulkPolicy }
  | { readonly kind: "shared"; readonly policy: SignedPolicy };

/** One HLS playlist; without --base-url when every URI is absolute. */
export async function signOne(r: PlaylistRequest): Promise<PlaylistRun> {
  const { signer, policy, base } = r;
  let mode: Mode;
  if (r.shared) {
    const resource = await library(async () => policy.resource ?? sharedFolderResource(base!));
    mode = {
      kind: "shared",
      policy: await library(() =>
        signer.signPolicy({
          resource,
          expires: policy.expires,
          starts: policy.starts,
          ipAddress: policy.ipAddress,
          allowAnyResource: policy.allowAnyResource,
        }),
      ),
    };
  } else {
    mode = { kind: "per-uri", signer, policy };
  }
  const job: Job = { name: "", text: r.text, base, output: r.output, uris: 0, signed: 0, skipped: 0 };
  const { text, lowLatency } = await signHls(job, mode, r.options, r.failures);
  return {
    jobs: [job],
    outputs: [{ job, text }],
    notes: lowLatency && mode.kind === "per-uri" ? [LOW_LATENCY_NOTE] : [],
    sharedResource: mode.kind === "shared" ? mode.policy.resource : undefined,
  };
}

function where(job: Job, line: number): string {
  return job.name === "" ? `line ${line}` : `${job.name} line ${line}`;
}

async function signHls(
  job: Job,
  mode: Mode,
  { keepRelative, playerQueries }: LibraryOptions,
  failures: ItemFailures,
): Promise<{ text: string; lowLatency: boolean }> {
  if (job.base === undefined) {
    const firstRelative = playlistUris(job.text).find((ref) => isRelativeUri(ref.uri));
    if (firstRelative !== undefined) {
      throw usage(
        `the playlist has relative URIs (the first on line ${firstRelative.line}); give --base-url, the URL the playlist is served from`,
      );
    }
  }
  const sign =
    mode.kind === "shared"
      ? (urls: string[]): BatchResult[] => mode.policy.applyAll(urls)
      : (urls: string[]): Promise<BatchResult[]> => {
          const { expires, starts, ipAddress, resource, allowAnyResource } = mode.policy;
          return mode.signer.signUrls(urls, { expires, starts, ipAddress, resource, allowAnyResource });
        };
  const signed = await signHlsUris(job.text, {
    base: job.base,
    keepRelative,
    sign,
    shared: mode.kind === "shared" ? mode.policy : undefined,
    playerQueries,
  });
  job.uris = signed.uris;
  job.signed = signed.signed;
  job.skipped = signed.skipped;
  for (const f of signed.failures) {
    failures.add({ where: where(job, f.line), line: f.line, code: f.error.code, message: f.error.message });
  }
  return { text: signed.text, lowLatency: signed.lowLatency };
}

/** Where a media playlist is on disk, relative to the input's directory; refused when outside it. */
function localName(url: string, root: string): string {
  const outside = (): CliError =>
    new CliError(
      "INPUT",
      "--recursive follows media playlists in the master playlist's folder or below; one is elsewhere",
    );
  if (!url.startsWith(root)) throw outside();
  const tail = url.slice(root.length);
  const q = tail.indexOf("?");
  let path: string;
  try {
    path = decodeURIComponent(q === -1 ? tail : tail.slice(0, q));
  } catch {
    throw outside();
  }
  const normal = relative(".", join(".", path));
  if (normal === "" || normal.startsWith(".." + sep) || normal === ".." || path.includes("\0")) throw outside();
  return normal.split(sep).join("/");
}

/** Writes every playlist: each to a temporary file first, then all renamed into place. */
export async function writeAll(
  outputs: readonly { job: Job; text: string }[],
  toStdout: boolean,
  io: CliIo,
): Promise<void> {
  if (toStdout) {
    io.stdout(outputs[0]!.text);
    // Written before the summary says so (a failed write ends the process).
    await io.flushStdout?.();
    return;
  }
  const sinks: OutputSink[] = [];
  try {
    for (const { job, text } of outputs) {
      // --recursive creates the directories it writes media playlists into, and so the output's own.
      if (outputs.length > 1) {
        await mkdir(dirname(job.output), { recursive: true }).catch((err: unknown) => {
          throw new CliError(
            "OUTPUT",
            `cannot create the directory for the media playlist ${job.name}: ${describeFsError(err)}`,
          );
        });
      }
      const sink = await fileSink(job.output, { what: job.name === "" ? "--output" : "media playlist output" });
      sinks.push(sink);
      await sink.write(text);
    }
    for (const sink of sinks) await sink.commit();
  } catch (err) {
    for (const sink of sinks) await sink.abort();
    throw err;
  }
}
