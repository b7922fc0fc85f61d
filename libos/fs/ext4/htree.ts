// libos/fs/ext4/htree.ts — hashed directory indexes (dir_index): the dx_root in block 0 (fake "." and ".." entries,
// root info, then {hash, block} entries) and dx_node blocks (a fake empty entry spanning the block, then entries),
// each with a crc32c tail on metadata_csum volumes. Lookup descends by name hash and follows collision chains into
// the next leaves; insertion splits a full leaf by hash (marking continuation when equal hashes straddle the
// split), splits full index nodes and adds an index level under the root, as Linux does, within the 2 levels
// (3 with large_dir) the format allows.
// Layer: libos/fs/ext4. Depends on ../crc32c.ts, le.ts, errors.ts, dir_block.ts, htree_hash.ts.

import { crc32c } from "../crc32c.ts";
import {
  checkDirBlock, deIno, deNameLen, deRecLen, deType, entriesEnd, findEntry, findRoom, initTail,
  insertEntry, recLenFor, setDe, setDirBlockChecksum,
} from "./dir_block.ts";
import { corrupt, fsErr } from "./errors.ts";
import { nameHash, type NameHash } from "./htree_hash.ts";
import { set16, set32, u16, u32 } from "./le.ts";

/** Block access for one directory, by logical block. */
export interface DirIO {
  readonly ino: number;
  readonly bs: number;
  /** The directory's inode checksum seed (null without metadata_csum). */
  readonly seed: number | null;
  readonly maxIno: number;
  readonly validated: WeakSet<Uint8Array>;
  /** Blocks in the directory (i_size / block size). */
  blockCount(): number;
  read(lblk: number): Uint8Array;
  /** The block, taken into the running transaction for changing. */
  write(lblk: number): Uint8Array;
  /** A new zeroed block at the end of the directory (i_size grows), in the transaction. ENOSPC when none. */
  append(): { lblk: number; buf: Uint8Array };
}

const ROOT_COUNT = 32;
const NODE_COUNT = 8;
const DX_TAIL = 8;

export function rootLimit(bs: number, csum: boolean): number {
  return Math.floor((bs - ROOT_COUNT - (csum ? DX_TAIL : 0)) / 8);
}

export function nodeLimit(bs: number, csum: boolean): number {
  return Math.floor((bs - NODE_COUNT - (csum ? DX_TAIL : 0)) / 8);
}

function dxCount(b: Uint8Array, co: number): number { return u16(b, co + 2); }
function dxLimit(b: Uint8Array, co: number): number { return u16(b, co); }
function dxHash(b: Uint8Array, co: number, i: number): number { return i === 0 ? 0 : u32(b, co + 8 * i); }
function dxBlock(b: Uint8Array, co: number, i: number): number { return u32(b, co + 8 * i + 4) & 0x0fffffff; }

/** The dx checksum: entries up to count, then the tail's reserved word and a zero checksum. */
export function dxChecksum(seed: number, b: Uint8Array, co: number): number {
  const tail = co + 8 * dxLimit(b, co);
  let c = crc32c(seed, b, 0, co + 8 * dxCount(b, co));
  c = crc32c(c, b, tail, tail + 4);
  return crc32c(c, new Uint8Array(4));
}

export function setDxChecksum(seed: number, b: Uint8Array, co: number): void {
  const tail = co + 8 * dxLimit(b, co);
  set32(b, tail + 4, dxChecksum(seed, b, co));
}

/** Root info fields. */
export function rootHashVersion(b: Uint8Array): number { return b[28]; }
export function rootLevels(b: Uint8Array): number { return b[30]; }

interface Frame {
  lblk: number;
  buf: Uint8Array;
  co: number;
  pos: number;
}

/** Where a name was found: its leaf block, offset, and the entry before it (-1: first in the block). */
export interface Found {
  lblk: number;
  off: number;
  prev: number;
  ino: number;
  ft: number;
}

