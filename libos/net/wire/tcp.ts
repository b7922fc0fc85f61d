// libos/net/wire/tcp.ts — TCP segments (RFC 9293) over IPv4: the TcpPacket view, TcpRepr (header, options and
// payload as plain values), flag bits and the checksum over the IPv4 pseudo-header. Options live in
// ./tcp_options.ts and sequence arithmetic in ./tcp_seq.ts; both are re-exported here.
// Layer: libos/net/wire. Depends on ./_util.ts, ./checksum.ts, ./tcp_options.ts, ./tcp_seq.ts.

import { badChecksum, get16, get32, malformed, noRoom, set16, set32, truncated } from "./_util.ts";
import { expectedChecksum, finish, onesSum, pseudoHeaderSum } from "./checksum.ts";
import { emitTcpOptions, parseTcpOptions, tcpOptionsLength, type TcpOptions } from "./tcp_options.ts";

export * from "./tcp_options.ts";
export * from "./tcp_seq.ts";

/** Bytes of a TCP header without options. */
export const TCP_HEADER_LENGTH = 20;
const PROTOCOL_TCP = 6;

/** TCP flag bits, as in `TcpPacket.flags` and `TcpRepr.flags`. */
export const TcpFlags = {
  /** No more data from sender. */
  FIN: 0x001,
  /** Synchronise sequence numbers. */
  SYN: 0x002,
  /** Reset the connection. */
  RST: 0x004,
  /** Push. */
  PSH: 0x008,
  /** The acknowledgment number is significant. */
  ACK: 0x010,
  /** The urgent pointer is significant. */
  URG: 0x020,
  /** ECN echo. */
  ECE: 0x040,
  /** Congestion window reduced. */
  CWR: 0x080,
  /** ECN nonce (RFC 3540, historic). */
  NS: 0x100,
} as const;

/**
 * A view of a TCP segment in `bytes` from `offset` to the end of `bytes` (pass the IP payload exactly: the
 * checksum covers all of it). `checkLen()` validates the header and its options; accessors then never throw.
 */
export class TcpPacket {
  /** The underlying buffer (not copied). */
  readonly bytes: Uint8Array;
  /** Where the segment starts in `bytes`. */
  readonly offset: number;

  /** Wraps `bytes` without validating; see `check`. */
  constructor(bytes: Uint8Array, offset = 0) {
    this.bytes = bytes;
    this.offset = offset;
  }

  /** Wraps and validates (see `checkLen`). */
  static check(bytes: Uint8Array, offset = 0): TcpPacket {
    const p = new TcpPacket(bytes, offset);
    p.checkLen();
    return p;
  }

  /** Throws WireError: "truncated" under 20 bytes or the header length, "malformed" for a data offset under 5. */
  checkLen(): void {
    const len = this.length;
    if (len < TCP_HEADER_LENGTH) throw truncated("a TCP header", TCP_HEADER_LENGTH, len);
    const hl = this.headerLength;
    if (hl < TCP_HEADER_LENGTH) throw malformed(`expected a TCP header length of at least 20 bytes, found ${hl}`);
    if (len < hl) throw truncated("a TCP header with options", hl, len);
  }

