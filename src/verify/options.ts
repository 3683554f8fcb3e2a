/**
 * The verifier's options read once per call into the settings its checks use
 * (the time in epoch seconds, the client address parsed), with typed errors for bad ones.
 *
 * @module
 */
import { fail } from "../errors.ts";
import type { PublicKeyInput } from "../crypto/public-key.ts";
import { parseClientIp } from "../cloudfront/ip.ts";
import { toEpochSeconds } from "../cloudfront/time.ts";
import type { VerifyOptions } from "./types.ts";

export interface Settings {
  readonly publicKeys: Readonly<Record<string, PublicKeyInput>>;
  readonly now: number;
  readonly clientIp: number | "ipv6" | undefined;
  readonly ignoreIpAddress: boolean;
  readonly inclusive: boolean;
}

export function readOptions(options: VerifyOptions): Settings {
  if (typeof options !== "object" || options === null)
    fail("INVALID_ARGUMENT", "the verifier takes an options object with publicKeys");
  const { publicKeys, now, clientIp, ignoreIpAddress = false, boundary = "exclusive" } = options;
  if (typeof publicKeys !== "object" || publicKeys === null) {
    fail("INVALID_ARGUMENT", "publicKeys must map key ids to public keys, e.g. { K2JCJMDEHXQW5F: pem }");
  }
  if (boundary !== "exclusive" && boundary !== "inclusive")
    fail("INVALID_ARGUMENT", 'boundary must be "exclusive" or "inclusive"');
  if (typeof ignoreIpAddress !== "boolean") fail("INVALID_ARGUMENT", "ignoreIpAddress must be true or false");
  if (ignoreIpAddress && clientIp !== undefined) {
    fail(
      "INVALID_ARGUMENT",
      "pass clientIp or ignoreIpAddress, not both: with clientIp the IpAddress condition is checked",
    );
  }
  let nowSeconds: number;
  if (now === undefined) nowSeconds = Date.now() / 1000;
  else if (now instanceof Date) {
    if (!Number.isFinite(now.getTime())) fail("INVALID_DATE", "now is an invalid Date");
    nowSeconds = now.getTime() / 1000; // keep milliseconds: they decide the bounds
  } else nowSeconds = toEpochSeconds(now, "now", "floor");
  return {
    publicKeys,
    now: nowSeconds,
    clientIp: clientIp === undefined ? undefined : parseClientIp(clientIp),
    ignoreIpAddress,
    inclusive: boundary === "inclusive",
  };
}
