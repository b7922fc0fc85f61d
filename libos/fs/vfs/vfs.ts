// libos/fs/vfs/vfs.ts — the virtual file system: a mount table over FileSystems, path resolution from "/" or the
// working directory, the descriptor table, and the path system calls with Linux's semantics and errors (which
// check comes first included: mkdir of an existing name is EEXIST even on a read-only mount, unlink of a missing
// one there is EROFS; rename checks EXDEV before it looks at the names). The process is root: permission bits are
// stored and reported but never refuse, except that access(X_OK) and exec need an x bit on a file. New files get
// `mode & ~umask` (the umask is 0 unless set). Every method throws FsError; node:fs adds Node's error shape.
// Layer: libos/fs. Depends on ../types.ts and the files of this folder.

import { FsError, S_IFDIR, S_IFLNK, S_IFMT, type Clock, type FileSystem, type SetAttr, type StatFs, type Timespec } from "../types.ts";
import { Descriptors, statOf, type VfsStat } from "./descriptors.ts";
import { DEFAULT_MAX_FDS, FdTable, OpenFile, type StdioSink } from "./fd_table.ts";
import { O_ACCMODE, O_CREAT, O_DIRECTORY, O_EXCL, O_NOFOLLOW, O_RDONLY, O_TRUNC, W_OK, X_OK } from "./flags.ts";
import { MountDirs } from "./mount_dirs.ts";
import { MountTable, type Mount } from "./mount_table.ts";
import { utf8Length } from "../../util/utf8.ts";
import { checkPath, modeOf, PATH_MAX, PathWalker, type Step, type Walked } from "./path_walk.ts";

export interface VfsOptions {
  /** Times of the directories that hold mount points (default: Date.now()). */
  clock?: Clock;
  /** The descriptor limit: EMFILE at this many (default 1024, Linux's soft RLIMIT_NOFILE). */
  maxFds?: number;
  /** Where writes to fd 1 and fd 2 go (default: dropped until set with setStdio). */
  stdout?: StdioSink;
  stderr?: StdioSink;
}

/** A mount as listed by mounts(). */
export interface MountInfo {
  path: string;
  type: string;
  dev: number;
  readOnly: boolean;
}

const isDir = (s: Step): boolean => (s.mode & S_IFMT) === S_IFDIR;
const same = (a: Step, b: Step): boolean => a.mount === b.mount && a.ino === b.ino;
const top = (w: Walked): Step => w.dirs[w.dirs.length - 1];
const isDot = (name: string): boolean => name === "." || name === ".." || name === "";

function dateClock(): Timespec {
  const ms = Date.now();
  const sec = Math.floor(ms / 1000);
  return { sec, nsec: (ms - sec * 1000) * 1e6 };
}

/**
 * ```ts
 * const vfs = new Vfs();
 * vfs.mount("/tmp", new Tmpfs({ maxBytes: 64 << 20 }));   // "/" holds the mount points
 * const fd = vfs.open("/tmp/a.txt", O_CREAT | O_WRONLY, 0o644);
 * vfs.write(fd, new TextEncoder().encode("hi"), null);
 * vfs.close(fd);
 * ```
 */
export class Vfs {
  private readonly table: MountTable;
  private readonly base: Mount;
  private readonly walker: PathWalker;
  private readonly fds: Descriptors;
  private cwdPath = "/";
  private mask = 0;

  constructor(options: VfsOptions = {}) {
    this.table = new MountTable();
    this.base = this.table.add(new MountDirs(options.clock ?? dateClock), "/", true);
    this.walker = new PathWalker(this.table, () => this.rootStep(), () => this.cwdPath);
    this.fds = new Descriptors(new FdTable(options.maxFds ?? DEFAULT_MAX_FDS, { stdout: options.stdout, stderr: options.stderr }));
  }

  /** The step for "/": the topmost mount's root there. */
  private rootStep(): Step {
    let mount = this.base, ino = this.base.fs.rootIno;
    for (let over = this.table.coveredBy(mount, ino); over; over = this.table.coveredBy(mount, ino)) {
      mount = over;
      ino = over.fs.rootIno;
    }
    return { mount, ino, name: "", mode: modeOf(mount, ino) };
  }

  private walk(path: string, follow: boolean): Walked & { target: Step } {
    return this.walker.walk(path, { follow }) as Walked & { target: Step };
  }

  /** Resolves the final component as the object of a directory operation (never followed; may be missing). */
  private entry(path: string): Walked {
    return this.walker.walk(path, { follow: false, allowMissing: true, entry: true });
  }

  private writable(s: Step): void {
    if (s.mount.readOnly) throw new FsError("EROFS");
  }

