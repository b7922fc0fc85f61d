// libos/fs/ext4/ext4.ts — ext4 behind the FileSystem interface: POSIX semantics of every call (lookup, create, link,
// unlink of open files through the orphan list, rmdir, rename over existing names, symlinks, truncate, sparse reads
// and writes, statfs), each change a journal handle (writes and truncates of large files a series of consistent
// handles), commit/fsync/sync/unmount durability, dir_nlink link counting, relatime-like atime.
// Layer: libos/fs/ext4. Depends on ../types.ts and the ext4 files below it.

import {
  S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, type Attr, type DirEntry, type FileSystem, type SetAttr, type StatFs, type Timespec,
} from "../types.ts";
import { fileTypeOf, modeOfFileType } from "./dir_block.ts";
import { Directory } from "./directory.ts";
import { asFsError, corrupt, fsErr } from "./errors.ts";
import { ROOT_MAX, initHeader } from "./extent.ts";
import { FL, ROOT_INO, type Inode } from "./inode.ts";
import { crc32c } from "../crc32c.ts";
import { set32, u32 } from "./le.ts";
import { INCOMPAT } from "./features.ts";
import { SB, sbFreeBlocks, sbFreeInodes, setIncompat, setSbTime, setSuperblockChecksum } from "./superblock.ts";
import { FAST_MAX, checkSlowSize, fastTarget, isFastSymlink } from "./symlink.ts";
import { utf8Decode, utf8Encode } from "./utf8.ts";
import { Volume } from "./volume.ts";

const LINK_MAX = 65000;
/** Directory names kept decoded in memory at most (whole directories, least recently used dropped first). */
const NAMES_MAX = 200_000;
const TRUNCATE_BUDGET = 256;
const WRITE_CHUNK_BLOCKS = 1024;
const XATTR_MAGIC = 0xea020000;

/** Counters for tests and benchmarks. */
export interface Ext4Stats {
  commits: number;
  checkpoints: number;
  loggedBlocks: number;
  orphansProcessed: number;
  replayedTransactions: number;
  replayedBlocks: number;
}

export class Ext4 extends Volume implements FileSystem {
  readonly type = "ext4";
  readonly rootIno = ROOT_INO;
  /** Why the volume is read-only although asked read-write (unknown ro_compat features), or "". */
  readOnlyReason = "";
  readonly replayInfo = { transactions: 0, blocks: 0 };
  private orphansProcessed = 0;
  private readonly retained = new Map<number, number>();
  private closed = false;
  private generation = 0;
  /** The names of directories of two blocks or more, decoded once: a lookup in a linear directory is otherwise a
   *  scan of every block (and in an indexed one, of a leaf). Kept up to date by every change of a name; a failed
   *  change rolls back its blocks and never touched these. */
  private readonly names = new Map<number, Map<string, number>>();
  private namesCount = 0;

  /** Journal and volume counters. */
  get stats(): Ext4Stats {
    return {
      ...this.journal.stats, orphansProcessed: this.orphansProcessed,
      replayedTransactions: this.replayInfo.transactions, replayedBlocks: this.replayInfo.blocks,
    };
  }

  private guard(): void {
    if (this.closed) throw fsErr("EIO", "the file system was unmounted");
  }

  protected override isOrphanLive(ino: number): boolean {
    return this.retained.has(ino);
  }

  private name(name: string): Uint8Array {
    const b = utf8Encode(name);
    if (b.length === 0 || name === "." || name === ".." || name.includes("/") || name.includes("\0")) throw fsErr("EINVAL", `invalid name ${JSON.stringify(name)}`);
    if (b.length > 255) throw fsErr("ENAMETOOLONG");
    return b;
  }

  private get maxFileSize(): number {
    return (2 ** 32 - 1) * this.geo.blockSize;
  }

  private isDir(i: Inode): boolean {
    return (i.mode & S_IFMT) === S_IFDIR;
  }

  // --- attributes ------------------------------------------------------------------------------------------

  getattr(ino: number): Attr {
    this.guard();
    try {
      const i = this.live(ino);
      return {
        ino, mode: i.mode, nlink: i.links, uid: i.uid, gid: i.gid, size: i.size, blocks: i.sectors(this.geo.blockSize),
        blksize: this.geo.blockSize, rdev: (i.mode & S_IFMT) === 0o020000 || (i.mode & S_IFMT) === 0o060000 ? i.rdev : 0,
        atime: i.time("atime"), mtime: i.time("mtime"), ctime: i.time("ctime"), birthtime: i.time("crtime"),
      };
    } catch (e) {
      throw asFsError(e);
    }
  }

