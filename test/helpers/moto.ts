/**
 * moto's KMS emulator (`python3 -m moto.server`, moto 5.2.1 in this machine image) on a free
 * loopback port, for tests of cfsign/kms with the real @aws-sdk/client-kms. Missing moto is a
 * loud failure, never a skip: CI must run these tests.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

export interface Moto {
  /** `http://127.0.0.1:PORT` */
  readonly endpoint: string;
  /** Stops the server (SIGTERM, then SIGKILL after 2 s). */
  stop(): Promise<void>;
}

/** The dummy credentials and region the emulator accepts. */
export const MOTO_ENV = {
  AWS_ACCESS_KEY_ID: "testing",
  AWS_SECRET_ACCESS_KEY: "testing",
  AWS_REGION: "us-east-1",
} as const;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts moto_server on 127.0.0.1 and waits (at most `timeoutMs`) until it answers.
 *
 * @throws when python3 has no moto, or the server does not come up in time
 */
export async function startMoto(timeoutMs = 90_000): Promise<Moto> {
  const probe = spawnSync("python3", ["-c", "import moto, flask; print(moto.__version__)"], {
    encoding: "utf8",
    timeout: 90_000,
  });
  if (probe.status !== 0) {
    throw new Error(
      "the KMS tests need moto's server in python3 (moto 5.2.1 with Flask, preinstalled in this machine image; " +
        `pip install "moto[server]==5.2.1" elsewhere): python3 -c "import moto" failed: ${probe.stderr || probe.error}`,
    );
  }
  const port = await freePort();
  const child: ChildProcess = spawn("python3", ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, ...MOTO_ENV },
  });
  let log = "";
  child.stderr!.setEncoding("utf8").on("data", (c: string) => (log = (log + c).slice(-4000)));
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}: ${log}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new Error(`moto_server did not answer within ${timeoutMs} ms: ${log}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const kill = setTimeout(() => child.kill("SIGKILL"), 2000);
        child.once("exit", () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill("SIGTERM");
      }),
  };
}
