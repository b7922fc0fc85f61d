// VirtioNet (drivers/virtio/net) over a simulated virtio-net device with a test-driven peer
// (test/sim/virtio/net.ts), through the real event loop on the simulated platform: config, receive buffers kept
// posted, frames in and out intact, a full transmit ring and onWritable, notification batching, counters.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { VirtioNet } from "../../../drivers/virtio/net/index.ts";
import { STATUS_FAILED } from "../../../drivers/virtio/transport.ts";
import { SeededRandom } from "../../sim/prng.ts";
import { VirtioBench } from "../../sim/virtio/harness.ts";
import { SIM_NET_HDR, SimVirtioNet, type SimNetOptions } from "../../sim/virtio/net.ts";

const bench = new VirtioBench();
const RX = 0, TX = 1;

beforeEach(() => { bench.fresh(); });
afterEach(() => { expect(bench.uncaught).toEqual([]); });

function open(o: SimNetOptions = {}): { dev: SimVirtioNet; net: VirtioNet } {
  const dev = new SimVirtioNet(bench.sim, o);
  return { dev, net: new VirtioNet(dev) };
}

/** An Ethernet frame of `size` bytes (broadcast, IPv4 ethertype) whose payload is a seeded pattern. */
function frame(size: number, seed: number): Uint8Array {
  const f = new Uint8Array(size);
  new SeededRandom(seed).fill(f);
  f.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00]);
  return f;
}

/** Sends frames from inside one loop callback, as an app would (the driver's kick runs in its nextTick). */
function send(net: VirtioNet, frames: Uint8Array[]): boolean[] {
  let results: boolean[] = [];
  bench.ev.invoke(() => { results = frames.map((f) => net.write(f.length, (buf) => buf.set(f))); });
  return results;
}

describe("configuration", () => {
  it("takes the MAC, MTU and link status from the config space", () => {
    const mac = Uint8Array.of(0x52, 0x54, 0x00, 0xab, 0xcd, 0xef);
    const { net } = open({ mac, mtu: 9000, linkUp: false });
    expect(net.mac).toEqual(mac);
    expect(net.mtu).toBe(9000);
    expect(net.linkUp).toBe(false);
  });

  it("falls back to a fixed MAC, MTU 1500 and link up when the device offers none of them", () => {
    const { net } = open({ mtu: 4000, linkUp: false, offer: { mac: false, mtu: false, status: false } });
    expect(Array.from(net.mac)).toEqual([0x52, 0x54, 0x00, 0x12, 0x34, 0x56]);
    expect(net.mtu).toBe(1500);
    expect(net.linkUp).toBe(true);
  });

  it("follows link changes the device signals with a configuration interrupt", () => {
    const { dev, net } = open();
    net.listen(() => {});
    expect(net.linkUp).toBe(true);
    dev.setLink(false);
    expect(bench.runUntilIdle()).toBe(true);
    expect(net.linkUp).toBe(false);
    expect(dev.violations).toEqual([]);
  });
});

describe("receiving", () => {
  it("keeps every receive buffer posted, however many frames arrive", () => {
    const { dev, net } = open();
    const got: Uint8Array[] = [];
    net.listen((f) => got.push(f.slice()));
    expect(dev.rxPosted).toBe(256);
    const sent: Uint8Array[] = [];
    for (let batch = 0; batch < 10; batch++) {
      for (let i = 0; i < 100; i++) {
        const f = frame(60 + ((batch * 100 + i) % 1455), batch * 100 + i);
        sent.push(f);
        expect(dev.deliver(f)).toBe(true);
      }
      bench.runUntilIdle();
      expect(dev.rxPosted).toBe(256);
    }
    expect(got).toHaveLength(1000);
    expect(got.every((f, i) => Buffer.from(f).equals(Buffer.from(sent[i])))).toBe(true);
    expect(dev.rxDropped).toBe(0);
  });

  it("delivers minimum-size and MTU-size frames intact, in order, as views valid during the call", () => {
    const { dev, net } = open({ mtu: 1500 });
    const got: Uint8Array[] = [];
    net.listen((f) => got.push(f.slice()));
    const frames = [frame(14, 1), frame(60, 2), frame(1514, 3)];
    for (const f of frames) dev.deliver(f);
    bench.runUntilIdle();
    expect(got).toEqual(frames);
    expect(net.stats()).toMatchObject({ rxFrames: 3, rxBytes: 14 + 60 + 1514, rxDropped: 0 });
  });

  it("drops runts shorter than an Ethernet header, and frames that arrive while nobody listens", () => {
    const { dev, net } = open();
    const got: number[] = [];
    dev.deliver(frame(60, 1));                          // nobody listens yet; a timer keeps the loop going
    bench.after(1, () => {
      net.listen((f) => got.push(f.length));
      dev.deliver(new Uint8Array(10));                  // a runt
      dev.deliver(frame(64, 2));
    });
    bench.runUntilIdle();
    expect(got).toEqual([64]);
    expect(net.stats()).toMatchObject({ rxFrames: 1, rxBytes: 64, rxDropped: 2 });
    expect(dev.rxPosted).toBe(256);
  });

  // BUG (drivers/virtio/virtqueue.ts, Virtqueue.poll, as used by drivers/virtio/net onInterrupt): when the
  // listen() handler throws, poll() has released the RX chain but not advanced past its used entry, and the driver
  // re-posts the buffer at the same head (in `finally`) without publishing it (rx.kick() is skipped). Every later
  // interrupt re-reads that used entry: the same stale frame is handed to the handler again (which throws again),
  // later frames are never delivered, and the device keeps consuming receive buffers: reception is wedged.
  it("a handler that throws reports the error once; later frames arrive exactly once", () => {
    const { dev, net } = open();
    const got: number[] = [];
    net.listen((f) => {
      got.push(f[14]);
      if (f[14] === 1) throw new Error("app bug");
    });
    for (const n of [1, 2, 3]) { const f = frame(60, n); f[14] = n; dev.deliver(f); }
    bench.runUntilIdle();
    const f4 = frame(60, 4); f4[14] = 4; dev.deliver(f4);
    bench.runUntilIdle();
    expect(bench.uncaught.map((u) => (u.error as Error).message)).toEqual(["app bug"]);
    bench.uncaught = [];
    expect(got).toEqual([1, 2, 3, 4]);
    expect(dev.rxPosted).toBe(256);
    expect(dev.violations).toEqual([]);
  });
});