export class HTree {
  private readonly csum: boolean;
  private readonly end: number;

  /** `hashVersion` is the effective version (root's, plus 3 on unsigned-hash volumes). */
  constructor(private readonly io: DirIO, private readonly hashSeed: Uint32Array, private readonly unsigned: boolean,
    private readonly maxLevels: number) {
    this.csum = io.seed !== null;
    this.end = entriesEnd(io.bs, this.csum);
  }

  private where(lblk: number): string {
    return `directory inode ${this.io.ino} block ${lblk}`;
  }

  private checkEntries(b: Uint8Array, co: number, lblk: number): void {
    const n = dxCount(b, co), nb = this.io.blockCount();
    let prev = 0;
    for (let i = 0; i < n; i++) {
      const h = dxHash(b, co, i), blk = dxBlock(b, co, i);
      if (h < prev) throw corrupt(`${this.where(lblk)}: index entry ${i} hash 0x${h.toString(16)} is out of order`);
      if (blk === 0 || blk >= nb) throw corrupt(`${this.where(lblk)}: index entry ${i} points to block ${blk} (the directory has ${nb})`);
      prev = h;
    }
  }

  private checkDx(b: Uint8Array, co: number, lblk: number, limit: number): void {
    const n = dxCount(b, co);
    if (dxLimit(b, co) !== limit) throw corrupt(`${this.where(lblk)}: index limit ${dxLimit(b, co)}, expected ${limit}`);
    if (n === 0 || n > limit) throw corrupt(`${this.where(lblk)}: index count ${n} (limit ${limit})`);
    if (this.io.seed !== null) {
      const want = u32(b, co + 8 * limit + 4), got = dxChecksum(this.io.seed, b, co);
      if (want !== got) throw corrupt(`${this.where(lblk)}: index checksum 0x${want.toString(16)} does not match its contents (0x${got.toString(16)})`);
    }
    this.checkEntries(b, co, lblk);
  }

  /** The root block, checked. */
  root(): Uint8Array {
    const b = this.io.read(0);
    if (this.io.validated.has(b)) return b;
    const bs = this.io.bs;
    if (deNameLen(b, 0) !== 1 || b[8] !== 0x2e || deRecLen(b, 0) !== 12 || deNameLen(b, 12) !== 2 || b[20] !== 0x2e || b[21] !== 0x2e || deRecLen(b, 12) !== bs - 12) {
      throw corrupt(`${this.where(0)}: the index root does not start with "." and ".."`);
    }
    if (b[29] !== 8) throw corrupt(`${this.where(0)}: index root info length ${b[29]}, expected 8`);
    if (rootHashVersion(b) > 2) throw corrupt(`${this.where(0)}: index hash version ${rootHashVersion(b)} is not supported`);
    if (b[31] & 1) throw corrupt(`${this.where(0)}: index root has unknown flags 0x${b[31].toString(16)}`);
    if (rootLevels(b) >= this.maxLevels) throw corrupt(`${this.where(0)}: index has ${rootLevels(b) + 1} levels (at most ${this.maxLevels})`);
    this.checkDx(b, ROOT_COUNT, 0, rootLimit(bs, this.csum));
    this.io.validated.add(b);
    return b;
  }

  private node(lblk: number): Uint8Array {
    const b = this.io.read(lblk);
    if (this.io.validated.has(b)) return b;
    if (deIno(b, 0) !== 0 || deRecLen(b, 0) !== this.io.bs || deNameLen(b, 0) !== 0) throw corrupt(`${this.where(lblk)}: not an index node`);
    this.checkDx(b, NODE_COUNT, lblk, nodeLimit(this.io.bs, this.csum));
    this.io.validated.add(b);
    return b;
  }

  /** A leaf block, checked. */
  leaf(lblk: number): Uint8Array {
    const b = this.io.read(lblk);
    if (!this.io.validated.has(b)) {
      checkDirBlock(b, this.io.bs, this.io.seed, this.io.maxIno, this.where(lblk));
      this.io.validated.add(b);
    }
    return b;
  }

