// libos/util/inspect.ts — util.inspect and util.format: node-inspect-extracted (Node's own lib/internal/util/inspect
// extracted for other runtimes; checked on the engine by test/unit/http's engine test) with Node's names.
// Layer: libos.
import pkg from "node-inspect-extracted";

type NodeUtil = typeof import("node:util");
const m = pkg as unknown as NodeUtil & { stripVTControlCharacters: (s: string) => string };

/** Node's util.inspect (options: depth, colors, compact, breakLength, sorted, getters, showHidden, ...). */
export const inspect = m.inspect;
/** Node's util.format (%s %d %i %f %j %o %O %c %%). */
export const format = m.format;
export const formatWithOptions = m.formatWithOptions;
export const stripVTControlCharacters = m.stripVTControlCharacters;
