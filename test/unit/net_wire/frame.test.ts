// Whole frames through every layer: build a captured frame from Reprs alone (Ethernet, IPv4, then the transport
// written in place at the right offsets), and decode captured frames layer by layer, through the public index.
import { describe, expect, it } from "vitest";
import * as W from "../../../libos/net/wire/index.ts";
import { filled, hex, toHex } from "./_helpers.ts";

const GUEST = 0x525400123456;
const SLIRP = 0x52550a000202;
const GUEST_IP = 0x0a00020f;
const HOST_IP = 0x0a000202;

// Captured: Linux's SYN to 10.0.2.2:8080, the whole 74-byte frame.
const SYN_FRAME = hex(`52550a000202 525400123456 0800
  4500 003c d431 4000 4006 4e7a 0a00020f 0a000202
  b26e 1f90 2a3b4c5d 00000000 a002 faf0 74ce 0000  020405b4 0402 080aaabbccdd00000000 01 030307`);
// Captured: the guest's DHCP DISCOVER, 0.0.0.0 → 255.255.255.255, a 266-byte message (no padding).
const DISCOVER_FRAME = hex("ffffffffffff 525400123456 0800 4500 0126 0000 0000 4011 79c8 00000000 ffffffff" +
  "0044 0043 0112 3ce9 010106003903f326" + "00".repeat(20) + "525400123456" + "00".repeat(202) +
  "63825363 350101 3d0701525400123456 3707 0103060f333a3b 390205dc ff");

describe("whole frames", () => {
  it("builds the captured SYN frame from Reprs, byte for byte", () => {
    const tcp: W.TcpRepr = {
      srcPort: 45678, dstPort: 8080, seqNumber: 0x2a3b4c5d, ackNumber: 0, flags: W.TcpFlags.SYN, windowLen: 64240,
      urgentPointer: 0, maxSegSize: 1460, windowScale: 7, sackPermitted: true, sackRanges: null,
      timestamp: { tsVal: 0xaabbccdd, tsEcr: 0 }, payload: new Uint8Array(0),
    };
    const ip: W.Ipv4Repr = {
      src: GUEST_IP, dst: HOST_IP, protocol: W.IpProtocol.TCP, payloadLength: W.TcpRepr.bufferLength(tcp), ttl: 64,
      dscp: 0, ecn: 0, ident: 0xd431, dontFrag: true, moreFrags: false, fragOffset: 0,
    };
    const eth: W.EthernetRepr = { dst: SLIRP, src: GUEST, ethertype: W.EtherType.IPv4 };
    const size = W.EthernetRepr.bufferLength(eth) + W.Ipv4Repr.bufferLength(ip) + ip.payloadLength;
    expect(size).toBe(74);
    const frame = filled(size);
    const f = new W.EthernetFrame(frame);
    W.EthernetRepr.emit(eth, f);
    const p = new W.Ipv4Packet(frame, f.payloadOffset);
    W.Ipv4Repr.emit(ip, p);
    W.TcpRepr.emit(tcp, new W.TcpPacket(frame, p.payloadOffset), ip.src, ip.dst);
    expect(toHex(frame)).toBe(toHex(SYN_FRAME));
  });

  it("decodes the captured DHCP discover through Ethernet, IPv4 and UDP", () => {
    const f = W.EthernetFrame.check(DISCOVER_FRAME);
    expect(W.isBroadcastMac(f.dst)).toBe(true);
    const ip = W.Ipv4Packet.check(f.bytes, f.payloadOffset);
    const ipr = W.Ipv4Repr.parse(ip);
    expect([W.formatIpv4(ipr.src), W.isBroadcast(ipr.dst), ipr.protocol]).toEqual(["0.0.0.0", true, 17]);
    const udp = W.UdpRepr.parse(W.UdpPacket.check(ip.payload), ipr.src, ipr.dst);
    expect([udp.srcPort, udp.dstPort]).toEqual([W.DHCP_CLIENT_PORT, W.DHCP_SERVER_PORT]);
    const dhcp = W.DhcpRepr.parse(new W.DhcpPacket(udp.payload));
    expect(dhcp.messageType).toBe(W.DhcpMessageType.Discover);
    expect(W.formatMac(dhcp.clientHardwareAddress)).toBe("52:54:00:12:34:56");
  });

  it("counts drops by kind: every layer throws only WireError", () => {
    const kinds: string[] = [];
    for (const cut of [10, 20, 40, 60]) {
      try {
        const f = W.EthernetFrame.check(SYN_FRAME.subarray(0, cut));
        const ip = W.Ipv4Repr.parse(new W.Ipv4Packet(f.bytes, f.payloadOffset));
        kinds.push("ok " + ip.protocol);
      } catch (e) {
        expect(e).toBeInstanceOf(W.WireError);
        kinds.push((e as W.WireError).kind);
      }
    }
    expect(kinds).toEqual(["truncated", "truncated", "truncated", "truncated"]);
  });
});
