// libos/globals/base64.ts — installs Node's global atob and btoa (libos/web/base64.ts). Layer: libos (globals).
import { defineGlobals } from "../web/_util.ts";
import { atob, btoa } from "../web/base64.ts";

export function install(): void {
  defineGlobals({ atob, btoa }, true);
}
