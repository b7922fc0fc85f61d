import { describe, expect, it } from "vitest";
import { Ipv4Packet } from "../../../libos/net/wire/ipv4.ts";
import { UDP_HEADER_LENGTH, UdpPacket, UdpRepr } from "../../../libos/net/wire/udp.ts";
import { expectTruncationRejected, expectWireError, filled, fuzz, hex, toHex } from "./_helpers.ts";

const GUEST_IP = 0x0a00020f;
const DNS_IP = 0x0a000203;
const HOST_IP = 0x0a000202;

// Captured: the guest's DNS query for example.com to slirp's resolver 10.0.2.3, in its IPv4 packet.
const DNS_QUERY_IP = hex(`4500 0039 5a5a 0000 4011 0849 0a00020f 0a000203
  d431 0035 0025 84ce  beef 0100 0001 0000 0000 0000 076578616d706c6503636f6d00 0001 0001`);
const DNS_QUERY = DNS_QUERY_IP.subarray(20);
// A datagram sent without a checksum (0), to the echo port.
const NO_CHECKSUM = hex("1388 0007 000f 0000 6563686f206d65");

describe("UDP", () => {
  it("deconstructs a captured DNS query", () => {
    const ip = Ipv4Packet.check(DNS_QUERY_IP);
    const p = UdpPacket.check(ip.payload);
    expect([p.srcPort, p.dstPort, p.len, p.checksum]).toEqual([54321, 53, 37, 0x84ce]);
    expect(p.verifyChecksum(ip.src, ip.dst)).toBe(true);
    expect(p.payloadOffset).toBe(8);
    const r = UdpRepr.parse(p, ip.src, ip.dst);
    expect(r.srcPort).toBe(54321);
    expect(r.dstPort).toBe(53);
    expect(toHex(r.payload)).toBe(toHex(DNS_QUERY.subarray(8)));
  });

  it("constructs the DNS query byte for byte", () => {
    const repr: UdpRepr = { srcPort: 54321, dstPort: 53, payload: DNS_QUERY.slice(8) };
    expect(UdpRepr.bufferLength(repr)).toBe(37);
    const buf = filled(37);
    UdpRepr.emit(repr, new UdpPacket(buf), GUEST_IP, DNS_IP);
    expect(toHex(buf)).toBe(toHex(DNS_QUERY));
  });

  it("constructs in place when the payload already sits in the buffer", () => {
    const buf = filled(8 + 29);
    buf.set(DNS_QUERY.subarray(8), 8);
    UdpRepr.emit({ srcPort: 54321, dstPort: 53, payload: buf.subarray(8) }, new UdpPacket(buf), GUEST_IP, DNS_IP);
    expect(toHex(buf)).toBe(toHex(DNS_QUERY));
  });

  it("accepts a zero checksum as none, under any addresses", () => {
    const r = UdpRepr.parse(new UdpPacket(NO_CHECKSUM), 1, 2);
    expect(r).toEqual({ srcPort: 5000, dstPort: 7, payload: new TextEncoder().encode("echo me") });
  });

  it("sends a computed checksum of 0 as 0xffff, and accepts it back", () => {
    const payload = hex("01020304 0000");
    const buf = new Uint8Array(14);
    UdpRepr.emit({ srcPort: 1000, dstPort: 2000, payload }, new UdpPacket(buf), GUEST_IP, HOST_IP);
    const c = new UdpPacket(buf).checksum;
    payload[4] = c >>> 8;
    payload[5] = c & 0xff;
    UdpRepr.emit({ srcPort: 1000, dstPort: 2000, payload }, new UdpPacket(buf), GUEST_IP, HOST_IP);
    expect(new UdpPacket(buf).checksum).toBe(0xffff);
    expect(UdpRepr.parse(new UdpPacket(buf), GUEST_IP, HOST_IP).srcPort).toBe(1000);
  });

  it("ignores bytes after the length field", () => {
    const padded = new Uint8Array(DNS_QUERY.length + 5);
    padded.set(DNS_QUERY);
    const r = UdpRepr.parse(new UdpPacket(padded), GUEST_IP, DNS_IP);
    expect(r.payload.length).toBe(29);
  });

  it("rejects every truncation", () => {
    expectTruncationRejected(DNS_QUERY, (b) => UdpRepr.parse(new UdpPacket(b), GUEST_IP, DNS_IP));
    expectTruncationRejected(NO_CHECKSUM, (b) => UdpRepr.parse(new UdpPacket(b), GUEST_IP, HOST_IP));
  });

  it("rejects a bad checksum, or the wrong pseudo-header, unless told not to verify", () => {
    const b = DNS_QUERY.slice();
    b[20] ^= 0x20;
    const err = expectWireError(() => UdpRepr.parse(new UdpPacket(b), GUEST_IP, DNS_IP), "checksum");
    expect(err.message).toMatch(/^expected UDP checksum 0x[0-9a-f]{4}, found 0x84ce$/);
    expect(UdpRepr.parse(new UdpPacket(b), GUEST_IP, DNS_IP, false).dstPort).toBe(53);
    expectWireError(() => UdpRepr.parse(new UdpPacket(DNS_QUERY), GUEST_IP, HOST_IP), "checksum");
  });

  it("rejects lengths that do not add up and port 0", () => {
    const short = NO_CHECKSUM.slice();
    short[5] = 7;
    expectWireError(() => UdpRepr.parse(new UdpPacket(short), 1, 2), "malformed");
    const long = NO_CHECKSUM.slice();
    long[5] = 16;
    expectWireError(() => UdpRepr.parse(new UdpPacket(long), 1, 2), "truncated");
    const port0 = NO_CHECKSUM.slice();
    port0[2] = port0[3] = 0;
    expectWireError(() => UdpRepr.parse(new UdpPacket(port0), 1, 2), "malformed");
  });

  it("refuses to emit into a short buffer or past 65535 bytes", () => {
    const repr: UdpRepr = { srcPort: 1, dstPort: 2, payload: new Uint8Array(10) };
    expectWireError(() => UdpRepr.emit(repr, new UdpPacket(new Uint8Array(17)), 1, 2), "truncated");
    const huge: UdpRepr = { srcPort: 1, dstPort: 2, payload: new Uint8Array(65528) };
    expectWireError(() => UdpRepr.emit(huge, new UdpPacket(new Uint8Array(70000)), 1, 2), "malformed");
    expect(UDP_HEADER_LENGTH).toBe(8);
  });

  it("survives fuzzing: a Repr or a WireError, nothing else", () => {
    const parse = (b: Uint8Array) => UdpRepr.parse(new UdpPacket(b), GUEST_IP, DNS_IP, (b.length & 1) === 0);
    expect(fuzz(6, 20_000, [DNS_QUERY, NO_CHECKSUM], 48, parse)).toBeGreaterThan(0);
  });
});
