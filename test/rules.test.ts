/**
 * The CloudFront rules of src/cloudfront/ that issue #11 and #12 found disagreeing or silent: each test names
 * the defect it pins (it failed on the code before the rule got one home).
 */
import { beforeAll, describe, expect, test } from "vitest";
import { createGate, createSigner, inspectSignedUrl, verifyCookies, verifyUrl, type Signer } from "../src/index.js";
import { decodeBase64, encodeBase64 } from "../src/cloudfront/base64.js";
import { parseIpv4Cidr } from "../src/cloudfront/ip.js";
import { readPolicy } from "../src/cloudfront/policy.js";
import { rsaKey } from "./helpers/keys.js";
import { customUrl, signText, toCloudFrontBase64 } from "./helpers/sign-by-hand.js";

const NOW_MS = Date.UTC(2026, 0, 1);
const NOW = NOW_MS / 1000;
const EXPIRES = NOW + 3600;
const KID = "K2JCJMDEHXQW5F";
const H = "https://d111111abcdef8.cloudfront.net";
const publicKeys = (): Record<string, string> => ({
  [KID]: rsaKey().publicKey.export({ type: "spki", format: "pem" }) as string,
});

let signer: Signer;
beforeAll(async () => {
  signer = await createSigner({ keyPairId: KID, privateKey: rsaKey().privatePem, clock: () => NOW_MS });
});

const codeOf = async (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => "signed",
    (e: { code: string }) => e.code,
  );
const messageOf = async (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => "",
    (e: Error) => e.message,
  );

describe("the key id (issue #12 item 2)", () => {
  test("a lower-case key id is refused, naming the upper-case id", async () => {
    const err = createSigner({ keyPairId: "k2jcjmdehxqw5f", privateKey: rsaKey().privatePem });
    await expect(err).rejects.toMatchObject({ code: "INVALID_KEY_PAIR_ID" });
    expect(await messageOf(createSigner({ keyPairId: "k2jcjmdehxqw5f", privateKey: rsaKey().privatePem }))).toContain(
      "K2JCJMDEHXQW5F",
    );
  });

  test("an IAM access key id is refused, saying it is not a CloudFront key", async () => {
    const message = await messageOf(
      createSigner({ keyPairId: "AKIAIOSFODNN7EXAMPLE", privateKey: rsaKey().privatePem }),
    );
    expect(message).toMatch(/IAM access key id/);
    expect(message).toMatch(/Public keys/);
  });

  test("public key ids (K...) and legacy key pair ids (APKA...) are accepted", async () => {
    for (const keyPairId of ["K2JCJMDEHXQW5F", "APKAEIBAERJR2EXAMPLE"]) {
      await expect(createSigner({ keyPairId, privateKey: rsaKey().privatePem })).resolves.toBeDefined();
    }
  });

  test("the verifier and the inspector name the same mistake", async () => {
    const url = `${H}/a.jpg?Expires=${EXPIRES}&Signature=AAAA&Key-Pair-Id=k2jcjmdehxqw5f`;
    const r = await verifyUrl(url, { publicKeys: publicKeys(), now: NOW });
    expect(r.reason).toBe("UNKNOWN_KEY");
    expect(r.message).toContain("K2JCJMDEHXQW5F");
    expect(inspectSignedUrl(url, { now: NOW }).findings.map((f) => f.code)).toContain("KEY_PAIR_ID_FORMAT");
  });
});

describe("EXPIRES_IN_PAST shows what it read (issue #12 item 5)", () => {
  test("a small number: ISO and epoch, and that a number is an absolute time, not a duration", async () => {
    const message = await messageOf(signer.signUrl(`${H}/a.jpg`, { expires: 3600 }));
    expect(message).toContain("1970-01-01T01:00:00Z (epoch 3600)");
    expect(message).toMatch(/absolute time in epoch seconds, not a duration/);
  });

  test("a recent past time: ISO and epoch, no duration hint", async () => {
    const message = await messageOf(signer.signUrl(`${H}/a.jpg`, { expires: NOW - 60 }));
    expect(message).toContain(`(epoch ${NOW - 60})`);
    expect(message).not.toMatch(/duration/);
  });
});

