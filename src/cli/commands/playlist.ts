/**
 * `cfsign playlist`: signs every URI of an HLS playlist (or, with a shared
 * policy, every URL of a DASH manifest) and leaves every other byte as it was.
 * This file parses and checks the options and reports; the signing is the
 * library's, run by ../playlist-jobs.ts (`Signer.signManifest` for DASH,
 * `Signer.signPlaylists` with a file loader for `--recursive`,
 * `Signer.signPlaylist` for one HLS playlist), which also writes the outputs.
 *
 * @module
 */
import { dirname, extname, resolve } from "node:path";
import { CfSignError } from "../../errors.ts";
import { isHlsPlaylist } from "../../formats/hls.ts";
import { isMpd } from "../../formats/dash.ts";
import { checkBaseUrl } from "../../lib/uri-targets.ts";
import { parseOptions } from "../args.ts";
import type { CliIo, Command } from "../command.ts";
import { readWholeInput, sameFile } from "../io.ts";
import {
  signDash,
  signOne,
  signRecursive,
  writeAll,
  type LibraryOptions,
  type PlaylistRequest,
} from "../playlist-jobs.ts";
import { formatCount } from "../progress.ts";
import { CliError, EXIT, exitStatusHelp, ItemFailures } from "../report.ts";
import { REFUSED_OPTIONS } from "../shared-inputs.ts";
import {
  KEY_OPTIONS,
  KEY_OPTIONS_HELP,
  loadSigner,
  POLICY_OPTIONS,
  POLICY_OPTIONS_HELP,
  policyFromOptions,
  WHEN_HELP,
} from "../signing-options.ts";

const OPTIONS = {
  input: { type: "string" },
  output: { type: "string" },
  format: { type: "string" },
  "base-url": { type: "string" },
  "keep-relative": { type: "boolean" },
  "per-uri": { type: "boolean" },
  shared: { type: "boolean" },
  recursive: { type: "boolean" },
  "player-queries": { type: "string" },
  strict: { type: "boolean" },
  quiet: { type: "boolean" },
  json: { type: "boolean" },
  ...KEY_OPTIONS,
  ...POLICY_OPTIONS,
} as const;

/** Plus one of --private-key and --kms-key-id (checked by `loadSigner`). */
const REQUIRED = ["input", "key-pair-id", "date-less-than"] as const;

/** Codes `playlist` never produces. */
const NOT_FROM_PLAYLIST = ["COOKIE_DOMAIN_NOT_ALLOWED", "INVALID_COOKIE_ATTRIBUTE", "COOKIE_TOO_LARGE", "INVALID_UTF8"];

const HOST = "https://d111111abcdef8.cloudfront.net";

