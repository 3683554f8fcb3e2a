/**
 * What every playlist and manifest operation (`signPlaylist`, `signPlaylists`, `signManifest`)
 * does the same way: its options checked once, in one order (a bad date fails the call, not each
 * URI); the shared policy signed for the folder of the base URL; the signing callback for a mode;
 * the one error of a strict call. Runtime-neutral.
 *
 * @module
 */
import { fail, type CfSignError } from "../errors.ts";
import { batchFailed, signUrls, type SignerCore } from "../batch.ts";
import { signPolicy, type SignedPolicy } from "../shared-policy.ts";
import { ownOptions, policyConditions, requireExpires } from "./options.ts";
import type { BatchResult, PlaylistMode, SignPlaylistOptions } from "../types.ts";
import { validateResource } from "../cloudfront/resource.ts";
import { checkBaseUrl, sharedFolderResource } from "./uri-targets.ts";

/** The options common to every playlist and manifest operation, checked once. */
interface Checked<Base extends string | undefined = string> {
  /** The URL the text is served from; `undefined` only where the operation allows no `baseUrl`. */
  readonly base: Base;
  readonly mode: PlaylistMode;
  readonly expires: number;
  readonly starts: number | undefined;
  readonly ipAddress: string | undefined;
  readonly resource: string | undefined;
  readonly allowAnyResource: boolean;
}

/**
 * Checks the options every streaming operation shares, in the order of every entry point.
 * `baseUrl` is required unless `baseUrl` is `"optional"` (`signPlaylist`, whose URIs may all be
 * absolute); without it, mode `"shared"` needs `resource`, since the policy cannot default to the
 * folder of a URL it does not have.
 */
export function checkStreamingOptions(
  core: SignerCore,
  what: string,
  given: unknown,
  modes?: readonly PlaylistMode[],
): { options: SignPlaylistOptions; checked: Checked };
export function checkStreamingOptions(
  core: SignerCore,
  what: string,
  given: unknown,
  modes: readonly PlaylistMode[] | undefined,
  baseUrl: "optional",
): { options: SignPlaylistOptions; checked: Checked<string | undefined> };
export function checkStreamingOptions(
  core: SignerCore,
  what: string,
  given: unknown,
  modes: readonly PlaylistMode[] = ["per-uri", "shared"],
  baseUrl: "required" | "optional" = "required",
): { options: SignPlaylistOptions; checked: Checked<string | undefined> } {
  if (typeof given !== "object" || given === null)
    fail("INVALID_ARGUMENT", `${what} takes the text and an options object with baseUrl and expires`);
  const options = ownOptions(given as SignPlaylistOptions);
  if (options.baseUrl === undefined && baseUrl === "required")
    fail("INVALID_ARGUMENT", `${what} needs baseUrl: the absolute URL the file is served from`);
  const base = options.baseUrl === undefined ? undefined : checkBaseUrl(options.baseUrl, "baseUrl");
  const mode = options.mode ?? modes[0]!;
  if (!modes.includes(mode)) fail("INVALID_ARGUMENT", `mode must be ${modes.map((m) => `"${m}"`).join(" or ")}`);
  if (options.playerQueries !== undefined && options.playerQueries !== "refuse" && options.playerQueries !== "sign") {
    fail("INVALID_ARGUMENT", 'playerQueries must be "refuse" or "sign"');
  }
  if (options.variables !== undefined && (typeof options.variables !== "object" || options.variables === null)) {
    fail("INVALID_ARGUMENT", "variables must be an object of names to string values");
  }
  // The policy options are checked once, in the order of every entry point: a bad date fails the
  // call, not each URI.
  requireExpires(options);
  const { expires, starts, ipAddress } = policyConditions(options, core.clock() / 1000);
  const allowAnyResource = options.allowAnyResource === true;
  const resource =
    options.resource === undefined ? undefined : validateResource(options.resource, allowAnyResource).pattern;
  if (mode === "shared" && base === undefined && resource === undefined) {
    fail("INVALID_ARGUMENT", `mode: "shared" needs baseUrl (the policy then covers the playlist's folder) or resource`);
  }
  return { options, checked: { base, mode, expires, starts, ipAddress, resource, allowAnyResource } };
}

/** The shared policy of a streaming operation: `resource`, or the folder of `base`. */
export function sharedPolicyFor(core: SignerCore, c: Checked<string | undefined>): Promise<SignedPolicy> {
  // checkStreamingOptions refuses mode "shared" with neither.
  const resource =
    c.resource ??
    (c.base === undefined
      ? fail("INTERNAL", "a shared policy with no resource and no base URL")
      : sharedFolderResource(c.base));
  return signPolicy(core, {
    resource,
    expires: c.expires,
    starts: c.starts,
    ipAddress: c.ipAddress,
    allowAnyResource: c.allowAnyResource,
  });
}

export function signerFor(
  core: SignerCore,
  c: Checked<string | undefined>,
  shared: SignedPolicy | undefined,
): (urls: string[]) => BatchResult[] | Promise<BatchResult[]> {
  if (shared !== undefined) return (urls) => shared.applyAll(urls);
  const { expires, starts, ipAddress, resource, allowAnyResource } = c;
  return (urls) => signUrls(core, urls, { expires, starts, ipAddress, resource, allowAnyResource });
}

/** The one error of a strict call: how many of `what` failed, the first ten by line. */
export function strictFailure(
  what: string,
  failures: readonly { index: number; line: number; error: CfSignError }[],
): CfSignError {
  return batchFailed(
    what,
    failures.map((f) => ({ index: f.index, code: f.error.code })),
    failures.slice(0, 10).map((f) => `line ${f.line} (${f.error.code})`),
  );
}
