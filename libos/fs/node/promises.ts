// libos/fs/node/promises.ts — `node:fs/promises` (and fs.promises) as Node 20 has it: every function is async
// (argument errors reject), settles in the poll phase after the VFS did the work, and takes the same arguments as
// Node's; open() gives a FileHandle. realpath is the native one, as in Node; lchmod rejects (Linux has none);
// watch throws ERR_FEATURE_UNAVAILABLE_ON_PLATFORM (see watch.ts).
// Layer: libos. Depends on the call files of this folder.

import { join, relative } from "../../path/index.ts";
import { F_OK, O_RDWR } from "../vfs/flags.ts";
import { ftruncateCore, setattrCore, toTimespec } from "./attr_calls.ts";
import { constants } from "./constants.ts";
import { copyFileCore } from "./copy_file.ts";
import { cpAsyncCore, validateCpOptions } from "./cp.ts";
import { opendir as opendirCallback } from "./dir.ts";
import { mkdirCore, mkdirpCore, mkdtempCore, readdirCore } from "./dir_calls.ts";
import type { Dirent } from "./dirent.ts";
import { checkAborted, settle, sys, type SignalLike } from "./dispatch.ts";
import { encodeName } from "./encoding.ts";
import { codedError, invalidArgType } from "./errors.ts";
import { FileHandle, flushOption, isCustomIterable, readFileHandle, writeFileHandle } from "./file_handle.ts";
import { checkSymlinkType, linkCore, readlinkCore, renameCore, symlinkCore, unlinkCore } from "./link_calls.ts";
import { openCore } from "./open_close.ts";
import { rimrafSync, validateRmdirOptions, validateRmOptions, type RmOptions } from "./rm.ts";
import { accessCore, statCore, statfsCore } from "./stat_calls.ts";
import type { NodeStats, StatFs } from "./stats.ts";
import {
  getOptions, getValidatedPath, getValidMode, isArrayBufferView, parseFileMode, pathString, stringToFlags,
  toUnixTimestamp, validateAbortSignal, validateBoolean, validateInteger, validateStringAfterArrayBufferView,
  type PathLike,
} from "./validate.ts";
import { watchPromises } from "./watch.ts";
import { encodeString } from "./encoding.ts";

export { constants, FileHandle };

/** Node's handleFdClose: the operation's result after closing; its error wins over the close's. */
async function withClose<T>(op: Promise<T>, handle: FileHandle): Promise<T> {
  let result: T;
  try {
    result = await op;
  } catch (opError) {
    try {
      await handle.close();
    } catch (closeError) {
      throw aggregate(closeError, opError);
    }
    throw opError;
  }
  await handle.close();
  return result;
}

/** Node's aggregateTwoErrors (the inner error first). */
function aggregate(inner: unknown, outer: unknown): unknown {
  if (inner && outer && inner !== outer) {
    const AE = (globalThis as { AggregateError?: new (errors: unknown[], message: string) => Error }).AggregateError;
    if (!AE) return outer;
    const err = new AE([outer, inner], (outer as Error).message) as Error & { code?: unknown };
    err.code = (outer as { code?: unknown }).code;
    return err;
  }
  return inner || outer;
}

export async function access(path: unknown, mode: unknown = F_OK): Promise<void> {
  const p = getValidatedPath(path);
  const m = getValidMode(mode, F_OK);
  return settle(() => accessCore(p, m));
}

export async function copyFile(src: unknown, dest: unknown, mode?: unknown): Promise<void> {
  const s = getValidatedPath(src, "src");
  const d = getValidatedPath(dest, "dest");
  const m = getValidMode(mode, 0);
  return settle(() => copyFileCore(s, d, m));
}

export async function cp(src: unknown, dest: unknown, options?: unknown): Promise<void> {
  const o = validateCpOptions(options);
  const s = pathString(getValidatedPath(src, "src"));
  const d = pathString(getValidatedPath(dest, "dest"));
  return cpAsyncCore(s, d, o);
}

/** open(path[, flags[, mode]]) → FileHandle. */
export async function open(path: unknown, flags?: unknown, mode?: unknown): Promise<FileHandle> {
  const p = getValidatedPath(path);
  const f = stringToFlags(flags);
  const m = parseFileMode(mode, "mode", 0o666);
  return new FileHandle(await settle(() => openCore(p, f, m)));
}

/** opendir(path[, options]) → Dir. */
export function opendir(path: unknown, options?: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    opendirCallback(path, options, (err: Error | null, dir: unknown) => (err ? reject(err) : resolve(dir)));
  });
}

export async function rename(oldPath: unknown, newPath: unknown): Promise<void> {
  const a = getValidatedPath(oldPath, "oldPath");
  const b = getValidatedPath(newPath, "newPath");
  return settle(() => renameCore(a, b));
}

