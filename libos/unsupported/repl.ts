// libos/unsupported/repl.ts — `node:repl`: no interactive REPL in an image (the app is precompiled to bytecode; the
// serial console is its stdout). Names as Node's; start() and new REPLServer() throw. Layer: libos.
import { EventEmitter } from "../events/index.ts";
import { unsupportedError, unsupportedFunction } from "./_unsupported.ts";
import { inspect } from "../util/index.ts";

const WHY = "an image runs its precompiled app; there is no REPL on the serial console";
export class REPLServer extends EventEmitter {
  constructor() {
    super();
    throw unsupportedError("new repl.REPLServer()", WHY);
  }
}
export class Recoverable extends SyntaxError {
  constructor(readonly err: Error) {
    super();
  }
}
export const start = unsupportedFunction("repl.start", WHY, 1);
export const writer = (obj: unknown): string => inspect(obj);
export const REPL_MODE_SLOPPY = Symbol("repl-sloppy");
export const REPL_MODE_STRICT = Symbol("repl-strict");
export const isValidSyntax = unsupportedFunction("repl.isValidSyntax", WHY, 1);
export const builtinModules: string[] = [];
export default { start, writer, REPLServer, REPL_MODE_SLOPPY, REPL_MODE_STRICT, Recoverable, isValidSyntax, builtinModules };
