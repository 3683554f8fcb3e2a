/**
 * CloudFront policy JSON (`private-content-creating-signed-url-canned-policy`,
 * `...-custom-policy`): the one TypeScript writer and the one reader.
 *
 * Writing: {@link policyText} is the reference writer of the TS hot path
 * (src/engine/js.ts); the WASM engine writes the same bytes (assembly/policy.ts),
 * which test/engine-equivalence.test.ts checks. {@link cannedPolicyText} is the
 * canned policy CloudFront rebuilds from a request, for the verifier and the
 * inspector.
 *
 * Reading: {@link readPolicy} is how the verifier and the inspector read a
 * `Policy` value once it is base64-decoded: strict UTF-8, JSON, then CloudFront's
 * shape (one statement, `Resource` optional, `DateLessThan` required, integer
 * epochs, one IPv4 CIDR judged by ./ip.ts, no other key), with one verdict and
 * one message per problem.
 *
 * @module
 */
import type { PolicySpec } from "../engine/types.ts";
import { parseIpv4Cidr } from "./ip.ts";

/** The parsed JSON of a CloudFront policy (one statement). */
export interface CloudFrontPolicy {
  readonly Statement: readonly [
    {
      readonly Resource?: string;
      readonly Condition: {
        readonly DateLessThan: { readonly "AWS:EpochTime": number };
        readonly DateGreaterThan?: { readonly "AWS:EpochTime": number };
        readonly IpAddress?: { readonly "AWS:SourceIp": string };
      };
    },
  ];
}

/**
 * The policy JSON text for one spec, in the key order of the AWS CLI and botocore
 * (`DateLessThan`, `IpAddress`, `DateGreaterThan`), no whitespace. With only
 * `resource` and `expires` it is exactly the canned policy.
 *
 * @param spec - a validated resource, integer epoch seconds, an optional start and CIDR
 * @returns the JSON text whose UTF-8 bytes are signed
 * @example
 * ```ts
 * policyText({ resource: "https://cdn.example.com/a.jpg", expires: 1893456000 });
 * // '{"Statement":[{"Resource":"https://cdn.example.com/a.jpg","Condition":{"DateLessThan":{"AWS:EpochTime":1893456000}}}]}'
 * ```
 */
export function policyText(spec: PolicySpec): string {
  let text =
    '{"Statement":[{"Resource":' +
    JSON.stringify(spec.resource) +
    ',"Condition":{"DateLessThan":{"AWS:EpochTime":' +
    spec.expires +
    "}";
  if (spec.ipAddress !== undefined) {
    text += ',"IpAddress":{"AWS:SourceIp":' + JSON.stringify(spec.ipAddress) + "}";
  }
  if (spec.starts !== undefined) {
    text += ',"DateGreaterThan":{"AWS:EpochTime":' + spec.starts + "}";
  }
  return text + "}}]}";
}

/**
 * The canned policy CloudFront rebuilds from a request
 * (`private-content-creating-signed-url-canned-policy`): the exact text whose
 * bytes a canned signature covers. The resource is put in as is, unescaped, as
 * CloudFront does.
 *
 * @param resource - the URL without its signing parameters (`unsignedUrl` of ./signed-url.ts)
 * @param expires - the `Expires` value, digits only (`isExpiresText` of ./signed-url.ts)
 * @returns the policy text
 * @example
 * ```ts
 * cannedPolicyText("https://cdn.example.com/a.jpg", "1893456000");
 * ```
 */
export function cannedPolicyText(resource: string, expires: string): string {
  return `{"Statement":[{"Resource":"${resource}","Condition":{"DateLessThan":{"AWS:EpochTime":${expires}}}}]}`;
}

/** What {@link readPolicy} made of a policy's bytes. */
type PolicyReading =
  | { readonly policy: CloudFrontPolicy; readonly text: string; readonly problem?: undefined }
  | {
      readonly policy?: undefined;
      /** The text, when the bytes are UTF-8 (so it can be shown), else `undefined`. */
      readonly text: string | undefined;
      /** The parsed JSON when the bytes are JSON but not CloudFront's shape, else `undefined`. */
      readonly json: unknown;
      /** What is wrong, in words, for a `MALFORMED_POLICY` message. */
      readonly problem: string;
    };

