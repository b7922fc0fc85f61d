// VirtioBlk (drivers/virtio/blk) over a simulated RAM disk (test/sim/virtio/blk.ts), driven through the real event
// loop on the simulated platform: capacity, byte-exact round trips, 64 KiB request splitting with many requests
// in flight, flush, range and read-only checks before anything is sent, device errors, a misbehaving device,
// and the loop's liveness. Time is virtual; nothing sleeps.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BlockError, VirtioBlk } from "../../../drivers/virtio/blk/index.ts";
import { STATUS_FAILED } from "../../../drivers/virtio/transport.ts";
import { SeededRandom } from "../../sim/prng.ts";
import { BLK_S_OK, BLK_S_UNSUPP, BLK_T_FLUSH, BLK_T_GET_ID, BLK_T_IN, BLK_T_OUT, SimVirtioBlk, type SimBlkOptions } from "../../sim/virtio/blk.ts";
import { VirtioBench } from "../../sim/virtio/harness.ts";
import type { UsedFault } from "../../sim/virtio/split_ring.ts";
import { VirtioDevice } from "../../../drivers/virtio/device.ts";
import { dmaPool } from "../../../kernel/dma.ts";

const bench = new VirtioBench();
const SECTOR = 512;

beforeEach(() => { bench.fresh(); });
afterEach(() => { expect(bench.uncaught).toEqual([]); });

function open(o: SimBlkOptions = {}): { dev: SimVirtioBlk; blk: VirtioBlk } {
  const dev = new SimVirtioBlk(bench.sim, o);
  return { dev, blk: new VirtioBlk(dev) };
}

/** Deterministic bytes for a region of the disk. */
function pattern(bytes: number, seed: number): Uint8Array {
  const out = new Uint8Array(bytes);
  new SeededRandom(seed).fill(out);
  return out;
}

/** Byte-exact equality (vitest's toEqual is slow on large typed arrays). */
function same(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}

/** The rejection of `p` (fails the test if it resolves). */
async function rejection(p: Promise<unknown>): Promise<BlockError> {
  try {
    await bench.settle(p);
  } catch (e) {
    return e as BlockError;
  }
  throw new Error("the promise resolved; a rejection was expected");
}

describe("identity", () => {
  it("reads capacity, sector size, block size and write access from the device", () => {
    const { blk } = open({ sectors: 12345, blockSize: 4096 });
    expect(blk.info).toEqual({ sectorSize: 512, sectors: 12345, readWrite: true });
    expect(blk.blockSize).toBe(4096);
  });

  it("reads a capacity above 2^32 sectors from both halves of the 64-bit field", () => {
    const dev = new SimVirtioBlk(bench.sim, { sectors: 8 });
    dev.config.setUint32(0, 5, true);
    dev.config.setUint32(4, 3, true);
    expect(new VirtioBlk(dev).info.sectors).toBe(3 * 2 ** 32 + 5);
  });

  it("reports a read-only device, and a 512-byte block size when BLK_SIZE is not offered", () => {
    const { blk } = open({ readOnly: true, blockSize: 0 });
    expect(blk.info.readWrite).toBe(false);
    expect(blk.blockSize).toBe(512);
  });
});

