/**
 * The request as a client sends it: what a browser or HTTP client changes in a URL before sending it
 * (scheme and host case, default port, user information, dot segments, characters it percent-encodes, a
 * non-ASCII host), and the URL rewritten that way (`encode: true`). CloudFront checks the bytes it receives,
 * so the signer refuses such a URL (./url.ts `validateUrl`) and the verifier and inspector report it
 * (`CLIENT_REWRITES_URL`): one rule for all three.
 *
 * @module
 */
import { plainQueryStart } from "./plain-url.ts";
import { ALLOWED, describeChar, isHex, percentEncodeChar } from "./url-chars.ts";

/**
 * Something a client changes in a URL before sending it, so that CloudFront
 * sees other bytes than the ones given (see CLOUDFRONT.md "What reaches
 * CloudFront is what the client sends").
 */
export interface ClientRewrite {
  /** The signer's error code for it: `INVALID_URL` or `URL_UNSAFE_CHARACTER`. */
  readonly code: "INVALID_URL" | "URL_UNSAFE_CHARACTER";
  /** What the client changes, in a few words: `resolves the "." and ".." segments of the path`. */
  readonly change: string;
  /** The signer's message: the change and how to write the URL so that it is sent as given. */
  readonly message: string;
}

/**
 * What a browser or HTTP client would change in `url` before sending it, or
 * `null` when it sends the URL byte for byte: upper-case scheme or host, a
 * default port, user information, `.`/`..` path segments, characters it
 * percent-encodes (space, non-ASCII, `"`, `<`, `'` in the query, a `%` that starts
 * no escape, ...), a non-ASCII host (sent in punycode), an empty path. The one
 * rule behind the signer's refusals (`validateUrl`, ./url.ts) and the verifier's
 * `CLIENT_REWRITES_URL`.
 *
 * @param url - an absolute `http(s)://` URL (any letter case), without its `#fragment`
 * @returns the first change a client makes, or `null`
 * @example
 * ```ts
 * clientRewrite("https://cdn.example.com/gallery/../x.jpg")?.change; // 'resolves the "." and ".." segments of the path'
 * clientRewrite("https://cdn.example.com/x.jpg");                    // null
 * ```
 */
export function clientRewrite(url: string): ClientRewrite | null {
  return plainQueryStart(url) !== -1 ? null : clientRewriteWithoutFastPath(url);
}

/** {@link clientRewrite} without its fast path (`plainQueryStart`, ./plain-url.ts): test/url-fast-path.test.ts compares the two. */
export function clientRewriteWithoutFastPath(url: string): ClientRewrite | null {
  const schemeLength = schemePrefixLength(url);
  if (schemeLength === 0 || url[schemeLength] === "[") return null;
  return schemeCase(url, schemeLength) ?? rewriteAfterScheme(url, schemeLength);
}

/**
 * The rewrites of {@link clientRewrite} after the scheme's case: characters, authority (path, user
 * information, host case, default port) and dot segments, in that order.
 *
 * @param url - an absolute http(s) URL without its fragment
 * @param schemeLength - 8 for `https://`, 7 for `http://` ({@link schemePrefixLength})
 */
export function rewriteAfterScheme(url: string, schemeLength: number): ClientRewrite | null {
  return characters(url, schemeLength) ?? authority(url, schemeLength) ?? dotSegments(url, schemeLength);
}

/** 8 for `https://`, 7 for `http://` (any case), else 0. */
export function schemePrefixLength(url: string): number {
  const lower = url.slice(0, 8).toLowerCase();
  return lower.startsWith("https://") ? 8 : lower.startsWith("http://") ? 7 : 0;
}

function rewrite(code: ClientRewrite["code"], change: string, message: string): ClientRewrite {
  return { code, change, message };
}