export async function truncate(path: unknown, len: unknown = 0): Promise<void> {
  const handle = await open(path, O_RDWR);
  return withClose((async () => {
    validateInteger(len, "len");
    const l = Math.max(0, len);
    return settle(() => ftruncateCore(handle.fd, l));
  })(), handle);
}

export async function rm(path: unknown, options?: unknown): Promise<void> {
  const p = getValidatedPath(path);
  const o = await settle(() => validateRmOptions(p, options, false, true) as RmOptions);
  return settle(() => rimrafSync(pathString(p), o));
}

export async function rmdir(path: unknown, options?: unknown): Promise<void> {
  const p = getValidatedPath(path);
  const o = validateRmdirOptions(options);
  if (o.recursive) {
    globalThis.process?.emitWarning?.("In future versions of Node.js, fs.rmdir(path, { recursive: true }) will be removed. Use fs.rm(path, { recursive: true }) instead",
      "DeprecationWarning", "DEP0147");
    const st = await stat(p);
    if (st.isDirectory()) return settle(() => rimrafSync(pathString(p), o));
  }
  return settle(() => sys("rmdir", p, undefined, (v) => v.rmdir(pathString(p))));
}

export async function mkdir(path: unknown, options?: unknown): Promise<string | undefined> {
  if (typeof options === "number" || typeof options === "string") options = { mode: options };
  const { recursive = false, mode = 0o777 } = (options || {}) as { recursive?: unknown; mode?: unknown };
  const p = getValidatedPath(path);
  validateBoolean(recursive, "options.recursive");
  const m = parseFileMode(mode, "mode", 0o777);
  return settle(() => {
    if (recursive) return mkdirpCore(p, m, true);
    mkdirCore(p, m);
    return undefined;
  });
}

/** Node 20's recursive readdir of the promise form: depth-first from the end of each listing. */
async function readdirRecursive(base: PathLike, o: { encoding?: unknown; withFileTypes?: unknown }): Promise<(string | Dirent)[]> {
  const result: (string | Dirent)[] = [];
  const withTypes = !!o.withFileTypes;
  const queue: [PathLike, (string | Uint8Array | Dirent)[]][] = [[base, await settle(() => readdirCore(base, o.encoding, withTypes))]];
  const joined = (dir: PathLike, name: string | Uint8Array): string => {
    if (typeof name !== "string") throw invalidArgType("path", "string", name);
    return join(pathString(dir), name);
  };
  while (queue.length > 0) {
    const [path, entries] = queue.pop()!;
    for (const entry of entries) {
      if (withTypes) {
        const dirent = entry as Dirent;
        result.push(dirent);
        if (dirent.isDirectory()) {
          const sub = joined(path, dirent.name);
          queue.push([sub, await settle(() => readdirCore(sub, o.encoding, true))]);
        }
      } else {
        const sub = joined(path, entry as string | Uint8Array);
        let isDir = false;
        try {
          isDir = statCore(sub, true, false).isDirectory();
        } catch {
          // Node's internalModuleStat: anything unreadable counts as not a directory
        }
        result.push(relative(pathString(base), sub));
        if (isDir) queue.push([sub, await settle(() => readdirCore(sub, o.encoding, false))]);
      }
    }
  }
  return result;
}

export async function readdir(path: unknown, options?: unknown): Promise<unknown[]> {
  const o = { ...getOptions(options) } as { encoding?: unknown; withFileTypes?: unknown; recursive?: unknown };
  const p = getValidatedPath(path);
  if (o.recursive) return readdirRecursive(p, o);
  return settle(() => readdirCore(p, o.encoding, !!o.withFileTypes));
}

export async function readlink(path: unknown, options?: unknown): Promise<string | Uint8Array> {
  const o = getOptions(options);
  const p = getValidatedPath(path, "oldPath");
  return settle(() => readlinkCore(p, o.encoding));
}

export async function symlink(target: unknown, path: unknown, type?: unknown): Promise<void> {
  const t = getValidatedPath(target, "target");
  const p = getValidatedPath(path);
  checkSymlinkType(typeof type === "string" ? type : null);
  return settle(() => symlinkCore(t, p));
}

export async function lstat(path: unknown, options: { bigint?: boolean } = { bigint: false }): Promise<NodeStats> {
  const p = getValidatedPath(path);
  return settle(() => statCore(p, false, !!options.bigint));
}

export async function stat(path: unknown, options: { bigint?: boolean } = { bigint: false }): Promise<NodeStats> {
  const p = getValidatedPath(path);
  return settle(() => statCore(p, true, !!options.bigint));
}

export async function statfs(path: unknown, options: { bigint?: boolean } = { bigint: false }): Promise<StatFs> {
  const p = getValidatedPath(path);
  return settle(() => statfsCore(p, !!options.bigint));
}

export async function link(existingPath: unknown, newPath: unknown): Promise<void> {
  const a = getValidatedPath(existingPath, "existingPath");
  const b = getValidatedPath(newPath, "newPath");
  return settle(() => linkCore(a, b));
}