  inodeMode(ino: number): number {
    this.guard();
    try {
      return this.live(ino).mode;
    } catch (e) {
      throw asFsError(e);
    }
  }

  setattr(ino: number, c: SetAttr): void {
    this.guard();
    if (c.size !== undefined) this.truncate(ino, c.size);
    this.txn(() => {
      const i = this.live(ino);
      const now = this.now();
      if (c.mode !== undefined) i.mode = (i.mode & S_IFMT) | (c.mode & 0o7777);
      if (c.uid !== undefined) i.uid = c.uid >>> 0;
      if (c.gid !== undefined) i.gid = c.gid >>> 0;
      if (c.atime !== undefined) i.setTime("atime", c.atime === "now" ? now : c.atime);
      if (c.mtime !== undefined) i.setTime("mtime", c.mtime === "now" ? now : c.mtime);
      i.setTime("ctime", now);
      this.dirty(i);
    });
  }

  // --- names -----------------------------------------------------------------------------------------------

  private dirOf(ino: number): { inode: Inode; dir: Directory } {
    const inode = this.live(ino);
    return { inode, dir: this.directory(inode) };
  }

  lookup(dir: number, name: string): number {
    this.guard();
    try {
      const d = this.dirOf(dir).dir;
      const m = this.namesOf(dir, d);
      if (m) {
        // The decoded names answer without encoding this one (a name that is not valid is not among them).
        const ino = m.get(name);
        if (ino !== undefined) return ino;
      }
      const n = this.name(name);
      const ino = m ? undefined : d.lookup(n)?.ino;
      if (ino === undefined) throw fsErr("ENOENT");
      return ino;
    } catch (e) {
      throw asFsError(e);
    }
  }

  readdir(dir: number): DirEntry[] {
    this.guard();
    try {
      const d = this.dirOf(dir).dir;
      const out = d.list().map((e) => ({ name: utf8Decode(e.name), ino: e.ino, type: modeOfFileType(e.ft) }));
      if (!this.names.has(dir) && d.blocks() >= 2) this.rememberNames(dir, new Map(out.map((e) => [e.name, e.ino])));
      return out;
    } catch (e) {
      throw asFsError(e);
    }
  }

  /** The decoded names of a directory of two blocks or more (read once), or undefined for a small one. */
  private namesOf(dir: number, d: Directory): Map<string, number> | undefined {
    const m = this.names.get(dir);
    if (m) {
      this.names.delete(dir);
      this.names.set(dir, m);
      return m;
    }
    if (d.blocks() < 2) return undefined;
    const fresh = new Map<string, number>();
    for (const e of d.list()) fresh.set(utf8Decode(e.name), e.ino);
    this.rememberNames(dir, fresh);
    return fresh;
  }

  private rememberNames(dir: number, m: Map<string, number>): void {
    this.names.set(dir, m);
    this.namesCount += m.size;
    for (const [d, old] of this.names) {
      if (this.namesCount <= NAMES_MAX || d === dir) break;
      this.names.delete(d);
      this.namesCount -= old.size;
    }
  }

  /** Whether `name` exists in a directory (the decoded names when there are any). */
  private has(dir: number, d: Directory, n: Uint8Array, name: string): boolean {
    const m = this.names.get(dir);
    return m ? m.has(name) : d.lookup(n) !== null;
  }

  /** After a change of names succeeded: keeps the decoded names current. */
  private named(dir: number, name: string, ino: number | undefined): void {
    const m = this.names.get(dir);
    if (!m) return;
    const had = m.has(name);
    if (ino === undefined) {
      if (had) { m.delete(name); this.namesCount--; }
    } else {
      m.set(name, ino);
      if (!had) this.namesCount++;
    }
  }

  private forgetNames(dir: number): void {
    const m = this.names.get(dir);
    if (m) {
      this.names.delete(dir);
      this.namesCount -= m.size;
    }
  }

  private initInode(ino: number, mode: number, uid: number, gid: number, extents: boolean): Inode {
    const i = this.newInode(ino);
    const now = this.now();
    i.mode = mode;
    i.uid = uid >>> 0;
    i.gid = gid >>> 0;
    i.links = 1;
    i.generation = (this.generation = (this.generation * 1103515245 + 12345 + now.nsec) >>> 0);
    for (const t of ["atime", "mtime", "ctime", "crtime"] as const) i.setTime(t, now);
    if (extents) {
      i.flags = FL.EXTENTS;
      initHeader(i.block, 0, ROOT_MAX, 0);
    }
    return i;
  }

