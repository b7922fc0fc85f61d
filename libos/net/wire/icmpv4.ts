// libos/net/wire/icmpv4.ts — ICMPv4 (RFC 792): the Icmpv4Packet view and Icmpv4Repr for echo request/reply,
// destination unreachable and time exceeded (the last two quote the offending IPv4 header and at least 8 bytes
// of its payload). Layer: libos/net/wire. Depends on ./_util.ts, ./checksum.ts, ./ipv4.ts.

import { badChecksum, get16, get32, noRoom, set16, set32, truncated, unsupported } from "./_util.ts";
import { expectedChecksum, internetChecksum, onesSum } from "./checksum.ts";
import { IPV4_HEADER_LENGTH, Ipv4Packet, Ipv4Repr } from "./ipv4.ts";

/** Bytes of the ICMPv4 header (type, code, checksum, 4 bytes of rest-of-header). */
export const ICMPV4_HEADER_LENGTH = 8;

/** ICMPv4 message types handled here. */
export const Icmpv4Type = {
  /** Echo reply. */
  EchoReply: 0,
  /** Destination unreachable. */
  DstUnreachable: 3,
  /** Echo request. */
  EchoRequest: 8,
  /** Time exceeded. */
  TimeExceeded: 11,
} as const;

/** Codes of destination unreachable messages. */
export const Icmpv4DstUnreachable = {
  /** Network unreachable. */
  NetUnreachable: 0,
  /** Host unreachable. */
  HostUnreachable: 1,
  /** Protocol unreachable. */
  ProtoUnreachable: 2,
  /** Port unreachable. */
  PortUnreachable: 3,
  /** Fragmentation needed and DF set (carries the next-hop MTU). */
  FragRequired: 4,
} as const;

/** Codes of time exceeded messages. */
export const Icmpv4TimeExceeded = {
  /** TTL expired in transit. */
  TtlExpired: 0,
  /** Fragment reassembly time exceeded. */
  FragExpired: 1,
} as const;

/**
 * A view of an ICMPv4 message in `bytes` from `offset` to the end of `bytes` (pass the IP payload exactly, as the
 * checksum covers all of it). `checkLen()` validates the 8-byte header; accessors then never throw.
 */
export class Icmpv4Packet {
  /** The underlying buffer (not copied). */
  readonly bytes: Uint8Array;
  /** Where the message starts in `bytes`. */
  readonly offset: number;

  /** Wraps `bytes` without validating; see `check`. */
  constructor(bytes: Uint8Array, offset = 0) {
    this.bytes = bytes;
    this.offset = offset;
  }

  /** Wraps and validates: throws WireError ("truncated") when shorter than 8 bytes. */
  static check(bytes: Uint8Array, offset = 0): Icmpv4Packet {
    const p = new Icmpv4Packet(bytes, offset);
    p.checkLen();
    return p;
  }

  /** Throws WireError unless the 8-byte header is present. */
  checkLen(): void {
    if (this.length < ICMPV4_HEADER_LENGTH) throw truncated("an ICMPv4 header", ICMPV4_HEADER_LENGTH, this.length);
  }

  /** Bytes from `offset` to the end of the buffer. */
  get length(): number {
    return Math.max(0, this.bytes.length - this.offset);
  }
  /** Message type (see `Icmpv4Type`). */
  get msgType(): number {
    return this.bytes[this.offset];
  }
  /** Message code. */
  get msgCode(): number {
    return this.bytes[this.offset + 1];
  }
  /** Checksum as on the wire. */
  get checksum(): number {
    return get16(this.bytes, this.offset + 2);
  }
  /** The 4 rest-of-header bytes as a 32-bit number. */
  get restOfHeader(): number {
    return get32(this.bytes, this.offset + 4);
  }
  /** Echo identifier. */
  get echoIdent(): number {
    return get16(this.bytes, this.offset + 4);
  }
  /** Echo sequence number. */
  get echoSeqNo(): number {
    return get16(this.bytes, this.offset + 6);
  }
  /** Next-hop MTU of a "fragmentation needed" message (RFC 1191). */
  get nextHopMtu(): number {
    return get16(this.bytes, this.offset + 6);
  }
  /** The data after the header (a subarray, not a copy). */
  get data(): Uint8Array {
    return this.bytes.subarray(this.offset + ICMPV4_HEADER_LENGTH);
  }
  /** True when the checksum over the whole message verifies. */
  verifyChecksum(): boolean {
    return onesSum(this.bytes, this.offset) === 0xffff;
  }

  set msgType(v: number) {
    this.bytes[this.offset] = v;
  }
  set msgCode(v: number) {
    this.bytes[this.offset + 1] = v;
  }
  set checksum(v: number) {
    set16(this.bytes, this.offset + 2, v);
  }
  set restOfHeader(v: number) {
    set32(this.bytes, this.offset + 4, v);
  }
  set echoIdent(v: number) {
    set16(this.bytes, this.offset + 4, v);
  }
  set echoSeqNo(v: number) {
    set16(this.bytes, this.offset + 6, v);
  }
  set nextHopMtu(v: number) {
    set16(this.bytes, this.offset + 6, v);
  }
  /** Computes and writes the checksum over the whole message (offset to the end of the buffer). */
  fillChecksum(): void {
    this.checksum = 0;
    this.checksum = internetChecksum(this.bytes, this.offset);
  }
}

