// libos/path/posix.ts — `node:path/posix`: the same module as node:path (POSIX). Layer: libos.
export * from "./index.ts";
export { default } from "./index.ts";