  private addEntry(parent: Inode, d: Directory, name: Uint8Array, ino: number, mode: number): void {
    const converted = d.add(name, ino, fileTypeOf(mode), { dirIndex: this.geo.dirIndex, parentIno: d.dotdot(), hashVersion: this.geo.defHashVersion <= 2 ? this.geo.defHashVersion : 1 });
    if (converted) parent.flags = parent.flags | FL.INDEX;
    this.touchDir(parent);
  }

  private touchDir(parent: Inode): void {
    const now = this.now();
    parent.setTime("mtime", now);
    parent.setTime("ctime", now);
    this.dirty(parent);
  }

  private incDirLinks(d: Inode): void {
    if (d.links === 1 && this.geo.dirNlink) return;
    if (d.links + 1 >= LINK_MAX) {
      if (!this.geo.dirNlink || !(d.flags & FL.INDEX)) throw fsErr("EMLINK");
      d.links = 1;
    } else d.links = d.links + 1;
    this.dirty(d);
  }

  private decDirLinks(d: Inode): void {
    if (d.links > 2) {
      d.links = d.links - 1;
      this.dirty(d);
    }
  }

  create(dir: number, name: string, mode: number, uid: number, gid: number): number {
    this.guard();
    const created = this.txn(() => {
      const n = this.name(name);
      const { inode: p, dir: d } = this.dirOf(dir);
      if (this.has(dir, d, n, name)) throw fsErr("EEXIST");
      const ino = this.alloc.allocInode(dir, false);
      const i = this.initInode(ino, S_IFREG | (mode & 0o7777), uid, gid, true);
      this.addEntry(p, d, n, ino, i.mode);
      return ino;
    });
    this.named(dir, name, created);
    return created;
  }

  mkdir(dir: number, name: string, mode: number, uid: number, gid: number): number {
    this.guard();
    const created = this.txn(() => {
      const n = this.name(name);
      const { inode: p, dir: d } = this.dirOf(dir);
      if (this.has(dir, d, n, name)) throw fsErr("EEXIST");
      if (p.links >= LINK_MAX - 1 && !(this.geo.dirNlink && (p.flags & FL.INDEX))) throw fsErr("EMLINK");
      const ino = this.alloc.allocInode(dir, true);
      const i = this.initInode(ino, S_IFDIR | (mode & 0o7777), uid, gid, true);
      i.links = 2;
      const io = this.dirIO(i);
      const { buf } = io.append();
      Directory.initBlock(buf, this.geo.blockSize, this.seedOf(i), ino, dir);
      this.validated.add(buf);
      this.addEntry(p, d, n, ino, i.mode);
      this.incDirLinks(p);
      return ino;
    });
    this.named(dir, name, created);
    return created;
  }

  symlink(dir: number, name: string, target: string, uid: number, gid: number): number {
    this.guard();
    const created = this.txn(() => {
      const n = this.name(name);
      const t = utf8Encode(target);
      if (t.length === 0) throw fsErr("ENOENT", "empty symlink target");
      if (t.length >= this.geo.blockSize) throw fsErr("ENAMETOOLONG", `a symlink target of ${t.length} bytes`);
      const { inode: p, dir: d } = this.dirOf(dir);
      if (this.has(dir, d, n, name)) throw fsErr("EEXIST");
      const ino = this.alloc.allocInode(dir, false);
      const fast = t.length <= FAST_MAX;
      const i = this.initInode(ino, S_IFLNK | 0o777, uid, gid, !fast);
      if (fast) i.block.set(t);
      else {
        const goal = this.alloc.groupStart(this.alloc.groupOfInode(ino));
        const r = this.alloc.allocBlocks(goal, 1, true);
        const b = this.journal.fresh(r.start);
        b.set(t);
        this.tree(i).insert(0, r.start, 1, false, goal);
        i.setSectors(this.geo.blockSize / 512);
      }
      i.size = t.length;
      this.addEntry(p, d, n, ino, i.mode);
      return ino;
    });
    this.named(dir, name, created);
    return created;
  }

