/**
 * Where the `IpAddress` condition is validated. CloudFront accepts one IPv4
 * address or CIDR block in `AWS:SourceIp`; IPv6 is not supported
 * (`private-content-creating-signed-url-custom-policy`).
 *
 * @module
 */
import { fail } from "../errors.ts";

const OCTET = /^(?:0|[1-9][0-9]{0,2})$/;

/**
 * Validates an IPv4 address or CIDR and returns it in CIDR form (`/32` added to
 * a bare address).
 *
 * @throws {@link CfSignError} `INVALID_IP_ADDRESS`, `IPV6_NOT_SUPPORTED`
 */
export function normalizeIpAddress(input: unknown): string {
  if (typeof input !== "string") fail("INVALID_ARGUMENT", "ipAddress must be a string such as 192.0.2.0/24");
  if (input.includes(":")) {
    fail(
      "IPV6_NOT_SUPPORTED",
      "ipAddress is IPv6, which CloudFront policies do not support; use an IPv4 address or CIDR, " +
        "or leave ipAddress out (clients reaching CloudFront over IPv6 then need a policy without it)",
    );
  }
  const slash = input.indexOf("/");
  const address = slash === -1 ? input : input.slice(0, slash);
  const prefixText = slash === -1 ? "32" : input.slice(slash + 1);
  const parts = address.split(".");
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p) && Number(p) <= 255)) {
    fail("INVALID_IP_ADDRESS", "ipAddress must be an IPv4 address such as 192.0.2.10 or a CIDR such as 192.0.2.0/24 (no leading zeros)");
  }
  if (!/^(?:[0-9]|[12][0-9]|3[0-2])$/.test(prefixText)) {
    fail("INVALID_IP_ADDRESS", "the CIDR prefix length of ipAddress must be a number from 0 to 32");
  }
  const prefix = Number(prefixText);
  const value = parts.reduce((acc, p) => acc * 256 + Number(p), 0);
  const size = 2 ** (32 - prefix);
  const network = value - (value % size);
  if (network !== value) {
    fail(
      "INVALID_IP_ADDRESS",
      `ipAddress has host bits set below its /${prefix} prefix; did you mean ${formatIpv4(network)}/${prefix}?`,
    );
  }
  return `${address}/${prefix}`;
}

/** Dotted-quad form of a 32-bit address. */
export function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join(".");
}
