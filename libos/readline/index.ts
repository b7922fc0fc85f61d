// libos/readline/index.ts — `node:readline`: createInterface/Interface (interface.ts) with the callback question()
// and its util.promisify form, the cursor functions (cursor.ts), emitKeypressEvents (keypress.ts) and
// `promises` (readline/promises). See interface.ts for what a terminal and a non-terminal interface do.
// Layer: libos.
import { AbortError } from "../util/errors.ts";
import { clearLine, clearScreenDown, cursorTo, moveCursor } from "./cursor.ts";
import { Interface, type InterfaceOptions } from "./interface.ts";
import { emitKeypressEvents } from "./keypress.ts";
import * as promises from "./promises.ts";

type Ctor = ConstructorParameters<typeof Interface>;

// util.promisify(rl.question): a promise for the answer (an aborted signal rejects with AbortError).
Object.defineProperty(Interface.prototype.question, Symbol.for("nodejs.util.promisify.custom"), {
  value: function question(this: Interface, query: string, options?: { signal?: AbortSignal }): Promise<string> {
    const signal = options !== null && typeof options === "object" ? options.signal : undefined;
    if (signal?.aborted) return Promise.reject(new AbortError(undefined, { cause: signal.reason }));
    return new Promise((resolve, reject) => {
      let cb = resolve;
      if (signal) {
        const onAbort = () => reject(new AbortError(undefined, { cause: signal.reason }));
        signal.addEventListener("abort", onAbort, { once: true });
        cb = (answer) => {
          signal.removeEventListener("abort", onAbort);
          resolve(answer);
        };
      }
      this.question(query, options ?? {}, cb);
    });
  },
  configurable: true,
  writable: true,
});

export function createInterface(input: Ctor[0] | InterfaceOptions, output?: Ctor[1], completer?: Ctor[2], terminal?: boolean): Interface {
  return new Interface(input, output, completer, terminal);
}

export { clearLine, clearScreenDown, cursorTo, emitKeypressEvents, Interface, moveCursor, promises };

export default { Interface, clearLine, clearScreenDown, createInterface, cursorTo, emitKeypressEvents, moveCursor, promises };