  /** Bytes from `offset` to the end of the buffer. */
  get length(): number {
    return Math.max(0, this.bytes.length - this.offset);
  }
  /** Source port. */
  get srcPort(): number {
    return get16(this.bytes, this.offset);
  }
  /** Destination port. */
  get dstPort(): number {
    return get16(this.bytes, this.offset + 2);
  }
  /** Sequence number. */
  get seqNumber(): number {
    return get32(this.bytes, this.offset + 4);
  }
  /** Acknowledgment number (significant with ACK). */
  get ackNumber(): number {
    return get32(this.bytes, this.offset + 8);
  }
  /** Header length in bytes (data offset × 4). */
  get headerLength(): number {
    return (this.bytes[this.offset + 12] >>> 4) * 4;
  }
  /** The 9 flag bits (see `TcpFlags`). */
  get flags(): number {
    return ((this.bytes[this.offset + 12] & 1) << 8) | this.bytes[this.offset + 13];
  }
  /** FIN flag. */
  get fin(): boolean {
    return (this.bytes[this.offset + 13] & TcpFlags.FIN) !== 0;
  }
  /** SYN flag. */
  get syn(): boolean {
    return (this.bytes[this.offset + 13] & TcpFlags.SYN) !== 0;
  }
  /** RST flag. */
  get rst(): boolean {
    return (this.bytes[this.offset + 13] & TcpFlags.RST) !== 0;
  }
  /** PSH flag. */
  get psh(): boolean {
    return (this.bytes[this.offset + 13] & TcpFlags.PSH) !== 0;
  }
  /** ACK flag. */
  get ack(): boolean {
    return (this.bytes[this.offset + 13] & TcpFlags.ACK) !== 0;
  }
  /** URG flag. */
  get urg(): boolean {
    return (this.bytes[this.offset + 13] & TcpFlags.URG) !== 0;
  }
  /** ECE flag. */
  get ece(): boolean {
    return (this.bytes[this.offset + 13] & TcpFlags.ECE) !== 0;
  }
  /** CWR flag. */
  get cwr(): boolean {
    return (this.bytes[this.offset + 13] & TcpFlags.CWR) !== 0;
  }
  /** Window field (unscaled). */
  get windowLen(): number {
    return get16(this.bytes, this.offset + 14);
  }
  /** Checksum as on the wire. */
  get checksum(): number {
    return get16(this.bytes, this.offset + 16);
  }
  /** Urgent pointer. */
  get urgentPointer(): number {
    return get16(this.bytes, this.offset + 18);
  }
  /** The options bytes (a subarray). */
  get options(): Uint8Array {
    return this.bytes.subarray(this.offset + TCP_HEADER_LENGTH, this.offset + this.headerLength);
  }
  /** Offset of the payload in `bytes`. */
  get payloadOffset(): number {
    return this.offset + this.headerLength;
  }
  /** The payload (a subarray, not a copy). */
  get payload(): Uint8Array {
    return this.bytes.subarray(this.offset + this.headerLength);
  }
  /** Sequence space the segment occupies: payload bytes plus one each for SYN and FIN. */
  get segmentLength(): number {
    return this.length - this.headerLength + (this.syn ? 1 : 0) + (this.fin ? 1 : 0);
  }
  /** True when the checksum verifies against the pseudo-header of `src` → `dst`. */
  verifyChecksum(src: number, dst: number): boolean {
    return segmentSum(this.bytes, this.offset, this.length, src, dst) === 0xffff;
  }

  set srcPort(v: number) {
    set16(this.bytes, this.offset, v);
  }
  set dstPort(v: number) {
    set16(this.bytes, this.offset + 2, v);
  }
  set seqNumber(v: number) {
    set32(this.bytes, this.offset + 4, v);
  }
  set ackNumber(v: number) {
    set32(this.bytes, this.offset + 8, v);
  }
  set headerLength(bytes: number) {
    const o = this.offset + 12;
    this.bytes[o] = (((bytes >>> 2) & 0x0f) << 4) | (this.bytes[o] & 0x0f);
  }
  set flags(v: number) {
    const o = this.offset + 12;
    this.bytes[o] = (this.bytes[o] & 0xf0) | ((v >>> 8) & 1);
    this.bytes[o + 1] = v;
  }
  set windowLen(v: number) {
    set16(this.bytes, this.offset + 14, v);
  }
  set checksum(v: number) {
    set16(this.bytes, this.offset + 16, v);
  }
  set urgentPointer(v: number) {
    set16(this.bytes, this.offset + 18, v);
  }
  /** Computes and writes the checksum over the whole segment (offset to the end of the buffer). */
  fillChecksum(src: number, dst: number): void {
    this.checksum = 0;
    this.checksum = finish(segmentSum(this.bytes, this.offset, this.length, src, dst));
  }
}

function segmentSum(b: Uint8Array, o: number, len: number, src: number, dst: number): number {
  return onesSum(b, o, o + len, pseudoHeaderSum(src, dst, PROTOCOL_TCP, len));
}

