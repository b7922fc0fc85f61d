// libos/fs/node/attr_calls.ts — attributes and durability: fs.chmod/fchmod, chown/fchown/lchown, utimes/futimes/
// lutimes (seconds or Dates, microsecond resolution as libuv), truncate/ftruncate (truncate opens 'r+', so its
// errors are open's), fsync/fdatasync. fs.lchmod is undefined, as on Linux.
// Layer: libos. Depends on dispatch.ts, open_close.ts, validate.ts.

import type { SetAttr, Timespec } from "../types.ts";
import { complete, sys, type Callback } from "./dispatch.ts";
import { closeCore, openCore } from "./open_close.ts";
import {
  getValidatedFd, getValidatedPath, parseFileMode, pathString, toUnixTimestamp, validateFunction, validateInteger,
  type PathLike,
} from "./validate.ts";
import { O_RDWR } from "../vfs/flags.ts";

const kMaxUserId = 2 ** 32 - 1;

/** Seconds (a float) as libuv turns them into a timespec: whole seconds, nanoseconds cut to microseconds. */
export function toTimespec(seconds: number): Timespec {
  let sec = Math.trunc(seconds);
  let nsec = Math.trunc((seconds - sec) * 1e9);
  nsec -= nsec % 1000;
  if (nsec < 0) {
    nsec += 1e9;
    sec -= 1;
  }
  return { sec, nsec };
}

export function setattrCore(syscall: string, path: PathLike, changes: SetAttr, follow = true): void {
  sys(syscall, path, undefined, (v) => v.setattr(pathString(path), changes, follow));
}

export function fsetattrCore(syscall: string, fd: number, changes: SetAttr): void {
  sys(syscall, undefined, undefined, (v) => v.fsetattr(fd, changes));
}

export function ftruncateCore(fd: number, len: number): void {
  sys("ftruncate", undefined, undefined, (v) => v.ftruncate(fd, len));
}

export function fsyncCore(fd: number, dataOnly: boolean): void {
  sys(dataOnly ? "fdatasync" : "fsync", undefined, undefined, (v) => v.fsync(fd, dataOnly));
}

/** truncate as Node does it: open 'r+', ftruncate, close (the ftruncate's error wins over the close's). */
export function truncateCore(path: PathLike, len: number, validate = false): void {
  const fd = openCore(path, O_RDWR, 0o666);
  try {
    if (validate) validateInteger(len, "len");
    ftruncateCore(fd, Math.max(0, len));
  } finally {
    closeCore(fd);
  }
}

const ids = (uid: unknown, gid: unknown): SetAttr => {
  validateInteger(uid, "uid", -1, kMaxUserId);
  validateInteger(gid, "gid", -1, kMaxUserId);
  return { uid, gid };
};

const times = (atime: unknown, mtime: unknown, names = ["time", "time"]): SetAttr =>
  ({ atime: toTimespec(toUnixTimestamp(atime, names[0])), mtime: toTimespec(toUnixTimestamp(mtime, names[1])) });

// ---- chmod ----

export function chmodSync(path: unknown, mode: unknown): void {
  const p = getValidatedPath(path);
  setattrCore("chmod", p, { mode: parseFileMode(mode, "mode") });
}

export function chmod(path: unknown, mode: unknown, callback?: unknown): void {
  const p = getValidatedPath(path);
  const m = parseFileMode(mode, "mode");
  validateFunction(callback, "cb");
  complete(callback as Callback, () => setattrCore("chmod", p, { mode: m }));
}

export function fchmodSync(fd: unknown, mode: unknown): void {
  const m = parseFileMode(mode, "mode");
  fsetattrCore("fchmod", getValidatedFd(fd, "fd", true), { mode: m });
}

export function fchmod(fd: unknown, mode: unknown, callback?: unknown): void {
  const m = parseFileMode(mode, "mode");
  validateFunction(callback, "cb");
  const n = getValidatedFd(fd, "fd", true);
  complete(callback as Callback, () => fsetattrCore("fchmod", n, { mode: m }));
}

// ---- chown ----

export function chownSync(path: unknown, uid: unknown, gid: unknown): void {
  const p = getValidatedPath(path);
  setattrCore("chown", p, ids(uid, gid));
}

export function chown(path: unknown, uid: unknown, gid: unknown, callback?: unknown): void {
  validateFunction(callback, "cb");
  const p = getValidatedPath(path);
  const c = ids(uid, gid);
  complete(callback as Callback, () => setattrCore("chown", p, c));
}

export function lchownSync(path: unknown, uid: unknown, gid: unknown): void {
  const p = getValidatedPath(path);
  setattrCore("lchown", p, ids(uid, gid), false);
}

