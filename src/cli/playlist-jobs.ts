/**
 * The work of `cfsign playlist` once its options are checked, each the
 * library's public call: a DASH manifest (`Signer.signManifest`), an HLS master
 * and the media playlists it names, read from disk beside it
 * (`Signer.signPlaylists` with a file loader), or one HLS playlist
 * (`Signer.signPlaylist`, which takes no `baseUrl` when every URI is absolute);
 * then every output written together, each atomically. The command
 * (./commands/playlist.ts) parses the options and reports.
 *
 * @module
 */
import { mkdir } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { CfSignError } from "../errors.ts";
import { isHlsPlaylist } from "../formats/hls.ts";
import { folderOf } from "../lib/uri-targets.ts";
import type { SignedPlaylists } from "../playlist.ts";
import type { Signer } from "../signer.ts";
import type { CliIo } from "./command.ts";
import { describeFsError, readWholeInput } from "./io.ts";
import { fileSink, type OutputSink } from "./output.ts";
import { CliError, type ItemFailures } from "./report.ts";
import { usageFor, withOptionNames } from "./signing-options.ts";

/** One playlist of the job, and what became of it. */
interface Job {
  /** Path relative to the input's directory (for messages and the output layout); "" for the input itself. */
  readonly name: string;
  output: string;
  uris: number;
  signed: number;
  skipped: number;
}

/** The options handed to the library, from the command line (`baseUrl` is added per call, from `--base-url`). */
export interface LibraryOptions {
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

/** What the library says of one signed playlist or manifest. */
interface Signed {
  readonly uris: number;
  readonly signed: number;
  readonly skipped: number;
  readonly failures: readonly { readonly line: number; readonly error: CfSignError }[];
  readonly lowLatency?: boolean;
}

const usage = usageFor("playlist");

const LOW_LATENCY_NOTE =
  "note: this is a Low-Latency HLS playlist; players add _HLS_msn/_HLS_part to playlist requests, which breaks " +
  "per-URI signatures of playlist URIs; sign it with --shared";

/** The library's names of options in its messages, as `cfsign playlist` names them. */
const PLAYLIST_TERMS: readonly (readonly [RegExp, string])[] = [
  [/\bmode: "shared"/g, "--shared"],
  [/\bbaseUrl\b/g, "--base-url"],
  [/\bresource\b/g, "--policy-resource PATTERN"],
];

/**
 * Runs a library call, its errors given hints in option names. Without --base-url, the library's
 * refusal for want of `baseUrl` (a relative URI; `--shared` without `--policy-resource`) is a usage
 * error: an option is missing, said in the command's own option names.
 */
async function library<T>(run: () => Promise<T>, withoutBase = false): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (withoutBase && err instanceof CfSignError && err.code === "INVALID_ARGUMENT" && /\bbaseUrl\b/.test(err.message))
      throw usage(PLAYLIST_TERMS.reduce((m, [api, flag]) => m.replace(api, flag), err.message));
    throw withOptionNames(err, "playlist");
  }
}

/** Records what the library signed on its job: the counts, each failure, and the Low-Latency note. */
function record(job: Job, signed: Signed, r: PlaylistRequest, notes: Set<string>): void {
  job.uris = signed.uris;
  job.signed = signed.signed;
  job.skipped = signed.skipped;
  for (const f of signed.failures) {
    r.failures.add({
      where: job.name === "" ? `line ${f.line}` : `${job.name} line ${f.line}`,
      line: f.line,
      ...(job.name === "" ? {} : { file: job.name }),
      code: f.error.code,
      message: f.error.message,
    });
  }
  if (signed.lowLatency === true && !r.shared) notes.add(LOW_LATENCY_NOTE);
}

/** A DASH manifest, under one shared policy. */
export async function signDash(r: PlaylistRequest): Promise<PlaylistRun> {
  const signed = await library(() => r.signer.signManifest(r.text, { ...r.options, baseUrl: r.base!, mode: "shared" }));
  const job: Job = { name: "", output: r.output, uris: 0, signed: 0, skipped: 0 };
  record(job, signed, r, new Set());
  return { jobs: [job], outputs: [{ job, text: signed.text }], notes: [], sharedResource: signed.policy.resource };
}

/** An HLS master playlist and the media playlists it names, read beside the input and written beside the output. */
export async function signRecursive(r: PlaylistRequest): Promise<PlaylistRun> {
  const { signer, text, io } = r;
  const base = r.base!;
  const inputDir = dirname(r.input);
  const outputDir = dirname(r.output);
  const root = folderOf(base);
  const names = new Map<string, string>([[base, ""]]);
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
  const signed: SignedPlaylists = await library(() => signer.signPlaylists({ ...r.options, baseUrl: base, load }));
  const jobs: Job[] = [];
  const outputs: { job: Job; text: string }[] = [];
  const notes = new Set<string>();
  for (const p of signed.playlists) {
    const name = names.get(p.url) ?? "";
    const job: Job = {
      name,
      output: name === "" ? r.output : join(outputDir, name),
      uris: 0,
      signed: 0,
      skipped: 0,
    };
    jobs.push(job);
    outputs.push({ job, text: p.text });
    record(job, p, r, notes);
  }
  return { jobs, outputs, notes: [...notes], sharedResource: signed.policy?.resource };
}

/** One HLS playlist; without --base-url when every URI is absolute. */
export async function signOne(r: PlaylistRequest): Promise<PlaylistRun> {
  const signed = await library(
    () => r.signer.signPlaylist(r.text, { ...r.options, baseUrl: r.base }),
    r.base === undefined,
  );
  const job: Job = { name: "", output: r.output, uris: 0, signed: 0, skipped: 0 };
  const notes = new Set<string>();
  record(job, signed, r, notes);
  return {
    jobs: [job],
    outputs: [{ job, text: signed.text }],
    notes: [...notes],
    sharedResource: signed.policy?.resource,
  };
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
