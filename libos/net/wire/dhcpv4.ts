// libos/net/wire/dhcpv4.ts — DHCPv4 (RFC 2131/2132) over the BOOTP header: the DhcpPacket view and DhcpRepr with
// the options a client and a simple server use (handled in ./dhcpv4_options.ts, re-exported here).
// Layer: libos/net/wire. Depends on ./_util.ts, ./error.ts, ./dhcpv4_options.ts.

import { get16, get32, getMac, malformed, noRoom, set16, set32, setMac, truncated, unsupported } from "./_util.ts";
import { WireError } from "./error.ts";
import { DhcpOption, dhcpOptionsLength, emitDhcpOptions, readDhcpOption, type DhcpOptions } from "./dhcpv4_options.ts";

export * from "./dhcpv4_options.ts";

/** UDP port of DHCP servers. */
export const DHCP_SERVER_PORT = 67;
/** UDP port of DHCP clients. */
export const DHCP_CLIENT_PORT = 68;
/** Bytes before the options: the BOOTP header (236) and the magic cookie (4). */
export const DHCP_OPTIONS_OFFSET = 240;
/** The magic cookie 99.130.83.99 that starts the options. */
export const DHCP_MAGIC_COOKIE = 0x63825363;
/**
 * Emitted messages are padded to at least this size: the BOOTP header with the 312-byte options field that
 * RFC 2131 §2 sizes for a 576-byte datagram, as BusyBox's udhcpc pads its requests. Servers that read requests
 * through a structure of that size (libslirp's `bootp_t`, checked with `mtod_check`) may ignore shorter ones.
 * Received messages may be shorter (down to 240 bytes plus options).
 */
export const DHCP_MIN_EMIT_LENGTH = 548;

/** DHCP message types (option 53). */
export const DhcpMessageType = {
  Discover: 1,
  Offer: 2,
  Request: 3,
  Decline: 4,
  Ack: 5,
  Nak: 6,
  Release: 7,
  Inform: 8,
} as const;

/**
 * A view of a DHCP message in `bytes` from `offset` to the end of `bytes` (the UDP payload). `checkLen()` validates
 * that the 240 bytes before the options are present; accessors then never throw.
 */
export class DhcpPacket {
  /** The underlying buffer (not copied). */
  readonly bytes: Uint8Array;
  /** Where the message starts in `bytes`. */
  readonly offset: number;

  /** Wraps `bytes` without validating; see `check`. */
  constructor(bytes: Uint8Array, offset = 0) {
    this.bytes = bytes;
    this.offset = offset;
  }

  /** Wraps and validates: throws WireError ("truncated") under 240 bytes. */
  static check(bytes: Uint8Array, offset = 0): DhcpPacket {
    const p = new DhcpPacket(bytes, offset);
    p.checkLen();
    return p;
  }

  /** Throws WireError unless the BOOTP header and magic cookie are present. */
  checkLen(): void {
    if (this.length < DHCP_OPTIONS_OFFSET) throw truncated("a DHCP message", DHCP_OPTIONS_OFFSET, this.length);
  }

