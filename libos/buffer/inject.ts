// libos/buffer/inject.ts — what esbuild injects for a free `Buffer` identifier (Node's global). Layer: libos.
export { Buffer } from "./index.ts";
