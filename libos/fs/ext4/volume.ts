// libos/fs/ext4/volume.ts — the mounted volume's core: geometry, the block cache, the journal and the allocator;
// access to the superblock and group descriptors (read, or taken into the running transaction); the fixed-metadata
// "system zone" every block pointer is checked against; inodes (read and checked, cached, stored back with their
// checksum at the end of each handle); and the handle wrapper that makes each operation complete or undone.
// Layer: libos/fs/ext4. Depends on ../block_cache.ts, ../types.ts and the ext4 format files.

import type { BlockCache } from "../block_cache.ts";
import { S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG, S_IFSOCK, type Clock, type Timespec } from "../types.ts";
import { Allocator, type AllocHost } from "./allocator.ts";
import { Directory } from "./directory.ts";
import { asFsError, corrupt, fsErr } from "./errors.ts";
import type { ExtentHost } from "./extent_tree.ts";
import { ExtentTree } from "./extent_tree.ts";
import { BG_INODE_UNINIT, GroupDesc, checkDesc, descLocation } from "./group_desc.ts";
import type { DirIO } from "./htree.ts";
import { FL, Inode, inodeSeed } from "./inode.ts";
import type { Journal } from "./journal.ts";
import { SB_OFFSET, SB_SIZE, groupHasSuper, setSuperblockChecksum, type Geometry } from "./superblock.ts";

const VALID_TYPES = new Set([S_IFREG, S_IFDIR, S_IFLNK, S_IFCHR, S_IFBLK, S_IFIFO, S_IFSOCK]);
const INODE_CACHE = 4096;

export class Volume implements AllocHost {
  readonly validated = new WeakSet<Uint8Array>();
  readonly alloc: Allocator;
  journal!: Journal;
  readonly sbBlock: number;
  readonly sbOff: number;
  /** Fixed metadata as sorted disjoint [start, end) pairs. */
  private zone: number[] = [];
  /** Each group's inode table (fixed after mount). */
  private itable: Float64Array = new Float64Array(0);
  protected readonly inodes = new Map<number, Inode>();
  protected readonly touched = new Set<Inode>();
  readonly extentHost: ExtentHost;

  constructor(readonly cache: BlockCache, public geo: Geometry, readonly clock: Clock, public readOnly: boolean) {
    this.sbBlock = Math.floor(SB_OFFSET / geo.blockSize);
    this.sbOff = SB_OFFSET % geo.blockSize;
    this.alloc = new Allocator(this);
    this.extentHost = {
      blockSize: geo.blockSize,
      read: (b) => this.cache.get(b),
      write: (b) => this.journal.access(b),
      allocMeta: (goal) => {
        const r = this.alloc.allocBlocks(goal, 1, true);
        return { block: r.start, buf: this.journal.fresh(r.start) };
      },
      freeMeta: (b) => this.alloc.freeBlocks(b, 1, true),
      freeData: (s, l) => this.alloc.freeBlocks(s, l, false),
      rangeOk: (s, l) => this.zoneCheck(s, l),
      validated: this.validated,
    };
  }

  // --- AllocHost -------------------------------------------------------------------------------------------

  desc(g: number): GroupDesc {
    const loc = descLocation(this.geo, g);
    return new GroupDesc(this.cache.get(loc.block), loc.offset, this.geo.descSize);
  }

  descW(g: number): GroupDesc {
    const loc = descLocation(this.geo, g);
    return new GroupDesc(this.journal.access(loc.block), loc.offset, this.geo.descSize);
  }

  readBlock(block: number): Uint8Array {
    return this.cache.get(block);
  }

  access(block: number): Uint8Array {
    return this.journal.access(block);
  }

  fresh(block: number): Uint8Array {
    return this.journal.fresh(block);
  }

  sb(): Uint8Array {
    return this.cache.get(this.sbBlock).subarray(this.sbOff, this.sbOff + SB_SIZE);
  }

  sbW(): Uint8Array {
    return this.journal.access(this.sbBlock).subarray(this.sbOff, this.sbOff + SB_SIZE);
  }

  sealSuper(): void {
    if (this.geo.metadataCsum) setSuperblockChecksum(this.sbW());
  }

  forgetMeta(block: number): void {
    this.journal.forget(block);
  }

  reuseAsData(block: number): void {
    this.journal.reuseAsData(block);
  }

  hasFreedMeta(): boolean {
    return this.journal.hasFreed;
  }

  // --- checks ----------------------------------------------------------------------------------------------

