/**
 * Independent checks of what the signer emits, for the hostile-input tests: the
 * output is taken apart with string operations, the signature is verified with
 * node:crypto, and the policy must be byte for byte `JSON.stringify` of exactly
 * the grant that was asked for (never broader). No cfsign code is used.
 * Each check returns a list of problems (empty when all is well), so a table
 * can report every failing row at once.
 */
import { verify, type KeyObject } from "node:crypto";
import { fromCloudFrontBase64, parseSignedUrl } from "./verify.js";
import { toCloudFrontBase64 } from "./sign-by-hand.js";

/** The grant a signed output must carry, exactly. */
export interface Grant {
  /** Custom policy (`Policy=`) rather than canned (`Expires=`). */
  readonly custom: boolean;
  /** The policy's `Resource`: the URL for canned, the pattern (or URL) for custom. */
  readonly resource: string;
  /** `DateLessThan`, epoch seconds. */
  readonly expires: number;
  /** `DateGreaterThan`, epoch seconds. */
  readonly starts?: number | undefined;
  /** `IpAddress.AWS:SourceIp`, in CIDR form. */
  readonly ipAddress?: string | undefined;
}

/** Who signed, for verification. */
export interface SignedBy {
  readonly publicKey: KeyObject;
  readonly keyPairId: string;
  readonly hash: "SHA1" | "SHA256";
}

/** The policy text of a grant, in the key order cfsign and the AWS CLI use. */
export function intendedPolicy(g: Grant): string {
  const condition: Record<string, unknown> = { DateLessThan: { "AWS:EpochTime": g.expires } };
  if (g.ipAddress !== undefined) condition["IpAddress"] = { "AWS:SourceIp": g.ipAddress };
  if (g.starts !== undefined) condition["DateGreaterThan"] = { "AWS:EpochTime": g.starts };
  return JSON.stringify({ Statement: [{ Resource: g.resource, Condition: condition }] });
}

const PRINTABLE_ASCII = /^[\x21-\x7e]*$/;

function signatureProblems(policy: Buffer, signatureText: string, by: SignedBy): string[] {
  const problems: string[] = [];
  if (
    !/^[A-Za-z0-9~_-]+$/.test(signatureText) ||
    toCloudFrontBase64(fromCloudFrontBase64(signatureText)) !== signatureText
  ) {
    problems.push("the signature is not canonical CloudFront base64");
  }
  const signature = fromCloudFrontBase64(signatureText);
  if (signature.length === 0) problems.push("empty signature");
  if (!verify(by.hash === "SHA256" ? "sha256" : "sha1", policy, by.publicKey, signature)) {
    problems.push("the signature does not verify over the policy");
  }
  return problems;
}

function policyProblems(text: string, g: Grant): string[] {
  const want = intendedPolicy(g);
  if (text === want) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [`the policy is not JSON: ${JSON.stringify(text.slice(0, 120))}`];
  }
  return [`the policy ${JSON.stringify(parsed).slice(0, 200)} is not exactly ${want.slice(0, 200)}`];
}

/**
 * Checks a signed URL: it is `base` + `?`/`&` + the signing parameters, each exactly
 * once, in order, after every own parameter; the signature verifies over the policy
 * (decoded, or rebuilt from the URL as CloudFront does); the policy is exactly `grant`.
 *
 * @param emitted - the signed URL
 * @param base - the URL that was to be signed (the input, or its encoded form)
 * @param grant - the grant it must carry
 * @param by - the key that must have signed it
 */
export function signedUrlProblems(emitted: unknown, base: string, grant: Grant, by: SignedBy): string[] {
  if (typeof emitted !== "string") return [`not a string: ${typeof emitted}`];
  const problems: string[] = [];
  if (!PRINTABLE_ASCII.test(emitted)) problems.push("the URL has characters outside printable ASCII");
  const sep = base.includes("?") ? "&" : "?";
  if (!emitted.startsWith(base + sep))
    return [...problems, "the URL does not start with the URL that was to be signed"];
  const params = emitted.slice(base.length + 1).split("&");
  const names = params.map((p) => p.slice(0, p.indexOf("=")));
  const expectedNames = [
    grant.custom ? "Policy" : "Expires",
    "Signature",
    "Key-Pair-Id",
    ...(by.hash === "SHA256" ? ["Hash-Algorithm"] : []),
  ];
  if (JSON.stringify(names) !== JSON.stringify(expectedNames)) {
    return [...problems, `signing parameters ${names.join(",")}, expected ${expectedNames.join(",")}`];
  }
  const value = (name: string): string => params[names.indexOf(name)]!.slice(name.length + 1);
  if (value("Key-Pair-Id") !== by.keyPairId) problems.push("wrong Key-Pair-Id");
  if (by.hash === "SHA256" && value("Hash-Algorithm") !== "SHA256") problems.push("wrong Hash-Algorithm");
  let parsed;
  try {
    parsed = parseSignedUrl(emitted);
  } catch (err) {
    return [...problems, `the URL cannot be taken apart: ${(err as Error).message}`];
  }
  if (parsed.base !== base) problems.push("the URL minus its signing parameters is not the URL that was to be signed");
  if (!grant.custom) {
    if (value("Expires") !== String(grant.expires))
      problems.push(`Expires=${value("Expires")}, expected ${grant.expires}`);
    if (grant.resource !== base) problems.push("a canned grant's resource must be the URL");
  } else {
    const policyText = value("Policy");
    if (toCloudFrontBase64(fromCloudFrontBase64(policyText)) !== policyText)
      problems.push("Policy is not canonical CloudFront base64");
  }
  problems.push(...policyProblems(parsed.policy, grant));
  problems.push(...signatureProblems(Buffer.from(parsed.policy, "utf8"), value("Signature"), by));
  return problems;
}

