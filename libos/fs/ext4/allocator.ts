// libos/fs/ext4/allocator.ts — block and inode allocation over the group bitmaps, keeping the group descriptors' and
// the superblock's free counts exact. Policy: data goes at the goal (right after the file's last block, else the
// start of the inode's flex group) and extends into a contiguous run; directories' inodes are spread over groups
// with more than average free inodes and blocks, files' inodes stay in their directory's group. Blocks freed by
// the running transaction are not handed out again before it commits (a snapshot of each touched bitmap as last
// committed is consulted), except as a last resort. Uninitialized groups get their bitmaps built on first use.
// Layer: libos/fs/ext4. Depends on bitmap.ts, group_desc.ts, superblock.ts, errors.ts.

import { allSet, bitmapChecksum, clearRange, findClear, clearRun, setBit, setRange, testBit, clearBit } from "./bitmap.ts";
import { corrupt, fsErr } from "./errors.ts";
import { BG_BLOCK_UNINIT, BG_INODE_UNINIT, GroupDesc, descChecksum } from "./group_desc.ts";
import { groupHasSuper, sbFreeBlocks, sbFreeInodes, setSbFreeBlocks, setSbFreeInodes, type Geometry } from "./superblock.ts";

/** What the allocator needs from the volume. */
export interface AllocHost {
  readonly geo: Geometry;
  desc(g: number): GroupDesc;
  descW(g: number): GroupDesc;
  readBlock(block: number): Uint8Array;
  /** A metadata block in the running transaction. */
  access(block: number): Uint8Array;
  /** A metadata block in the running transaction, zeroed (its old contents do not matter). */
  fresh(block: number): Uint8Array;
  sbW(): Uint8Array;
  sealSuper(): void;
  /** null when [start, start+len) is clear of fixed metadata. */
  zoneCheck(start: number, len: number): string | null;
  /** A freed metadata block (revoke bookkeeping). */
  forgetMeta(block: number): void;
  reuseAsData(block: number): void;
  hasFreedMeta(): boolean;
  readonly validated: WeakSet<Uint8Array>;
}

export class Allocator {
  private readonly snapshots = new Map<number, Uint8Array>();
  private readonly dirty = new Set<number>();
  private superDirty = false;
  private dirRotor = 0;
  /** Free blocks and inodes per group, mirrored from the descriptors (rebuilt after an undo). */
  private freeB: Float64Array | null = null;
  private freeI: Float64Array | null = null;

  constructor(private readonly host: AllocHost) {}

  private counts(): { fb: Float64Array; fi: Float64Array } {
    if (!this.freeB || !this.freeI) {
      const n = this.geo.groupCount;
      this.freeB = new Float64Array(n);
      this.freeI = new Float64Array(n);
      for (let g = 0; g < n; g++) {
        const d = this.host.desc(g);
        this.freeB[g] = d.freeBlocks;
        this.freeI[g] = d.freeInodes;
      }
    }
    return { fb: this.freeB, fi: this.freeI };
  }

  private get geo(): Geometry {
    return this.host.geo;
  }

  groupOf(block: number): number {
    return Math.floor((block - this.geo.firstDataBlock) / this.geo.blocksPerGroup);
  }

  groupStart(g: number): number {
    return this.geo.firstDataBlock + g * this.geo.blocksPerGroup;
  }

  /** Blocks in group g (the last may be short). */
  groupBlocks(g: number): number {
    return Math.min(this.geo.blocksPerGroup, this.geo.blocksCount - this.groupStart(g));
  }

  /** The bitmap a BLOCK_UNINIT group implies: its superblock backup and descriptor table, its own metadata, padding. */
  private uninitBlockBitmap(g: number, d: GroupDesc, into: Uint8Array): void {
    into.fill(0);
    const start = this.groupStart(g), n = this.groupBlocks(g);
    if (groupHasSuper(this.geo, g)) setRange(into, 0, Math.min(n, 1 + this.geo.gdtBlocks + this.geo.reservedGdtBlocks + (g === 0 && this.geo.firstDataBlock === 0 ? 0 : 0)));
    for (const [b, len] of [[d.blockBitmap, 1], [d.inodeBitmap, 1], [d.inodeTable, this.geo.inodeTableBlocks]]) {
      const lo = Math.max(b, start), hi = Math.min(b + len, start + n);
      if (lo < hi) setRange(into, lo - start, hi - start);
    }
    setRange(into, n, into.length * 8);
  }

