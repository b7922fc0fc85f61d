// test/unit/net_stack/loopback.test.ts — the loopback interface (libos/net/stack/loopback.ts) and the IP layer's
// use of it: 127.0.0.0/8 and the host's own address go through loopback (never the device), with a device and
// without one; delivery waits for the next poll; martians from the wire are dropped; a UDP datagram above the
// loopback MTU is fragmented and reassembled; TCP over loopback runs the same state machine with a 16 KiB MTU.
import { describe, expect, it } from "vitest";
import { NetInterface } from "../../../libos/net/stack/interface.ts";
import { LOOPBACK_MTU, LOOPBACK_QUEUE_LIMIT, LoopbackLink } from "../../../libos/net/stack/loopback.ts";
import { TcpLayer } from "../../../libos/net/stack/tcp_layer.ts";
import type { TcpSocket } from "../../../libos/net/tcp/index.ts";
import {
  EtherType, EthernetFrame, IpProtocol, IPV4_HEADER_LENGTH, Ipv4Packet, Ipv4Repr, parseIpv4, UdpPacket, UdpRepr,
  UDP_HEADER_LENGTH,
} from "../../../libos/net/wire/index.ts";
import { MemoryLink } from "../../sim/net_link.ts";

const LO = parseIpv4("127.0.0.1");

function noNic() {
  let now = 0;
  const ifc = new NetInterface(null, () => now);
  let rand = 12345;
  const tcp = new TcpLayer(ifc, () => now, () => (rand = (rand * 1103515245 + 12345) >>> 0));
  const step = () => { ifc.poll(now); tcp.poll(now); };
  /** Runs passes (each delivering what the last one sent to itself) until `done` or `ms` of fake time pass. */
  const run = (done: () => boolean, ms = 60_000) => {
    const end = now + ms;
    while (!done() && now < end) {
      step();
      if (done()) break;                                       // before the clock jumps to the next timer
      const at = Math.min(ifc.pollAt(), tcp.pollAt(now));
      if (at > now) now = Math.min(end, at === Infinity ? end : at);
    }
    return done();
  };
  return { ifc, tcp, step, run, get now() { return now; }, advance(ms: number) { now += ms; } };
}

function withNic() {
  const link = new MemoryLink();
  let now = 0;
  const ifc = new NetInterface(link.a, () => now);
  ifc.config = { address: parseIpv4("10.0.2.15"), prefixLength: 24, gateway: parseIpv4("10.0.2.2"), dns: [] };
  ifc.start();
  return { link, ifc, poll: () => ifc.poll(now) };
}

/** An Ethernet frame with a UDP datagram src → dst, as it would come off the wire. */
function udpFrame(src: number, dst: number, dstPort: number, mac: number): Uint8Array {
  const payload = new TextEncoder().encode("from the wire");
  const udpLen = UDP_HEADER_LENGTH + payload.length;
  const frame = new Uint8Array(14 + IPV4_HEADER_LENGTH + udpLen);
  const eth = new EthernetFrame(frame);
  eth.dst = mac;
  eth.src = 0x525400000001;
  eth.ethertype = EtherType.IPv4;
  const ip: Ipv4Repr = { src, dst, protocol: IpProtocol.UDP, payloadLength: udpLen, ttl: 64, dscp: 0, ecn: 0, ident: 1,
    dontFrag: false, moreFrags: false, fragOffset: 0 };
  Ipv4Repr.emit(ip, new Ipv4Packet(frame.subarray(14)));
  UdpRepr.emit({ srcPort: 9, dstPort, payload }, new UdpPacket(frame.subarray(14 + IPV4_HEADER_LENGTH)), src, dst);
  return frame;
}

describe("LoopbackLink", () => {
  it("queues datagrams in order, asks for a poll once per empty → non-empty, and drains what was queued before", () => {
    const lo = new LoopbackLink();
    let asked = 0;
    lo.onPending = () => asked++;
    lo.transmit(new Uint8Array([1]));
    lo.transmit(new Uint8Array([2]));
    expect(asked).toBe(1);
    const got: number[] = [];
    lo.drain((d) => {
      got.push(d[0]);
      if (d[0] === 1) lo.transmit(new Uint8Array([3]));     // sent while draining: waits for the next drain
    });
    expect(got).toEqual([1, 2]);
    expect(lo.pending).toBe(1);
    expect(asked).toBe(2);
    lo.drain((d) => got.push(d[0]));
    expect(got).toEqual([1, 2, 3]);
    expect(lo.stats).toEqual({ packets: 3, bytes: 3, dropped: 0 });
  });

  it("drops and counts datagrams beyond its queue limit", () => {
    const lo = new LoopbackLink();
    for (let i = 0; i < LOOPBACK_QUEUE_LIMIT; i++) expect(lo.transmit(new Uint8Array(1))).toBe(true);
    expect(lo.transmit(new Uint8Array(1))).toBe(false);
    expect(lo.stats.dropped).toBe(1);
  });
});

