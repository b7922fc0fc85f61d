import { describe, expect, it } from "vitest";
import { Ipv4Packet } from "../../../libos/net/wire/ipv4.ts";
import {
  emitTcpOptions, parseTcpOptions, TCP_HEADER_LENGTH, TcpFlags, type TcpOptions, TcpPacket, TcpRepr, tcpOptionsLength,
} from "../../../libos/net/wire/tcp.ts";
import { expectTruncationRejected, expectWireError, filled, fuzz, hex, toHex } from "./_helpers.ts";

const GUEST_IP = 0x0a00020f;
const HOST_IP = 0x0a000202;

// Captured: Linux's SYN 10.0.2.15:45678 → 10.0.2.2:8080 (mss 1460, sackOK, TS val 2864434397 ecr 0, nop, wscale 7).
const SYN_IP = hex(`4500 003c d431 4000 4006 4e7a 0a00020f 0a000202
  b26e 1f90 2a3b4c5d 00000000 a002 faf0 74ce 0000  020405b4 0402 080aaabbccdd00000000 01 030307`);
const SYN = SYN_IP.subarray(20);
// slirp's SYN-ACK (MSS only) in a 60-byte frame: the IPv4 payload stops before the Ethernet padding.
const SYNACK_IP_PADDED = hex(`4500 002c 0b0c 0000 4006 57b0 0a000202 0a00020f
  1f90 b26e 01f40001 2a3b4c5e 6012 ffff 3579 0000  020405b4  0000`);
// The request segment: PSH|ACK, nop, nop, TS, "GET / HTTP/1.1\r\nHost: 10.0.2.2\r\n\r\n".
const DATA = hex(`b26e 1f90 2a3b4c5e 01f40002 8018 01f6 9442 0000  0101 080a aabbcce0 12345678
  474554202f20485454502f312e310d0a486f73743a2031302e302e322e320d0a0d0a`);
// A pure ACK with timestamps and two SACK blocks.
const SACK = hex(`b26e 1f90 2a3b4c80 01f40802 d010 01f5 5af4 0000  0101 080a aabbcd44 123456df
  0101 0512 01f41002 01f41802 01f42002 01f42802`);

function opts(partial: Partial<TcpOptions>): TcpOptions {
  return { maxSegSize: null, windowScale: null, sackPermitted: false, sackRanges: null, timestamp: null, ...partial };
}

const SYN_REPR: TcpRepr = {
  srcPort: 45678, dstPort: 8080, seqNumber: 0x2a3b4c5d, ackNumber: 0, flags: TcpFlags.SYN, windowLen: 64240,
  urgentPointer: 0, ...opts({ maxSegSize: 1460, sackPermitted: true, timestamp: { tsVal: 2864434397, tsEcr: 0 },
    windowScale: 7 }), payload: new Uint8Array(0),
};