describe("ipAddress (issue #11)", () => {
  test("a JSON injection attempt is INVALID_IP_ADDRESS, not IPV6_NOT_SUPPORTED because of its ':'", async () => {
    const ipAddress = '192.168.0.0/24","IpAddress":{"AWS:SourceIp":"0.0.0.0/0"}';
    expect(await codeOf(signer.signUrl(`${H}/a.jpg`, { expires: EXPIRES, ipAddress }))).toBe("INVALID_IP_ADDRESS");
    expect(await codeOf(signer.signUrl(`${H}/a.jpg`, { expires: EXPIRES, ipAddress: "2001:db8::/32" }))).toBe(
      "IPV6_NOT_SUPPORTED",
    );
  });

  test("one verdict on host bits below the prefix: the signer refuses them, and so does the verifier's policy reader", async () => {
    expect(await codeOf(signer.signUrl(`${H}/a.jpg`, { expires: EXPIRES, ipAddress: "192.0.2.10/24" }))).toBe(
      "INVALID_IP_ADDRESS",
    );
    expect(parseIpv4Cidr("192.0.2.10/24")).toMatchObject({ code: "INVALID_IP_ADDRESS" });
    const policy = `{"Statement":[{"Resource":"${H}/a.jpg","Condition":{"DateLessThan":{"AWS:EpochTime":${EXPIRES}},"IpAddress":{"AWS:SourceIp":"192.0.2.10/24"}}}]}`;
    const url = customUrl(`${H}/a.jpg`, policy, rsaKey().privateKey, KID, "SHA1");
    const r = await verifyUrl(url, { publicKeys: publicKeys(), now: NOW, clientIp: "192.0.2.10" });
    expect(r.reason).toBe("MALFORMED_POLICY"); // was OK: the verifier's own parser masked the host bits
    expect(r.message).toContain("192.0.2.0/24");
  });
});

describe("a non-ASCII host (issue #12 item 6)", () => {
  test("the advice is the punycode host, not percent-encoding; encode: true sends it as clients do", async () => {
    const message = await messageOf(signer.signUrl("https://bücher.example/a.jpg", { expires: EXPIRES }));
    expect(message).toContain("xn--bcher-kva.example");
    expect(message).not.toMatch(/%C3%BC/);
    const url = await signer.signUrl("https://bücher.example/ä.jpg", { expires: EXPIRES, encode: true });
    expect(url.startsWith("https://xn--bcher-kva.example/%C3%A4.jpg?")).toBe(true);
  });
});

describe("signPolicy and signUrl share one rule (issue #11)", () => {
  test("a resource with /./ or /../ is refused as signUrl refuses the URL", async () => {
    for (const resource of [`${H}/a/./*`, `${H}/a/../*`, `${H}/a/%2e%2e/*`]) {
      expect(await codeOf(signer.signPolicy({ resource, expires: EXPIRES }))).toBe("INVALID_RESOURCE");
      expect(await codeOf(signer.signUrl(resource.replace("*", "x.jpg"), { expires: EXPIRES }))).toBe("INVALID_URL");
    }
  });
});

