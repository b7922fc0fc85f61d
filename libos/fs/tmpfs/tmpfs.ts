// libos/fs/tmpfs/tmpfs.ts — the RAM file system (as Linux's tmpfs): every inode lives in a map, file bytes in
// sparse pages (pages.ts). A size limit in pages (ENOSPC when a write would need more) and an inode limit
// (ENOSPC when a create would need more, as Linux's nr_inodes). Times come from the injected clock with
// nanoseconds; atime follows relatime (Linux's default). Directory sizes follow Linux's tmpfs (20 bytes per entry
// plus 40), so stat shows what a Linux /tmp shows. An unlinked inode that is still retained (an open fd) keeps its
// pages until its last release.
// Layer: libos/fs. Depends on ../types.ts, pages.ts and libos/util/utf8.ts.

import {
  FsError, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, type Attr, type Clock, type DirEntry, type FileSystem, type SetAttr,
  type StatFs, type Timespec,
} from "../types.ts";
import { utf8Length } from "../../util/utf8.ts";
import { PAGE_SIZE, Pages } from "./pages.ts";

/** statfs(2)'s f_type for tmpfs (Linux's TMPFS_MAGIC). */
export const TMPFS_MAGIC = 0x01021994;

/** Linux's tmpfs counts this many bytes per directory entry in a directory's size (BOGO_DIRENT_SIZE). */
const DIRENT_BYTES = 20;

/** The largest file size (Number.MAX_SAFE_INTEGER rounded down to whole pages): writes beyond it give EFBIG. */
export const MAX_FILE_SIZE = Math.floor(Number.MAX_SAFE_INTEGER / PAGE_SIZE) * PAGE_SIZE;

export interface TmpfsOptions {
  /** The most bytes file data may use (rounded up to whole pages). Default: unlimited (2^53). */
  maxBytes?: number;
  /** The most inodes (files, directories, symlinks, the root included). Default: unlimited. */
  maxInodes?: number;
  /** Where times come from (default: Date.now() with millisecond resolution). */
  clock?: Clock;
  /** Mode bits of the root directory (default 0o1777, as /tmp). */
  rootMode?: number;
  /** Every change throws EROFS (a read-only mount of a tmpfs). */
  readOnly?: boolean;
}

interface Inode {
  ino: number;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  /** Regular files: bytes; symlinks: the target's UTF-8 length; directories: Linux tmpfs's bogus size. */
  size: number;
  atime: Timespec;
  mtime: Timespec;
  ctime: Timespec;
  birthtime: Timespec;
  pages?: Pages;
  children?: Map<string, number>;
  target?: string;
  /** Open file descriptions holding the inode (retain/release). */
  opens: number;
}

const ROOT = 1;
const DAY = 24 * 3600;

function dateClock(): Timespec {
  const ms = Date.now();
  const sec = Math.floor(ms / 1000);
  return { sec, nsec: (ms - sec * 1000) * 1e6 };
}

const before = (a: Timespec, b: Timespec): boolean => a.sec < b.sec || (a.sec === b.sec && a.nsec <= b.nsec);

/**
 * A RAM file system. Throws FsError: ENOENT for unknown names or inodes, EEXIST, ENOTDIR/EISDIR for names of the
 * wrong type, ENOTEMPTY, EPERM (hard link to a directory), ENOSPC (size or inode limit), EFBIG (past
 * MAX_FILE_SIZE), EINVAL (readlink of a non-symlink), EROFS when mounted read-only.
 *
 * ```ts
 * const tmp = new Tmpfs({ maxBytes: 64 << 20, clock: () => ({ sec: 0, nsec: 0 }) });
 * const ino = tmp.create(tmp.rootIno, "a.txt", 0o644, 0, 0);
 * tmp.write(ino, 0, new TextEncoder().encode("hi"));
 * ```
 */
