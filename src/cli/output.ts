/**
 * Where the command line writes its results, never leaving a half-written or
 * wrongly-permissioned file behind:
 *
 * - a regular file (or a new one) is written to a temporary file beside it
 *   (created 0600, named `.NAME.cfsign-unfinished-safe-to-delete-PID-RAND.tmp`
 *   so that a person who finds one after a crash knows what it is), flushed
 *   with fsync, given the old file's mode (a new file: 0666 less the umask),
 *   then renamed over it; a symbolic link is followed, so the file it points
 *   at is replaced, not the link;
 * - a FIFO or a character device (`/dev/null`, `/dev/stdout`, a terminal) is
 *   written directly: renaming over it would replace the device node;
 * - any other kind of file (a directory, a socket, a block device) is refused;
 * - standard output is written as the job goes, or held back (in memory, then
 *   in a private temporary file) and copied out at the end, when the job must
 *   write nothing if it fails.
 *
 * Temporary files are removed on failure, on Ctrl-C (SIGINT, SIGTERM, SIGHUP)
 * and when the process exits early (a closed pipe). Messages never contain
 * the path: it may be something else typed in the wrong place.
 *
 * @module
 */
import { rmdirSync, unlinkSync } from "node:fs";
import { mkdtemp, open, realpath, rename, rmdir, stat, unlink, type FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import type { CliIo } from "./command.ts";
import { describeFsError } from "./io.ts";
import { CliError } from "./report.ts";

/** Where output goes: written in pieces, then committed (made visible) or aborted (nothing left behind). */
export interface OutputSink {
  /** Adds `data` to the output. */
  write(data: string | Uint8Array): Promise<void>;
  /** Makes the output visible: renames the file into place, or copies held output out. */
  commit(): Promise<void>;
  /** Discards everything not yet visible; never throws. */
  abort(): Promise<void>;
}

/** What the temporary file's name says, so that a person who finds one knows it can go. */
const TEMP_MARK = "cfsign-unfinished-safe-to-delete";

/**
 * The name of a temporary file beside `target`: hidden, naming the file it
 * will become, saying what it is. The target's name is shortened so that the
 * whole name stays within the 255 bytes file systems allow.
 *
 * @param target - the file being written
 * @returns a path in the same directory
 */
export function tempNameFor(target: string): string {
  let name = basename(target);
  while (new TextEncoder().encode(name).length > 120) name = name.slice(0, -1);
  return join(dirname(target), `.${name}.${TEMP_MARK}-${process.pid}-${Math.random().toString(36).slice(2, 10)}.tmp`);
}

const liveFiles = new Set<string>();
const liveDirs = new Set<string>();
let handlersInstalled = false;

function removeLive(): void {
  for (const p of liveFiles) {
    try {
      unlinkSync(p);
    } catch {
      // Already gone.
    }
  }
  liveFiles.clear();
  for (const d of liveDirs) {
    try {
      rmdirSync(d);
    } catch {
      // Already gone.
    }
  }
  liveDirs.clear();
}

/**
 * Removes temporary files if the process is interrupted or exits early, so
 * Ctrl-C or a closed pipe never leaves one behind.
 *
 * @param path - a temporary file, or a private directory with `dir`
 */
function trackTemp(path: string, dir = false): void {
  (dir ? liveDirs : liveFiles).add(path);
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.once("exit", removeLive);
  for (const [signal, status] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ] as const) {
    process.once(signal, () => {
      removeLive();
      process.exit(status);
    });
  }
}

/** Stops tracking `path` (it was renamed into place or removed). */
function untrackTemp(path: string): void {
  liveFiles.delete(path);
  liveDirs.delete(path);
}

/** Creates a temporary file beside `target`, exclusively and private to the user (0600). */
async function createTemp(target: string, flags = "wx"): Promise<{ path: string; handle: FileHandle }> {
  for (let attempt = 0; ; attempt++) {
    const path = tempNameFor(target);
    try {
      const handle = await open(path, flags, 0o600);
      trackTemp(path);
      return { path, handle };
    } catch (err) {
      if ((err as { code?: unknown }).code === "EEXIST" && attempt < 5) continue;
      throw err;
    }
  }
}

