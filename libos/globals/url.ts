// libos/globals/url.ts — real globals `URL` and `URLSearchParams` (libos/url) for code that reaches them through
// globalThis; free identifiers are already injected by the bundler. Layer: libos (globals).
import { URL, URLSearchParams } from "../url/index.ts";
import { defineGlobals } from "../web/_util.ts";

export function install(): void {
  defineGlobals({ URL, URLSearchParams });
}
