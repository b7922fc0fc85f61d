// libos/unsupported/wasi.ts — `node:wasi`: QuickJS has no WebAssembly, so there is nothing to give a WASI to.
// Layer: libos.
import { unsupportedError } from "./_unsupported.ts";

export class WASI {
  constructor() {
    throw unsupportedError("new wasi.WASI()", "the QuickJS engine has no WebAssembly");
  }
}
export default { WASI };