  /** Bytes from `offset` to the end of the buffer. */
  get length(): number {
    return Math.max(0, this.bytes.length - this.offset);
  }
  /** BOOTP op: 1 request, 2 reply. */
  get op(): number {
    return this.bytes[this.offset];
  }
  /** Hardware type (1: Ethernet). */
  get hardwareType(): number {
    return this.bytes[this.offset + 1];
  }
  /** Hardware address length (6). */
  get hardwareLength(): number {
    return this.bytes[this.offset + 2];
  }
  /** Relay hops. */
  get hops(): number {
    return this.bytes[this.offset + 3];
  }
  /** Transaction id. */
  get transactionId(): number {
    return get32(this.bytes, this.offset + 4);
  }
  /** Seconds since the client began. */
  get secs(): number {
    return get16(this.bytes, this.offset + 8);
  }
  /** The BOOTP flags (0x8000: broadcast). */
  get flags(): number {
    return get16(this.bytes, this.offset + 10);
  }
  /** ciaddr: the client's current address. */
  get clientIp(): number {
    return get32(this.bytes, this.offset + 12);
  }
  /** yiaddr: the address offered or assigned. */
  get yourIp(): number {
    return get32(this.bytes, this.offset + 16);
  }
  /** siaddr: the next server (TFTP). */
  get serverIp(): number {
    return get32(this.bytes, this.offset + 20);
  }
  /** giaddr: the relay agent. */
  get relayIp(): number {
    return get32(this.bytes, this.offset + 24);
  }
  /** The first 6 bytes of chaddr as a MAC number. */
  get clientHardwareAddress(): number {
    return getMac(this.bytes, this.offset + 28);
  }
  /** The magic cookie (0x63825363 in DHCP). */
  get magic(): number {
    return get32(this.bytes, this.offset + 236);
  }
  /** The options bytes (a subarray). */
  get options(): Uint8Array {
    return this.bytes.subarray(this.offset + DHCP_OPTIONS_OFFSET);
  }

  set op(v: number) {
    this.bytes[this.offset] = v;
  }
  set transactionId(v: number) {
    set32(this.bytes, this.offset + 4, v);
  }
  set secs(v: number) {
    set16(this.bytes, this.offset + 8, v);
  }
  set flags(v: number) {
    set16(this.bytes, this.offset + 10, v);
  }
  set clientIp(v: number) {
    set32(this.bytes, this.offset + 12, v);
  }
  set yourIp(v: number) {
    set32(this.bytes, this.offset + 16, v);
  }
  set serverIp(v: number) {
    set32(this.bytes, this.offset + 20, v);
  }
  set relayIp(v: number) {
    set32(this.bytes, this.offset + 24, v);
  }
  set clientHardwareAddress(mac: number) {
    setMac(this.bytes, this.offset + 28, mac);
  }
}

/** A DHCP message as plain values; options absent from the message are `null`. */
export interface DhcpRepr extends DhcpOptions {
  /** Message type (see `DhcpMessageType`). */
  messageType: number;
  /** Transaction id. */
  transactionId: number;
  /** Seconds since the client began. */
  secs: number;
  /** The broadcast flag: the client cannot receive unicast before it is configured. */
  broadcast: boolean;
  /** The client's MAC number. */
  clientHardwareAddress: number;
  /** ciaddr. */
  clientIp: number;
  /** yiaddr. */
  yourIp: number;
  /** siaddr. */
  serverIp: number;
  /** giaddr. */
  relayIp: number;
}