  /** Group g's block bitmap for reading (checked once; computed for an uninitialized group). */
  blockBitmap(g: number): Uint8Array {
    const d = this.host.desc(g);
    if (d.flags & BG_BLOCK_UNINIT) {
      const b = new Uint8Array(this.geo.blockSize);
      this.uninitBlockBitmap(g, d, b);
      return b;
    }
    const b = this.host.readBlock(d.blockBitmap);
    if (!this.host.validated.has(b)) {
      if (this.geo.metadataCsum && !d.blockBitmapCsumMatches(bitmapChecksum(this.geo.csumSeed, b, this.geo.blocksPerGroup))) {
        throw corrupt(`group ${g}: block bitmap (block ${d.blockBitmap}) checksum does not match`);
      }
      this.host.validated.add(b);
    }
    return b;
  }

  private blockBitmapW(g: number): Uint8Array {
    const d = this.host.desc(g);
    if (d.flags & BG_BLOCK_UNINIT) {
      const b = this.host.fresh(d.blockBitmap);
      this.uninitBlockBitmap(g, d, b);
      const w = this.host.descW(g);
      w.flags = w.flags & ~BG_BLOCK_UNINIT;
      this.host.validated.add(b);
      this.dirty.add(g);
      return b;
    }
    this.blockBitmap(g);
    const b = this.host.access(d.blockBitmap);
    this.host.validated.add(b);
    return b;
  }

  /** Group g's inode bitmap for reading (all clear for an uninitialized group). */
  inodeBitmap(g: number): Uint8Array {
    const d = this.host.desc(g);
    if (d.flags & BG_INODE_UNINIT) {
      const b = new Uint8Array(this.geo.blockSize);
      setRange(b, this.geo.inodesPerGroup, b.length * 8);
      return b;
    }
    const b = this.host.readBlock(d.inodeBitmap);
    if (!this.host.validated.has(b)) {
      if (this.geo.metadataCsum && !d.inodeBitmapCsumMatches(bitmapChecksum(this.geo.csumSeed, b, this.geo.inodesPerGroup))) {
        throw corrupt(`group ${g}: inode bitmap (block ${d.inodeBitmap}) checksum does not match`);
      }
      this.host.validated.add(b);
    }
    return b;
  }

  private inodeBitmapW(g: number): Uint8Array {
    const d = this.host.desc(g);
    if (d.flags & BG_INODE_UNINIT) {
      const b = this.host.fresh(d.inodeBitmap);
      setRange(b, this.geo.inodesPerGroup, b.length * 8);
      const w = this.host.descW(g);
      w.flags = w.flags & ~BG_INODE_UNINIT;
      this.host.validated.add(b);
      this.dirty.add(g);
      return b;
    }
    this.inodeBitmap(g);
    const b = this.host.access(d.inodeBitmap);
    this.host.validated.add(b);
    return b;
  }

  private addFreeBlocks(delta: number): void {
    const sb = this.host.sbW();
    const v = sbFreeBlocks(sb, this.geo.is64) + delta;
    setSbFreeBlocks(sb, this.geo.is64, Math.max(0, v));
    this.superDirty = true;
  }

  private addFreeInodes(delta: number): void {
    const sb = this.host.sbW();
    setSbFreeInodes(sb, Math.max(0, sbFreeInodes(sb) + delta));
    this.superDirty = true;
  }