describe("the IP layer's loopback interface", () => {
  it("without a network card: UDP to 127.0.0.0/8 arrives on the next poll from 127.0.0.1; other addresses are unreachable", () => {
    const { ifc } = noNic();
    expect(ifc.mac).toBe(0);
    expect(ifc.isLocal(parseIpv4("127.1.2.3"))).toBe(true);
    expect(ifc.isLocal(parseIpv4("10.0.2.15"))).toBe(false);
    expect(ifc.route(parseIpv4("10.0.2.2"))).toBe(-1);
    const got: string[] = [];
    ifc.bindUdp(7, (src, srcPort, dst, p) => got.push(`${src === LO} ${srcPort} ${dst === parseIpv4("127.0.0.9")} ${new TextDecoder().decode(p)}`));
    expect(ifc.sendUdp(5000, parseIpv4("127.0.0.9"), 7, new TextEncoder().encode("hi"))).toBe(true);
    expect(got).toEqual([]);                                 // not from inside the send
    ifc.poll(0);
    expect(got).toEqual(["true 5000 true hi"]);
    expect(ifc.sendUdp(5000, parseIpv4("10.0.2.2"), 7, new Uint8Array(1))).toBe(false);
  });

  it("with a network card: 127.0.0.0/8 and the card's own address never reach the device", () => {
    const { link, ifc, poll } = withNic();
    const got: string[] = [];
    ifc.bindUdp(7, (src, _sp, dst) => got.push(`${src}>${dst}`));
    ifc.sendUdp(5000, parseIpv4("127.0.0.7"), 7, new Uint8Array(10));
    ifc.sendUdp(5000, parseIpv4("10.0.2.15"), 7, new Uint8Array(10));
    poll();
    expect(link.a.outbox).toEqual([]);                         // not even an ARP request
    expect(got).toEqual([`${LO}>${parseIpv4("127.0.0.7")}`, `${parseIpv4("10.0.2.15")}>${parseIpv4("10.0.2.15")}`]);
    expect(ifc.lo.stats.packets).toBe(2);
    // A socket bound to 127.0.0.1 cannot send to the outside: a loopback source never goes on the wire.
    expect(ifc.sendUdp(5000, parseIpv4("10.0.2.2"), 7, new Uint8Array(1), LO)).toBe(false);
    expect(link.a.outbox).toEqual([]);
  });

  it("drops datagrams from the wire that claim a loopback source or destination (martians)", () => {
    const { link, ifc } = withNic();
    const got: number[] = [];
    ifc.bindUdp(7, (src) => got.push(src));
    link.a.deliver(udpFrame(parseIpv4("10.0.2.2"), LO, 7, ifc.mac));
    link.a.deliver(udpFrame(LO, parseIpv4("10.0.2.15"), 7, ifc.mac));
    link.a.deliver(udpFrame(parseIpv4("10.0.2.2"), parseIpv4("10.0.2.15"), 7, ifc.mac));
    expect(got).toEqual([parseIpv4("10.0.2.2")]);
    expect(ifc.stats.rxMartian).toBe(2);
  });

  it("answers ping to 127.0.0.1 through loopback", () => {
    const { ifc } = noNic();
    const replies: number[] = [];
    ifc.onEchoReply = (src, ident, seq) => replies.push(src === LO ? ident * 100 + seq : -1);
    ifc.sendEchoRequest(LO, 3, 4, new Uint8Array(8));
    ifc.poll(0);                                               // the request arrives, the reply is queued
    ifc.poll(0);                                               // the reply arrives
    expect(replies).toEqual([304]);
    expect(ifc.stats.icmpEchoReplies).toBe(1);
  });

  it("fragments a datagram larger than the loopback MTU and reassembles it", () => {
    const { ifc } = noNic();
    const data = new Uint8Array(40000).map((_, i) => i * 7);
    let got: Uint8Array | null = null;
    ifc.bindUdp(9, (_s, _p, _d, p) => (got = p.slice()));
    ifc.sendUdp(5000, LO, 9, data);
    expect(ifc.lo.pending).toBe(Math.ceil((data.length + 8) / (Math.floor((LOOPBACK_MTU - 20) / 8) * 8)));
    ifc.poll(0);
    expect(got).toEqual(data);
  });
});