  // ---- mounts, working directory, umask, stdio ----

  /**
   * Mounts `fs` at the absolute `path`. An existing directory is covered (its contents hidden until unmount); a
   * missing path is created when its missing part lies in the directories that hold mount points (so "/tmp" or
   * "/data/x" can be mounted on an empty root). Throws FsError: EINVAL (relative path), EBUSY (fs mounted already),
   * ENOTDIR, ENOENT (a missing path inside a mounted file system).
   */
  mount(path: string, fs: FileSystem, options: { readOnly?: boolean } = {}): MountInfo {
    if (path.charCodeAt(0) !== 47) throw new FsError("EINVAL", `mount points are absolute paths, not ${path}`);
    if (this.table.list().some((m) => m.fs === fs)) throw new FsError("EBUSY", "that file system is mounted already");
    const names = path.split("/").filter((n) => n !== "");
    for (let i = 1; i <= names.length; i++) {
      const w = this.walker.walk("/" + names.slice(0, i).join("/"), { follow: true, allowMissing: true });
      if (w.target) continue;
      const parent = top(w);
      if (parent.mount !== this.base) throw new FsError("ENOENT", `${path}: a missing directory inside a mounted file system`);
      (this.base.fs as MountDirs).addDir(parent.ino, w.name);
    }
    const w = this.walk(path, true);
    if (!isDir(w.target)) throw new FsError("ENOTDIR");
    const where = PathWalker.pathOf(w);
    const m = this.table.add(fs, where, options.readOnly === true, { mount: w.target.mount, ino: w.target.ino });
    return { path: m.path, type: fs.type, dev: m.dev, readOnly: m.readOnly };
  }

  /**
   * Unmounts the file system mounted at `path` and calls its unmount() (a clean unmount). EINVAL when `path` is
   * not a mount's root; EBUSY while files on it are open, a mount lies inside it, or the working directory is in it.
   */
  unmount(path: string): void {
    const w = this.walk(path, true);
    const m = w.target.mount;
    if (m === this.base || w.target.ino !== m.fs.rootIno) throw new FsError("EINVAL", `${path} is not a mount point`);
    if (this.fds.table.openOn(m) > 0) throw new FsError("EBUSY", `files are open on ${m.path}`);
    const cwd = this.cwdPath;
    if (cwd === m.path || cwd.startsWith(m.path === "/" ? "/" : m.path + "/")) throw new FsError("EBUSY", "the working directory is inside it");
    this.table.remove(m);
    m.fs.unmount();
  }

  /** Unmounts everything, newest first (shutdown: each file system is left consistent). Errors are collected. */
  unmountAll(): FsError[] {
    const errors: FsError[] = [];
    for (const m of [...this.table.list()].reverse()) {
      if (m === this.base) continue;
      try {
        this.table.remove(m);
        m.fs.unmount();
      } catch (e) {
        errors.push(e instanceof FsError ? e : new FsError("EIO", String(e)));
      }
    }
    this.cwdPath = "/";
    return errors;
  }

  /** The mounts, oldest first (the directories that hold mount points are "rootfs" at "/"). */
  mounts(): MountInfo[] {
    return this.table.list().map((m) => ({ path: m.path, type: m.fs.type, dev: m.dev, readOnly: m.readOnly }));
  }

  /** Makes every file system write back what it holds (sync(2)). */
  sync(): void {
    for (const m of this.table.list()) m.fs.sync();
  }

  /** The working directory: an absolute path without symlinks. */
  cwd(): string {
    return this.cwdPath;
  }

  /** Changes the working directory (ENOENT, ENOTDIR, ELOOP...). */
  chdir(path: string): void {
    const w = this.walk(path, true);
    if (!isDir(w.target)) throw new FsError("ENOTDIR");
    this.cwdPath = PathWalker.pathOf(w);
  }

  /** Sets the file mode creation mask (when `mask` is given) and returns the previous one. */
  umask(mask?: number): number {
    const old = this.mask;
    if (mask !== undefined) this.mask = mask & 0o777;
    return old;
  }

  /** Where writes to fd 1 (stdout) or fd 2 (stderr) go. */
  setStdio(fd: 1 | 2, sink: StdioSink): void {
    this.fds.setSink(fd, sink);
  }

  // ---- path calls ----

  /** stat (follow) or lstat. */
  stat(path: string, follow = true): VfsStat {
    const t = this.walk(path, follow).target;
    return statOf(t.mount.dev, t.mount.fs.getattr(t.ino));
  }