/** What `signCookies` returns, structurally. */
export interface CookiesLike {
  readonly kind: "canned" | "custom";
  readonly cookies: Readonly<Record<string, string | undefined>>;
  readonly setCookie: readonly string[];
}

// RFC 6265 §4.1.1 cookie-octet.
const COOKIE_VALUE = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]+$/;

/**
 * Checks signed cookies: the right cookies with safe values, one `Set-Cookie` each
 * (no CR, LF or extra `;` injected), a signature that verifies over the policy, and a
 * policy that is exactly `grant`.
 */
export function signedCookiesProblems(result: CookiesLike, grant: Grant, by: SignedBy): string[] {
  const problems: string[] = [];
  const head = grant.custom ? "CloudFront-Policy" : "CloudFront-Expires";
  const names = [
    head,
    "CloudFront-Signature",
    "CloudFront-Key-Pair-Id",
    ...(by.hash === "SHA256" ? ["CloudFront-Hash-Algorithm"] : []),
  ];
  if (result.kind !== (grant.custom ? "custom" : "canned")) problems.push(`kind ${result.kind}`);
  if (JSON.stringify(Object.keys(result.cookies)) !== JSON.stringify(names))
    return [...problems, `cookies ${Object.keys(result.cookies).join(",")}`];
  for (const [name, value] of Object.entries(result.cookies)) {
    if (value === undefined || !COOKIE_VALUE.test(value)) problems.push(`${name} has an unsafe value`);
  }
  if (result.setCookie.length !== names.length) problems.push("one Set-Cookie per cookie expected");
  result.setCookie.forEach((header, i) => {
    if (/[\r\n\u0000]/.test(header) || !PRINTABLE_ASCII.test(header.replace(/ /g, "")))
      problems.push(`Set-Cookie ${i} has unsafe characters`);
    if (!header.startsWith(`${names[i]}=${result.cookies[names[i]!]};`))
      problems.push(`Set-Cookie ${i} is not ${names[i]}`);
  });
  if (result.cookies["CloudFront-Key-Pair-Id"] !== by.keyPairId) problems.push("wrong key pair id");
  let policy: string;
  if (grant.custom) {
    const value = result.cookies["CloudFront-Policy"] ?? "";
    policy = fromCloudFrontBase64(value).toString("utf8");
    if (toCloudFrontBase64(policy) !== value) problems.push("CloudFront-Policy is not canonical CloudFront base64");
  } else {
    if (result.cookies["CloudFront-Expires"] !== String(grant.expires)) problems.push("wrong CloudFront-Expires");
    policy = `{"Statement":[{"Resource":"${grant.resource}","Condition":{"DateLessThan":{"AWS:EpochTime":${result.cookies["CloudFront-Expires"]}}}}]}`;
  }
  problems.push(...policyProblems(policy, grant));
  problems.push(...signatureProblems(Buffer.from(policy, "utf8"), result.cookies["CloudFront-Signature"] ?? "", by));
  return problems;
}

/** What `signPolicy` returns, structurally. */
export interface SharedPolicyLike {
  readonly policy: Uint8Array;
  readonly query: string;
  readonly resource: string;
  readonly expires: number;
  readonly starts: number | undefined;
  readonly ipAddress: string | undefined;
}

/** Checks a shared policy: its bytes are exactly `grant`, its query carries them and a signature that verifies. */
export function sharedPolicyProblems(p: SharedPolicyLike, grant: Grant, by: SignedBy): string[] {
  const problems: string[] = [];
  const text = Buffer.from(p.policy).toString("utf8");
  problems.push(...policyProblems(text, grant));
  if (p.resource !== grant.resource) problems.push("resource differs");
  if (p.expires !== grant.expires || p.starts !== grant.starts || p.ipAddress !== grant.ipAddress)
    problems.push("conditions differ");
  const params = p.query.split("&");
  const names = params.map((x) => x.slice(0, x.indexOf("=")));
  const expectedNames = ["Policy", "Signature", "Key-Pair-Id", ...(by.hash === "SHA256" ? ["Hash-Algorithm"] : [])];
  if (JSON.stringify(names) !== JSON.stringify(expectedNames))
    return [...problems, `query parameters ${names.join(",")}`];
  if (params[0] !== `Policy=${toCloudFrontBase64(p.policy)}`) problems.push("Policy does not carry the policy bytes");
  if (params[2] !== `Key-Pair-Id=${by.keyPairId}`) problems.push("wrong Key-Pair-Id");
  problems.push(...signatureProblems(Buffer.from(p.policy), params[1]!.slice("Signature=".length), by));
  return problems;
}

/**
 * Epoch seconds of a valid date input, computed without cfsign: a `Date` or ISO string
 * rounded so the grant never widens (`floor` for an end, `ceil` for a start).
 */
export function epochSeconds(value: unknown, rounding: "floor" | "ceil"): number {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^[0-9]+$/.test(value)) return Number(value); // the command line's epoch seconds
  const ms = value instanceof Date ? value.getTime() : Date.parse(String(value).trim());
  if (!Number.isFinite(ms)) throw new Error(`not a valid date: ${String(value)}`);
  return Math[rounding](ms / 1000);
}

/** An IPv4 address or CIDR in CIDR form. */
export function cidr(ip: string): string {
  return ip.includes("/") ? ip : `${ip}/32`;
}
