// libos/fs/node/link_calls.ts — names: fs.rename, fs.link, fs.symlink (type 'file'/'dir'/'junction' checked and
// ignored, as on Linux), fs.readlink, fs.unlink, fs.realpath (Node's JavaScript walk: the path is resolved
// lexically first, then each component lstat'ed and symlinks replaced, so errors name the partial path with
// syscall lstat/stat) and fs.realpath.native (the kernel's answer, syscall realpath).
// Layer: libos. Depends on dispatch.ts, encoding.ts, errors.ts, validate.ts, libos/path, ../vfs.

import { resolve } from "../../path/index.ts";
import { S_IFLNK, S_IFMT } from "../types.ts";
import { vfs } from "../vfs/index.ts";
import { complete, sys, type Callback } from "./dispatch.ts";
import { encodeName } from "./encoding.ts";
import { invalidSymlinkType } from "./errors.ts";
import { getOptions, getValidatedPath, pathString, toPathIfFileURL, validateFunction, validatePath, type PathLike } from "./validate.ts";

/** A path made absolute against the VFS's working directory (what process.cwd() is inside an image). */
export const absolute = (p: string): string => resolve(vfs().cwd(), p);

export function renameCore(from: PathLike, to: PathLike): void {
  sys("rename", from, to, (v) => v.rename(pathString(from), pathString(to)));
}

export function linkCore(existing: PathLike, newPath: PathLike): void {
  sys("link", existing, newPath, (v) => v.link(pathString(existing), pathString(newPath)));
}

export function symlinkCore(target: PathLike, path: PathLike): void {
  sys("symlink", target, path, (v) => v.symlink(pathString(target), pathString(path)));
}

export function readlinkCore(path: PathLike, encoding: unknown): string | Uint8Array {
  return encodeName(sys("readlink", path, undefined, (v) => v.readlink(pathString(path))), encoding);
}

export function unlinkCore(path: PathLike): void {
  sys("unlink", path, undefined, (v) => v.unlink(pathString(path)));
}

/** Node's stringToSymlinkType: only checks the name (Linux symlinks have no type). */
export function checkSymlinkType(type: unknown): void {
  if (typeof type === "string" && type !== "dir" && type !== "file" && type !== "junction") throw invalidSymlinkType(type);
}

/** fs.renameSync(oldPath, newPath): EXDEV across mounts, EBUSY for mount points. */
export function renameSync(oldPath: unknown, newPath: unknown): void {
  const a = getValidatedPath(oldPath, "oldPath");
  const b = getValidatedPath(newPath, "newPath");
  renameCore(a, b);
}

/** fs.rename(oldPath, newPath, callback(err)). */
export function rename(oldPath: unknown, newPath: unknown, callback?: unknown): void {
  validateFunction(callback, "cb");
  const a = getValidatedPath(oldPath, "oldPath");
  const b = getValidatedPath(newPath, "newPath");
  complete(callback as Callback, () => renameCore(a, b));
}

/** fs.linkSync(existingPath, newPath). */
export function linkSync(existingPath: unknown, newPath: unknown): void {
  const a = getValidatedPath(existingPath, "existingPath");
  const b = getValidatedPath(newPath, "newPath");
  linkCore(a, b);
}

/** fs.link(existingPath, newPath, callback(err)). */
export function link(existingPath: unknown, newPath: unknown, callback?: unknown): void {
  validateFunction(callback, "cb");
  const a = getValidatedPath(existingPath, "existingPath");
  const b = getValidatedPath(newPath, "newPath");
  complete(callback as Callback, () => linkCore(a, b));
}

/** fs.symlinkSync(target, path[, type]). */
export function symlinkSync(target: unknown, path: unknown, type?: unknown): void {
  const t = getValidatedPath(target, "target");
  const p = getValidatedPath(path);
  checkSymlinkType(typeof type === "string" ? type : null);
  symlinkCore(t, p);
}

/** fs.symlink(target, path[, type], callback(err)): the callback is the last argument, as in Node. */
export function symlink(target: unknown, path: unknown, type?: unknown, ..._callback: unknown[]): void {
  const cb = arguments[arguments.length - 1] as unknown;
  validateFunction(cb, "cb");
  const t = getValidatedPath(target, "target");
  const p = getValidatedPath(path);
  checkSymlinkType(typeof type === "string" ? type : null);
  complete(cb as Callback, () => symlinkCore(t, p));
}