const HELP = `Usage: cfsign playlist --input FILE|- [--output FILE] --base-url URL --key-pair-id ID
                       --private-key FILE --date-less-than WHEN [--per-uri | --shared] [options]

Signs the URIs of an HLS playlist (.m3u8) or a DASH manifest (.mpd) and writes the playlist with
every other byte unchanged: tags, comments, blank lines, byte ranges, CRLF or LF line ends, a
missing final newline.

HLS: the URIs signed are media segment lines, variant stream lines of a master playlist, the
URI="..." attribute of EXT-X-KEY, EXT-X-SESSION-KEY, EXT-X-MAP, EXT-X-MEDIA,
EXT-X-I-FRAME-STREAM-INF, EXT-X-SESSION-DATA and the Low-Latency tags EXT-X-PART,
EXT-X-PRELOAD-HINT and EXT-X-RENDITION-REPORT, EXT-X-DATERANGE X-ASSET-URI and X-ASSET-LIST
(interstitials), and EXT-X-CONTENT-STEERING SERVER-URI. EXT-X-DEFINE variables ({$name}) are
substituted as a player does. URIs that are not http(s), such as skd:// or data: key URIs, are
left as they are. Per URI, URIs a player adds its own query to (Low-Latency rendition reports,
interstitial assets, the steering server) are refused (PLAYER_ADDS_QUERY): use --shared.

DASH (--shared only: a SegmentTemplate such as seg-$Number$.m4s stands for many URLs): the shared
policy's query is appended to SegmentTemplate media, initialization and index, SegmentURL media
and index, Initialization and RepresentationIndex sourceURL, a BaseURL that is the media URL
itself (SegmentBase), Location and PatchLocation (XML-escaped, & as &amp;; $Number$ and other
identifiers stay intact), after checking that the policy covers every URL a player builds:
BaseURLs resolved MPD > Period > AdaptationSet > Representation, templates by their part before
the first $Number$ or $Time$. One not covered is refused (RESOURCE_MISMATCH). Needs --base-url.

Required:
  --input FILE|-              the playlist, or - for stdin
${KEY_OPTIONS_HELP}
  --base-url URL              the URL the playlist is served from, e.g.
                              ${HOST}/videos/intro/master.m3u8;
                              relative URIs are resolved against it (needed when the playlist has
                              relative URIs, and for --shared without --policy-resource)

Mode (one of):
  --per-uri                   sign each URI on its own (canned policy, or custom with the policy
                              options); the default for HLS
  --shared                    sign one custom policy once for the playlist's folder (for the
                              --base-url above: ${HOST}/videos/intro/*),
                              or for --policy-resource, and append its query to every URI; the
                              default and only mode for DASH. Use it for Low-Latency HLS: players
                              add _HLS_msn and _HLS_part to playlist requests, which a per-URI
                              signature refuses

Options:
  --output FILE               write to FILE (default stdout), atomically (temporary file, fsync, rename)
  --format hls|dash           default from the extension (.m3u8, .m3u, .mpd), else from the content
  --keep-relative             keep relative URIs relative and append the signing query to them
                              (default: replace them by the absolute signed URL)
  --recursive                 HLS master playlist: also sign the media playlists it names (variant
                              streams, EXT-X-MEDIA, EXT-X-I-FRAME-STREAM-INF), read from disk at their
                              path relative to --input, and write each one at the same relative path
                              from the directory of --output. Needs --input FILE and --output FILE in
                              another directory. Example: --input site/master.m3u8 names
                              video/720p/index.m3u8; with --output signed/master.m3u8 it is read from
                              site/video/720p/index.m3u8 and written to signed/video/720p/index.m3u8
  --player-queries refuse|sign
                              per URI: refuse (default) or sign the URIs a player adds its own
                              query to (_HLS_msn, _HLS_primary_id, _HLS_pathway); sign them only
                              for a player known not to add them
  --strict                    write nothing if any URI fails (default: write the playlist with the
                              failing URIs left unsigned, and exit 1)
  --quiet                     no summary on stderr (failures are still reported)
  --json                      print a summary object on stdout (needs --output FILE)
${POLICY_OPTIONS_HELP}
  -h, --help                  show this help

With --shared, --policy-resource replaces the folder pattern: give a wider one, such as
${HOST}/videos/*, when segments live beside the playlist's folder
rather than under it. A failing URI is reported on stderr as 'cfsign: line N: CODE: message'
(never the URI).

${WHEN_HELP}

Examples:
  # every segment, key and init section of a media playlist, each signed on its own
  cfsign playlist --input index.m3u8 --output index.signed.m3u8 \\
    --base-url ${HOST}/videos/intro/720p/index.m3u8 \\
    --key-pair-id K2JCJMDEHXQW5F --private-key private_key.pem --date-less-than 2030-01-01

  # a master playlist and its media playlists, one shared policy for the folder, URIs kept relative
  cfsign playlist --input site/master.m3u8 --output signed/master.m3u8 --recursive --shared \\
    --keep-relative --base-url ${HOST}/videos/intro/master.m3u8 \\
    --key-pair-id K2JCJMDEHXQW5F --private-key private_key.pem --date-less-than 2030-01-01

  # a DASH manifest: the folder's policy appended to its templates and BaseURLs
  cfsign playlist --input manifest.mpd --output manifest.signed.mpd --shared \\
    --base-url ${HOST}/videos/intro/manifest.mpd \\
    --key-pair-id K2JCJMDEHXQW5F --private-key private_key.pem --date-less-than 2030-01-01

${exitStatusHelp(NOT_FROM_PLAYLIST, {
  heading: "Exit status (errors go to stderr as 'cfsign: CODE: message'):",
  meanings: {
    [EXIT.OK]: "every URI was signed and the playlist written",
    [EXIT.REFUSED]: "some URIs (BATCH_FAILED) or the policy were refused:",
  },
})}`;

