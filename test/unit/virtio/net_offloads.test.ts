// VirtioNet's offloads (drivers/virtio/net, ./header.ts) over the simulated device offering what QEMU's tap
// backend offers: feature negotiation and its dependencies, frames spread over merged receive buffers (num_buffers),
// the checksum flags handed to the stack, the transmit header for partial checksums and TSO, and headers a
// misbehaving device could write — each such frame dropped and counted, the driver still receiving afterwards.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { VirtioNet } from "../../../drivers/virtio/net/index.ts";
import { RX_CHECKSUM_VALID, type TxOffload } from "../../../kernel/devices.ts";
import { SeededRandom } from "../../sim/prng.ts";
import { VirtioBench } from "../../sim/virtio/harness.ts";
import {
  NET_F_CSUM, NET_F_GUEST_CSUM, NET_F_GUEST_TSO4, NET_F_HOST_TSO4, NET_F_MAC, NET_F_MRG_RXBUF, NET_F_MTU, NET_F_STATUS,
  SIM_NET_HDR, SimVirtioNet, type SimNetOptions, type SimRxHeader,
} from "../../sim/virtio/net.ts";

const bench = new VirtioBench();
const NEEDS_CSUM = 1, DATA_VALID = 2, GSO_TCPV4 = 1;

beforeEach(() => { bench.fresh(); });
afterEach(() => { expect(bench.uncaught).toEqual([]); });

const bits = (...b: number[]) => b.reduce((f, n) => f | (1n << BigInt(n)), 0n);
const ALL = [NET_F_CSUM, NET_F_GUEST_CSUM, NET_F_GUEST_TSO4, NET_F_HOST_TSO4, NET_F_MRG_RXBUF];

function open(o: SimNetOptions = {}, offloads?: boolean): { dev: SimVirtioNet; net: VirtioNet; got: [Uint8Array, number][] } {
  const dev = new SimVirtioNet(bench.sim, { offer: { offloads: true }, ...o });
  const net = new VirtioNet(dev, offloads === undefined ? {} : { offloads });
  const got: [Uint8Array, number][] = [];
  net.listen((f, flags) => got.push([f.slice(), flags ?? 0]));
  return { dev, net, got };
}

/** A TCP/IPv4 frame of `size` bytes (IPv4 total length set) whose payload is a seeded pattern. */
function tcpFrame(size: number, seed: number, protocol = 6): Uint8Array {
  const f = new Uint8Array(size);
  new SeededRandom(seed).fill(f);
  f.set([0x02, 0x00, 0x5e, 0x10, 0x20, 0x30, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00, 0x45, 0]);
  f[16] = (size - 14) >>> 8;
  f[17] = (size - 14) & 0xff;
  f[14 + 9] = protocol;
  return f;
}

const gsoHeader = (o: SimRxHeader = {}): SimRxHeader =>
  ({ flags: NEEDS_CSUM, gsoType: GSO_TCPV4, gsoSize: 1448, hdrLen: 66, csumStart: 34, csumOffset: 16, ...o });

describe("negotiation", () => {
  it("agrees to CSUM, GUEST_CSUM, HOST_TSO4, GUEST_TSO4 and MRG_RXBUF when offered, and says so in offloads", () => {
    const { dev, net } = open();
    for (const f of ALL) expect(dev.agreed(f)).toBe(true);
    expect(net.offloads).toEqual({ txChecksum: true, tsoMaxBytes: 14 + 65535, rxLarge: true });
    expect(dev.violations).toEqual([]);
  });

  it("asks for none with offloads: false, and a device without them gives none", () => {
    const off = open({}, false);
    for (const f of ALL) expect(off.dev.agreed(f)).toBe(false);
    expect(off.net.offloads).toEqual({ txChecksum: false, tsoMaxBytes: 0, rxLarge: false });
    const plain = open({ offer: { offloads: false } });
    expect(plain.net.offloads).toEqual({ txChecksum: false, tsoMaxBytes: 0, rxLarge: false });
    expect(plain.dev.driverFeatures).toBe(bits(NET_F_MAC, NET_F_MTU, NET_F_STATUS, 32));
  });

  it("drops TSO whose checksum feature is missing, and GUEST_TSO4 without MRG_RXBUF (64 KiB buffers otherwise)", () => {
    const base = bits(NET_F_MAC, NET_F_MTU, NET_F_STATUS);
    const a = open({ features: base | bits(NET_F_HOST_TSO4, NET_F_GUEST_TSO4, NET_F_MRG_RXBUF, NET_F_GUEST_CSUM) });
    expect([a.dev.agreed(NET_F_HOST_TSO4), a.dev.agreed(NET_F_GUEST_TSO4)]).toEqual([false, true]);
    expect(a.net.offloads).toEqual({ txChecksum: false, tsoMaxBytes: 0, rxLarge: true });
    bench.fresh();
    const b = open({ features: base | bits(NET_F_CSUM, NET_F_HOST_TSO4, NET_F_GUEST_TSO4, NET_F_GUEST_CSUM) });
    expect([b.dev.agreed(NET_F_HOST_TSO4), b.dev.agreed(NET_F_GUEST_TSO4)]).toEqual([true, false]);
    bench.fresh();
    const c = open({ features: base | bits(NET_F_GUEST_TSO4, NET_F_MRG_RXBUF) });
    expect(c.dev.agreed(NET_F_GUEST_TSO4)).toBe(false);
    expect(c.dev.agreed(NET_F_MRG_RXBUF)).toBe(true);
  });
});