  readlink(ino: number): string {
    this.guard();
    try {
      const i = this.live(ino);
      if ((i.mode & S_IFMT) !== S_IFLNK) throw fsErr("EINVAL");
      if (isFastSymlink(i, this.geo.blockSize)) return utf8Decode(fastTarget(i));
      checkSlowSize(i, this.geo.blockSize);
      const { extent } = this.tree(i).lookup(0);
      if (!extent || extent.uninit) throw corrupt(`symlink inode ${ino} has no target block`);
      return utf8Decode(this.cache.get(extent.pblk), 0, i.size);
    } catch (e) {
      throw asFsError(e);
    }
  }

  link(ino: number, dir: number, name: string): void {
    this.guard();
    this.txn(() => {
      const n = this.name(name);
      const i = this.live(ino);
      if (this.isDir(i)) throw fsErr("EPERM");
      if (i.links >= LINK_MAX) throw fsErr("EMLINK");
      const { inode: p, dir: d } = this.dirOf(dir);
      if (this.has(dir, d, n, name)) throw fsErr("EEXIST");
      this.addEntry(p, d, n, ino, i.mode);
      i.links = i.links + 1;
      i.setTime("ctime", this.now());
      this.dirty(i);
    });
    this.named(dir, name, ino);
  }

  unlink(dir: number, name: string): void {
    this.guard();
    const ino = this.txn(() => {
      const n = this.name(name);
      const { inode: p, dir: d } = this.dirOf(dir);
      const f = d.lookup(n);
      if (!f) throw fsErr("ENOENT");
      const i = this.live(f.ino);
      if (this.isDir(i)) throw fsErr("EISDIR");
      d.remove(f);
      this.touchDir(p);
      return this.dropLink(i);
    });
    this.named(dir, name, undefined);
    if (ino) this.evict(ino);
  }

  /** One link fewer; at zero the inode goes on the orphan list. Returns its number when it should be freed now. */
  private dropLink(i: Inode): number {
    i.links = Math.max(0, i.links - 1);
    i.setTime("ctime", this.now());
    this.dirty(i);
    if (i.links > 0) return 0;
    this.orphanAdd(i);
    return this.retained.has(i.ino) ? 0 : i.ino;
  }

  rmdir(dir: number, name: string): void {
    this.guard();
    const ino = this.txn(() => {
      const n = this.name(name);
      const { inode: p, dir: d } = this.dirOf(dir);
      const f = d.lookup(n);
      if (!f) throw fsErr("ENOENT");
      const i = this.live(f.ino);
      if (!this.isDir(i)) throw fsErr("ENOTDIR");
      if (!this.directory(i).isEmpty()) throw fsErr("ENOTEMPTY");
      d.remove(f);
      this.touchDir(p);
      this.decDirLinks(p);
      i.links = 0;
      this.dirty(i);
      this.orphanAdd(i);
      this.forgetNames(i.ino);
      return this.retained.has(i.ino) ? 0 : i.ino;
    });
    this.named(dir, name, undefined);
    if (ino) this.evict(ino);
  }

  rename(srcDir: number, srcName: string, dstDir: number, dstName: string): void {
    this.guard();
    let moved: number | undefined;
    const victim = this.txn(() => {
      const sn = this.name(srcName), dn = this.name(dstName);
      const { inode: sp, dir: sd } = this.dirOf(srcDir);
      const f = sd.lookup(sn);
      if (!f) throw fsErr("ENOENT");
      const si = this.live(f.ino);
      const moveDir = this.isDir(si);
      const same = srcDir === dstDir;
      const { inode: dp, dir: dd } = same ? { inode: sp, dir: sd } : this.dirOf(dstDir);
      const g = dd.lookup(dn);
      if (g && g.ino === f.ino) return 0;
      moved = f.ino;
      let ti: Inode | null = null;
      if (g) {
        ti = this.live(g.ino);
        if (moveDir) {
          if (!this.isDir(ti)) throw fsErr("ENOTDIR");
          if (!this.directory(ti).isEmpty()) throw fsErr("ENOTEMPTY");
        } else if (this.isDir(ti)) throw fsErr("EISDIR");
      } else if (moveDir && !same && dp.links >= LINK_MAX - 1 && !(this.geo.dirNlink && (dp.flags & FL.INDEX))) {
        throw fsErr("EMLINK");
      }
      if (g) {
        dd.replace(g, f.ino, fileTypeOf(si.mode));
        this.touchDir(dp);
      } else this.addEntry(dp, dd, dn, f.ino, si.mode);
      const sdir = same ? this.directory(sp) : sd;
      const f2 = sdir.lookup(sn);
      if (!f2) throw corrupt(`directory inode ${srcDir}: entry vanished during rename`);
      sdir.remove(f2);
      this.touchDir(sp);
      const now = this.now();
      si.setTime("ctime", now);
      this.dirty(si);
      if (moveDir && !same) {
        this.directory(si).setDotdot(dstDir);
        this.decDirLinks(sp);
        if (!ti) this.incDirLinks(dp);
      }
      if (ti) {
        if (this.isDir(ti)) {
          if (same || !moveDir) this.decDirLinks(dp);
          this.forgetNames(ti.ino);
          ti.links = 0;
          ti.setTime("ctime", now);
          this.dirty(ti);
          this.orphanAdd(ti);
          return this.retained.has(ti.ino) ? 0 : ti.ino;
        }
        return this.dropLink(ti);
      }
      return 0;
    });
    if (moved !== undefined) {
      this.named(srcDir, srcName, undefined);
      this.named(dstDir, dstName, moved);
    }
    if (victim) this.evict(victim);
  }

