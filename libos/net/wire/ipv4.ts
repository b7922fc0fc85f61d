// libos/net/wire/ipv4.ts — IPv4 headers (RFC 791): the Ipv4Packet view (options exposed as bytes), Ipv4Repr
// (options skipped on parse, none emitted), header checksum, and protocol numbers. Address helpers live in
// ./ipv4_address.ts and are re-exported here. Layer: libos/net/wire. Depends on ./_util.ts, ./checksum.ts,
// ./ipv4_address.ts.

import { badChecksum, get16, get32, malformed, noRoom, set16, set32, truncated } from "./_util.ts";
import { expectedChecksum, finish, internetChecksum, onesSum } from "./checksum.ts";

export * from "./ipv4_address.ts";

/** Bytes of an IPv4 header without options. */
export const IPV4_HEADER_LENGTH = 20;

/** IP protocol numbers of the payloads the stack knows. */
export const IpProtocol = {
  /** Internet Control Message Protocol. */
  ICMP: 1,
  /** Internet Group Management Protocol. */
  IGMP: 2,
  /** Transmission Control Protocol. */
  TCP: 6,
  /** User Datagram Protocol. */
  UDP: 17,
} as const;

/**
 * A view of an IPv4 packet in `bytes` from `offset`. `checkLen()` (or `Ipv4Packet.check`) validates that the
 * header, its options and `totalLength` bytes are present; accessors then never throw. Bytes after
 * `totalLength` (Ethernet padding) are ignored by `payload`.
 */
export class Ipv4Packet {
  /** The underlying buffer (not copied). */
  readonly bytes: Uint8Array;
  /** Where the packet starts in `bytes`. */
  readonly offset: number;

  /** Wraps `bytes` without validating; see `check`. */
  constructor(bytes: Uint8Array, offset = 0) {
    this.bytes = bytes;
    this.offset = offset;
  }

  /** Wraps and validates (see `checkLen`). */
  static check(bytes: Uint8Array, offset = 0): Ipv4Packet {
    const p = new Ipv4Packet(bytes, offset);
    p.checkLen();
    return p;
  }

  /**
   * Throws WireError: "truncated" when the buffer is shorter than 20 bytes, the header length or the total
   * length; "malformed" when IHL < 5 or the total length is smaller than the header.
   */
  checkLen(): void {
    const len = this.length;
    if (len < IPV4_HEADER_LENGTH) throw truncated("an IPv4 header", IPV4_HEADER_LENGTH, len);
    const hl = this.headerLength;
    if (hl < IPV4_HEADER_LENGTH) throw malformed(`expected an IPv4 header length of at least 20 bytes, found ${hl}`);
    if (len < hl) throw truncated("an IPv4 header with options", hl, len);
    const total = this.totalLength;
    if (total < hl) {
      throw malformed(`expected an IPv4 total length of at least the header length ${hl}, found ${total}`);
    }
    if (len < total) throw truncated("an IPv4 packet of the stated total length", total, len);
  }

