// libos/fs/node/rm.ts — fs.rm/rmSync (recursive, force) and fs.rmdir/rmdirSync (recursive: deprecated, DEP0147)
// as Node 20's rimraf: lstat first (ERR_FS_EISDIR for a directory without recursive), unlink files, rmdir
// directories and empty them first when rmdir says ENOTEMPTY, ENOENT anywhere below counts as done.
// maxRetries/retryDelay are validated as Node does; the VFS's answers do not change with time (no other writer,
// no antivirus holding files), so a retry could only repeat the error and none is made.
// Layer: libos. Depends on dispatch.ts, errors.ts, validate.ts, stat_calls.ts, link_calls.ts, dir_calls.ts.

import { complete, sys, type Callback } from "./dispatch.ts";
import { errnoOf, nodeSystemError } from "./errors.ts";
import { unlinkCore } from "./link_calls.ts";
import { readdirCore } from "./dir_calls.ts";
import { statCore } from "./stat_calls.ts";
import {
  getValidatedPath, pathString, validateBoolean, validateFunction, validateInt32, validateObject, validateUint32,
  type PathLike,
} from "./validate.ts";

export interface RmOptions {
  recursive: boolean;
  force: boolean;
  retryDelay: number;
  maxRetries: number;
}

const defaultRm: RmOptions = { recursive: false, force: false, retryDelay: 100, maxRetries: 0 };
const defaultRmdir = { retryDelay: 100, maxRetries: 0, recursive: false };

let rmdirWarned = false;
function recursiveRmdirWarning(): void {
  if (rmdirWarned || globalThis.process?.noDeprecation) return;
  rmdirWarned = true;
  globalThis.process?.emitWarning?.("In future versions of Node.js, fs.rmdir(path, { recursive: true }) will be removed. Use fs.rm(path, { recursive: true }) instead",
    "DeprecationWarning", "DEP0147");
}

/** Node's validateRmdirOptions (with rm's defaults when `defaults` says so). */
export function validateRmdirOptions(options: unknown, defaults: object = defaultRmdir): RmOptions {
  if (options === undefined) return defaults as RmOptions;
  validateObject(options, "options");
  const o = { ...defaults, ...(options as object) } as RmOptions;
  validateBoolean(o.recursive, "options.recursive");
  validateInt32(o.retryDelay, "options.retryDelay", 0);
  validateUint32(o.maxRetries, "options.maxRetries");
  return o;
}

const eisdir = (path: PathLike) => nodeSystemError("ERR_FS_EISDIR", "Path is a directory",
  { code: "EISDIR", message: "is a directory", path: pathString(path), syscall: "rm", errno: errnoOf("EISDIR") });

/**
 * Node's validateRmOptions: false when `expectDir` and the path is not a directory; the options otherwise.
 * `async` follows the callback form (it always lstat's; with force a missing path is fine).
 */
export function validateRmOptions(path: PathLike, options: unknown, expectDir: boolean, async = false): RmOptions | false {
  const o = validateRmdirOptions(options, defaultRm);
  validateBoolean(o.force, "options.force");
  if (async || !o.force || expectDir || !o.recursive) {
    let isDir: boolean | undefined;
    try {
      isDir = statCore(path, false, false).isDirectory();
    } catch (e) {
      if (!(o.force && (e as { code?: string }).code === "ENOENT")) throw e;
    }
    if (expectDir && !isDir) return false;
    if (isDir && !o.recursive) throw eisdir(path);
  }
  return o;
}

const rmdirCore = (path: PathLike): void => sys("rmdir", path, undefined, (v) => v.rmdir(pathString(path)));
const code = (e: unknown): string | undefined => (e as { code?: string }).code;
const NOT_EMPTY = new Set(["ENOTEMPTY", "EEXIST", "EPERM"]);

/** Node's rimrafSync. */
export function rimrafSync(path: string, options: RmOptions): void {
  let isDir = false;
  try {
    isDir = statCore(path, false, false).isDirectory();
  } catch (e) {
    if (code(e) === "ENOENT") return;
  }
  try {
    if (isDir) rmdirTree(path, options, null);
    else unlinkCore(path);
  } catch (e) {
    if (code(e) === "ENOENT") return;
    if (code(e) === "EPERM") return rmdirTree(path, options, e);
    if (code(e) !== "EISDIR") throw e;
    rmdirTree(path, options, e);
  }
}

function rmdirTree(path: string, options: RmOptions, originalErr: unknown): void {
  try {
    rmdirCore(path);
  } catch (e) {
    if (code(e) === "ENOENT") return;
    if (code(e) === "ENOTDIR") throw originalErr ?? e;
    if (NOT_EMPTY.has(code(e) ?? "")) {
      for (const child of readdirCore(path, "utf8", false) as string[]) rimrafSync(`${path}/${child}`, options);
      try {
        rmdirCore(path);
        return;
      } catch (e2) {
        if (code(e2) === "ENOENT") return;
        throw e2;
      }
    }
    throw originalErr ?? e;
  }
}

/** fs.rmSync(path[, { recursive, force, maxRetries, retryDelay }]). */
export function rmSync(path: unknown, options?: unknown): void {
  const p = getValidatedPath(path);
  const o = validateRmOptions(p, options, false) as RmOptions;
  rimrafSync(pathString(p), o);
}

/** fs.rm(path[, options], callback(err)). */
export function rm(path: unknown, options?: unknown, callback?: unknown): void {
  if (typeof options === "function") {
    callback = options;
    options = undefined;
  }
  const p = getValidatedPath(path);
  validateRmdirOptions(options, defaultRm);
  validateBoolean((options as { force?: unknown } | undefined)?.force ?? false, "options.force");
  complete(callback as Callback, () => rimrafSync(pathString(p), validateRmOptions(p, options, false, true) as RmOptions));
}

/** fs.rmdirSync(path[, options]): removes an empty directory (recursive: as rm -r, deprecated). */
export function rmdirSync(path: unknown, options?: unknown): void {
  const p = getValidatedPath(path);
  if ((options as { recursive?: unknown } | undefined)?.recursive) {
    recursiveRmdirWarning();
    const o = validateRmOptions(p, { ...(options as object), force: false }, true);
    if (o !== false) return rimrafSync(pathString(p), o);
  } else {
    validateRmdirOptions(options);
  }
  rmdirCore(p);
}

/** fs.rmdir(path[, options], callback(err)). */
export function rmdir(path: unknown, options?: unknown, callback?: unknown): void {
  if (typeof options === "function") {
    callback = options;
    options = undefined;
  }
  validateFunction(callback, "cb");
  const p = getValidatedPath(path);
  if ((options as { recursive?: unknown } | undefined)?.recursive) {
    recursiveRmdirWarning();
    const merged = { ...(options as object), force: false };
    validateRmdirOptions(merged, defaultRm);
    complete(callback as Callback, () => {
      const o = validateRmOptions(p, merged, true, true);
      if (o === false) rmdirCore(p);
      else rimrafSync(pathString(p), o);
    });
    return;
  }
  validateRmdirOptions(options);
  complete(callback as Callback, () => rmdirCore(p));
}
