/**
 * The `IpAddress` condition (`private-content-creating-signed-url-custom-policy`):
 * `AWS:SourceIp` is one IPv4 address or CIDR block; IPv6 is not supported.
 *
 * One parser ({@link parseIpv4Cidr}) and one verdict for every path: the signer
 * (`ipAddress` option, CLI `--ip-address`), the policy reader of the verifier and
 * the inspector (src/cloudfront/policy.ts), and the verifier's `clientIp`.
 * Refused everywhere: leading zeros (`010.0.0.1`: octal to some parsers), a
 * prefix outside 0-32, and host bits set below the prefix (`192.0.2.10/24`: most
 * likely a typo for one address or for `192.0.2.0/24`, and CloudFront does not
 * document which of the two it would apply).
 *
 * @module
 */
import { fail } from "../errors.ts";

/** An IPv4 CIDR block: the network address as a 32-bit number and the prefix length. */
interface Ipv4Cidr {
  /** The network address, 0 to 2^32-1. */
  readonly network: number;
  /** The prefix length, 0 to 32. */
  readonly prefix: number;
}

/** Why {@link parseIpv4Cidr} refused a text, with the code the signer throws. */
interface IpProblem {
  /** `IPV6_NOT_SUPPORTED` for an IPv6 address or block, else `INVALID_IP_ADDRESS`. */
  readonly code: "INVALID_IP_ADDRESS" | "IPV6_NOT_SUPPORTED";
  /** What is wrong and what to write instead; never the text itself. */
  readonly message: string;
}

const OCTET = /^(?:0|[1-9][0-9]{0,2})$/;
const PREFIX = /^(?:[0-9]|[12][0-9]|3[0-2])$/;
/** Only what an IPv6 address or block is made of (hex digits, `:`, an embedded IPv4, a `/prefix`). */
const IPV6_SHAPE = /^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(?:%[0-9A-Za-z._~-]+)?(?:\/[0-9]{1,3})?$/;

/**
 * Parses an IPv4 address (`/32` implied) or CIDR block, strictly.
 *
 * @param text - the `ipAddress` option or a policy's `AWS:SourceIp`
 * @returns the block, or the problem
 * @example
 * ```ts
 * parseIpv4Cidr("192.0.2.0/24");  // { network: 3221225984, prefix: 24 }
 * parseIpv4Cidr("192.0.2.10/24"); // { code: "INVALID_IP_ADDRESS", message: "... did you mean 192.0.2.0/24?" }
 * ```
 */
export function parseIpv4Cidr(text: string): Ipv4Cidr | IpProblem {
  if (!/^[0-9./]*$/.test(text)) {
    if (IPV6_SHAPE.test(text)) {
      return {
        code: "IPV6_NOT_SUPPORTED",
        message:
          "the IP address is IPv6, which CloudFront policies do not support; use an IPv4 address or CIDR, " +
          "or leave the IP condition out (clients reaching CloudFront over IPv6 then need a policy without it)",
      };
    }
    return {
      code: "INVALID_IP_ADDRESS",
      message:
        "the IP address has characters no IPv4 address or CIDR contains (only digits, dots and one /prefix, " +
        "such as 192.0.2.0/24); quotes, commas or braces could change the policy's JSON",
    };
  }
  const slash = text.indexOf("/");
  const address = parseIpv4(slash === -1 ? text : text.slice(0, slash));
  if (address === null) {
    return {
      code: "INVALID_IP_ADDRESS",
      message:
        "the IP address must be an IPv4 address such as 192.0.2.10 or a CIDR such as 192.0.2.0/24 (no leading zeros)",
    };
  }
  const prefixText = slash === -1 ? "32" : text.slice(slash + 1);
  if (!PREFIX.test(prefixText)) {
    return { code: "INVALID_IP_ADDRESS", message: "the CIDR prefix length must be a number from 0 to 32" };
  }
  const prefix = Number(prefixText);
  const size = 2 ** (32 - prefix);
  const network = address - (address % size);
  if (network !== address) {
    return {
      code: "INVALID_IP_ADDRESS",
      message: `the IP address has host bits set below its /${prefix} prefix; did you mean ${formatIpv4(network)}/${prefix}?`,
    };
  }
  return { network, prefix };
}