  /** Bytes from `offset` to the end of the buffer. */
  get length(): number {
    return Math.max(0, this.bytes.length - this.offset);
  }
  /** Version (4). */
  get version(): number {
    return this.bytes[this.offset] >>> 4;
  }
  /** Header length in bytes (IHL × 4). */
  get headerLength(): number {
    return (this.bytes[this.offset] & 0x0f) * 4;
  }
  /** Differentiated services code point (6 bits). */
  get dscp(): number {
    return this.bytes[this.offset + 1] >>> 2;
  }
  /** Explicit congestion notification (2 bits). */
  get ecn(): number {
    return this.bytes[this.offset + 1] & 3;
  }
  /** Total length of header and payload. */
  get totalLength(): number {
    return get16(this.bytes, this.offset + 2);
  }
  /** Identification. */
  get ident(): number {
    return get16(this.bytes, this.offset + 4);
  }
  /** Don't Fragment flag. */
  get dontFrag(): boolean {
    return (this.bytes[this.offset + 6] & 0x40) !== 0;
  }
  /** More Fragments flag. */
  get moreFrags(): boolean {
    return (this.bytes[this.offset + 6] & 0x20) !== 0;
  }
  /** Fragment offset in bytes (the field × 8). */
  get fragOffset(): number {
    return (get16(this.bytes, this.offset + 6) & 0x1fff) * 8;
  }
  /** Time to live. */
  get ttl(): number {
    return this.bytes[this.offset + 8];
  }
  /** Protocol of the payload (see `IpProtocol`). */
  get protocol(): number {
    return this.bytes[this.offset + 9];
  }
  /** Header checksum as on the wire. */
  get checksum(): number {
    return get16(this.bytes, this.offset + 10);
  }
  /** Source address. */
  get src(): number {
    return get32(this.bytes, this.offset + 12);
  }
  /** Destination address. */
  get dst(): number {
    return get32(this.bytes, this.offset + 16);
  }
  /** The options bytes (a subarray; empty when IHL is 5). */
  get options(): Uint8Array {
    return this.bytes.subarray(this.offset + IPV4_HEADER_LENGTH, this.offset + this.headerLength);
  }
  /** Offset of the payload in `bytes`. */
  get payloadOffset(): number {
    return this.offset + this.headerLength;
  }
  /** The payload up to `totalLength` (a subarray, not a copy). */
  get payload(): Uint8Array {
    return this.bytes.subarray(this.offset + this.headerLength, this.offset + this.totalLength);
  }
  /** True when the header checksum verifies. */
  verifyChecksum(): boolean {
    return onesSum(this.bytes, this.offset, this.offset + this.headerLength) === 0xffff;
  }

  set version(v: number) {
    this.bytes[this.offset] = (v << 4) | (this.bytes[this.offset] & 0x0f);
  }
  set headerLength(bytes: number) {
    this.bytes[this.offset] = (this.bytes[this.offset] & 0xf0) | ((bytes >>> 2) & 0x0f);
  }
  set dscp(v: number) {
    this.bytes[this.offset + 1] = (v << 2) | (this.bytes[this.offset + 1] & 3);
  }
  set ecn(v: number) {
    this.bytes[this.offset + 1] = (this.bytes[this.offset + 1] & 0xfc) | (v & 3);
  }
  set totalLength(v: number) {
    set16(this.bytes, this.offset + 2, v);
  }
  set ident(v: number) {
    set16(this.bytes, this.offset + 4, v);
  }
  set dontFrag(v: boolean) {
    this.bytes[this.offset + 6] = v ? this.bytes[this.offset + 6] | 0x40 : this.bytes[this.offset + 6] & ~0x40;
  }
  set moreFrags(v: boolean) {
    this.bytes[this.offset + 6] = v ? this.bytes[this.offset + 6] | 0x20 : this.bytes[this.offset + 6] & ~0x20;
  }
  set fragOffset(bytes: number) {
    const o = this.offset + 6;
    set16(this.bytes, o, (get16(this.bytes, o) & 0xe000) | ((bytes >>> 3) & 0x1fff));
  }
  set ttl(v: number) {
    this.bytes[this.offset + 8] = v;
  }
  set protocol(v: number) {
    this.bytes[this.offset + 9] = v;
  }
  set checksum(v: number) {
    set16(this.bytes, this.offset + 10, v);
  }
  set src(addr: number) {
    set32(this.bytes, this.offset + 12, addr);
  }
  set dst(addr: number) {
    set32(this.bytes, this.offset + 16, addr);
  }
  /** Computes and writes the header checksum. */
  fillChecksum(): void {
    this.checksum = 0;
    this.checksum = internetChecksum(this.bytes, this.offset, this.offset + this.headerLength);
  }
}

/** An IPv4 header as plain values (options are not represented). */
export interface Ipv4Repr {
  /** Source address. */
  src: number;
  /** Destination address. */
  dst: number;
  /** Protocol of the payload (see `IpProtocol`). */
  protocol: number;
  /** Payload bytes (total length minus header length). */
  payloadLength: number;
  /** Time to live. */
  ttl: number;
  /** Differentiated services code point. */
  dscp: number;
  /** Explicit congestion notification. */
  ecn: number;
  /** Identification. */
  ident: number;
  /** Don't Fragment. */
  dontFrag: boolean;
  /** More Fragments. */
  moreFrags: boolean;
  /** Fragment offset in bytes (a multiple of 8). */
  fragOffset: number;
}

