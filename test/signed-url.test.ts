/**
 * The key-less reading of a signed URL (src/cloudfront/signed-url.ts) that the
 * verifier (src/verify/verify.ts) and `cfsign inspect` (src/cli/commands/inspect.ts) share:
 * splitting own and signing parameters, the URL a canned policy covers, the
 * canned policy text, and the text checks. Internal: not in the public API.
 */
import { describe, expect, test } from "vitest";
import * as api from "../src/index.js";
import * as signedUrl from "../src/cloudfront/signed-url.js";
import { SIGNING_PARAMETER_NAMES, isSigningParameterName } from "../src/cloudfront/params.js";
import { cannedPolicyText } from "../src/cloudfront/policy.js";

const H = "https://cdn.example.com";
const { isExpiresText, isS3PresignedUrl, splitSignedUrl, unsignedUrl, usesStandardBase64 } = signedUrl;

describe("splitSignedUrl", () => {
  test("own and signing parameters, in order, with afterSigning and every occurrence", () => {
    const parts = splitSignedUrl(
      `${H}/a.jpg?v=1&Expires=1893456000&Signature=abc_&x&Key-Pair-Id=K1&Signature=&y=2=3#t=10`,
    );
    expect(parts.sent).toBe(`${H}/a.jpg?v=1&Expires=1893456000&Signature=abc_&x&Key-Pair-Id=K1&Signature=&y=2=3`);
    expect(parts.path).toBe(`${H}/a.jpg`);
    expect(parts.fragment).toBe("t=10");
    expect(parts.own).toEqual([
      { text: "v=1", name: "v", afterSigning: false },
      { text: "x", name: "x", afterSigning: true },
      { text: "y=2=3", name: "y", afterSigning: true },
    ]);
    expect([...parts.signing]).toEqual([
      ["Expires", ["1893456000"]],
      ["Signature", ["abc_", ""]],
      ["Key-Pair-Id", ["K1"]],
    ]);
    expect(parts.names).toEqual(["v", "Expires", "Signature", "x", "Key-Pair-Id", "Signature", "y"]);
  });

  test('names are exact-case and undecoded; a bare signing name has the value ""', () => {
    const parts = splitSignedUrl(`${H}/a?expires=1&Key%2DPair%2DId=K&Policy`);
    expect(parts.own.map((p) => p.name)).toEqual(["expires", "Key%2DPair%2DId"]);
    expect([...parts.signing]).toEqual([["Policy", [""]]]);
  });

  test("no query, an empty query, a fragment only, a ? inside the fragment", () => {
    expect(splitSignedUrl(`${H}/a.jpg`)).toEqual({
      sent: `${H}/a.jpg`,
      path: `${H}/a.jpg`,
      own: [],
      signing: new Map(),
      names: [],
      fragment: undefined,
    });
    expect(splitSignedUrl(`${H}/a.jpg?`).own).toEqual([{ text: "", name: "", afterSigning: false }]);
    const f = splitSignedUrl(`${H}/a.jpg#x?Expires=1`);
    expect(f).toMatchObject({ path: `${H}/a.jpg`, fragment: "x?Expires=1", names: [] });
    expect(f.signing.size).toBe(0);
  });

  test("checks nothing about the URL itself", () => {
    expect(splitSignedUrl("not a url?Signature=x").signing.get("Signature")).toEqual(["x"]);
    expect(splitSignedUrl("").path).toBe("");
  });
});

describe("unsignedUrl and the canned policy", () => {
  test("the URL without its signing parameters, or with only the own parameters given", () => {
    const parts = splitSignedUrl(`${H}/a.jpg?v=1&Expires=1893456000&Signature=s&Key-Pair-Id=K&utm=x`);
    expect(unsignedUrl(parts)).toBe(`${H}/a.jpg?v=1&utm=x`);
    expect(
      unsignedUrl(
        parts,
        parts.own.filter((p) => !p.afterSigning),
      ),
    ).toBe(`${H}/a.jpg?v=1`);
    expect(unsignedUrl(parts, [])).toBe(`${H}/a.jpg`);
    expect(unsignedUrl(splitSignedUrl(`${H}/a.jpg?Expires=1`))).toBe(`${H}/a.jpg`);
  });

  test("cannedPolicyText is CloudFront's canned policy, byte for byte", () => {
    expect(cannedPolicyText(`${H}/a.jpg?v=1`, "1893456000")).toBe(
      `{"Statement":[{"Resource":"${H}/a.jpg?v=1","Condition":{"DateLessThan":{"AWS:EpochTime":1893456000}}}]}`,
    );
  });

  test("isExpiresText: 1 to 20 digits only", () => {
    for (const ok of ["0", "1893456000", "1893456000000", "9".repeat(20)]) expect(isExpiresText(ok)).toBe(true);
    for (const bad of ["", "9".repeat(21), "-1", "1.5", "1e9", " 1", "1\n", "١٢"])
      expect(isExpiresText(bad)).toBe(false);
  });
});

describe("text checks", () => {
  test("signing parameter names: exact case only", () => {
    expect(SIGNING_PARAMETER_NAMES).toEqual(["Expires", "Policy", "Signature", "Key-Pair-Id", "Hash-Algorithm"]);
    for (const name of SIGNING_PARAMETER_NAMES) expect(isSigningParameterName(name)).toBe(true);
    for (const name of ["expires", "SIGNATURE", "Key-Pair-ID", "", "toString", "__proto__"])
      expect(isSigningParameterName(name)).toBe(false);
  });

  test("usesStandardBase64: + / = or their escapes, any case", () => {
    for (const t of ["ab+c", "ab/c", "abc=", "ab%2Bc", "ab%2fc", "abc%3d"]) expect(usesStandardBase64(t)).toBe(true);
    for (const t of ["ab-c", "ab~c", "abc_", "", "%41"]) expect(usesStandardBase64(t)).toBe(false);
  });

  test("isS3PresignedUrl: any SigV4 X-Amz-* presigning parameter or AWSAccessKeyId, any case", () => {
    expect(isS3PresignedUrl(splitSignedUrl(`${H}/a?X-Amz-Signature=abc`))).toBe(true);
    expect(isS3PresignedUrl(splitSignedUrl(`${H}/a?x-amz-credential=abc`))).toBe(true);
    expect(isS3PresignedUrl(splitSignedUrl(`${H}/a?AWSAccessKeyId=A&Signature=s&Expires=1`))).toBe(true);
    expect(isS3PresignedUrl(splitSignedUrl(`${H}/a?X-Amz-Date=1&Signature=s`))).toBe(true);
    expect(isS3PresignedUrl(splitSignedUrl(`${H}/a?X-Amz-Meta-Color=red&Signature=s`))).toBe(false);
    expect(isS3PresignedUrl(splitSignedUrl(`${H}/a#X-Amz-Signature=abc`))).toBe(false);
  });
});

test("internal: none of it is exported from the package", () => {
  for (const name of Object.keys(signedUrl)) {
    expect(api).not.toHaveProperty(name);
  }
});