const utf8 = /* @__PURE__ */ new TextDecoder("utf-8", { fatal: true });

/**
 * Reads a policy from its bytes (the decoded `Policy` value, or a canned policy's
 * UTF-8): strict UTF-8, then JSON, then CloudFront's policy shape.
 *
 * @param bytes - the policy bytes, or already-decoded text (a rebuilt canned policy)
 * @returns the policy and its text, or the problem
 * @example
 * ```ts
 * const r = readPolicy(new TextEncoder().encode('{"Statement":[{"Condition":{"DateLessThan":{"AWS:EpochTime":1}}}]}'));
 * r.policy?.Statement[0].Condition.DateLessThan["AWS:EpochTime"]; // 1
 * ```
 */
export function readPolicy(bytes: Uint8Array | string): PolicyReading {
  let text: string;
  if (typeof bytes === "string") text = bytes;
  else {
    try {
      text = utf8.decode(bytes);
    } catch {
      return { text: undefined, json: undefined, problem: "it is not UTF-8 text" };
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { text, json: undefined, problem: "it is not JSON" };
  }
  const problem = policyProblem(json);
  return problem === null ? { policy: json as CloudFrontPolicy, text } : { text, json, problem };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function onlyKeys(o: Record<string, unknown>, allowed: readonly string[]): string | null {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) return k;
  return null;
}

function epochProblem(v: unknown, name: string): string | null {
  if (!isObject(v)) return `${name} must be an object`;
  const extra = onlyKeys(v, ["AWS:EpochTime"]);
  if (extra !== null) return `${name} has an unknown key ${JSON.stringify(extra.slice(0, 40))}`;
  const t = v["AWS:EpochTime"];
  if (typeof t !== "number" || !Number.isSafeInteger(t) || t < 0)
    return `${name}.AWS:EpochTime must be whole epoch seconds (a number)`;
  return null;
}

function policyProblem(json: unknown): string | null {
  if (!isObject(json)) return "the top level must be an object";
  const extra = onlyKeys(json, ["Statement"]);
  if (extra !== null) return `unknown top-level key ${JSON.stringify(extra.slice(0, 40))}`;
  const statements = json.Statement;
  if (!Array.isArray(statements) || statements.length !== 1)
    return "Statement must be an array of exactly one statement";
  const s: unknown = statements[0];
  if (!isObject(s)) return "the statement must be an object";
  const extraS = onlyKeys(s, ["Resource", "Condition"]);
  if (extraS !== null) return `the statement has an unknown key ${JSON.stringify(extraS.slice(0, 40))}`;
  if (s.Resource !== undefined && typeof s.Resource !== "string") return "Resource must be a string";
  const c = s.Condition;
  if (!isObject(c)) return "Condition is required";
  const extraC = onlyKeys(c, ["DateLessThan", "DateGreaterThan", "IpAddress"]);
  if (extraC !== null) {
    return `Condition has an unknown key ${JSON.stringify(extraC.slice(0, 40))} (only DateLessThan, DateGreaterThan, IpAddress exist)`;
  }
  if (c.DateLessThan === undefined) return "Condition.DateLessThan is required";
  const e = epochProblem(c.DateLessThan, "DateLessThan");
  if (e !== null) return e;
  if (c.DateGreaterThan !== undefined) {
    const g = epochProblem(c.DateGreaterThan, "DateGreaterThan");
    if (g !== null) return g;
  }
  if (c.IpAddress !== undefined) {
    const ip = c.IpAddress;
    if (!isObject(ip) || onlyKeys(ip, ["AWS:SourceIp"]) !== null || typeof ip["AWS:SourceIp"] !== "string") {
      return 'IpAddress must be {"AWS:SourceIp": "<IPv4 CIDR>"}';
    }
    const cidr = parseIpv4Cidr(ip["AWS:SourceIp"]);
    if ("code" in cidr) return `IpAddress.AWS:SourceIp: ${cidr.message}`;
  }
  return null;
}
