/**
 * Keys in an HSM, through PKCS#11: SoftHSM2 (Debian package softhsm2, which .ci/run installs)
 * and the pkcs11js binding (a devDependency, built by npm ci with the headers of the installed
 * Node; see .npmrc). RSA-2048 signs with CKM_SHA256_RSA_PKCS, P-256 with CKM_ECDSA over a SHA-256
 * digest (raw r‖s, converted to DER by cfsign). Every signature is verified with the public key
 * read from the token, by node:crypto and by verifyUrl. A missing SoftHSM2 is a failure, not a skip.
 */
import { spawnSync } from "node:child_process";
import { createPublicKey, type JsonWebKey as NodeJsonWebKey } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pkcs11js from "pkcs11js";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createSigner, verifyCookies, verifyUrl } from "../src/index.js";
import { generateKeyPair, pkcs11Signer, publicJwk } from "../examples/hsm/pkcs11-signer.js";
import { signedUrlProblems } from "./helpers/check-signed.js";

const MODULE = "/usr/lib/softhsm/libsofthsm2.so";
const HOST = "https://d111111abcdef8.cloudfront.net";
const KID = "K2JCJMDEHXQW5F";
const EXPIRES = Math.floor(Date.now() / 1000) + 3600;
const PIN = "1234";

let dir: string;
let pkcs11: pkcs11js.PKCS11;
let session: pkcs11js.Handle;

beforeAll(() => {
  if (!existsSync(MODULE)) {
    throw new Error(`SoftHSM2 is not installed (${MODULE} is missing): apt-get install -y softhsm2 (.ci/run does)`);
  }
  // A token of our own, in a temporary directory: SoftHSM2 reads SOFTHSM2_CONF at C_Initialize.
  dir = mkdtempSync(join(tmpdir(), "cfsign-softhsm-"));
  mkdirSync(join(dir, "tokens"));
  writeFileSync(
    join(dir, "softhsm2.conf"),
    `directories.tokendir = ${join(dir, "tokens")}\nobjectstore.backend = file\nlog.level = ERROR\n`,
  );
  process.env["SOFTHSM2_CONF"] = join(dir, "softhsm2.conf");
  const init = spawnSync(
    "softhsm2-util",
    ["--init-token", "--free", "--label", "cfsign", "--pin", PIN, "--so-pin", "5678"],
    {
      encoding: "utf8",
      timeout: 20_000,
    },
  );
  if (init.status !== 0) throw new Error(`softhsm2-util --init-token failed: ${init.stderr}${init.error ?? ""}`);
  pkcs11 = new pkcs11js.PKCS11();
  pkcs11.load(MODULE);
  pkcs11.C_Initialize();
  const slot = pkcs11.C_GetSlotList(true).find((s) => pkcs11.C_GetTokenInfo(s).label.trim() === "cfsign");
  if (slot === undefined) throw new Error("the SoftHSM2 token was not found");
  session = pkcs11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
  pkcs11.C_Login(session, pkcs11js.CKU_USER, PIN);
}, 30_000);

afterAll(() => {
  try {
    pkcs11?.C_Logout(session);
    pkcs11?.C_CloseSession(session);
    pkcs11?.C_Finalize();
  } finally {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
});

describe("keys generated in SoftHSM2 sign through the custom-signer seam", () => {
  test.each([["RSA" as const], ["ECDSA" as const]])(
    "%s: URLs and cookies verify with the public key read from the token; the private key is not extractable",
    async (algorithm) => {
      const keys = generateKeyPair(pkcs11, session, algorithm, `cloudfront-${algorithm}`);
      const [extractable] = pkcs11.C_GetAttributeValue(session, keys.privateKey, [{ type: pkcs11js.CKA_EXTRACTABLE }]);
      expect((extractable!.value as Buffer)[0]).toBe(0);
      const jwk = publicJwk(pkcs11, session, keys.publicKey, algorithm);
      const publicKey = createPublicKey({ key: jwk as NodeJsonWebKey, format: "jwk" });
      expect(publicKey.asymmetricKeyType).toBe(algorithm === "RSA" ? "rsa" : "ec");
      const publicKeys = { [KID]: publicKey.export({ type: "spki", format: "pem" }) as string };

      const signer = await createSigner({
        keyPairId: KID,
        privateKey: pkcs11Signer({ pkcs11, session, privateKey: keys.privateKey, algorithm }),
      });
      const urls = Array.from({ length: 25 }, (_, i) => `${HOST}/hsm/${algorithm}/${i}.jpg`);
      const results = await signer.signUrls(urls, { expires: EXPIRES });
      for (const [i, r] of results.entries()) {
        expect(r.ok).toBe(true);
        if (!r.ok) continue;
        expect(
          signedUrlProblems(
            r.url,
            urls[i]!,
            { custom: false, resource: urls[i]!, expires: EXPIRES },
            { publicKey, keyPairId: KID, hash: "SHA256" },
          ),
        ).toEqual([]);
        expect((await verifyUrl(r.url, { publicKeys })).valid).toBe(true);
      }
      const cookies = await signer.signCookies({ resource: "https://media.example.com/hsm/*", expires: EXPIRES }); // cookies need an alternate domain name;
      expect(
        (
          await verifyCookies("https://media.example.com/hsm/a.jpg", cookies.cookies as Record<string, string>, {
            publicKeys,
          })
        ).valid,
      ).toBe(true);
      if (algorithm === "ECDSA") {
        // CloudFront's form: DER, which cfsign made from the token's raw r‖s.
        const sig = Buffer.from(
          new URL(results[0]!.ok ? results[0]!.url : "").searchParams
            .get("Signature")!
            .replace(/-/g, "+")
            .replace(/_/g, "=")
            .replace(/~/g, "/"),
          "base64",
        );
        expect(sig[0]).toBe(0x30);
      }
    },
    60_000,
  );
});