export function lchown(path: unknown, uid: unknown, gid: unknown, callback?: unknown): void {
  validateFunction(callback, "cb");
  const p = getValidatedPath(path);
  const c = ids(uid, gid);
  complete(callback as Callback, () => setattrCore("lchown", p, c, false));
}

export function fchownSync(fd: unknown, uid: unknown, gid: unknown): void {
  const c = ids(uid, gid);
  fsetattrCore("fchown", getValidatedFd(fd, "fd", true), c);
}

export function fchown(fd: unknown, uid: unknown, gid: unknown, callback?: unknown): void {
  const c = ids(uid, gid);
  validateFunction(callback, "cb");
  const n = getValidatedFd(fd, "fd", true);
  complete(callback as Callback, () => fsetattrCore("fchown", n, c));
}

// ---- utimes ----

export function utimesSync(path: unknown, atime: unknown, mtime: unknown): void {
  const p = getValidatedPath(path);
  setattrCore("utime", p, times(atime, mtime));
}

export function utimes(path: unknown, atime: unknown, mtime: unknown, callback?: unknown): void {
  validateFunction(callback, "cb");
  const p = getValidatedPath(path);
  const t = times(atime, mtime);
  complete(callback as Callback, () => setattrCore("utime", p, t));
}

export function lutimesSync(path: unknown, atime: unknown, mtime: unknown): void {
  const p = getValidatedPath(path);
  setattrCore("lutime", p, times(atime, mtime), false);
}

export function lutimes(path: unknown, atime: unknown, mtime: unknown, callback?: unknown): void {
  validateFunction(callback, "cb");
  const p = getValidatedPath(path);
  const t = times(atime, mtime);
  complete(callback as Callback, () => setattrCore("lutime", p, t, false));
}

export function futimesSync(fd: unknown, atime: unknown, mtime: unknown): void {
  const t = times(atime, mtime, ["atime", "mtime"]);
  fsetattrCore("futime", getValidatedFd(fd, "fd", true), t);
}

export function futimes(fd: unknown, atime: unknown, mtime: unknown, callback?: unknown): void {
  const t = times(atime, mtime, ["atime", "mtime"]);
  validateFunction(callback, "cb");
  const n = getValidatedFd(fd, "fd", true);
  complete(callback as Callback, () => fsetattrCore("futime", n, t));
}

// ---- truncate ----

let truncateWarned = false;
function truncateFdWarning(): void {
  if (truncateWarned) return;
  truncateWarned = true;
  globalThis.process?.emitWarning?.("Using fs.truncate with a file descriptor is deprecated. Please use fs.ftruncate with a file descriptor instead.",
    "DeprecationWarning", "DEP0081");
}

export function ftruncateSync(fd: unknown, len: unknown = 0): void {
  validateInteger(len, "len");
  ftruncateCore(getValidatedFd(fd, "fd", true), Math.max(0, len));
}

export function ftruncate(fd: unknown, len: unknown = 0, callback?: unknown): void {
  if (typeof len === "function") {
    callback = len;
    len = 0;
  }
  validateInteger(len, "len");
  const l = Math.max(0, len);
  validateFunction(callback, "cb");
  const n = getValidatedFd(fd, "fd", true);
  complete(callback as Callback, () => ftruncateCore(n, l));
}

/** fs.truncateSync(path[, len]): a number as path is taken as a descriptor (deprecated, DEP0081). */
export function truncateSync(path: unknown, len?: unknown): void {
  if (typeof path === "number") {
    truncateFdWarning();
    ftruncateSync(path, len);
    return;
  }
  truncateCore(getValidatedPath(path), (len ?? 0) as number, true);
}

export function truncate(path: unknown, len?: unknown, callback?: unknown): void {
  if (typeof path === "number") {
    truncateFdWarning();
    ftruncate(path, len, callback);
    return;
  }
  if (typeof len === "function") {
    callback = len;
    len = 0;
  } else if (len === undefined) {
    len = 0;
  }
  validateInteger(len, "len");
  const l = Math.max(0, len);
  validateFunction(callback, "cb");
  const p = getValidatedPath(path);
  complete(callback as Callback, () => truncateCore(p, l));
}

// ---- fsync ----

export function fsyncSync(fd: unknown): void {
  fsyncCore(getValidatedFd(fd, "fd", true), false);
}

export function fsync(fd: unknown, callback?: unknown): void {
  validateFunction(callback, "cb");
  const n = getValidatedFd(fd, "fd", true);
  complete(callback as Callback, () => fsyncCore(n, false));
}

export function fdatasyncSync(fd: unknown): void {
  fsyncCore(getValidatedFd(fd, "fd", true), true);
}

export function fdatasync(fd: unknown, callback?: unknown): void {
  validateFunction(callback, "cb");
  const n = getValidatedFd(fd, "fd", true);
  complete(callback as Callback, () => fsyncCore(n, true));
}
