// libos/fs/ext4/extent_tree.ts — one inode's extent tree: lookup (the extent covering a logical block, or the hole up
// to the next one), in-order walks, insertion with merging, node splits and depth growth (appends leave full nodes
// behind, as Linux's do, so e2fsck finds nothing to narrow), conversion of uninitialized extents on write, and
// truncation from the right that frees data, empties and frees nodes and shortens the tree again. Nodes are read
// through the host (the block cache), checked once, and changed through the host's journaled write.
// Layer: libos/fs/ext4. Depends on extent.ts, inode.ts, errors.ts.

import { corrupt, fsErr } from "./errors.ts";
import {
  EXT_INIT_MAX_LEN, EXT_MAX_DEPTH, EXT_UNINIT_MAX_LEN, ROOT_MAX, blockMax, checkNode, eBlock, entryOff, hdrDepth,
  hdrEntries, hdrMax, indexChild, initHeader, leafLen, leafStart, leafUninit, setEBlock, setExtentBlockChecksum,
  setHdrDepth, setHdrEntries, setIndex, setLeaf,
} from "./extent.ts";
import type { Inode } from "./inode.ts";

/** What the tree needs from the file system. */
export interface ExtentHost {
  readonly blockSize: number;
  /** A block's cached bytes. */
  read(pblk: number): Uint8Array;
  /** The same, taken into the running transaction for changing. */
  write(pblk: number): Uint8Array;
  /** A new metadata block near `goal`, zeroed and in the transaction (ENOSPC when none). */
  allocMeta(goal: number): { block: number; buf: Uint8Array };
  freeMeta(pblk: number): void;
  freeData(pblk: number, len: number): void;
  /** null when blocks [start, start+len) may belong to a file; otherwise why not. */
  rangeOk(start: number, len: number): string | null;
  /** Node buffers already checked. */
  readonly validated: WeakSet<Uint8Array>;
}

/** One mapping: logical blocks [lblk, lblk+len) are physical [pblk, pblk+len). */
export interface Extent {
  lblk: number;
  len: number;
  pblk: number;
  uninit: boolean;
}

interface Step {
  buf: Uint8Array;
  /** -1 for the root in the inode. */
  pblk: number;
  pos: number;
}

const MAX_LBLK = 2 ** 32;

export class ExtentTree {
  private readonly spb: number;
  private readonly bmax: number;

  /** `seed`: the inode's checksum seed (null without metadata_csum). Throws EUCLEAN when the root is invalid. */
  constructor(private readonly host: ExtentHost, private readonly inode: Inode, private readonly seed: number | null) {
    this.spb = host.blockSize / 512;
    this.bmax = blockMax(host.blockSize);
    checkNode(inode.block, 0, ROOT_MAX, null, `inode ${inode.ino}`, null, host.rangeOk);
  }

  private get root(): Uint8Array {
    return this.inode.block;
  }

  /** The tree's depth (0: the root is a leaf). */
  get depth(): number {
    return hdrDepth(this.root, 0);
  }

  private node(pblk: number, depth: number): Uint8Array {
    const buf = this.host.read(pblk);
    if (!this.host.validated.has(buf)) {
      checkNode(buf, 0, this.bmax, depth, `inode ${this.inode.ino} extent block ${pblk}`, this.seed, this.host.rangeOk);
      this.host.validated.add(buf);
    }
    return buf;
  }

  private touch(s: Step): void {
    if (s.pblk < 0) this.inode.dirty = true;
    else s.buf = this.host.write(s.pblk);
  }

  private done(s: Step): void {
    if (s.pblk < 0) this.inode.dirty = true;
    else {
      if (this.seed !== null) setExtentBlockChecksum(this.seed, s.buf);
      this.host.validated.add(s.buf);
    }
  }

  private addSectors(blocks: number): void {
    this.inode.setSectors(this.inode.sectors(this.host.blockSize) + blocks * this.spb);
    this.inode.dirty = true;
  }

  /** The path to the leaf where `lblk` belongs (`last`: the rightmost leaf). Leaf pos: last entry ≤ lblk, or -1. */
  private descend(lblk: number, last = false): Step[] {
    const path: Step[] = [{ buf: this.root, pblk: -1, pos: 0 }];
    const depth = this.depth;
    for (let level = 0; level < depth; level++) {
      const s = path[level];
      const n = hdrEntries(s.buf, 0);
      if (n === 0) throw corrupt(`inode ${this.inode.ino}: empty extent index node ${s.pblk < 0 ? "(root)" : s.pblk}`);
      s.pos = last ? n - 1 : Math.max(0, this.search(s.buf, n, lblk));
      const child = indexChild(s.buf, entryOff(0, s.pos));
      path.push({ buf: this.node(child, depth - level - 1), pblk: child, pos: 0 });
    }
    const leaf = path[depth];
    const n = hdrEntries(leaf.buf, 0);
    leaf.pos = last ? n - 1 : this.search(leaf.buf, n, lblk);
    return path;
  }