/**
 * Validates the `ipAddress` option and returns it in CIDR form (`/32` added to a
 * bare address), the text that goes into the policy.
 *
 * @param input - the option's value
 * @returns the CIDR text, e.g. `192.0.2.10/32`
 * @throws {@link CfSignError} `INVALID_IP_ADDRESS`, `IPV6_NOT_SUPPORTED`, `INVALID_ARGUMENT` (not a string)
 * @example
 * ```ts
 * normalizeIpAddress("192.0.2.10"); // "192.0.2.10/32"
 * ```
 */
export function normalizeIpAddress(input: unknown): string {
  if (typeof input !== "string") fail("INVALID_ARGUMENT", "ipAddress must be a string such as 192.0.2.0/24");
  const parsed = parseIpv4Cidr(input);
  if ("code" in parsed) fail(parsed.code, "ipAddress: " + parsed.message);
  return `${formatIpv4(parsed.network)}/${parsed.prefix}`;
}

/**
 * Parses a dotted-quad IPv4 address strictly (four decimal octets 0-255, no leading zeros).
 *
 * @param text - the address
 * @returns the address as a 32-bit number, or `null`
 * @example
 * ```ts
 * parseIpv4("192.0.2.1"); // 3221225985
 * parseIpv4("192.0.2.01"); // null
 * ```
 */
function parseIpv4(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let value = 0;
  for (const p of parts) {
    if (!OCTET.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    value = value * 256 + n;
  }
  return value;
}

/**
 * Whether a block contains an address.
 *
 * @param cidr - a block from {@link parseIpv4Cidr}
 * @param address - a 32-bit address from {@link parseIpv4}
 * @returns true when the address is inside the block
 * @example
 * ```ts
 * cidrContains({ network: parseIpv4("192.0.2.0")!, prefix: 24 }, parseIpv4("192.0.2.7")!); // true
 * ```
 */
export function cidrContains(cidr: Ipv4Cidr, address: number): boolean {
  const size = 2 ** (32 - cidr.prefix);
  return address - (address % size) === cidr.network;
}

/**
 * A client's address as CloudFront sees it: IPv4 as a 32-bit number, or `"ipv6"`
 * (which no `IpAddress` condition matches). IPv4-mapped IPv6 (`::ffff:192.0.2.1`,
 * as Node reports IPv4 clients on a dual-stack socket) counts as IPv4.
 *
 * @param text - the address
 * @returns the IPv4 address, or `"ipv6"`
 * @throws {@link CfSignError} `INVALID_IP_ADDRESS` when it is neither, `INVALID_ARGUMENT` when not a string
 * @example
 * ```ts
 * parseClientIp("::ffff:192.0.2.1"); // 3221225985
 * parseClientIp("2001:db8::1");      // "ipv6"
 * ```
 */
export function parseClientIp(text: unknown): number | "ipv6" {
  if (typeof text !== "string") fail("INVALID_ARGUMENT", "clientIp must be a string");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(text);
  const v4 = parseIpv4(mapped === null ? text : mapped[1]!);
  if (v4 !== null) return v4;
  if (/^[0-9a-f:.]+$/i.test(text) && text.includes(":")) return "ipv6";
  fail("INVALID_IP_ADDRESS", "clientIp must be an IPv4 or IPv6 address");
}

/**
 * Dotted-quad form of a 32-bit address.
 *
 * @param value - 0 to 2^32-1
 * @returns e.g. `192.0.2.0`
 * @example
 * ```ts
 * formatIpv4(3221225984); // "192.0.2.0"
 * ```
 */
function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join(".");
}
