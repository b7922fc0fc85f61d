// libos/fs/vfs/mount_table.ts — which file system is where: mounts keyed by the directory they cover (a mount point
// is an inode of the mount below it), device numbers per mount, and the walk across mount points. A mount covers
// its mount point: whatever the directory held is hidden until the mount goes. Mounts may stack (the newest wins).
// Layer: libos/fs. Depends on ../types.ts.

import { FsError, type FileSystem } from "../types.ts";

/** One mounted file system. */
export interface Mount {
  /** Device number (stat's `dev`): unique per mount. */
  readonly dev: number;
  readonly fs: FileSystem;
  /** Where it is mounted (an absolute path without symlinks), for listings and messages. */
  readonly path: string;
  /** Mounted read-only (by request or because the file system is): every change gives EROFS. */
  readonly readOnly: boolean;
  /** The directory it covers (undefined for the first root). */
  readonly covers?: { mount: Mount; ino: number };
}

export class MountTable {
  /** For each mount that has mounts on it: inode → the mount covering it. */
  private readonly covered = new Map<Mount, Map<number, Mount>>();
  private readonly all: Mount[] = [];
  private nextDev: number;

  /** Device numbers start at `firstDev` (Linux numbers anonymous devices such as tmpfs 0:N from small N). */
  constructor(firstDev = 1) {
    this.nextDev = firstDev;
  }

  /** Adds a mount over `covers` (none: the first root). */
  add(fs: FileSystem, path: string, readOnly: boolean, covers?: { mount: Mount; ino: number }): Mount {
    const mount: Mount = { dev: this.nextDev++, fs, path, readOnly: readOnly || fs.readOnly, covers };
    if (covers) {
      let inodes = this.covered.get(covers.mount);
      if (!inodes) this.covered.set(covers.mount, (inodes = new Map()));
      inodes.set(covers.ino, mount);
    }
    this.all.push(mount);
    return mount;
  }

  /** Removes a mount that nothing is mounted on (EBUSY otherwise). */
  remove(mount: Mount): void {
    if (this.covered.get(mount)?.size) throw new FsError("EBUSY", `something is mounted inside ${mount.path}`);
    const at = this.all.indexOf(mount);
    if (at < 0) throw new FsError("EINVAL", `${mount.path} is not mounted`);
    this.all.splice(at, 1);
    this.covered.delete(mount);
    if (mount.covers) {
      const inodes = this.covered.get(mount.covers.mount);
      inodes?.delete(mount.covers.ino);
      if (inodes?.size === 0) this.covered.delete(mount.covers.mount);
    }
  }

  /** The mount whose root replaces inode `ino` of `mount`, if it is a mount point. */
  coveredBy(mount: Mount, ino: number): Mount | undefined {
    return this.covered.get(mount)?.get(ino);
  }

  /** Every mount, oldest first. */
  list(): readonly Mount[] {
    return this.all;
  }
}
