// `npm start`: sign the 1,000 URLs of a photo gallery in one batch, then check
// every signature the way CloudFront does, using node:crypto alone.
//
// In your application the key comes from a file or a secrets manager, and the
// signer is created once at startup; here a throwaway key is made on the spot.
import { generateKeyPairSync, verify } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createSigner } from "cfsign";

// The id CloudFront shows for the public key in your key group.
const KEY_PAIR_ID = "K2JCJMDEHXQW5F";

const galleryFile = new URL("./gallery.txt", import.meta.url);
const urls = (await readFile(galleryFile, "utf8")).split("\n").filter((line) => line !== "");
const expires = Math.floor(Date.now() / 1000) + 3600; // one hour from now, in epoch seconds

console.log(`Signing ${urls.length} gallery URLs from examples/gallery.txt, valid for one hour.\n`);

const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
const failures =
  (await signAndVerify("RSA-2048", rsa, { verbose: true })) +
  (await signAndVerify("ECDSA P-256", ec, { verbose: false }));

if (failures === 0) {
  console.log(`\nOK: all ${2 * urls.length} signatures verified.`);
} else {
  console.log(`\nFAILED: ${failures} URLs were not signed or did not verify.`);
  process.exitCode = 1;
}

/** Signs every gallery URL with one key, verifies each result, prints a summary; returns the failure count. */
async function signAndVerify(label, { privateKey, publicKey }, { verbose }) {
  const pem = privateKey.export({ type: "pkcs8", format: "pem" }); // what you would read from private_key.pem
  const signer = await createSigner({ keyPairId: KEY_PAIR_ID, privateKey: pem });

  const start = performance.now();
  const results = await signer.signUrls(urls, { expires });
  const ms = performance.now() - start;

  const problems = [];
  let verified = 0;
  for (const [i, result] of results.entries()) {
    const problem = result.ok ? checkSignedUrl(result.url, urls[i], publicKey) : `not signed: ${result.error.code}`;
    if (problem === null) verified++;
    else problems.push(`#${i}: ${problem}`);
  }

  const signed = results.filter((r) => r.ok).length;
  const rate = Math.round((signed / ms) * 1000).toLocaleString("en-US");
  if (verbose) {
    console.log(`${label} (throwaway key made just now)`);
    console.log(`  signed    ${signed} URLs in ${ms.toFixed(1)} ms, one signUrls batch (${rate} URLs/s, ${signer.engine} engine)`);
    console.log(`  verified  ${verified} of ${results.length} with node:crypto alone, policy rebuilt from each URL`);
    console.log(`  sample    ${results.find((r) => r.ok)?.url}`);
  } else {
    console.log(`${label}: signed ${signed} in ${ms.toFixed(1)} ms (${rate} URLs/s), verified ${verified} of ${results.length}`);
  }
  for (const problem of problems.slice(0, 5)) console.log(`  ${problem}`);
  return results.length - verified;
}

/**
 * Checks one signed URL without cfsign's code, as CloudFront does: rebuild the
 * canned policy from the URL minus its signing parameters plus Expires, and
 * verify the signature over those bytes. Returns null when it is valid.
 */
function checkSignedUrl(signedUrl, originalUrl, publicKey) {
  const params = new URL(signedUrl).searchParams;
  if (params.get("Key-Pair-Id") !== KEY_PAIR_ID) return "wrong Key-Pair-Id";
  if (params.get("Hash-Algorithm") !== "SHA256") return "Hash-Algorithm is not SHA256";
  if (params.get("Expires") !== String(expires)) return "wrong Expires";
  if (!params.has("Signature")) return "no Signature";

  // The resource is the URL as sent, minus the signing parameters. Cut it out of
  // the string itself: new URL(...).toString() may re-encode characters.
  const signing = new Set(["Expires", "Signature", "Key-Pair-Id", "Hash-Algorithm", "Policy"]);
  const q = signedUrl.indexOf("?");
  const own = signedUrl.slice(q + 1).split("&").filter((param) => !signing.has(param.split("=")[0]));
  const resource = signedUrl.slice(0, q) + (own.length > 0 ? "?" + own.join("&") : "");
  if (resource !== originalUrl) return "the URL itself was changed";

  const policy = `{"Statement":[{"Resource":"${resource}","Condition":{"DateLessThan":{"AWS:EpochTime":${expires}}}}]}`;
  // CloudFront-safe base64 back to standard base64: - is +, _ is =, ~ is /.
  const signature = Buffer.from(
    params.get("Signature").replaceAll("-", "+").replaceAll("_", "=").replaceAll("~", "/"),
    "base64",
  );
  return verify("sha256", Buffer.from(policy), publicKey, signature) ? null : "signature does not verify";
}