/** Parse, emit and size IPv4 headers. */
export const Ipv4Repr = {
  /**
   * Reads the header of a whole packet, skipping options. Throws WireError: as `checkLen`, "malformed" for a
   * version other than 4, "checksum" when `verifyChecksum` and the header checksum is wrong.
   */
  parse(packet: Ipv4Packet, verifyChecksum = true): Ipv4Repr {
    packet.checkLen();
    checkVersion(packet);
    if (verifyChecksum && !packet.verifyChecksum()) {
      const sum = onesSum(packet.bytes, packet.offset, packet.offset + packet.headerLength);
      throw badChecksum("IPv4 header", packet.checksum, expectedChecksum(sum, packet.checksum));
    }
    return read(packet);
  },
  /**
   * Reads an IPv4 header quoted in an ICMP error: only the header itself must be present (the quoted packet is
   * cut short, so `totalLength` is not checked against the buffer) and the checksum is not verified.
   */
  parseQuoted(packet: Ipv4Packet): Ipv4Repr {
    const len = packet.length;
    if (len < IPV4_HEADER_LENGTH) throw truncated("a quoted IPv4 header", IPV4_HEADER_LENGTH, len);
    const hl = packet.headerLength;
    if (hl < IPV4_HEADER_LENGTH) throw malformed(`expected an IPv4 header length of at least 20 bytes, found ${hl}`);
    if (len < hl) throw truncated("a quoted IPv4 header with options", hl, len);
    if (packet.totalLength < hl) {
      throw malformed(`expected an IPv4 total length of at least the header length ${hl}, found ${packet.totalLength}`);
    }
    checkVersion(packet);
    return read(packet);
  },
  /**
   * Writes a 20-byte header (no options) with `totalLength` = 20 + `payloadLength` and a fresh checksum; the
   * caller writes the payload at `packet.offset + 20`. Throws WireError when the buffer is under 20 bytes or the
   * payload length does not fit the 16-bit total length.
   */
  emit(repr: Ipv4Repr, packet: Ipv4Packet): void {
    if (packet.length < IPV4_HEADER_LENGTH) throw noRoom("an IPv4 header", IPV4_HEADER_LENGTH, packet.length);
    emitHeader(repr, packet.bytes, packet.offset);
  },
  /**
   * As `emit`, into `bytes` at `offset` without an Ipv4Packet view (an IP layer writing straight into a frame).
   * Throws WireError when fewer than 20 bytes are there or the payload length does not fit.
   */
  emitAt(repr: Ipv4Repr, bytes: Uint8Array, offset: number): void {
    if (bytes.length - offset < IPV4_HEADER_LENGTH) throw noRoom("an IPv4 header", IPV4_HEADER_LENGTH, bytes.length - offset);
    emitHeader(repr, bytes, offset);
  },
  /** Bytes the header takes (20); the payload comes on top. */
  bufferLength(_repr: Ipv4Repr): number {
    return IPV4_HEADER_LENGTH;
  },
};

/**
 * Parses received IPv4 headers into one reused Ipv4Repr, with exactly the checks and errors of
 * `Ipv4Repr.parse(Ipv4Packet.check(...))` but no view or repr allocated per datagram: what an IP layer calls per
 * frame. The repr (and `headerLength`) are valid until the next `read`.
 *
 * @example
 * const reader = new Ipv4HeaderReader(); const ip = reader.read(frame, 14, frame.length);
 * const payload = frame.subarray(14 + reader.headerLength, 14 + reader.headerLength + ip.payloadLength);
 */
export class Ipv4HeaderReader {
  /** The repr every `read` overwrites. */
  readonly repr: Ipv4Repr = {
    src: 0, dst: 0, protocol: 0, payloadLength: 0, ttl: 0, dscp: 0, ecn: 0, ident: 0, dontFrag: false, moreFrags: false,
    fragOffset: 0,
  };
  /** Header length (options included) of the datagram last read. */
  headerLength = IPV4_HEADER_LENGTH;