  /** Checks every group descriptor and builds the system zone (`extra`: more fixed ranges, e.g. the journal). */
  checkGroups(extra: [number, number][]): void {
    const geo = this.geo;
    const ranges: [number, number][] = [[0, geo.firstDataBlock + 1 + geo.gdtBlocks + geo.reservedGdtBlocks]];
    this.itable = new Float64Array(geo.groupCount);
    for (let g = 0; g < geo.groupCount; g++) {
      const d = this.desc(g);
      checkDesc(geo, g, d);
      this.itable[g] = d.inodeTable;
      if (g > 0 && groupHasSuper(geo, g)) {
        const s = this.alloc.groupStart(g);
        ranges.push([s, s + 1 + geo.gdtBlocks + geo.reservedGdtBlocks]);
      }
      ranges.push([d.blockBitmap, d.blockBitmap + 1], [d.inodeBitmap, d.inodeBitmap + 1], [d.inodeTable, d.inodeTable + geo.inodeTableBlocks]);
    }
    ranges.push(...extra);
    ranges.sort((a, b) => a[0] - b[0]);
    const z: number[] = [];
    for (const [s, e] of ranges) {
      if (z.length && s <= z[z.length - 1]) z[z.length - 1] = Math.max(z[z.length - 1], e);
      else z.push(s, e);
    }
    this.zone = z;
  }