  // --- data ------------------------------------------------------------------------------------------------

  read(ino: number, position: number, into: Uint8Array): number {
    this.guard();
    let n: number;
    let i: Inode;
    try {
      i = this.live(ino);
      if (this.isDir(i)) throw fsErr("EISDIR");
      if ((i.mode & S_IFMT) !== S_IFREG) throw fsErr("EINVAL");
      if (!(position >= 0)) throw fsErr("EINVAL");
      const size = i.size;
      if (position >= size || into.length === 0) return 0;
      n = Math.min(into.length, size - position);
      this.readRange(i, position, into, n);
    } catch (e) {
      throw asFsError(e);
    }
    this.touchAtime(i);
    return n;
  }

  private readRange(i: Inode, pos: number, into: Uint8Array, n: number): void {
    const bs = this.geo.blockSize;
    const t = this.tree(i);
    let done = 0;
    while (done < n) {
      const p = pos + done;
      const lblk = Math.floor(p / bs);
      const { extent, next } = t.lookup(lblk);
      if (!extent || extent.uninit) {
        const upto = extent ? (extent.lblk + extent.len) * bs : Math.min(next * bs, Infinity);
        const k = Math.min(n - done, upto - p);
        into.fill(0, done, done + k);
        done += k;
        continue;
      }
      const endByte = (extent.lblk + extent.len) * bs;
      const stop = Math.min(n, endByte - pos);
      while (done < stop) {
        const q = pos + done;
        const lb = Math.floor(q / bs);
        const off = q - lb * bs;
        const k = Math.min(stop - done, bs - off);
        const blk = this.cache.get(extent.pblk + (lb - extent.lblk));
        into.set(blk.subarray(off, off + k), done);
        done += k;
      }
    }
  }

  /** relatime: atime moves when it is older than mtime/ctime or a day old. Failures are ignored (reads succeed). */
  private touchAtime(i: Inode): void {
    if (this.readOnly || this.journal.aborted) return;
    const a = i.time("atime"), m = i.time("mtime"), c = i.time("ctime"), now = this.now();
    const le = (x: Timespec, y: Timespec) => x.sec < y.sec || (x.sec === y.sec && x.nsec <= y.nsec);
    if (!(le(a, m) || le(a, c) || now.sec - a.sec >= 86400)) return;
    try {
      this.txn(() => {
        const j = this.live(i.ino);
        j.setTime("atime", now);
        this.dirty(j);
      });
    } catch {
      // A read does not fail because its access time could not be recorded.
    }
  }

  write(ino: number, position: number, data: Uint8Array): number {
    this.guard();
    if (!(position >= 0) || !Number.isInteger(position)) throw fsErr("EINVAL");
    if (position + data.length > this.maxFileSize) throw fsErr("EFBIG");
    const bs = this.geo.blockSize;
    let done = 0;
    let enospc = false;
    do {
      this.txn(() => {
        const i = this.live(ino);
        if (this.isDir(i)) throw fsErr("EISDIR");
        if ((i.mode & S_IFMT) !== S_IFREG) throw fsErr("EINVAL");
        const chunkEnd = Math.min(data.length, done + WRITE_CHUNK_BLOCKS * bs - ((position + done) % bs));
        try {
          done = this.writeRange(i, position, data, done, chunkEnd);
        } catch (e) {
          if (!(e instanceof Error && (e as { code?: string }).code === "ENOSPC")) throw e;
          enospc = true;
          done = (e as unknown as { written: number }).written ?? done;
        }
        if (position + done > i.size) i.size = position + done;
        const now = this.now();
        i.setTime("mtime", now);
        i.setTime("ctime", now);
        this.dirty(i);
      });
      if (this.cache.dirtyBlocks * bs > this.cacheBytes / 2) this.cache.writeBack();
    } while (done < data.length && !enospc);
    if (enospc) throw fsErr("ENOSPC");
    return data.length;
  }

