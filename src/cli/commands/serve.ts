/**
 * `cfsign serve`: a local CloudFront stand-in. Serves the files under a
 * directory (or forwards to an HTTP origin) through the gate (createGate,
 * src/verify/gate.ts), so a signed-URL or signed-cookie flow can run end to end
 * in development and CI without a distribution.
 *
 * @module
 */
import { stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { importVerifyKey, type PublicKeyInput } from "../../crypto/public-key.ts";
import { parseOptions } from "../args.ts";
import type { CliIo, Command } from "../command.ts";
import { CliError, EXIT } from "../report.ts";
import { fileOrigin, httpOrigin } from "../serve-files.ts";
import { parseChoice, readPublicKeyFile } from "../shared-inputs.ts";

const OPTIONS = {
  root: { type: "string" },
  origin: { type: "string" },
  port: { type: "string" },
  host: { type: "string" },
  "cors-origin": { type: "string" },
  boundary: { type: "string" },
  "no-explain": { type: "boolean" },
  quiet: { type: "boolean" },
} as const;

const HELP = `Usage: cfsign serve (--root DIR | --origin URL) --public-key ID=FILE [--public-key ID=FILE ...] [options]

Serves the files under DIR (or forwards to an HTTP origin) behind CloudFront's signed-URL and
signed-cookie check, for development and CI: a request CloudFront would allow gets the file, any
other gets CloudFront's 403 (text/xml, MissingKey / AccessDenied) and an x-cfsign-reason header
with the verifier's reason (EXPIRED, BAD_SIGNATURE, IP_NOT_ALLOWED, ...).

Sign URLs for the address it prints (http://127.0.0.1:PORT/...): CloudFront checks the URL as
the client sends it, host and port included.

Required:
  --root DIR                  serve the files under DIR (GET and HEAD, byte ranges, no listings)
  --origin URL                or forward allowed requests to this HTTP(S) origin instead
  --public-key ID=FILE        a trusted public key and its key pair id; repeat for a key group.
                              FILE: SPKI PEM (BEGIN PUBLIC KEY), PKCS#1 PEM or a public JWK

Options:
  --port N                    port to listen on (default 8080; 0 picks a free one)
  --host ADDR                 address to listen on (default 127.0.0.1)
  --cors-origin ORIGIN        the browser origin allowed to read responses, e.g.
                              http://localhost:3000 (with credentials, for signed cookies);
                              default *: any origin, echoed back with credentials (fine on
                              loopback, not on a shared network); none: no CORS headers
  --boundary exclusive|inclusive
                              at exactly DateLessThan a request is expired (exclusive, default)
  --no-explain                leave x-cfsign-reason out of the 403s, as CloudFront does
  --quiet                     no log line per request
  -h, --help                  show this help

The client's address for IpAddress policies is the connection's (127.0.0.1 on loopback).
The first line on stdout is exactly 'listening on http://HOST:PORT'. Each request is logged on
stderr as: METHOD PATH STATUS REASON MS (the path without its query, so no signature is logged).
Ctrl-C (SIGINT) or SIGTERM stops the server; the exit status is then 0.

Examples:
  cfsign serve --root ./media --public-key K2JCJMDEHXQW5F=keys/public_key.pem --port 0

  cfsign serve --origin http://127.0.0.1:9000 --public-key K2JCJMDEHXQW5F=keys/public_key.pem \\
    --cors-origin http://localhost:5173

Exit status:
  0  stopped by SIGINT or SIGTERM
  2  usage, key or input error (on stderr as 'cfsign: CODE: message'), or the port is in use
`;

/** The `serve` subcommand. */
export const serveCommand: Command = {
  name: "serve",
  summary: "serve files (or an origin) behind CloudFront's signed URL and cookie check, for development and CI",
  help: HELP,
  run: runServe,
};

const usage = (message: string): CliError => new CliError("USAGE", message, "Run 'cfsign serve --help' for usage.");

/** Takes every `--public-key` out of `args` (it is the one repeatable option). */
function takePublicKeys(args: readonly string[]): { keys: string[]; rest: string[] } {
  const keys: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      rest.push(...args.slice(i));
      break;
    }
    if (arg === "--public-key") {
      const value = args[i + 1];
      if (value === undefined || value.startsWith("--")) throw usage("--public-key needs a value ID=FILE");
      keys.push(value);
      i++;
    } else if (arg.startsWith("--public-key=")) keys.push(arg.slice("--public-key=".length));
    else rest.push(arg);
  }
  return { keys, rest };
}

