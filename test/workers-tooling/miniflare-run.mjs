// Runs one request through a Worker in this folder's miniflare (the current release, which needs
// Node >= 22), for test/workers-tooling.test.ts, which runs under whatever Node vitest has.
//   node miniflare-run.mjs spec.json
// spec.json: { modules: [{ type, path, contents? }], modulesRoot, compatibilityDate, bindings?,
//              request: { url, method?, body? } }. A module without contents is read from its path.
// Prints one line: MINIFLARE {"miniflare", "workerd", "status", "body"}.
import { readFileSync } from "node:fs";
import { Miniflare } from "miniflare";

const spec = JSON.parse(readFileSync(process.argv[2], "utf8"));
const version = (name) =>
  JSON.parse(readFileSync(new URL(`node_modules/${name}/package.json`, import.meta.url))).version;

const mf = new Miniflare({
  modules: spec.modules,
  modulesRoot: spec.modulesRoot,
  compatibilityDate: spec.compatibilityDate,
  bindings: spec.bindings ?? {},
});
try {
  const { url, method = "GET", body } = spec.request;
  const response = await mf.dispatchFetch(url, { method, body });
  const text = await response.text();
  console.log(
    `MINIFLARE ${JSON.stringify({ miniflare: version("miniflare"), workerd: version("workerd"), status: response.status, body: text })}`,
  );
} finally {
  await mf.dispose();
}
