// libos/net/wire/arp.ts — ARP (RFC 826) for Ethernet and IPv4: the ArpPacket view and ArpRepr. Addresses are
// numbers: MACs 48-bit, IPv4 32-bit unsigned. Layer: libos/net/wire. Depends on ./_util.ts.

import { get16, get32, getMac, noRoom, set16, set32, setMac, truncated, unsupported } from "./_util.ts";

/** Bytes of an ARP packet for Ethernet/IPv4. */
export const ARP_PACKET_LENGTH = 28;

/** ARP operation codes. */
export const ArpOperation = {
  /** Who has the target protocol address? */
  Request: 1,
  /** The sender hardware address has the sender protocol address. */
  Reply: 2,
} as const;

/** ARP hardware type of Ethernet. */
export const ARP_HARDWARE_ETHERNET = 1;
/** ARP protocol type of IPv4 (the IPv4 EtherType). */
export const ARP_PROTOCOL_IPV4 = 0x0800;

/**
 * A view of an Ethernet/IPv4 ARP packet in `bytes` from `offset`. Validate with `ArpPacket.check(bytes)` or
 * `checkLen()` (28 bytes); accessors then never throw.
 */
export class ArpPacket {
  /** The underlying buffer (not copied). */
  readonly bytes: Uint8Array;
  /** Where the packet starts in `bytes`. */
  readonly offset: number;

  /** Wraps `bytes` without validating; see `check`. */
  constructor(bytes: Uint8Array, offset = 0) {
    this.bytes = bytes;
    this.offset = offset;
  }

  /** Wraps and validates: throws WireError ("truncated") when shorter than 28 bytes. */
  static check(bytes: Uint8Array, offset = 0): ArpPacket {
    const p = new ArpPacket(bytes, offset);
    p.checkLen();
    return p;
  }

  /** Throws WireError unless the 28 bytes of an Ethernet/IPv4 ARP packet are present. */
  checkLen(): void {
    if (this.length < ARP_PACKET_LENGTH) throw truncated("an ARP packet", ARP_PACKET_LENGTH, this.length);
  }

  /** Bytes from `offset` to the end of the buffer. */
  get length(): number {
    return Math.max(0, this.bytes.length - this.offset);
  }
  /** Hardware type (1 for Ethernet). */
  get hardwareType(): number {
    return get16(this.bytes, this.offset);
  }
  /** Protocol type (0x0800 for IPv4). */
  get protocolType(): number {
    return get16(this.bytes, this.offset + 2);
  }
  /** Hardware address length (6 for Ethernet). */
  get hardwareLength(): number {
    return this.bytes[this.offset + 4];
  }
  /** Protocol address length (4 for IPv4). */
  get protocolLength(): number {
    return this.bytes[this.offset + 5];
  }
  /** Operation (see `ArpOperation`). */
  get operation(): number {
    return get16(this.bytes, this.offset + 6);
  }
  /** Sender MAC number. */
  get senderHardwareAddr(): number {
    return getMac(this.bytes, this.offset + 8);
  }
  /** Sender IPv4 address. */
  get senderProtocolAddr(): number {
    return get32(this.bytes, this.offset + 14);
  }
  /** Target MAC number (zero in requests). */
  get targetHardwareAddr(): number {
    return getMac(this.bytes, this.offset + 18);
  }
  /** Target IPv4 address. */
  get targetProtocolAddr(): number {
    return get32(this.bytes, this.offset + 24);
  }

  set hardwareType(v: number) {
    set16(this.bytes, this.offset, v);
  }
  set protocolType(v: number) {
    set16(this.bytes, this.offset + 2, v);
  }
  set hardwareLength(v: number) {
    this.bytes[this.offset + 4] = v;
  }
  set protocolLength(v: number) {
    this.bytes[this.offset + 5] = v;
  }
  set operation(v: number) {
    set16(this.bytes, this.offset + 6, v);
  }
  set senderHardwareAddr(mac: number) {
    setMac(this.bytes, this.offset + 8, mac);
  }
  set senderProtocolAddr(addr: number) {
    set32(this.bytes, this.offset + 14, addr);
  }
  set targetHardwareAddr(mac: number) {
    setMac(this.bytes, this.offset + 18, mac);
  }
  set targetProtocolAddr(addr: number) {
    set32(this.bytes, this.offset + 24, addr);
  }
}

/** An Ethernet/IPv4 ARP request or reply as plain values. */
export interface ArpRepr {
  /** `ArpOperation.Request` or `ArpOperation.Reply`. */
  operation: number;
  /** Sender MAC number. */
  senderHardwareAddr: number;
  /** Sender IPv4 address. */
  senderProtocolAddr: number;
  /** Target MAC number. */
  targetHardwareAddr: number;
  /** Target IPv4 address. */
  targetProtocolAddr: number;
}

/** Parse, emit and size ARP packets. */
export const ArpRepr = {
  /**
   * Reads an Ethernet/IPv4 request or reply. Throws WireError: "truncated" under 28 bytes, "unsupported" for other
   * hardware/protocol types or lengths and for operations other than request and reply.
   */
  parse(packet: ArpPacket): ArpRepr {
    packet.checkLen();
    if (packet.hardwareType !== ARP_HARDWARE_ETHERNET || packet.protocolType !== ARP_PROTOCOL_IPV4 ||
        packet.hardwareLength !== 6 || packet.protocolLength !== 4) {
      throw unsupported(`expected an ARP packet for Ethernet (1, length 6) and IPv4 (0x0800, length 4), ` +
        `found hardware ${packet.hardwareType} length ${packet.hardwareLength}, ` +
        `protocol 0x${packet.protocolType.toString(16)} length ${packet.protocolLength}`);
    }
    const op = packet.operation;
    if (op !== ArpOperation.Request && op !== ArpOperation.Reply) {
      throw unsupported(`expected ARP operation 1 (request) or 2 (reply), found ${op}`);
    }
    return {
      operation: op,
      senderHardwareAddr: packet.senderHardwareAddr,
      senderProtocolAddr: packet.senderProtocolAddr,
      targetHardwareAddr: packet.targetHardwareAddr,
      targetProtocolAddr: packet.targetProtocolAddr,
    };
  },
  /** Writes all 28 bytes. Throws WireError ("truncated") when the buffer is smaller. */
  emit(repr: ArpRepr, packet: ArpPacket): void {
    if (packet.length < ARP_PACKET_LENGTH) throw noRoom("an ARP packet", ARP_PACKET_LENGTH, packet.length);
    packet.hardwareType = ARP_HARDWARE_ETHERNET;
    packet.protocolType = ARP_PROTOCOL_IPV4;
    packet.hardwareLength = 6;
    packet.protocolLength = 4;
    packet.operation = repr.operation;
    packet.senderHardwareAddr = repr.senderHardwareAddr;
    packet.senderProtocolAddr = repr.senderProtocolAddr;
    packet.targetHardwareAddr = repr.targetHardwareAddr;
    packet.targetProtocolAddr = repr.targetProtocolAddr;
  },
  /** Bytes the packet takes (28). */
  bufferLength(_repr: ArpRepr): number {
    return ARP_PACKET_LENGTH;
  },
};
