// libos/globals/fetch.ts — installs Node's global fetch, Request, Response, Headers and FormData (libos/web/fetch)
// into images whose code names any of them. Layer: libos (globals).
import { defineGlobals } from "../web/_util.ts";
import { fetch, FormData, Headers, Request, Response } from "../web/fetch/index.ts";

export function install(): void {
  defineGlobals({ fetch }, true);
  defineGlobals({ Request, Response, Headers, FormData });
}
