// libos/globals/buffer.ts — a real global `Buffer` (libos/buffer) for code that reaches it as `globalThis.Buffer`
// or checks `"Buffer" in globalThis`; free `Buffer` identifiers are already injected by the bundler.
// Layer: libos (globals).
import { Buffer } from "../buffer/index.ts";
import { defineGlobals } from "../web/_util.ts";

export function install(): void {
  defineGlobals({ Buffer });
}