  /** null when blocks [start, start+len) are inside the volume and clear of fixed metadata; else why not. */
  zoneCheck(start: number, len: number): string | null {
    if (!(start >= this.geo.firstDataBlock) || start + len > this.geo.blocksCount) return `lies outside the volume's ${this.geo.blocksCount} blocks`;
    const z = this.zone;
    let lo = 0, hi = z.length / 2 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const s = z[2 * mid], e = z[2 * mid + 1];
      if (start + len <= s) hi = mid - 1;
      else if (start >= e) lo = mid + 1;
      else return `overlaps fixed metadata (blocks ${s}..${e - 1})`;
    }
    return null;
  }

  // --- inodes ----------------------------------------------------------------------------------------------

  private inodeLoc(ino: number): { block: number; off: number } {
    const geo = this.geo;
    const g = Math.floor((ino - 1) / geo.inodesPerGroup), idx = (ino - 1) % geo.inodesPerGroup;
    const byte = idx * geo.inodeSize;
    return { block: this.itable[g] + Math.floor(byte / geo.blockSize), off: byte % geo.blockSize };
  }

  /** The checksum seed of an inode's own structures (null without metadata_csum). */
  seedOf(inode: Inode): number | null {
    if (!this.geo.metadataCsum) return null;
    const gen = inode.generation;
    if (inode.seedGeneration !== gen) {
      inode.seed = inodeSeed(this.geo.csumSeed, inode.ino, gen);
      inode.seedGeneration = gen;
    }
    return inode.seed;
  }

  /**
   * Inode `ino` as stored (checked: number in range, in an initialized part of its table, checksum, extra size).
   * Does not check that it is in use. Throws EUCLEAN or EIO.
   */
  inode(ino: number): Inode {
    let i = this.inodes.get(ino);
    if (i) {
      if (this.journal?.inHandle) this.touched.add(i);
      return i;
    }
    const geo = this.geo;
    if (!Number.isInteger(ino) || ino < 1 || ino > geo.inodesCount) throw corrupt(`inode number ${ino} is outside 1..${geo.inodesCount}`);
    const g = Math.floor((ino - 1) / geo.inodesPerGroup), idx = (ino - 1) % geo.inodesPerGroup;
    const d = this.desc(g);
    if ((geo.metadataCsum || geo.gdtCsum) && ((d.flags & BG_INODE_UNINIT) || idx >= geo.inodesPerGroup - d.itableUnused)) {
      throw corrupt(`inode ${ino} lies in the unused part of group ${g}'s inode table`);
    }
    const loc = this.inodeLoc(ino);
    const raw = this.cache.get(loc.block).slice(loc.off, loc.off + geo.inodeSize);
    i = new Inode(ino, raw);
    if (geo.inodeSize > 128) {
      const x = i.extraIsize;
      if (x > geo.inodeSize - 128 || x % 4 !== 0 || (geo.metadataCsum && x < 4 && x !== 0)) throw corrupt(`inode ${ino}: extra inode size ${x}`);
    }
    if (geo.metadataCsum && !i.checksumMatches(inodeSeed(geo.csumSeed, ino, i.generation))) {
      throw corrupt(`inode ${ino}: checksum does not match its contents`);
    }
    this.remember(i);
    return i;
  }

  private remember(i: Inode): void {
    if (this.inodes.size >= INODE_CACHE) {
      let n = 0;
      for (const [k, v] of this.inodes) {
        if (!v.dirty && !this.touched.has(v)) this.inodes.delete(k);
        if (++n >= INODE_CACHE / 8) break;
      }
    }
    this.inodes.set(i.ino, i);
    if (this.journal?.inHandle) this.touched.add(i);
  }

  /** An inode in use (links, a known type, flags this implementation handles). Throws EUCLEAN otherwise. */
  live(ino: number): Inode {
    const i = this.inode(ino);
    if (i.links === 0 && !this.isOrphanLive(ino)) throw corrupt(`inode ${ino} is referenced but deleted (no links)`);
    if (!VALID_TYPES.has(i.mode & S_IFMT)) throw corrupt(`inode ${ino}: unknown file type in mode 0${i.mode.toString(8)}`);
    const f = i.flags;
    if (f & FL.INLINE_DATA) throw corrupt(`inode ${ino}: inline data flag on a volume without inline_data`);
    if (f & (FL.ENCRYPT | FL.CASEFOLD)) throw corrupt(`inode ${ino}: encryption/casefold flags on a volume without those features`);
    return i;
  }

  /** Overridden: whether an unlinked inode is still open (and so legitimately has no links). */
  protected isOrphanLive(_ino: number): boolean {
    return false;
  }

  /** A new inode's in-memory object (all zero but the extra size), remembered and to be stored at handle end. */
  newInode(ino: number): Inode {
    const raw = new Uint8Array(this.geo.inodeSize);
    const i = new Inode(ino, raw);
    if (this.geo.inodeSize > 128) i.extraIsize = Math.min(this.geo.inodeSize - 128, Math.max(32, this.geo.wantExtraIsize, this.geo.minExtraIsize));
    i.dirty = true;
    this.inodes.set(ino, i);
    this.touched.add(i);
    return i;
  }

  /** Writes a changed inode into its table block (in the transaction), with its checksum. */
  storeInode(i: Inode): void {
    if (this.geo.metadataCsum) i.setChecksum(inodeSeed(this.geo.csumSeed, i.ino, i.generation));
    const loc = this.inodeLoc(i.ino);
    const b = this.journal.access(loc.block);
    b.set(i.raw, loc.off);
    i.dirty = false;
  }

  /** Marks an inode changed (stored at the end of the handle). */
  dirty(i: Inode): void {
    i.dirty = true;
    this.touched.add(i);
  }

  now(): Timespec {
    return this.clock();
  }

  tree(i: Inode): ExtentTree {
    if (!(i.flags & FL.EXTENTS)) throw corrupt(`inode ${i.ino} has no extent tree (block-mapped files are not supported)`);
    return new ExtentTree(this.extentHost, i, this.seedOf(i));
  }

  /** Block access for directory `i` by logical block. */
  dirIO(i: Inode): DirIO {
    const bs = this.geo.blockSize;
    const map = (lblk: number): number => {
      const { extent } = this.tree(i).lookup(lblk);
      if (!extent || extent.uninit) throw corrupt(`directory inode ${i.ino} has a hole at block ${lblk}`);
      return extent.pblk + (lblk - extent.lblk);
    };
    return {
      ino: i.ino, bs, seed: this.seedOf(i), maxIno: this.geo.inodesCount, validated: this.validated,
      blockCount: () => Math.floor(i.size / bs),
      read: (lblk) => this.cache.get(map(lblk)),
      write: (lblk) => this.journal.access(map(lblk)),
      append: () => {
        const t = this.tree(i);
        const lblk = Math.floor(i.size / bs);
        const last = t.lastExtent();
        const goal = last ? last.pblk + last.len : this.alloc.groupStart(this.alloc.groupOfInode(i.ino));
        const r = this.alloc.allocBlocks(goal, 1, true);
        const buf = this.journal.fresh(r.start);
        t.insert(lblk, r.start, 1, false, goal);
        i.size = (lblk + 1) * bs;
        i.setSectors(i.sectors(bs) + bs / 512);
        this.dirty(i);
        return { lblk, buf };
      },
    };
  }

  directory(i: Inode): Directory {
    if ((i.mode & S_IFMT) !== S_IFDIR) throw fsErr("ENOTDIR");
    if (i.size % this.geo.blockSize !== 0 || i.size === 0) throw corrupt(`directory inode ${i.ino} has size ${i.size}, not a non-zero multiple of the block size`);
    const indexed = (i.flags & FL.INDEX) !== 0 && this.geo.dirIndex;
    return new Directory(this.dirIO(i), indexed, this.geo.hashSeed, this.geo.unsignedHash, this.geo.largeDir ? 3 : 2);
  }

  // --- handles ---------------------------------------------------------------------------------------------

  /**
   * Runs `fn` as one handle: its metadata changes all reach the running transaction, or (when it throws) none do.
   * Throws EROFS on a read-only mount; errors come out as FsError.
   */
  protected txn<T>(fn: () => T): T {
    if (this.readOnly) throw fsErr("EROFS");
    this.journal.begin();
    this.touched.clear();
    try {
      const r = fn();
      this.finishHandle();
      this.journal.end();
      this.touched.clear();
      if (this.journal.size >= this.journal.maxTransaction) this.journal.commit();
      return r;
    } catch (e) {
      if (this.journal.inHandle) this.rollback();
      throw asFsError(e);
    }
  }

  private finishHandle(): void {
    for (const i of this.touched) if (i.dirty) this.storeInode(i);
    this.alloc.seal();
  }

  private rollback(): void {
    this.journal.undo();
    this.inodes.clear();
    this.touched.clear();
    this.alloc.reset();
  }

  /** Forgets what was derived from blocks a replay rewrote (inodes, checked buffers stay valid per object). */
  resetAfterReplay(): void {
    this.inodes.clear();
    this.touched.clear();
    this.alloc.reset();
  }

  /** Blocks of fixed metadata (statfs's overhead). */
  zoneTotal(): number {
    let t = 0;
    for (let k = 0; k < this.zone.length; k += 2) t += this.zone[k + 1] - this.zone[k];
    return t;
  }
}