  /** Bytes of cache (set at mount). */
  cacheBytes = 8 * 1024 * 1024;

  /** Writes data[from, to) at position+from; returns how far it got (ENOSPC carries `written`). */
  private writeRange(i: Inode, position: number, data: Uint8Array, from: number, to: number): number {
    const bs = this.geo.blockSize;
    const t = this.tree(i);
    let done = from;
    let goal = -1;
    while (done < to) {
      const p = position + done;
      const lblk = Math.floor(p / bs);
      const { extent, next } = t.lookup(lblk);
      if (extent && !extent.uninit) {
        const stop = Math.min(to, (extent.lblk + extent.len) * bs - position);
        while (done < stop) {
          const q = position + done;
          const lb = Math.floor(q / bs), off = q - lb * bs;
          const k = Math.min(stop - done, bs - off);
          this.putData(extent.pblk + (lb - extent.lblk), false, off, data, done, k);
          done += k;
        }
        goal = extent.pblk + extent.len;
        continue;
      }
      if (extent && extent.uninit) {
        const stop = Math.min(to, (extent.lblk + extent.len) * bs - position);
        const first = lblk;
        while (done < stop) {
          const q = position + done;
          const lb = Math.floor(q / bs), off = q - lb * bs;
          const k = Math.min(stop - done, bs - off);
          this.putData(extent.pblk + (lb - extent.lblk), true, off, data, done, k);
          done += k;
        }
        const last = Math.floor((position + done - 1) / bs);
        t.markInitialized(first, last - first + 1, extent.pblk);
        goal = extent.pblk + extent.len;
        continue;
      }
      const endBlock = Math.min(next, Math.floor((position + to - 1) / bs) + 1);
      const count = endBlock - lblk;
      if (goal < 0) goal = this.goalFor(i, t, lblk);
      let r: { start: number; len: number };
      try {
        r = this.alloc.allocBlocks(goal, count, false);
      } catch (e) {
        if ((e as { code?: string }).code === "ENOSPC") throw Object.assign(e as Error, { written: done });
        throw e;
      }
      try {
        t.insert(lblk, r.start, r.len, false, r.start);
      } catch (e) {
        if ((e as { code?: string }).code === "ENOSPC") {
          this.alloc.freeBlocks(r.start, r.len, false);
          throw Object.assign(e as Error, { written: done });
        }
        throw e;
      }
      i.setSectors(i.sectors(bs) + r.len * (bs / 512));
      const stop = Math.min(to, (lblk + r.len) * bs - position);
      while (done < stop) {
        const q = position + done;
        const lb = Math.floor(q / bs), off = q - lb * bs;
        const k = Math.min(stop - done, bs - off);
        this.putData(r.start + (lb - lblk), true, off, data, done, k);
        done += k;
      }
      goal = r.start + r.len;
    }
    return done;
  }

  private goalFor(i: Inode, t: ReturnType<Volume["tree"]>, lblk: number): number {
    if (lblk > 0) {
      const { extent } = t.lookup(lblk - 1);
      if (extent) return extent.pblk + (lblk - extent.lblk);
    }
    const last = t.lastExtent();
    if (last) return last.pblk + last.len;
    const g = this.alloc.groupOfInode(i.ino);
    return this.alloc.groupStart(g - (g % this.geo.flexSize));
  }

  /** Puts k bytes of src at byte `off` of data block `pblk` (`fresh`: its old contents are garbage or zeros). */
  private putData(pblk: number, fresh: boolean, off: number, src: Uint8Array, at: number, k: number): void {
    const bs = this.geo.blockSize;
    if (k === bs) {
      this.cache.markDirty(pblk, src.slice(at, at + bs));
      return;
    }
    const b = fresh ? this.cache.zeroed(pblk) : this.cache.get(pblk);
    b.set(src.subarray(at, at + k), off);
    this.cache.markDirty(pblk);
  }

