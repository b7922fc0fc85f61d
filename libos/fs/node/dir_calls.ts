// libos/fs/node/dir_calls.ts — fs.mkdir (recursive: Node's mkdirp, returning the first directory it created, as
// a prefix of the path as written), fs.mkdtemp (6 random characters, mode 0700), fs.readdir (names in an
// encoding, Dirents with withFileTypes, recursive as Node 20 walks it: the sync and callback forms breadth-first
// and through symlinked directories when listing names, the promise form depth-first from the end).
// Layer: libos. Depends on dispatch.ts, dirent.ts, encoding.ts, errors.ts, validate.ts, libos/path, kernel/entropy.

import { entropyPool } from "../../../kernel/entropy.ts";
import { platformOrNull } from "../../../kernel/platform.ts";
import { join, relative } from "../../path/index.ts";
import { S_IFDIR, S_IFMT } from "../types.ts";
import { vfs } from "../vfs/index.ts";
import { complete, sys, type Callback } from "./dispatch.ts";
import { Dirent, direntType } from "./dirent.ts";
import { encodeName } from "./encoding.ts";
import { invalidArgType, uvException } from "./errors.ts";
import {
  getOptions, getValidatedPath, parseFileMode, pathString, validateBoolean, validateFunction, type PathLike,
} from "./validate.ts";

// ---- mkdir ----

export function mkdirCore(path: PathLike, mode: number): void {
  sys("mkdir", path, undefined, (v) => v.mkdir(pathString(path), mode));
}

/**
 * mkdir -p as Node's MKDirp: returns the first directory created (undefined when none was), errors name the whole
 * path. `async` picks the callback/promise variant, which reports ENOTDIR where a parent cannot be stat'ed.
 */
export function mkdirpCore(path: PathLike, mode: number, async = false): string | undefined {
  const stack = [pathString(path)];
  let first: string | undefined;
  const fail = (code: string): never => {
    throw uvException(code, "mkdir", path);
  };
  while (stack.length > 0) {
    const next = stack.pop()!;
    let code = tryCode(() => mkdirCore(next, mode));
    for (;;) {
      if (code === "") {
        first ??= next;
        break;
      }
      if (code === "EACCES" || code === "ENOSPC" || code === "ENOTDIR" || code === "EPERM") fail(code);
      if (code === "ENOENT") {
        const slash = next.lastIndexOf("/");
        const dirname = slash < 0 ? next : next.slice(0, slash);
        if (dirname !== next) stack.push(next, dirname);
        else if (stack.length === 0) {
          code = "EEXIST";
          continue;
        }
        break;
      }
      let isDir = false;
      const statCode = tryCode(() => { isDir = (vfs().stat(next, true).mode & S_IFMT) === S_IFDIR; });
      if (async && code === "EEXIST" && stack.length > 0) {
        if (statCode === "" && isDir) break;
        fail("ENOTDIR");
      }
      if (statCode === "" && !isDir) fail(code === "EEXIST" && stack.length > 0 ? "ENOTDIR" : "EEXIST");
      if (statCode !== "") fail(statCode);
      break;
    }
  }
  return first;
}

function tryCode(fn: () => void): string {
  try {
    fn();
    return "";
  } catch (e) {
    return (e as { code?: string }).code ?? "EIO";
  }
}

interface MkdirArgs {
  path: PathLike;
  mode: number;
  recursive: boolean;
}

function mkdirArgs(path: unknown, options: unknown): MkdirArgs {
  let mode: unknown = 0o777;
  let recursive: unknown = false;
  if (typeof options === "number" || typeof options === "string") mode = options;
  else if (options && typeof options === "object") {
    const o = options as { recursive?: unknown; mode?: unknown };
    if (o.recursive !== undefined) recursive = o.recursive;
    if (o.mode !== undefined) mode = o.mode;
  }
  const p = getValidatedPath(path);
  validateBoolean(recursive, "options.recursive");
  return { path: p, mode: parseFileMode(mode, "mode"), recursive };
}

/** fs.mkdirSync(path[, mode | { recursive, mode }]) → with recursive, the first directory created. */
export function mkdirSync(path: unknown, options?: unknown): string | undefined {
  const a = mkdirArgs(path, options);
  if (a.recursive) return mkdirpCore(a.path, a.mode);
  mkdirCore(a.path, a.mode);
  return undefined;
}

/** fs.mkdir(path[, options], callback(err[, firstCreated])). */
export function mkdir(path: unknown, options?: unknown, callback?: unknown): void {
  if (typeof options === "function") {
    callback = options;
    options = undefined;
  }
  validateFunction(callback, "cb");
  const a = mkdirArgs(path, options);
  complete(callback as Callback<string | undefined>, () => {
    if (a.recursive) return mkdirpCore(a.path, a.mode, true);
    mkdirCore(a.path, a.mode);
    return undefined;
  });
}

// ---- mkdtemp ----

const TEMP_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
let warnedTemplate = false;

function randomSuffix(): string {
  const bytes = new Uint8Array(6);
  if (platformOrNull()) entropyPool().fill(bytes);
  else for (let i = 0; i < 6; i++) bytes[i] = Math.floor(Math.random() * 256);
  let s = "";
  for (const b of bytes) s += TEMP_CHARS[b % TEMP_CHARS.length];
  return s;
}

