// libos/fs/block_cache.ts over an in-memory device: hits and misses, read-ahead on sequential misses, the size
// bound, write-back in block order with adjacent blocks merged and everything in flight at once, held blocks,
// barriers, and device errors.
import { describe, expect, it } from "vitest";
import { BlockCache } from "../../../libos/fs/block_cache.ts";
import { FsError } from "../../../libos/fs/types.ts";
import { MemBlockDevice } from "../../sim/mem_block.ts";

const BS = 4096;

function device(blocks = 256): MemBlockDevice {
  const dev = new MemBlockDevice({ sectors: blocks * 8 });
  for (let b = 0; b < blocks; b++) dev.disk.fill(b & 0xff, b * BS, (b + 1) * BS);
  return dev;
}

describe("BlockCache reads", () => {
  it("reads a block once and serves it from memory after", () => {
    const dev = device();
    const c = new BlockCache(dev, BS);
    expect(c.get(10)[0]).toBe(10);
    expect(c.get(10)[4095]).toBe(10);
    expect(dev.reads).toBe(1);
    expect(c.stats).toMatchObject({ hits: 1, misses: 1, blocksRead: 1 });
  });

  it("grows a read-ahead window on sequential misses, up to its maximum, and not past the device", () => {
    const dev = device(200);
    const c = new BlockCache(dev, BS, { maxReadAhead: 16 });
    for (let b = 0; b < 200; b++) expect(c.get(b)[7]).toBe(b & 0xff);
    expect(dev.log.slice(0, 4)).toEqual(["r 0 8", "r 8 32", "r 40 64", "r 104 128"]);
    expect(dev.reads).toBeLessThan(20);
    expect(c.stats.blocksRead).toBe(200);
  });

  it("reads random blocks one at a time (no read-ahead)", () => {
    const dev = device();
    const c = new BlockCache(dev, BS);
    for (const b of [5, 90, 17, 200, 3]) c.get(b);
    expect(dev.log).toEqual(["r 40 8", "r 720 8", "r 136 8", "r 1600 8", "r 24 8"]);
  });

  it("stays within its size by evicting the least recently used clean blocks", () => {
    const dev = device();
    const c = new BlockCache(dev, BS, { capacityBytes: 16 * BS, maxReadAhead: 0 });
    for (let b = 0; b < 40; b += 2) c.get(b);
    expect(c.size).toBe(16);
    c.get(38);                                  // recent: still there
    expect(dev.reads).toBe(20);
    c.get(0);                                   // evicted long ago: read again
    expect(dev.reads).toBe(21);
  });

  it("refuses block numbers outside the device as corruption, and device errors as EIO", () => {
    const dev = device(16);
    const c = new BlockCache(dev, BS);
    expect(() => c.get(16)).toThrow(FsError);
    expect(() => c.get(16)).toThrow(/EUCLEAN/);
    dev.ioErrorSectors.add(5 * 8 + 3);
    expect(() => c.get(5)).toThrow(/EIO.*reading block 5/);
  });
});

describe("BlockCache writes", () => {
  it("keeps changes in memory until written back, then writes adjacent blocks as one request, in order", () => {
    const dev = device();
    const c = new BlockCache(dev, BS);
    for (const b of [7, 3, 4, 5, 9]) {
      c.get(b).fill(0xee);
      c.markDirty(b);
    }
    expect(dev.writes).toBe(0);
    expect(c.dirtyBlocks).toBe(5);
    expect(c.writeBack()).toBe(5);
    expect(dev.log.filter((l) => l.startsWith("w"))).toEqual(["w 24 24", "w 56 8", "w 72 8"]);
    expect(dev.disk[4 * BS]).toBe(0xee);
    expect(c.dirtyBlocks).toBe(0);
  });

  it("zeroed() gives a new block without reading it; markDirty(data) replaces a block", () => {
    const dev = device();
    const c = new BlockCache(dev, BS);
    c.zeroed(12)[0] = 1;
    c.markDirty(12);
    c.markDirty(13, new Uint8Array(BS).fill(2));
    c.writeBack({ barrier: true });
    expect(dev.reads).toBe(0);
    expect([dev.disk[12 * BS], dev.disk[12 * BS + 1], dev.disk[13 * BS]]).toEqual([1, 0, 2]);
    expect(dev.log.at(-1)).toBe("f");
  });

  it("never writes back a held block, nor evicts it; selected write-back writes only what is asked", () => {
    const dev = device();
    const c = new BlockCache(dev, BS, { capacityBytes: 16 * BS, maxReadAhead: 0 });
    c.get(1).fill(1);
    c.markDirty(1);
    c.hold(1);
    c.get(2).fill(2);
    c.markDirty(2);
    c.get(3).fill(3);
    c.markDirty(3);
    c.writeBack({ which: (b) => b === 3 });
    expect(dev.log.filter((l) => l.startsWith("w"))).toEqual(["w 24 8"]);
    for (let b = 10; b < 60; b++) c.get(b);     // pressure: the held block stays, unheld dirty ones are written
    expect(c.isDirty(1)).toBe(true);
    expect(dev.disk[2 * BS]).toBe(2);
    c.release(1);
    c.writeBack();
    expect(dev.disk[BS]).toBe(1);
  });

  it("writeThrough writes straight to the device and leaves the cached copy clean and current", () => {
    const dev = device();
    const c = new BlockCache(dev, BS);
    c.get(20);
    c.writeThrough([{ block: 21, data: new Uint8Array(BS).fill(5) }, { block: 20, data: new Uint8Array(BS).fill(6) }]);
    expect(dev.log.filter((l) => l.startsWith("w"))).toEqual(["w 160 16"]);
    expect(c.get(20)[0]).toBe(6);
    expect(c.isDirty(20)).toBe(false);
  });

  it("a failed write-back leaves the blocks dirty and throws EIO; a read-only device refuses with EROFS", () => {
    const dev = device();
    const c = new BlockCache(dev, BS);
    c.get(30).fill(9);
    c.markDirty(30);
    dev.ioErrorSectors.add(30 * 8);
    expect(() => c.writeBack()).toThrow(/EIO/);
    expect(c.isDirty(30)).toBe(true);
    dev.ioErrorSectors.clear();
    c.writeBack();
    expect(dev.disk[30 * BS]).toBe(9);
    const ro = new BlockCache(new MemBlockDevice({ sectors: 64, readOnly: true }), BS);
    ro.get(1);
    ro.markDirty(1);
    expect(() => ro.writeBack()).toThrow(/EROFS/);
  });

  it("forget() drops a block, dirty or not, without writing it", () => {
    const dev = device();
    const c = new BlockCache(dev, BS);
    c.get(40).fill(1);
    c.markDirty(40);
    c.forget(40);
    expect(c.dirtyBlocks).toBe(0);
    c.writeBack();
    expect(dev.writes).toBe(0);
  });
});
