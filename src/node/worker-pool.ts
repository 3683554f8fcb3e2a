/**
 * Node only: a small pool of `node:worker_threads` workers that sign batches of
 * policies synchronously with node:crypto, for keys where a thread-pool round
 * trip per signature costs more than the signature itself (ECDSA P-256: about
 * 35 µs of work against a comparable main-thread cost per `crypto.sign`
 * callback). Never imported by the runtime-neutral modules; the Node entry
 * loads it with `import()` only when `workers` is asked for.
 *
 * Why our own pool and not piscina/tinypool as an optional peer: the job is one
 * fixed function over a transferable buffer, the pool is ~200 lines with its
 * tests, and a peer dependency would make the fast path depend on the user's
 * install and on another project's worker-file resolution under bundlers. The
 * worker's code is a `data:` URL module, so there is no worker file to locate
 * after bundling.
 *
 * Protocol: the key is cloned once into each worker (`KeyObject` is
 * cloneable); a job is the policies of a chunk packed into one `ArrayBuffer`
 * with a `Uint32Array` of end offsets, both transferred; the answer is the
 * signatures packed the same way, transferred back. Workers are `unref`'d while
 * idle, so an idle pool never keeps the process alive.
 *
 * @module
 */
import type { KeyObject } from "node:crypto";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { CfSignError } from "../errors.ts";
import type { HashAlgorithm, KeyAlgorithm } from "../crypto/types.ts";

/** Options of {@link createSigningPool}. */
interface SigningPoolOptions {
  /** Number of worker threads. Default: `os.availableParallelism()`. */
  readonly size?: number | undefined;
  /** Most policies in one job. Default 32 for RSA (about 1 ms each), 256 for ECDSA. */
  readonly maxChunk?: number | undefined;
}

/** What a worker returns for one job. */
interface JobResult {
  readonly id: number;
  readonly out: Uint8Array;
  readonly ends: Uint32Array;
  /** Pairs of (index in the job, error message) for items that failed. */
  readonly failed: readonly (number | string)[];
}

/**
 * The worker's program, an ES module loaded from a `data:` URL: no file to
 * locate after bundling, and no CommonJS/ESM ambiguity (an `eval: true` worker
 * inherits `--input-type` from the parent). Free of cfsign imports.
 */
const WORKER_SOURCE = `
import { parentPort, workerData } from "node:worker_threads";
import { sign } from "node:crypto";
const { key, digest } = workerData;
parentPort.on("message", (job) => {
  const { id, data, ends } = job;
  const n = ends.length - 1;
  const sigs = new Array(n);
  const failed = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    try {
      const s = sign(digest, data.subarray(ends[i], ends[i + 1]), key);
      sigs[i] = s;
      total += s.length;
    } catch (err) {
      sigs[i] = null;
      failed.push(i, String((err && err.message) || err));
    }
  }
  const out = new Uint8Array(total);
  const outEnds = new Uint32Array(n + 1);
  let o = 0;
  for (let i = 0; i < n; i++) {
    const s = sigs[i];
    if (s !== null) { out.set(s, o); o += s.length; }
    outEnds[i + 1] = o;
  }
  parentPort.postMessage({ id, out, ends: outEnds, failed }, [out.buffer, outEnds.buffer]);
});
`;

const WORKER_URL = /* @__PURE__ */ new URL("data:text/javascript," + encodeURIComponent(WORKER_SOURCE));

const DIGEST: Record<HashAlgorithm, string> = { SHA1: "sha1", SHA256: "sha256" };

/** Why a batch fails when `signer.close()` stops the threads under it. */
const CLOSED_MESSAGE = "the signer was closed (signer.close()) while this batch was being signed on its worker threads";

/** Jobs each worker holds at once: one being signed, one queued, so it never waits for the main thread. */
const DEPTH = 2;

interface Job {
  readonly id: number;
  readonly start: number;
  readonly count: number;
  readonly resolve: (result: JobResult) => void;
  readonly reject: (error: unknown) => void;
}

class PoolWorker {
  readonly worker: Worker;
  readonly jobs = new Map<number, Job>();
  dead = false;
  /** Set by {@link SigningPool.close}: the thread is stopped on purpose. */
  closing = false;

  constructor(workerData: unknown, onDead: (w: PoolWorker) => void) {
    this.worker = new Worker(WORKER_URL, { workerData });
    this.worker.on("message", (result: JobResult) => {
      const job = this.jobs.get(result.id);
      if (job === undefined) return;
      this.jobs.delete(result.id);
      if (this.jobs.size === 0) this.worker.unref();
      job.resolve(result);
    });
    const die = (cause: unknown): void => {
      if (this.dead) return;
      this.dead = true;
      onDead(this);
      const error = this.closing
        ? new CfSignError("SIGNING_FAILED", CLOSED_MESSAGE)
        : new CfSignError("SIGNING_FAILED", "a signing worker thread stopped", { cause });
      for (const job of this.jobs.values()) job.reject(error);
      this.jobs.clear();
    };
    this.worker.on("error", die);
    this.worker.on("exit", (code) => die(new Error(`worker exited with code ${code}`)));
    // After the listeners: adding a "message" listener refs the worker's port again.
    this.worker.unref();
  }

  post(job: Job, data: Uint8Array, ends: Uint32Array): void {
    if (this.jobs.size === 0) this.worker.ref();
    this.jobs.set(job.id, job);
    this.worker.postMessage({ id: job.id, data, ends }, [data.buffer as ArrayBuffer, ends.buffer as ArrayBuffer]);
  }
}

/**
 * A pool of signing threads bound to one key. Create with {@link createSigningPool}.
 */
