// libos/fs/node/stat_calls.ts — fs.stat/lstat/fstat/statfs (callback and sync, `bigint` and `throwIfNoEntry`
// options), fs.access/accessSync, fs.exists (callback form, never an error) and fs.existsSync (never throws).
// Layer: libos. Depends on dispatch.ts, stats.ts, validate.ts.

import { F_OK } from "../vfs/flags.ts";
import { complete, sys, type Callback } from "./dispatch.ts";
import { makeStatFs, makeStats, type NodeStats, type StatFs } from "./stats.ts";
import { getValidatedFd, getValidatedPath, getValidMode, pathString, validateFunction, type PathLike } from "./validate.ts";

export function statCore(path: PathLike, follow: boolean, bigint: boolean): NodeStats {
  return makeStats(sys(follow ? "stat" : "lstat", path, undefined, (v) => v.stat(pathString(path), follow)), bigint);
}

export function fstatCore(fd: number, bigint: boolean): NodeStats {
  return makeStats(sys("fstat", undefined, undefined, (v) => v.fstat(fd)), bigint);
}

export function statfsCore(path: PathLike, bigint: boolean): StatFs {
  return makeStatFs(sys("statfs", path, undefined, (v) => v.statfs(pathString(path))), bigint);
}

export function accessCore(path: PathLike, mode: number): void {
  sys("access", path, undefined, (v) => v.access(pathString(path), mode));
}

interface StatOptions {
  bigint?: boolean;
  throwIfNoEntry?: boolean;
}

/** stat/lstat that return undefined for a missing entry (ENOENT only) when throwIfNoEntry is false. */
function statMaybe(path: PathLike, follow: boolean, o: StatOptions): NodeStats | undefined {
  try {
    return statCore(path, follow, !!o.bigint);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (o.throwIfNoEntry === false && code === "ENOENT") return undefined;
    throw e;
  }
}

/** fs.statSync(path[, { bigint, throwIfNoEntry }]) → Stats (undefined for ENOENT when throwIfNoEntry is false). */
export function statSync(path: unknown, options: StatOptions = { bigint: false, throwIfNoEntry: true }): NodeStats | undefined {
  return statMaybe(getValidatedPath(path), true, options);
}

/** fs.lstatSync: as statSync without following a final symlink. */
export function lstatSync(path: unknown, options: StatOptions = { bigint: false, throwIfNoEntry: true }): NodeStats | undefined {
  return statMaybe(getValidatedPath(path), false, options);
}

/** fs.fstatSync(fd[, { bigint }]). */
export function fstatSync(fd: unknown, options: StatOptions = { bigint: false }): NodeStats {
  return fstatCore(getValidatedFd(fd, "fd", true), !!options.bigint);
}

/** fs.statfsSync(path[, { bigint }]). */
export function statfsSync(path: unknown, options: StatOptions = { bigint: false }): StatFs {
  return statfsCore(getValidatedPath(path), !!options.bigint);
}

function pathStat(follow: boolean) {
  return function (path: unknown, options: unknown = { bigint: false }, callback?: unknown): void {
    if (typeof options === "function") {
      callback = options;
      options = {};
    }
    validateFunction(callback, "cb");
    const p = getValidatedPath(path);
    const bigint = !!(options as StatOptions).bigint;
    complete(callback as Callback<NodeStats>, () => statCore(p, follow, bigint));
  };
}

/** fs.stat(path[, { bigint }], callback(err, stats)). */
export const stat = pathStat(true);
/** fs.lstat(path[, { bigint }], callback(err, stats)). */
export const lstat = pathStat(false);

/** fs.fstat(fd[, { bigint }], callback(err, stats)). */
export function fstat(fd: unknown, options: unknown = { bigint: false }, callback?: unknown): void {
  if (typeof options === "function") {
    callback = options;
    options = {};
  }
  validateFunction(callback, "cb");
  const n = getValidatedFd(fd, "fd", true);
  const bigint = !!(options as StatOptions).bigint;
  complete(callback as Callback<NodeStats>, () => fstatCore(n, bigint));
}

/** fs.statfs(path[, { bigint }], callback(err, statfs)). */
export function statfs(path: unknown, options: unknown = { bigint: false }, callback?: unknown): void {
  if (typeof options === "function") {
    callback = options;
    options = {};
  }
  validateFunction(callback, "cb");
  const p = getValidatedPath(path);
  const bigint = !!(options as StatOptions).bigint;
  complete(callback as Callback<StatFs>, () => statfsCore(p, bigint));
}

/** fs.accessSync(path[, mode]): as root, only existence, read-only mounts (W_OK) and x bits (X_OK) can fail. */
export function accessSync(path: unknown, mode?: unknown): void {
  const p = getValidatedPath(path);
  accessCore(p, getValidMode(mode, F_OK));
}

/** fs.access(path[, mode], callback(err)). */
export function access(path: unknown, mode?: unknown, callback?: unknown): void {
  if (typeof mode === "function") {
    callback = mode;
    mode = F_OK;
  }
  const p = getValidatedPath(path);
  validateFunction(callback, "cb");
  const m = getValidMode(mode, F_OK);
  complete(callback as Callback, () => accessCore(p, m));
}

/** fs.existsSync(path): true or false, whatever the argument. */
export function existsSync(path: unknown): boolean {
  let p: PathLike;
  try {
    p = getValidatedPath(path);
  } catch {
    return false;
  }
  try {
    accessCore(p, F_OK);
    return true;
  } catch {
    return false;
  }
}

/** fs.exists(path, callback(exists)) (deprecated in Node, still used): the callback gets a boolean only. */
export function exists(path: unknown, callback?: unknown): void {
  validateFunction(callback, "cb");
  const cb = callback as (exists: boolean) => void;
  try {
    access(path, F_OK, (err: Error | null) => cb(!err));
  } catch {
    cb(false);
  }
}
/** util.promisify(fs.exists) resolves to the boolean (Node's custom promisified form, also named "exists"). */
const existsPromisified = {
  exists(path: unknown): Promise<boolean> {
    return new Promise((resolve) => exists(path, resolve));
  },
}.exists;
Object.defineProperty(exists, Symbol.for("nodejs.util.promisify.custom"), {
  value: existsPromisified, enumerable: false, configurable: true, writable: true,
});
