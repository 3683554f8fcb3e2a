/**
 * The origins of `cfsign serve`, as Fetch API handlers the gate calls for an
 * allowed request: the files under a directory ({@link fileOrigin}), or an HTTP
 * origin ({@link httpOrigin}). Node only.
 *
 * The directory origin answers what a static origin (S3, nginx) would: GET and
 * HEAD, one byte range (`206`, `416`), content types for web and streaming
 * files, `ETag`/`Last-Modified` with `304`, no directory listings, and nothing
 * outside the directory: a path is decoded segment by segment, and `.`/`..`,
 * a `/`, `\` or NUL inside a segment, and any file whose real path (symlinks
 * resolved) leaves the directory are answered 404, like a file that is not there.
 *
 * @module
 */
import { createReadStream } from "node:fs";
import { open, realpath, stat } from "node:fs/promises";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { extname, join, sep } from "node:path";
import { Readable } from "node:stream";

/** Content types by extension: web pages, images, and HLS/DASH streaming files. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".htm": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".xml": "application/xml",
  ".pdf": "application/pdf",
  ".zip": "application/zip",
  ".wasm": "application/wasm",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".png": "image/png",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
  ".m3u8": "application/vnd.apple.mpegurl",
  ".m3u": "audio/mpegurl",
  ".mpd": "application/dash+xml",
  ".ts": "video/mp2t",
  ".m4s": "video/iso.segment",
  ".mp4": "video/mp4",
  ".m4v": "video/mp4",
  ".m4a": "audio/mp4",
  ".cmfv": "video/mp4",
  ".cmfa": "audio/mp4",
  ".aac": "audio/aac",
  ".mp3": "audio/mpeg",
  ".webm": "video/webm",
  ".vtt": "text/vtt; charset=utf-8",
  ".key": "application/octet-stream",
  ".bin": "application/octet-stream",
};

/** Files (or ranges) up to this size are read in one call instead of streamed. */
const SMALL_FILE_BYTES = 64 * 1024;

const text = (status: number, body: string, extra: Record<string, string> = {}): Response =>
  new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8", ...extra } });

/**
 * The path's segments, decoded; `null` when a segment is `.` or `..` (also
 * percent-encoded), holds a `/`, `\` or NUL once decoded, or is not valid
 * percent-encoding.
 */
function safeSegments(pathname: string): string[] | null {
  const out: string[] = [];
  for (const raw of pathname.split("/").slice(1)) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (segment === "." || segment === ".." || /[/\\\0]/.test(segment)) return null;
    out.push(segment);
  }
  return out;
}

/**
 * The byte range a `Range` header asks for: `{ start, end }` (inclusive),
 * `"unsatisfiable"`, or `null` to serve the whole file (no header, several
 * ranges, or a unit other than bytes, as RFC 9110 §14.2 allows).
 */
function parseRange(header: string | null, size: number): { start: number; end: number } | "unsatisfiable" | null {
  if (header === null) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (m === null) return null;
  const [, first, last] = m as unknown as [string, string, string];
  if (first === "" && last === "") return null;
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (start >= size) return "unsatisfiable";
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (end < start) return null; // RFC 9110 §14.1.1: an invalid range-spec; ignore the header
  return { start, end };
}

/**
 * An origin serving the files under `root`.
 *
 * @param root - the directory (its real path is taken once, here)
 * @returns a Fetch API handler
 */
