// libos/unsupported/child_process.ts — `node:child_process`: a unikernel is one process; nothing can be spawned.
// Node's names are all here (ChildProcess for instanceof); every call throws ERR_FEATURE_UNAVAILABLE_ON_PLATFORM.
// Layer: libos. Depends on events and _unsupported.ts.
import { EventEmitter } from "../events/index.ts";
import { unsupportedError, unsupportedFunction } from "./_unsupported.ts";

const WHY = "a unikernel runs one app in one address space; there are no other processes to start";
const f = (name: string, length: number) => unsupportedFunction(`child_process.${name}`, WHY, length);

export class ChildProcess extends EventEmitter {
  constructor() {
    super();
    throw unsupportedError("new child_process.ChildProcess()", WHY);
  }
}
export const _forkChild = f("_forkChild", 2);
export const exec = f("exec", 3);
export const execFile = f("execFile", 4);
export const execFileSync = f("execFileSync", 3);
export const execSync = f("execSync", 2);
export const fork = f("fork", 3);
export const spawn = f("spawn", 3);
export const spawnSync = f("spawnSync", 3);

export default { _forkChild, ChildProcess, exec, execFile, execFileSync, execSync, fork, spawn, spawnSync };
