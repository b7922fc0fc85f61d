import { describe, expect, it } from "vitest";
import {
  Icmpv4DstUnreachable, Icmpv4Packet, Icmpv4Repr, Icmpv4TimeExceeded, Icmpv4Type,
} from "../../../libos/net/wire/icmpv4.ts";
import { IpProtocol, Ipv4Packet, Ipv4Repr } from "../../../libos/net/wire/ipv4.ts";
import { expectTruncationRejected, expectWireError, filled, fuzz, hex, toHex } from "./_helpers.ts";

const PING_DATA = hex(`4057576600000000 40e2010000000000
  101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637`);
// Captured pair: Linux ping's echo request (ident 0x1c46, seq 1) and slirp's reply.
const ECHO_REQUEST_IP = hex(`4500 0054 4e2f 4000 4001 d469 0a00020f 0a000202
  0800 4346 1c46 0001 4057576600000000 40e2010000000000
  101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637`);
const ECHO_REPLY = hex(`0000 4b46 1c46 0001 4057576600000000 40e2010000000000
  101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637`);
// Port unreachable for a UDP datagram 10.0.2.15:40000 → 10.0.2.2:9999 ("hello, unikernel").
const PORT_UNREACHABLE = hex(`0303 2b54 00000000
  4500 002c 1234 4000 4011 107d 0a00020f 0a000202  9c40 270f 0018 0e41`);
// TTL expired for a traceroute probe to 8.8.8.8.
const TIME_EXCEEDED = hex(`0b00 1158 00000000
  4500 003c 2345 0000 0111 7a4e 0a00020f 08080808  829a 829b 0028 de49`);
// Fragmentation needed, next-hop MTU 1400, quoting a 1500-byte TCP packet.
const FRAG_NEEDED = hex(`0304 3bb2 0000 0578
  4500 05dc 0077 4000 4006 1c95 0a00020f 0a000202  9c40 1f90 0000 0001`);

const QUOTED_UDP: Ipv4Repr = {
  src: 0x0a00020f, dst: 0x0a000202, protocol: IpProtocol.UDP, payloadLength: 24, ttl: 64,
  dscp: 0, ecn: 0, ident: 0x1234, dontFrag: true, moreFrags: false, fragOffset: 0,
};

