// libos/globals/navigator.ts — installs the global `navigator` (libos/web/navigator.ts). Layer: libos (globals).
import { defineGlobals } from "../web/_util.ts";
import { navigator } from "../web/navigator.ts";

export function install(): void {
  defineGlobals({ navigator });
}
