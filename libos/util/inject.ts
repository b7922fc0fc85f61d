// libos/util/inject.ts — what esbuild injects for free `TextEncoder` / `TextDecoder` identifiers (Node's globals;
// QuickJS 2021 has neither), only into images whose code mentions them. Layer: libos.
export { TextDecoder, TextEncoder } from "./text_codec.ts";
