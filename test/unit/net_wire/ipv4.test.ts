import { describe, expect, it } from "vitest";
import { EthernetFrame } from "../../../libos/net/wire/ethernet.ts";
import {
  formatCidr, formatIpv4, inSubnet, IpProtocol, IPV4_BROADCAST, Ipv4Packet, Ipv4Repr, ipv4FromBytes, isBroadcast,
  isIpv4, isLinkLocal, isLoopback, isMulticast, isUnicast, isUnspecified, maskToPrefix, networkAddress, parseCidr,
  parseIpv4, prefixToMask, subnetBroadcast,
} from "../../../libos/net/wire/ipv4.ts";
import { expectTruncationRejected, expectWireError, filled, fuzz, hex, toHex } from "./_helpers.ts";

// Captured: ping 10.0.2.15 → 10.0.2.2 (DF, TTL 64, ident 0x4e2f), 56 data bytes, inside its Ethernet frame.
const PING_FRAME = hex(`52550a000202 525400123456 0800
  4500 0054 4e2f 4000 4001 d469 0a00020f 0a000202
  0800 4346 1c46 0001 4057576600000000 40e2010000000000
  101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637`);
const PING = PING_FRAME.subarray(14);
// An IGMPv3 report to 224.0.0.22 with the Router Alert option (IHL 6), DSCP CS6.
const ROUTER_ALERT = hex(`46c0 0028 0000 4000 0102 f7ea 0a00020f e0000016 94040000
  2200f9020000000104000000e00000fb`);
// slirp's SYN-ACK: a 44-byte packet padded by Ethernet to 46 payload bytes.
const PADDED = hex(`4500 002c 0b0c 0000 4006 57b0 0a000202 0a00020f
  1f90b26e01f400012a3b4c5e6012ffff35790000020405b4 0000`);

const PING_REPR: Ipv4Repr = {
  src: 0x0a00020f, dst: 0x0a000202, protocol: IpProtocol.ICMP, payloadLength: 64, ttl: 64,
  dscp: 0, ecn: 0, ident: 0x4e2f, dontFrag: true, moreFrags: false, fragOffset: 0,
};

