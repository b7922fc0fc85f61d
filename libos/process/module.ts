// libos/process/module.ts — what `import process from "node:process"` resolves to: the global process object
// that libos/runtime/start.ts installs before the app's top level runs. Layer: libos.
import type { Process } from "./index.ts";

const proc = (globalThis as unknown as { process: Process }).process;
export default proc;
export const argv = proc.argv;
export const env = proc.env;
export const exit = proc.exit;
export const platform = proc.platform;
export const arch = proc.arch;
export const version = proc.version;
export const versions = proc.versions;
export const stdout = proc.stdout;
export const stderr = proc.stderr;
export const memoryUsage = proc.memoryUsage;
export const uptime = proc.uptime;
export const cwd = proc.cwd;
export const nextTick = proc.nextTick.bind(proc);
export const emitWarning = proc.emitWarning.bind(proc);
export const hrtime = proc.hrtime;
export const exitCode = proc.exitCode;
