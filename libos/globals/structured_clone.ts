// libos/globals/structured_clone.ts — installs Node's global structuredClone (libos/web/structured_clone.ts).
// Layer: libos (globals).
import { defineGlobals } from "../web/_util.ts";
import { structuredClone } from "../web/structured_clone.ts";

export function install(): void {
  defineGlobals({ structuredClone }, true);
}
