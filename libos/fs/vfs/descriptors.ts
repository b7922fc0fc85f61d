// libos/fs/vfs/descriptors.ts — I/O on file descriptors: read/write at the file position or at a given one
// (pread/pwrite), O_APPEND (every write goes to the end, positional ones too, as on Linux), O_SYNC/O_DSYNC, and
// the f* calls (fstat, ftruncate, fsync, fchmod, fchown, futimes) with Linux's errors: EBADF for a descriptor not
// open for that access, EISDIR for reading a directory, EINVAL for truncating one not open for writing.
// Layer: libos/fs. Depends on ../types.ts, fd_table.ts and flags.ts.

import { FsError, S_IFCHR, S_IFMT, S_IFREG, type Attr, type Timespec } from "../types.ts";
import { FdTable, OpenFile, StdioFile, type StdioSink } from "./fd_table.ts";
import { O_ACCMODE, O_APPEND, O_DSYNC, O_RDONLY, O_SYNC, O_WRONLY } from "./flags.ts";

/** stat(2)'s fields: the file system's attributes plus the device number of the mount. */
export interface VfsStat extends Attr {
  dev: number;
}

const ZERO: Timespec = { sec: 0, nsec: 0 };

/** stat's fields for `attr` of a file on the mount with device number `dev` (a plain copy: no spread, no rest). */
export function statOf(dev: number, a: Attr): VfsStat {
  return {
    dev, ino: a.ino, mode: a.mode, nlink: a.nlink, uid: a.uid, gid: a.gid, size: a.size, blocks: a.blocks,
    blksize: a.blksize, rdev: a.rdev, atime: a.atime, mtime: a.mtime, ctime: a.ctime, birthtime: a.birthtime,
  };
}

/** What fstat reports for fds 0–2: a character device (the serial console), as a tty would be. */
function stdioStat(fd: number): VfsStat {
  return {
    dev: 0, ino: fd + 1, mode: S_IFCHR | 0o620, nlink: 1, uid: 0, gid: 0, size: 0, blocks: 0, blksize: 1024,
    rdev: (4 << 8) | 64, atime: ZERO, mtime: ZERO, ctime: ZERO, birthtime: ZERO,
  };
}

/** The descriptor table and I/O on it. Every method throws FsError (EBADF for a descriptor that is not open). */
export class Descriptors {
  constructor(readonly table: FdTable) {}

  /** The open file behind `fd` (EBADF for stdio too, where a file is needed). */
  file(fd: number): OpenFile {
    const d = this.table.get(fd);
    if (!(d instanceof OpenFile)) throw new FsError("EINVAL", `fd ${fd} is the console, not a file`);
    return d;
  }

  /** Sets where writes to fd 1 or 2 go. */
  setSink(fd: 1 | 2, sink: StdioSink): void {
    const s = this.table.stdio(fd);
    if (s) s.sink = sink;
  }

  /**
   * Reads up to `into.length` bytes at `position` (null: at the file position, which moves). Returns how many
   * (0 at the end; always 0 for fd 0). EBADF when not open for reading, EISDIR for a directory.
   */
  read(fd: number, into: Uint8Array, position: number | null): number {
    const d = this.table.get(fd);
    if (d instanceof StdioFile) {
      if (d.fd !== 0) throw new FsError("EBADF", `fd ${d.fd} is open for writing only`);
      return 0;
    }
    if ((d.flags & O_ACCMODE) === O_WRONLY) throw new FsError("EBADF", "the file is open for writing only");
    if (d.isDir) throw new FsError("EISDIR");
    if (position !== null && position < 0) throw new FsError("EINVAL", "a negative position");
    if (into.length === 0) return 0;
    const n = d.mount.fs.read(d.ino, position ?? d.position, into);
    if (position === null) d.position += n;
    return n;
  }

  /**
   * Writes all of `data` at `position` (null: at the file position, which moves; with O_APPEND always at the
   * end). Returns data.length. EBADF when not open for writing; ENOSPC, EFBIG from the file system.
   */
  write(fd: number, data: Uint8Array, position: number | null): number {
    const d = this.table.get(fd);
    if (d instanceof StdioFile) {
      if (d.fd === 0) throw new FsError("EBADF", "fd 0 is open for reading only");
      if (data.length) d.sink?.(data);
      return data.length;
    }
    if ((d.flags & O_ACCMODE) === O_RDONLY) throw new FsError("EBADF", "the file is open for reading only");
    if (position !== null && position < 0) throw new FsError("EINVAL", "a negative position");
    if (data.length === 0) return 0;
    const fs = d.mount.fs;
    const append = (d.flags & O_APPEND) !== 0;
    const at = append ? fs.getattr(d.ino).size : position ?? d.position;
    const n = fs.write(d.ino, at, data);
    if (position === null) d.position = at + n;
    if (d.flags & O_DSYNC) fs.fsync(d.ino, (d.flags & O_SYNC) !== O_SYNC);
    return n;
  }

  fstat(fd: number): VfsStat {
    const d = this.table.get(fd);
    if (d instanceof StdioFile) return stdioStat(d.fd);
    return statOf(d.mount.dev, d.mount.fs.getattr(d.ino));
  }

  /** EINVAL unless a regular file open for writing; EFBIG past the file system's largest size. */
  ftruncate(fd: number, size: number): void {
    const d = this.table.get(fd);
    if (d instanceof StdioFile || (d.flags & O_ACCMODE) === O_RDONLY) throw new FsError("EINVAL", "not open for writing");
    if ((d.mount.fs.getattr(d.ino).mode & S_IFMT) !== S_IFREG) throw new FsError("EINVAL", "not a regular file");
    d.mount.fs.setattr(d.ino, { size });
  }

  /** EINVAL for the console (as for a tty). */
  fsync(fd: number, dataOnly: boolean): void {
    const d = this.table.get(fd);
    if (d instanceof StdioFile) throw new FsError("EINVAL", "the console cannot be synced");
    d.mount.fs.fsync(d.ino, dataOnly);
  }

  /** fchmod/fchown/futimes: any open file; EROFS on a read-only mount. */
  setattr(fd: number, changes: Parameters<OpenFile["mount"]["fs"]["setattr"]>[1]): void {
    const d = this.table.get(fd);
    if (d instanceof StdioFile) throw new FsError("EPERM", "the console's attributes are fixed");
    if (d.mount.readOnly) throw new FsError("EROFS");
    d.mount.fs.setattr(d.ino, changes);
  }

  /**
   * The next `max` entries of a directory opened as `fd` (opendir's read), [] at the end. The listing is taken
   * when the first chunk is read, so entries added or removed later do not disturb the walk.
   */
  readdir(fd: number, max: number): { name: string; type: number }[] {
    const d = this.file(fd);
    if (!d.isDir) throw new FsError("ENOTDIR");
    if (!d.entries) {
      const fs = d.mount.fs;
      d.entries = fs.readdir(d.ino).map((e) => ({ name: e.name, type: e.type || (fs.getattr(e.ino).mode & S_IFMT) }));
    }
    const chunk = d.entries.slice(d.position, d.position + max);
    d.position += chunk.length;
    return chunk;
  }
}
