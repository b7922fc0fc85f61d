// The common virtio driver core (drivers/virtio/device.ts) against simulated transports: the status handshake
// in order, feature negotiation (VERSION_1 required, only offered bits accepted), refusal paths that set FAILED,
// queue sizing, interrupt causes, and the simulated device's own checks on a driver.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { VirtioBlk } from "../../../drivers/virtio/blk/index.ts";
import { bit, VirtioDevice } from "../../../drivers/virtio/device.ts";
import { VirtioNet } from "../../../drivers/virtio/net/index.ts";
import { VirtioRng } from "../../../drivers/virtio/rng/index.ts";
import {
  F_VERSION_1, STATUS_ACKNOWLEDGE, STATUS_DRIVER, STATUS_DRIVER_OK, STATUS_FAILED, STATUS_FEATURES_OK,
  STATUS_NEEDS_RESET,
} from "../../../drivers/virtio/transport.ts";
import { BLK_F_FLUSH, BLK_F_SEG_MAX, SimVirtioBlk } from "../../sim/virtio/blk.ts";
import { VirtioBench } from "../../sim/virtio/harness.ts";
import { SimVirtioNet } from "../../sim/virtio/net.ts";
import { SimVirtioRng } from "../../sim/virtio/rng.ts";
import { SimVirtioTransport } from "../../sim/virtio/transport.ts";

const bench = new VirtioBench();
const ACK = STATUS_ACKNOWLEDGE, DRV = STATUS_DRIVER, FOK = STATUS_FEATURES_OK, DOK = STATUS_DRIVER_OK;

beforeEach(() => { bench.fresh(); });
afterEach(() => { expect(bench.uncaught).toEqual([]); });

describe("the status handshake", () => {
  it("resets, then sets ACKNOWLEDGE, DRIVER, FEATURES_OK and DRIVER_OK in that order, without a device complaint", () => {
    const devices = [new SimVirtioBlk(bench.sim), new SimVirtioNet(bench.sim), new SimVirtioRng(bench.sim)];
    new VirtioBlk(devices[0]);
    new VirtioNet(devices[1]);
    new VirtioRng(devices[2]);
    for (const d of devices) {
      expect(d.statusLog).toEqual([0, ACK, ACK | DRV, ACK | DRV | FOK, ACK | DRV | FOK | DOK]);
      expect(d.status).toBe(ACK | DRV | FOK | DOK);
      expect(d.violations).toEqual([]);               // queues set up before DRIVER_OK, no early notify, aligned rings
    }
  });

  it("accepts only offered features the driver wants, plus VERSION_1", () => {
    const offered = bit(BLK_F_SEG_MAX) | bit(BLK_F_FLUSH) | bit(10) | bit(24) | bit(33) | bit(40);
    const dev = new SimVirtioBlk(bench.sim, { features: offered });
    new VirtioBlk(dev);
    expect(dev.driverFeatures).toBe(bit(BLK_F_SEG_MAX) | bit(BLK_F_FLUSH) | bit(F_VERSION_1));
    expect(dev.status & FOK).toBe(FOK);
  });

  it("refuses a device without VIRTIO_F_VERSION_1 with a clear error, and sets FAILED", () => {
    const dev = new SimVirtioBlk(bench.sim, { version1: false });
    expect(() => new VirtioBlk(dev)).toThrow("virtio: sim blk does not offer VIRTIO_F_VERSION_1");
    expect(dev.status & STATUS_FAILED).toBe(STATUS_FAILED);
    expect(dev.statusLog.some((s) => s & FOK)).toBe(false);
    expect(dev.hasQueue(0)).toBe(false);
  });

  it("stops with an error naming the features when the device does not accept FEATURES_OK, and sets FAILED", () => {
    const dev = new SimVirtioNet(bench.sim, { acceptFeatures: () => false });
    expect(() => new VirtioNet(dev)).toThrow("virtio: sim net rejected the features 0x100010028");
    expect(dev.status).toBe(ACK | DRV | STATUS_FAILED);
    expect(dev.statusLog.some((s) => s & DOK)).toBe(false);
    expect(dev.hasQueue(0)).toBe(false);
  });

  it("fails a device that lacks a queue the driver needs, setting FAILED", () => {
    const dev = new SimVirtioTransport(bench.sim, { deviceId: 4, name: "queueless rng", queueSizes: [] });
    expect(() => new VirtioRng(dev)).toThrow("virtio: queueless rng has no queue 0");
    expect(dev.status & STATUS_FAILED).toBe(STATUS_FAILED);
  });

  it("sets FAILED, keeping the other status bits, when the device breaks the protocol later", async () => {
    const dev = new SimVirtioBlk(bench.sim);
    const blk = new VirtioBlk(dev);
    dev.queue(0).injectFault({ kind: "id-not-in-flight" });
    await expect(bench.settle(blk.read(0, 1))).rejects.toMatchObject({ code: "EIO" });
    expect(dev.status).toBe(ACK | DRV | FOK | DOK | STATUS_FAILED);
  });

  it("leaves the device reset (status 0, queues gone) after close()", () => {
    const dev = new SimVirtioRng(bench.sim);
    new VirtioRng(dev).close();
    expect(dev.status).toBe(0);
    expect(dev.hasQueue(0)).toBe(false);
  });
});

