// libos/fs/types.ts — the interface between a file system (ext4 on a block device, the RAM /tmp, the image's
// read-only assets) and the VFS above it, after Linux's inode operations: everything is addressed by inode number,
// names are looked up one component at a time by the VFS, and every call is synchronous (node:fs's sync, callback
// and promise APIs share this one core; block devices offer synchronous I/O for it). A file system never sees a
// path, a file descriptor, or Node's error format: it throws FsError with an errno name, the VFS adds the rest.
// Layer: libos/fs. Depends on nothing.

/** A point in time as file systems store it: whole seconds since the epoch (may be negative) and nanoseconds. */
export interface Timespec {
  sec: number;
  /** 0 ≤ nsec < 1e9 */
  nsec: number;
}

/** The file type bits of `mode` (as Linux's S_IFMT) and the types. */
export const S_IFMT = 0o170000;
export const S_IFSOCK = 0o140000;
export const S_IFLNK = 0o120000;
export const S_IFREG = 0o100000;
export const S_IFBLK = 0o060000;
export const S_IFDIR = 0o040000;
export const S_IFCHR = 0o020000;
export const S_IFIFO = 0o010000;

/** An inode's attributes, as stat(2) reports them (the VFS adds `dev`). */
export interface Attr {
  ino: number;
  /** Type bits (S_IF*) and permission bits (07777). */
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  /** Bytes (up to 2^53). For a symlink: the length of its target. */
  size: number;
  /** Storage used, in 512-byte units (as st_blocks). */
  blocks: number;
  /** The preferred I/O size (the file system's block size). */
  blksize: number;
  /** Device number of a device node (0 otherwise). */
  rdev: number;
  atime: Timespec;
  mtime: Timespec;
  ctime: Timespec;
  /** Creation time; file systems without one report ctime. */
  birthtime: Timespec;
}

/** Changes for setattr. `size` truncates or extends (with a hole); times may be "now". ctime is always updated. */
export interface SetAttr {
  mode?: number;
  uid?: number;
  gid?: number;
  size?: number;
  atime?: Timespec | "now";
  mtime?: Timespec | "now";
}

/** One directory entry. `type` is the file type bits (S_IF*), or 0 when the file system does not know it cheaply. */
export interface DirEntry {
  name: string;
  ino: number;
  type: number;
}

/** statfs(2)'s figures. */
export interface StatFs {
  /** The file system's magic number (ext4 0xef53, tmpfs 0x01021994, ...). */
  type: number;
  /** Block size in bytes. */
  bsize: number;
  blocks: number;
  bfree: number;
  /** Free blocks an unprivileged user may use. */
  bavail: number;
  files: number;
  ffree: number;
  /** Longest name in bytes. */
  namelen: number;
}

/**
 * A mounted file system. All methods are synchronous and throw FsError on failure. Names are single path
 * components (never "", ".", ".." or containing "/": the VFS resolves those), compared as UTF-8 bytes.
 * Directories passed as `dir` are directories (the VFS checked); a name that exists with the wrong type gives the
 * POSIX error (unlink of a directory: EISDIR; rmdir of a file: ENOTDIR).
 */
export interface FileSystem {
  /** "ext4", "tmpfs", "assets": what the mount table and statfs show. */
  readonly type: string;
  /** Mounted read-only (by request, by a read-only device, or because only ro-compatible features are known):
   *  every change throws EROFS. */
  readonly readOnly: boolean;
  /** The root directory's inode number. */
  readonly rootIno: number;