describe("transmitting", () => {
  it("sends frames intact behind a zeroed 12-byte virtio-net header, also when a slot is reused", () => {
    const { dev, net } = open({ scribbleTx: true });
    net.listen(() => {});
    const frames = Array.from({ length: 300 }, (_, i) => frame(14 + (i * 5) % 1501, i));
    for (let at = 0; at < frames.length; at += 100) {     // slots are reused after the device dirtied them
      expect(send(net, frames.slice(at, at + 100))).toEqual(Array(100).fill(true));
      bench.runUntilIdle();
    }
    expect(dev.transmitted).toHaveLength(300);
    expect(dev.transmitted.every((t) => t.header.length === SIM_NET_HDR && t.header.every((b) => b === 0))).toBe(true);
    expect(dev.transmitted.every((t, i) => Buffer.from(t.frame).equals(Buffer.from(frames[i])))).toBe(true);
  });

  it("returns false when the transmit ring is full and calls onWritable once completions free a slot", () => {
    const { dev, net } = open();
    net.listen(() => {});
    dev.holdTx = true;
    const results = send(net, Array.from({ length: 257 }, (_, i) => frame(60, i)));
    expect(results.slice(0, 256).every((r) => r)).toBe(true);
    expect(results[256]).toBe(false);
    expect(dev.txWaiting).toBe(256);
    let writable = 0;
    net.onWritable(() => { writable++; });
    bench.runUntilIdle();
    expect(writable).toBe(0);
    dev.releaseTx();
    bench.runUntilIdle();
    expect(writable).toBe(1);
    expect(send(net, [frame(60, 999)])).toEqual([true]);
    bench.runUntilIdle();
    expect(dev.transmitted).toHaveLength(257);
    expect(net.stats()).toMatchObject({ txFrames: 257, txDropped: 0 });
  });

  it("notifies the device once per batch of writes made in one tick", () => {
    const { dev, net } = open();
    expect(dev.notifications(TX)).toBe(0);
    send(net, Array.from({ length: 10 }, (_, i) => frame(60, i)));
    expect(dev.notifications(TX)).toBe(1);
    send(net, [frame(60, 10)]);
    send(net, [frame(60, 11)]);
    expect(dev.notifications(TX)).toBe(3);
    expect(dev.transmitted).toHaveLength(12);
    expect(dev.notifications(RX)).toBe(1);               // the initial posting of the receive buffers
  });

  it("refuses frames shorter than 14 bytes or longer than MTU + 14 with a RangeError", () => {
    const { dev, net } = open({ mtu: 1500 });
    expect(() => net.write(13, () => {})).toThrow(RangeError);
    expect(() => net.write(1515, () => {})).toThrow("frame of 1515 bytes: expected 14..1514");
    expect(dev.transmitted).toEqual([]);
  });

  it("counts frames and bytes both ways", () => {
    const { dev, net } = open();
    net.listen(() => {});
    send(net, [frame(100, 1), frame(200, 2)]);
    dev.deliver(frame(300, 3));
    dev.deliver(frame(400, 4));
    dev.deliver(frame(500, 5));
    bench.runUntilIdle();
    expect(net.stats()).toEqual({ rxFrames: 3, rxBytes: 1200, txFrames: 2, txBytes: 300, rxDropped: 0, txDropped: 0,
      rxInvalid: 0, rxLarge: 0, rxMerged: 0, rxChecksumValid: 0, txLarge: 0, txChecksum: 0 });
  });
});

describe("lifetime and failure", () => {
  it("keeps the loop alive while listening, and lets it end after close()", () => {
    const { dev, net } = open();
    expect(bench.ev.alive()).toBe(false);
    net.listen(() => {});
    expect(bench.ev.alive()).toBe(true);
    net.close();
    expect(bench.ev.alive()).toBe(false);
    expect(dev.status).toBe(0);
  });

  it("stops sending (write returns false, txDropped counts) once the device corrupted the transmit ring", () => {
    const { dev, net } = open();
    net.listen(() => {});
    dev.queue(TX).injectFault({ kind: "id-out-of-range" });
    send(net, [frame(60, 1)]);
    bench.runUntilIdle();
    expect(dev.status & STATUS_FAILED).toBe(STATUS_FAILED);
    expect(send(net, [frame(60, 2)])).toEqual([false]);
    expect(net.stats().txDropped).toBe(1);
    expect(dev.transmitted).toHaveLength(1);
  });
});
