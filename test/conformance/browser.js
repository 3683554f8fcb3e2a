// Conformance runner for a browser page. The page that loads this module maps
// "cfsign" to the package's "browser" export with an import map; the report is
// POSTed back to the server that served the page.
import * as lib from "cfsign";
import { runConformance } from "./suite.js";

const post = (path, body) =>
  fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

try {
  const vectors = await (await fetch(new URL("../vectors/cloudfront.json", import.meta.url))).json();
  const report = await runConformance(lib, { vectors, entry: "web", log: (line) => void post("/log", { line }) });
  await post("/report", {
    ...report,
    resolved: import.meta.resolve("cfsign"),
    secureContext: globalThis.isSecureContext,
  });
} catch (err) {
  await post("/report", { fatal: String(err?.stack ?? err) });
}
