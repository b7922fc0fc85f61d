// The network stack (libos/net/stack) over VirtioNet over the simulated virtio-net device with QEMU tap's offloads:
// a SYN that arrives with a partial checksum (NEEDS_CSUM, as the host's tap hands it on) is answered, and what the
// stack sends carries a partial checksum in the form the device completes; the same exchange without offloads;
// data sent as TSO frames (gso_size = the MSS, hdr_len the headers) and a coalesced 30 KB segment received whole.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { VirtioNet } from "../../../drivers/virtio/net/index.ts";
import { NetInterface } from "../../../libos/net/stack/interface.ts";
import { TcpLayer } from "../../../libos/net/stack/tcp_layer.ts";
import type { TcpSocket } from "../../../libos/net/tcp/index.ts";
import {
  EtherType, EthernetFrame, finish, IpProtocol, Ipv4Packet, Ipv4Repr, onesSum, parseIpv4, pseudoHeaderSum, TcpFlags,
  TcpPacket, TcpRepr, type TcpRepr as Seg,
} from "../../../libos/net/wire/index.ts";
import { VirtioBench } from "../../sim/virtio/harness.ts";
import { SimVirtioNet } from "../../sim/virtio/net.ts";

const bench = new VirtioBench();
beforeEach(() => { bench.fresh(); });
afterEach(() => { expect(bench.uncaught).toEqual([]); });

const GUEST = parseIpv4("10.0.3.2"), HOST = parseIpv4("10.0.3.1");

function stack(offloads: boolean) {
  const dev = new SimVirtioNet(bench.sim, { offer: { offloads } });
  const net = new VirtioNet(dev);
  let now = 0;
  const ifc = new NetInterface(net, () => now);
  ifc.config = { address: GUEST, prefixLength: 24, gateway: 0, dns: [] };
  ifc.start();
  const tcp = new TcpLayer(ifc, () => now, () => 0x12345678);
  const accepted: TcpSocket[] = [];
  tcp.listen(8080, 16, (s) => accepted.push(s));
  ifc.arp.learn(HOST, 0x020000000001, 0);
  const turn = () => {
    bench.runUntilIdle();
    bench.ev.invoke(() => { ifc.poll(now); tcp.poll(now); });
    bench.runUntilIdle();
    now += 1;
  };
  return { dev, net, ifc, tcp, turn, accepted };
}

/** A frame from the host carrying `seg`, its TCP checksum full or (as the tap gives it) partial. */
function hostFrame(seg: Seg, partial: boolean, to: number): Uint8Array {
  const len = TcpRepr.bufferLength(seg);
  const f = new Uint8Array(14 + 20 + len);
  const eth = new EthernetFrame(f);
  eth.dst = to; eth.src = 0x020000000001; eth.ethertype = EtherType.IPv4;
  Ipv4Repr.emit({ src: HOST, dst: GUEST, protocol: IpProtocol.TCP, payloadLength: len, ttl: 64, dscp: 0, ecn: 0, ident: 1,
    dontFrag: true, moreFrags: false, fragOffset: 0 }, new Ipv4Packet(f, 14));
  TcpRepr.emit(seg, new TcpPacket(f.subarray(34)), HOST, GUEST, partial ? "partial" : "full");
  return f;
}

const syn = (): Seg => ({ srcPort: 40000, dstPort: 8080, seqNumber: 1000, ackNumber: 0, flags: TcpFlags.SYN, windowLen: 64240,
  urgentPointer: 0, maxSegSize: 1460, windowScale: null, sackPermitted: false, sackRanges: null, timestamp: null,
  payload: new Uint8Array(0) });

describe("TCP over virtio-net with checksum offload", () => {
  for (const offloads of [true, false]) {
    it(`answers a SYN ${offloads ? "with a partial checksum (NEEDS_CSUM)" : "with a full checksum, without offloads"}`, () => {
      const s = stack(offloads);
      s.dev.deliver(hostFrame(syn(), offloads, s.ifc.mac), offloads ? { flags: 1, csumStart: 34, csumOffset: 16 } : {});
      s.turn();
      const out = s.dev.transmitted.filter((t) => t.frame[23] === 6);
      expect(out).toHaveLength(1);
      const { header, frame } = out[0];
      const tcpLen = frame.length - 34;
      const field = (frame[34 + 16] << 8) | frame[34 + 17];
      if (offloads) {
        expect([header[0], header[6], header[8]]).toEqual([1, 34, 16]);
        expect(field).toBe(pseudoHeaderSum(GUEST, HOST, 6, tcpLen));
        // What the device does: the sum from csum_start on, complemented, into the field.
        const done = frame.slice();
        done[50] = 0; done[51] = 0;
        const c = finish(onesSum(done, 34, frame.length, field));
        expect(c).toBe(finish(onesSum(frame, 34, frame.length, 0)));
      } else {
        expect(Array.from(header)).toEqual(Array(12).fill(0));
        expect(onesSum(frame, 34, frame.length, pseudoHeaderSum(GUEST, HOST, 6, tcpLen))).toBe(0xffff);
      }
      expect(frame[34 + 13] & 0x12).toBe(0x12);               // SYN-ACK
      expect(s.ifc.stats.rxChecksumTrusted).toBe(offloads ? 1 : 0);
    });
  }
});