  /**
   * Allocates up to `count` contiguous blocks, at `goal` if it is free, else the next free run. Returns the run.
   * Throws ENOSPC when the volume is full, EUCLEAN when a bitmap contradicts its descriptor or marks fixed
   * metadata free.
   */
  allocBlocks(goal: number, count: number, meta: boolean): { start: number; len: number } {
    const geo = this.geo;
    if (!(goal >= geo.firstDataBlock && goal < geo.blocksCount)) goal = geo.firstDataBlock;
    const g0 = this.groupOf(goal);
    for (const strict of [true, false]) {
      if (!strict && this.snapshots.size === 0) break;
      const { fb } = this.counts();
      for (let k = 0; k <= geo.groupCount; k++) {
        const g = (g0 + k) % geo.groupCount;
        if (fb[g] === 0) continue;
        const d = this.host.desc(g);
        if (d.freeBlocks === 0) continue;
        const bm = this.blockBitmap(g);
        const snap = strict ? this.snapshots.get(g) : undefined;
        const n = this.groupBlocks(g);
        const from = k === 0 ? goal - this.groupStart(g) : 0;
        let i = findClear(bm, from, n, snap);
        if (i < 0 && from > 0) i = findClear(bm, 0, from, snap);
        if (i < 0) {
          if (!snap) throw corrupt(`group ${g}: descriptor counts ${d.freeBlocks} free blocks but its bitmap has none`);
          continue;
        }
        let len = clearRun(bm, i, n, Math.min(count, 32768), snap);
        const start = this.groupStart(g) + i;
        const why = this.host.zoneCheck(start, len);
        if (why) throw corrupt(`group ${g}: block bitmap marks block ${start} free but it ${why}`);
        len = Math.min(len, d.freeBlocks);
        this.take(g, i, len);
        if (!meta && this.host.hasFreedMeta()) for (let b = start; b < start + len; b++) this.host.reuseAsData(b);
        return { start, len };
      }
    }
    throw fsErr("ENOSPC", "no free blocks left");
  }

  private take(g: number, i: number, len: number): void {
    const w = this.blockBitmapW(g);
    setRange(w, i, i + len);
    const d = this.host.descW(g);
    d.freeBlocks = d.freeBlocks - len;
    this.counts().fb[g] = d.freeBlocks;
    this.dirty.add(g);
    this.addFreeBlocks(-len);
  }

  /**
   * Frees blocks [start, start+len) (`meta`: they held metadata, which gets revoke bookkeeping). Throws EUCLEAN when
   * the range is outside the volume, overlaps fixed metadata, or is already free.
   */
  freeBlocks(start: number, len: number, meta: boolean): void {
    const geo = this.geo;
    if (len <= 0) return;
    if (start < geo.firstDataBlock || start + len > geo.blocksCount) throw corrupt(`freeing blocks ${start}+${len} outside the volume`);
    const why = this.host.zoneCheck(start, len);
    if (why) throw corrupt(`freeing blocks ${start}+${len}, which ${why}`);
    let b = start;
    const end = start + len;
    while (b < end) {
      const g = this.groupOf(b);
      const gs = this.groupStart(g);
      const n = Math.min(end, gs + this.groupBlocks(g)) - b;
      const d = this.host.desc(g);
      if (d.flags & BG_BLOCK_UNINIT) throw corrupt(`freeing blocks ${b}+${n} in group ${g}, whose blocks were never allocated`);
      const cur = this.blockBitmap(g);
      if (!allSet(cur, b - gs, b - gs + n)) throw corrupt(`freeing blocks ${b}+${n}: some are already free in group ${g}'s bitmap`);
      if (!this.snapshots.has(g)) this.snapshots.set(g, cur.slice());
      const w = this.blockBitmapW(g);
      clearRange(w, b - gs, b - gs + n);
      const dw = this.host.descW(g);
      dw.freeBlocks = dw.freeBlocks + n;
      this.counts().fb[g] = dw.freeBlocks;
      this.dirty.add(g);
      this.addFreeBlocks(n);
      if (meta) for (let x = b; x < b + n; x++) this.host.forgetMeta(x);
      b += n;
    }
  }

  /** The transaction committed: freed blocks may be reused. */
  committed(): void {
    this.snapshots.clear();
  }

  groupOfInode(ino: number): number {
    return Math.floor((ino - 1) / this.geo.inodesPerGroup);
  }

  private pickDirGroup(parentGroup: number): number {
    const n = this.geo.groupCount;
    if (n === 1) return 0;
    const { fb, fi } = this.counts();
    let freeI = 0, freeB = 0;
    for (let g = 0; g < n; g++) {
      freeI += fi[g];
      freeB += fb[g];
    }
    const avgI = freeI / n, avgB = freeB / n;
    const start = (parentGroup + 1 + this.dirRotor++) % n;
    for (let k = 0; k < n; k++) {
      const g = (start + k) % n;
      if (fi[g] > 0 && fi[g] >= avgI && fb[g] >= avgB) return g;
    }
    return parentGroup;
  }