describe("reads and writes", () => {
  it("round-trips one sector byte-exact, and the disk holds what was written", async () => {
    const { dev, blk } = open();
    const data = pattern(SECTOR, 1);
    await bench.settle(blk.write(7, data));
    expect(same(dev.disk.subarray(7 * SECTOR, 8 * SECTOR), data)).toBe(true);
    expect(same(await bench.settle(blk.read(7, 1)), data)).toBe(true);
    expect(dev.requests.map((r) => [r.type, r.sector, r.bytes, r.status])).toEqual([
      [BLK_T_OUT, 7, 512, BLK_S_OK], [BLK_T_IN, 7, 512, BLK_S_OK],
    ]);
  });

  it.each([1, 3, 127, 128, 129, 300])("reads what the disk holds, %i sectors at an odd offset", async (count) => {
    const { dev, blk } = open({ sectors: 1024 });
    dev.disk.set(pattern(dev.disk.length, count));
    const got = await bench.settle(blk.read(5, count));
    expect(got.length).toBe(count * SECTOR);
    expect(same(got, dev.disk.subarray(5 * SECTOR, (5 + count) * SECTOR))).toBe(true);
    expect(dev.requests.every((r) => r.bytes <= 64 * 1024)).toBe(true);
    expect(dev.requests).toHaveLength(Math.ceil(count / 128));
  });

  it("splits 1 MiB into sixteen 64 KiB requests that are all in flight at once", async () => {
    const { dev, blk } = open({ sectors: 4096, latencyMs: 2 });
    const data = pattern(1 << 20, 9);
    await bench.settle(blk.write(100, data));
    expect(dev.requests.map((r) => [r.type, r.sector, r.bytes])).toEqual(
      Array.from({ length: 16 }, (_, i) => [BLK_T_OUT, 100 + 128 * i, 65536]));
    expect(dev.maxPending).toBe(16);
    expect(bench.sim.time).toBe(2);                    // one round trip: all sixteen were served together
    expect(same(await bench.settle(blk.read(100, 2048)), data)).toBe(true);
  });

  it("queues requests beyond what the ring holds and sends them as completions free descriptors", async () => {
    const { dev, blk } = open({ sectors: 16384, latencyMs: 1 });
    dev.disk.set(pattern(dev.disk.length, 3));
    const got = await bench.settle(blk.read(0, 16384));      // 8 MiB: 128 requests of 3 descriptors, ring of 128
    expect(same(got, dev.disk)).toBe(true);
    expect(dev.requests).toHaveLength(128);
    expect(dev.maxPending).toBe(42);                          // floor(128 / 3) requests fit in the ring at once
    expect(dev.violations).toEqual([]);
  });

  it("keeps concurrent reads and writes to different sectors apart", async () => {
    const { dev, blk } = open({ sectors: 1024, latencyMs: 1 });
    const a = pattern(64 * SECTOR, 11), b = pattern(200 * SECTOR, 12);
    dev.disk.set(pattern(100 * SECTOR, 13), 500 * SECTOR);
    const before = dev.disk.slice(500 * SECTOR, 600 * SECTOR);
    const [, , r] = await bench.settle(Promise.all([blk.write(0, a), blk.write(300, b), blk.read(500, 100)]));
    expect(same(r, before)).toBe(true);
    expect(same(await bench.settle(blk.read(0, 64)), a)).toBe(true);
    expect(same(await bench.settle(blk.read(300, 200)), b)).toBe(true);
  });

  it("reads and writes nothing for a count of zero", async () => {
    const { dev, blk } = open();
    expect(await bench.settle(blk.read(3, 0))).toEqual(new Uint8Array(0));
    await bench.settle(blk.write(3, new Uint8Array(0)));
    expect(dev.notifyLog).toEqual([]);
  });
});

describe("flush", () => {
  it("sends one FLUSH request when the device has a write cache", async () => {
    const { dev, blk } = open();
    await bench.settle(blk.flush());
    expect(dev.flushes).toBe(1);
    expect(dev.requests.map((r) => r.type)).toEqual([BLK_T_FLUSH]);
  });

  it("sends nothing when the device does not offer FLUSH", async () => {
    const { dev, blk } = open({ flush: false });
    await bench.settle(blk.flush());
    expect(dev.requests).toEqual([]);
    expect(dev.notifyLog).toEqual([]);
  });
});

describe("requests refused before anything is sent", () => {
  it("rejects reads and writes beyond the capacity with ERR_OUT_OF_RANGE", async () => {
    const { dev, blk } = open({ sectors: 100 });
    const e = await rejection(blk.read(99, 2));
    expect(e).toBeInstanceOf(BlockError);
    expect(e.code).toBe("ERR_OUT_OF_RANGE");
    expect(e.message).toBe("read of sectors 99..100 is beyond the device's 100 sectors");
    expect((await rejection(blk.write(100, new Uint8Array(SECTOR)))).code).toBe("ERR_OUT_OF_RANGE");
    expect((await rejection(blk.read(-1, 1))).code).toBe("ERR_INVALID_ARG_VALUE");
    expect((await rejection(blk.write(0, new Uint8Array(100)))).code).toBe("ERR_INVALID_ARG_VALUE");
    expect(dev.notifyLog).toEqual([]);
    expect(dev.queue(0).availIdx).toBe(0);
  });

  it("rejects writes to a read-only device with EROFS; reads still work", async () => {
    const { dev, blk } = open({ readOnly: true });
    dev.disk.fill(0x5a, 0, SECTOR);
    const e = await rejection(blk.write(0, new Uint8Array(SECTOR)));
    expect([e.code, e.message]).toEqual(["EROFS", "the block device is read-only"]);
    expect(dev.notifyLog).toEqual([]);
    expect((await bench.settle(blk.read(0, 1)))[0]).toBe(0x5a);
  });
});

