// libos/net/wire/ethernet.ts — Ethernet II frames (without FCS): the EthernetFrame view, EthernetRepr, EtherType
// numbers and MAC address helpers. MAC addresses are 48-bit integer numbers (0..2^48-1): compared with ===, used as
// Map keys, no allocation. Layer: libos/net/wire. Depends on ./_util.ts.

import { getMac, get16, malformed, noRoom, set16, setMac, truncated } from "./_util.ts";

/** Bytes in an Ethernet II header (dst, src, ethertype). */
export const ETHERNET_HEADER_LENGTH = 14;

/** EtherType numbers of the payloads the stack knows. */
export const EtherType = {
  /** Internet Protocol version 4. */
  IPv4: 0x0800,
  /** Address Resolution Protocol. */
  ARP: 0x0806,
  /** Internet Protocol version 6 (recognised, not handled). */
  IPv6: 0x86dd,
} as const;

/** The broadcast MAC ff:ff:ff:ff:ff:ff as a number. */
export const BROADCAST_MAC = 0xffffffffffff;

/**
 * Parses "52:54:00:12:34:56" (or with "-" separators; hex digits in either case) into a 48-bit number.
 * Throws WireError ("malformed") for anything else.
 *
 * @example parseMac("52:54:00:12:34:56") === 0x525400123456
 */