export function schemeCase(url: string, schemeLength: number): ClientRewrite | null {
  const scheme = url.slice(0, schemeLength);
  if (scheme === scheme.toLowerCase()) return null;
  return rewrite(
    "INVALID_URL",
    "lower-cases the scheme",
    "write the URL scheme in lower case (clients send it that way, so CloudFront rebuilds it so)",
  );
}

/** End of the host (the first `/`, `?` or `#` after it, or the end). */
function hostEndOf(url: string, hostStart: number): number {
  let i = hostStart;
  while (i < url.length) {
    const c = url.charCodeAt(i);
    if (c === 0x2f || c === 0x3f || c === 0x23) break;
    i++;
  }
  return i;
}

/** The punycode form a client sends for a host with non-ASCII letters, or `null` when it has none or none exists. */
function punycodeHost(host: string): string | null {
  try {
    const ascii = new URL("https://" + host + "/").hostname;
    return /^[\x21-\x7e]+$/.test(ascii) && ascii !== host ? ascii : null;
  } catch {
    return null;
  }
}

function characters(input: string, from: number): ClientRewrite | null {
  // Fast path, the common case: every character allowed as it is, no % to check and no '.
  let clean = from;
  for (; clean < input.length; clean++) {
    const code = input.charCodeAt(clean);
    if (code >= 128 || ALLOWED[code] !== 1 || code === 0x27 /* ' */) break;
  }
  if (clean === input.length) return null;
  const queryStart = input.indexOf("?");
  const hostEnd = hostEndOf(input, from);
  for (let i = clean; i < input.length; i++) {
    const code = input.charCodeAt(i);
    let char = input[i]!;
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = input.charCodeAt(i + 1);
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        char = input.slice(i, i + 2);
      } else {
        return rewrite(
          "URL_UNSAFE_CHARACTER",
          `replaces the lone surrogate at character ${i + 1} with U+FFFD`,
          `the URL has a lone surrogate (${describeChar(char)}) at character ${i + 1}, which no client can send`,
        );
      }
    }
    const inQuery = queryStart !== -1 && i > queryStart;
    if (i < hostEnd && code >= 128) {
      const host = input.slice(from, hostEnd);
      const ascii = punycodeHost(host);
      return rewrite(
        "URL_UNSAFE_CHARACTER",
        ascii === null ? "cannot send the non-ASCII host name" : `sends the host name in punycode, ${ascii}`,
        `the URL's host has ${describeChar(char)}, a non-ASCII letter: clients send such a host name in its punycode ` +
          "(IDNA) form, " +
          (ascii === null
            ? "and this one has none; use the distribution's ASCII host name"
            : `so write the host as ${ascii} (what new URL(...).hostname gives), or pass encode: true to have cfsign do it`),
      );
    }
    let ok: boolean;
    let replacement: string;
    if (code === 0x25 /* % */) {
      ok = isHex(input.charCodeAt(i + 1)) && isHex(input.charCodeAt(i + 2));
      replacement = "%25";
    } else if (code === 0x27 /* ' */) {
      // Browsers percent-encode ' in the query of http(s) URLs (WHATWG URL, special-query set).
      ok = !inQuery;
      replacement = "%27";
    } else {
      ok = code < 128 && ALLOWED[code] === 1;
      replacement = ok ? char : percentEncodeChar(char);
    }
    if (!ok) {
      return rewrite(
        "URL_UNSAFE_CHARACTER",
        `percent-encodes ${describeChar(char)} at character ${i + 1} as ${replacement}`,
        `the URL has ${describeChar(char)} at character ${i + 1}, which must be percent-encoded: write ${replacement} ` +
          "(or pass encode: true to have cfsign encode it and sign the encoded URL)",
      );
    }
    if (char.length === 2) i++;
  }
  return null;
}

