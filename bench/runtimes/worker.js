// The workerd side of the runtime suite (bench/suites/runtimes.js), a module Worker run by miniflare
// with cfsign's "workerd" entry and cfsign.wasm as a CompiledWasm module. workerd's clocks stand
// still while a request runs (they advance only on I/O), so the suite times each batch from outside:
// one request per batch, less the round trip of an empty request.
import * as lib from "../../dist/workerd.js";
import { makeSigners, runtimeName, signBatches } from "./core.js";

let state;

export default {
  async fetch(request) {
    const message = await request.json();
    if (message.setup) {
      state = await makeSigners(lib, message.setup);
      return new Response(`READY ${runtimeName()}`);
    }
    if (message.alg) await signBatches(state, message.alg, message.expires);
    return new Response("DONE");
  },
};