describe("receiving with MRG_RXBUF", () => {
  it("reassembles a 64 KiB coalesced TCP segment spread over 43 buffers, and keeps every buffer posted", () => {
    const { dev, net, got } = open();
    const big = tcpFrame(14 + 65535, 7);
    expect(dev.deliver(big, gsoHeader())).toBe(true);
    expect(dev.delivered[0].buffers).toBe(Math.ceil((SIM_NET_HDR + big.length) / 1536));
    bench.runUntilIdle();
    expect(got).toHaveLength(1);
    expect(Buffer.from(got[0][0]).equals(Buffer.from(big))).toBe(true);
    expect(got[0][1]).toBe(RX_CHECKSUM_VALID);
    expect(net.stats()).toMatchObject({ rxFrames: 1, rxBytes: big.length, rxLarge: 1, rxMerged: 1, rxDropped: 0, rxInvalid: 0 });
    expect(dev.rxPosted).toBe(256);
  });

  it("hands on small and large frames in order across budgets, each with its checksum flag", () => {
    const { dev, got } = open();
    const sent: [Uint8Array, number][] = [];
    for (let i = 0; i < 60; i++) {
      const large = i % 3 === 0;
      const f = tcpFrame(large ? 3000 + i * 500 : 60 + i * 20, i);
      const h = large ? gsoHeader({ flags: i % 2 ? DATA_VALID : NEEDS_CSUM }) : { flags: i % 4 === 1 ? DATA_VALID : 0 };
      if (!dev.deliver(f, h)) { bench.runUntilIdle(); expect(dev.deliver(f, h)).toBe(true); }
      sent.push([f, h.flags ? RX_CHECKSUM_VALID : 0]);
    }
    bench.runUntilIdle();
    expect(got.map(([f, fl]) => [f.length, fl])).toEqual(sent.map(([f, fl]) => [f.length, fl]));
    expect(got.every(([f], i) => Buffer.from(f).equals(Buffer.from(sent[i][0])))).toBe(true);
    expect(dev.rxPosted).toBe(256);
  });
});

