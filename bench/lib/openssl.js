// The machine's signing limit as OpenSSL itself measures it: `openssl speed`
// with one process per core, spawned and parsed.
import { execFile } from "node:child_process";
import { availableParallelism } from "node:os";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * Signatures per second of `openssl speed -elapsed -multi <cores> <alg>`, summed over processes.
 * @param {"ecdsap256" | "rsa2048"} alg
 * @param {number} seconds
 */
export async function opensslSpeed(alg, seconds = 1, multi = availableParallelism()) {
  const args = ["speed", "-seconds", String(seconds), "-elapsed"];
  if (multi > 1) args.push("-multi", String(multi));
  args.push(alg);
  const { stdout } = await run("openssl", args, { maxBuffer: 1 << 20 });
  const line =
    alg === "rsa2048"
      ? /rsa\s+2048 bits\s+\S+s\s+\S+s\s+([\d.]+)/
      : /256 bits ecdsa \(nistp256\)\s+\S+s\s+\S+s\s+([\d.]+)/;
  const m = stdout.match(line);
  if (m === null) throw new Error(`could not read openssl speed ${alg} output`);
  return Number(m[1]);
}