describe("inspect and verify decode alike (issue #11)", () => {
  test("a non-canonical signature (AB__): one strict decoder, both refuse", async () => {
    expect(decodeBase64("AB__")).toBeNull();
    expect(decodeBase64(encodeBase64(new Uint8Array([0])))).toEqual(new Uint8Array([0]));
    const url = `${H}/a.jpg?Expires=${EXPIRES}&Signature=AB__&Key-Pair-Id=${KID}`;
    expect((await verifyUrl(url, { publicKeys: publicKeys(), now: NOW })).reason).toBe("BAD_SIGNATURE");
    const inspected = inspectSignedUrl(url, { now: NOW });
    expect(inspected.signature).toBeNull(); // was decoded by Buffer as one byte
    expect(inspected.findings.map((f) => f.code)).toContain("SIGNATURE_FORMAT");
  });

  test("a policy that is not UTF-8: the one policy reader says so, and the inspector reports MALFORMED_POLICY", async () => {
    const bytes = new Uint8Array([0x7b, 0xff, 0x7d]);
    expect(readPolicy(bytes).problem).toBe("it is not UTF-8 text");
    const policy = toCloudFrontBase64(bytes);
    const signature = toCloudFrontBase64(signText(Buffer.from(bytes).toString("latin1"), rsaKey().privateKey, "SHA1"));
    const url = `${H}/a.jpg?Policy=${policy}&Signature=${signature}&Key-Pair-Id=${KID}`;
    const inspected = inspectSignedUrl(url, { now: NOW });
    expect(inspected.findings).toContainEqual(
      expect.objectContaining({ code: "MALFORMED_POLICY", message: expect.stringContaining("not UTF-8") }),
    );
    expect(inspected.policyText).toBeNull(); // was shown with U+FFFD in place of the byte
  });

  test("signing parameters after a #fragment that has a ?: SIGNING_PARAMETERS_IN_FRAGMENT to both (botocore's shape)", async () => {
    const url = `${H}/a.jpg#t=10?Expires=${EXPIRES}&Signature=AAAA&Key-Pair-Id=${KID}`;
    expect((await verifyUrl(url, { publicKeys: publicKeys(), now: NOW })).reason).toBe(
      "SIGNING_PARAMETERS_IN_FRAGMENT",
    ); // was MISSING_KEY_PAIR_ID
    expect(inspectSignedUrl(url, { now: NOW }).findings.map((f) => f.code)).toContain("SIGNING_PARAMETERS_IN_FRAGMENT");
  });

  test("an empty Key-Pair-Id is missing, as CloudFront says (no or empty), to the verifier, the inspector and the gate", async () => {
    const url = (await signer.signUrl(`${H}/a.jpg`, { expires: EXPIRES })).replace(
      `Key-Pair-Id=${KID}`,
      "Key-Pair-Id=",
    );
    // A key group may not hold an id "", but the verifier's map can: it must not matter.
    const keys = { ...publicKeys(), "": publicKeys()[KID]! };
    const verified = await verifyUrl(url, { publicKeys: keys, now: NOW });
    expect([verified.reason, verified.message]).toEqual(["MISSING_KEY_PAIR_ID", "the Key-Pair-Id parameter is empty"]); // was UNKNOWN_KEY
    const findings = inspectSignedUrl(url, { now: NOW }).findings;
    expect(findings.map((f) => f.code)).toEqual(["MISSING_KEY_PAIR_ID"]); // was KEY_PAIR_ID_FORMAT
    expect(findings[0]!.message).toBe("the Key-Pair-Id parameter is empty");
    const cookies = `CloudFront-Expires=${EXPIRES}; CloudFront-Signature=AAAA; CloudFront-Key-Pair-Id=`;
    expect((await verifyCookies(`${H}/a.jpg`, cookies, { publicKeys: keys, now: NOW })).reason).toBe(
      "MISSING_KEY_PAIR_ID",
    );
    const gate = createGate({ publicKeys: publicKeys(), now: NOW, origin: () => new Response("origin") });
    const response = await gate(new Request(url));
    expect([response.status, response.headers.get("x-cfsign-reason")]).toEqual([403, "MISSING_KEY_PAIR_ID"]);
    expect(await response.text()).toContain("<Code>MissingKey</Code>");
  });

  test("one name for parameters after the signing ones: PARAMETER_ADDED_AFTER_SIGNING", async () => {
    const url = (await signer.signUrl(`${H}/a.jpg`, { expires: EXPIRES })) + "&utm=1";
    expect((await verifyUrl(url, { publicKeys: publicKeys(), now: NOW })).reason).toBe("PARAMETER_ADDED_AFTER_SIGNING");
    expect(inspectSignedUrl(url, { now: NOW }).findings.map((f) => f.code)).toEqual(["PARAMETER_ADDED_AFTER_SIGNING"]);
  });
});

describe("S3 (issue #12 item 1)", () => {
  test("an S3 presigned URL is refused with URL_HAS_S3_SIGNATURE; an S3 host is a warning of the inspector", async () => {
    expect(
      await codeOf(
        signer.signUrl("https://bucket.s3.amazonaws.com/a.jpg?X-Amz-Credential=x&X-Amz-Signature=y", {
          expires: EXPIRES,
        }),
      ),
    ).toBe("URL_HAS_S3_SIGNATURE");
    const url = await signer.signUrl("https://bucket.s3.eu-west-1.amazonaws.com/a.jpg", { expires: EXPIRES });
    expect(inspectSignedUrl(url, { now: NOW }).findings).toContainEqual(
      expect.objectContaining({ severity: "warning", code: "S3_HOST" }),
    );
    const website = inspectSignedUrl("https://b.s3-website-us-east-1.amazonaws.com/a.jpg", { now: NOW });
    expect(website.findings.map((f) => f.code)).toContain("S3_HOST");
    expect(inspectSignedUrl(`${H}/a.jpg`, { now: NOW }).findings.map((f) => f.code)).not.toContain("S3_HOST");
  });
});
