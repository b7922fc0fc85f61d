// libos/fs/node/cp.ts — fs.cp/cpSync/promises.cp as Node 20 copies trees: the same checks in the same order
// (src and dest the same, a directory over a non-directory and the reverse, copying into its own subtree, through
// parent directories), `filter` (the sync form refuses a promise: ERR_INVALID_RETURN_VALUE), `force`,
// `errorOnExist`, `dereference`, `preserveTimestamps`, `verbatimSymlinks`, `mode` (copyFile's flags). The walk is
// one generator: it yields each filter result, which the sync driver uses at once and the async one awaits.
// Layer: libos. Depends on the call files of this folder, errors.ts, validate.ts, libos/path.

import { dirname, isAbsolute, join, parse, resolve } from "../../path/index.ts";
import { copyFileCore } from "./copy_file.ts";
import { mkdirCore, mkdirpCore, readdirCore } from "./dir_calls.ts";
import { settle, type Callback } from "./dispatch.ts";
import { errnoOf, incompatibleOptionPair, invalidReturnValue, nodeSystemError } from "./errors.ts";
import { setattrCore, toTimespec } from "./attr_calls.ts";
import { absolute, readlinkCore, symlinkCore, unlinkCore } from "./link_calls.ts";
import { statCore } from "./stat_calls.ts";
import type { NodeStats } from "./stats.ts";
import {
  getValidatedPath, pathString, validateBoolean, validateFunction, validateInteger, validateObject,
} from "./validate.ts";

export interface CpOptions {
  dereference: boolean;
  errorOnExist: boolean;
  filter?: (src: string, dest: string) => unknown;
  force: boolean;
  preserveTimestamps: boolean;
  recursive: boolean;
  verbatimSymlinks: boolean;
  mode: number;
}

const defaults = {
  dereference: false, errorOnExist: false, filter: undefined, force: true, preserveTimestamps: false, recursive: false,
  verbatimSymlinks: false,
};

/** Node's validateCpOptions. */
export function validateCpOptions(options: unknown): CpOptions {
  if (options === undefined) return { ...defaults, mode: 0 };
  validateObject(options, "options");
  const o = { ...defaults, ...(options as object) } as CpOptions & { mode?: unknown };
  validateBoolean(o.dereference, "options.dereference");
  validateBoolean(o.errorOnExist, "options.errorOnExist");
  validateBoolean(o.force, "options.force");
  validateBoolean(o.preserveTimestamps, "options.preserveTimestamps");
  validateBoolean(o.recursive, "options.recursive");
  validateBoolean(o.verbatimSymlinks, "options.verbatimSymlinks");
  if (o.mode === null || o.mode === undefined) o.mode = 0;
  else validateInteger(o.mode, "mode", 0, 7);
  if (o.dereference && o.verbatimSymlinks) throw incompatibleOptionPair("dereference", "verbatimSymlinks");
  if (o.filter !== undefined) validateFunction(o.filter, "options.filter");
  return o as CpOptions;
}

type Walk<T> = Generator<unknown, T, unknown>;

interface Copy {
  opts: CpOptions;
  async: boolean;
}

const cpError = (key: string, prefix: string, code: string, message: string, path: string, errno = code) =>
  nodeSystemError(key, prefix, { message, path, syscall: "cp", errno: errnoOf(errno), code });

const stat = (p: string, c: Copy): NodeStats => statCore(p, c.opts.dereference, true);
const statOrNull = (p: string, c: Copy): NodeStats | null => {
  try {
    return stat(p, c);
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") return null;
    throw e;
  }
};
const areIdentical = (a: NodeStats, b: NodeStats): boolean => Boolean(b.ino && b.dev && b.ino === a.ino && b.dev === a.dev);
const parts = (p: string): string[] => absolute(p).split("/").filter(Boolean);
function isSrcSubdir(src: string, dest: string): boolean {
  const d = parts(dest);
  return parts(src).every((cur, i) => d[i] === cur);
}

