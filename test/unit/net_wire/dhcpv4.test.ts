import { describe, expect, it } from "vitest";
import {
  DHCP_MIN_EMIT_LENGTH, DHCP_OPTIONS_OFFSET, DhcpMessageType, DhcpPacket, DhcpRepr,
} from "../../../libos/net/wire/dhcpv4.ts";
import { Ipv4Packet } from "../../../libos/net/wire/ipv4.ts";
import { UdpPacket, UdpRepr } from "../../../libos/net/wire/udp.ts";
import { expectTruncationRejected, expectWireError, filled, fuzz, hex, toHex } from "./_helpers.ts";

const GUEST = 0x525400123456;
const XID = 0x3903f326;
const ip = (a: number, b: number, c: number, d: number) => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;

/** A BOOTP message: the 28-byte fixed header, chaddr (MAC + 10 zero bytes), zero sname and file, cookie, options. */
function bootp(header: string, options: string, padTo = 0): Uint8Array {
  const body = hex(header + "525400123456" + "00".repeat(10 + 64 + 128) + "63825363" + options);
  const out = new Uint8Array(Math.max(body.length, padTo));
  out.set(body);
  return out;
}

// The guest's DISCOVER: client id 01:52:54:00:12:34:56, parameter request list, max size 1500.
const DISCOVER = bootp("01010600 3903f326 0000 0000 00000000 00000000 00000000 00000000",
  "350101 3d0701525400123456 3707 0103060f333a3b 390205dc ff");
// slirp's OFFER of 10.0.2.15 from 10.0.2.2: mask /24, router 10.0.2.2, DNS 10.0.2.3, a day's lease; 548 bytes.
const OFFER_IP = (() => {
  const msg = bootp("02010600 3903f326 0000 0000 00000000 0a00020f 0a000202 00000000",
    "350102 3604 0a000202 0104 ffffff00 0304 0a000202 0604 0a000203 3304 00015180 ff", 548);
  const head = hex("4510 0240 0001 0000 ff11 ad9a 0a000202 ffffffff  0043 0044 022c 8f47");
  const out = new Uint8Array(head.length + msg.length);
  out.set(head);
  out.set(msg, head.length);
  return out;
})();
// The guest's REQUEST for 10.0.2.15 from server 10.0.2.2 (secs 1).
const REQUEST = bootp("01010600 3903f326 0001 0000 00000000 00000000 00000000 00000000",
  "350103 3d0701525400123456 3204 0a00020f 3604 0a000202 3707 0103060f333a3b ff");

const OFFER_REPR: DhcpRepr = {
  ...DhcpRepr.make(DhcpMessageType.Offer, XID, GUEST),
  yourIp: ip(10, 0, 2, 15), serverIp: ip(10, 0, 2, 2),
  serverIdentifier: ip(10, 0, 2, 2), subnetMask: 0xffffff00, router: ip(10, 0, 2, 2), dnsServers: [ip(10, 0, 2, 3)],
  leaseTime: 86400,
};

function padded(bytes: Uint8Array, n = DHCP_MIN_EMIT_LENGTH): string {
  const out = new Uint8Array(Math.max(n, bytes.length));
  out.set(bytes);
  return toHex(out);
}