describe("hostile headers: dropped, counted, and reception goes on", () => {
  const cases: [string, () => [Uint8Array, SimRxHeader]][] = [
    ["an unknown flag", () => [tcpFrame(100, 1), { flags: 4 }]],
    ["a partial checksum outside the frame", () => [tcpFrame(100, 1), { flags: NEEDS_CSUM, csumStart: 34, csumOffset: 70 }]],
    ["a partial checksum starting inside the Ethernet header", () => [tcpFrame(100, 1), { flags: NEEDS_CSUM, csumStart: 2 }]],
    ["GSO with gso_size 0", () => [tcpFrame(20000, 1), gsoHeader({ gsoSize: 0 })]],
    ["GSO with gso_size past the frame", () => [tcpFrame(2000, 1), gsoHeader({ gsoSize: 9000 })]],
    ["GSO TCPV4 on a UDP datagram", () => [tcpFrame(20000, 1, 17), gsoHeader()]],
    ["GSO UDP", () => [tcpFrame(20000, 1), gsoHeader({ gsoType: 3 })]],
    ["GSO TCPV6", () => [tcpFrame(20000, 1), gsoHeader({ gsoType: 4 })]],
    ["GSO with ECN (not negotiated)", () => [tcpFrame(20000, 1), gsoHeader({ gsoType: 0x81 })]],
    ["GSO without a checksum flag", () => [tcpFrame(20000, 1), gsoHeader({ flags: 0 })]],
    ["a frame past MTU + 14 without GSO", () => [tcpFrame(1515, 1), {}]],
    ["num_buffers 0", () => [tcpFrame(100, 1), { numBuffers: 0 }]],
    ["num_buffers past any frame's", () => [tcpFrame(100, 1), { numBuffers: 1000 }]],
  ];
  for (const [what, make] of cases) {
    it(what, () => {
      const { dev, net, got } = open();
      const [f, h] = make();
      expect(dev.deliver(f, h)).toBe(true);
      const good = tcpFrame(80, 2);
      dev.deliver(good);
      bench.runUntilIdle();
      expect(got.map(([g]) => g.length)).toEqual([80]);
      expect(net.stats()).toMatchObject({ rxFrames: 1, rxDropped: 1, rxInvalid: 1 });
      expect(dev.rxPosted).toBe(256);
      expect(dev.violations).toEqual([]);
    });
  }

  it("checksum flags from a device that did not agree to GUEST_CSUM", () => {
    const { dev, net, got } = open({ offer: { offloads: false } });
    dev.deliver(tcpFrame(100, 1), { flags: DATA_VALID });
    dev.deliver(tcpFrame(80, 2));
    bench.runUntilIdle();
    expect(got.map(([g, fl]) => [g.length, fl])).toEqual([[80, 0]]);
    expect(net.stats()).toMatchObject({ rxDropped: 1, rxInvalid: 1 });
  });

  it("a num_buffers past the buffers the device published: the partial frame is dropped", () => {
    const { dev, net, got } = open();
    const first = new Uint8Array(SIM_NET_HDR + 1000);
    first[10] = 3;                                              // announces three buffers, publishes two
    first.set(tcpFrame(1000, 3), SIM_NET_HDR);
    dev.deliverRaw(first);
    dev.deliverRaw(new Uint8Array(500).fill(7));
    bench.runUntilIdle();
    dev.deliver(tcpFrame(90, 4));
    bench.runUntilIdle();
    expect(got.map(([g]) => g.length)).toEqual([90]);
    expect(net.stats()).toMatchObject({ rxFrames: 1, rxDropped: 1, rxInvalid: 1 });
    expect(dev.rxPosted).toBe(256);
  });

  it("2,000 random headers and lengths: nothing thrown, every frame handed on is consistent, buffers all posted", () => {
    const { dev, net, got } = open();
    const r = new SeededRandom(99);
    const byte = () => r.nextUint32() & 0xff;
    for (let i = 0; i < 2000; i++) {
      const size = 24 + (r.nextUint32() % 3 === 0 ? r.nextUint32() % 70000 : r.nextUint32() % 1600);
      const f = tcpFrame(Math.min(size, 14 + 65535 + 100), i, r.nextUint32() % 2 ? 6 : 17);
      const h: SimRxHeader = { flags: byte() & 7, gsoType: [0, 1, 3, 4, 0x81, byte()][r.nextUint32() % 6], gsoSize: r.nextUint32() % 3000,
        csumStart: r.nextUint32() % 200, csumOffset: r.nextUint32() % 40, hdrLen: byte() };
      if (r.nextUint32() % 10 === 0) h.numBuffers = r.nextUint32() % 60;
      if (!dev.deliver(f, h)) bench.runUntilIdle();
      if (i % 50 === 0) bench.runUntilIdle();
    }
    bench.runUntilIdle();
    const s = net.stats();
    expect(s.rxFrames + s.rxDropped).toBeGreaterThan(0);
    for (const [g] of got) {
      expect(g.length).toBeGreaterThanOrEqual(14);
      expect(g.length).toBeLessThanOrEqual(14 + 65535);
      if (g.length > 1514) expect([g[12], g[13], g[23]]).toEqual([8, 0, 6]);
    }
    expect(got.length).toBe(s.rxFrames);
    expect(s.rxInvalid).toBeGreaterThan(0);
    expect(dev.rxPosted).toBe(256);
    expect(dev.violations).toEqual([]);
  });
});