describe("TCP segment", () => {
  it("deconstructs a captured SYN with MSS, SACK-permitted, timestamps and window scale", () => {
    const ip = Ipv4Packet.check(SYN_IP);
    const p = TcpPacket.check(ip.payload);
    expect(p.headerLength).toBe(40);
    expect(p.flags).toBe(TcpFlags.SYN);
    expect([p.syn, p.ack, p.fin, p.rst, p.psh, p.urg, p.ece, p.cwr]).toEqual([true, false, false, false, false, false,
      false, false]);
    expect(p.options.length).toBe(20);
    expect(p.segmentLength).toBe(1);
    expect(p.verifyChecksum(ip.src, ip.dst)).toBe(true);
    expect(TcpRepr.parse(p, ip.src, ip.dst)).toEqual(SYN_REPR);
  });

  it("constructs the SYN byte for byte in Linux's option layout", () => {
    expect(TcpRepr.bufferLength(SYN_REPR)).toBe(40);
    const buf = filled(40);
    TcpRepr.emit(SYN_REPR, new TcpPacket(buf), GUEST_IP, HOST_IP);
    expect(toHex(buf)).toBe(toHex(SYN));
  });

  it("deconstructs and constructs slirp's SYN-ACK, ignoring Ethernet padding", () => {
    const ip = Ipv4Packet.check(SYNACK_IP_PADDED);
    const r = TcpRepr.parse(new TcpPacket(ip.payload), ip.src, ip.dst);
    expect(r).toEqual({
      srcPort: 8080, dstPort: 45678, seqNumber: 0x01f40001, ackNumber: 0x2a3b4c5e,
      flags: TcpFlags.SYN | TcpFlags.ACK, windowLen: 65535, urgentPointer: 0, ...opts({ maxSegSize: 1460 }),
      payload: new Uint8Array(0),
    });
    const buf = filled(24);
    TcpRepr.emit(r, new TcpPacket(buf), HOST_IP, GUEST_IP);
    expect(toHex(buf)).toBe(toHex(ip.payload));
  });

  it("deconstructs a data segment with its payload", () => {
    const r = TcpRepr.parse(new TcpPacket(DATA), GUEST_IP, HOST_IP);
    expect(r.flags).toBe(TcpFlags.PSH | TcpFlags.ACK);
    expect(r.timestamp).toEqual({ tsVal: 0xaabbcce0, tsEcr: 0x12345678 });
    expect(new TextDecoder().decode(r.payload)).toBe("GET / HTTP/1.1\r\nHost: 10.0.2.2\r\n\r\n");
    expect(TcpRepr.segmentLength(r)).toBe(34);
    const buf = filled(DATA.length);
    TcpRepr.emit(r, new TcpPacket(buf), GUEST_IP, HOST_IP);
    expect(toHex(buf)).toBe(toHex(DATA));
  });

  it("deconstructs and constructs SACK blocks", () => {
    const r = TcpRepr.parse(new TcpPacket(SACK), GUEST_IP, HOST_IP);
    expect(r.sackRanges).toEqual([[0x01f41002, 0x01f41802], [0x01f42002, 0x01f42802]]);
    expect(r.timestamp).toEqual({ tsVal: 0xaabbcd44, tsEcr: 0x123456df });
    const buf = filled(SACK.length);
    TcpRepr.emit(r, new TcpPacket(buf), GUEST_IP, HOST_IP);
    expect(toHex(buf)).toBe(toHex(SACK));
  });

  it("reads and writes all nine flags and the urgent pointer", () => {
    const p = new TcpPacket(DATA.slice());
    p.flags = 0x1ff;
    expect([p.fin, p.syn, p.rst, p.psh, p.ack, p.urg, p.ece, p.cwr]).toEqual(Array(8).fill(true));
    expect(p.flags).toBe(0x1ff);
    expect(p.headerLength).toBe(32);
    p.headerLength = 60;
    expect(p.flags).toBe(0x1ff);
    p.urgentPointer = 0xbeef;
    expect(p.urgentPointer).toBe(0xbeef);
    const flags = TcpFlags.NS | TcpFlags.CWR | TcpFlags.ECE | TcpFlags.SYN;
    const r: TcpRepr = { ...SYN_REPR, flags, urgentPointer: 3 };
    const buf = filled(40);
    TcpRepr.emit(r, new TcpPacket(buf), 1, 2);
    expect(toHex(buf.subarray(12, 14))).toBe("a1c2");
    expect(TcpRepr.parse(new TcpPacket(buf), 1, 2)).toEqual(r);
  });

  it("emits a plain segment with no options as 20 bytes", () => {
    const r: TcpRepr = { ...SYN_REPR, ...opts({}), flags: TcpFlags.RST | TcpFlags.ACK, ackNumber: 7 };
    expect(TcpRepr.bufferLength(r)).toBe(TCP_HEADER_LENGTH);
    const buf = filled(20);
    TcpRepr.emit(r, new TcpPacket(buf), GUEST_IP, HOST_IP);
    expect(buf[12]).toBe(0x50);
    expect(TcpRepr.parse(new TcpPacket(buf), GUEST_IP, HOST_IP)).toEqual(r);
  });

  it("rejects every truncation", () => {
    // With checksums off the header checks alone must catch each cut...
    expectTruncationRejected(SYN, (b) => TcpRepr.parse(new TcpPacket(b), GUEST_IP, HOST_IP, false));
    expectTruncationRejected(SACK, (b) => TcpRepr.parse(new TcpPacket(b), GUEST_IP, HOST_IP, false));
    // ...and with them on, a cut into the payload fails the checksum.
    for (let len = 0; len < DATA.length; len++) {
      expectWireError(() => TcpRepr.parse(new TcpPacket(DATA.slice(0, len)), GUEST_IP, HOST_IP));
    }
  });

  it("rejects a bad checksum or the wrong pseudo-header, unless told not to verify", () => {
    const b = DATA.slice();
    b[40] ^= 1;
    expectWireError(() => TcpRepr.parse(new TcpPacket(b), GUEST_IP, HOST_IP), "checksum");
    expect(TcpRepr.parse(new TcpPacket(b), GUEST_IP, HOST_IP, false).payload[8]).toBe(0x55);
    expectWireError(() => TcpRepr.parse(new TcpPacket(DATA), GUEST_IP, HOST_IP + 1), "checksum");
  });

  it("rejects a data offset under 5 and zero ports", () => {
    const off4 = DATA.slice();
    off4[12] = 0x40;
    expectWireError(() => TcpPacket.check(off4), "malformed");
    const port0 = DATA.slice();
    port0[0] = port0[1] = 0;
    expectWireError(() => TcpRepr.parse(new TcpPacket(port0), GUEST_IP, HOST_IP, false), "malformed");
    const dport0 = DATA.slice();
    dport0[2] = dport0[3] = 0;
    expectWireError(() => TcpRepr.parse(new TcpPacket(dport0), GUEST_IP, HOST_IP, false), "malformed");
  });

  it("refuses to emit into a short buffer", () => {
    expectWireError(() => TcpRepr.emit(SYN_REPR, new TcpPacket(new Uint8Array(39)), 1, 2), "truncated");
  });

  it("survives fuzzing: a Repr or a WireError, nothing else", () => {
    const parse = (b: Uint8Array) => TcpRepr.parse(new TcpPacket(b), GUEST_IP, HOST_IP, (b.length & 3) === 0);
    expect(fuzz(7, 20_000, [SYN, DATA, SACK], 80, parse)).toBeGreaterThan(0);
  });
});

