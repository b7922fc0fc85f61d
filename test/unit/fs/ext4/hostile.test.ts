// Hostile volumes: 2,000+ seeded corruptions of a small volume — superblock, group descriptors, bitmaps, inode
// tables, extent blocks, directory blocks, htree nodes and (on a volume left needing recovery) journal blocks —
// both raw (checksums catch them) and with every checksum recomputed after the change (structural checks must
// catch them). Each is mounted, its tree walked and read, and written to: every failure is an FsError (refused at
// mount, or EUCLEAN/EIO and POSIX errors from the operation), nothing else is thrown, nothing runs away.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, writeFileSync, symlinkSync, openSync, writeSync, closeSync } from "node:fs";
import { join } from "node:path";
import { FsError, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG } from "../../../../libos/fs/types.ts";
import type { Ext4 } from "../../../../libos/fs/ext4/index.ts";
import { descChecksum, descLocation, GroupDesc } from "../../../../libos/fs/ext4/group_desc.ts";
import { bitmapChecksum } from "../../../../libos/fs/ext4/bitmap.ts";
import { setSuperblockChecksum } from "../../../../libos/fs/ext4/superblock.ts";
import { Inode, inodeSeed } from "../../../../libos/fs/ext4/inode.ts";
import { setExtentBlockChecksum } from "../../../../libos/fs/ext4/extent.ts";
import { ExtentTree } from "../../../../libos/fs/ext4/extent_tree.ts";
import { setDirBlockChecksum } from "../../../../libos/fs/ext4/dir_block.ts";
import { setDxChecksum } from "../../../../libos/fs/ext4/htree.ts";
import { BT_COMMIT, BT_DESCRIPTOR, BT_REVOKE, commitChecksum, emitJournalSuper, journalSeed, parseJournalSuper, readHeader, setTailChecksum } from "../../../../libos/fs/ext4/journal_format.ts";
import { setBe32 } from "../../../../libos/fs/ext4/le.ts";
import { SeededRandom } from "../../../sim/prng.ts";
import { MemBlockDevice } from "../../../sim/mem_block.ts";
import { pattern } from "./host_tree.ts";
import { makeImage, mount, tempDir } from "./helpers.ts";

const BS = 1024;

/** A structure's blocks and how to recompute its checksum after a change. */
interface Target {
  kind: string;
  block: number;
  reseal: (img: Uint8Array) => void;
}

function blk(img: Uint8Array, b: number): Uint8Array {
  return img.subarray(b * BS, (b + 1) * BS);
}