/** fs.readlinkSync(path[, options]) → the target (a Buffer with encoding 'buffer'). */
export function readlinkSync(path: unknown, options?: unknown): string | Uint8Array {
  const o = getOptions(options);
  return readlinkCore(getValidatedPath(path, "oldPath"), o.encoding);
}

/** fs.readlink(path[, options], callback(err, target)). */
export function readlink(path: unknown, options?: unknown, callback?: unknown): void {
  const cb = (typeof options === "function" ? options : callback) as Callback<string | Uint8Array>;
  validateFunction(cb, "cb");
  const o = getOptions(options);
  const p = getValidatedPath(path, "oldPath");
  complete(cb, () => readlinkCore(p, o.encoding));
}

/** fs.unlinkSync(path): EISDIR for directories. */
export function unlinkSync(path: unknown): void {
  unlinkCore(getValidatedPath(path));
}

/** fs.unlink(path, callback(err)). */
export function unlink(path: unknown, callback?: unknown): void {
  validateFunction(callback, "cb");
  const p = getValidatedPath(path);
  complete(callback as Callback, () => unlinkCore(p));
}

// ---- realpath ----

function encodeRealpath(result: string, encoding: unknown): string | Uint8Array {
  return !encoding || encoding === "utf8" ? result : encodeName(result, encoding);
}

/** Node's JavaScript realpath over an absolute path. */
export function realpathJs(start: string): string {
  let p = absolute(start);
  const seenLinks = new Map<string, string>();
  const knownHard = new Set<string>();
  let current = "/", base = "/", pos = 1;
  while (pos < p.length) {
    const slash = p.indexOf("/", pos);
    const previous = current;
    if (slash === -1) {
      const last = p.slice(pos);
      current += last;
      base = previous + last;
      pos = p.length;
    } else {
      current += p.slice(pos, slash + 1);
      base = previous + p.slice(pos, slash);
      pos = slash + 1;
    }
    if (knownHard.has(base)) continue;
    const here = base;
    const st = sys("lstat", here, undefined, (v) => v.stat(here, false));
    if ((st.mode & S_IFMT) !== S_IFLNK) {
      knownHard.add(here);
      continue;
    }
    const id = `${st.dev.toString(32)}:${st.ino.toString(32)}`;
    let target = seenLinks.get(id);
    if (target === undefined) {
      sys("stat", here, undefined, (v) => v.stat(here, true));
      target = sys("readlink", here, undefined, (v) => v.readlink(here));
    }
    seenLinks.set(id, target);
    p = resolve(resolve(previous, target), p.slice(pos));
    current = base = "/";
    pos = 1;
  }
  return p;
}

/** The argument as Node's JS realpath takes it: a URL's path, anything else stringified, checked for NUL. */
function realpathArg(p: unknown): string {
  let path = toPathIfFileURL(p);
  if (typeof path !== "string") path = pathString(path instanceof Uint8Array ? path : String(path));
  validatePath(path);
  return path as string;
}

/** fs.realpathSync(path[, options]) → the path without symlinks, "." or "..". */
export function realpathSync(path: unknown, options?: unknown): string | Uint8Array {
  const o = getOptions(options);
  return encodeRealpath(realpathJs(realpathArg(path)), o.encoding);
}

/** fs.realpathSync.native(path[, options]): the VFS's realpath (syscall "realpath"). */
realpathSync.native = function native(path: unknown, options?: unknown): string | Uint8Array {
  const o = getOptions(options);
  const p = getValidatedPath(path);
  return encodeName(sys("realpath", p, undefined, (v) => v.realpath(pathString(p))), o.encoding);
};

/** fs.realpath(path[, options], callback(err, resolved)). */
export function realpath(path: unknown, options?: unknown, callback?: unknown): void {
  if (typeof options === "function") callback = options;
  else validateFunction(callback, "cb");
  const o = getOptions(options);
  const p = realpathArg(path);
  complete(callback as Callback<string | Uint8Array>, () => encodeRealpath(realpathJs(p), o.encoding));
}

/** fs.realpath.native(path[, options], callback(err, resolved)). */
realpath.native = function native(path: unknown, options?: unknown, callback?: unknown): void {
  const cb = (callback || options) as Callback<string | Uint8Array>;
  validateFunction(cb, "cb");
  const o = getOptions(options);
  const p = getValidatedPath(path);
  complete(cb, () => encodeName(sys("realpath", p, undefined, (v) => v.realpath(pathString(p))), o.encoding));
};