describe("IPv4 packet", () => {
  it("deconstructs a captured echo request", () => {
    const p = Ipv4Packet.check(PING);
    expect(p.version).toBe(4);
    expect(p.headerLength).toBe(20);
    expect(p.totalLength).toBe(84);
    expect(p.checksum).toBe(0xd469);
    expect(p.verifyChecksum()).toBe(true);
    expect(p.options.length).toBe(0);
    expect(p.payload.length).toBe(64);
    expect(p.payload[0]).toBe(8);
    expect(Ipv4Repr.parse(p)).toEqual(PING_REPR);
  });

  it("parses through the Ethernet frame at its payload offset", () => {
    const f = EthernetFrame.check(PING_FRAME);
    expect(Ipv4Repr.parse(new Ipv4Packet(f.bytes, f.payloadOffset))).toEqual(PING_REPR);
  });

  it("exposes options and skips them in the Repr", () => {
    const p = Ipv4Packet.check(ROUTER_ALERT);
    expect(p.headerLength).toBe(24);
    expect(toHex(p.options)).toBe("94040000");
    expect(p.payload.length).toBe(16);
    expect(p.payload[0]).toBe(0x22);
    expect(Ipv4Repr.parse(p)).toEqual({
      src: 0x0a00020f, dst: 0xe0000016, protocol: IpProtocol.IGMP, payloadLength: 16, ttl: 1,
      dscp: 48, ecn: 0, ident: 0, dontFrag: true, moreFrags: false, fragOffset: 0,
    });
  });

  it("ignores Ethernet padding after the total length", () => {
    const p = Ipv4Packet.check(PADDED);
    expect(p.length).toBe(46);
    expect(p.payload.length).toBe(24);
    expect(Ipv4Repr.parse(p).payloadLength).toBe(24);
  });

  it("reads fragment fields", () => {
    // A middle fragment: MF set, offset 1480 bytes (185 × 8), header checksum recomputed.
    const b = PING.slice();
    b[6] = 0x20;
    b[7] = 185;
    const p = new Ipv4Packet(b);
    p.fillChecksum();
    const r = Ipv4Repr.parse(p);
    expect([r.dontFrag, r.moreFrags, r.fragOffset]).toEqual([false, true, 1480]);
  });

  it("constructs the header byte for byte", () => {
    const buf = filled(20);
    expect(Ipv4Repr.bufferLength(PING_REPR)).toBe(20);
    Ipv4Repr.emit(PING_REPR, new Ipv4Packet(buf));
    expect(toHex(buf)).toBe(toHex(PING.subarray(0, 20)));
  });

  it("constructs DSCP, ECN and fragment fields", () => {
    const repr: Ipv4Repr = { ...PING_REPR, dscp: 46, ecn: 2, dontFrag: false, moreFrags: true, fragOffset: 2960 };
    const buf = filled(28);
    Ipv4Repr.emit(repr, new Ipv4Packet(buf));
    expect(toHex(buf.subarray(0, 8))).toBe("45ba00544e2f2172");
    expect(buf[20]).toBe(0xa5);
    expect(Ipv4Repr.parseQuoted(new Ipv4Packet(buf))).toEqual(repr);
    expect(new Ipv4Packet(buf).verifyChecksum()).toBe(true);
  });

  it("setters change only their own bits", () => {
    const p = new Ipv4Packet(PING.slice());
    p.dscp = 63;
    expect(p.ecn).toBe(0);
    p.ecn = 3;
    expect(p.dscp).toBe(63);
    p.dontFrag = false;
    p.moreFrags = true;
    p.fragOffset = 8 * 0x1fff;
    expect([p.dontFrag, p.moreFrags, p.fragOffset]).toEqual([false, true, 8 * 0x1fff]);
    p.version = 6;
    expect(p.headerLength).toBe(20);
    p.headerLength = 60;
    expect(p.version).toBe(6);
    expect(p.headerLength).toBe(60);
  });

  it("rejects every truncation, down through the total length", () => {
    expectTruncationRejected(PING, (b) => Ipv4Repr.parse(new Ipv4Packet(b)));
    expectTruncationRejected(ROUTER_ALERT, (b) => Ipv4Repr.parse(new Ipv4Packet(b)));
  });

  it("rejects a bad checksum unless told not to verify", () => {
    const b = PING.slice();
    b[11] ^= 1;
    const err = expectWireError(() => Ipv4Repr.parse(new Ipv4Packet(b)), "checksum");
    expect(err.message).toBe("expected IPv4 header checksum 0xd469, found 0xd468");
    expect(Ipv4Repr.parse(new Ipv4Packet(b), false)).toEqual(PING_REPR);
  });

  it("rejects a wrong version", () => {
    const b = PING.slice();
    b[0] = 0x65;
    new Ipv4Packet(b).fillChecksum();
    expectWireError(() => Ipv4Repr.parse(new Ipv4Packet(b)), "malformed");
  });

  it("rejects lengths that do not add up", () => {
    const ihl4 = PING.slice();
    ihl4[0] = 0x44;
    expectWireError(() => Ipv4Packet.check(ihl4), "malformed");
    const shortTotal = PING.slice();
    shortTotal[2] = 0;
    shortTotal[3] = 19;
    expectWireError(() => Ipv4Packet.check(shortTotal), "malformed");
    const longTotal = PING.slice();
    longTotal[3] = 85;
    expectWireError(() => Ipv4Packet.check(longTotal), "truncated");
    const ihl15 = PING.slice(0, 40);
    ihl15[0] = 0x4f;
    expectWireError(() => Ipv4Packet.check(ihl15), "truncated");
  });

  it("refuses to emit into a short buffer or a payload too long", () => {
    expectWireError(() => Ipv4Repr.emit(PING_REPR, new Ipv4Packet(new Uint8Array(19))), "truncated");
    const tooLong = { ...PING_REPR, payloadLength: 65516 };
    expectWireError(() => Ipv4Repr.emit(tooLong, new Ipv4Packet(filled(20))), "malformed");
  });

  it("parses a quoted header whose packet is cut short", () => {
    const quote = PING.slice(0, 28);
    expect(Ipv4Repr.parseQuoted(new Ipv4Packet(quote))).toEqual(PING_REPR);
    expectWireError(() => Ipv4Repr.parse(new Ipv4Packet(quote)), "truncated");
    expectWireError(() => Ipv4Repr.parseQuoted(new Ipv4Packet(quote.subarray(0, 19))), "truncated");
  });

  it("survives fuzzing: a Repr or a WireError, nothing else", () => {
    const parse = (b: Uint8Array) => Ipv4Repr.parse(new Ipv4Packet(b), (b.length & 1) === 0);
    expect(fuzz(3, 20_000, [PING, ROUTER_ALERT, PADDED], 100, parse)).toBeGreaterThan(0);
    fuzz(4, 5_000, [PING, ROUTER_ALERT], 60, (b) => Ipv4Repr.parseQuoted(new Ipv4Packet(b)));
  });
});