/** Lists the structures of an image by mounting it read-only and walking it. */
function targets(img: Uint8Array): Target[] {
  const fs = mount(new MemBlockDevice({ image: img }), { readOnly: true });
  const geo = fs.geo;
  const seed = geo.csumSeed;
  const out: Target[] = [];
  out.push({ kind: "superblock", block: 1, reseal: (m) => setSuperblockChecksum(blk(m, 1)) });
  const resealDescs = (m: Uint8Array) => {
    for (let g = 0; g < geo.groupCount; g++) {
      const loc = descLocation(geo, g);
      const d = new GroupDesc(blk(m, loc.block), loc.offset, geo.descSize);
      d.setChecksum(descChecksum(geo, g, d.buf, d.off));
    }
  };
  out.push({ kind: "group descriptors", block: 2, reseal: resealDescs });
  for (let g = 0; g < geo.groupCount; g++) {
    const d = fs.desc(g);
    const bb = d.blockBitmap, ib = d.inodeBitmap;
    const reseal = (m: Uint8Array) => {
      const loc = descLocation(geo, g);
      const w = new GroupDesc(blk(m, loc.block), loc.offset, geo.descSize);
      w.setBitmapChecksums(bitmapChecksum(seed, blk(m, bb), geo.blocksPerGroup), bitmapChecksum(seed, blk(m, ib), geo.inodesPerGroup));
      w.setChecksum(descChecksum(geo, g, w.buf, w.off));
    };
    out.push({ kind: "block bitmap", block: bb, reseal }, { kind: "inode bitmap", block: ib, reseal });
    const used = geo.inodesPerGroup - d.itableUnused;
    const perBlock = BS / geo.inodeSize;
    for (let k = 0; k < Math.ceil(used / perBlock); k++) {
      const b = d.inodeTable + k;
      out.push({
        kind: "inode table", block: b, reseal: (m) => {
          for (let j = 0; j < perBlock; j++) {
            const ino = g * geo.inodesPerGroup + k * perBlock + j + 1;
            const raw = blk(m, b).subarray(j * geo.inodeSize, (j + 1) * geo.inodeSize);
            const i = new Inode(ino, raw);
            i.setChecksum(inodeSeed(seed, ino, i.generation));
          }
        },
      });
    }
  }
  const seen = new Set<number>();
  const visit = (ino: number, depth: number) => {
    if (seen.has(ino) || depth > 30) return;
    seen.add(ino);
    const i = fs.inode(ino);
    const iseed = inodeSeed(seed, ino, i.generation);
    const type = i.mode & S_IFMT;
    if (type === S_IFLNK && i.sectors(BS) === 0) return;
    const t = fs.tree(i);
    t.walk((e) => {
      if (type !== S_IFDIR) return;
      for (let k = 0; k < e.len; k++) {
        const b = e.pblk + k, lblk = e.lblk + k;
        const isIndex = (i.flags & 0x1000) !== 0 && (lblk === 0 || (blk(img, b)[4] | (blk(img, b)[5] << 8)) === BS);
        out.push({
          kind: isIndex ? "htree node" : "directory block", block: b,
          reseal: isIndex ? (m) => setDxChecksum(iseed, blk(m, b), lblk === 0 ? 32 : 8) : (m) => setDirBlockChecksum(iseed, blk(m, b), BS),
        });
      }
    }, (node) => out.push({ kind: "extent block", block: node, reseal: (m) => setExtentBlockChecksum(iseed, blk(m, node)) }));
    if (type === S_IFDIR) for (const e of fs.readdir(ino)) visit(e.ino, depth + 1);
  };
  visit(2, 0);
  if (geo.hasJournal) {
    const ji = fs.inode(geo.journalInum);
    const runs: number[] = [];
    new ExtentTree({ ...fs.extentHost, rangeOk: () => null }, ji, fs.seedOf(ji)).walk((e) => { for (let k = 0; k < e.len; k++) runs.push(e.pblk + k); });
    const js = parseJournalSuper(blk(img, runs[0]), BS, runs.length);
    const jseed = journalSeed(js);
    out.push({ kind: "journal superblock", block: runs[0], reseal: (m) => emitJournalSuper(blk(m, runs[0]), { ...parseJournalSuperLoose(blk(m, runs[0]), js) }) });
    if (js.start) {
      for (let p = js.start; p < Math.min(runs.length, js.start + 80); p++) {
        const b = runs[p];
        const h = readHeader(blk(img, b));
        out.push({
          kind: "journal block", block: b, reseal: (m) => {
            const x = blk(m, b);
            const hh = readHeader(x);
            if (!hh) return;
            if (hh.type === BT_DESCRIPTOR || hh.type === BT_REVOKE) setTailChecksum(jseed, x);
            if (hh.type === BT_COMMIT) setBe32(x, 0x10, commitChecksum(jseed, x));
          },
        });
        void h;
      }
    }
  }
  return out;
}

function parseJournalSuperLoose(b: Uint8Array, fallback: ReturnType<typeof parseJournalSuper>): ReturnType<typeof parseJournalSuper> {
  const v = (o: number) => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
  return { ...fallback, sequence: v(0x18), start: v(0x1c), errno: v(0x20) | 0, compat: v(0x24), incompat: v(0x28) };
}

/** Walks, reads and writes a mounted volume; every failure must be an FsError. Returns the codes seen. */
function exercise(fs: Ext4, codes: Map<string, number>): void {
  const note = (e: unknown) => {
    if (!(e instanceof FsError)) throw e;
    codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
  };
  const files: { dir: number; name: string; ino: number }[] = [];
  let visits = 0;
  const walk = (dir: number, depth: number) => {
    if (depth > 12 || visits > 300) return;
    let entries;
    try { entries = fs.readdir(dir); } catch (e) { note(e); return; }
    for (const e of entries) {
      if (++visits > 300) return;
      try {
        fs.lookup(dir, e.name);
        const a = fs.getattr(e.ino);
        const t = a.mode & S_IFMT;
        if (t === S_IFDIR) walk(e.ino, depth + 1);
        else if (t === S_IFLNK) fs.readlink(e.ino);
        else if (t === S_IFREG) {
          files.push({ dir, name: e.name, ino: e.ino });
          const buf = new Uint8Array(64 * 1024);
          for (let pos = 0, n = 0; pos < Math.min(a.size, 1 << 20); pos += n) {
            n = fs.read(e.ino, pos, buf);
            if (n === 0) break;
          }
        }
      } catch (err) { note(err); }
    }
  };
  walk(fs.rootIno, 0);
  const tries: (() => void)[] = [
    () => { const i = fs.create(fs.rootIno, "new-file", 0o644, 0, 0); fs.write(i, 0, pattern(5000, 1)); fs.write(i, 70_000, pattern(3000, 2)); },
    () => { const d = fs.mkdir(fs.rootIno, "new-dir", 0o755, 0, 0); for (let k = 0; k < 8; k++) fs.create(d, `n${k}`, 0o644, 0, 0); },
    () => { const d = fs.lookup(fs.rootIno, "indexed"); for (let k = 0; k < 12; k++) fs.create(d, `added-${k}-${"y".repeat(60)}`, 0o644, 0, 0); },
    () => files.length && fs.write(files[0].ino, 1000, pattern(20_000, 3)),
    () => files.length > 1 && fs.setattr(files[1].ino, { size: 10 }),
    () => files.length > 2 && fs.unlink(files[2].dir, files[2].name),
    () => files.length > 3 && fs.rename(files[3].dir, files[3].name, fs.rootIno, "renamed"),
    () => fs.statfs(),
    () => fs.sync(),
  ];
  for (const t of tries) { try { t(); } catch (e) { note(e); } }
  try { fs.unmount(); } catch (e) { note(e); }
}