describe("queues", () => {
  it.each([[1024, 128], [128, 128], [100, 64], [6, 4]])("sizes the block queue for a device maximum of %i as %i", (max, size) => {
    const dev = new SimVirtioBlk(bench.sim, { queueSize: max });
    new VirtioBlk(dev);
    expect(dev.queue(0).size).toBe(size);
  });

  it("works with a four-entry queue: one 3-descriptor request at a time, each waiting for the previous one", async () => {
    const dev = new SimVirtioBlk(bench.sim, { queueSize: 4 });
    const blk = new VirtioBlk(dev);
    dev.disk.fill(0x11);
    const got = await bench.settle(blk.read(0, 1024));
    expect(got.every((b) => b === 0x11)).toBe(true);
    expect(dev.requests).toHaveLength(8);
    expect(dev.maxPending).toBe(1);
  });

  // BUG (drivers/virtio/blk/index.ts, constructor/post): with a device queue of 1 or 2 entries no request (three
  // descriptors: header, data, status) can ever be added; the request waits in `waiting` forever with the loop
  // handle ref'd, so the read hangs instead of the device being refused at open or the request rejected.
  it("refuses a block device whose queue cannot hold one request, instead of hanging its reads", async () => {
    const dev = new SimVirtioBlk(bench.sim, { queueSize: 2 });
    let error: unknown;
    try {
      const blk = new VirtioBlk(dev);
      await bench.settle(blk.read(0, 1));
    } catch (e) {
      error = e;
    }
    expect(String(error)).toMatch(/queue/);
    expect(String(error)).not.toMatch(/halt\(\)/);
  });
});

describe("interrupts", () => {
  it("delivers completions through an MSI vector as through a level-triggered line", async () => {
    const dev = new SimVirtioBlk(bench.sim, { interrupt: "msi" });
    const blk = new VirtioBlk(dev);
    dev.disk.fill(0x77, 0, 512);
    expect((await bench.settle(blk.read(0, 1)))[0]).toBe(0x77);
    expect(bench.sim.acks).toContain(dev.vector);
  });

  it("acknowledges the interrupt status on each interrupt: the queue and config causes are reported, then cleared", () => {
    const dev = new SimVirtioTransport(bench.sim, { deviceId: 42, queueSizes: [8] });
    const causes: [boolean, boolean][] = [];
    const vd = new VirtioDevice(dev, (q, c) => causes.push([q, c]));
    vd.negotiate(0n);
    vd.createQueue(0, 8);
    vd.start();
    dev.configChanged();
    bench.after(1, () => dev.interrupt());
    bench.after(2, () => {});                         // keeps the loop polling until the second interrupt is served
    bench.run();
    expect(causes).toEqual([[false, true], [true, false]]);
    expect(dev.ackInterrupt()).toBe(0);
  });
});

describe("the simulated transport's checks on a driver", () => {
  it("records notifications before DRIVER_OK, queues set up too late, and features written after FEATURES_OK", () => {
    const dev = new SimVirtioTransport(bench.sim, { deviceId: 42, queueSizes: [8] });
    dev.reset();
    dev.setStatus(ACK | DRV);
    dev.setDriverFeatures(bit(F_VERSION_1));
    dev.setStatus(ACK | DRV | FOK);
    dev.setupQueue(0, 8, { desc: 0x1000, driver: 0x1080, device: 0x1100 });
    dev.notify(0);
    dev.setDriverFeatures(0n);
    dev.setStatus(ACK | DRV | FOK | DOK);
    dev.setupQueue(0, 16, { desc: 0x1008, driver: 0x1080, device: 0x1100 });
    expect(dev.violations).toEqual([
      "queue 0 was notified before DRIVER_OK",
      "the driver wrote features after FEATURES_OK",
      "queue 0 was set up with status 0xf (FEATURES_OK and not DRIVER_OK expected)",
      "queue 0 was given size 16 (a power of two up to 8 expected)",
    ]);
  });

  it("asks for a reset (NEEDS_RESET and a config interrupt) when the driver offers a malformed chain", () => {
    const dev = new SimVirtioRng(bench.sim, { queueSize: 8 });
    const causes: boolean[] = [];
    const vd = new VirtioDevice(dev, (_q, c) => causes.push(c));
    vd.negotiate(0n);
    const q = vd.createQueue<string>(0, 8);
    vd.start();
    // A chain whose descriptor points back at itself (written past the Virtqueue class, which never does this).
    q.desc.set(0, bench.sim.dmaAlloc(64).address, 8, 1, 0);
    q.avail.setEntry(0, 0);
    q.avail.idx = 1;
    dev.runQueue(0);
    expect(dev.violations).toEqual(["virtqueue 0: the chain at head 0 loops back to descriptor 0"]);
    expect(dev.status & STATUS_NEEDS_RESET).toBe(STATUS_NEEDS_RESET);
    bench.after(1, () => {});                         // the loop polls (and serves the interrupt) until then
    bench.run();
    expect(causes).toEqual([true]);
  });
});
