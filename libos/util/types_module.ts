// libos/util/types_module.ts — `node:util/types`: the same predicates as util.types. Layer: libos.
export * from "./types.ts";
export { default } from "./types.ts";
