/** Throwaway keys generated per test run with node:crypto (the independent vectors live in test/vectors/). */
import { generateKeyPairSync, type KeyObject } from "node:crypto";

export interface TestKey {
  privatePem: string;
  publicKey: KeyObject;
  privateKey: KeyObject;
}

let rsa: TestKey | undefined;
let ec: TestKey | undefined;

/** An RSA-2048 key pair, generated once per test file. */
export function rsaKey(): TestKey {
  if (rsa === undefined) {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    rsa = { privatePem: privateKey.export({ type: "pkcs8", format: "pem" }) as string, publicKey, privateKey };
  }
  return rsa;
}

/** An ECDSA P-256 key pair, generated once per test file. */
export function ecKey(): TestKey {
  if (ec === undefined) {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    ec = { privatePem: privateKey.export({ type: "pkcs8", format: "pem" }) as string, publicKey, privateKey };
  }
  return ec;
}
