// libos/net/wire/tcp.ts — TCP segments (RFC 9293) over IPv4: the TcpPacket view, TcpRepr (header, options and
// payload as plain values), flag bits, the checksum over the IPv4 pseudo-header (or its partial form for a
// device that offloads it), and TcpSegmentReader, which parses received segments into one reused repr. Options
// live in ./tcp_options.ts and sequence arithmetic in ./tcp_seq.ts; both are re-exported here.
// Layer: libos/net/wire. Depends on ./_util.ts, ./checksum.ts, ./tcp_options.ts, ./tcp_seq.ts.

import { badChecksum, get16, get32, malformed, noRoom, set16, set32, truncated } from "./_util.ts";
import { expectedChecksum, finish, onesSum, pseudoHeaderSum } from "./checksum.ts";
import { parseTcpOptions, tcpOptionsLength, type TcpOptions, type TcpTimestamp, writeTcpOptions } from "./tcp_options.ts";

export * from "./tcp_options.ts";
export * from "./tcp_seq.ts";

/** Bytes of a TCP header without options. */
export const TCP_HEADER_LENGTH = 20;
const PROTOCOL_TCP = 6;
const EMPTY = new Uint8Array(0);

/**
 * How `TcpRepr.emit` fills the checksum: "full" computes it over the segment (the default); "partial" writes only
 * the folded pseudo-header sum, for a device that finishes the checksum itself (virtio-net's
 * VIRTIO_NET_HDR_F_NEEDS_CSUM with csum_start at the TCP header and csum_offset 16, as Linux's CHECKSUM_PARTIAL).
 */
export type TcpChecksumMode = "full" | "partial";

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
    const repr: TcpRepr = {
      srcPort: 0, dstPort: 0, seqNumber: 0, ackNumber: 0, flags: 0, windowLen: 0, urgentPointer: 0, maxSegSize: null,
      windowScale: null, sackPermitted: false, sackRanges: null, timestamp: null, payload: EMPTY,
    };
    return parseSegment(packet.bytes, packet.offset, packet.bytes.length, src, dst, verifyChecksum, repr, undefined);
  },
  /**
   * As `parse`, into the existing `into` (every field overwritten; a timestamps option goes into `ts` when given).
   * Returns `into`. Nothing is allocated but the payload view (none for an empty payload).
   */
  parseInto(packet: TcpPacket, src: number, dst: number, into: TcpRepr, verifyChecksum = true,
    ts?: TcpTimestamp): TcpRepr {
    return parseSegment(packet.bytes, packet.offset, packet.bytes.length, src, dst, verifyChecksum, into, ts);
  },
  /**
   * Writes header, options, payload (copied unless it already sits at the payload offset) and the checksum for
   * `src` → `dst` into the first `bufferLength(repr)` bytes of the view. Throws WireError when the buffer is
   * smaller or the options exceed 40 bytes.
   */
  emit(repr: TcpRepr, packet: TcpPacket, src: number, dst: number, checksum: TcpChecksumMode = "full"): void {
    emitSegment(repr, packet.bytes, packet.offset, packet.length, src, dst, checksum);
  },
  /**
   * As `emit`, into `bytes[offset..end)` without a TcpPacket view (what an IP layer that writes straight into a
   * frame calls per segment). Returns the bytes written.
   */
  emitAt(repr: TcpRepr, bytes: Uint8Array, offset: number, end: number, src: number, dst: number,
    checksum: TcpChecksumMode = "full"): number {
    return emitSegment(repr, bytes, offset, end - offset, src, dst, checksum);
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

/** The body of TcpRepr.parse/parseInto and TcpSegmentReader.read: the segment is `b[o..end)`. */
function parseSegment(b: Uint8Array, o: number, end: number, src: number, dst: number, verifyChecksum: boolean,
  into: TcpRepr, ts: TcpTimestamp | undefined): TcpRepr {
  const len = Math.max(0, end - o);
  if (len < TCP_HEADER_LENGTH) throw truncated("a TCP header", TCP_HEADER_LENGTH, len);
  const hl = (b[o + 12] >>> 4) * 4;
  if (hl < TCP_HEADER_LENGTH) throw malformed(`expected a TCP header length of at least 20 bytes, found ${hl}`);
  if (len < hl) throw truncated("a TCP header with options", hl, len);
  const srcPort = get16(b, o);
  const dstPort = get16(b, o + 2);
  if (srcPort === 0 || dstPort === 0) throw malformed(`expected non-zero TCP ports, found ${srcPort} → ${dstPort}`);
  if (verifyChecksum) {
    const sum = segmentSum(b, o, len, src, dst);
    if (sum !== 0xffff) throw badChecksum("TCP", get16(b, o + 16), expectedChecksum(sum, get16(b, o + 16)));
  }
  into.srcPort = srcPort;
  into.dstPort = dstPort;
  into.seqNumber = get32(b, o + 4);
  into.ackNumber = get32(b, o + 8);
  into.flags = ((b[o + 12] & 1) << 8) | b[o + 13];
  into.windowLen = get16(b, o + 14);
  into.urgentPointer = get16(b, o + 18);
  into.payload = len === hl ? EMPTY : b.subarray(o + hl, end);
  parseTcpOptions(b, o + TCP_HEADER_LENGTH, o + hl, into, ts);
  return into;
}

/** The body of TcpRepr.emit/emitAt: writes into `b[o..o+room)`. */
function emitSegment(repr: TcpRepr, b: Uint8Array, o: number, room: number, src: number, dst: number,
  checksum: TcpChecksumMode): number {
  const opts = tcpOptionsLength(repr);
  const headerLength = TCP_HEADER_LENGTH + opts;
  const need = headerLength + repr.payload.length;
  if (room < need) throw noRoom("a TCP segment", need, Math.max(0, room));
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
  if (opts > 0) writeTcpOptions(repr, b, o + TCP_HEADER_LENGTH);
  const at = o + headerLength;
  const p = repr.payload;
  if (p.length > 0 && (p.buffer !== b.buffer || p.byteOffset !== b.byteOffset + at)) b.set(p, at);
  set16(b, o + 16, checksum === "partial" ? pseudoHeaderSum(src, dst, PROTOCOL_TCP, need)
    : finish(segmentSum(b, o, need, src, dst)));
  return need;
}

/**
 * Parses received segments into one reused TcpRepr (and one reused timestamps object): what an IP layer calls
 * per segment instead of `TcpRepr.parse`, so that receiving allocates nothing but the payload view. The repr it
 * returns is valid until the next `read`: whoever keeps a segment (or its timestamps) copies it.
 *
 * @example
 * const reader = new TcpSegmentReader(); const seg = reader.read(ipPayload, ip.src, ip.dst); tcp.receive(seg);
 */
export class TcpSegmentReader {
  /** The repr every `read` overwrites. */
  readonly repr: TcpRepr = {
    srcPort: 0, dstPort: 0, seqNumber: 0, ackNumber: 0, flags: 0, windowLen: 0, urgentPointer: 0, maxSegSize: null,
    windowScale: null, sackPermitted: false, sackRanges: null, timestamp: null, payload: EMPTY,
  };
  private readonly ts: TcpTimestamp = { tsVal: 0, tsEcr: 0 };

  /**
   * The segment that is all of `bytes` (the IP payload exactly), sent from `src` to `dst`. Throws WireError as
   * `TcpRepr.parse`.
   */
  read(bytes: Uint8Array, src: number, dst: number, verifyChecksum = true): TcpRepr {
    return parseSegment(bytes, 0, bytes.length, src, dst, verifyChecksum, this.repr, this.ts);
  }
}