export class Tmpfs implements FileSystem {
  readonly type = "tmpfs";
  readonly readOnly: boolean;
  readonly rootIno = ROOT;
  private readonly inodes = new Map<number, Inode>();
  private nextIno = ROOT + 1;
  private readonly clock: Clock;
  private readonly maxPages: number;
  private readonly maxInodes: number;
  private usedPages = 0;
  private mounted = true;

  constructor(options: TmpfsOptions = {}) {
    this.clock = options.clock ?? dateClock;
    this.maxPages = options.maxBytes === undefined ? Math.floor(Number.MAX_SAFE_INTEGER / PAGE_SIZE)
      : Math.ceil(options.maxBytes / PAGE_SIZE);
    this.maxInodes = options.maxInodes ?? Number.MAX_SAFE_INTEGER;
    this.readOnly = options.readOnly === true;
    const now = this.clock();
    this.inodes.set(ROOT, {
      ino: ROOT, mode: S_IFDIR | ((options.rootMode ?? 0o1777) & 0o7777), nlink: 2, uid: 0, gid: 0, size: 2 * DIRENT_BYTES,
      atime: now, mtime: now, ctime: now, birthtime: now, children: new Map(), opens: 0,
    });
  }

  /** Bytes of file data in use (whole pages). */
  get usedBytes(): number {
    return this.usedPages * PAGE_SIZE;
  }

  /** Inodes in use, the root included (unlinked inodes still open count). */
  get usedInodes(): number {
    return this.inodes.size;
  }

  private node(ino: number): Inode {
    if (!this.mounted) throw new FsError("EIO", "the tmpfs was unmounted");
    const n = this.inodes.get(ino);
    if (!n) throw new FsError("ENOENT", `no inode ${ino} in this tmpfs`);
    return n;
  }

  private dir(ino: number): Inode & { children: Map<string, number> } {
    const n = this.node(ino);
    if (!n.children) throw new FsError("ENOTDIR");
    return n as Inode & { children: Map<string, number> };
  }

  private writable(): void {
    if (this.readOnly) throw new FsError("EROFS", "this tmpfs is mounted read-only");
  }

  private touch(n: Inode, now: Timespec): void {
    n.mtime = now;
    n.ctime = now;
  }

  getattr(ino: number): Attr {
    const n = this.node(ino);
    const pages = n.pages ? n.pages.count : 0;
    return {
      ino, mode: n.mode, nlink: n.nlink, uid: n.uid, gid: n.gid, size: n.size, blocks: pages * (PAGE_SIZE / 512),
      blksize: PAGE_SIZE, rdev: 0, atime: n.atime, mtime: n.mtime, ctime: n.ctime, birthtime: n.birthtime,
    };
  }

  /** The mode alone (the VFS's walk asks this for every path component; cheaper than getattr). */
  inodeMode(ino: number): number {
    return this.node(ino).mode;
  }

  setattr(ino: number, changes: SetAttr): void {
    this.writable();
    const n = this.node(ino);
    const now = this.clock();
    if (changes.size !== undefined) {
      if (!n.pages) throw new FsError((n.mode & S_IFMT) === S_IFDIR ? "EISDIR" : "EINVAL");
      if (changes.size > MAX_FILE_SIZE) throw new FsError("EFBIG", `tmpfs files end at ${MAX_FILE_SIZE} bytes`);
      if (changes.size < n.size) this.usedPages -= n.pages.truncate(changes.size);
      n.size = changes.size;
      n.mtime = now;
    }
    if (changes.mode !== undefined) n.mode = (n.mode & S_IFMT) | (changes.mode & 0o7777);
    if (changes.uid !== undefined && changes.uid !== -1) n.uid = changes.uid;
    if (changes.gid !== undefined && changes.gid !== -1) n.gid = changes.gid;
    if (changes.atime !== undefined) n.atime = changes.atime === "now" ? now : { ...changes.atime };
    if (changes.mtime !== undefined) n.mtime = changes.mtime === "now" ? now : { ...changes.mtime };
    n.ctime = now;
  }

  lookup(dir: number, name: string): number {
    const ino = this.dir(dir).children.get(name);
    if (ino === undefined) throw new FsError("ENOENT");
    return ino;
  }

