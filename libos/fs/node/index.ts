// libos/fs/node/index.ts — `node:fs` as Node 20 has it, over the VFS (libos/fs/vfs): the sync, callback and promise
// (fs.promises) forms, streams, Dir/Dirent, Stats/BigIntStats, constants with Linux's values, Node's errors. The
// work of every call is done synchronously on the VFS; callbacks and promises get their results in the event loop's
// poll phase. fs.watch/watchFile/unwatchFile throw (nothing else writes a unikernel's files); openAsBlob throws
// (unijs has no Blob). Nothing happens at import: the VFS is created on first use (or installed by the runtime).
// Layer: libos. Depends on the files of this folder.

import {
  chmod, chmodSync, chown, chownSync, fchmod, fchmodSync, fchown, fchownSync, fdatasync, fdatasyncSync, fsync,
  fsyncSync, ftruncate, ftruncateSync, futimes, futimesSync, lchown, lchownSync, lutimes, lutimesSync, truncate,
  truncateSync, utimes, utimesSync,
} from "./attr_calls.ts";
import { constants } from "./constants.ts";
import { copyFile, copyFileSync } from "./copy_file.ts";
import { cp, cpSync } from "./cp.ts";
import { Dir, opendir, opendirSync } from "./dir.ts";
import { mkdir, mkdirSync, mkdtemp, mkdtempSync, readdir, readdirSync } from "./dir_calls.ts";
import { Dirent } from "./dirent.ts";
import { codedError } from "./errors.ts";
import {
  link, linkSync, readlink, readlinkSync, realpath, realpathSync, rename, renameSync, symlink, symlinkSync, unlink,
  unlinkSync,
} from "./link_calls.ts";
import { close, closeSync, open, openSync } from "./open_close.ts";
import promises from "./promises.ts";
import { readFile, readFileSync } from "./read_file.ts";
import { createReadStream, ReadStream } from "./read_stream.ts";
import { read, readSync, readv, readvSync, write, writeSync, writev, writevSync } from "./read_write.ts";
import { rm, rmdir, rmdirSync, rmSync } from "./rm.ts";
import {
  access, accessSync, exists, existsSync, fstat, fstatSync, lstat, lstatSync, stat, statfs, statfsSync, statSync,
} from "./stat_calls.ts";
import { Stats } from "./stats.ts";
import { getValidatedPath, toUnixTimestamp, validateObject, validateString } from "./validate.ts";
import { unwatchFile, watch, watchFile } from "./watch.ts";
import { appendFile, appendFileSync, writeFile, writeFileSync } from "./write_file.ts";
import { createWriteStream, WriteStream } from "./write_stream.ts";

export { processChdir, processCwd } from "./process_cwd.ts";

/** fs.openAsBlob(path[, { type }]): unijs has no Blob; the arguments are checked as Node checks them first. */
export function openAsBlob(path: unknown, options: { type?: unknown } = {}): never {
  validateObject(options, "options");
  validateString(options.type || "", "options.type");
  getValidatedPath(path);
  throw codedError(Error, "ERR_METHOD_NOT_IMPLEMENTED", "The openAsBlob() method is not implemented (unijs has no Blob)");
}

/** fs.lchmod exists only where the OS has it (macOS): undefined on Linux, as in Node. */
export const lchmod = undefined;
export const lchmodSync = undefined;
export const F_OK = constants.F_OK;
export const R_OK = constants.R_OK;
export const W_OK = constants.W_OK;
export const X_OK = constants.X_OK;
/** The legacy names some packages (graceful-fs) use. */
export const FileReadStream = ReadStream;
export const FileWriteStream = WriteStream;
export const _toUnixTimestamp = toUnixTimestamp;

export {
  access, accessSync, appendFile, appendFileSync, chmod, chmodSync, chown, chownSync, close, closeSync,
  constants, copyFile, copyFileSync, cp, cpSync, createReadStream, createWriteStream, Dir, Dirent, exists, existsSync,
  fchmod, fchmodSync, fchown, fchownSync, fdatasync, fdatasyncSync, fstat, fstatSync, fsync, fsyncSync, ftruncate,
  ftruncateSync, futimes, futimesSync, lchown, lchownSync, link, linkSync, lstat, lstatSync, lutimes, lutimesSync,
  mkdir, mkdirSync, mkdtemp, mkdtempSync, open, openSync, opendir, opendirSync, promises, read, readdir, readdirSync,
  readFile, readFileSync, readlink, readlinkSync, readSync, readv, readvSync, ReadStream, realpath, realpathSync,
  rename, renameSync, rm, rmdir, rmdirSync, rmSync, stat, statfs, statfsSync, Stats, statSync, symlink,
  symlinkSync, truncate, truncateSync, unlink, unlinkSync, unwatchFile, utimes, utimesSync, watch, watchFile, write,
  writeFile, writeFileSync, writeSync, writev, writevSync, WriteStream,
};

/** The module object (`import fs from "fs"`, `require("fs")`): Node's keys, in Node's order. */
const fs = {
  appendFile, appendFileSync, access, accessSync, chown, chownSync, chmod, chmodSync, close, closeSync, copyFile,
  copyFileSync, cp, cpSync, createReadStream, createWriteStream, exists, existsSync, fchown, fchownSync, fchmod,
  fchmodSync, fdatasync, fdatasyncSync, fstat, fstatSync, fsync, fsyncSync, ftruncate, ftruncateSync, futimes,
  futimesSync, lchown, lchownSync, lchmod, lchmodSync, link, linkSync, lstat, lstatSync, lutimes, lutimesSync, mkdir,
  mkdirSync, mkdtemp, mkdtempSync, open, openSync, openAsBlob, readdir, readdirSync, read, readSync, readv, readvSync,
  readFile, readFileSync, readlink, readlinkSync, realpath, realpathSync, rename, renameSync, rm, rmSync, rmdir,
  rmdirSync, stat, statfs, statSync, statfsSync, symlink, symlinkSync, truncate, truncateSync, unwatchFile, unlink,
  unlinkSync, utimes, utimesSync, watch, watchFile, writeFile, writeFileSync, write, writeSync, writev, writevSync,
  Dirent, Stats, ReadStream, WriteStream, FileReadStream, FileWriteStream, _toUnixTimestamp, Dir, opendir,
  opendirSync,
};
Object.defineProperties(fs, {
  F_OK: { enumerable: true, value: F_OK },
  R_OK: { enumerable: true, value: R_OK },
  W_OK: { enumerable: true, value: W_OK },
  X_OK: { enumerable: true, value: X_OK },
  constants: { configurable: false, enumerable: true, value: constants },
  promises: { configurable: true, enumerable: true, get: () => promises },
});

export default fs as typeof fs & {
  readonly F_OK: number; readonly R_OK: number; readonly W_OK: number; readonly X_OK: number;
  readonly constants: typeof constants; readonly promises: typeof promises;
};