/** Parse, emit, size and create DHCP messages. */
export const DhcpRepr = {
  /** A repr of `messageType` with every address 0 and every option absent, to fill in. */
  make(messageType: number, transactionId: number, clientHardwareAddress: number): DhcpRepr {
    return {
      messageType, transactionId, secs: 0, broadcast: false, clientHardwareAddress,
      clientIp: 0, yourIp: 0, serverIp: 0, relayIp: 0,
      serverIdentifier: null, requestedIp: null, leaseTime: null, renewalTime: null, rebindingTime: null,
      subnetMask: null, router: null, dnsServers: null, parameterRequestList: null, clientIdentifier: null,
      maxMessageSize: null,
    };
  },
  /**
   * Reads a message. Option byte strings are subarrays of the buffer. Throws WireError: "truncated" under 240
   * bytes, for an option running past the end or a missing End option; "malformed" for a bad op, cookie,
   * option length or a missing message type; "unsupported" for non-Ethernet hardware or an unknown message type.
   */
  parse(packet: DhcpPacket): DhcpRepr {
    packet.checkLen();
    if (packet.op !== 1 && packet.op !== 2) throw malformed(`expected BOOTP op 1 or 2, found ${packet.op}`);
    if (packet.hardwareType !== 1 || packet.hardwareLength !== 6) {
      throw unsupported(`expected Ethernet hardware (type 1, length 6) in DHCP, found type ${packet.hardwareType} ` +
        `length ${packet.hardwareLength}`);
    }
    if (packet.magic !== DHCP_MAGIC_COOKIE) {
      throw malformed(`expected the DHCP magic cookie 0x63825363, found 0x${packet.magic.toString(16)}`);
    }
    const repr = DhcpRepr.make(0, packet.transactionId, packet.clientHardwareAddress);
    repr.secs = packet.secs;
    repr.broadcast = (packet.flags & 0x8000) !== 0;
    repr.clientIp = packet.clientIp;
    repr.yourIp = packet.yourIp;
    repr.serverIp = packet.serverIp;
    repr.relayIp = packet.relayIp;
    const b = packet.bytes;
    const end = b.length;
    let i = packet.offset + DHCP_OPTIONS_OFFSET;
    for (;;) {
      if (i >= end) {
        throw new WireError("truncated",
          "expected the DHCP End option (255) after the options, found the end of the message");
      }
      const code = b[i];
      if (code === DhcpOption.End) break;
      if (code === DhcpOption.Pad) {
        i++;
        continue;
      }
      if (i + 1 >= end) throw truncated(`the length of DHCP option ${code}`, 1, 0);
      const len = b[i + 1];
      const at = i + 2;
      if (at + len > end) throw truncated(`DHCP option ${code}`, len, end - at);
      if (code === DhcpOption.MessageType) {
        if (len !== 1) throw malformed(`expected DHCP option 53 of 1 byte, found ${len}`);
        repr.messageType = b[at];
      } else {
        readDhcpOption(repr, code, b, at, len);
      }
      i = at + len;
    }
    if (repr.messageType === 0) throw malformed("expected a DHCP message type option (53) from 1 to 8, found none");
    if (repr.messageType > DhcpMessageType.Inform) {
      throw unsupported(`expected a DHCP message type from 1 to 8, found ${repr.messageType}`);
    }
    return repr;
  },
  /**
   * Writes the message into the first `bufferLength(repr)` bytes of the view: header, options (53 first, then
   * as `emitDhcpOptions`, then End) and zero padding. Throws WireError when the buffer is smaller.
   */
  emit(repr: DhcpRepr, packet: DhcpPacket): void {
    const need = DhcpRepr.bufferLength(repr);
    if (packet.length < need) throw noRoom("a DHCP message", need, packet.length);
    const b = packet.bytes;
    const o = packet.offset;
    b.fill(0, o, o + need);
    const t = repr.messageType;
    packet.op = t === DhcpMessageType.Offer || t === DhcpMessageType.Ack || t === DhcpMessageType.Nak ? 2 : 1;
    b[o + 1] = 1;
    b[o + 2] = 6;
    packet.transactionId = repr.transactionId;
    packet.secs = repr.secs;
    packet.flags = repr.broadcast ? 0x8000 : 0;
    packet.clientIp = repr.clientIp;
    packet.yourIp = repr.yourIp;
    packet.serverIp = repr.serverIp;
    packet.relayIp = repr.relayIp;
    packet.clientHardwareAddress = repr.clientHardwareAddress;
    set32(b, o + 236, DHCP_MAGIC_COOKIE);
    let i = o + DHCP_OPTIONS_OFFSET;
    b[i] = DhcpOption.MessageType;
    b[i + 1] = 1;
    b[i + 2] = repr.messageType;
    i += 3;
    i = emitDhcpOptions(repr, b, i);
    b[i] = DhcpOption.End;
  },
  /** Bytes the message takes: 240 + options + End, at least `DHCP_MIN_EMIT_LENGTH`. */
  bufferLength(repr: DhcpRepr): number {
    let n = DHCP_OPTIONS_OFFSET + 3 + 1; // message type, End
    n += dhcpOptionsLength(repr);
    return Math.max(n, DHCP_MIN_EMIT_LENGTH);
  },
};
