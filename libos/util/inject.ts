// libos/util/inject.ts — what esbuild injects for free `TextEncoder` / `TextDecoder` identifiers (Node's globals;
// QuickJS has neither), only into images whose code mentions them. Layer: libos.
export { TextDecoder, TextEncoder } from "./text_codec.ts";