  /** Sets a regular file's size: growing leaves a hole; shrinking frees what lies past the end. */
  private truncate(ino: number, size: number): void {
    if (!Number.isInteger(size) || size < 0) throw fsErr("EINVAL");
    if (size > this.maxFileSize) throw fsErr("EFBIG");
    const bs = this.geo.blockSize;
    const more = this.txn(() => {
      const i = this.live(ino);
      if (this.isDir(i)) throw fsErr("EISDIR");
      if ((i.mode & S_IFMT) !== S_IFREG) throw fsErr("EINVAL");
      const old = i.size;
      const now = this.now();
      i.setTime("mtime", now);
      i.setTime("ctime", now);
      this.dirty(i);
      if (size >= old) {
        i.size = size;
        return false;
      }
      const t = this.tree(i);
      if (size % bs !== 0) {
        const { extent } = t.lookup(Math.floor(size / bs));
        if (extent && !extent.uninit) {
          const pblk = extent.pblk + (Math.floor(size / bs) - extent.lblk);
          const b = this.cache.get(pblk);
          b.fill(0, size % bs);
          this.cache.markDirty(pblk);
        }
      }
      i.size = size;
      if (t.truncate(Math.ceil(size / bs), TRUNCATE_BUDGET)) return false;
      this.orphanAdd(i);
      return true;
    });
    if (more) this.finishTruncate(ino, Math.ceil(size / bs), false);
  }

  /** Frees blocks from `from` on in bounded handles, then takes the inode off the orphan list (or frees it). */
  private finishTruncate(ino: number, from: number, free: boolean): void {
    for (let done = false; !done;) {
      done = this.txn(() => {
        const i = this.inode(ino);
        if (!(i.flags & FL.EXTENTS) || ((i.mode & S_IFMT) === S_IFLNK && isFastSymlink(i, this.geo.blockSize))) return true;
        return this.tree(i).truncate(from, TRUNCATE_BUDGET);
      });
    }
    this.txn(() => {
      const i = this.inode(ino);
      if (free) this.freeInode(i);
      else this.orphanDel(i);
    });
  }

  /** Frees an unlinked, unretained inode: its blocks (in bounded handles), its xattr block, the inode. */
  private evict(ino: number): void {
    this.finishTruncate(ino, 0, true);
  }

  private freeInode(i: Inode): void {
    const isDir = this.isDir(i);
    if (i.fileAcl) this.dropXattrBlock(i);
    this.orphanDel(i);
    i.links = 0;
    i.size = 0;
    i.setSectors(0);
    i.dtime = Math.max(1, this.now().sec) >>> 0;
    i.block.fill(0);
    i.flags = i.flags & ~(FL.EXTENTS | FL.INDEX);
    this.dirty(i);
    this.alloc.freeInode(i.ino, isDir);
  }

  private dropXattrBlock(i: Inode): void {
    const blk = i.fileAcl;
    const why = this.zoneCheck(blk, 1);
    if (why) throw corrupt(`inode ${i.ino}: extended attribute block ${blk} ${why}`);
    const b = this.cache.get(blk);
    if (u32(b, 0) !== XATTR_MAGIC) throw corrupt(`inode ${i.ino}: extended attribute block ${blk} has magic 0x${u32(b, 0).toString(16)}`);
    const refs = u32(b, 4);
    if (refs > 1) {
      const w = this.journal.access(blk);
      set32(w, 4, refs - 1);
      if (this.geo.metadataCsum) {
        set32(w, 0x10, 0);
        const n = new Uint8Array(8);
        set32(n, 0, blk % 0x100000000);
        set32(n, 4, Math.floor(blk / 0x100000000));
        set32(w, 0x10, crc32c(crc32c(this.geo.csumSeed, n), w));
      }
    } else this.alloc.freeBlocks(blk, 1, true);
    i.setSectors(Math.max(0, i.sectors(this.geo.blockSize) - this.geo.blockSize / 512));
    i.fileAcl = 0;
  }

  // --- orphans ---------------------------------------------------------------------------------------------

  private orphanAdd(i: Inode): void {
    const sb = this.sbW();
    if (this.onOrphanList(i.ino)) return;
    i.dtime = u32(sb, SB.lastOrphan);
    this.dirty(i);
    set32(sb, SB.lastOrphan, i.ino);
    this.sealSuperLater();
  }