function* checkPaths(src: string, dest: string, c: Copy): Walk<{ skipped: boolean; srcStat?: NodeStats; destStat?: NodeStats | null }> {
  if (c.opts.filter) {
    const ok = yield c.opts.filter(src, dest);
    if (!ok) return { skipped: true };
  }
  const srcStat = stat(src, c);
  const destStat = statOrNull(dest, c);
  if (destStat) {
    if (areIdentical(srcStat, destStat)) {
      throw cpError("ERR_FS_CP_EINVAL", "Invalid src or dest", "EINVAL", "src and dest cannot be the same", dest);
    }
    if (srcStat.isDirectory() && !destStat.isDirectory()) {
      throw cpError("ERR_FS_CP_DIR_TO_NON_DIR", "Cannot overwrite non-directory with directory", "EISDIR",
        `cannot overwrite non-directory ${dest} with directory ${src}`, dest);
    }
    if (!srcStat.isDirectory() && destStat.isDirectory()) {
      throw cpError("ERR_FS_CP_NON_DIR_TO_DIR", "Cannot overwrite directory with non-directory", "ENOTDIR",
        `cannot overwrite directory ${dest} with non-directory ${src}`, dest);
    }
  }
  if (srcStat.isDirectory() && isSrcSubdir(src, dest)) {
    throw cpError("ERR_FS_CP_EINVAL", "Invalid src or dest", "EINVAL", `cannot copy ${src} to a subdirectory of self ${dest}`, dest);
  }
  return { skipped: false, srcStat, destStat };
}

function checkParentPaths(src: string, srcStat: NodeStats, dest: string): void {
  const srcParent = absolute(dirname(src));
  const destParent = absolute(dirname(dest));
  if (destParent === srcParent || destParent === parse(destParent).root) return;
  let destStat: NodeStats;
  try {
    destStat = statCore(destParent, true, true);
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") return;
    throw e;
  }
  if (areIdentical(srcStat, destStat)) {
    throw cpError("ERR_FS_CP_EINVAL", "Invalid src or dest", "EINVAL", `cannot copy ${src} to a subdirectory of self ${dest}`, dest);
  }
  checkParentPaths(src, srcStat, destParent);
}

function* copyEntry(destStat: NodeStats | null | undefined, src: string, dest: string, c: Copy): Walk<void> {
  const srcStat = statCore(src, c.opts.dereference, false);
  if (srcStat.isDirectory() && c.opts.recursive) {
    if (!destStat) {
      mkdirCore(dest, 0o777);
      yield* copyDir(src, dest, c);
      setattrCore("chmod", dest, { mode: srcStat.mode });
    } else {
      yield* copyDir(src, dest, c);
    }
  } else if (srcStat.isDirectory()) {
    throw cpError("ERR_FS_EISDIR", "Path is a directory", "EISDIR", `${src} is a directory (not copied)`, src, c.async ? "EISDIR" : "EINVAL");
  } else if (srcStat.isFile() || srcStat.isCharacterDevice() || srcStat.isBlockDevice()) {
    if (!destStat) copyOne(srcStat, src, dest, c);
    else if (c.opts.force) {
      unlinkCore(dest);
      copyOne(srcStat, src, dest, c);
    } else if (c.opts.errorOnExist) {
      throw cpError("ERR_FS_CP_EEXIST", "Target already exists", "EEXIST", `${dest} already exists`, dest);
    }
  } else if (srcStat.isSymbolicLink()) {
    copyLink(destStat, src, dest, c);
  } else if (srcStat.isSocket()) {
    throw cpError("ERR_FS_CP_SOCKET", "Cannot copy a socket file", "EINVAL", `cannot copy a socket file: ${dest}`, dest);
  } else if (srcStat.isFIFO()) {
    throw cpError("ERR_FS_CP_FIFO_PIPE", "Cannot copy a FIFO pipe", "EINVAL", `cannot copy a FIFO pipe: ${dest}`, dest);
  } else {
    throw cpError("ERR_FS_CP_UNKNOWN", "Cannot copy an unknown file type", "EINVAL", `cannot copy an unknown file type: ${dest}`, dest);
  }
}

function copyOne(srcStat: NodeStats, src: string, dest: string, c: Copy): void {
  copyFileCore(src, dest, c.opts.mode);
  if (c.opts.preserveTimestamps) {
    if ((srcStat.mode & 0o200) === 0) setattrCore("chmod", dest, { mode: srcStat.mode | 0o200 });
    const now = statCore(src, true, false);
    setattrCore("utime", dest, { atime: toTimespec(now.atime.getTime() / 1000), mtime: toTimespec(now.mtime.getTime() / 1000) });
  }
  setattrCore("chmod", dest, { mode: srcStat.mode });
}