describe("IPv4 addresses", () => {
  it("parses and formats dotted quads", () => {
    expect(parseIpv4("10.0.2.15")).toBe(0x0a00020f);
    expect(parseIpv4("0.0.0.0")).toBe(0);
    expect(parseIpv4("255.255.255.255")).toBe(IPV4_BROADCAST);
    expect(formatIpv4(0x0a00020f)).toBe("10.0.2.15");
    expect(formatIpv4(0xffffffff)).toBe("255.255.255.255");
    expect(formatIpv4(0xc0a80001)).toBe("192.168.0.1");
    expect(ipv4FromBytes(hex("a5a5c0a80001"), 2)).toBe(0xc0a80001);
  });

  it("rejects what Node's net.isIPv4 rejects", () => {
    for (const bad of ["", "10.0.2", "10.0.2.15.1", "10.0.2.256", "10.0.2.015", "10..2.15", "10.0.2.15 ", "a.b.c.d",
      "1e1.0.0.1", "-1.0.0.1", ".10.0.2", "10.0.2.", "0x10.0.0.1"]) {
      expect(isIpv4(bad), bad).toBe(false);
      expectWireError(() => parseIpv4(bad), "malformed");
    }
    expect(isIpv4("0.10.100.255")).toBe(true);
  });

  it("converts prefixes and masks", () => {
    expect(prefixToMask(0)).toBe(0);
    expect(prefixToMask(24)).toBe(0xffffff00);
    expect(prefixToMask(32)).toBe(0xffffffff);
    expect(prefixToMask(1)).toBe(0x80000000);
    for (let len = 0; len <= 32; len++) expect(maskToPrefix(prefixToMask(len))).toBe(len);
    expectWireError(() => maskToPrefix(0xff00ff00), "malformed");
    expectWireError(() => prefixToMask(33), "malformed");
    expectWireError(() => prefixToMask(-1), "malformed");
    expectWireError(() => prefixToMask(1.5), "malformed");
  });

  it("parses CIDRs and does subnet arithmetic", () => {
    const c = parseCidr("10.0.2.15/24");
    expect(c).toEqual({ address: 0x0a00020f, prefixLength: 24 });
    expect(formatCidr(c)).toBe("10.0.2.15/24");
    expect(parseCidr("10.0.2.15")).toEqual({ address: 0x0a00020f, prefixLength: 32 });
    expect(formatIpv4(networkAddress(c.address, 24))).toBe("10.0.2.0");
    expect(formatIpv4(subnetBroadcast(c.address, 24))).toBe("10.0.2.255");
    expect(formatIpv4(subnetBroadcast(c.address, 0))).toBe("255.255.255.255");
    expect(inSubnet(parseIpv4("10.0.2.2"), c.address, 24)).toBe(true);
    expect(inSubnet(parseIpv4("10.0.3.2"), c.address, 24)).toBe(false);
    expect(inSubnet(parseIpv4("8.8.8.8"), 0, 0)).toBe(true);
    for (const bad of ["10.0.2.15/33", "10.0.2.15/", "10.0.2.15/024", "10.0.2.15/2a", "10.0.2/24"]) {
      expectWireError(() => parseCidr(bad), "malformed");
    }
  });

  it("classifies addresses", () => {
    const a = parseIpv4;
    expect(isBroadcast(a("255.255.255.255"))).toBe(true);
    expect(isBroadcast(a("10.0.2.255"))).toBe(false);
    expect(isMulticast(a("224.0.0.251"))).toBe(true);
    expect(isMulticast(a("239.255.255.255"))).toBe(true);
    expect(isMulticast(a("240.0.0.1"))).toBe(false);
    expect(isUnspecified(0)).toBe(true);
    expect(isLoopback(a("127.0.0.1"))).toBe(true);
    expect(isLinkLocal(a("169.254.1.1"))).toBe(true);
    expect(isUnicast(a("10.0.2.15"))).toBe(true);
    for (const s of ["0.0.0.0", "255.255.255.255", "224.0.0.1"]) expect(isUnicast(a(s)), s).toBe(false);
  });
});