export function parseMac(text: string): number {
  if (text.length !== 17) throw malformed(`expected a MAC address such as 52:54:00:12:34:56, found "${text}"`);
  let mac = 0;
  for (let i = 0; i < 6; i++) {
    const p = i * 3;
    if (i < 5 && text[p + 2] !== ":" && text[p + 2] !== "-") {
      throw malformed(`expected a MAC address such as 52:54:00:12:34:56, found "${text}"`);
    }
    const hi = hexDigit(text.charCodeAt(p));
    const lo = hexDigit(text.charCodeAt(p + 1));
    if (hi < 0 || lo < 0) throw malformed(`expected a MAC address such as 52:54:00:12:34:56, found "${text}"`);
    mac = mac * 256 + hi * 16 + lo;
  }
  return mac;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Formats a 48-bit MAC number as lowercase "52:54:00:12:34:56". */
export function formatMac(mac: number): string {
  let out = "";
  for (let i = 5; i >= 0; i--) {
    const byte = Math.floor(mac / 2 ** (8 * i)) % 256;
    out += (byte < 16 ? "0" : "") + byte.toString(16) + (i > 0 ? ":" : "");
  }
  return out;
}

/** Reads a MAC number from 6 bytes (e.g. `NetDevice.mac`). */
export function macFromBytes(bytes: Uint8Array, offset = 0): number {
  if (bytes.length - offset < 6) throw truncated("a MAC address", 6, Math.max(0, bytes.length - offset));
  return getMac(bytes, offset);
}

/** Writes a MAC number as 6 bytes; returns a new array when no `bytes` is given. */
export function macToBytes(mac: number, bytes: Uint8Array = new Uint8Array(6), offset = 0): Uint8Array {
  setMac(bytes, offset, mac);
  return bytes;
}

/** True for ff:ff:ff:ff:ff:ff. */
export function isBroadcastMac(mac: number): boolean {
  return mac === BROADCAST_MAC;
}

/** True when the group bit (lowest bit of the first byte) is set: multicast, broadcast included. */
export function isMulticastMac(mac: number): boolean {
  return (Math.floor(mac / 0x10000000000) & 1) === 1;
}

/** True for an individual (unicast) address other than 00:00:00:00:00:00. */
export function isUnicastMac(mac: number): boolean {
  return mac !== 0 && !isMulticastMac(mac);
}

/**
 * A view of an Ethernet II frame in `bytes` from `offset` to the end of `bytes`. Construct with
 * `EthernetFrame.check(bytes)` (or call `checkLen()`) before reading: accessors then never throw.
 */
export class EthernetFrame {
  /** The underlying buffer (not copied). */
  readonly bytes: Uint8Array;
  /** Where the frame starts in `bytes`. */
  readonly offset: number;

  /** Wraps `bytes` without validating; see `check`. */
  constructor(bytes: Uint8Array, offset = 0) {
    this.bytes = bytes;
    this.offset = offset;
  }

  /** Wraps and validates: throws WireError ("truncated") when shorter than the 14-byte header. */
  static check(bytes: Uint8Array, offset = 0): EthernetFrame {
    const f = new EthernetFrame(bytes, offset);
    f.checkLen();
    return f;
  }

  /** Throws WireError unless the whole header is present. */
  checkLen(): void {
    const len = this.length;
    if (len < ETHERNET_HEADER_LENGTH) throw truncated("an Ethernet header", ETHERNET_HEADER_LENGTH, len);
  }

  /** Bytes from `offset` to the end of the buffer. */
  get length(): number {
    return Math.max(0, this.bytes.length - this.offset);
  }
  /** Destination MAC number. */
  get dst(): number {
    return getMac(this.bytes, this.offset);
  }
  /** Source MAC number. */
  get src(): number {
    return getMac(this.bytes, this.offset + 6);
  }
  /** EtherType (see `EtherType`). */
  get ethertype(): number {
    return get16(this.bytes, this.offset + 12);
  }
  /** Offset of the payload in `bytes`. */
  get payloadOffset(): number {
    return this.offset + ETHERNET_HEADER_LENGTH;
  }
  /** The payload (a subarray, not a copy; may include padding of short frames). */
  get payload(): Uint8Array {
    return this.bytes.subarray(this.offset + ETHERNET_HEADER_LENGTH);
  }

  set dst(mac: number) {
    setMac(this.bytes, this.offset, mac);
  }
  set src(mac: number) {
    setMac(this.bytes, this.offset + 6, mac);
  }
  set ethertype(v: number) {
    set16(this.bytes, this.offset + 12, v);
  }
}

/**
 * The EtherType of the frame in `bytes` (from offset 0), after the check EthernetFrame.check makes: throws WireError
 * ("truncated") when shorter than the 14-byte header. The per-frame receive path, without a view.
 */
export function checkEthernetHeader(bytes: Uint8Array): number {
  if (bytes.length < ETHERNET_HEADER_LENGTH) throw truncated("an Ethernet header", ETHERNET_HEADER_LENGTH, bytes.length);
  return get16(bytes, 12);
}

/** Writes an Ethernet II header (dst, src, ethertype) at `bytes[offset]` without a view: the per-frame send path. */
export function writeEthernetHeader(bytes: Uint8Array, offset: number, dst: number, src: number, ethertype: number): void {
  setMac(bytes, offset, dst);
  setMac(bytes, offset + 6, src);
  set16(bytes, offset + 12, ethertype);
}

/** The header of an Ethernet II frame as plain values. */
export interface EthernetRepr {
  /** Destination MAC number. */
  dst: number;
  /** Source MAC number. */
  src: number;
  /** EtherType of the payload. */
  ethertype: number;
}

/** Parse, emit and size Ethernet headers. */
export const EthernetRepr = {
  /** Reads the header; throws WireError ("truncated") when the frame is shorter than 14 bytes. */
  parse(frame: EthernetFrame): EthernetRepr {
    frame.checkLen();
    return { dst: frame.dst, src: frame.src, ethertype: frame.ethertype };
  },
  /** Writes the 14-byte header; the caller writes the payload at `frame.payloadOffset`. */
  emit(repr: EthernetRepr, frame: EthernetFrame): void {
    if (frame.length < ETHERNET_HEADER_LENGTH) {
      throw noRoom("an Ethernet header", ETHERNET_HEADER_LENGTH, frame.length);
    }
    frame.dst = repr.dst;
    frame.src = repr.src;
    frame.ethertype = repr.ethertype;
  },
  /** Bytes the header takes (14); the payload comes on top. */
  bufferLength(_repr: EthernetRepr): number {
    return ETHERNET_HEADER_LENGTH;
  },
};