describe("device errors", () => {
  it("rejects a request that hits an I/O error with EIO and .status 1; others are unaffected", async () => {
    const { dev, blk } = open({ sectors: 1024 });
    dev.ioErrorSectors.add(200);
    const e = await rejection(blk.read(199, 2));
    expect(e).toBeInstanceOf(BlockError);
    expect([e.code, e.status]).toEqual(["EIO", 1]);
    expect(e.message).toBe("virtio-blk read failed with device status 1 (I/O error)");
    expect((await rejection(blk.write(200, new Uint8Array(SECTOR)))).code).toBe("EIO");
    await bench.settle(blk.write(201, new Uint8Array(SECTOR)));
    expect(await bench.settle(blk.read(0, 10))).toHaveLength(10 * SECTOR);
  });

  it("fails a large read when one of its 64 KiB pieces fails, and frees the device for later requests", async () => {
    const { dev, blk } = open({ sectors: 1024 });
    dev.ioErrorSectors.add(300);                            // inside the third 128-sector piece of 0..511
    expect((await rejection(blk.read(0, 512))).status).toBe(1);
    expect(dev.requests.map((r) => r.status)).toEqual([0, 0, 1, 0]);
    expect(await bench.settle(blk.read(400, 4))).toHaveLength(4 * SECTOR);
  });

  const faults: UsedFault[] = [
    { kind: "index-jump" }, { kind: "id-out-of-range" }, { kind: "id-not-head" }, { kind: "length-too-big" },
  ];
  it.each(faults)("fails every pending request with EIO when the device breaks the ring ($kind), without hanging", async (fault) => {
    const { dev, blk } = open({ sectors: 16384, latencyMs: 1 });
    dev.queue(0).injectFault(fault);
    const pending = [blk.read(0, 16384), blk.write(0, new Uint8Array(SECTOR)), blk.flush()];
    const errors = await Promise.all(pending.map((p) => rejection(p)));
    expect(errors.map((e) => e.code)).toEqual(["EIO", "EIO", "EIO"]);
    expect(errors[0].message).toMatch(/^the block device failed: virtqueue 0: /);
    expect(dev.status & STATUS_FAILED).toBe(STATUS_FAILED);
    expect(bench.ev.alive()).toBe(false);
    const later = await rejection(blk.read(0, 1));
    expect(later.code).toBe("EIO");
  });

  // BUG (drivers/virtio/blk/index.ts, flush): read() and write() check `dev.failure` first (checkRange) and reject
  // with EIO, but flush() submits straight away: the broken queue refuses the request, it is parked in `waiting`
  // (which nothing drains any more), the handle stays ref'd, and the promise never settles: the loop hangs.
  it("rejects a flush with EIO once the device has failed, instead of hanging", async () => {
    const { dev, blk } = open();
    dev.queue(0).injectFault({ kind: "id-out-of-range" });
    expect((await rejection(blk.read(0, 1))).code).toBe("EIO");
    await expect(bench.settle(blk.flush())).rejects.toMatchObject({ code: "EIO" });
  });
});

describe("the event loop", () => {
  it("is kept alive only while requests are in flight", async () => {
    const { blk } = open({ latencyMs: 5 });
    expect(bench.ev.alive()).toBe(false);
    const start = bench.sim.time;
    const p = blk.read(0, 8);
    expect(bench.ev.alive()).toBe(true);
    bench.run();                                   // returns once the request completed, 5 virtual ms later
    expect(bench.ev.alive()).toBe(false);
    expect(bench.sim.time - start).toBe(5);
    expect(await p).toHaveLength(8 * SECTOR);
  });

  it("leaves the device reset and the loop free after close()", () => {
    const { dev, blk } = open();
    blk.close();
    expect(dev.status).toBe(0);
    expect(bench.ev.alive()).toBe(false);
  });
});

