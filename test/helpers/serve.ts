/**
 * Starts the real `cfsign serve` (`node bin/cfsign.js serve ...`, which needs dist/)
 * as a child process, waits for its `listening on` line, and stops it by its own pid.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { BIN, ROOT } from "./cli.js";

export interface Served {
  /** `http://127.0.0.1:PORT`, from the first stdout line. */
  readonly url: string;
  /** The first stdout line, exactly. */
  readonly firstLine: string;
  readonly child: ChildProcess;
  /** Everything written to stderr so far (the request log). */
  stderr(): string;
  /** Everything written to stdout so far. */
  stdout(): string;
  /** Sends `signal` (SIGTERM by default) and resolves with the exit code and signal. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `cfsign serve ...args` and resolves once it listens (rejects if it exits first or within `timeoutMs`). */
export function startServe(args: readonly string[], timeoutMs = 20_000): Promise<Served> {
  const child = spawn(process.execPath, [BIN, "serve", ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`cfsign serve did not listen within ${timeoutMs} ms\nstdout: ${out}\nstderr: ${err}`));
    }, timeoutMs);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`cfsign serve exited with ${code} before listening\nstdout: ${out}\nstderr: ${err}`));
    });
    const onData = (): void => {
      const nl = out.indexOf("\n");
      if (nl === -1) return;
      clearTimeout(timer);
      child.stdout!.off("data", onData);
      const firstLine = out.slice(0, nl);
      resolve({
        url: firstLine.replace(/^listening on /, ""),
        firstLine,
        child,
        stderr: () => err,
        stdout: () => out,
        stop: (signal = "SIGTERM") => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return Promise.race([
            exited,
            new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((_, fail) =>
              setTimeout(() => fail(new Error("cfsign serve did not stop within 5 s")), 5_000),
            ),
          ]);
        },
      });
    };
    child.stdout!.on("data", onData);
  });
}
