import { describe, expect, it } from "vitest";
import { ARP_PACKET_LENGTH, ArpOperation, ArpPacket, ArpRepr } from "../../../libos/net/wire/arp.ts";
import { EthernetFrame } from "../../../libos/net/wire/ethernet.ts";
import { parseIpv4 } from "../../../libos/net/wire/ipv4.ts";
import { expectTruncationRejected, expectWireError, filled, fuzz, hex, toHex } from "./_helpers.ts";

const GUEST = 0x525400123456;
const SLIRP = 0x52550a000202;

// Captured: QEMU slirp (52:55:0a:00:02:02, 10.0.2.2) asks who has 10.0.2.15; padded to 60 bytes.
const REQUEST_FRAME = hex(`ffffffffffff 52550a000202 0806
  0001 0800 06 04 0001 52550a000202 0a000202 000000000000 0a00020f
  000000000000000000000000000000000000`);
// The guest's reply: 10.0.2.15 is at 52:54:00:12:34:56.
const REPLY_ARP = hex("0001 0800 06 04 0002 525400123456 0a00020f 52550a000202 0a000202");

const REQUEST_REPR: ArpRepr = {
  operation: ArpOperation.Request,
  senderHardwareAddr: SLIRP,
  senderProtocolAddr: parseIpv4("10.0.2.2"),
  targetHardwareAddr: 0,
  targetProtocolAddr: parseIpv4("10.0.2.15"),
};

describe("ARP", () => {
  it("deconstructs slirp's request (with Ethernet padding after it)", () => {
    const frame = EthernetFrame.check(REQUEST_FRAME);
    const p = ArpPacket.check(frame.bytes, frame.payloadOffset);
    expect(p.hardwareType).toBe(1);
    expect(p.protocolType).toBe(0x0800);
    expect(p.hardwareLength).toBe(6);
    expect(p.protocolLength).toBe(4);
    expect(p.operation).toBe(1);
    expect(ArpRepr.parse(p)).toEqual(REQUEST_REPR);
  });

  it("deconstructs the guest's reply", () => {
    expect(ArpRepr.parse(new ArpPacket(REPLY_ARP))).toEqual({
      operation: ArpOperation.Reply,
      senderHardwareAddr: GUEST,
      senderProtocolAddr: 0x0a00020f,
      targetHardwareAddr: SLIRP,
      targetProtocolAddr: 0x0a000202,
    });
  });

  it("constructs the reply byte for byte", () => {
    const buf = filled(ARP_PACKET_LENGTH);
    const repr = ArpRepr.parse(new ArpPacket(REPLY_ARP));
    expect(ArpRepr.bufferLength(repr)).toBe(28);
    ArpRepr.emit(repr, new ArpPacket(buf));
    expect(toHex(buf)).toBe(toHex(REPLY_ARP));
  });

  it("constructs the request at an offset, leaving the bytes around it alone", () => {
    const buf = filled(14 + 28 + 2);
    ArpRepr.emit(REQUEST_REPR, new ArpPacket(buf, 14));
    expect(toHex(buf.subarray(14, 42))).toBe(toHex(REQUEST_FRAME.subarray(14, 42)));
    expect(buf[13]).toBe(0xa5);
    expect(buf[42]).toBe(0xa5);
  });

  it("rejects every truncation", () => {
    expectTruncationRejected(REPLY_ARP, (b) => ArpRepr.parse(new ArpPacket(b)));
    expectWireError(() => ArpRepr.emit(REQUEST_REPR, new ArpPacket(new Uint8Array(27))), "truncated");
  });

  it("rejects other hardware and protocol types and lengths", () => {
    for (const [at, value] of [[1, 6], [2, 0x86], [4, 8], [5, 16]] as const) {
      const b = REPLY_ARP.slice();
      b[at] = value;
      expectWireError(() => ArpRepr.parse(new ArpPacket(b)), "unsupported");
    }
  });

  it("rejects unknown operations (RARP 3)", () => {
    const b = REPLY_ARP.slice();
    b[7] = 3;
    expectWireError(() => ArpRepr.parse(new ArpPacket(b)), "unsupported");
  });

  it("round-trips every field through setters", () => {
    const p = new ArpPacket(filled(28));
    p.hardwareType = 1;
    p.protocolType = 0x0800;
    p.hardwareLength = 6;
    p.protocolLength = 4;
    p.operation = 2;
    p.senderHardwareAddr = 0xfeedfacecafe;
    p.senderProtocolAddr = 0xc0a80001;
    p.targetHardwareAddr = 0x000000000001;
    p.targetProtocolAddr = 0xffffffff;
    expect(ArpRepr.parse(p)).toEqual({
      operation: 2, senderHardwareAddr: 0xfeedfacecafe, senderProtocolAddr: 0xc0a80001,
      targetHardwareAddr: 1, targetProtocolAddr: 0xffffffff,
    });
  });

  it("survives fuzzing: a Repr or a WireError, nothing else", () => {
    const ok = fuzz(2, 20_000, [REPLY_ARP, REQUEST_FRAME.subarray(14)], 40, (b) => ArpRepr.parse(new ArpPacket(b)));
    expect(ok).toBeGreaterThan(0);
  });
});
