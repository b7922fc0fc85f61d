// libos/process/shim.ts — what `require("process/")` gives: in Node that names the npm package "process" (a
// browser shim), which npm ports of Node modules (readable-stream) use for nextTick, env, stdout and stderr. Here
// it is the global process's members, without process.stdin: readable-stream loads this while libos/stream is
// still initialising, and creating stdin (a stream) at that moment would fail. Layer: libos.
import type { Process } from "./index.ts";

const proc = (globalThis as unknown as { process: Process }).process;
export default proc;
export const nextTick = (callback: (...args: unknown[]) => void, ...args: unknown[]): void => proc.nextTick(callback, ...args);
export const env = proc.env;
export const stdout = proc.stdout;
export const stderr = proc.stderr;
export const argv = proc.argv;
export const platform = proc.platform;
export const version = proc.version;
export const versions = proc.versions;
export const emitWarning = (...args: Parameters<Process["emitWarning"]>): void => proc.emitWarning(...args);
