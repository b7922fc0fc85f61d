// libos/fs/node/constants.ts — fs.constants with the values Node 20 reports on Linux x86_64 (open flags, file types
// and permission bits, access modes, copyfile modes, libuv's dirent and symlink types), in Node's key order.
// Layer: libos. Depends on ../vfs/flags.ts and ../types.ts.

import { S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG, S_IFSOCK } from "../types.ts";
import {
  F_OK, O_APPEND, O_CREAT, O_DIRECT, O_DIRECTORY, O_DSYNC, O_EXCL, O_NOATIME, O_NOCTTY, O_NOFOLLOW, O_NONBLOCK,
  O_RDONLY, O_RDWR, O_SYNC, O_TRUNC, O_WRONLY, R_OK, W_OK, X_OK,
} from "../vfs/flags.ts";

export const COPYFILE_EXCL = 1;
export const COPYFILE_FICLONE = 2;
export const COPYFILE_FICLONE_FORCE = 4;

/** fs.constants: a null-prototype object, as Node's. */
export const constants = Object.assign(Object.create(null) as object, {
  UV_FS_SYMLINK_DIR: 1, UV_FS_SYMLINK_JUNCTION: 2, O_RDONLY, O_WRONLY, O_RDWR,
  UV_DIRENT_UNKNOWN: 0, UV_DIRENT_FILE: 1, UV_DIRENT_DIR: 2, UV_DIRENT_LINK: 3, UV_DIRENT_FIFO: 4, UV_DIRENT_SOCKET: 5,
  UV_DIRENT_CHAR: 6, UV_DIRENT_BLOCK: 7, EXTENSIONLESS_FORMAT_JAVASCRIPT: 0, EXTENSIONLESS_FORMAT_WASM: 1,
  S_IFMT, S_IFREG, S_IFDIR, S_IFCHR, S_IFBLK, S_IFIFO, S_IFLNK, S_IFSOCK,
  O_CREAT, O_EXCL, UV_FS_O_FILEMAP: 0, O_NOCTTY, O_TRUNC, O_APPEND, O_DIRECTORY, O_NOATIME, O_NOFOLLOW, O_SYNC,
  O_DSYNC, O_DIRECT, O_NONBLOCK,
  S_IRWXU: 0o700, S_IRUSR: 0o400, S_IWUSR: 0o200, S_IXUSR: 0o100, S_IRWXG: 0o70, S_IRGRP: 0o40, S_IWGRP: 0o20,
  S_IXGRP: 0o10, S_IRWXO: 0o7, S_IROTH: 0o4, S_IWOTH: 0o2, S_IXOTH: 0o1,
  F_OK, R_OK, W_OK, X_OK,
  UV_FS_COPYFILE_EXCL: COPYFILE_EXCL, COPYFILE_EXCL, UV_FS_COPYFILE_FICLONE: COPYFILE_FICLONE, COPYFILE_FICLONE,
  UV_FS_COPYFILE_FICLONE_FORCE: COPYFILE_FICLONE_FORCE, COPYFILE_FICLONE_FORCE,
});
