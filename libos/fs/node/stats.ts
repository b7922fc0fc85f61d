// libos/fs/node/stats.ts — fs.Stats, fs.BigIntStats and StatFs shaped exactly as Node 20 shapes them: the same own
// fields in the same order (dev … blocks, the *Ms times, the *Ns times for bigint, then the Date fields), the is*()
// methods on a shared prototype, callable as ES5 constructors (new fs.Stats(dev, mode, ...) as etag and others do).
// Layer: libos. Depends on ../types.ts and ../vfs (VfsStat).

import { S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG, S_IFSOCK, type StatFs as FsStatFs, type Timespec } from "../types.ts";
import type { VfsStat } from "../vfs/index.ts";

interface StatsLike {
  _checkModeProperty(type: number): boolean;
}

/** The shared base (Node's StatsBase): the ten integer fields and the type predicates. */
function StatsBase(this: Record<string, unknown>, dev: unknown, mode: unknown, nlink: unknown, uid: unknown, gid: unknown,
                   rdev: unknown, blksize: unknown, ino: unknown, size: unknown, blocks: unknown): void {
  this.dev = dev;
  this.mode = mode;
  this.nlink = nlink;
  this.uid = uid;
  this.gid = gid;
  this.rdev = rdev;
  this.blksize = blksize;
  this.ino = ino;
  this.size = size;
  this.blocks = blocks;
}

const predicates: [string, number][] = [
  ["isDirectory", S_IFDIR], ["isFile", S_IFREG], ["isBlockDevice", S_IFBLK], ["isCharacterDevice", S_IFCHR],
  ["isSymbolicLink", S_IFLNK], ["isFIFO", S_IFIFO], ["isSocket", S_IFSOCK],
];
for (const [name, type] of predicates) {
  Object.defineProperty(StatsBase.prototype, name, {
    value: function (this: StatsLike): boolean { return this._checkModeProperty(type); },
    writable: true, configurable: true, enumerable: false,
  });
}

/** Node rounds the ms value before making a Date (a float ms can otherwise land a millisecond early). */
const dateFromMs = (ms: number | bigint): Date => new Date(Math.round(Number(ms)));

/** fs.Stats: numbers; times as ms floats and Dates. */
export function Stats(this: Record<string, unknown>, dev: number, mode: number, nlink: number, uid: number, gid: number,
                      rdev: number, blksize: number, ino: number, size: number, blocks: number,
                      atimeMs: number, mtimeMs: number, ctimeMs: number, birthtimeMs: number): void {
  StatsBase.call(this, dev, mode, nlink, uid, gid, rdev, blksize, ino, size, blocks);
  this.atimeMs = atimeMs;
  this.mtimeMs = mtimeMs;
  this.ctimeMs = ctimeMs;
  this.birthtimeMs = birthtimeMs;
  this.atime = dateFromMs(atimeMs);
  this.mtime = dateFromMs(mtimeMs);
  this.ctime = dateFromMs(ctimeMs);
  this.birthtime = dateFromMs(birthtimeMs);
}
Object.setPrototypeOf(Stats.prototype, StatsBase.prototype);
Object.setPrototypeOf(Stats, StatsBase);
Object.defineProperty(Stats.prototype, "isFile", { value: StatsBase.prototype.isFile, writable: true, configurable: true, enumerable: false });
Object.defineProperty(Stats.prototype, "_checkModeProperty", {
  value: function (this: { mode: number }, type: number): boolean { return (this.mode & S_IFMT) === type; },
  writable: true, configurable: true, enumerable: false,
});

/** fs.BigIntStats: every field a bigint, times also in ns. */
export function BigIntStats(this: Record<string, unknown>, dev: bigint, mode: bigint, nlink: bigint, uid: bigint, gid: bigint,
                            rdev: bigint, blksize: bigint, ino: bigint, size: bigint, blocks: bigint,
                            atimeNs: bigint, mtimeNs: bigint, ctimeNs: bigint, birthtimeNs: bigint): void {
  StatsBase.call(this, dev, mode, nlink, uid, gid, rdev, blksize, ino, size, blocks);
  this.atimeMs = atimeNs / 1_000_000n;
  this.mtimeMs = mtimeNs / 1_000_000n;
  this.ctimeMs = ctimeNs / 1_000_000n;
  this.birthtimeMs = birthtimeNs / 1_000_000n;
  this.atimeNs = atimeNs;
  this.mtimeNs = mtimeNs;
  this.ctimeNs = ctimeNs;
  this.birthtimeNs = birthtimeNs;
  this.atime = dateFromMs(this.atimeMs as bigint);
  this.mtime = dateFromMs(this.mtimeMs as bigint);
  this.ctime = dateFromMs(this.ctimeMs as bigint);
  this.birthtime = dateFromMs(this.birthtimeMs as bigint);
}
Object.setPrototypeOf(BigIntStats.prototype, StatsBase.prototype);
Object.setPrototypeOf(BigIntStats, StatsBase);
Object.defineProperty(BigIntStats.prototype, "_checkModeProperty", {
  value: function (this: { mode: bigint }, type: number): boolean { return (this.mode & BigInt(S_IFMT)) === BigInt(type); },
  writable: true, configurable: true, enumerable: false,
});

/** An fs.Stats instance (its fields; the is*() methods come from the prototype). */
export interface NodeStats {
  dev: number; mode: number; nlink: number; uid: number; gid: number; rdev: number; blksize: number; ino: number;
  size: number; blocks: number; atimeMs: number; mtimeMs: number; ctimeMs: number; birthtimeMs: number;
  atime: Date; mtime: Date; ctime: Date; birthtime: Date;
  isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean; isBlockDevice(): boolean;
  isCharacterDevice(): boolean; isFIFO(): boolean; isSocket(): boolean;
}

const ms = (t: Timespec): number => t.sec * 1000 + t.nsec / 1e6;
const ns = (t: Timespec): bigint => BigInt(t.sec) * 1_000_000_000n + BigInt(t.nsec);

type Ctor<A extends unknown[]> = new (...args: A) => NodeStats;

/** Stats (or BigIntStats when `bigint`) for what the VFS reported. */
export function makeStats(s: VfsStat, bigint = false): NodeStats {
  if (bigint) {
    const B = BigInt;
    return new (BigIntStats as unknown as Ctor<bigint[]>)(B(s.dev), B(s.mode), B(s.nlink), B(s.uid), B(s.gid), B(s.rdev),
      B(s.blksize), B(s.ino), B(s.size), B(s.blocks), ns(s.atime), ns(s.mtime), ns(s.ctime), ns(s.birthtime));
  }
  return new (Stats as unknown as Ctor<number[]>)(s.dev, s.mode, s.nlink, s.uid, s.gid, s.rdev, s.blksize, s.ino, s.size,
    s.blocks, ms(s.atime), ms(s.mtime), ms(s.ctime), ms(s.birthtime));
}

/** What fs.statfs returns. */
export class StatFs {
  constructor(public type: number | bigint, public bsize: number | bigint, public blocks: number | bigint,
              public bfree: number | bigint, public bavail: number | bigint, public files: number | bigint,
              public ffree: number | bigint) {}
}

export function makeStatFs(s: FsStatFs, bigint = false): StatFs {
  const c = bigint ? (n: number): number | bigint => BigInt(n) : (n: number): number | bigint => n;
  return new StatFs(c(s.type), c(s.bsize), c(s.blocks), c(s.bfree), c(s.bavail), c(s.files), c(s.ffree));
}
