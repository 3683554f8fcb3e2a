/**
 * Tool packages the tests run but the project does not depend on (extra TypeScript versions,
 * current wrangler and miniflare): each folder has its own package.json and lockfile, installed
 * here with `npm ci` when `.ci/run` has not done it already.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "./stage.js";

/**
 * Installs `test/<name>/` from its lockfile unless it is installed, and returns its folder.
 *
 * @param name - the folder under test/
 * @param env - environment for npm (e.g. a PATH with a newer Node first)
 */
export function toolPackage(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const dir = join(REPO, "test", name);
  if (!existsSync(join(dir, "node_modules", ".package-lock.json"))) {
    execFileSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: dir, env, stdio: "ignore", timeout: 400_000 });
  }
  return dir;
}