describe("TCP over loopback", () => {
  it("moves 1 MiB each way byte-exact through the state machine, with segments sized to the loopback MTU", () => {
    const net = noNic();
    const data = new Uint8Array(1 << 20).map((_, i) => (i * 2654435761) >>> 24);
    let server: TcpSocket | null = null;
    const serverGot: Uint8Array[] = [];
    net.tcp.listen(80, 16, (s) => {
      server = s;
      s.onReadable = () => { let c; while ((c = s.recv()) !== null) { serverGot.push(c); s.send(c); } };
      s.onEnd = () => s.close();
    });
    const c = net.tcp.connect(LO, 80);
    const states: string[] = [];
    c.trace = (from, to) => states.push(`${from}>${to}`);
    let sent = 0;
    const clientGot: Uint8Array[] = [];
    const feed = () => { while (sent < data.length) { const n = c.send(data.subarray(sent, sent + 65536)); if (n === 0) break; sent += n; } if (sent === data.length) c.shutdownWrite(); };
    c.onConnect = feed;
    c.onWritable = feed;
    c.onReadable = () => { let b; while ((b = c.recv()) !== null) clientGot.push(b); };
    const total = (l: Uint8Array[]) => l.reduce((n, b) => n + b.length, 0);
    expect(net.run(() => c.state === "TIME-WAIT" || c.state === "CLOSED")).toBe(true);
    expect(total(serverGot)).toBe(data.length);
    expect(Buffer.concat(clientGot).equals(Buffer.from(data))).toBe(true);
    expect(c.localAddress).toBe(LO);
    expect(c.info.sndMss).toBe(LOOPBACK_MTU - 40 - 12);        // timestamps on
    expect(server!.info.sndMss).toBe(LOOPBACK_MTU - 40 - 12);
    expect(states).toEqual(["SYN-SENT>ESTABLISHED", "ESTABLISHED>FIN-WAIT-1", "FIN-WAIT-1>FIN-WAIT-2", "FIN-WAIT-2>TIME-WAIT"]);
    expect(c.stats.retransmissions).toBe(0);
  });

  it("refuses a closed port with RST (ECONNREFUSED) and an unreachable address with ENETUNREACH", () => {
    const net = noNic();
    const c = net.tcp.connect(LO, 81);
    let err = "";
    c.onError = (code) => (err = code);
    expect(net.run(() => c.state === "CLOSED")).toBe(true);
    expect(err).toBe("ECONNREFUSED");
    expect(() => net.tcp.connect(parseIpv4("10.0.2.2"), 80)).toThrow(expect.objectContaining({ code: "ENETUNREACH" }));
  });

  it("a listener bound to 127.0.0.1 takes loopback connections and holds its port", () => {
    const net = noNic();
    const l = net.tcp.listen(8080, 8, () => {}, LO);
    expect(l.localAddress).toBe(LO);
    const c = net.tcp.connect(parseIpv4("127.0.0.1"), 8080);
    expect(net.run(() => c.state === "ESTABLISHED")).toBe(true);
    expect(() => net.tcp.listen(8080, 8, () => {})).toThrow(expect.objectContaining({ code: "EADDRINUSE" }));
  });
});

describe("TIME-WAIT reuse over loopback", () => {
  it("a client that reconnects from its port to a server that closed first gets in at once", () => {
    const net = noNic();
    const accepted: TcpSocket[] = [];
    net.tcp.listen(80, 8, (s) => {
      accepted.push(s);
      s.send(new TextEncoder().encode("bye"));
      s.shutdownWrite();                                       // the server closes first: TIME-WAIT is its side
      s.onEnd = () => s.close();
      net.tcp.touch(s);
    });
    const c1 = net.tcp.connect(LO, 80);
    c1.onEnd = () => { c1.close(); net.tcp.touch(c1); };
    c1.onReadable = () => { while (c1.recv() !== null) { /* drain */ } };
    expect(net.run(() => c1.state === "CLOSED" && accepted[0]?.state === "TIME-WAIT")).toBe(true);
    net.advance(10);
    const start = net.now;
    const c2 = net.tcp.connect(LO, 80, c1.localPort);
    const states: string[] = [];
    accepted[0].trace = (from, to, why) => states.push(`${from}>${to} ${why}`);
    expect(net.run(() => c2.state === "ESTABLISHED", 5000)).toBe(true);
    expect(net.now - start).toBeLessThan(100);                 // fake time: no SYN retransmission (1 s) was needed
    expect(c2.stats.retransmissions).toBe(0);
    expect(states).toEqual([expect.stringMatching(/^TIME-WAIT>CLOSED timeout: SYN seq \d+ of a new connection ends TIME-WAIT \(timestamp \d+ newer than \d+\)$/)]);
    expect(net.tcp.stats.timeWaitReuses).toBe(1);
    expect(net.run(() => accepted.length === 2, 100)).toBe(true);
  });
});