  private onOrphanList(ino: number): boolean {
    let cur = u32(this.sb(), SB.lastOrphan);
    for (let n = 0; cur !== 0 && n < this.geo.inodesCount; n++) {
      if (cur === ino) return true;
      cur = this.inode(cur).dtime;
    }
    return false;
  }

  private orphanDel(i: Inode): void {
    const head = u32(this.sb(), SB.lastOrphan);
    if (head === i.ino) {
      set32(this.sbW(), SB.lastOrphan, i.dtime);
      this.sealSuperLater();
    } else {
      let cur = head;
      for (let n = 0; cur !== 0 && n < this.geo.inodesCount; n++) {
        const c = this.inode(cur);
        if (c.dtime === i.ino) {
          c.dtime = i.dtime;
          this.dirty(c);
          break;
        }
        cur = c.dtime;
      }
    }
    i.dtime = 0;
    this.dirty(i);
  }

  private sealSuperLater(): void {
    this.sealSuper();
  }

  /** Finishes what a crash interrupted: unlinked inodes are freed, truncations completed. Throws EUCLEAN. */
  processOrphans(): void {
    const seen = new Set<number>();
    for (;;) {
      const head = u32(this.sb(), SB.lastOrphan);
      if (head === 0) return;
      if (seen.has(head)) throw corrupt(`orphan list: inode ${head} appears twice`);
      seen.add(head);
      if (head > this.geo.inodesCount || head < this.geo.firstIno) throw corrupt(`orphan list: inode ${head} is not a file's inode`);
      if (!this.alloc.inodeInUse(head)) throw corrupt(`orphan list: inode ${head} is not in use`);
      const i = this.inode(head);
      this.orphansProcessed++;
      if (i.links === 0) this.evict(head);
      else {
        const bs = this.geo.blockSize;
        const isReg = (i.mode & S_IFMT) === S_IFREG;
        this.finishTruncate(head, isReg ? Math.ceil(i.size / bs) : Infinity, false);
      }
    }
  }

  // --- open files ------------------------------------------------------------------------------------------

  retain(ino: number): void {
    this.retained.set(ino, (this.retained.get(ino) ?? 0) + 1);
  }

  release(ino: number): void {
    const n = (this.retained.get(ino) ?? 0) - 1;
    if (n > 0) {
      this.retained.set(ino, n);
      return;
    }
    this.retained.delete(ino);
    if (this.readOnly || this.closed) return;
    let links = 1;
    try {
      links = this.inode(ino).links;
    } catch {
      return;
    }
    if (links === 0) this.evict(ino);
  }

  // --- durability ------------------------------------------------------------------------------------------

  /** Commits the running transaction (the integrator calls this every few seconds). Throws EIO on device errors. */
  commit(): void {
    if (this.readOnly || this.closed) return;
    this.journal.commit();
  }

  fsync(_ino: number, _dataOnly: boolean): void {
    this.guard();
    if (this.readOnly) return;
    this.journal.commit();
  }

  sync(): void {
    this.guard();
    if (this.readOnly) return;
    this.journal.commit();
  }

  statfs(): StatFs {
    this.guard();
    const sb = this.sb();
    const bfree = sbFreeBlocks(sb, this.geo.is64);
    const overhead = u32(sb, SB.overheadClusters) || this.overhead;
    return {
      type: 0xef53, bsize: this.geo.blockSize, blocks: this.geo.blocksCount - overhead, bfree,
      bavail: Math.max(0, bfree - this.geo.reservedBlocks), files: this.geo.inodesCount, ffree: sbFreeInodes(sb), namelen: 255,
    };
  }

  /** Metadata blocks (set at mount from the system zone). */
  overhead = 0;

  unmount(): void {
    if (this.closed) return;
    if (!this.readOnly) {
      for (const ino of [...this.retained.keys()]) {
        this.retained.delete(ino);
        try {
          if (this.inode(ino).links === 0) this.evict(ino);
        } catch {
          // left on the orphan list: the next mount frees it
        }
      }
      this.journal.close();
      const block = this.cache.get(this.sbBlock).slice();
      const sb = block.subarray(this.sbOff, this.sbOff + 1024);
      setIncompat(sb, INCOMPAT.needs_recovery, false);
      setSbTime(sb, SB.wtime, SB.wtimeHi, this.now().sec);
      if (this.geo.metadataCsum) setSuperblockChecksum(sb);
      this.cache.writeThrough([{ block: this.sbBlock, data: block }]);
      this.cache.flushDevice();
    }
    this.closed = true;
  }
}