describe("TCP options", () => {
  function parse(bytes: Uint8Array): TcpOptions {
    const o = opts({});
    parseTcpOptions(bytes, 0, bytes.length, o);
    return o;
  }

  it("stops at End of List and skips NOPs and unknown kinds", () => {
    expect(parse(hex("01 01 020405b4 00 0303 07"))).toEqual(opts({ maxSegSize: 1460 }));
    expect(parse(hex("1e 06 01020304 020405dc"))).toEqual(opts({ maxSegSize: 1500 }));
    expect(parse(hex(""))).toEqual(opts({}));
  });

  it("clamps a window scale above 14", () => {
    expect(parse(hex("01 03 03 0f")).windowScale).toBe(14);
    expect(parse(hex("01 03 03 00")).windowScale).toBe(0);
  });

  it("reads up to four SACK blocks", () => {
    const four = parse(hex("0101 0522" + "0000000100000002".repeat(4)));
    expect(four.sackRanges).toEqual(Array(4).fill([1, 2]));
  });

  it("rejects malformed options", () => {
    for (const bad of ["02", "02 01", "02 00 0000", "02 05 0000", "02 03 05", "03 04 07 00", "04 03 00",
      "08 09 00000000000000", "05 02", "05 0b 0000000100000002 00", "05 0a 00000001000000", "1e 08 0000"]) {
      expectWireError(() => parse(hex(bad)), "malformed");
    }
  });

  it("sizes and emits each combination in multiples of 4", () => {
    const cases: Array<[Partial<TcpOptions>, string]> = [
      [{}, ""],
      [{ maxSegSize: 536 }, "02040218"],
      [{ sackPermitted: true }, "01010402"],
      [{ windowScale: 2 }, "01030302"],
      [{ timestamp: { tsVal: 1, tsEcr: 2 } }, "0101080a0000000100000002"],
      [{ sackPermitted: true, timestamp: { tsVal: 1, tsEcr: 2 } }, "0402080a0000000100000002"],
      [{ sackRanges: [[5, 9]] }, "0101050a0000000500000009"],
      [{ sackRanges: [] }, ""],
    ];
    for (const [partial, expected] of cases) {
      const o = opts(partial);
      const buf = filled(40);
      expect(tcpOptionsLength(o)).toBe(expected.length / 2);
      expect(emitTcpOptions(o, buf, 0)).toBe(expected.length / 2);
      expect(toHex(buf.subarray(0, expected.length / 2))).toBe(expected);
      expect(parse(buf.subarray(0, expected.length / 2))).toEqual(o.sackRanges?.length === 0 ? opts({}) : o);
    }
  });

  it("refuses options over 40 bytes", () => {
    const tooMany = opts({ timestamp: { tsVal: 1, tsEcr: 1 }, sackRanges: Array(4).fill([1, 2]) });
    expectWireError(() => tcpOptionsLength(tooMany), "malformed");
    expectWireError(() => TcpRepr.bufferLength({ ...SYN_REPR, ...tooMany }), "malformed");
    const fits = opts({ timestamp: { tsVal: 1, tsEcr: 1 }, sackRanges: Array(3).fill([1, 2]) });
    expect(tcpOptionsLength(fits)).toBe(40);
  });
});