  readdir(dir: number): DirEntry[] {
    const d = this.dir(dir);
    this.accessed(d);
    const out: DirEntry[] = [];
    for (const [name, ino] of d.children) out.push({ name, ino, type: this.inodes.get(ino)!.mode & S_IFMT });
    return out;
  }

  /** relatime: atime moves when it is not newer than mtime or ctime, or is a day old. */
  private accessed(n: Inode): void {
    if (this.readOnly) return;
    const now = this.clock();
    if (before(n.atime, n.mtime) || before(n.atime, n.ctime) || now.sec - n.atime.sec >= DAY) n.atime = now;
  }

  read(ino: number, position: number, into: Uint8Array): number {
    const n = this.node(ino);
    if (!n.pages) throw new FsError(n.children ? "EISDIR" : "EINVAL");
    const len = Math.min(into.length, n.size - position);
    this.accessed(n);
    if (len <= 0) return 0;
    n.pages.read(position, len === into.length ? into : into.subarray(0, len));
    return len;
  }

  write(ino: number, position: number, data: Uint8Array): number {
    this.writable();
    const n = this.node(ino);
    if (!n.pages) throw new FsError(n.children ? "EISDIR" : "EINVAL");
    const end = position + data.length;
    if (end > MAX_FILE_SIZE) throw new FsError("EFBIG", `tmpfs files end at ${MAX_FILE_SIZE} bytes`);
    const need = n.pages.missing(position, data.length);
    if (this.usedPages + need > this.maxPages) {
      throw new FsError("ENOSPC", `the tmpfs is full (${this.maxPages * PAGE_SIZE} bytes)`);
    }
    this.usedPages += n.pages.write(position, data);
    if (end > n.size) n.size = end;
    this.touch(n, this.clock());
    return data.length;
  }

  private add(dir: number, name: string, make: (ino: number, now: Timespec) => Inode): number {
    this.writable();
    const d = this.dir(dir);
    if (d.children.has(name)) throw new FsError("EEXIST");
    if (this.inodes.size >= this.maxInodes) throw new FsError("ENOSPC", `the tmpfs has no inodes left (${this.maxInodes})`);
    const now = this.clock();
    const ino = this.nextIno++;
    const n = make(ino, now);
    this.inodes.set(ino, n);
    d.children.set(name, ino);
    d.size += DIRENT_BYTES;
    if (n.children) d.nlink++;
    this.touch(d, now);
    return ino;
  }

  private fresh(ino: number, mode: number, uid: number, gid: number, now: Timespec): Inode {
    return { ino, mode, nlink: 1, uid, gid, size: 0, atime: now, mtime: now, ctime: now, birthtime: now, opens: 0 };
  }

  create(dir: number, name: string, mode: number, uid: number, gid: number): number {
    return this.add(dir, name, (ino, now) => ({ ...this.fresh(ino, S_IFREG | (mode & 0o7777), uid, gid, now), pages: new Pages() }));
  }

  mkdir(dir: number, name: string, mode: number, uid: number, gid: number): number {
    return this.add(dir, name, (ino, now) => ({
      ...this.fresh(ino, S_IFDIR | (mode & 0o7777), uid, gid, now), nlink: 2, size: 2 * DIRENT_BYTES, children: new Map(),
    }));
  }

  symlink(dir: number, name: string, target: string, uid: number, gid: number): number {
    return this.add(dir, name, (ino, now) => ({
      ...this.fresh(ino, S_IFLNK | 0o777, uid, gid, now), size: utf8Length(target), target,
    }));
  }

  readlink(ino: number): string {
    const n = this.node(ino);
    if (n.target === undefined) throw new FsError("EINVAL");
    this.accessed(n);
    return n.target;
  }

