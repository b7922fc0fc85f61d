// libos/fs/vfs/mount_dirs.ts — the directories that hold mount points when nothing is mounted at "/" (as an
// initramfs root holds /tmp and /data before anything is mounted there): a tiny FileSystem of empty, read-only
// directories. The VFS adds directories with addDir() when a mount needs a path that does not exist; every change
// through the FileSystem interface throws EROFS.
// Layer: libos/fs. Depends on ../types.ts.

import {
  FsError, S_IFDIR, type Attr, type DirEntry, type FileSystem, type SetAttr, type StatFs, type Timespec,
} from "../types.ts";

interface Dir {
  children: Map<string, number>;
  time: Timespec;
}

/** statfs(2)'s f_type of Linux's ramfs/rootfs (0x858458f6), which this stands in for. */
const RAMFS_MAGIC = 0x858458f6;

export class MountDirs implements FileSystem {
  readonly type = "rootfs";
  readonly readOnly = true;
  readonly rootIno = 1;
  private readonly dirs = new Map<number, Dir>();

  constructor(private readonly now: () => Timespec) {
    this.dirs.set(1, { children: new Map(), time: now() });
  }

  /** Creates (or finds) directory `name` in `dir`; returns its inode. */
  addDir(dir: number, name: string): number {
    const d = this.node(dir);
    const found = d.children.get(name);
    if (found !== undefined) return found;
    const ino = this.dirs.size + 1;
    this.dirs.set(ino, { children: new Map(), time: this.now() });
    d.children.set(name, ino);
    d.time = this.now();
    return ino;
  }

  private node(ino: number): Dir {
    const d = this.dirs.get(ino);
    if (!d) throw new FsError("ENOENT", `no inode ${ino} among the mount-point directories`);
    return d;
  }

  getattr(ino: number): Attr {
    const d = this.node(ino);
    const t = d.time;
    return {
      ino, mode: S_IFDIR | 0o755, nlink: 2 + d.children.size, uid: 0, gid: 0, size: 0, blocks: 0, blksize: 4096, rdev: 0,
      atime: t, mtime: t, ctime: t, birthtime: t,
    };
  }

  /** The mode alone (for the VFS's walk). */
  inodeMode(ino: number): number {
    this.node(ino);
    return S_IFDIR | 0o755;
  }

  lookup(dir: number, name: string): number {
    const ino = this.node(dir).children.get(name);
    if (ino === undefined) throw new FsError("ENOENT");
    return ino;
  }

  readdir(dir: number): DirEntry[] {
    return [...this.node(dir).children].map(([name, ino]) => ({ name, ino, type: S_IFDIR }));
  }

  read(ino: number, _position: number, _into: Uint8Array): number {
    this.node(ino);
    throw new FsError("EISDIR");
  }

  readlink(ino: number): string {
    this.node(ino);
    throw new FsError("EINVAL");
  }

  statfs(): StatFs {
    return { type: RAMFS_MAGIC, bsize: 4096, blocks: 0, bfree: 0, bavail: 0, files: this.dirs.size, ffree: 0, namelen: 255 };
  }

  private readOnlyError(): never {
    throw new FsError("EROFS", "the root holds only mount points: write under a mounted file system (/tmp, a disk)");
  }

  setattr(_ino: number, _changes: SetAttr): void { this.readOnlyError(); }
  write(_ino: number, _position: number, _data: Uint8Array): number { return this.readOnlyError(); }
  create(_dir: number, _name: string, _mode: number, _uid: number, _gid: number): number { return this.readOnlyError(); }
  mkdir(_dir: number, _name: string, _mode: number, _uid: number, _gid: number): number { return this.readOnlyError(); }
  symlink(_dir: number, _name: string, _target: string, _uid: number, _gid: number): number { return this.readOnlyError(); }
  link(_ino: number, _dir: number, _name: string): void { this.readOnlyError(); }
  unlink(_dir: number, _name: string): void { this.readOnlyError(); }
  rmdir(_dir: number, _name: string): void { this.readOnlyError(); }
  rename(_srcDir: number, _srcName: string, _dstDir: number, _dstName: string): void { this.readOnlyError(); }
  fsync(_ino: number, _dataOnly: boolean): void {}
  sync(): void {}
  retain(_ino: number): void {}
  release(_ino: number): void {}
  unmount(): void {}
}
