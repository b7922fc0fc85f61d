// libos/globals/abort.ts — installs Node's global AbortController and AbortSignal (libos/web/abort.ts) into
// images whose code names them. Layer: libos (globals).
import { AbortController, AbortSignal } from "../web/abort.ts";
import { defineGlobals } from "../web/_util.ts";

export function install(): void {
  defineGlobals({ AbortController, AbortSignal });
}
