// libos/process/stdin.ts — process.stdin: the serial console's input as a Readable (libos/tty/serial_stream.ts),
// created on first access as in Node. The serial console is not a terminal (see libos/tty/index.ts): stdin is what
// Node gives for a pipe — no isTTY, no setRawMode. Installed into Process.prototype only by images whose code names
// stdin (boot/image/globals.ts). The stream modules are loaded on first access (a require that esbuild turns into
// a lazy initialiser): they use the global process, which does not exist yet when the installer runs.
// Layer: libos. Depends on libos/tty/serial_stream.
import type { SerialReadable } from "../tty/serial_stream.ts";
import { Process } from "./index.ts";

let stdin: SerialReadable | undefined;

/** Adds the process.stdin getter (the bundle calls this before the app runs). */
export function install(): void {
  Object.defineProperty(Process.prototype, "stdin", {
    get(): SerialReadable {
      /* eslint-disable-next-line @typescript-eslint/no-require-imports */
      const m = require("../tty/serial_stream.ts") as typeof import("../tty/serial_stream.ts");
      return (stdin ??= new m.SerialReadable(0));
    },
    configurable: true,
    enumerable: true,
  });
}