  /**
   * Allocates an inode: for a directory in a roomy group, for a file in its directory's group (then the next ones).
   * Returns its number. Throws ENOSPC when none is left, EUCLEAN when a bitmap contradicts its descriptor.
   */
  allocInode(parentIno: number, isDir: boolean): number {
    const geo = this.geo;
    const pg = Math.min(this.groupOfInode(parentIno), geo.groupCount - 1);
    const g0 = isDir ? this.pickDirGroup(pg) : pg;
    const { fi } = this.counts();
    for (let k = 0; k < geo.groupCount; k++) {
      const g = (g0 + k) % geo.groupCount;
      if (fi[g] === 0) continue;
      const d = this.host.desc(g);
      if (d.freeInodes === 0) continue;
      const bm = this.inodeBitmap(g);
      const from = g === 0 ? geo.firstIno - 1 : 0;
      const i = findClear(bm, from, geo.inodesPerGroup);
      if (i < 0) throw corrupt(`group ${g}: descriptor counts ${d.freeInodes} free inodes but its bitmap has none`);
      const w = this.inodeBitmapW(g);
      setBit(w, i);
      const dw = this.host.descW(g);
      dw.freeInodes = dw.freeInodes - 1;
      fi[g] = dw.freeInodes;
      if (isDir) dw.usedDirs = dw.usedDirs + 1;
      if (geo.metadataCsum || geo.gdtCsum) {
        const used = geo.inodesPerGroup - dw.itableUnused;
        if (i >= used) dw.itableUnused = geo.inodesPerGroup - i - 1;
      }
      this.dirty.add(g);
      this.addFreeInodes(-1);
      return g * geo.inodesPerGroup + i + 1;
    }
    throw fsErr("ENOSPC", "no free inodes left");
  }

  /** Frees an inode's bitmap bit. Throws EUCLEAN when it is already free. */
  freeInode(ino: number, isDir: boolean): void {
    const geo = this.geo;
    const g = this.groupOfInode(ino), i = (ino - 1) % geo.inodesPerGroup;
    const bm = this.inodeBitmap(g);
    if (!testBit(bm, i)) throw corrupt(`freeing inode ${ino}, which its group's bitmap has free`);
    const w = this.inodeBitmapW(g);
    clearBit(w, i);
    const dw = this.host.descW(g);
    dw.freeInodes = dw.freeInodes + 1;
    this.counts().fi[g] = dw.freeInodes;
    if (isDir && dw.usedDirs > 0) dw.usedDirs = dw.usedDirs - 1;
    this.dirty.add(g);
    this.addFreeInodes(1);
  }

  /** Whether inode `ino` is marked in use. */
  inodeInUse(ino: number): boolean {
    const g = this.groupOfInode(ino);
    return testBit(this.inodeBitmap(g), (ino - 1) % this.geo.inodesPerGroup);
  }

  /** Recomputes the bitmap and descriptor checksums of groups changed in this handle, and the superblock's. */
  seal(): void {
    const geo = this.geo;
    for (const g of this.dirty) {
      const d = this.host.descW(g);
      if (geo.metadataCsum) {
        const bb = d.flags & BG_BLOCK_UNINIT ? 0 : bitmapChecksum(geo.csumSeed, this.host.readBlock(d.blockBitmap), geo.blocksPerGroup);
        const ib = d.flags & BG_INODE_UNINIT ? 0 : bitmapChecksum(geo.csumSeed, this.host.readBlock(d.inodeBitmap), geo.inodesPerGroup);
        if (d.flags & BG_BLOCK_UNINIT || d.flags & BG_INODE_UNINIT) {
          const cur = d;
          cur.setBitmapChecksums(d.flags & BG_BLOCK_UNINIT ? 0 : bb, d.flags & BG_INODE_UNINIT ? 0 : ib);
        } else d.setBitmapChecksums(bb, ib);
      }
      if (geo.metadataCsum || geo.gdtCsum) d.setChecksum(descChecksum(geo, g, d.buf, d.off));
    }
    this.dirty.clear();
    if (this.superDirty) {
      this.host.sealSuper();
      this.superDirty = false;
    }
  }

  /** Forgets pending seals (after an undo restored the blocks). */
  reset(): void {
    this.dirty.clear();
    this.superDirty = false;
    this.freeB = this.freeI = null;
  }

  /** Blocks marked used in group g's bitmap (for checks). */
  usedInGroup(g: number): number {
    const bm = this.blockBitmap(g);
    let c = 0;
    for (let i = 0; i < this.groupBlocks(g); i++) if (testBit(bm, i)) c++;
    return c;
  }
}