/** The URL as a client sends it, character-wise: the host in punycode, the rest percent-encoded where needed. */
export function encodeForClient(input: string, from: number): string {
  const hostEnd = hostEndOf(input, from);
  let head = input.slice(0, hostEnd);
  if (/[^\x00-\x7f]/.test(input.slice(from, hostEnd))) {
    const ascii = punycodeHost(input.slice(from, hostEnd));
    if (ascii !== null) head = input.slice(0, from) + ascii;
  }
  let out = head;
  const queryStart = input.indexOf("?");
  for (let i = hostEnd; i < input.length; i++) {
    const code = input.charCodeAt(i);
    let char = input[i]!;
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = input.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) char = input.slice(i, i + 2);
    }
    if (code >= 0xd800 && code <= 0xdfff && char.length === 1) {
      out += char; // a lone surrogate: left for the check to refuse
    } else if (code === 0x25) {
      out += isHex(input.charCodeAt(i + 1)) && isHex(input.charCodeAt(i + 2)) ? "%" : "%25";
    } else if (code === 0x27) {
      out += queryStart !== -1 && i > queryStart ? "%27" : "'";
    } else {
      out += code < 128 && ALLOWED[code] === 1 ? char : percentEncodeChar(char);
    }
    if (char.length === 2) i++;
  }
  return out;
}

function authority(url: string, hostStart: number): ClientRewrite | null {
  const hostEnd = url.indexOf("/", hostStart);
  const q = url.indexOf("?", hostStart);
  if (q !== -1 && (hostEnd === -1 || q < hostEnd)) {
    return rewrite(
      "INVALID_URL",
      "adds the path / before the query",
      "the URL needs a path before its query (https://host/path?query): clients send https://host/?query",
    );
  }
  if (hostEnd === -1) {
    return rewrite(
      "INVALID_URL",
      "adds the path /",
      "the URL needs a path: clients request https://host/ for https://host, so add the /",
    );
  }
  const authorityText = url.slice(hostStart, hostEnd);
  if (authorityText.includes("@")) {
    return rewrite(
      "INVALID_URL",
      "drops the user information (user@)",
      "the URL has user information (user@host), which clients strip before sending",
    );
  }
  const colon = authorityText.lastIndexOf(":");
  const host = colon === -1 ? authorityText : authorityText.slice(0, colon);
  if (/[A-Z]/.test(host)) {
    return rewrite(
      "INVALID_URL",
      "lower-cases the host name",
      "write the host name in lower case (clients lower-case it, so CloudFront rebuilds it so)",
    );
  }
  if (colon !== -1) {
    const port = authorityText.slice(colon + 1);
    const scheme = url.slice(0, hostStart - 3).toLowerCase();
    if ((scheme === "https" && port === "443") || (scheme === "http" && port === "80")) {
      return rewrite(
        "INVALID_URL",
        `drops the default port :${port}`,
        `remove the default port :${port}; clients drop it, so CloudFront would see different bytes`,
      );
    }
  }
  return null;
}

/**
 * Whether a path has a `.` or `..` segment, also written `%2e` (which clients
 * resolve too, WHATWG URL "single-dot/double-dot URL path segment").
 *
 * @param path - a URL path, from its first `/` to the query
 * @returns true when a client would resolve a segment
 * @example
 * ```ts
 * hasDotSegment("/gallery/../x.jpg"); // true
 * hasDotSegment("/gallery/.x.jpg");   // false
 * ```
 */
export function hasDotSegment(path: string): boolean {
  return /\/\.{1,2}(?=[/?#]|$)/.test(path) || /\/%2e(%2e|\.)?(?=[/?#]|$)|\/\.%2e(?=[/?#]|$)/i.test(path);
}

function dotSegments(url: string, hostStart: number): ClientRewrite | null {
  const slash = url.indexOf("/", hostStart);
  const q = url.indexOf("?");
  const pathEnd = q === -1 ? url.length : q;
  if (slash === -1 || slash >= pathEnd) return null;
  if (!hasDotSegment(url.slice(slash, pathEnd))) return null;
  return rewrite(
    "INVALID_URL",
    'resolves the "." and ".." segments of the path',
    "the URL's path has a . or .. segment, which clients resolve before sending; sign the resolved path",
  );
}