  /** access(2) as root: F_OK/R_OK always pass for what exists; W_OK fails on read-only mounts (EROFS); X_OK
   *  needs an x bit on anything but a directory (EACCES). */
  access(path: string, mode: number): void {
    const t = this.walk(path, true).target;
    if (mode & W_OK && t.mount.readOnly) throw new FsError("EROFS");
    if (mode & X_OK && !isDir(t) && (t.mode & 0o111) === 0) throw new FsError("EACCES", "no x bit");
  }

  /** open(2): returns the lowest free descriptor from 3 up. See the file's header for the errors' order. */
  open(path: string, flags: number, mode = 0o666): number {
    checkPath(path);
    const acc = flags & O_ACCMODE;
    if (acc === O_ACCMODE) throw new FsError("EINVAL", "O_WRONLY|O_RDWR");
    if (this.fds.table.used >= this.fds.table.max) throw new FsError("EMFILE", `${this.fds.table.max} files are open`);
    let target: Step | undefined;
    let created = false;
    if (flags & O_CREAT) {
      let w = this.entry(path);
      if (w.slash) throw new FsError("EISDIR", "O_CREAT and a name ending in /");
      if (w.target && flags & O_EXCL) throw new FsError("EEXIST");
      if (w.target && (w.target.mode & S_IFMT) === S_IFLNK && !(flags & O_NOFOLLOW)) {
        w = this.walker.walk(path, { follow: true, allowMissing: true });     // through the link, maybe dangling
      }
      target = w.target;
      if (!target) {
        const dir = top(w);
        this.writable(dir);
        const fs = dir.mount.fs;
        const ino = fs.create(dir.ino, w.name, mode & ~this.mask & 0o7777, 0, 0);
        target = { mount: dir.mount, ino, name: w.name, mode: modeOf(dir.mount, ino) };
        created = true;
      }
    } else {
      target = this.walk(path, (flags & O_NOFOLLOW) === 0).target;
    }
    const type = target.mode & S_IFMT;
    if (flags & O_DIRECTORY && type !== S_IFDIR) throw new FsError("ENOTDIR");
    if (type === S_IFLNK) throw new FsError("ELOOP", "O_NOFOLLOW and the final component is a symlink");
    const truncate = (flags & O_TRUNC) !== 0;
    if (type === S_IFDIR && (acc !== O_RDONLY || flags & O_CREAT || truncate)) throw new FsError("EISDIR");
    if (!created && (acc !== O_RDONLY || truncate)) this.writable(target);
    const fs = target.mount.fs;
    if (truncate && !created) fs.setattr(target.ino, { size: 0 });
    fs.retain(target.ino);
    try {
      return this.fds.table.add(new OpenFile(target.mount, target.ino, flags, type === S_IFDIR));
    } catch (e) {
      fs.release(target.ino);
      throw e;
    }
  }

  /** mkdir(2): EEXIST for anything that exists (a dangling symlink too), then EROFS. */
  mkdir(path: string, mode = 0o777): void {
    const w = this.entry(path);
    if (w.target) throw new FsError("EEXIST");
    const dir = top(w);
    this.writable(dir);
    dir.mount.fs.mkdir(dir.ino, w.name, mode & ~this.mask & 0o1777, 0, 0);
  }

  /** rmdir(2): EINVAL for ".", ENOTEMPTY for "..", EBUSY for "/" and mount points, then EROFS, ENOENT, ENOTDIR. */
  rmdir(path: string): void {
    const w = this.entry(path);
    if (w.name === ".") throw new FsError("EINVAL", "rmdir of .");
    if (w.name === "..") throw new FsError("ENOTEMPTY", "rmdir of ..");
    if (w.name === "") throw new FsError("EBUSY", "rmdir of /");
    const dir = top(w);
    this.writable(dir);
    if (!w.target) throw new FsError("ENOENT");
    if (!isDir(w.target)) throw new FsError("ENOTDIR");
    if (w.mountPoint) throw new FsError("EBUSY", "a mount point");
    dir.mount.fs.rmdir(dir.ino, w.name);
  }

  /** unlink(2): EISDIR for ".", ".." and directories, then EROFS, ENOENT; a trailing "/" gives ENOTDIR. */
  unlink(path: string): void {
    const w = this.entry(path);
    if (isDot(w.name)) throw new FsError("EISDIR");
    const dir = top(w);
    this.writable(dir);
    if (!w.target) throw new FsError("ENOENT");
    if (isDir(w.target)) throw new FsError("EISDIR");
    if (w.slash) throw new FsError("ENOTDIR");
    dir.mount.fs.unlink(dir.ino, w.name);
  }

