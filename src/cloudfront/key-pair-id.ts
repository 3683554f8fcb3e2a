/**
 * The `Key-Pair-Id` value (`private-content-trusted-signers`): the ID of a
 * CloudFront public key in a key group (`K` followed by upper-case letters and
 * digits, e.g. `K2JCJMDEHXQW5F`) or of a legacy root-account key pair (`APKA...`).
 * CloudFront compares it exactly, so a lower-case copy or an IAM access key id
 * (`AKIA...`, `ASIA...`, a different kind of credential) is an "Unknown Key" 403.
 *
 * Used by `createSigner` and the verifier (which names the same mistake in its
 * `UNKNOWN_KEY` message).
 *
 * @module
 */
import { fail } from "../errors.ts";

const KEY_ID = /^(?:K|APKA)[A-Z0-9]{0,127}$/;

/**
 * What is wrong with a key id, in words that name the right value, or `null`
 * when it has a CloudFront key id's form.
 *
 * @param id - the key id
 * @returns the problem, or `null`
 * @example
 * ```ts
 * keyPairIdProblem("K2JCJMDEHXQW5F"); // null
 * keyPairIdProblem("k2jcjmdehxqw5f"); // "... write it in upper case: K2JCJMDEHXQW5F"
 * ```
 */
export function keyPairIdProblem(id: string): string | null {
  if (KEY_ID.test(id)) return null;
  if (id.length === 0) return "the key id is empty; use the ID of the public key in CloudFront (e.g. K2JCJMDEHXQW5F)";
  if (/^(?:AKIA|ASIA|AIDA|AROA)[A-Za-z0-9]*$/.test(id)) {
    return (
      "the key id looks like an IAM access key id (AKIA..., ASIA...), which is not a CloudFront key; use the ID of the " +
      "public key in CloudFront > Key management > Public keys (K followed by upper-case letters and digits, e.g. K2JCJMDEHXQW5F)"
    );
  }
  const upper = id.toUpperCase();
  if (upper !== id && KEY_ID.test(upper)) {
    return `CloudFront key ids are upper case and compared exactly; write it in upper case: ${upper}`;
  }
  return (
    "the key id must be the ID of a CloudFront public key (K followed by upper-case letters and digits, e.g. " +
    "K2JCJMDEHXQW5F) or of a legacy key pair (APKA...)"
  );
}

/**
 * Whether a request's `Key-Pair-Id` (or `CloudFront-Key-Pair-Id` cookie) counts as missing: absent or
 * empty. CloudFront answers both with `MissingKey` "Missing Key-Pair-Id query parameter or cookie value"
 * (its troubleshooting guide: "no or empty"), not with "Unknown Key". The verifier, the gate (through
 * the verifier's reason) and the inspector all ask this.
 *
 * @param value - the parameter's value, `undefined` or `null` when the request has none
 * @returns true when CloudFront would say the key pair id is missing
 * @example
 * ```ts
 * isMissingKeyPairId(""); // true
 * isMissingKeyPairId("K2JCJMDEHXQW5F"); // false
 * ```
 */
export function isMissingKeyPairId(value: string | null | undefined): value is "" | null | undefined {
  return value === undefined || value === null || value === "";
}

/**
 * Checks a key id given to the signer.
 *
 * @param id - the `keyPairId` option
 * @returns the id, unchanged
 * @throws {@link CfSignError} `INVALID_KEY_PAIR_ID`, with a message naming the value to use
 * @example
 * ```ts
 * validateKeyPairId("K2JCJMDEHXQW5F"); // "K2JCJMDEHXQW5F"
 * ```
 */
export function validateKeyPairId(id: unknown): string {
  if (typeof id !== "string") {
    fail("INVALID_KEY_PAIR_ID", "keyPairId must be the CloudFront public key id, a string such as K2JCJMDEHXQW5F");
  }
  const problem = keyPairIdProblem(id);
  if (problem !== null) fail("INVALID_KEY_PAIR_ID", "keyPairId: " + problem);
  return id;
}