  link(ino: number, dir: number, name: string): void {
    this.writable();
    const n = this.node(ino);
    if (n.children) throw new FsError("EPERM", "hard links to directories are not allowed");
    const d = this.dir(dir);
    if (d.children.has(name)) throw new FsError("EEXIST");
    const now = this.clock();
    d.children.set(name, ino);
    d.size += DIRENT_BYTES;
    n.nlink++;
    n.ctime = now;
    this.touch(d, now);
  }

  unlink(dir: number, name: string): void {
    this.writable();
    const d = this.dir(dir);
    const ino = d.children.get(name);
    if (ino === undefined) throw new FsError("ENOENT");
    const n = this.node(ino);
    if (n.children) throw new FsError("EISDIR");
    const now = this.clock();
    d.children.delete(name);
    d.size -= DIRENT_BYTES;
    this.touch(d, now);
    this.dropLink(n, now);
  }

  /** One name fewer: the inode goes when it has no name left and nobody holds it. */
  private dropLink(n: Inode, now: Timespec): void {
    n.nlink--;
    n.ctime = now;
    this.maybeFree(n);
  }

  private maybeFree(n: Inode): void {
    if (n.nlink > 0 || n.opens > 0 || n.ino === ROOT) return;
    if (n.pages) this.usedPages -= n.pages.clear();
    this.inodes.delete(n.ino);
  }

  rmdir(dir: number, name: string): void {
    this.writable();
    const d = this.dir(dir);
    const ino = d.children.get(name);
    if (ino === undefined) throw new FsError("ENOENT");
    const n = this.node(ino);
    if (!n.children) throw new FsError("ENOTDIR");
    if (n.children.size > 0) throw new FsError("ENOTEMPTY");
    const now = this.clock();
    d.children.delete(name);
    d.size -= DIRENT_BYTES;
    d.nlink--;
    this.touch(d, now);
    n.nlink = 0;
    n.ctime = now;
    this.maybeFree(n);
  }

  rename(srcDir: number, srcName: string, dstDir: number, dstName: string): void {
    this.writable();
    const from = this.dir(srcDir);
    const to = this.dir(dstDir);
    const ino = from.children.get(srcName);
    if (ino === undefined) throw new FsError("ENOENT");
    const moving = this.node(ino);
    const existing = to.children.get(dstName);
    if (existing === ino) return;                        // two names of one inode: POSIX says do nothing
    const now = this.clock();
    if (existing !== undefined) {
      const victim = this.node(existing);
      if (moving.children && !victim.children) throw new FsError("ENOTDIR");
      if (!moving.children && victim.children) throw new FsError("EISDIR");
      if (victim.children && victim.children.size > 0) throw new FsError("ENOTEMPTY");
      to.children.delete(dstName);
      to.size -= DIRENT_BYTES;
      if (victim.children) {
        to.nlink--;
        victim.nlink = 0;
        victim.ctime = now;
        this.maybeFree(victim);
      } else {
        this.dropLink(victim, now);
      }
    }
    from.children.delete(srcName);
    from.size -= DIRENT_BYTES;
    to.children.set(dstName, ino);
    to.size += DIRENT_BYTES;
    if (moving.children && from !== to) {
      from.nlink--;
      to.nlink++;
    }
    moving.ctime = now;
    this.touch(from, now);
    this.touch(to, now);
  }

  fsync(ino: number, _dataOnly: boolean): void {
    this.node(ino);
  }

  sync(): void {}

  statfs(): StatFs {
    const blocks = Math.min(this.maxPages, Number.MAX_SAFE_INTEGER);
    const files = this.maxInodes;
    return {
      type: TMPFS_MAGIC, bsize: PAGE_SIZE, blocks, bfree: blocks - this.usedPages, bavail: blocks - this.usedPages,
      files, ffree: files - this.inodes.size, namelen: 255,
    };
  }

  retain(ino: number): void {
    this.node(ino).opens++;
  }

  release(ino: number): void {
    const n = this.inodes.get(ino);
    if (!n || n.opens === 0) return;
    n.opens--;
    this.maybeFree(n);
  }

  unmount(): void {
    this.inodes.clear();
    this.usedPages = 0;
    this.mounted = false;
  }
}
