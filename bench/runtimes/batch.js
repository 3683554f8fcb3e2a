// One runtime's side of the runtime suite (bench/suites/runtimes.js), run unmodified in Node, Deno
// and Bun: `<runtime> batch.js <entry file URL>`. Reads the set-up (JSON) as its first line on stdin
// and answers `READY <runtime>`; then, for each line `{"alg","expires"}`, signs the batch the set-up's number
// of times and answers `BATCH <milliseconds>`. Only the signing is timed, inside the runtime.
import process from "node:process";
import { createInterface } from "node:readline";
import { makeSigners, runtimeName, signBatches } from "./core.js";

const lib = await import(process.argv[2]);
const lines = createInterface({ input: process.stdin });
let state;
for await (const line of lines) {
  const message = JSON.parse(line);
  if (message.setup) {
    state = await makeSigners(lib, message.setup);
    console.log(`READY ${runtimeName()}`);
  } else {
    const started = performance.now();
    await signBatches(state, message.alg, message.expires);
    console.log(`BATCH ${performance.now() - started}`);
  }
}
