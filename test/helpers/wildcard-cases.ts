/**
 * The wildcard table: resource pattern, URL, whether the pattern covers the URL
 * (Developer Guide `private-content-creating-signed-url-custom-policy`).
 * Read by test/resource.test.ts (the matcher alone) and test/verify.test.ts (through
 * a signed policy and the verifier).
 */
export const H = "https://d111111abcdef8.cloudfront.net";

export const WILDCARD_CASES: [pattern: string, url: string, expected: boolean][] = [
  // Exact
  [`${H}/images/horizon.jpg`, `${H}/images/horizon.jpg`, true],
  [`${H}/images/horizon.jpg?size=large&license=yes`, `${H}/images/horizon.jpg?size=large&license=yes`, true],
  [`${H}/images/horizon.jpg`, `${H}/images/horizon.jpg?size=large`, false],
  // * in the path: zero or more characters, across folders, never into the query unless trailing
  [`${H}/images/*`, `${H}/images/horizon.jpg`, true],
  [`${H}/images/*`, `${H}/images/2026/horizon.jpg`, true],
  [`${H}/images/*`, `${H}/images/`, true],
  [`${H}/images/*`, `${H}/images/horizon.jpg?size=large`, true],
  [`${H}/images/*`, `${H}/videos/a.mp4`, false],
  [`${H}/hello*`, `${H}/hello`, true],
  [`${H}/hello*`, `${H}/hello?x=1`, true],
  [`${H}/hello*`, `${H}/hello-world.html?x=1`, true],
  [`${H}/*.jpg`, `${H}/a/b.jpg`, true],
  [`${H}/*.jpg`, `${H}/a.jpg?w=640`, false],
  [`${H}/*.jpg?*`, `${H}/a.jpg?w=640`, true],
  [`${H}/*.jpg*`, `${H}/a.jpg?w=640`, true],
  [`${H}/a*b`, `${H}/ab`, true],
  [`${H}/a*b`, `${H}/a?b`, false],
  // ? : exactly one character
  [`${H}/images/horizon.jp?`, `${H}/images/horizon.jpg`, true],
  [`${H}/images/horizon.jp?`, `${H}/images/horizon.jp`, false],
  [`${H}/images/horizon.jp?`, `${H}/images/horizon.jpeg`, false],
  [`${H}/file?.txt`, `${H}/file1.txt`, true],
  // ? in the pattern also matches the literal query separator
  [`${H}/a.jpg?w=1`, `${H}/a.jpg?w=1`, true],
  [`${H}/a.jpg?w=?`, `${H}/a.jpg?w=1`, true],
  [`${H}/a.jpg?*`, `${H}/a.jpg?w=1&h=2`, true],
  [`${H}/a.jpg?*`, `${H}/a.jpg`, false],
  // Sections: scheme and host
  [`${H}/*`, "http://d111111abcdef8.cloudfront.net/a.jpg", false],
  [`${H}/*`, "https://d222222abcdef8.cloudfront.net/a.jpg", false],
  ["https://*.cloudfront.net/*", `${H}/a.jpg`, true],
  ["https://*.cloudfront.net/*", "https://evil.example/x.cloudfront.net/a.jpg", false],
  ["https://*/*", `${H}/a/b.jpg`, true],
  ["https://*", `${H}/a.jpg`, false],
  ["http*://d111111abcdef8.cloudfront.net/*", "http://d111111abcdef8.cloudfront.net/a", true],
  ["http*://d111111abcdef8.cloudfront.net/*", `${H}/a`, true],
  ["*://d111111abcdef8.cloudfront.net/*", `${H}/a`, true],
  ["*", `${H}/anything?at=all`, true],
  // The guide's example of a * on both sides of a name, with its three matching URLs
  [
    "http://d111111abcdef8.cloudfront.net/*game_download.zip*",
    "http://d111111abcdef8.cloudfront.net/game_download.zip",
    true,
  ],
  [
    "http://d111111abcdef8.cloudfront.net/*game_download.zip*",
    "http://d111111abcdef8.cloudfront.net/example_game_download.zip?license=yes",
    true,
  ],
  [
    "http://d111111abcdef8.cloudfront.net/*game_download.zip*",
    "http://d111111abcdef8.cloudfront.net/test_game_download.zip?license=temp",
    true,
  ],
  [
    "http://d111111abcdef8.cloudfront.net/*game_download.zip*",
    "http://d111111abcdef8.cloudfront.net/game_download.tar",
    false,
  ],
  [
    "http://d111111abcdef8.cloudfront.net/*game_download.zip*",
    "https://d111111abcdef8.cloudfront.net/game_download.zip",
    false,
  ],
];