/**
 * Creates prefix + 6 random characters with mode 0700 (retrying on EEXIST, as libc's mkdtemp). Errors name the
 * template ("prefixXXXXXX"), or with `async` the name tried (libuv's asynchronous request fills in its template).
 */
export function mkdtempCore(prefix: PathLike, encoding: unknown, async = false): string | Uint8Array {
  const base = pathString(prefix);
  if (!warnedTemplate && base.endsWith("X")) {
    warnedTemplate = true;
    globalThis.process?.emitWarning?.("mkdtemp() templates ending with X are not portable. For details see: https://nodejs.org/api/fs.html");
  }
  for (let attempt = 0; ; attempt++) {
    const path = base + randomSuffix();
    try {
      sys("mkdtemp", async ? path : `${base}XXXXXX`, undefined, (v) => v.mkdir(path, 0o700));
      return encodeName(path, encoding);
    } catch (e) {
      if ((e as { code?: string }).code !== "EEXIST" || attempt >= 100) throw e;
    }
  }
}

/** fs.mkdtempSync(prefix[, options]) → the new directory's path. */
export function mkdtempSync(prefix: unknown, options?: unknown): string | Uint8Array {
  const o = getOptions(options);
  return mkdtempCore(getValidatedPath(prefix, "prefix"), o.encoding);
}

/** fs.mkdtemp(prefix[, options], callback(err, path)). */
export function mkdtemp(prefix: unknown, options?: unknown, callback?: unknown): void {
  callback = typeof options === "function" ? options : callback;
  validateFunction(callback, "cb");
  const o = getOptions(options);
  const p = getValidatedPath(prefix, "prefix");
  complete(callback as Callback<string | Uint8Array>, () => mkdtempCore(p, o.encoding, true));
}

// ---- readdir ----

interface ReaddirOptions {
  encoding?: unknown;
  withFileTypes?: unknown;
  recursive?: unknown;
}

/** One directory's entries: names in the encoding, or Dirents whose path is `path` as given. */
export function readdirCore(path: PathLike, encoding: unknown, withFileTypes: boolean): (string | Uint8Array | Dirent)[] {
  const entries = sys("scandir", path, undefined, (v) => v.readdir(pathString(path)));
  if (!withFileTypes) return entries.map((e) => encodeName(e.name, encoding));
  return entries.map((e) => new Dirent(encodeName(e.name, encoding), direntType(e.type), path));
}

/** Node's path.join of a directory and a name that may be a Buffer (which path.join refuses). */
function joinName(dir: PathLike, name: string | Uint8Array): string {
  if (typeof name !== "string") throw invalidArgType("path", "string", name);
  return join(pathString(dir), name);
}

const isDirPath = (p: string): boolean => {
  try {
    return (sys("stat", p, undefined, (v) => v.stat(p, true)).mode & S_IFMT) === S_IFDIR;
  } catch {
    return false;
  }
};

/** Recursive readdir as Node 20's sync and callback forms walk (breadth-first, in the order read). */
export function readdirRecursiveSync(base: PathLike, o: ReaddirOptions): (string | Dirent)[] {
  const withFileTypes = Boolean(o.withFileTypes);
  const results: (string | Dirent)[] = [];
  const queue: PathLike[] = [base];
  for (let i = 0; i < queue.length; i++) {
    const dir = queue[i];
    const entries = readdirCore(dir, o.encoding, withFileTypes);
    for (const entry of entries) {
      if (entry instanceof Dirent) {
        results.push(entry);
        if (entry.isDirectory()) queue.push(joinName(entry.parentPath, entry.name));
      } else {
        const full = joinName(dir, entry);
        results.push(relative(pathString(base), full));
        if (isDirPath(full)) queue.push(full);
      }
    }
  }
  return results;
}

function readdirOptions(options: unknown): ReaddirOptions {
  const o = getOptions(options) as ReaddirOptions;
  return o;
}

/** fs.readdirSync(path[, options | encoding]) → names (or Dirents with withFileTypes). */
export function readdirSync(path: unknown, options?: unknown): (string | Uint8Array | Dirent)[] {
  const o = readdirOptions(options);
  const p = getValidatedPath(path);
  if (o.recursive !== undefined && o.recursive !== null) validateBoolean(o.recursive, "options.recursive");
  if (o.recursive) return readdirRecursiveSync(p, o);
  return readdirCore(p, o.encoding, !!o.withFileTypes);
}

/**
 * fs.readdir(path[, options], callback(err, entries)). With recursive, Node 20 lists synchronously and calls the
 * callback before returning (errors are thrown): so does this.
 */
export function readdir(path: unknown, options?: unknown, callback?: unknown): void {
  const cb = (typeof options === "function" ? options : callback) as Callback<unknown[]>;
  validateFunction(cb, "cb");
  const o = readdirOptions(options);
  const p = getValidatedPath(path);
  if (o.recursive !== undefined && o.recursive !== null) validateBoolean(o.recursive, "options.recursive");
  if (o.recursive) {
    cb(null, readdirRecursiveSync(p, o));
    return;
  }
  complete(cb, () => readdirCore(p, o.encoding, !!o.withFileTypes));
}