describe("ICMPv4", () => {
  it("deconstructs a captured echo request inside its IPv4 packet", () => {
    const ip = Ipv4Packet.check(ECHO_REQUEST_IP);
    const p = Icmpv4Packet.check(ip.payload);
    expect(p.msgType).toBe(Icmpv4Type.EchoRequest);
    expect(p.msgCode).toBe(0);
    expect(p.checksum).toBe(0x4346);
    expect(p.verifyChecksum()).toBe(true);
    expect(Icmpv4Repr.parse(p)).toEqual({ type: "echoRequest", ident: 0x1c46, seqNo: 1, data: PING_DATA });
  });

  it("deconstructs the echo reply", () => {
    const r = Icmpv4Repr.parse(new Icmpv4Packet(ECHO_REPLY));
    expect(r).toEqual({ type: "echoReply", ident: 0x1c46, seqNo: 1, data: PING_DATA });
  });

  it("constructs the echo reply byte for byte", () => {
    const repr: Icmpv4Repr = { type: "echoReply", ident: 0x1c46, seqNo: 1, data: PING_DATA };
    expect(Icmpv4Repr.bufferLength(repr)).toBe(64);
    const buf = filled(64);
    Icmpv4Repr.emit(repr, new Icmpv4Packet(buf));
    expect(toHex(buf)).toBe(toHex(ECHO_REPLY));
  });

  it("constructs into a larger buffer, checksumming only the message", () => {
    const repr: Icmpv4Repr = { type: "echoRequest", ident: 0x1c46, seqNo: 1, data: PING_DATA };
    const buf = filled(70);
    Icmpv4Repr.emit(repr, new Icmpv4Packet(buf));
    expect(toHex(buf.subarray(0, 64))).toBe(toHex(ECHO_REQUEST_IP.subarray(20)));
    expect(buf[64]).toBe(0xa5);
  });

  it("deconstructs a port unreachable with the quoted header and ports", () => {
    const r = Icmpv4Repr.parse(new Icmpv4Packet(PORT_UNREACHABLE));
    expect(r).toEqual({
      type: "dstUnreachable", code: Icmpv4DstUnreachable.PortUnreachable, nextHopMtu: 0, header: QUOTED_UDP,
      data: hex("9c40 270f 0018 0e41"),
    });
  });

  it("constructs the port unreachable byte for byte", () => {
    const repr = Icmpv4Repr.parse(new Icmpv4Packet(PORT_UNREACHABLE));
    const buf = filled(Icmpv4Repr.bufferLength(repr));
    expect(buf.length).toBe(36);
    Icmpv4Repr.emit(repr, new Icmpv4Packet(buf));
    expect(toHex(buf)).toBe(toHex(PORT_UNREACHABLE));
  });

  it("deconstructs and reconstructs a time exceeded", () => {
    const r = Icmpv4Repr.parse(new Icmpv4Packet(TIME_EXCEEDED));
    expect(r.type).toBe("timeExceeded");
    if (r.type !== "timeExceeded") return;
    expect(r.code).toBe(Icmpv4TimeExceeded.TtlExpired);
    expect(r.header.dst).toBe(0x08080808);
    expect(r.header.ttl).toBe(1);
    expect(r.header.payloadLength).toBe(40);
    const buf = filled(36);
    Icmpv4Repr.emit(r, new Icmpv4Packet(buf));
    expect(toHex(buf)).toBe(toHex(TIME_EXCEEDED));
  });

  it("carries the next-hop MTU of fragmentation needed", () => {
    const p = new Icmpv4Packet(FRAG_NEEDED);
    expect(p.nextHopMtu).toBe(1400);
    const r = Icmpv4Repr.parse(p);
    expect(r).toMatchObject({ type: "dstUnreachable", code: 4, nextHopMtu: 1400 });
    const buf = filled(36);
    Icmpv4Repr.emit(r, new Icmpv4Packet(buf));
    expect(toHex(buf)).toBe(toHex(FRAG_NEEDED));
  });

  it("rejects every truncation of each message", () => {
    for (const m of [ECHO_REPLY, PORT_UNREACHABLE, TIME_EXCEEDED]) {
      // Cutting a message also breaks its checksum: check the lengths with verification off, then on.
      expectTruncationRejected(m.subarray(0, 8), (b) => Icmpv4Repr.parse(new Icmpv4Packet(b), false));
      for (let len = 0; len < m.length; len++) {
        expectWireError(() => Icmpv4Repr.parse(new Icmpv4Packet(m.slice(0, len))));
      }
    }
    for (let len = 8; len < PORT_UNREACHABLE.length; len++) {
      expectWireError(() => Icmpv4Repr.parse(new Icmpv4Packet(PORT_UNREACHABLE.slice(0, len)), false), "truncated");
    }
  });

  it("rejects a bad checksum unless told not to verify", () => {
    const b = ECHO_REPLY.slice();
    b[20] ^= 0xff;
    expectWireError(() => Icmpv4Repr.parse(new Icmpv4Packet(b)), "checksum");
    expect(Icmpv4Repr.parse(new Icmpv4Packet(b), false).type).toBe("echoReply");
  });

  it("rejects a bad quoted header", () => {
    const version6 = PORT_UNREACHABLE.slice();
    version6[8] = 0x65;
    expectWireError(() => Icmpv4Repr.parse(new Icmpv4Packet(version6), false), "malformed");
    const ihl3 = PORT_UNREACHABLE.slice();
    ihl3[8] = 0x43;
    expectWireError(() => Icmpv4Repr.parse(new Icmpv4Packet(ihl3), false), "malformed");
    const ihl7 = PORT_UNREACHABLE.slice();
    ihl7[8] = 0x47; // options eat the 8 quoted bytes
    expectWireError(() => Icmpv4Repr.parse(new Icmpv4Packet(ihl7), false), "truncated");
  });

  it("rejects unsupported types and codes", () => {
    for (const [type, code] of [[5, 0], [13, 0], [8, 1], [11, 2], [3, 16]]) {
      const b = ECHO_REPLY.slice();
      b[0] = type;
      b[1] = code;
      const p = new Icmpv4Packet(b);
      p.fillChecksum();
      expectWireError(() => Icmpv4Repr.parse(p), "unsupported");
    }
  });

  it("refuses to emit into a short buffer", () => {
    const repr: Icmpv4Repr = { type: "echoRequest", ident: 1, seqNo: 2, data: PING_DATA };
    expectWireError(() => Icmpv4Repr.emit(repr, new Icmpv4Packet(new Uint8Array(63))), "truncated");
  });

  it("survives fuzzing: a Repr or a WireError, nothing else", () => {
    const seeds = [ECHO_REPLY, PORT_UNREACHABLE, TIME_EXCEEDED, FRAG_NEEDED];
    expect(fuzz(5, 20_000, seeds, 80, (b) => Icmpv4Repr.parse(new Icmpv4Packet(b), (b.length & 3) !== 0)))
      .toBeGreaterThan(0);
  });
});
