/**
 * A loopback HTTP proxy between @aws-sdk/client-kms and the emulator that injects the
 * failures of the real service: `ThrottlingException` (HTTP 400 with the awsJson1_1 error
 * body KMS sends), `KMSInternalException` (500), a bare 503, `AccessDeniedException`, or a delay. It counts requests
 * by operation and the most in flight at once.
 */
import { createServer, request, type IncomingMessage, type Server } from "node:http";

/** What to do with one request. */
export type Fault = "pass" | "throttle" | "internal" | "unavailable" | "denied" | { delayMs: number };

/** One request as the proxy saw it. */
export interface Seen {
  /** `Sign`, `GetPublicKey`, ... (from `X-Amz-Target: TrentService.Sign`). */
  readonly operation: string;
  /** The JSON body. */
  readonly body: Record<string, unknown>;
  /** Requests of this operation before this one. */
  readonly n: number;
}

export interface KmsProxy {
  readonly endpoint: string;
  /** Requests received, by operation (faults included). */
  readonly counts: Map<string, number>;
  /** Requests answered with each fault. */
  readonly faults: Map<string, number>;
  /** Most requests in flight at once. */
  peakInFlight: number;
  /** Chooses the fault per request; default: pass everything. */
  decide: (seen: Seen) => Fault;
  reset(): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Starts the proxy in front of `target` (`http://127.0.0.1:PORT`). */
export async function startKmsProxy(target: string): Promise<KmsProxy> {
  const upstream = new URL(target);
  let inFlight = 0;
  const proxy: KmsProxy = {
    endpoint: "",
    counts: new Map(),
    faults: new Map(),
    peakInFlight: 0,
    decide: () => "pass",
    reset() {
      proxy.counts.clear();
      proxy.faults.clear();
      proxy.peakInFlight = 0;
      proxy.decide = () => "pass";
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer(async (req, res) => {
    inFlight++;
    proxy.peakInFlight = Math.max(proxy.peakInFlight, inFlight);
    res.on("close", () => inFlight--);
    const raw = await readBody(req);
    const operation =
      String(req.headers["x-amz-target"] ?? "")
        .split(".")
        .pop() ?? "";
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(raw.toString("utf8")) as Record<string, unknown>;
    } catch {
      // not JSON: passed through as it is
    }
    const n = proxy.counts.get(operation) ?? 0;
    proxy.counts.set(operation, n + 1);
    const decided = proxy.decide({ operation, body, n });
    if (typeof decided === "object") {
      const { delayMs } = decided;
      await new Promise((r) => setTimeout(r, delayMs));
    }
    const fault = typeof decided === "object" ? "pass" : decided;
    if (fault !== "pass") proxy.faults.set(fault, (proxy.faults.get(fault) ?? 0) + 1);
    const json = (status: number, type: string, message: string): void => {
      const text = JSON.stringify({ __type: type, message });
      res.writeHead(status, {
        "content-type": "application/x-amz-json-1.1",
        "x-amzn-errortype": type,
        "x-amzn-requestid": "00000000-0000-0000-0000-000000000000",
        "content-length": Buffer.byteLength(text),
      });
      res.end(text);
    };
    if (fault === "throttle") return json(400, "ThrottlingException", "Rate exceeded");
    if (fault === "denied") return json(400, "AccessDeniedException", "User is not authorized to perform: kms:Sign");
    if (fault === "internal") return json(500, "KMSInternalException", "An internal error occurred");
    if (fault === "unavailable") {
      res.writeHead(503, { "content-type": "text/html" });
      return res.end("<html><body>Service Unavailable</body></html>");
    }
    const out = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on("error", () => {
      res.writeHead(502);
      res.end();
    });
    out.end(raw);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  (proxy as { endpoint: string }).endpoint = `http://127.0.0.1:${port}`;
  return proxy;
}
