// libos/fs/ext4/directory.ts — one directory's entries over its blocks: linear directories (a scan of every block)
// and indexed ones (htree.ts), lookup, listing, adding (room in an existing block, else a new block, or — for a
// full one-block directory on a dir_index volume — conversion to an index, as Linux does), removing, replacing an
// entry's inode (rename over a name), emptiness, and the ".." entry.
// Layer: libos/fs/ext4. Depends on dir_block.ts, htree.ts, errors.ts, utf8.ts.

import {
  checkDirBlock, deIno, deNameLen, deRecLen, deType, entriesEnd, findEntry, findRoom, initDirBlock, insertEntry,
  recLenFor, removeEntry, setDe, setDirBlockChecksum,
} from "./dir_block.ts";
import { corrupt } from "./errors.ts";
import { HTree, type DirIO, type Found } from "./htree.ts";
import { set32 } from "./le.ts";

export interface RawEntry {
  name: Uint8Array;
  ino: number;
  ft: number;
}

export class Directory {
  private readonly end: number;
  private readonly tree: HTree | null;

  /** `indexed`: the inode has the INDEX flag. `maxLevels`: 2, or 3 with large_dir. */
  constructor(private readonly io: DirIO, readonly indexed: boolean, private readonly hashSeed: Uint32Array,
    private readonly unsignedHash: boolean, private readonly maxLevels: number) {
    this.end = entriesEnd(io.bs, io.seed !== null);
    this.tree = indexed ? new HTree(io, hashSeed, unsignedHash, maxLevels) : null;
  }

  private where(lblk: number): string {
    return `directory inode ${this.io.ino} block ${lblk}`;
  }

  /** A leaf block, checked once. */
  private leaf(lblk: number): Uint8Array {
    const b = this.io.read(lblk);
    if (!this.io.validated.has(b)) {
      checkDirBlock(b, this.io.bs, this.io.seed, this.io.maxIno, this.where(lblk));
      this.io.validated.add(b);
    }
    return b;
  }

  /** The directory's size in blocks. */
  blocks(): number {
    return this.io.blockCount();
  }

  /** Finds `name`. Throws EUCLEAN for corrupt blocks, EIO for device errors. */
  lookup(name: Uint8Array): Found | null {
    if (this.tree) return this.tree.lookup(name);
    const n = this.io.blockCount();
    for (let lblk = 0; lblk < n; lblk++) {
      const b = this.leaf(lblk);
      const r = findEntry(b, this.end, name);
      if (r.off >= 0) return { lblk, off: r.off, prev: r.prev, ino: deIno(b, r.off), ft: deType(b, r.off) };
    }
    return null;
  }

  /** Calls `visit` with every live entry ("." and ".." included) in block order. */
  forEach(visit: (name: Uint8Array, ino: number, ft: number) => void): void {
    const n = this.io.blockCount();
    for (let lblk = 0; lblk < n; lblk++) {
      if (this.indexed) {
        const raw = this.io.read(lblk);
        if (HTree.isIndexBlock(raw, lblk, this.io.bs)) {
          if (lblk === 0) {
            this.tree!.root();
            visit(raw.subarray(8, 9), deIno(raw, 0), deType(raw, 0));
            visit(raw.subarray(20, 22), deIno(raw, 12), deType(raw, 12));
          }
          continue;
        }
      }
      const b = this.leaf(lblk);
      for (let o = 0; o < this.end;) {
        const rl = deRecLen(b, o);
        const ino = deIno(b, o);
        if (ino !== 0) visit(b.subarray(o + 8, o + 8 + deNameLen(b, o)), ino, deType(b, o));
        o += rl;
      }
    }
  }

  /** The entries other than "." and "..". */
  list(): RawEntry[] {
    const out: RawEntry[] = [];
    this.forEach((name, ino, ft) => {
      if (isDots(name)) return;
      out.push({ name: name.slice(), ino, ft });
    });
    return out;
  }

  /** Whether the directory has no entries but "." and "..". */
  isEmpty(): boolean {
    let empty = true;
    this.forEach((name) => {
      if (!isDots(name)) empty = false;
    });
    return empty;
  }

  /**
   * Adds an entry (the name must not exist). Returns true when the directory became indexed (the caller sets the
   * inode's INDEX flag). Throws ENOSPC when no block can be had or the index is full.
   */
  add(name: Uint8Array, ino: number, ft: number, opts: { dirIndex: boolean; parentIno: number; hashVersion: number }): boolean {
    if (this.tree) {
      this.tree.add(name, ino, ft);
      return false;
    }
    const need = recLenFor(name.length);
    const n = this.io.blockCount();
    for (let lblk = 0; lblk < n; lblk++) {
      const off = findRoom(this.leaf(lblk), this.end, need);
      if (off >= 0) {
        const w = this.io.write(lblk);
        insertEntry(w, off, ino, name, ft);
        this.seal(w);
        return false;
      }
    }
    if (opts.dirIndex && n === 1) {
      HTree.convert(this.io, opts.parentIno, opts.hashVersion);
      new HTree(this.io, this.hashSeed, this.unsignedHash, this.maxLevels).add(name, ino, ft);
      return true;
    }
    const nb = this.io.append();
    initDirBlock(nb.buf, this.io.bs, this.io.seed !== null);
    insertEntry(nb.buf, 0, ino, name, ft);
    this.seal(nb.buf);
    return false;
  }

  private seal(b: Uint8Array): void {
    if (this.io.seed !== null) setDirBlockChecksum(this.io.seed, b, this.io.bs);
    this.io.validated.add(b);
  }

  /** Removes the entry `f` found by lookup. */
  remove(f: Found): void {
    const w = this.io.write(f.lblk);
    removeEntry(w, f.off, f.prev);
    this.seal(w);
  }

  /** Points the entry `f` at another inode (rename over an existing name). */
  replace(f: Found, ino: number, ft: number): void {
    const w = this.io.write(f.lblk);
    set32(w, f.off, ino);
    w[f.off + 7] = ft;
    this.seal(w);
  }

  /** The inode ".." names (block 0's second entry). Throws EUCLEAN when block 0 does not start with "." and "..". */
  dotdot(): number {
    const b = this.indexed ? this.tree!.root() : this.leaf(0);
    if (deNameLen(b, 12) !== 2 || b[20] !== 0x2e || b[21] !== 0x2e || deNameLen(b, 0) !== 1 || b[8] !== 0x2e) {
      throw corrupt(`${this.where(0)}: does not start with "." and ".."`);
    }
    return deIno(b, 12);
  }

  /** Points ".." at `parent`. */
  setDotdot(parent: number): void {
    this.dotdot();
    const w = this.io.write(0);
    set32(w, 12, parent);
    if (this.tree) this.tree.resealRoot(w);
    else this.seal(w);
  }

  /** Writes the first block of a new directory: "." and "..". */
  static initBlock(b: Uint8Array, bs: number, seed: number | null, self: number, parent: number): void {
    initDirBlock(b, bs, seed !== null);
    const end = entriesEnd(bs, seed !== null);
    setDe(b, 0, self, 12, Uint8Array.of(0x2e), 2);
    setDe(b, 12, parent, end - 12, Uint8Array.of(0x2e, 0x2e), 2);
    if (seed !== null) setDirBlockChecksum(seed, b, bs);
  }
}

function isDots(name: Uint8Array): boolean {
  return (name.length === 1 && name[0] === 0x2e) || (name.length === 2 && name[0] === 0x2e && name[1] === 0x2e);
}
