// libos/net/wire/udp.ts — UDP (RFC 768) over IPv4: the UdpPacket view and UdpRepr, with the checksum over the
// IPv4 pseudo-header (a received checksum of 0 means "none"; a computed 0 is sent as 0xffff).
// Layer: libos/net/wire. Depends on ./_util.ts, ./checksum.ts.

import { badChecksum, get16, malformed, noRoom, set16, truncated } from "./_util.ts";
import { expectedChecksum, finish, onesSum, pseudoHeaderSum } from "./checksum.ts";

/** Bytes of the UDP header. */
export const UDP_HEADER_LENGTH = 8;
const PROTOCOL_UDP = 17;

/**
 * A view of a UDP datagram in `bytes` from `offset`. `checkLen()` (or `UdpPacket.check`) validates the header
 * and that the `length` field fits the buffer; accessors then never throw. Bytes past `length` are ignored.
 */
export class UdpPacket {
  /** The underlying buffer (not copied). */
  readonly bytes: Uint8Array;
  /** Where the datagram starts in `bytes`. */
  readonly offset: number;

  /** Wraps `bytes` without validating; see `check`. */
  constructor(bytes: Uint8Array, offset = 0) {
    this.bytes = bytes;
    this.offset = offset;
  }

  /** Wraps and validates (see `checkLen`). */
  static check(bytes: Uint8Array, offset = 0): UdpPacket {
    const p = new UdpPacket(bytes, offset);
    p.checkLen();
    return p;
  }

  /**
   * Throws WireError: "truncated" when the buffer is shorter than 8 bytes or than the `length` field,
   * "malformed" when the `length` field is under 8.
   */
  checkLen(): void {
    const len = this.length;
    if (len < UDP_HEADER_LENGTH) throw truncated("a UDP header", UDP_HEADER_LENGTH, len);
    const field = this.len;
    if (field < UDP_HEADER_LENGTH) throw malformed(`expected a UDP length of at least 8, found ${field}`);
    if (len < field) throw truncated("a UDP datagram of the stated length", field, len);
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
  /** The `length` field: header plus payload. */
  get len(): number {
    return get16(this.bytes, this.offset + 4);
  }
  /** Checksum as on the wire (0: none). */
  get checksum(): number {
    return get16(this.bytes, this.offset + 6);
  }
  /** Offset of the payload in `bytes`. */
  get payloadOffset(): number {
    return this.offset + UDP_HEADER_LENGTH;
  }
  /** The payload up to `len` (a subarray, not a copy). */
  get payload(): Uint8Array {
    return this.bytes.subarray(this.offset + UDP_HEADER_LENGTH, this.offset + this.len);
  }
  /** True when the checksum is 0 (none) or verifies against the pseudo-header of `src` → `dst`. */
  verifyChecksum(src: number, dst: number): boolean {
    if (this.checksum === 0) return true;
    return this.sum(src, dst, this.len) === 0xffff;
  }

  set srcPort(v: number) {
    set16(this.bytes, this.offset, v);
  }
  set dstPort(v: number) {
    set16(this.bytes, this.offset + 2, v);
  }
  set len(v: number) {
    set16(this.bytes, this.offset + 4, v);
  }
  set checksum(v: number) {
    set16(this.bytes, this.offset + 6, v);
  }
  /** Computes and writes the checksum over `len` bytes and the pseudo-header (0 is written as 0xffff). */
  fillChecksum(src: number, dst: number): void {
    this.checksum = 0;
    const c = finish(this.sum(src, dst, this.len));
    this.checksum = c === 0 ? 0xffff : c;
  }

  private sum(src: number, dst: number, len: number): number {
    return onesSum(this.bytes, this.offset, this.offset + len, pseudoHeaderSum(src, dst, PROTOCOL_UDP, len));
  }
}

/** A UDP datagram as plain values. `payload` is a subarray of the parsed buffer (copy what you keep). */
export interface UdpRepr {
  /** Source port (0: no reply expected). */
  srcPort: number;
  /** Destination port (never 0). */
  dstPort: number;
  /** The payload. */
  payload: Uint8Array;
}

/** Parse, emit and size UDP datagrams. */
export const UdpRepr = {
  /**
   * Reads a datagram sent from `src` to `dst` (IPv4 addresses, for the pseudo-header). Throws WireError: as
   * `checkLen`; "malformed" for destination port 0; "checksum" when `verifyChecksum`, the checksum is not 0
   * and it is wrong.
   */
  parse(packet: UdpPacket, src: number, dst: number, verifyChecksum = true): UdpRepr {
    packet.checkLen();
    if (packet.dstPort === 0) throw malformed("expected a non-zero UDP destination port, found 0");
    if (verifyChecksum && !packet.verifyChecksum(src, dst)) {
      const len = packet.len;
      const pseudo = pseudoHeaderSum(src, dst, PROTOCOL_UDP, len);
      const sum = onesSum(packet.bytes, packet.offset, packet.offset + len, pseudo);
      throw badChecksum("UDP", packet.checksum, expectedChecksum(sum, packet.checksum));
    }
    return { srcPort: packet.srcPort, dstPort: packet.dstPort, payload: packet.payload };
  },
  /**
   * Writes header and payload (copied unless it already sits at `packet.payloadOffset`) and the checksum for
   * `src` → `dst`. Throws WireError ("truncated") when the buffer is under `bufferLength(repr)` bytes, and
   * "malformed" when the datagram would exceed 65535 bytes.
   */
  emit(repr: UdpRepr, packet: UdpPacket, src: number, dst: number): void {
    const need = UDP_HEADER_LENGTH + repr.payload.length;
    if (need > 0xffff) throw malformed(`expected a UDP datagram of at most 65535 bytes, found ${need}`);
    if (packet.length < need) throw noRoom("a UDP datagram", need, packet.length);
    packet.srcPort = repr.srcPort;
    packet.dstPort = repr.dstPort;
    packet.len = need;
    const at = packet.offset + UDP_HEADER_LENGTH;
    if (repr.payload.buffer !== packet.bytes.buffer || repr.payload.byteOffset !== packet.bytes.byteOffset + at) {
      packet.bytes.set(repr.payload, at);
    }
    packet.fillChecksum(src, dst);
  },
  /** Bytes the datagram takes: 8 + payload. */
  bufferLength(repr: UdpRepr): number {
    return UDP_HEADER_LENGTH + repr.payload.length;
  },
};