const seg = (o: Partial<Seg>): Seg => ({ ...syn(), flags: TcpFlags.ACK, ...o });

/** A connection from the host to the guest's port 8080 (no timestamps: MSS 1460), established. */
function established() {
  const s = stack(true);
  s.dev.deliver(hostFrame({ ...syn(), windowScale: 7 }, true, s.ifc.mac), { flags: 1, csumStart: 34, csumOffset: 16 });
  s.turn();
  const synAck = s.dev.transmitted.at(-1)!.frame;
  const iss = ((synAck[38] << 24) | (synAck[39] << 16) | (synAck[40] << 8) | synAck[41]) >>> 0;
  s.dev.deliver(hostFrame(seg({ seqNumber: 1001, ackNumber: iss + 1, windowLen: 8000 }), true, s.ifc.mac),
    { flags: 1, csumStart: 34, csumOffset: 16 });
  s.turn();
  expect(s.accepted).toHaveLength(1);
  return { ...s, iss, conn: s.accepted[0] };
}

describe("TCP segmentation offload", () => {
  it("sends data in frames beyond the MTU with gso_type TCPV4, gso_size the MSS and hdr_len the headers", () => {
    const s = established();
    const data = new Uint8Array(200_000).map((_, i) => (i * 7) & 0xff);
    let queued = 0;
    s.dev.transmitted.length = 0;                                // the SYN-ACK
    bench.ev.invoke(() => { queued = s.conn.send(data); });
    const got = new Uint8Array(queued);
    let acked = s.iss + 1;
    for (let round = 0; round < 40 && acked - s.iss - 1 < queued; round++) {
      s.turn();
      for (const t of s.dev.transmitted.splice(0)) {
        const f = t.frame;
        if (f.length <= 54) continue;
        const seq = ((f[38] << 24) | (f[39] << 16) | (f[40] << 8) | f[41]) >>> 0;
        const payload = f.subarray(54);
        if (f.length > 1514) {
          expect([t.header[0], t.header[1], t.header[2] | (t.header[3] << 8), t.header[4] | (t.header[5] << 8)])
            .toEqual([1, 1, 54, 1460]);
          expect(payload.length % 1460 === 0 || seq + payload.length - s.iss - 1 === queued).toBe(true);
        }
        got.set(payload, seq - s.iss - 1);
        acked = Math.max(acked, seq + payload.length);
      }
      s.dev.deliver(hostFrame(seg({ seqNumber: 1001, ackNumber: acked >>> 0, windowLen: 8000 }), true, s.ifc.mac),
        { flags: 1, csumStart: 34, csumOffset: 16 });
    }
    expect(acked - s.iss - 1).toBe(queued);
    expect(Buffer.from(got).equals(Buffer.from(data.subarray(0, queued)))).toBe(true);
    expect(s.ifc.stats.txSegmented).toBeGreaterThan(0);
    expect(s.net.stats().txLarge).toBe(s.ifc.stats.txSegmented);
  });

  it("takes a coalesced 30 KB segment (GSO TCPV4 over merged buffers) as one", () => {
    const s = established();
    const data = new Uint8Array(30_000).map((_, i) => (i * 3) & 0xff);
    const f = hostFrame(seg({ seqNumber: 1001, ackNumber: s.iss + 1, windowLen: 8000, flags: TcpFlags.ACK | TcpFlags.PSH, payload: data }),
      true, s.ifc.mac);
    s.dev.deliver(f, { flags: 1, gsoType: 1, gsoSize: 1460, hdrLen: 54, csumStart: 34, csumOffset: 16 });
    s.turn();
    expect(s.dev.delivered.at(-1)!.buffers).toBe(Math.ceil((12 + f.length) / 1536));
    const r = s.conn.recv();
    expect(r && Buffer.from(r).equals(Buffer.from(data))).toBe(true);
    expect(s.net.stats()).toMatchObject({ rxLarge: 1, rxMerged: 1, rxInvalid: 0 });
  });
});
