// `npm start`: sign the 1,000 URLs of a photo gallery in one batch, then check
// every signature the way CloudFront does, using node:crypto alone. Then sign the
// bundled HLS sample (examples/sample/: a master playlist and its media playlists)
// with the cfsign command line, and check every URI in it the same way.
//
// In your application the key comes from a file or a secrets manager, and the
// signer is created once at startup; here a throwaway key is made on the spot.
import { spawnSync } from "node:child_process";
import { generateKeyPairSync, verify } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
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

signSamplePlaylist(ec);

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
    console.log(
      `  signed    ${signed} URLs in ${ms.toFixed(1)} ms, one signUrls batch (${rate} URLs/s, ${signer.engine} engine)`,
    );
    console.log(`  verified  ${verified} of ${results.length} with node:crypto alone, policy rebuilt from each URL`);
    console.log(`  sample    ${results.find((r) => r.ok)?.url}`);
  } else {
    console.log(
      `${label}: signed ${signed} in ${ms.toFixed(1)} ms (${rate} URLs/s), verified ${verified} of ${results.length}`,
    );
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
  const own = signedUrl
    .slice(q + 1)
    .split("&")
    .filter((param) => !signing.has(param.split("=")[0]));
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

/**
 * Signs examples/sample/master.m3u8 and the media playlists it names with
 * `cfsign playlist --recursive` (one signature per URI), then checks every
 * playlist it wrote: each URI verifies against the URL it stands for (relative
 * URIs resolved against the playlist's own URL), and every other line is the
 * input's line, byte for byte.
 */
function signSamplePlaylist({ privateKey, publicKey }) {
  const root = fileURLToPath(new URL("../", import.meta.url));
  const sample = join(root, "examples/sample");
  const base = "https://d111111abcdef8.cloudfront.net/videos/sample/master.m3u8";
  const work = mkdtempSync(join(tmpdir(), "cfsign-sample-"));
  try {
    // What you would have on disk: the private key in a file only you can read.
    const keyFile = join(work, "private_key.pem");
    writeFileSync(keyFile, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
    const args = [
      "bin/cfsign.js",
      "playlist",
      "--input",
      "examples/sample/master.m3u8",
      "--output",
      join(work, "signed/master.m3u8"),
      "--recursive",
      "--per-uri",
      "--base-url",
      base,
      "--key-pair-id",
      KEY_PAIR_ID,
      "--private-key",
      keyFile,
      "--date-less-than",
      String(expires),
      "--json",
    ];
    const run = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8" });
    const summary = run.stdout ? JSON.parse(run.stdout) : undefined;
    console.log("\nSample HLS playlist (examples/sample/: master, 3 media playlists and an I-frame playlist)");
    console.log(`  signed    node bin/cfsign.js playlist --input examples/sample/master.m3u8 --recursive --per-uri \\`);
    console.log(`              --base-url ${base} ...`);
    if (run.status !== 0 || summary === undefined) {
      console.log(`FAILED: cfsign playlist exited with ${run.status}: ${run.stderr.trim()}`);
      process.exitCode = 1;
      return;
    }
    const problems = [];
    let verified = 0;
    let unchanged = 0;
    for (const { file } of summary.playlists) {
      const name = file ?? "master.m3u8";
      const playlistUrl = new URL(name, base).href;
      const before = readFileSync(join(sample, name), "utf8").split("\n");
      const after = readFileSync(join(work, "signed", name), "utf8").split("\n");
      if (before.length !== after.length) problems.push(`${name}: ${after.length} lines instead of ${before.length}`);
      for (let i = 0; i < before.length; i++) {
        const uri = uriOf(before[i]);
        if (uri === null) {
          if (after[i] === before[i]) unchanged++;
          else problems.push(`${name} line ${i + 1}: changed, but it has no URI`);
          continue;
        }
        const signed = uriOf(after[i]);
        const original = new URL(uri, playlistUrl).href; // what a player requests for this URI
        const problem = signed === null ? "no URI in the output" : checkSignedUrl(signed, original, publicKey);
        if (problem === null && after[i].replace(signed, uri) === before[i]) verified++;
        else problems.push(`${name} line ${i + 1}: ${problem ?? "the rest of the line changed"}`);
      }
    }
    console.log(
      `  verified  ${verified} of ${summary.uris} URIs in ${summary.playlists.length} playlists (keys, init sections, byte-range`,
    );
    console.log(
      `            segments, variants), each against the URL it stands for; ${unchanged} other lines unchanged`,
    );
    for (const problem of problems.slice(0, 5)) console.log(`  ${problem}`);
    if (problems.length === 0 && verified === summary.uris) {
      console.log(`OK: all ${verified} playlist URIs verified.`);
    } else {
      console.log(`FAILED: ${problems.length} problems in the signed playlists.`);
      process.exitCode = 1;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The URI on a playlist line: a URI line, or the URI="..." attribute of a tag; null for anything else. */
function uriOf(line) {
  if (line.startsWith("#")) return /[:,]URI="([^"]*)"/.exec(line)?.[1] ?? null;
  return line.trim() === "" ? null : line.trim();
}