/** The permissions a new file gets: 0666 less the umask, as the shell's `>` gives. */
function newFileMode(): number {
  // process.umask() without an argument reads the mask (its deprecation is documentation-only, for workers).
  return 0o666 & ~process.umask();
}

/** Options of {@link fileSink}. */
interface FileSinkOptions {
  /** How messages name the file (default `--output`). */
  readonly what?: string;
  /**
   * For a FIFO or a device, which is written directly: hold the output back and write it only on
   * commit (a regular file is always written whole or not at all).
   */
  readonly hold?: boolean;
}

/**
 * Output to a file, written so that it is never seen half-written (see the module's description).
 *
 * @param path - the output file
 * @param options - how messages name it; whether to hold direct output back
 * @returns the sink
 * @throws {@link CliError} `OUTPUT` when the directory does not exist or is not writable, or the
 *   path is a directory, a socket or a block device
 */
export async function fileSink(path: string, options: FileSinkOptions = {}): Promise<OutputSink> {
  const what = options.what ?? "--output";
  const cannot = (reason: string): CliError => new CliError("OUTPUT", `cannot write the ${what} file: ${reason}`);
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    if ((err as { code?: unknown }).code !== "ENOENT") throw cannot(describeFsError(err));
    info = null;
  }
  if (info !== null && !info.isFile()) {
    if (info.isDirectory()) throw cannot("it is a directory");
    if (!info.isFIFO() && !info.isCharacterDevice()) {
      throw cannot("it is not a regular file, a FIFO or a character device (cfsign never replaces one)");
    }
    let handle: FileHandle;
    try {
      handle = await open(path, "w");
    } catch (err) {
      throw cannot(describeFsError(err));
    }
    const fail = (err: unknown): CliError =>
      new CliError("OUTPUT", `writing the ${what} file failed: ${describeFsError(err)}`);
    return streamSink(
      async (data) => {
        try {
          await writeTo(handle, data);
        } catch (err) {
          throw fail(err);
        }
      },
      options.hold === true,
      () => handle.close().catch(() => undefined),
    );
  }
  // A symbolic link is followed: the file it points at is replaced, and the link stays.
  const target = info === null ? path : await realpath(path).catch(() => path);
  let temp: { path: string; handle: FileHandle };
  try {
    temp = await createTemp(target);
  } catch (err) {
    const missingDir = (err as { code?: unknown }).code === "ENOENT";
    throw cannot(missingDir ? "its directory does not exist" : describeFsError(err));
  }
  let pending: (string | Uint8Array)[] = [];
  let pendingBytes = 0;
  let done = false;
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const parts = pending;
    pending = [];
    pendingBytes = 0;
    for (const part of parts) await writeTo(temp.handle, part);
  };
  const fsFail = (err: unknown): CliError =>
    new CliError("OUTPUT", `writing the ${what} file failed: ${describeFsError(err)}`);
  const sink: OutputSink = {
    async write(data) {
      pending.push(data);
      pendingBytes += data.length;
      if (pendingBytes >= 1 << 20) {
        try {
          await flush();
        } catch (err) {
          await sink.abort();
          throw fsFail(err);
        }
      }
    },
    async commit() {
      try {
        await flush();
        // The temporary file was private (0600) while it held live grants; the result gets the old
        // file's permissions (and owner, when root replaces someone else's file), or a new file's.
        const mode = info === null ? newFileMode() : info.mode & 0o7777;
        await temp.handle.chmod(mode);
        if (info !== null && process.getuid?.() === 0 && (info.uid !== 0 || info.gid !== 0)) {
          await temp.handle.chown(info.uid, info.gid).catch(() => undefined);
        }
        await temp.handle.sync();
        await temp.handle.close();
        await rename(temp.path, target);
        untrackTemp(temp.path);
        done = true;
      } catch (err) {
        await sink.abort();
        throw fsFail(err);
      }
      await syncDirectory(dirname(target));
    },
    async abort() {
      if (done) return;
      done = true;
      await temp.handle.close().catch(() => undefined);
      await unlink(temp.path).catch(() => undefined);
      untrackTemp(temp.path);
    },
  };
  return sink;
}

