/**
 * The shared table of "what a client sends" (src/cloudfront/client-rewrite.ts clientRewrite): one row per URL, with the
 * change a browser or HTTP client makes before sending it, or `null` when it sends the URL byte for byte.
 * The signer must refuse exactly the rewritten rows (INVALID_URL or URL_UNSAFE_CHARACTER) and sign the others;
 * the verifier must answer CLIENT_REWRITES_URL, naming the change, for exactly the rewritten rows
 * (test/client-rewrites.test.ts). Independent oracle where it applies: the WHATWG URL serializer (`new URL(u).href`).
 */

const H = "https://cdn.example.com";

/** `[name, url, what the message says the client changes (a substring) or null]`. */
export type RewriteRow = readonly [name: string, url: string, change: string | null];

export const CLIENT_REWRITE_ROWS: readonly RewriteRow[] = [
  // Sent as given
  ["a plain path", `${H}/gallery/a.jpg`, null],
  ["a query", `${H}/gallery/a.jpg?w=640&h=480`, null],
  ["escapes as written", `${H}/gallery/caf%C3%A9%20noir.jpg`, null],
  ["an apostrophe in the path (sent as is)", `${H}/gallery/o'brien.jpg`, null],
  ["a dot inside a name", `${H}/gallery/.hidden/a..b.jpg`, null],
  ["a non-default port", `${H.replace("https", "http")}:8080/a.jpg`, null],
  ["..%2f is not a dot segment", `${H}/a/..%2f/b.jpg`, null],
  // Rewritten
  ["upper-case scheme", "HTTPS://cdn.example.com/a.jpg", "lower-cases the scheme"],
  ["upper-case host", "https://CDN.example.com/a.jpg", "lower-cases the host"],
  ["default https port", "https://cdn.example.com:443/a.jpg", "drops the default port :443"],
  ["default http port", "http://cdn.example.com:80/a.jpg", "drops the default port :80"],
  ["user information", "https://user:pw@cdn.example.com/a.jpg", "drops the user information"],
  ["a .. segment", `${H}/gallery/../x.jpg`, 'resolves the "." and ".." segments'],
  ["a . segment", `${H}/gallery/./x.jpg`, 'resolves the "." and ".." segments'],
  ["an encoded .. segment", `${H}/gallery/%2E%2e/x.jpg`, 'resolves the "." and ".." segments'],
  ["a trailing .. segment", `${H}/gallery/..`, 'resolves the "." and ".." segments'],
  ["a space", `${H}/my photo.jpg`, "percent-encodes U+0020"],
  ["non-ASCII in the path", `${H}/café.jpg`, "percent-encodes U+00E9"],
  ["a double quote", `${H}/a".jpg`, "percent-encodes"],
  ["angle brackets", `${H}/<a>.jpg`, "percent-encodes"],
  ["a backtick", `${H}/a\`b.jpg`, "percent-encodes"],
  ["curly braces", `${H}/{a}.jpg`, "percent-encodes"],
  ["an apostrophe in the query", `${H}/a.jpg?name=o'brien`, 'percent-encodes "\'"'],
  ["a non-ASCII host", "https://bücher.example/a.jpg", "punycode, xn--bcher-kva.example"],
  ["no path", H, "adds the path /"],
  ["no path before the query", `${H}?a=1`, "adds the path / before the query"],
];
