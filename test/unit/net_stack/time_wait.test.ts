// test/unit/net_stack/time_wait.test.ts — the TCP layer and RFC 6191: a SYN that ends a TIME-WAIT opens the new
// connection at once (it goes on to the listener, with an ISS above the old sequence space) instead of being
// dropped; a SYN that overtook its old connection's last FIN is kept until that FIN arrives. The peer is played by
// hand: segments go into the server's interface, and what the server sends is read off its side of the link.
import { describe, expect, it } from "vitest";
import { NetInterface } from "../../../libos/net/stack/interface.ts";
import { TcpLayer } from "../../../libos/net/stack/tcp_layer.ts";
import type { TcpSocket } from "../../../libos/net/tcp/index.ts";
import {
  EthernetFrame, IPV4_HEADER_LENGTH, Ipv4Packet, Ipv4Repr, parseIpv4, TcpFlags, TcpPacket, TcpRepr,
} from "../../../libos/net/wire/index.ts";
import { MemoryLink } from "../../sim/net_link.ts";

const { SYN, ACK, FIN } = TcpFlags;
const SERVER = parseIpv4("10.0.0.2");
const CLIENT = parseIpv4("10.0.0.1");
const CPORT = 40000;

function rig() {
  const link = new MemoryLink();
  let now = 0;
  const ifc = new NetInterface(link.b, () => now);
  ifc.config = { address: SERVER, prefixLength: 24, gateway: 0, dns: [] };
  ifc.start();
  ifc.arp.learn(CLIENT, 0x020000000001, 0);
  const tcp = new TcpLayer(ifc, () => now, () => 0x12345678);
  tcp.socketOptions = { ...tcp.socketOptions, timestamps: false, msl: 30_000 };
  const accepted: TcpSocket[] = [];
  tcp.listen(80, 16, (s) => accepted.push(s));
  const flush = () => { ifc.poll(now); tcp.poll(now); };
  /** The segments the server sent since the last call. */
  const out = (): TcpRepr[] => {
    flush();
    return link.b.outbox.splice(0).map((f) => {
      const ip = new Ipv4Packet(EthernetFrame.check(f).payload);
      const r = Ipv4Repr.parse(ip);
      return TcpRepr.parse(TcpPacket.check(f.subarray(14 + IPV4_HEADER_LENGTH, 14 + IPV4_HEADER_LENGTH + r.payloadLength)), r.src, r.dst);
    });
  };
  const send = (p: Partial<TcpRepr>) => {
    const seg: TcpRepr = { srcPort: CPORT, dstPort: 80, seqNumber: 0, ackNumber: 0, flags: ACK, windowLen: 65535, urgentPointer: 0,
      maxSegSize: null, windowScale: null, sackPermitted: false, sackRanges: null, timestamp: null, payload: new Uint8Array(0), ...p };
    ifc.tcpHandler!(CLIENT, SERVER, seg);
  };
  return { tcp, accepted, out, send, flush, advance: (ms: number) => { now += ms; flush(); } };
}

/** One connection from CLIENT:CPORT (client ISS 1000) that the server closed first, now in FIN-WAIT-2. */
function serverInFinWait2() {
  const r = rig();
  r.send({ flags: SYN, seqNumber: 1000, maxSegSize: 1460 });
  const synAck = r.out()[0];
  expect(synAck.flags).toBe(SYN | ACK);
  const s = synAck.seqNumber;
  r.send({ seqNumber: 1001, ackNumber: s + 1 });
  r.flush();
  expect(r.accepted.length).toBe(1);
  r.accepted[0].shutdownWrite();
  r.tcp.touch(r.accepted[0]);
  expect(r.out()[0].flags & FIN).toBe(FIN);
  r.send({ seqNumber: 1001, ackNumber: s + 2 });
  r.flush();
  expect(r.accepted[0].state).toBe("FIN-WAIT-2");
  return { ...r, serverNxt: s + 2 };
}

describe("TIME-WAIT reuse in the TCP layer (RFC 6191)", () => {
  it("a SYN with a higher sequence number is answered at once with a SYN-ACK above the old sequence space", () => {
    const r = serverInFinWait2();
    r.send({ flags: FIN | ACK, seqNumber: 1001, ackNumber: r.serverNxt });
    expect(r.out().map((x) => x.flags)).toEqual([ACK]);
    expect(r.accepted[0].state).toBe("TIME-WAIT");
    r.advance(20);
    r.send({ flags: SYN, seqNumber: 500_000, maxSegSize: 1460 });
    const reply = r.out();
    expect(reply.map((x) => x.flags)).toEqual([SYN | ACK]);
    expect(reply[0].ackNumber).toBe(500_001);
    expect(reply[0].seqNumber).toBe((r.serverNxt + 65535 + 2) >>> 0);
    expect(r.accepted[0].state).toBe("CLOSED");
    expect(r.tcp.stats.timeWaitReuses).toBe(1);
    r.send({ seqNumber: 500_001, ackNumber: reply[0].seqNumber + 1 });
    r.flush();
    expect(r.accepted.length).toBe(2);
    expect(r.accepted[1].state).toBe("ESTABLISHED");
    expect(r.tcp.connections).toBe(1);                       // the old one left the table, the new one is in it
  });

  it("an old duplicate SYN gets a challenge ACK and opens nothing", () => {
    const r = serverInFinWait2();
    r.send({ flags: FIN | ACK, seqNumber: 1001, ackNumber: r.serverNxt });
    r.out();
    r.send({ flags: SYN, seqNumber: 900 });
    expect(r.out().map((x) => [x.flags, x.ackNumber])).toEqual([[ACK, 1002]]);
    expect(r.accepted[0].state).toBe("TIME-WAIT");
    expect(r.tcp.stats.timeWaitReuses).toBe(0);
  });

  it("a SYN that overtook the peer's last FIN is taken when that FIN arrives", () => {
    const r = serverInFinWait2();
    r.send({ flags: SYN, seqNumber: 500_000, maxSegSize: 1460 });   // the new SYN first (RFC 5961: challenge ACK)
    expect(r.out().map((x) => x.flags)).toEqual([ACK]);
    r.advance(5);
    r.send({ flags: FIN | ACK, seqNumber: 1001, ackNumber: r.serverNxt });
    const replies = r.out();
    expect(replies.map((x) => x.flags)).toEqual([ACK, SYN | ACK]);   // the FIN's ACK, then the new connection
    expect(replies[1].ackNumber).toBe(500_001);
    expect(r.tcp.stats.parkedSynsTaken).toBe(1);
    expect(r.tcp.stats.timeWaitReuses).toBe(1);
  });

  it("a kept SYN expires after a second: the peer's own retransmission takes over", () => {
    const r = serverInFinWait2();
    r.send({ flags: SYN, seqNumber: 500_000 });
    r.out();
    r.advance(1500);
    r.send({ flags: FIN | ACK, seqNumber: 1001, ackNumber: r.serverNxt });
    expect(r.out().map((x) => x.flags)).toEqual([ACK]);
    expect(r.tcp.stats.parkedSynsTaken).toBe(0);
    expect(r.accepted[0].state).toBe("TIME-WAIT");
  });
});