async function runServe(args: readonly string[], io: CliIo): Promise<number> {
  const { keys, rest } = takePublicKeys(args);
  const values = parseOptions(rest, OPTIONS, { command: "serve", positionalHint: "pass the directory with --root" });
  if ((values.root === undefined) === (values.origin === undefined)) {
    throw usage(values.root === undefined ? "give --root DIR or --origin URL" : "give --root or --origin, not both");
  }
  if (keys.length === 0) throw usage("missing required option: --public-key ID=FILE");
  const port = values.port === undefined ? 8080 : Number(values.port);
  if (!/^\d{1,5}$/.test(values.port ?? "8080") || port > 65535) throw usage("--port must be a number from 0 to 65535");
  const host = values.host ?? "127.0.0.1";
  const boundary = parseChoice(values.boundary, ["exclusive", "inclusive"] as const, "boundary", usage);
  const cors = values["cors-origin"] ?? "*";
  if (cors !== "*" && cors !== "none" && !/^https?:\/\/[^/\s]+$/.test(cors)) {
    throw usage(
      "--cors-origin must be *, none, or an origin such as http://localhost:3000 (scheme, host, port; no path)",
    );
  }

  const publicKeys: Record<string, PublicKeyInput> = {};
  for (const spec of keys) {
    const eq = spec.indexOf("=");
    const id = eq === -1 ? "" : spec.slice(0, eq);
    if (!/^[A-Za-z0-9]{1,128}$/.test(id) || eq === spec.length - 1) {
      throw usage("--public-key takes ID=FILE: the key pair id (letters and digits), '=', and the public key file");
    }
    if (Object.hasOwn(publicKeys, id)) throw usage(`--public-key gives the key pair id ${id} twice`);
    publicKeys[id] = await readPublicKeyFile(spec.slice(eq + 1));
  }
  const { createGate } = await import("../../index.ts");
  for (const input of Object.values(publicKeys)) await importVerifyKey(input); // a bad key fails here, not per request

  let origin: (request: Request) => Promise<Response>;
  if (values.root !== undefined) {
    const info = await stat(values.root).catch(() => null);
    if (info === null || !info.isDirectory()) throw new CliError("INPUT", "--root must be an existing directory");
    origin = await fileOrigin(values.root);
  } else {
    let base: URL;
    try {
      base = new URL(values.origin!);
    } catch {
      throw usage("--origin must be an absolute http:// or https:// URL");
    }
    if (base.protocol !== "http:" && base.protocol !== "https:")
      throw usage("--origin must be an absolute http:// or https:// URL");
    origin = httpOrigin(base);
  }

  // The client's address rides with the request object, so concurrent requests never see each other's.
  const addresses = new WeakMap<Request, string | undefined>();
  const gate = createGate({
    publicKeys,
    origin,
    boundary,
    clientIp: (request) => addresses.get(request),
    explain: true,
  });
  const explain = values["no-explain"] !== true;
  const log = values.quiet === true ? () => undefined : (line: string) => io.stderr(line + "\n");

  const server = createServer((req, res) => {
    const started = performance.now();
    void handle(req, res).then(
      ({ status, reason }) =>
        log(`${req.method} ${pathOf(req.url)} ${status} ${reason} ${(performance.now() - started).toFixed(1)}ms`),
      (err: unknown) => {
        const code = (err as { code?: unknown } | null)?.code;
        log(
          `${req.method} ${pathOf(req.url)} 500 ${typeof code === "string" ? code : "ERROR"} ${(performance.now() - started).toFixed(1)}ms`,
        );
        if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" });
        res.end("Internal Server Error\n");
      },
    );
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<{ status: number; reason: string }> {
    const requestOrigin = req.headers.origin;
    const corsHeaders: Record<string, string> = {};
    if (cors !== "none" && requestOrigin !== undefined && (cors === "*" || requestOrigin === cors)) {
      corsHeaders["Access-Control-Allow-Origin"] = requestOrigin;
      corsHeaders["Access-Control-Allow-Credentials"] = "true";
      corsHeaders["Access-Control-Expose-Headers"] =
        "x-cfsign-reason, Content-Length, Content-Range, Accept-Ranges, ETag";
      corsHeaders["Vary"] = "Origin";
    }
    if (req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined) {
      // A CORS preflight carries no cookies; answer it here, before the gate.
      if (corsHeaders["Access-Control-Allow-Origin"] !== undefined) {
        corsHeaders["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS";
        const asked = req.headers["access-control-request-headers"];
        if (asked !== undefined) corsHeaders["Access-Control-Allow-Headers"] = asked;
        corsHeaders["Access-Control-Max-Age"] = "600";
      }
      res.writeHead(204, corsHeaders).end();
      return { status: 204, reason: "PREFLIGHT" };
    }
    const request = toRequest(req, host, port);
    addresses.set(request, req.socket.remoteAddress);
    const response = await gate(request);
    const reason = response.headers.get("x-cfsign-reason") ?? "OK";
    const headers: Record<string, string | string[]> = { ...corsHeaders };
    response.headers.forEach((value, name) => {
      if (name === "x-cfsign-reason" && !explain) return;
      if (name === "set-cookie") return;
      headers[name] = value;
    });
    const cookies = response.headers.getSetCookie();
    if (cookies.length > 0) headers["set-cookie"] = cookies;
    res.writeHead(response.status, headers);
    if (response.body === null || req.method === "HEAD") {
      res.end();
      await response.body?.cancel();
    } else {
      await pipeBody(response.body, res);
    }
    return { status: response.status, reason };
  }

  const listening = await listen(server, port, host);
  const shown = host.includes(":") ? `[${host}]` : host;
  io.stdout(`listening on http://${shown}:${listening.port}\n`);

  return new Promise<number>((resolve) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      server.close(() => resolve(EXIT.OK));
      server.closeAllConnections();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

function pathOf(url: string | undefined): string {
  const path = (url ?? "/").split("?", 1)[0]!;
  return path.length > 200 ? path.slice(0, 200) + "..." : path;
}

/** The request as a Fetch API `Request`, with the URL the client asked for (its Host header, else HOST:PORT). */
function toRequest(req: IncomingMessage, host: string, port: number): Request {
  const authority = req.headers.host ?? `${host.includes(":") ? `[${host}]` : host}:${port}`;
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  return new Request(`http://${authority}${req.url ?? "/"}`, {
    method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : null,
    // @ts-expect-error: Node's fetch needs duplex for a streamed body; not yet in the DOM types
    duplex: "half",
  });
}

async function pipeBody(body: ReadableStream<Uint8Array>, res: ServerResponse): Promise<void> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) await new Promise<void>((resume) => res.once("drain", resume).once("close", resume));
      if (res.destroyed) {
        await reader.cancel();
        return;
      }
    }
    res.end();
  } catch {
    res.destroy();
  }
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EADDRINUSE")
        reject(usage(`port ${port} on ${host} is in use; pick another --port, or --port 0 for a free one`));
      else if (err.code === "EADDRNOTAVAIL" || err.code === "ENOTFOUND")
        reject(usage("--host is not an address of this machine"));
      else if (err.code === "EACCES") reject(usage(`port ${port} needs privileges; use a port above 1023`));
      else reject(err);
    });
    server.listen(port, host, () => resolve(server.address() as AddressInfo));
  });
}