  hash(name: Uint8Array): NameHash {
    const v = rootHashVersion(this.root());
    return nameHash(name, v + (this.unsigned ? 3 : 0), this.hashSeed);
  }

  private descend(hash: number): { frames: Frame[]; leaf: number } {
    let buf = this.root();
    const levels = rootLevels(buf);
    const frames: Frame[] = [];
    let lblk = 0, co = ROOT_COUNT;
    for (let level = 0; ; level++) {
      const n = dxCount(buf, co);
      let lo = 1, hi = n - 1, pos = 0;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        if (dxHash(buf, co, mid) <= hash) { pos = mid; lo = mid + 1; } else hi = mid - 1;
      }
      frames.push({ lblk, buf, co, pos });
      const child = dxBlock(buf, co, pos);
      if (level === levels) return { frames, leaf: child };
      lblk = child;
      buf = this.node(child);
      co = NODE_COUNT;
    }
  }

  /** Advances to the next leaf if it continues `hash`'s chain; returns its block or -1. */
  private nextLeaf(frames: Frame[], hash: number): number {
    let k = frames.length - 1;
    while (frames[k].pos + 1 >= dxCount(frames[k].buf, frames[k].co)) {
      if (k === 0) return -1;
      k--;
    }
    frames[k].pos++;
    const bhash = dxHash(frames[k].buf, frames[k].co, frames[k].pos);
    if ((bhash & ~1) >>> 0 !== hash) return -1;
    for (; k < frames.length - 1; k++) {
      const child = dxBlock(frames[k].buf, frames[k].co, frames[k].pos);
      frames[k + 1] = { lblk: child, buf: this.node(child), co: NODE_COUNT, pos: 0 };
    }
    return dxBlock(frames[k].buf, frames[k].co, frames[k].pos);
  }

  /** Finds `name`. Throws EUCLEAN for a corrupt index or leaf. */
  lookup(name: Uint8Array): Found | null {
    const h = this.hash(name).hash;
    const { frames, leaf } = this.descend(h);
    let lblk = leaf;
    for (let guard = 0; guard <= this.io.blockCount(); guard++) {
      const b = this.leaf(lblk);
      const r = findEntry(b, this.end, name);
      if (r.off >= 0) return { lblk, off: r.off, prev: r.prev, ino: deIno(b, r.off), ft: deType(b, r.off) };
      lblk = this.nextLeaf(frames, h);
      if (lblk < 0) return null;
    }
    throw corrupt(`${this.where(0)}: the index's hash chain does not end`);
  }

  /** Adds an entry (the name must not exist). Throws ENOSPC when the index is full or no block can be had. */
  add(name: Uint8Array, ino: number, ft: number): void {
    const need = recLenFor(name.length);
    const h = this.hash(name);
    for (let attempt = 0; attempt < 16; attempt++) {
      const { frames, leaf } = this.descend(h.hash);
      if (this.tryInsert(leaf, need, name, ino, ft)) return;
      const deepest = frames.length - 1;
      const f = frames[deepest];
      if (dxCount(f.buf, f.co) >= dxLimit(f.buf, f.co)) {
        this.growIndex(frames, deepest);
        continue;
      }
      const { hash2, block } = this.splitLeaf(f, leaf);
      if (this.tryInsert(h.hash >= hash2 ? block : leaf, need, name, ino, ft)) return;
    }
    throw fsErr("ENOSPC", `directory inode ${this.io.ino}: no room for the entry in its index`);
  }

  private tryInsert(lblk: number, need: number, name: Uint8Array, ino: number, ft: number): boolean {
    const off = findRoom(this.leaf(lblk), this.end, need);
    if (off < 0) return false;
    const w = this.io.write(lblk);
    insertEntry(w, off, ino, name, ft);
    this.sealLeaf(w);
    return true;
  }

  private sealLeaf(b: Uint8Array): void {
    if (this.io.seed !== null) setDirBlockChecksum(this.io.seed, b, this.io.bs);
    this.io.validated.add(b);
  }

  private sealDx(b: Uint8Array, co: number): void {
    if (this.io.seed !== null) setDxChecksum(this.io.seed, b, co);
    this.io.validated.add(b);
  }

  /** Inserts (hash, block) after position `pos` in an index block with room. */
  private insertDx(f: Frame, hash: number, block: number): void {
    const b = this.io.write(f.lblk);
    const n = dxCount(b, f.co);
    const at = f.co + 8 * (f.pos + 1);
    b.copyWithin(at + 8, at, f.co + 8 * n);
    set32(b, at, hash);
    set32(b, at + 4, block);
    set16(b, f.co + 2, n + 1);
    this.sealDx(b, f.co);
  }

  private newNode(): { lblk: number; buf: Uint8Array } {
    const nb = this.io.append();
    const bs = this.io.bs;
    nb.buf.fill(0);
    set16(nb.buf, 4, bs);
    set16(nb.buf, NODE_COUNT, nodeLimit(bs, this.csum));
    return nb;
  }

  /** Makes room in the full index block frames[level]: a new level under the root, or a split (parents first). */
  private growIndex(frames: Frame[], level: number): void {
    const f = frames[level];
    const n = dxCount(f.buf, f.co);
    if (level === 0) {
      const levels = rootLevels(f.buf);
      if (levels + 1 >= this.maxLevels) throw fsErr("ENOSPC", `directory inode ${this.io.ino}: its index is full (${levels + 1} levels)`);
      const node = this.newNode();
      node.buf.set(f.buf.subarray(f.co + 8, f.co + 8 * n), NODE_COUNT + 8);
      set32(node.buf, NODE_COUNT + 4, dxBlock(f.buf, f.co, 0));
      set16(node.buf, NODE_COUNT + 2, n);
      this.sealDx(node.buf, NODE_COUNT);
      const r = this.io.write(0);
      set16(r, f.co + 2, 1);
      set32(r, f.co + 4, node.lblk);
      r[30] = levels + 1;
      this.sealDx(r, f.co);
      return;
    }
    const parent = frames[level - 1];
    if (dxCount(parent.buf, parent.co) >= dxLimit(parent.buf, parent.co)) {
      this.growIndex(frames, level - 1);
      return;
    }
    const n1 = n >>> 1;
    const hash2 = dxHash(f.buf, f.co, n1);
    const node = this.newNode();
    node.buf.set(f.buf.subarray(f.co + 8 * (n1 + 1), f.co + 8 * n), NODE_COUNT + 8);
    set32(node.buf, NODE_COUNT + 4, dxBlock(f.buf, f.co, n1));
    set16(node.buf, NODE_COUNT + 2, n - n1);
    this.sealDx(node.buf, NODE_COUNT);
    const w = this.io.write(f.lblk);
    set16(w, f.co + 2, n1);
    this.sealDx(w, f.co);
    this.insertDx(parent, hash2, node.lblk);
  }

  /** Splits a full leaf by hash into itself and a new block indexed after it in `f`. */
  private splitLeaf(f: Frame, lblk: number): { hash2: number; block: number } {
    const old = this.leaf(lblk).slice();
    const map: { hash: number; minor: number; off: number; size: number }[] = [];
    for (let o = 0; o < this.end;) {
      const rl = deRecLen(old, o);
      if (deIno(old, o) !== 0) {
        const nl = deNameLen(old, o);
        const h = this.hash(old.subarray(o + 8, o + 8 + nl));
        map.push({ hash: h.hash, minor: h.minor, off: o, size: recLenFor(nl) });
      }
      o += rl;
    }
    if (map.length < 2) throw fsErr("ENOSPC", `${this.where(lblk)}: a full leaf with ${map.length} entries cannot be split`);
    map.sort((a, b) => a.hash - b.hash || a.minor - b.minor || a.off - b.off);
    let size = 0, move = 0, i = map.length - 1;
    for (; i >= 0; i--) {
      if (size + map[i].size / 2 > this.io.bs / 2) break;
      size += map[i].size;
      move++;
    }
    const split = Math.min(map.length - 1, Math.max(1, i > 0 ? map.length - move : map.length >>> 1));
    const hash2 = map[split].hash;
    const continued = hash2 === map[split - 1].hash ? 1 : 0;
    const nb = this.io.append();
    this.fill(nb.buf, old, map.slice(split));
    this.sealLeaf(nb.buf);
    const w = this.io.write(lblk);
    this.fill(w, old, map.slice(0, split).sort((a, b) => a.off - b.off));
    this.sealLeaf(w);
    this.insertDx(f, (hash2 | continued) >>> 0, nb.lblk);
    return { hash2, block: nb.lblk };
  }

  /** Writes the entries `map` (from `src`) packed into `b`, the last one spanning to the end, and the tail. */
  private fill(b: Uint8Array, src: Uint8Array, map: { off: number; size: number }[]): void {
    b.fill(0);
    let o = 0;
    for (let k = 0; k < map.length; k++) {
      const s = map[k].off, nl = deNameLen(src, s);
      const rl = k === map.length - 1 ? this.end - o : map[k].size;
      setDe(b, o, deIno(src, s), rl, src.subarray(s + 8, s + 8 + nl), deType(src, s));
      o += rl;
    }
    if (map.length === 0) set16(b, 4, this.end);
    if (this.csum) initTail(b, this.io.bs);
  }

  /**
   * Turns a one-block linear directory (block 0: ".", "..", entries) into an index: the entries move to a new
   * block 1 and block 0 becomes the root. `hashVersion` is the volume's default (0–2).
   */
  static convert(io: DirIO, parentIno: number, hashVersion: number): void {
    const bs = io.bs, csum = io.seed !== null;
    const end = entriesEnd(bs, csum);
    const old = io.read(0).slice();
    const nb = io.append();
    const b1 = nb.buf;
    b1.fill(0);
    let o = 0, last = -1;
    for (let s = 0; s < end;) {
      const rl = deRecLen(old, s), nl = deNameLen(old, s);
      const isDot = nl <= 2 && old[s + 8] === 0x2e && (nl === 1 || old[s + 9] === 0x2e);
      if (deIno(old, s) !== 0 && !isDot) {
        setDe(b1, o, deIno(old, s), recLenFor(nl), old.subarray(s + 8, s + 8 + nl), deType(old, s));
        last = o;
        o += recLenFor(nl);
      }
      s += rl;
    }
    if (last >= 0) set16(b1, last + 4, end - last);
    else set16(b1, 4, end);
    if (csum) initTail(b1, bs);
    if (io.seed !== null) setDirBlockChecksum(io.seed, b1, bs);
    io.validated.add(b1);
    const r = io.write(0);
    r.fill(0);
    setDe(r, 0, io.ino, 12, Uint8Array.of(0x2e), 2);
    setDe(r, 12, parentIno, bs - 12, Uint8Array.of(0x2e, 0x2e), 2);
    r[28] = hashVersion;
    r[29] = 8;
    set16(r, ROOT_COUNT, rootLimit(bs, csum));
    set16(r, ROOT_COUNT + 2, 1);
    set32(r, ROOT_COUNT + 4, nb.lblk);
    if (io.seed !== null) setDxChecksum(io.seed, r, ROOT_COUNT);
  }

  /** Recomputes the root's checksum after its ".." entry changed. */
  resealRoot(w: Uint8Array): void {
    this.sealDx(w, ROOT_COUNT);
  }

  /** Whether a block of an indexed directory is an index block (root or node), which holds no entries. */
  static isIndexBlock(b: Uint8Array, lblk: number, bs: number): boolean {
    return lblk === 0 || (deIno(b, 0) === 0 && deRecLen(b, 0) === bs);
  }
}