/** An echo request or reply. `data` is a subarray of the parsed buffer (copy what you keep). */
export interface Icmpv4Echo {
  /** "echoRequest" or "echoReply". */
  type: "echoRequest" | "echoReply";
  /** Identifier. */
  ident: number;
  /** Sequence number. */
  seqNo: number;
  /** Echo data. */
  data: Uint8Array;
}

/** A destination unreachable or time exceeded error, quoting the offending packet's header and leading data. */
export interface Icmpv4Error {
  /** "dstUnreachable" or "timeExceeded". */
  type: "dstUnreachable" | "timeExceeded";
  /** Code (see `Icmpv4DstUnreachable`, `Icmpv4TimeExceeded`). */
  code: number;
  /** Next-hop MTU for `FragRequired`, else 0. */
  nextHopMtu: number;
  /** The quoted IPv4 header (options dropped). */
  header: Ipv4Repr;
  /** The quoted bytes after that header: at least 8 (the transport ports live there). */
  data: Uint8Array;
}

/** An ICMPv4 message as plain values. */
export type Icmpv4Repr = Icmpv4Echo | Icmpv4Error;

/** Parse, emit and size ICMPv4 messages. */
export const Icmpv4Repr = {
  /**
   * Reads a message. Throws WireError: "truncated" under 8 bytes or for a quote shorter than an IPv4 header plus
   * 8 bytes, "checksum" when `verifyChecksum` and the checksum is wrong, "malformed" for a bad quoted header,
   * "unsupported" for other types or codes.
   */
  parse(packet: Icmpv4Packet, verifyChecksum = true): Icmpv4Repr {
    packet.checkLen();
    if (verifyChecksum && !packet.verifyChecksum()) {
      const sum = onesSum(packet.bytes, packet.offset);
      throw badChecksum("ICMPv4", packet.checksum, expectedChecksum(sum, packet.checksum));
    }
    const type = packet.msgType;
    const code = packet.msgCode;
    if (type === Icmpv4Type.EchoRequest || type === Icmpv4Type.EchoReply) {
      if (code !== 0) throw unsupported(`expected code 0 for an ICMPv4 echo message, found ${code}`);
      return {
        type: type === Icmpv4Type.EchoRequest ? "echoRequest" : "echoReply",
        ident: packet.echoIdent,
        seqNo: packet.echoSeqNo,
        data: packet.data,
      };
    }
    if (type === Icmpv4Type.DstUnreachable || type === Icmpv4Type.TimeExceeded) {
      const unreachable = type === Icmpv4Type.DstUnreachable;
      if (code > (unreachable ? 15 : 1)) {
        throw unsupported(`expected a known code for ICMPv4 type ${type}, found ${code}`);
      }
      const quote = new Ipv4Packet(packet.bytes, packet.offset + ICMPV4_HEADER_LENGTH);
      const header = Ipv4Repr.parseQuoted(quote);
      const dataStart = quote.offset + quote.headerLength;
      const found = packet.bytes.length - dataStart;
      if (found < 8) throw truncated("the 8 quoted bytes after the IPv4 header in an ICMPv4 error", 8, found);
      return {
        type: unreachable ? "dstUnreachable" : "timeExceeded",
        code,
        nextHopMtu: unreachable && code === Icmpv4DstUnreachable.FragRequired ? packet.nextHopMtu : 0,
        header,
        data: packet.bytes.subarray(dataStart),
      };
    }
    throw unsupported(`expected ICMPv4 type 0, 3, 8 or 11, found ${type}`);
  },
  /**
   * Writes the whole message (header, quoted header or echo data) and its checksum into the first
   * `bufferLength(repr)` bytes of the view. Throws WireError ("truncated") when the buffer is smaller.
   */
  emit(repr: Icmpv4Repr, packet: Icmpv4Packet): void {
    const need = Icmpv4Repr.bufferLength(repr);
    if (packet.length < need) throw noRoom("an ICMPv4 message", need, packet.length);
    const b = packet.bytes;
    const o = packet.offset;
    if (isEcho(repr)) {
      packet.msgType = repr.type === "echoRequest" ? Icmpv4Type.EchoRequest : Icmpv4Type.EchoReply;
      packet.msgCode = 0;
      packet.echoIdent = repr.ident;
      packet.echoSeqNo = repr.seqNo;
      b.set(repr.data, o + ICMPV4_HEADER_LENGTH);
    } else {
      packet.msgType = repr.type === "dstUnreachable" ? Icmpv4Type.DstUnreachable : Icmpv4Type.TimeExceeded;
      packet.msgCode = repr.code;
      packet.restOfHeader = repr.type === "dstUnreachable" ? repr.nextHopMtu & 0xffff : 0;
      Ipv4Repr.emit(repr.header, new Ipv4Packet(b, o + ICMPV4_HEADER_LENGTH));
      b.set(repr.data, o + ICMPV4_HEADER_LENGTH + IPV4_HEADER_LENGTH);
    }
    packet.checksum = 0;
    packet.checksum = internetChecksum(b, o, o + need);
  },
  /** Bytes the message takes: 8 + data for echoes, 8 + 20 + data for errors. */
  bufferLength(repr: Icmpv4Repr): number {
    const quoted = isEcho(repr) ? 0 : IPV4_HEADER_LENGTH;
    return ICMPV4_HEADER_LENGTH + quoted + repr.data.length;
  },
};

function isEcho(repr: Icmpv4Repr): repr is Icmpv4Echo {
  return repr.type === "echoRequest" || repr.type === "echoReply";
}
