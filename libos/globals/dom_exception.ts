// libos/globals/dom_exception.ts — installs Node's global DOMException (libos/web/dom_exception.ts) into images
// whose code names it. Layer: libos (globals).
import { defineGlobals } from "../web/_util.ts";
import { DOMException } from "../web/dom_exception.ts";

export function install(): void {
  defineGlobals({ DOMException });
}
