// libos/console/module.ts — what `import console from "node:console"` resolves to: the global console.
// Layer: libos.
import type { Console } from "./index.ts";

const con = (globalThis as unknown as { console: Console }).console;
export default con;
export const log = con.log;
export const info = con.info;
export const warn = con.warn;
export const error = con.error;
export const debug = con.debug;