/** The `playlist` subcommand. */
export const playlistCommand: Command = {
  name: "playlist",
  summary: "sign every URI of an HLS playlist (or a DASH manifest), bytes around them unchanged",
  help: HELP,
  run: runPlaylist,
};

const usage = (message: string): CliError => new CliError("USAGE", message, "Run 'cfsign playlist --help' for usage.");

async function runPlaylist(args: readonly string[], io: CliIo): Promise<number> {
  const values = parseOptions(args, OPTIONS, {
    command: "playlist",
    refused: REFUSED_OPTIONS,
    positionalHint: "pass the playlist with --input",
  });
  const missing: string[] = REQUIRED.filter((name) => values[name] === undefined);
  if (values["private-key"] === undefined && values["kms-key-id"] === undefined)
    missing.splice(2, 0, "private-key (or --kms-key-id)");
  if (missing.length > 0) {
    throw usage(`missing required option${missing.length > 1 ? "s" : ""}: ${missing.map((n) => "--" + n).join(", ")}`);
  }
  if (values["per-uri"] === true && values.shared === true) throw usage("give --per-uri or --shared, not both");
  if (values["allow-any-resource"] === true && values["policy-resource"] === undefined) {
    throw usage("--allow-any-resource only applies to a --policy-resource");
  }
  const toStdout = values.output === undefined || values.output === "-";
  if (values.json === true && toStdout)
    throw usage("--json prints a summary object on stdout, so the playlist needs --output FILE");
  const input = values.input!;
  let format = formatOf(values.format, input);
  if (values.recursive === true) {
    if (input === "-" || toStdout)
      throw usage("--recursive reads media playlists beside --input FILE and writes them beside --output FILE");
    if (format === "dash") throw usage("--recursive applies to HLS master playlists");
    if (resolve(dirname(values.output!)) === resolve(dirname(input))) {
      throw usage(
        "with --recursive, --output must be in another directory than --input: the media playlists would overwrite their originals",
      );
    }
  }
  if (!toStdout && input !== "-" && (await sameFile(input, values.output!))) {
    throw usage(
      "--output must not be the --input file (the same file, by whatever path); write elsewhere, then move it",
    );
  }
  const base = values["base-url"] === undefined ? undefined : baseUrlOption(values["base-url"]);

  const signer = await loadSigner(values, io, "playlist");
  const policy = policyFromOptions(values, "playlist");
  const text = await readWholeInput(input, io);
  format ??= isMpd(text) ? "dash" : "hls";
  if (format === "hls" && !isHlsPlaylist(text)) {
    throw new CliError(
      "INPUT",
      "the input is not an HLS playlist (its first line must be #EXTM3U)",
      isMpd(text) ? "It looks like a DASH manifest: add --format dash." : undefined,
    );
  }
  if (format === "dash" && !isMpd(text))
    throw new CliError("INPUT", "the input is not a DASH manifest (no MPD element)");
  if (format === "dash" && values["per-uri"] === true) {
    throw usage(
      "a DASH manifest names segments with templates ($Number$, $Time$) that stand for many URLs; sign it with --shared",
    );
  }
  if (format === "dash" && values.recursive === true) throw usage("--recursive applies to HLS master playlists");
  const shared = values.shared === true || format === "dash";
  const playerQueries = values["player-queries"];
  if (playerQueries !== undefined && playerQueries !== "refuse" && playerQueries !== "sign")
    throw usage("--player-queries must be refuse or sign");
  if (format === "dash" && base === undefined) {
    throw usage(
      "a DASH manifest needs --base-url, the URL it is served from: its BaseURLs and templates are resolved against it",
    );
  }
  if (values.recursive === true && base === undefined)
    throw usage("--recursive needs --base-url, the URL the master playlist is served from");
  const libraryOptions: LibraryOptions = {
    mode: shared ? ("shared" as const) : ("per-uri" as const),
    expires: policy.expires,
    starts: policy.starts,
    ipAddress: policy.ipAddress,
    resource: policy.resource,
    allowAnyResource: policy.allowAnyResource,
    keepRelative: values["keep-relative"] === true,
    playerQueries: playerQueries as "refuse" | "sign" | undefined,
  };
  const failures = new ItemFailures(io, values.json === true);
  const request: PlaylistRequest = {
    signer,
    text,
    input,
    output: values.output ?? "-",
    base,
    shared,
    options: libraryOptions,
    failures,
    io,
  };
  const { jobs, outputs, notes, sharedResource } =
    format === "dash"
      ? await signDash(request)
      : values.recursive === true
        ? await signRecursive(request)
        : await signOne(request);

  const totals = jobs.reduce(
    (t, j) => ({ uris: t.uris + j.uris, signed: t.signed + j.signed, skipped: t.skipped + j.skipped }),
    { uris: 0, signed: 0, skipped: 0 },
  );
  const written = !(values.strict === true && failures.count > 0);
  if (written) await writeAll(outputs, toStdout, io);

  if (values.json === true) {
    io.stdout(
      JSON.stringify({
        ok: failures.count === 0,
        format,
        mode: shared ? "shared" : "per-uri",
        ...totals,
        failed: failures.count,
        written,
        playlists: jobs.map((j) => ({
          file: j.name === "" ? null : j.name,
          uris: j.uris,
          signed: j.signed,
          skipped: j.skipped,
        })),
        failures: failures.toJSON(),
      }) + "\n",
    );
    return failures.status;
  }
  if (failures.count > 0) {
    io.stderr(
      `cfsign: BATCH_FAILED: ${formatCount(failures.count)} of ${formatCount(totals.uris)} URIs were not signed (listed above); ` +
        (written ? "they are left unsigned in the output\n" : "--strict: nothing was written\n"),
    );
  } else if (values.quiet !== true) {
    const files = jobs.length === 1 ? "" : ` in ${jobs.length} playlists`;
    const how = sharedResource !== undefined ? `one shared policy for ${sharedResource}` : "one signature each";
    io.stderr(
      `signed ${formatCount(totals.signed)} URI${totals.signed === 1 ? "" : "s"}${files} (${how})` +
        (totals.skipped > 0 ? `; left ${totals.skipped} that are not http(s) (such as skd:// keys) as they were` : "") +
        "\n",
    );
    const children = jobs.filter((j) => j.name !== "");
    if (children.length > 0)
      io.stderr(`media playlists written beside --output: ${children.map((j) => j.name).join(", ")}\n`);
  }
  if (values.quiet !== true) for (const note of notes) io.stderr(note + "\n");
  return failures.status;
}

function formatOf(given: string | undefined, input: string): "hls" | "dash" | undefined {
  if (given !== undefined) {
    const f = given.toLowerCase();
    if (f === "hls" || f === "dash") return f;
    throw usage("--format must be hls or dash");
  }
  const ext = input === "-" ? "" : extname(input).toLowerCase();
  return ext === ".mpd" ? "dash" : ext === ".m3u8" || ext === ".m3u" ? "hls" : undefined;
}

function baseUrlOption(text: string): string {
  try {
    return checkBaseUrl(text, "--base-url");
  } catch (err) {
    if (err instanceof CfSignError)
      throw new CliError("USAGE", err.message, "Give the absolute URL the playlist is served from.");
    throw err;
  }
}