describe("DHCPv4", () => {
  it("deconstructs slirp's offer inside its UDP datagram", () => {
    const ipv4 = Ipv4Packet.check(OFFER_IP);
    const udp = UdpRepr.parse(UdpPacket.check(ipv4.payload), ipv4.src, ipv4.dst);
    expect([udp.srcPort, udp.dstPort]).toEqual([67, 68]);
    const p = DhcpPacket.check(udp.payload);
    expect([p.op, p.hardwareType, p.hardwareLength, p.hops, p.magic]).toEqual([2, 1, 6, 0, 0x63825363]);
    expect(p.options[0]).toBe(53);
    expect(DhcpRepr.parse(p)).toEqual(OFFER_REPR);
  });

  it("constructs the offer byte for byte (548 bytes, zero padding after End)", () => {
    expect(DhcpRepr.bufferLength(OFFER_REPR)).toBe(548);
    const buf = filled(548);
    DhcpRepr.emit(OFFER_REPR, new DhcpPacket(buf));
    expect(toHex(buf)).toBe(toHex(OFFER_IP.subarray(28)));
  });

  it("deconstructs the guest's discover", () => {
    expect(DhcpRepr.parse(new DhcpPacket(DISCOVER))).toEqual({
      ...DhcpRepr.make(DhcpMessageType.Discover, XID, GUEST),
      clientIdentifier: hex("01525400123456"), parameterRequestList: hex("0103060f333a3b"), maxMessageSize: 1500,
    });
  });

  it("constructs the discover and the request, padded to 548 bytes", () => {
    for (const msg of [DISCOVER, REQUEST]) {
      const repr = DhcpRepr.parse(new DhcpPacket(msg));
      const buf = filled(600);
      DhcpRepr.emit(repr, new DhcpPacket(buf));
      expect(toHex(buf.subarray(0, 548))).toBe(padded(msg));
      expect(buf[548]).toBe(0xa5);
    }
  });

  it("deconstructs the request", () => {
    const r = DhcpRepr.parse(new DhcpPacket(REQUEST));
    expect(r.messageType).toBe(DhcpMessageType.Request);
    expect(r.secs).toBe(1);
    expect(r.requestedIp).toBe(ip(10, 0, 2, 15));
    expect(r.serverIdentifier).toBe(ip(10, 0, 2, 2));
  });

  it("round-trips every message type and option", () => {
    const full: DhcpRepr = {
      ...OFFER_REPR, secs: 7, broadcast: true, clientIp: ip(10, 0, 2, 16), relayIp: ip(10, 9, 8, 7),
      requestedIp: ip(10, 0, 2, 99), renewalTime: 43200, rebindingTime: 75600,
      dnsServers: [ip(10, 0, 2, 3), ip(1, 1, 1, 1)], parameterRequestList: hex("0103"),
      clientIdentifier: hex("01525400123456"), maxMessageSize: 576,
    };
    for (let t = 1; t <= 8; t++) {
      const repr = { ...full, messageType: t };
      const buf = new Uint8Array(DhcpRepr.bufferLength(repr));
      DhcpRepr.emit(repr, new DhcpPacket(buf));
      expect(buf[0], `op of type ${t}`).toBe(t === 2 || t === 5 || t === 6 ? 2 : 1);
      expect(buf[10]).toBe(0x80);
      expect(DhcpRepr.parse(new DhcpPacket(buf))).toEqual(repr);
    }
  });

  it("parses a short reply without padding, Pad options and all, but not without End", () => {
    const short = bootp("02010600 3903f326 0000 0000 00000000 0a00020f 00000000 00000000", "00 00 350105 ff");
    expect(short.length).toBe(DHCP_OPTIONS_OFFSET + 6);
    expect(DhcpRepr.parse(new DhcpPacket(short)).messageType).toBe(DhcpMessageType.Ack);
    // Without End, the message counts as cut short.
    const noEnd = bootp("02010600 3903f326 0000 0000 00000000 0a00020f 00000000 00000000", "350106");
    expectWireError(() => DhcpRepr.parse(new DhcpPacket(noEnd)), "truncated");
  });

  it("rejects every truncation", () => {
    // Under 240 bytes the header is cut; after it, the End option is missing.
    expectTruncationRejected(DISCOVER, (b) => DhcpRepr.parse(new DhcpPacket(b)));
    for (let len = 0; len < DHCP_OPTIONS_OFFSET; len++) {
      expectWireError(() => DhcpRepr.parse(new DhcpPacket(DISCOVER.slice(0, len))), "truncated");
    }
    expectWireError(() => DhcpRepr.parse(new DhcpPacket(DISCOVER.slice(0, DHCP_OPTIONS_OFFSET + 4))), "truncated");
  });

  it("rejects a bad cookie, op, hardware or message type", () => {
    const mutate = (at: number, v: number) => {
      const b = DISCOVER.slice();
      b[at] = v;
      return new DhcpPacket(b);
    };
    expectWireError(() => DhcpRepr.parse(mutate(239, 0x64)), "malformed");
    expectWireError(() => DhcpRepr.parse(mutate(0, 3)), "malformed");
    expectWireError(() => DhcpRepr.parse(mutate(1, 6)), "unsupported");
    expectWireError(() => DhcpRepr.parse(mutate(2, 16)), "unsupported");
    expectWireError(() => DhcpRepr.parse(mutate(242, 9)), "unsupported");
    expectWireError(() => DhcpRepr.parse(mutate(242, 0)), "malformed");
    expectWireError(() => DhcpRepr.parse(mutate(240, 0xff)), "malformed"); // End first: no message type
  });

  it("rejects known options of the wrong length", () => {
    const head = "01010600 3903f326 0000 0000 00000000 00000000 00000000 00000000";
    for (const opt of ["3502 0101", "3603 0a0002", "0105 ffffff0000", "0302 0a00", "0606 0a0002030a00", "3700",
      "3d01 01", "3903 05dc00", "3305 0000000000"]) {
      expectWireError(() => DhcpRepr.parse(new DhcpPacket(bootp(head, "350101 " + opt + " ff"))), "malformed");
    }
  });

  it("refuses to emit into a short buffer or an option over 255 bytes", () => {
    expectWireError(() => DhcpRepr.emit(OFFER_REPR, new DhcpPacket(new Uint8Array(547))), "truncated");
    const big = { ...OFFER_REPR, parameterRequestList: new Uint8Array(256) };
    expectWireError(() => DhcpRepr.bufferLength(big), "malformed");
  });

  it("survives fuzzing: a Repr or a WireError, nothing else", () => {
    const seeds = [DISCOVER, REQUEST, OFFER_IP.subarray(28)];
    expect(fuzz(8, 20_000, seeds, 300, (b) => DhcpRepr.parse(new DhcpPacket(b)))).toBeGreaterThan(0);
  });
});
