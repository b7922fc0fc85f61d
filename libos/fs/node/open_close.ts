// libos/fs/node/open_close.ts — fs.open/openSync/close/closeSync, with Node 20's argument handling (flags as
// strings or numbers, modes as numbers or octal strings, the default 0o666) and errors.
// Layer: libos. Depends on dispatch.ts, validate.ts.

import { complete, sys, type Callback } from "./dispatch.ts";
import { getValidatedFd, getValidatedPath, parseFileMode, pathString, stringToFlags, validateFunction, type PathLike } from "./validate.ts";

/** The VFS open with Node's error (syscall "open" and the path as given). */
export function openCore(path: PathLike, flags: number, mode: number): number {
  return sys("open", path, undefined, (v) => v.open(pathString(path), flags, mode));
}

export function closeCore(fd: number): void {
  sys("close", undefined, undefined, (v) => v.close(fd));
}

/** fs.openSync(path[, flags[, mode]]) → fd. Throws Node's errors (ENOENT, EEXIST, EISDIR, EMFILE, ...). */
export function openSync(path: unknown, flags?: unknown, mode?: unknown): number {
  const p = getValidatedPath(path);
  return openCore(p, stringToFlags(flags), parseFileMode(mode, "mode", 0o666));
}

/** fs.open(path[, flags[, mode]], callback(err, fd)). */
export function open(path: unknown, flags?: unknown, mode?: unknown, callback?: unknown): void {
  const p = getValidatedPath(path);
  let m: number;
  if (arguments.length < 3) {
    callback = flags;
    flags = "r";
    m = 0o666;
  } else if (typeof mode === "function") {
    callback = mode;
    m = 0o666;
  } else {
    m = parseFileMode(mode, "mode", 0o666);
  }
  const f = stringToFlags(flags);
  validateFunction(callback, "cb");
  complete(callback as Callback<number>, () => openCore(p, f, m));
}

/** fs.closeSync(fd): EBADF when not open. */
export function closeSync(fd: unknown): void {
  closeCore(getValidatedFd(fd, "fd", true));
}

function defaultCloseCallback(err: Error | null): void {
  if (err) throw err;
}

/** fs.close(fd[, callback]): without a callback, an error is thrown from the loop (as Node's default does). */
export function close(fd: unknown, callback: unknown = defaultCloseCallback): void {
  if (callback !== defaultCloseCallback) validateFunction(callback, "cb");
  const n = getValidatedFd(fd, "fd", true);
  complete(callback as Callback, () => closeCore(n));
}