/** A TCP segment as plain values. `payload` is a subarray of the parsed buffer (copy what you keep). */
export interface TcpRepr extends TcpOptions {
  /** Source port (never 0). */
  srcPort: number;
  /** Destination port (never 0). */
  dstPort: number;
  /** Sequence number. */
  seqNumber: number;
  /** Acknowledgment number as on the wire (significant with ACK; 0 otherwise by convention). */
  ackNumber: number;
  /** Flag bits (see `TcpFlags`). */
  flags: number;
  /** Window field (unscaled). */
  windowLen: number;
  /** Urgent pointer. */
  urgentPointer: number;
  /** The payload. */
  payload: Uint8Array;
}

/** Parse, emit and size TCP segments. */
export const TcpRepr = {
  /**
   * Reads a segment sent from `src` to `dst` (IPv4 addresses, for the pseudo-header). Throws WireError: as
   * `checkLen`; "malformed" for a zero port or bad options; "checksum" when `verifyChecksum` and it is wrong.
   */
  parse(packet: TcpPacket, src: number, dst: number, verifyChecksum = true): TcpRepr {
    packet.checkLen();
    if (packet.srcPort === 0 || packet.dstPort === 0) {
      throw malformed(`expected non-zero TCP ports, found ${packet.srcPort} → ${packet.dstPort}`);
    }
    if (verifyChecksum && !packet.verifyChecksum(src, dst)) {
      const sum = segmentSum(packet.bytes, packet.offset, packet.length, src, dst);
      throw badChecksum("TCP", packet.checksum, expectedChecksum(sum, packet.checksum));
    }
    const repr: TcpRepr = {
      srcPort: packet.srcPort,
      dstPort: packet.dstPort,
      seqNumber: packet.seqNumber,
      ackNumber: packet.ackNumber,
      flags: packet.flags,
      windowLen: packet.windowLen,
      urgentPointer: packet.urgentPointer,
      maxSegSize: null,
      windowScale: null,
      sackPermitted: false,
      sackRanges: null,
      timestamp: null,
      payload: packet.payload,
    };
    parseTcpOptions(packet.bytes, packet.offset + TCP_HEADER_LENGTH, packet.offset + packet.headerLength, repr);
    return repr;
  },
  /**
   * Writes header, options, payload (copied unless it already sits at the payload offset) and the checksum for
   * `src` → `dst` into the first `bufferLength(repr)` bytes of the view. Throws WireError when the buffer is
   * smaller or the options exceed 40 bytes.
   */
  emit(repr: TcpRepr, packet: TcpPacket, src: number, dst: number): void {
    const headerLength = TCP_HEADER_LENGTH + tcpOptionsLength(repr);
    const need = headerLength + repr.payload.length;
    if (packet.length < need) throw noRoom("a TCP segment", need, packet.length);
    const b = packet.bytes;
    const o = packet.offset;
    // The fixed header written directly (the packet's setters, inlined: this runs for every segment sent).
    set16(b, o, repr.srcPort);
    set16(b, o + 2, repr.dstPort);
    set32(b, o + 4, repr.seqNumber);
    set32(b, o + 8, repr.ackNumber);
    b[o + 12] = ((headerLength >>> 2) << 4) | ((repr.flags >>> 8) & 1);
    b[o + 13] = repr.flags;
    set16(b, o + 14, repr.windowLen);
    b[o + 16] = 0;
    b[o + 17] = 0;
    set16(b, o + 18, repr.urgentPointer);
    if (headerLength > TCP_HEADER_LENGTH) emitTcpOptions(repr, b, o + TCP_HEADER_LENGTH);
    const at = o + headerLength;
    if (repr.payload.buffer !== b.buffer || repr.payload.byteOffset !== b.byteOffset + at) b.set(repr.payload, at);
    set16(b, o + 16, finish(segmentSum(b, o, need, src, dst)));
  },
  /** Bytes the segment takes: 20 + options + payload. */
  bufferLength(repr: TcpRepr): number {
    return TCP_HEADER_LENGTH + tcpOptionsLength(repr) + repr.payload.length;
  },
  /** Sequence space the segment occupies: payload bytes plus one each for SYN and FIN. */
  segmentLength(repr: TcpRepr): number {
    return repr.payload.length + (repr.flags & TcpFlags.SYN ? 1 : 0) + (repr.flags & TcpFlags.FIN ? 1 : 0);
  },
};
