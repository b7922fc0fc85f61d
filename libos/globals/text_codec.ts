// libos/globals/text_codec.ts — real globals `TextEncoder` and `TextDecoder` (libos/util/text_codec.ts) for code
// that reaches them through globalThis; free identifiers are already injected by the bundler.
// Layer: libos (globals).
import { TextDecoder, TextEncoder } from "../util/text_codec.ts";
import { defineGlobals } from "../web/_util.ts";

export function install(): void {
  defineGlobals({ TextEncoder, TextDecoder });
}