describe("the simulated device itself", () => {
  it("answers GET_ID with its serial and unknown request types with UNSUPP", () => {
    const dev = new SimVirtioBlk(bench.sim, { serial: "disk-42" });
    const vd = new VirtioDevice(dev, () => {});
    vd.negotiate(0n);
    const q = vd.createQueue<string>(0, 8);
    vd.start();
    const pool = dmaPool();
    const request = (type: number, dataBytes: number) => {
      const header = pool.alloc(16), data = pool.alloc(dataBytes), status = pool.alloc(1);
      header.bytes[0] = type;
      status.bytes[0] = 0xff;
      q.add([{ address: header.address, length: 16 }, { address: data.address, length: dataBytes, writable: true },
        { address: status.address, length: 1, writable: true }], String(type));
      return { data, status };
    };
    const id = request(BLK_T_GET_ID, 20), odd = request(99, 8);
    q.kick();
    const done: [string, number][] = [];
    q.poll((t, n) => done.push([t, n]));
    expect(done).toEqual([[String(BLK_T_GET_ID), 21], ["99", 1]]);
    expect(new TextDecoder().decode(id.data.bytes.subarray(0, 7))).toBe("disk-42");
    expect([id.status.bytes[0], odd.status.bytes[0]]).toEqual([BLK_S_OK, BLK_S_UNSUPP]);
  });
});

describe("synchronous I/O (readSync/writeSync/writeManySync/flushSync: the file systems' path)", () => {
  it("round-trips bytes, many requests in flight, halting until the completion interrupt", () => {
    const { dev, blk } = open({ sectors: 4096 });
    const data = pattern(300 * 1024, 11);
    const halts = bench.sim.halts.length;
    blk.writeSync(8, data);
    expect(same(dev.disk.subarray(8 * SECTOR, 8 * SECTOR + data.length), data)).toBe(true);
    expect(same(blk.readSync(8, data.length / SECTOR), data)).toBe(true);
    expect(dev.requests.filter((r) => r.type === BLK_T_IN).length).toBe(Math.ceil(data.length / (64 * 1024)));
    expect(bench.sim.halts.length).toBeGreaterThanOrEqual(halts);
  });

  it("writeManySync puts several runs in flight and returns when all are done; flushSync reaches the device", () => {
    const { dev, blk } = open({ sectors: 4096 });
    const a = pattern(4096, 1), b = pattern(70 * 1024, 2);
    blk.writeManySync([{ sector: 0, data: a }, { sector: 1000, data: b }]);
    expect(same(dev.disk.subarray(0, 4096), a)).toBe(true);
    expect(same(dev.disk.subarray(1000 * SECTOR, 1000 * SECTOR + b.length), b)).toBe(true);
    blk.flushSync();
    expect(dev.requests.at(-1)?.type).toBe(BLK_T_FLUSH);
  });

  it("throws the device's errors, and range errors before anything is sent", () => {
    const { dev, blk } = open({ sectors: 64 });
    dev.ioErrorSectors.add(3);
    expect(() => blk.readSync(0, 8)).toThrow(/I\/O error/);
    expect(() => blk.readSync(60, 8)).toThrow(BlockError);
    const sent = dev.requests.length;
    expect(() => blk.writeSync(0, new Uint8Array(100))).toThrow(/multiple of 512/);
    expect(dev.requests.length).toBe(sent);
  });

  it("runs no other callback during the wait: a timer that came due fires afterwards, from the loop", () => {
    const { blk } = open({ sectors: 64, latencyMs: 5 } as SimBlkOptions);
    const events: string[] = [];
    bench.after(1, () => events.push("timer"));
    blk.readSync(0, 8);
    events.push("read done");
    bench.ev.run();
    expect(events).toEqual(["read done", "timer"]);
  });
});