  /** rename(2): EXDEV across mounts, EBUSY for ".", "..", "/" and mount points, EINVAL into its own subtree. */
  rename(from: string, to: string): void {
    const a = this.entry(from);
    const b = this.entry(to);
    const src = top(a), dst = top(b);
    if (src.mount !== dst.mount) throw new FsError("EXDEV");
    if (isDot(a.name) || isDot(b.name)) throw new FsError("EBUSY", "rename of ., .. or /");
    this.writable(src);
    if (!a.target) throw new FsError("ENOENT");
    const moving = a.target;
    if (!isDir(moving) && (a.slash || b.slash)) throw new FsError("ENOTDIR");
    if (isDir(moving) && b.dirs.some((d) => same(d, moving))) throw new FsError("EINVAL", "into its own subtree");
    if (b.target && same(b.target, moving)) return;
    if (a.mountPoint || (b.target && b.mountPoint)) throw new FsError("EBUSY", "a mount point");
    src.mount.fs.rename(src.ino, a.name, dst.ino, b.name);
  }

  /** link(2): the existing path is not followed; EEXIST, ENOENT (new path ending in "/"), EROFS, EXDEV, EPERM. */
  link(existing: string, newPath: string): void {
    const old = this.walk(existing, false).target;
    const b = this.entry(newPath);
    if (b.target) throw new FsError("EEXIST");
    if (b.slash) throw new FsError("ENOENT");
    const dir = top(b);
    this.writable(dir);
    if (old.mount !== dir.mount) throw new FsError("EXDEV");
    if (isDir(old)) throw new FsError("EPERM", "hard links to directories are not allowed");
    dir.mount.fs.link(old.ino, dir.ino, b.name);
  }

  /** symlink(2): ENOENT for an empty target, ENAMETOOLONG for one of 4096 bytes or more, EEXIST, EROFS. */
  symlink(target: string, path: string): void {
    if (target === "") throw new FsError("ENOENT", "an empty symlink target");
    if (target.length * 3 >= PATH_MAX && utf8Length(target) >= PATH_MAX) throw new FsError("ENAMETOOLONG");
    const w = this.entry(path);
    if (w.target) throw new FsError("EEXIST");
    if (w.slash) throw new FsError("ENOENT");
    const dir = top(w);
    this.writable(dir);
    dir.mount.fs.symlink(dir.ino, w.name, target, 0, 0);
  }

  /** readlink(2): EINVAL for anything but a symlink. */
  readlink(path: string): string {
    const t = this.walk(path, false).target;
    if ((t.mode & S_IFMT) !== S_IFLNK) throw new FsError("EINVAL", "not a symlink");
    return t.mount.fs.readlink(t.ino);
  }

  /** The entries of a directory (without "." and ".."), in the file system's order, with their types. */
  readdir(path: string): { name: string; type: number }[] {
    const t = this.walk(path, true).target;
    if (!isDir(t)) throw new FsError("ENOTDIR");
    const fs = t.mount.fs;
    return fs.readdir(t.ino).map((e) => ({ name: e.name, type: e.type || (fs.getattr(e.ino).mode & S_IFMT) }));
  }

  /** chmod, chown, utimes and truncate by path (`follow`: false for the l* calls): EROFS on read-only mounts. */
  setattr(path: string, changes: SetAttr, follow = true): void {
    const t = this.walk(path, follow).target;
    this.writable(t);
    t.mount.fs.setattr(t.ino, changes);
  }

  /** The absolute path without symlinks, "." or ".." (realpath(3)). */
  realpath(path: string): string {
    return PathWalker.pathOf(this.walk(path, true));
  }

  statfs(path: string): StatFs {
    const t = this.walk(path, true).target;
    return t.mount.fs.statfs();
  }

  // ---- descriptor calls ----

  /** close(2): EBADF when `fd` is not open. */
  close(fd: number): void {
    const d = this.fds.table.remove(fd);
    if (d instanceof OpenFile) d.mount.fs.release(d.ino);
  }

  read(fd: number, into: Uint8Array, position: number | null): number {
    return this.fds.read(fd, into, position);
  }

  write(fd: number, data: Uint8Array, position: number | null): number {
    return this.fds.write(fd, data, position);
  }

  fstat(fd: number): VfsStat {
    return this.fds.fstat(fd);
  }

  ftruncate(fd: number, size: number): void {
    this.fds.ftruncate(fd, size);
  }

  fsync(fd: number, dataOnly: boolean): void {
    this.fds.fsync(fd, dataOnly);
  }

  /** fchmod, fchown, futimes. */
  fsetattr(fd: number, changes: SetAttr): void {
    this.fds.setattr(fd, changes);
  }

  /** The next `max` entries of the directory open as `fd` ([] at the end). */
  readdirFd(fd: number, max: number): { name: string; type: number }[] {
    return this.fds.readdir(fd, max);
  }
}