export async function unlink(path: unknown): Promise<void> {
  const p = getValidatedPath(path);
  return settle(() => unlinkCore(p));
}

export async function chmod(path: unknown, mode: unknown): Promise<void> {
  const p = getValidatedPath(path);
  const m = parseFileMode(mode, "mode");
  return settle(() => setattrCore("chmod", p, { mode: m }));
}

/** Linux has no lchmod (Node's rejects the same way there). */
export async function lchmod(_path: unknown, _mode: unknown): Promise<void> {
  throw codedError(Error, "ERR_METHOD_NOT_IMPLEMENTED", "The lchmod() method is not implemented");
}

function ids(uid: unknown, gid: unknown): { uid: number; gid: number } {
  validateInteger(uid, "uid", -1, 2 ** 32 - 1);
  validateInteger(gid, "gid", -1, 2 ** 32 - 1);
  return { uid, gid };
}

export async function lchown(path: unknown, uid: unknown, gid: unknown): Promise<void> {
  const p = getValidatedPath(path);
  const c = ids(uid, gid);
  return settle(() => setattrCore("lchown", p, c, false));
}

export async function chown(path: unknown, uid: unknown, gid: unknown): Promise<void> {
  const p = getValidatedPath(path);
  const c = ids(uid, gid);
  return settle(() => setattrCore("chown", p, c));
}

export async function utimes(path: unknown, atime: unknown, mtime: unknown): Promise<void> {
  const p = getValidatedPath(path);
  const t = { atime: toTimespec(toUnixTimestamp(atime)), mtime: toTimespec(toUnixTimestamp(mtime)) };
  return settle(() => setattrCore("utime", p, t));
}

export async function lutimes(path: unknown, atime: unknown, mtime: unknown): Promise<void> {
  const p = getValidatedPath(path);
  const t = { atime: toTimespec(toUnixTimestamp(atime)), mtime: toTimespec(toUnixTimestamp(mtime)) };
  return settle(() => setattrCore("lutime", p, t, false));
}

/** The kernel's realpath (Node's promises.realpath is the native one). */
export async function realpath(path: unknown, options?: unknown): Promise<string | Uint8Array> {
  const o = getOptions(options);
  const p = getValidatedPath(path);
  return settle(() => encodeName(sys("realpath", p, undefined, (v) => v.realpath(pathString(p))), o.encoding));
}

export async function mkdtemp(prefix: unknown, options?: unknown): Promise<string | Uint8Array> {
  const o = getOptions(options);
  const p = getValidatedPath(prefix, "prefix");
  return settle(() => mkdtempCore(p, o.encoding, true));
}

interface FileOptions {
  encoding?: unknown;
  mode?: unknown;
  flag?: unknown;
  flush?: unknown;
  signal?: unknown;
}

/** writeFile(path | FileHandle, data (bytes, string, or an iterable of them)[, options]). */
export async function writeFile(path: unknown, data: unknown, options?: unknown): Promise<void> {
  const o = getOptions(options, { encoding: "utf8", mode: 0o666, flag: "w", flush: false }) as FileOptions;
  const flag = o.flag || "w";
  const flush = flushOption(o);
  if (!isArrayBufferView(data) && !isCustomIterable(data)) {
    validateStringAfterArrayBufferView(data, "data");
    data = encodeString(data, o.encoding || "utf8");
  }
  validateAbortSignal(o.signal, "options.signal");
  if (path instanceof FileHandle) return writeFileHandle(path, data, o);
  checkAborted(o.signal as SignalLike | undefined);
  const handle = await open(path, flag, o.mode);
  let op = writeFileHandle(handle, data, o);
  if (flush) op = op.then(() => handle.sync());
  return withClose(op, handle);
}

export async function appendFile(path: unknown, data: unknown, options?: unknown): Promise<void> {
  const o = { ...getOptions(options, { encoding: "utf8", mode: 0o666, flag: "a" }) } as FileOptions;
  o.flag = o.flag || "a";
  return writeFile(path, data, o);
}

/** readFile(path | FileHandle[, options]) → Buffer or string. */
export async function readFile(path: unknown, options?: unknown): Promise<unknown> {
  const o = getOptions(options, { flag: "r" }) as FileOptions;
  const flag = o.flag || "r";
  if (path instanceof FileHandle) return readFileHandle(path, o);
  checkAborted(o.signal as SignalLike | undefined);
  const handle = await open(path, flag, 0o666);
  return withClose(readFileHandle(handle, o), handle);
}

/** Throws ERR_FEATURE_UNAVAILABLE_ON_PLATFORM (see watch.ts). */
export const watch = watchPromises;

export default {
  access, copyFile, cp, open, opendir, rename, truncate, rm, rmdir, mkdir, readdir, readlink, symlink, lstat, stat,
  statfs, link, unlink, chmod, lchmod, lchown, chown, utimes, lutimes, realpath, mkdtemp, writeFile, appendFile,
  readFile, watch, constants,
};