  /** Reads the datagram in `b[o..end)`. Throws WireError as `Ipv4Packet.checkLen` and `Ipv4Repr.parse`. */
  read(b: Uint8Array, o: number, end: number, verifyChecksum = true): Ipv4Repr {
    const len = Math.max(0, end - o);
    if (len < IPV4_HEADER_LENGTH) throw truncated("an IPv4 header", IPV4_HEADER_LENGTH, len);
    const hl = (b[o] & 0x0f) * 4;
    if (hl < IPV4_HEADER_LENGTH) throw malformed(`expected an IPv4 header length of at least 20 bytes, found ${hl}`);
    if (len < hl) throw truncated("an IPv4 header with options", hl, len);
    const total = get16(b, o + 2);
    if (total < hl) throw malformed(`expected an IPv4 total length of at least the header length ${hl}, found ${total}`);
    if (len < total) throw truncated("an IPv4 packet of the stated total length", total, len);
    if (b[o] >>> 4 !== 4) throw malformed(`expected IP version 4, found ${b[o] >>> 4}`);
    if (verifyChecksum) {
      const sum = onesSum(b, o, o + hl);
      if (sum !== 0xffff) throw badChecksum("IPv4 header", get16(b, o + 10), expectedChecksum(sum, get16(b, o + 10)));
    }
    const r = this.repr;
    r.src = get32(b, o + 12);
    r.dst = get32(b, o + 16);
    r.protocol = b[o + 9];
    r.payloadLength = total - hl;
    r.ttl = b[o + 8];
    r.dscp = b[o + 1] >>> 2;
    r.ecn = b[o + 1] & 3;
    r.ident = get16(b, o + 4);
    r.dontFrag = (b[o + 6] & 0x40) !== 0;
    r.moreFrags = (b[o + 6] & 0x20) !== 0;
    r.fragOffset = (get16(b, o + 6) & 0x1fff) * 8;
    this.headerLength = hl;
    return r;
  }
}

function emitHeader(repr: Ipv4Repr, b: Uint8Array, o: number): void {
  if (!(repr.payloadLength >= 0 && repr.payloadLength <= 0xffff - IPV4_HEADER_LENGTH)) {
    throw malformed(`expected an IPv4 payload length from 0 to 65515, found ${repr.payloadLength}`);
  }
  const tos = ((repr.dscp & 0x3f) << 2) | (repr.ecn & 3);
  const total = IPV4_HEADER_LENGTH + repr.payloadLength;
  const ident = repr.ident & 0xffff;
  const frag = (repr.dontFrag ? 0x4000 : 0) | (repr.moreFrags ? 0x2000 : 0) | ((repr.fragOffset >>> 3) & 0x1fff);
  const ttlProto = ((repr.ttl & 0xff) << 8) | (repr.protocol & 0xff);
  const src = repr.src >>> 0, dst = repr.dst >>> 0;
  b[o] = 0x45;
  b[o + 1] = tos;
  set16(b, o + 2, total);
  set16(b, o + 4, ident);
  set16(b, o + 6, frag);
  set16(b, o + 8, ttlProto);
  set32(b, o + 12, src);
  set32(b, o + 16, dst);
  // The header checksum from the fields themselves: ten 16-bit words, no second pass over the bytes.
  const sum = (0x4500 | tos) + total + ident + frag + ttlProto + (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff);
  set16(b, o + 10, finish(sum));
}

function checkVersion(packet: Ipv4Packet): void {
  if (packet.version !== 4) throw malformed(`expected IP version 4, found ${packet.version}`);
}

function read(packet: Ipv4Packet): Ipv4Repr {
  return {
    src: packet.src,
    dst: packet.dst,
    protocol: packet.protocol,
    payloadLength: packet.totalLength - packet.headerLength,
    ttl: packet.ttl,
    dscp: packet.dscp,
    ecn: packet.ecn,
    ident: packet.ident,
    dontFrag: packet.dontFrag,
    moreFrags: packet.moreFrags,
    fragOffset: packet.fragOffset,
  };
}
