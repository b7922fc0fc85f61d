import { describe, expect, it } from "vitest";
import {
  BROADCAST_MAC, ETHERNET_HEADER_LENGTH, EtherType, EthernetFrame, EthernetRepr, formatMac, isBroadcastMac,
  isMulticastMac, isUnicastMac, macFromBytes, macToBytes, parseMac,
} from "../../../libos/net/wire/ethernet.ts";
import { expectTruncationRejected, expectWireError, filled, fuzz, hex, toHex } from "./_helpers.ts";

const GUEST = 0x525400123456;
const SLIRP = 0x52550a000202;

// QEMU slirp's ARP request for 10.0.2.15, as captured: broadcast, padded to the 60-byte minimum.
const ARP_FRAME = hex(`ffffffffffff 52550a000202 0806
  0001 0800 06 04 0001 52550a000202 0a000202 000000000000 0a00020f
  000000000000000000000000000000000000`);

describe("Ethernet", () => {
  it("deconstructs a captured frame", () => {
    const f = EthernetFrame.check(ARP_FRAME);
    expect(f.dst).toBe(BROADCAST_MAC);
    expect(f.src).toBe(SLIRP);
    expect(f.ethertype).toBe(EtherType.ARP);
    expect(f.payloadOffset).toBe(14);
    expect(f.payload.length).toBe(46);
    expect(toHex(f.payload.subarray(0, 8))).toBe("0001080006040001");
    expect(EthernetRepr.parse(f)).toEqual({ dst: BROADCAST_MAC, src: SLIRP, ethertype: 0x0806 });
  });

  it("reads at an offset inside a larger buffer", () => {
    const buf = new Uint8Array(4 + ARP_FRAME.length);
    buf.set(ARP_FRAME, 4);
    const f = EthernetFrame.check(buf, 4);
    expect(f.src).toBe(SLIRP);
    expect(f.length).toBe(60);
  });

  it("constructs the header byte for byte", () => {
    const buf = filled(14);
    const repr: EthernetRepr = { dst: SLIRP, src: GUEST, ethertype: EtherType.IPv4 };
    expect(EthernetRepr.bufferLength(repr)).toBe(ETHERNET_HEADER_LENGTH);
    EthernetRepr.emit(repr, new EthernetFrame(buf));
    expect(toHex(buf)).toBe("52550a000202525400123456" + "0800");
  });

  it("round-trips through setters", () => {
    const f = new EthernetFrame(filled(20));
    f.dst = 0x010203040506;
    f.src = 0xfffefdfcfbfa;
    f.ethertype = 0x86dd;
    expect([f.dst, f.src, f.ethertype]).toEqual([0x010203040506, 0xfffefdfcfbfa, 0x86dd]);
  });

  it("rejects every truncation of the header", () => {
    expectTruncationRejected(ARP_FRAME.subarray(0, 14), (b) => EthernetRepr.parse(new EthernetFrame(b)));
    expectWireError(() => EthernetFrame.check(ARP_FRAME, 50), "truncated");
    expect(() => EthernetFrame.check(ARP_FRAME.subarray(0, 14))).not.toThrow();
  });

  it("refuses to emit into a short buffer", () => {
    expectWireError(() => EthernetRepr.emit({ dst: 1, src: 2, ethertype: 3 }, new EthernetFrame(new Uint8Array(13))));
  });

  it("parses and formats MAC addresses", () => {
    expect(parseMac("52:54:00:12:34:56")).toBe(GUEST);
    expect(parseMac("52-55-0A-00-02-02")).toBe(SLIRP);
    expect(parseMac("ff:ff:ff:ff:ff:ff")).toBe(BROADCAST_MAC);
    expect(formatMac(GUEST)).toBe("52:54:00:12:34:56");
    expect(formatMac(0)).toBe("00:00:00:00:00:00");
    expect(formatMac(BROADCAST_MAC)).toBe("ff:ff:ff:ff:ff:ff");
    for (const bad of ["", "52:54:00:12:34", "52:54:00:12:34:5g", "525400123456", "52:54:00:12:34:56:",
      " 2:54:00:12:34:56", "52:54:00-12:34.56"]) {
      expectWireError(() => parseMac(bad), "malformed");
    }
  });

  it("converts MACs to and from bytes", () => {
    expect(macFromBytes(hex("525400123456"))).toBe(GUEST);
    expect(toHex(macToBytes(SLIRP))).toBe("52550a000202");
    const into = filled(8);
    macToBytes(GUEST, into, 1);
    expect(toHex(into)).toBe("a5525400123456a5");
    expectWireError(() => macFromBytes(new Uint8Array(5)), "truncated");
  });

  it("classifies MACs", () => {
    expect(isBroadcastMac(BROADCAST_MAC)).toBe(true);
    expect(isMulticastMac(BROADCAST_MAC)).toBe(true);
    expect(isMulticastMac(0x01005e000016)).toBe(true);
    expect(isMulticastMac(GUEST)).toBe(false);
    expect(isUnicastMac(GUEST)).toBe(true);
    expect(isUnicastMac(0)).toBe(false);
    expect(isUnicastMac(0x01005e000016)).toBe(false);
  });

  it("survives fuzzing: a Repr or a WireError, nothing else", () => {
    const ok = fuzz(1, 20_000, [ARP_FRAME], 64, (b) => EthernetRepr.parse(new EthernetFrame(b)));
    expect(ok).toBeGreaterThan(0);
  });
});