  /** Index of the last entry whose first block is ≤ lblk, -1 when none. */
  private search(b: Uint8Array, n: number, lblk: number): number {
    let lo = 0, hi = n - 1, r = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (eBlock(b, entryOff(0, mid)) <= lblk) { r = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return r;
  }

  /** The first logical block mapped after the leaf the path ends in (Infinity when none). */
  private nextKey(path: Step[]): number {
    for (let level = path.length - 2; level >= 0; level--) {
      const s = path[level];
      if (s.pos + 1 < hdrEntries(s.buf, 0)) return eBlock(s.buf, entryOff(0, s.pos + 1));
    }
    return Infinity;
  }

  /**
   * The extent covering `lblk`, or null and where the next mapping starts (`next`, Infinity when none): a hole.
   * Throws EUCLEAN for a corrupt tree, EIO for a device error.
   */
  lookup(lblk: number): { extent: Extent | null; next: number } {
    const path = this.descend(lblk);
    const leaf = path[path.length - 1];
    const n = hdrEntries(leaf.buf, 0);
    const p = leaf.pos;
    if (p >= 0) {
      const e = entryOff(0, p);
      const b = eBlock(leaf.buf, e), len = leafLen(leaf.buf, e);
      if (lblk < b + len) {
        return { extent: { lblk: b, len, pblk: leafStart(leaf.buf, e), uninit: leafUninit(leaf.buf, e) }, next: b + len };
      }
    }
    const next = p + 1 < n ? eBlock(leaf.buf, entryOff(0, p + 1)) : this.nextKey(path);
    return { extent: null, next };
  }

  /** The last extent of the file (null when empty): appends aim right after it. */
  lastExtent(): Extent | null {
    const path = this.descend(0, true);
    const leaf = path[path.length - 1];
    if (leaf.pos < 0) return null;
    const e = entryOff(0, leaf.pos);
    return { lblk: eBlock(leaf.buf, e), len: leafLen(leaf.buf, e), pblk: leafStart(leaf.buf, e), uninit: leafUninit(leaf.buf, e) };
  }

  /**
   * Calls `visit` for each extent in logical order until it returns false; `visitNode` (if given) for each tree
   * block. A block reached twice is corruption (a cycle or shared node): EUCLEAN.
   */
  walk(visit: (e: Extent) => boolean | void, visitNode?: (pblk: number) => void): void {
    const seen = new Set<number>();
    const rec = (buf: Uint8Array, depth: number): boolean => {
      const n = hdrEntries(buf, 0);
      for (let i = 0; i < n; i++) {
        const e = entryOff(0, i);
        if (depth === 0) {
          if (visit({ lblk: eBlock(buf, e), len: leafLen(buf, e), pblk: leafStart(buf, e), uninit: leafUninit(buf, e) }) === false) return false;
        } else {
          const child = indexChild(buf, e);
          if (seen.has(child)) throw corrupt(`inode ${this.inode.ino}: extent block ${child} is referenced twice`);
          seen.add(child);
          visitNode?.(child);
          if (!rec(this.node(child, depth - 1), depth - 1)) return false;
        }
      }
      return true;
    };
    rec(this.root, this.depth);
  }

  /**
   * Maps [lblk, lblk+len) (which must be a hole) to [pblk, pblk+len), merging with a neighbour when contiguous;
   * grows the tree as needed, new nodes near `goal`. The caller accounts the data blocks. Throws ENOSPC when a node
   * block cannot be had, EUCLEAN for a corrupt tree.
   */
  insert(lblk: number, pblk: number, len: number, uninit: boolean, goal: number): void {
    if (len <= 0 || lblk + len > MAX_LBLK) throw fsErr("EFBIG", `extent at logical block ${lblk} of ${len} blocks`);
    const maxLen = uninit ? EXT_UNINIT_MAX_LEN : EXT_INIT_MAX_LEN;
    for (let attempt = 0; attempt < 4 * EXT_MAX_DEPTH + 4; attempt++) {
      const path = this.descend(lblk);
      const level = path.length - 1;
      const leaf = path[level];
      const n = hdrEntries(leaf.buf, 0);
      const p = leaf.pos;
      if (p >= 0) {
        const e = entryOff(0, p);
        const b = eBlock(leaf.buf, e), l = leafLen(leaf.buf, e), s = leafStart(leaf.buf, e);
        if (b + l > lblk) throw corrupt(`inode ${this.inode.ino}: logical block ${lblk} is already mapped`);
        if (b + l === lblk && s + l === pblk && leafUninit(leaf.buf, e) === uninit && l + len <= maxLen) {
          this.touch(leaf);
          setLeaf(leaf.buf, entryOff(0, p), b, l + len, s, uninit);
          this.done(leaf);
          return;
        }
      }
      if (p + 1 < n) {
        const e = entryOff(0, p + 1);
        const b = eBlock(leaf.buf, e), l = leafLen(leaf.buf, e), s = leafStart(leaf.buf, e);
        if (lblk + len > b) throw corrupt(`inode ${this.inode.ino}: logical blocks ${lblk}+${len} overlap a mapping`);
        if (lblk + len === b && pblk + len === s && leafUninit(leaf.buf, e) === uninit && l + len <= maxLen) {
          this.touch(leaf);
          setLeaf(leaf.buf, entryOff(0, p + 1), lblk, l + len, pblk, uninit);
          this.done(leaf);
          if (p + 1 === 0) this.fixKeys(path, level);
          return;
        }
      }
      if (n < hdrMax(leaf.buf, 0)) {
        this.touch(leaf);
        const at = entryOff(0, p + 1);
        leaf.buf.copyWithin(at + 12, at, entryOff(0, n));
        setLeaf(leaf.buf, at, lblk, len, pblk, uninit);
        setHdrEntries(leaf.buf, 0, n + 1);
        this.done(leaf);
        if (p + 1 === 0) this.fixKeys(path, level);
        return;
      }
      this.split(path, level, p + 1 === n, lblk, goal);
    }
    throw corrupt(`inode ${this.inode.ino}: no room found in the extent tree for logical block ${lblk}`);
  }

  /** After the first entry of path[level] changed: the keys above follow it. */
  private fixKeys(path: Step[], level: number): void {
    for (let lv = level; lv > 0; lv--) {
      const child = path[lv];
      if (hdrEntries(child.buf, 0) === 0) return;
      const key = eBlock(child.buf, entryOff(0, 0));
      const parent = path[lv - 1];
      const e = entryOff(0, parent.pos);
      if (eBlock(parent.buf, e) !== key) {
        this.touch(parent);
        setEBlock(parent.buf, entryOff(0, parent.pos), key);
        this.done(parent);
      }
      if (parent.pos !== 0) return;
    }
  }

  /** Makes room in the full node path[level]: a new level under the root, or a sibling (splitting parents first). */
  private split(path: Step[], level: number, append: boolean, key: number, goal: number): void {
    const s = path[level];
    const n = hdrEntries(s.buf, 0);
    const d = hdrDepth(s.buf, 0);
    if (level === 0) {
      if (d + 1 > EXT_MAX_DEPTH) throw fsErr("EFBIG", `inode ${this.inode.ino}: the extent tree would exceed depth ${EXT_MAX_DEPTH}`);
      const { block, buf } = this.host.allocMeta(goal);
      initHeader(buf, 0, this.bmax, d);
      buf.set(this.root.subarray(12, 12 + 12 * n), 12);
      setHdrEntries(buf, 0, n);
      if (this.seed !== null) setExtentBlockChecksum(this.seed, buf);
      this.host.validated.add(buf);
      const first = n > 0 ? eBlock(buf, 12) : 0;
      initHeader(this.root, 0, ROOT_MAX, d + 1);
      setIndex(this.root, entryOff(0, 0), first, block);
      setHdrEntries(this.root, 0, 1);
      this.addSectors(1);
      return;
    }
    const parent = path[level - 1];
    const pn = hdrEntries(parent.buf, 0);
    if (pn >= hdrMax(parent.buf, 0)) {
      this.split(path, level - 1, parent.pos + 1 === pn, key, goal);
      return;
    }
    const m = append ? Math.max(1, n - 1) : Math.max(1, n >>> 1);
    const { block, buf } = this.host.allocMeta(goal);
    initHeader(buf, 0, this.bmax, d);
    this.touch(s);
    buf.set(s.buf.subarray(entryOff(0, m), entryOff(0, n)), 12);
    setHdrEntries(buf, 0, n - m);
    setHdrEntries(s.buf, 0, m);
    this.done(s);
    if (this.seed !== null) setExtentBlockChecksum(this.seed, buf);
    this.host.validated.add(buf);
    const newKey = n - m > 0 ? eBlock(buf, 12) : key;
    this.touch(parent);
    const at = entryOff(0, parent.pos + 1);
    parent.buf.copyWithin(at + 12, at, entryOff(0, pn));
    setIndex(parent.buf, at, newKey, block);
    setHdrEntries(parent.buf, 0, pn + 1);
    this.done(parent);
    this.addSectors(1);
  }

  /**
   * Marks [lblk, lblk+len), inside one uninitialized extent, as initialized (splitting the extent). Throws ENOSPC
   * when a split needs a node block that cannot be had, EUCLEAN for a corrupt tree.
   */
  markInitialized(lblk: number, len: number, goal: number): void {
    const path = this.descend(lblk);
    const leaf = path[path.length - 1];
    if (leaf.pos < 0) throw corrupt(`inode ${this.inode.ino}: logical block ${lblk} is not mapped`);
    const e = entryOff(0, leaf.pos);
    const b = eBlock(leaf.buf, e), l = leafLen(leaf.buf, e), s = leafStart(leaf.buf, e);
    if (!leafUninit(leaf.buf, e) || lblk < b || lblk + len > b + l) throw corrupt(`inode ${this.inode.ino}: logical blocks ${lblk}+${len} are not one uninitialized extent`);
    this.touch(leaf);
    const ee = entryOff(0, leaf.pos);
    if (lblk === b) {
      setLeaf(leaf.buf, ee, b, len, s, false);
      this.done(leaf);
      if (len < l) this.insert(b + len, s + len, l - len, true, goal);
      return;
    }
    setLeaf(leaf.buf, ee, b, lblk - b, s, true);
    this.done(leaf);
    this.insert(lblk, s + (lblk - b), len, false, goal);
    const tail = b + l - (lblk + len);
    if (tail > 0) this.insert(lblk + len, s + (lblk + len - b), tail, true, goal);
  }

  /**
   * Removes every mapping at or after logical block `from`, freeing the data and emptied nodes, at most `budget`
   * extents per call; returns true when nothing is left to remove (the tree then is as short as it can be).
   */
  truncate(from: number, budget = Infinity): boolean {
    let removed = 0;
    for (let guard = 0; guard < 1 << 30; guard++) {
      const path = this.descend(0, true);
      const level = path.length - 1;
      const leaf = path[level];
      let n = hdrEntries(leaf.buf, 0);
      if (n === 0) {
        if (level === 0) break;
        this.removeNode(path, level);
        continue;
      }
      const e0 = entryOff(0, n - 1);
      if (eBlock(leaf.buf, e0) + leafLen(leaf.buf, e0) <= from) break;
      if (removed >= budget) return false;
      this.touch(leaf);
      while (n > 0 && removed < budget) {
        const e = entryOff(0, n - 1);
        const b = eBlock(leaf.buf, e), l = leafLen(leaf.buf, e), s = leafStart(leaf.buf, e);
        if (b + l <= from) break;
        if (b >= from) {
          this.host.freeData(s, l);
          this.addSectors(-l);
          n--;
        } else {
          const keep = from - b;
          this.host.freeData(s + keep, l - keep);
          this.addSectors(-(l - keep));
          setLeaf(leaf.buf, e, b, keep, s, leafUninit(leaf.buf, e));
        }
        removed++;
      }
      setHdrEntries(leaf.buf, 0, n);
      this.done(leaf);
      if (n === 0 && level > 0) this.removeNode(path, level);
    }
    this.shorten();
    return true;
  }

  /** Frees the empty non-root node path[level] and its index entry (emptying parents in turn). */
  private removeNode(path: Step[], level: number): void {
    const s = path[level];
    this.host.freeMeta(s.pblk);
    this.addSectors(-1);
    const parent = path[level - 1];
    this.touch(parent);
    const pn = hdrEntries(parent.buf, 0);
    const at = entryOff(0, parent.pos);
    parent.buf.copyWithin(at, at + 12, entryOff(0, pn));
    setHdrEntries(parent.buf, 0, pn - 1);
    this.done(parent);
    if (pn - 1 === 0) {
      if (level - 1 === 0) {
        setHdrDepth(this.root, 0, 0);
        this.inode.dirty = true;
      } else this.removeNode(path, level - 1);
    } else if (parent.pos === 0) this.fixKeys(path, level - 1);
  }

  /** While the root's children's entries all fit in the root, pulls them up and frees the children. */
  private shorten(): void {
    for (let guard = 0; guard < EXT_MAX_DEPTH; guard++) {
      const d = this.depth;
      if (d === 0) return;
      const n = hdrEntries(this.root, 0);
      const kids: { pblk: number; buf: Uint8Array }[] = [];
      let total = 0;
      for (let i = 0; i < n; i++) {
        const pblk = indexChild(this.root, entryOff(0, i));
        const buf = this.node(pblk, d - 1);
        total += hdrEntries(buf, 0);
        kids.push({ pblk, buf });
      }
      if (total > ROOT_MAX) return;
      const entries = new Uint8Array(12 * total);
      let k = 0;
      for (const c of kids) {
        const cn = hdrEntries(c.buf, 0);
        entries.set(c.buf.subarray(12, 12 + 12 * cn), 12 * k);
        k += cn;
      }
      for (const c of kids) {
        this.host.freeMeta(c.pblk);
        this.addSectors(-1);
      }
      initHeader(this.root, 0, ROOT_MAX, d - 1);
      this.root.set(entries, 12);
      setHdrEntries(this.root, 0, total);
      this.inode.dirty = true;
    }
  }
}