  getattr(ino: number): Attr;
  /** An inode's mode alone (the VFS's path walk asks this of every component): optional, getattr().mode otherwise. */
  inodeMode?(ino: number): number;
  /** Applies `changes` (truncation included); updates ctime. */
  setattr(ino: number, changes: SetAttr): void;
  /** The inode a name in `dir` refers to; ENOENT when there is none. */
  lookup(dir: number, name: string): number;
  /** The entries of `dir`, without "." and "..", in the file system's own order. */
  readdir(dir: number): DirEntry[];
  /** Reads up to `into.length` bytes at `position`; returns how many (0 at or past the end). Updates atime as the
   *  file system's policy says (relatime-like or never). */
  read(ino: number, position: number, into: Uint8Array): number;
  /** Writes all of `data` at `position` (the file grows, a gap becomes a hole); returns data.length. ENOSPC when the
   *  space runs out (what was written before stays). Updates mtime and ctime. */
  write(ino: number, position: number, data: Uint8Array): number;
  /** Creates a regular file; EEXIST when the name exists. Returns its inode. */
  create(dir: number, name: string, mode: number, uid: number, gid: number): number;
  mkdir(dir: number, name: string, mode: number, uid: number, gid: number): number;
  symlink(dir: number, name: string, target: string, uid: number, gid: number): number;
  /** The target of a symlink (EINVAL for other types). */
  readlink(ino: number): string;
  /** A new name for an existing inode (not a directory: EPERM). */
  link(ino: number, dir: number, name: string): void;
  /** Removes a name of a non-directory. The inode lives on while retained (open) and is freed at the last release. */
  unlink(dir: number, name: string): void;
  /** Removes an empty directory (ENOTEMPTY otherwise). */
  rmdir(dir: number, name: string): void;
  /**
   * POSIX rename: replaces an existing destination of a compatible type (file over file, empty directory over
   * directory; EISDIR/ENOTDIR/ENOTEMPTY otherwise), atomically where the file system can; renaming a directory
   * into its own subtree is EINVAL (the VFS checks that, it knows the paths).
   */
  rename(srcDir: number, srcName: string, dstDir: number, dstName: string): void;
  /** Returns once the inode's data (and, unless dataOnly, its metadata) is durable on the device. */
  fsync(ino: number, dataOnly: boolean): void;
  /** Returns once everything written so far is durable. */
  sync(): void;
  statfs(): StatFs;
  /** An open file descriptor holds the inode: an unlinked file stays readable and writable until released. */
  retain(ino: number): void;
  release(ino: number): void;
  /** Writes everything back and leaves the device consistent (a clean unmount); the object is unusable after. */
  unmount(): void;
}

/** Linux errno numbers of the codes file systems and the VFS use (Node reports errno as the negative value). */
export const ERRNO: Record<string, number> = {
  EPERM: 1, ENOENT: 2, EIO: 5, ENXIO: 6, E2BIG: 7, EBADF: 9, EAGAIN: 11, ENOMEM: 12, EACCES: 13, EFAULT: 14,
  EBUSY: 16, EEXIST: 17, EXDEV: 18, ENODEV: 19, ENOTDIR: 20, EISDIR: 21, EINVAL: 22, ENFILE: 23, EMFILE: 24,
  ENOTTY: 25, EFBIG: 27, ENOSPC: 28, ESPIPE: 29, EROFS: 30, EMLINK: 31, ERANGE: 34, ENAMETOOLONG: 36, ENOSYS: 38,
  ENOTEMPTY: 39, ELOOP: 40, ENODATA: 61, EOVERFLOW: 75, EOPNOTSUPP: 95, ENOTSUP: 95, ETIMEDOUT: 110, EUCLEAN: 117,
  ECANCELED: 125,
};

/** Linux's (and Node's) descriptions of those codes, as uv_strerror gives them. */
export const ERRNO_TEXT: Record<string, string> = {
  EPERM: "operation not permitted", ENOENT: "no such file or directory", EIO: "i/o error",
  ENXIO: "no such device or address", E2BIG: "argument list too long", EBADF: "bad file descriptor",
  EAGAIN: "resource temporarily unavailable", ENOMEM: "not enough memory", EACCES: "permission denied",
  EFAULT: "bad address in system call argument", EBUSY: "resource busy or locked", EEXIST: "file already exists",
  EXDEV: "cross-device link not permitted", ENODEV: "no such device", ENOTDIR: "not a directory",
  EISDIR: "illegal operation on a directory", EINVAL: "invalid argument", ENFILE: "file table overflow",
  EMFILE: "too many open files", ENOTTY: "inappropriate ioctl for device", EFBIG: "file too large",
  ENOSPC: "no space left on device", ESPIPE: "invalid seek", EROFS: "read-only file system",
  EMLINK: "too many links", ERANGE: "result too large", ENAMETOOLONG: "name too long",
  ENOSYS: "function not implemented", ENOTEMPTY: "directory not empty",
  ELOOP: "too many symbolic links encountered", ENODATA: "no data available", EOVERFLOW: "value too large for defined data type",
  EOPNOTSUPP: "operation not supported on socket", ENOTSUP: "operation not supported on socket",
  ETIMEDOUT: "connection timed out", EUCLEAN: "structure needs cleaning", ECANCELED: "operation canceled",
};

/**
 * A file system or VFS failure: `code` is the errno name (ENOENT, EIO, EUCLEAN for on-disk corruption, ...), `detail`
 * says what was found (for EIO/EUCLEAN: which structure, which block, what was wrong) for logs and tests; node:fs
 * turns it into Node's error shape.
 */
export class FsError extends Error {
  readonly errno: number;
  constructor(readonly code: string, readonly detail?: string) {
    super(detail ? `${code}: ${ERRNO_TEXT[code] ?? code} (${detail})` : `${code}: ${ERRNO_TEXT[code] ?? code}`);
    this.name = "FsError";
    this.errno = ERRNO[code] ?? 0;
  }
}

/** The current time as a Timespec (the wall clock; file systems take time through this or a passed-in clock). */
export type Clock = () => Timespec;