describe("transmitting with CSUM and HOST_TSO4", () => {
  const send = (net: VirtioNet, f: Uint8Array, tx?: TxOffload): boolean => {
    let ok = false;
    bench.ev.invoke(() => { ok = net.write(f.length, (b) => b.set(f), tx); });
    return ok;
  };
  const u16 = (h: Uint8Array, o: number) => h[o] | (h[o + 1] << 8);
  const fields = (h: Uint8Array) => [h[0], h[1], u16(h, 2), u16(h, 4), u16(h, 6), u16(h, 8), u16(h, 10)];

  it("writes NEEDS_CSUM with csum_start/csum_offset, and a zero header for a frame without", () => {
    const { dev, net } = open();
    const f = tcpFrame(200, 1);
    expect(send(net, f, { csumStart: 34, csumOffset: 16, gsoSize: 0, hdrLen: 0 })).toBe(true);
    expect(send(net, f)).toBe(true);
    expect(send(net, f, { csumStart: 34, csumOffset: 6, gsoSize: 1448, hdrLen: 54 })).toBe(true);  // fits: no GSO
    bench.runUntilIdle();
    expect(dev.transmitted.map((t) => fields(t.header))).toEqual([
      [NEEDS_CSUM, 0, 0, 0, 34, 16, 0], [0, 0, 0, 0, 0, 0, 0], [NEEDS_CSUM, 0, 0, 0, 34, 6, 0]]);
    expect(dev.transmitted.every((t) => Buffer.from(t.frame).equals(Buffer.from(f)))).toBe(true);
    expect(net.stats()).toMatchObject({ txFrames: 3, txChecksum: 2, txLarge: 0 });
  });

  it("sends a segment of up to 64 KiB with gso_type TCPV4, gso_size and hdr_len; 16 at a time, then onWritable", () => {
    const { dev, net } = open();
    const tx = { csumStart: 34, csumOffset: 16, gsoSize: 1448, hdrLen: 66 };
    const frames = Array.from({ length: 17 }, (_, i) => tcpFrame(14 + 65535 - i * 1000, i));
    dev.holdTx = true;
    const ok = frames.map((f) => send(net, f, tx));
    expect(ok.slice(0, 16).every(Boolean)).toBe(true);
    expect(ok[16]).toBe(false);
    expect(send(net, tcpFrame(100, 50))).toBe(true);              // small frames have their own slots
    let writable = 0;
    net.onWritable(() => { writable++; });
    dev.releaseTx();
    bench.runUntilIdle();
    expect(writable).toBe(1);
    expect(send(net, frames[16], tx)).toBe(true);
    bench.runUntilIdle();
    const big = dev.transmitted.filter((t) => t.frame.length > 1514);
    expect(big).toHaveLength(17);
    expect(big.map((t) => fields(t.header))).toEqual(Array(17).fill([NEEDS_CSUM, GSO_TCPV4, 66, 1448, 34, 16, 0]));
    expect(big.every((t, i) => Buffer.from(t.frame).equals(Buffer.from(frames[i])))).toBe(true);
    expect(net.stats()).toMatchObject({ txLarge: 17, txChecksum: 17 });
  });

  it("refuses what the device was not offered or cannot take, with a RangeError", () => {
    const { net } = open();
    const tx = { csumStart: 34, csumOffset: 16, gsoSize: 1448, hdrLen: 66 };
    expect(() => net.write(1515, () => {})).toThrow("frame of 1515 bytes: expected 14..1514");
    expect(() => net.write(14 + 65536, () => {}, tx)).toThrow("frame of 65550 bytes: expected 14..65549 for a segmented frame");
    expect(() => net.write(3000, () => {}, { ...tx, csumStart: 0 })).toThrow(/needs a partial checksum/);
    expect(() => net.write(100, () => {}, { ...tx, csumOffset: 80 })).toThrow(/outside a frame of 100 bytes/);
    bench.fresh();
    const plain = open({ offer: { offloads: false } }).net;
    expect(() => plain.write(100, () => {}, { ...tx, gsoSize: 0 })).toThrow(/without checksum offload/);
    expect(() => plain.write(3000, () => {}, tx)).toThrow("frame of 3000 bytes: expected 14..1514");
  });
});