/** Writes text or bytes at the handle's position. */
async function writeTo(handle: FileHandle, data: string | Uint8Array): Promise<void> {
  if (typeof data === "string") await handle.write(data);
  else await handle.write(data);
}

/** Makes a rename durable: fsync of the directory (not possible on every platform; best effort). */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Windows and some file systems refuse to open or sync a directory.
  }
}

/** Writes `data` to standard output: bytes as they are when `io` can take bytes. */
function writeStdout(io: CliIo, data: string | Uint8Array): void {
  if (typeof data === "string") io.stdout(data);
  else if (io.stdoutBytes !== undefined) io.stdoutBytes(data);
  else io.stdout(new TextDecoder().decode(data));
}

/**
 * Output to standard output: written as it comes, or, with `hold`, kept back
 * and written on commit only, so that a job that fails (`--strict`, or an
 * input that turns out malformed) writes nothing.
 *
 * @param io - where standard output is
 * @param hold - write nothing until commit
 * @returns the sink
 */
export function stdoutSink(io: CliIo, hold: boolean): OutputSink {
  return streamSink(
    async (data) => writeStdout(io, data),
    hold,
    async () => {
      await io.flushStdout?.();
    },
  );
}

/** Held output beyond this many bytes goes to a temporary file instead of memory. */
const HOLD_IN_MEMORY = 1 << 20;

/**
 * A sink over a stream that cannot be replaced atomically (stdout, a FIFO, a
 * device): writes pass through, in pieces of up to 64 KiB; with `hold`, they
 * are kept (in memory up to 1 MiB, then in a private temporary file) and
 * passed through on commit.
 */
function streamSink(
  out: (data: string | Uint8Array) => Promise<void>,
  hold: boolean,
  close: () => Promise<void>,
): OutputSink {
  let pending: (string | Uint8Array)[] = [];
  let pendingBytes = 0;
  let spill: { dir: string; path: string; handle: FileHandle } | undefined;
  let finished = false;
  const drain = async (): Promise<void> => {
    const parts = pending;
    pending = [];
    pendingBytes = 0;
    for (const part of parts) await out(part);
  };
  const discard = async (): Promise<void> => {
    pending = [];
    pendingBytes = 0;
    if (spill !== undefined) {
      const { dir, path, handle } = spill;
      spill = undefined;
      await handle.close().catch(() => undefined);
      await unlink(path).catch(() => undefined);
      untrackTemp(path);
      await rmdir(dir).catch(() => undefined);
      untrackTemp(dir);
    }
  };
  return {
    async write(data) {
      pending.push(data);
      pendingBytes += data.length;
      if (pendingBytes < (hold ? HOLD_IN_MEMORY : 1 << 16)) return;
      if (!hold) return drain();
      if (spill === undefined) {
        try {
          const dir = await mkdtemp(join(tmpdir(), "cfsign-"));
          trackTemp(dir, true);
          const temp = await createTemp(join(dir, "held-output"), "wx+");
          spill = { dir, ...temp };
        } catch (err) {
          throw new CliError("OUTPUT", `cannot create a temporary file to hold the output: ${describeFsError(err)}`);
        }
      }
      const parts = pending;
      pending = [];
      pendingBytes = 0;
      try {
        for (const part of parts) await writeTo(spill.handle, part);
      } catch (err) {
        throw new CliError("OUTPUT", `writing the held output to a temporary file failed: ${describeFsError(err)}`);
      }
    },
    async commit() {
      if (finished) return;
      finished = true;
      try {
        if (spill !== undefined) {
          const buffer = new Uint8Array(1 << 20);
          for (let position = 0; ;) {
            const { bytesRead } = await spill.handle.read(buffer, 0, buffer.length, position);
            if (bytesRead === 0) break;
            position += bytesRead;
            await out(buffer.slice(0, bytesRead));
          }
        }
        await drain();
      } finally {
        await discard();
        await close();
      }
    },
    async abort() {
      if (finished) return;
      finished = true;
      // Without hold, what was written is out already; what is pending goes too, so that the output
      // ends where the job stopped (as a pipe shows it), not at an arbitrary buffer boundary.
      if (!hold) await drain().catch(() => undefined);
      await discard();
      await close();
    },
  };
}