function* copyDir(src: string, dest: string, c: Copy): Walk<void> {
  for (const name of readdirCore(src, "utf8", false) as string[]) {
    const srcItem = join(src, name);
    const destItem = join(dest, name);
    const r = yield* checkPaths(srcItem, destItem, c);
    if (!r.skipped) yield* copyEntry(r.destStat, srcItem, destItem, c);
  }
}

function copyLink(destStat: NodeStats | null | undefined, src: string, dest: string, c: Copy): void {
  let resolvedSrc = readlinkCore(src, "utf8") as string;
  if (!c.opts.verbatimSymlinks && !isAbsolute(resolvedSrc)) resolvedSrc = resolve(absolute(dirname(src)), resolvedSrc);
  if (!destStat) {
    symlinkCore(resolvedSrc, dest);
    return;
  }
  let resolvedDest: string;
  try {
    resolvedDest = readlinkCore(dest, "utf8") as string;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "EINVAL" || code === "UNKNOWN") {
      symlinkCore(resolvedSrc, dest);
      return;
    }
    throw e;
  }
  if (!isAbsolute(resolvedDest)) resolvedDest = resolve(absolute(dirname(dest)), resolvedDest);
  if (isSrcSubdir(resolvedSrc, resolvedDest)) {
    throw cpError("ERR_FS_CP_EINVAL", "Invalid src or dest", "EINVAL",
      `cannot copy ${resolvedSrc} to a subdirectory of self ${resolvedDest}`, dest);
  }
  if (statCore(dest, true, false).isDirectory() && isSrcSubdir(resolvedDest, resolvedSrc)) {
    throw cpError("ERR_FS_CP_SYMLINK_TO_SUBDIRECTORY", "Cannot overwrite symlink in subdirectory of self", "EINVAL",
      `cannot overwrite ${resolvedDest} with ${resolvedSrc}`, dest);
  }
  unlinkCore(dest);
  symlinkCore(resolvedSrc, dest);
}

function* cpWalk(src: string, dest: string, c: Copy): Walk<void> {
  const r = yield* checkPaths(src, dest, c);
  if (r.skipped) return;
  checkParentPaths(src, r.srcStat!, dest);
  const destParent = dirname(dest);
  let parentExists: boolean;
  try {
    statCore(destParent, true, false);
    parentExists = true;
  } catch (e) {
    if (c.async && (e as { code?: string }).code !== "ENOENT") throw e;
    parentExists = false;
  }
  if (!parentExists) mkdirpCore(destParent, 0o777, c.async);
  yield* copyEntry(r.destStat, src, dest, c);
}

const isPromise = (v: unknown): boolean => !!v && typeof (v as { then?: unknown }).then === "function";

/** cpSync's driver: filters answer at once. */
export function cpCore(src: string, dest: string, opts: CpOptions): void {
  const walk = cpWalk(src, dest, { opts, async: false });
  for (let step = walk.next(); !step.done; ) {
    if (isPromise(step.value)) throw invalidReturnValue("boolean", "filter", step.value);
    step = walk.next(step.value);
  }
}

/** fs.cp's and promises.cp's driver: filters may return promises; every step settles in a poll phase. */
export async function cpAsyncCore(src: string, dest: string, opts: CpOptions): Promise<void> {
  const walk = cpWalk(src, dest, { opts, async: true });
  let step = await settle(() => walk.next());
  while (!step.done) {
    const answer = await step.value;
    step = await settle(() => walk.next(answer));
  }
}

function cpArgs(src: unknown, dest: unknown): [string, string] {
  return [pathString(getValidatedPath(src, "src")), pathString(getValidatedPath(dest, "dest"))];
}

/** fs.cpSync(src, dest[, options]). */
export function cpSync(src: unknown, dest: unknown, options?: unknown): void {
  const o = validateCpOptions(options);
  const [s, d] = cpArgs(src, dest);
  cpCore(s, d, o);
}

/** fs.cp(src, dest[, options], callback(err)). */
export function cp(src: unknown, dest: unknown, options?: unknown, callback?: unknown): void {
  if (typeof options === "function") {
    callback = options;
    options = undefined;
  }
  validateFunction(callback, "cb");
  const o = validateCpOptions(options);
  const [s, d] = cpArgs(src, dest);
  const cb = callback as Callback;
  cpAsyncCore(s, d, o).then(() => cb(null), (err) => cb(err));
}
