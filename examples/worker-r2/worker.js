// A Cloudflare Worker that puts CloudFront's signed-URL and signed-cookie check in front of an
// R2 bucket: URLs and cookies signed for CloudFront (by cfsign, the AWS SDKs or the AWS CLI)
// open the bucket's files; anything else gets CloudFront's 403.
//
//   wrangler r2 bucket create media
//   wrangler secret put CF_PUBLIC_KEYS     # {"K2JCJMDEHXQW5F":"-----BEGIN PUBLIC KEY-----\n..."}
//   wrangler deploy
//
// Sign URLs for the Worker's own host (https://media.example.com/videos/intro.mp4): the canned
// policy covers the URL exactly as the client sends it.
import { createGate } from "cfsign";

/** The R2 object for an allowed request: GET (with Range and conditional headers) or HEAD. */
async function fromBucket(bucket, request) {
  if (request.method !== "GET" && request.method !== "HEAD") {
    return new Response("Method Not Allowed\n", { status: 405, headers: { Allow: "GET, HEAD" } });
  }
  let key;
  try {
    key = decodeURIComponent(new URL(request.url).pathname.slice(1));
  } catch {
    return new Response("Bad Request\n", { status: 400 });
  }
  if (key === "" || key.endsWith("/")) return new Response("Not Found\n", { status: 404 });

  const object =
    request.method === "HEAD"
      ? await bucket.head(key)
      : await bucket.get(key, { range: request.headers, onlyIf: request.headers });
  if (object === null) return new Response("Not Found\n", { status: 404 });
  const headers = new Headers();
  object.writeHttpMetadata(headers);
  headers.set("etag", object.httpEtag);
  headers.set("accept-ranges", "bytes");
  if (request.method === "HEAD") {
    headers.set("content-length", String(object.size));
    return new Response(null, { headers });
  }
  if (!("body" in object)) return new Response(null, { status: 304, headers }); // If-None-Match / If-Modified-Since
  const range = request.headers.has("range") ? object.range : undefined;
  if (range !== undefined) {
    const offset = range.suffix !== undefined ? object.size - range.suffix : (range.offset ?? 0);
    const length = range.suffix !== undefined ? range.suffix : (range.length ?? object.size - offset);
    headers.set("content-range", `bytes ${offset}-${offset + length - 1}/${object.size}`);
    headers.set("content-length", String(length));
    return new Response(object.body, { status: 206, headers });
  }
  headers.set("content-length", String(object.size));
  return new Response(object.body, { headers });
}

let gate;

export default {
  async fetch(request, env) {
    gate ??= createGate({
      publicKeys: JSON.parse(env.CF_PUBLIC_KEYS),
      origin: (allowed) => fromBucket(env.MEDIA, allowed),
      // The address CloudFront would see, for policies with an IpAddress condition.
      clientIp: (r) => r.headers.get("cf-connecting-ip") ?? undefined,
      // x-cfsign-reason on every 403 while you develop; EXPLAIN=false in production.
      explain: env.EXPLAIN !== "false",
    });
    return gate(request);
  },
};