let base: Uint8Array, journaled: Uint8Array;
let tree: ReturnType<typeof tempDir>;

beforeAll(() => {
  tree = tempDir();
  const r = tree.dir;
  mkdirSync(join(r, "a/b/c"), { recursive: true });
  mkdirSync(join(r, "indexed"));
  for (let k = 0; k < 120; k++) writeFileSync(join(r, "indexed", `entry-with-a-long-name-${k}`), `${k}`);
  writeFileSync(join(r, "a/b/c/file"), pattern(40_000, 1));
  const fd = openSync(join(r, "fragmented"), "w");
  for (let k = 0; k < 8; k++) writeSync(fd, pattern(1500, k), 0, 1500, k * 20_000);
  closeSync(fd);
  symlinkSync("a/b/c/file", join(r, "fast"));
  symlinkSync("z".repeat(300), join(r, "slow"));
  base = makeImage("2M", r, ["-b", "1024", "-N", "256"], true);
  // The same volume after a crash that left committed transactions in its journal.
  const dev = new MemBlockDevice({ image: base, volatileCache: true });
  const fs = mount(dev);
  const d = fs.mkdir(fs.rootIno, "after", 0o755, 0, 0);
  for (let k = 0; k < 30; k++) { const i = fs.create(d, `j${k}`, 0o644, 0, 0); fs.write(i, 0, pattern(700, k)); if (k % 10 === 9) fs.sync(); }
  journaled = dev.crashImage(1, 0, 0);
});
afterAll(() => tree.done());

describe("hostile volumes", () => {
  it("the uncorrupted volumes mount and pass the exercise", () => {
    for (const img of [base, journaled]) {
      const codes = new Map<string, number>();
      exercise(mount(new MemBlockDevice({ image: img })), codes);
      expect([...codes.keys()]).toEqual([]);
    }
  });

  const parts: [string, boolean, number][] = [];
  for (let p = 0; p < 4; p++) parts.push(["raw", false, p], ["checksums recomputed", true, p]);
  it.each(parts)("%s corruptions (part %#): refused or FsError, never another exception", (_label, reseal, part) => {
    const r = new SeededRandom((reseal ? 1000 : 1) + part);
    const outcome = new Map<string, number>();
    const codes = new Map<string, number>();
    let cases = 0;
    for (const img of [base, journaled]) {
      const ts = targets(img).filter((t) => img === journaled || !t.kind.startsWith("journal block"));
      const perKind = new Map<string, Target[]>();
      for (const t of ts) perKind.set(t.kind, [...(perKind.get(t.kind) ?? []), t]);
      const kinds = [...perKind.keys()];
      for (let c = part * 140; c < (part + 1) * 140; c++) {
        const kind = kinds[c % kinds.length];
        const list = perKind.get(kind)!;
        const t = list[r.int(list.length)];
        const m = img.slice();
        const b = blk(m, t.block);
        const how = r.int(4);
        if (how === 0) { const o = r.int(BS); b[o] ^= 1 << r.int(8); }
        else if (how === 1) { for (let k = 0; k < 1 + r.int(8); k++) b[r.int(BS)] = r.int(256); }
        else if (how === 2) { const o = r.int(BS); b.fill(r.int(2) ? 0 : 0xff, o, Math.min(BS, o + 4 + r.int(64))); }
        else { const o = r.int(64) * 4 % BS; b[o] = r.int(256); b[o + 1] = r.int(256); }
        if (reseal) t.reseal(m);
        const started = Date.now();
        let fs: Ext4 | null = null;
        try {
          fs = mount(new MemBlockDevice({ image: m }));
        } catch (e) {
          if (!(e instanceof FsError)) throw new Error(`${kind} block ${t.block}: mount threw ${String(e)}\n${(e as Error).stack}`);
          outcome.set(`refused ${e.code}`, (outcome.get(`refused ${e.code}`) ?? 0) + 1);
        }
        if (fs) {
          try {
            exercise(fs, codes);
          } catch (e) {
            throw new Error(`${kind} block ${t.block} (case ${c}): ${String(e)}\n${(e as Error).stack}`);
          }
          outcome.set("mounted", (outcome.get("mounted") ?? 0) + 1);
        }
        expect(Date.now() - started, `${kind} block ${t.block} took too long`).toBeLessThan(5000);
        cases++;
      }
    }
    expect(cases).toBe(280);
    console.log(_label, Object.fromEntries(outcome), Object.fromEntries(codes));
  });
});