export async function fileOrigin(root: string): Promise<(request: Request) => Promise<Response>> {
  const realRoot = await realpath(root);
  const inside = (p: string): boolean =>
    p === realRoot || p.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep);
  const notFound = (): Response => text(404, "Not Found\n");

  return async (request) => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      return text(405, "Method Not Allowed\n", { Allow: "GET, HEAD, OPTIONS" });
    }
    const segments = safeSegments(new URL(request.url).pathname);
    if (segments === null || segments.length === 0 || segments[segments.length - 1] === "") return notFound();
    let file: string;
    try {
      file = await realpath(join(realRoot, ...segments));
    } catch {
      return notFound();
    }
    if (!inside(file)) return notFound();
    const info = await stat(file).catch(() => null);
    if (info === null || !info.isFile()) return notFound();

    const size = info.size;
    const etag = `"${size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
    const headers: Record<string, string> = {
      "Content-Type": CONTENT_TYPES[extname(file).toLowerCase()] ?? "application/octet-stream",
      "Accept-Ranges": "bytes",
      ETag: etag,
      "Last-Modified": info.mtime.toUTCString(),
    };
    const ifNoneMatch = request.headers.get("if-none-match");
    if (
      ifNoneMatch !== null &&
      ifNoneMatch.split(",").some((t) => t.trim().replace(/^W\//, "") === etag || t.trim() === "*")
    ) {
      return new Response(null, { status: 304, headers: { ETag: etag, "Last-Modified": headers["Last-Modified"]! } });
    }
    const ifRange = request.headers.get("if-range");
    const range =
      ifRange !== null && ifRange !== etag && ifRange !== headers["Last-Modified"]
        ? null
        : parseRange(request.headers.get("range"), size);
    if (range === "unsatisfiable") {
      return new Response(null, {
        status: 416,
        headers: { "Content-Range": `bytes */${size}`, "Accept-Ranges": "bytes" },
      });
    }
    const [status, start, end] = range === null ? [200, 0, size - 1] : [206, range.start, range.end];
    headers["Content-Length"] = String(end - start + 1);
    if (status === 206) headers["Content-Range"] = `bytes ${start}-${end}/${size}`;
    if (request.method === "HEAD" || size === 0) return new Response(null, { status, headers });
    if (end - start < SMALL_FILE_BYTES) {
      // A small body in one read: web streams cost more than the bytes here.
      const handle = await open(file, "r");
      try {
        const bytes = new Uint8Array(end - start + 1);
        const { bytesRead } = await handle.read(bytes, 0, bytes.length, start);
        return new Response(bytes.subarray(0, bytesRead), { status, headers });
      } finally {
        await handle.close();
      }
    }
    const stream = Readable.toWeb(createReadStream(file, { start, end })) as ReadableStream<Uint8Array>;
    return new Response(stream, { status, headers });
  };
}

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "te",
  "trailer",
  "host",
]);

/**
 * An origin forwarding to an HTTP(S) server: the request's path and query
 * (the gate has removed the signing parameters) under `base`, with its method,
 * headers (but `Host` and hop-by-hop ones) and body. The answer's bytes are
 * passed on as they come (no decompression).
 *
 * @param base - the origin, e.g. `http://127.0.0.1:9000` (a path prefix is kept)
 * @returns a Fetch API handler
 */
export function httpOrigin(base: URL): (request: Request) => Promise<Response> {
  const prefix = base.pathname.replace(/\/$/, "");
  return async (request) => {
    const incoming = new URL(request.url);
    const target = new URL(base.origin + prefix + incoming.pathname + incoming.search);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      if (!HOP_BY_HOP.has(name)) headers[name] = value;
    });
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    const answer = await new Promise<IncomingMessage>((resolve, reject) => {
      const out = send(target, { method: request.method, headers }, resolve);
      out.on("error", reject);
      if (request.body === null) out.end();
      else Readable.fromWeb(request.body as import("node:stream/web").ReadableStream<Uint8Array>).pipe(out);
    }).catch(() => null);
    if (answer === null) return text(502, "Bad Gateway: the origin did not answer\n");
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value === undefined || HOP_BY_HOP.has(name)) continue;
      for (const v of Array.isArray(value) ? value : [value]) responseHeaders.append(name, v);
    }
    const status = answer.statusCode ?? 502;
    const empty = request.method === "HEAD" || status === 204 || status === 304 || (status >= 100 && status < 200);
    if (empty) answer.resume();
    return new Response(empty ? null : (Readable.toWeb(answer) as ReadableStream<Uint8Array>), {
      status,
      headers: responseHeaders,
    });
  };
}
