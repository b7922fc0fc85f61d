// libos/process/module.ts — what `import process from "node:process"` resolves to: the global process object
// that libos/runtime/start.ts installs before the app's top level runs, and its members as named exports. The
// functions that only some images have (kill, cpuUsage, resourceUsage: added when the app's code names them, see
// boot/image/globals.ts) are looked up when called. Layer: libos.
import type { Process } from "./index.ts";

type Fn = (...args: unknown[]) => unknown;
const proc = (globalThis as unknown as { process: Process }).process;
const late = (name: string): Fn => {
  const f = (...args: unknown[]) => ((proc as unknown as Record<string, Fn>)[name])(...args);
  return Object.defineProperty(f, "name", { value: name });
};

export default proc;
export const argv = proc.argv;
export const env = proc.env;
export const exit = proc.exit;
export const platform = proc.platform;
export const arch = proc.arch;
export const version = proc.version;
export const versions = proc.versions;
export const pid = proc.pid;
export const ppid = proc.ppid;
export const execPath = proc.execPath;
export const stdout = proc.stdout;
export const stderr = proc.stderr;
export const stdin = (proc as unknown as { stdin?: unknown }).stdin;
export const memoryUsage = proc.memoryUsage;
export const uptime = proc.uptime;
export const cwd = proc.cwd;
export const nextTick = proc.nextTick.bind(proc);
export const emitWarning = late("emitWarning");
export const hrtime = proc.hrtime;
export const exitCode = proc.exitCode;
export const kill = late("kill");
export const cpuUsage = late("cpuUsage");
export const resourceUsage = late("resourceUsage");