export class SigningPool {
  readonly #workerData: { key: KeyObject; digest: string };
  readonly #size: number;
  readonly #maxChunk: number;
  readonly #workers: PoolWorker[] = [];
  #nextId = 0;
  #closed = false;

  /** @internal Use {@link createSigningPool}. */
  constructor(key: KeyObject, algorithm: KeyAlgorithm, hashAlgorithm: HashAlgorithm, options: SigningPoolOptions) {
    // node:crypto's sign() emits ECDSA signatures as DER by default (dsaEncoding "der"), which CloudFront wants.
    this.#workerData = { key, digest: DIGEST[hashAlgorithm] };
    this.#size = options.size ?? Math.max(1, availableParallelism());
    this.#maxChunk = options.maxChunk ?? (algorithm === "RSA" ? 32 : 256);
  }

  /** Number of worker threads the pool runs when busy. */
  get size(): number {
    return this.#size;
  }

  /**
   * Signs every payload; results are in input order. An item that fails is
   * returned as a `SIGNING_FAILED` error in its slot; a worker that dies
   * rejects the whole call with `SIGNING_FAILED`.
   *
   * @param payloads - policy bytes to sign
   * @returns one signature (DER for ECDSA) or error per payload
   * @throws {@link CfSignError} `SIGNING_FAILED` when a worker thread stops, or the pool is closed
   */
  async signMany(payloads: readonly Uint8Array[]): Promise<(Uint8Array | CfSignError)[]> {
    if (this.#closed) throw new CfSignError("SIGNING_FAILED", CLOSED_MESSAGE);
    const n = payloads.length;
    const out: (Uint8Array | CfSignError)[] = new Array(n);
    if (n === 0) return out;
    this.#spawn();
    const workers = this.#workers;
    // Enough chunks to keep every worker busy to the end, small enough to bound latency.
    const chunk = Math.max(1, Math.min(this.#maxChunk, Math.ceil(n / (workers.length * 4))));
    let next = 0;
    const feed = async (w: PoolWorker): Promise<void> => {
      while (next < n) {
        const start = next;
        const count = Math.min(chunk, n - start);
        next += count;
        const result = await this.#run(w, payloads, start, count);
        const { out: bytes, ends, failed } = result;
        for (let i = 0; i < count; i++) {
          const a = ends[i]!;
          const b = ends[i + 1]!;
          out[start + i] =
            b > a
              ? bytes.subarray(a, b)
              : new CfSignError("SIGNING_FAILED", "the platform returned an empty signature");
        }
        for (let k = 0; k < failed.length; k += 2) {
          out[start + (failed[k] as number)] = new CfSignError("SIGNING_FAILED", "node:crypto could not sign", {
            cause: new Error(String(failed[k + 1])),
          });
        }
      }
    };
    const feeders: Promise<void>[] = [];
    for (const w of workers) for (let d = 0; d < DEPTH; d++) feeders.push(feed(w));
    await Promise.all(feeders);
    return out;
  }

  #run(w: PoolWorker, payloads: readonly Uint8Array[], start: number, count: number): Promise<JobResult> {
    let total = 0;
    for (let i = 0; i < count; i++) total += payloads[start + i]!.length;
    const data = new Uint8Array(total);
    const ends = new Uint32Array(count + 1);
    let o = 0;
    for (let i = 0; i < count; i++) {
      const p = payloads[start + i]!;
      data.set(p, o);
      o += p.length;
      ends[i + 1] = o;
    }
    return new Promise<JobResult>((resolve, reject) => {
      if (w.dead) {
        reject(
          new CfSignError(
            "SIGNING_FAILED",
            this.#closed || w.closing ? CLOSED_MESSAGE : "a signing worker thread stopped",
          ),
        );
        return;
      }
      w.post({ id: this.#nextId++, start, count, resolve, reject }, data, ends);
    });
  }

  #spawn(): void {
    while (this.#workers.length < this.#size) {
      this.#workers.push(
        new PoolWorker(this.#workerData, (dead) => {
          const i = this.#workers.indexOf(dead);
          if (i !== -1) this.#workers.splice(i, 1);
        }),
      );
    }
  }

  /**
   * Stops every worker thread. Idle workers never keep the process alive, so
   * this is needed only to free the threads early.
   *
   * @returns when all threads have exited
   */
  async close(): Promise<void> {
    this.#closed = true;
    const workers = this.#workers.splice(0);
    for (const w of workers) w.closing = true;
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }
}

/**
 * Creates a signing pool for a parsed private key. No thread starts until the
 * first {@link SigningPool.signMany}.
 *
 * @param key - a private `KeyObject` already checked by the node:crypto adapter
 * @param algorithm - `"RSA"` or `"ECDSA"` (ECDSA signatures come back as DER)
 * @param hashAlgorithm - `"SHA256"` or `"SHA1"`
 * @param options - pool size and chunk size
 * @returns the pool
 * @example
 * ```ts
 * const pool = createSigningPool(keyObject, "ECDSA", "SHA256", { size: 2 });
 * const signatures = await pool.signMany(policies);
 * ```
 */
export function createSigningPool(
  key: KeyObject,
  algorithm: KeyAlgorithm,
  hashAlgorithm: HashAlgorithm,
  options: SigningPoolOptions = {},
): SigningPool {
  const { size, maxChunk } = options;
  if (size !== undefined && (!Number.isInteger(size) || size < 1)) {
    throw new CfSignError("INVALID_ARGUMENT", 'workers must be a positive integer or "auto"');
  }
  if (maxChunk !== undefined && (!Number.isInteger(maxChunk) || maxChunk < 1)) {
    throw new CfSignError("INVALID_ARGUMENT", "maxChunk must be a positive integer");
  }
  return new SigningPool(key, algorithm, hashAlgorithm, options);
}
