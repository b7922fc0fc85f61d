// libos/net/wire/ipv4_address.ts — IPv4 addresses as 32-bit unsigned numbers: parse/format "10.0.2.15", prefix and
// mask conversion, CIDR parsing, subnet arithmetic and address classes. Layer: libos/net/wire.
// Depends on ./_util.ts.

import { malformed } from "./_util.ts";

/** 255.255.255.255, the limited broadcast address. */
export const IPV4_BROADCAST = 0xffffffff;
/** 0.0.0.0, the unspecified address. */
export const IPV4_UNSPECIFIED = 0;

/**
 * Parses a dotted quad ("10.0.2.15") into a 32-bit unsigned number. Four decimal parts 0..255 without leading
 * zeros (as Node's `net.isIPv4`). Throws WireError ("malformed") otherwise.
 *
 * @example parseIpv4("10.0.2.15") === 0x0a00020f
 */
export function parseIpv4(text: string): number {
  const addr = scanIpv4(text);
  if (addr < 0) throw malformed(`expected a dotted-quad IPv4 address such as 10.0.2.15, found "${text}"`);
  return addr;
}

/** True when `text` is a dotted quad that `parseIpv4` accepts. */
export function isIpv4(text: string): boolean {
  return scanIpv4(text) >= 0;
}

function scanIpv4(text: string): number {
  let addr = 0;
  let part = 0;
  let digits = 0;
  let parts = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46; // a final "." closes the last part
    if (c === 46) {
      if (digits === 0 || parts === 4) return -1;
      addr = addr * 256 + part;
      parts++;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && part === 0) return -1; // leading zero
      part = part * 10 + (c - 48);
      if (part > 255) return -1;
      digits++;
    } else {
      return -1;
    }
  }
  return parts === 4 ? addr : -1;
}

/** Formats a 32-bit address as a dotted quad. */
export function formatIpv4(addr: number): string {
  return (addr >>> 24) + "." + ((addr >>> 16) & 255) + "." + ((addr >>> 8) & 255) + "." + (addr & 255);
}

/** Reads an address from 4 bytes. */
export function ipv4FromBytes(bytes: Uint8Array, offset = 0): number {
  return ((bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]) >>> 0;
}

/** The netmask of a prefix length 0..32 (24 → 255.255.255.0). Throws WireError for other lengths. */
export function prefixToMask(prefixLength: number): number {
  if (!(prefixLength >= 0 && prefixLength <= 32) || prefixLength % 1 !== 0) {
    throw malformed(`expected an IPv4 prefix length from 0 to 32, found ${prefixLength}`);
  }
  return prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
}

/** The prefix length of a contiguous netmask (255.255.255.0 → 24). Throws WireError for a non-contiguous mask. */
export function maskToPrefix(mask: number): number {
  const inverted = ~mask >>> 0;
  if ((inverted & (inverted + 1)) !== 0) {
    throw malformed(`expected a contiguous IPv4 netmask such as 255.255.255.0, found ${formatIpv4(mask >>> 0)}`);
  }
  let len = 0;
  for (let m = mask >>> 0; m !== 0; m = (m << 1) >>> 0) len++;
  return len;
}

/** An address with a prefix length, as in "10.0.2.15/24". */
export interface Ipv4Cidr {
  /** The address (host bits kept). */
  address: number;
  /** The prefix length 0..32. */
  prefixLength: number;
}

/** Parses "10.0.2.15/24" (a bare address gets /32). Throws WireError ("malformed") otherwise. */
export function parseCidr(text: string): Ipv4Cidr {
  const slash = text.indexOf("/");
  if (slash < 0) return { address: parseIpv4(text), prefixLength: 32 };
  const lenText = text.slice(slash + 1);
  if (!/^(0|[1-9][0-9]?)$/.test(lenText) || Number(lenText) > 32) {
    throw malformed(`expected a CIDR such as 10.0.2.15/24 with a prefix length from 0 to 32, found "${text}"`);
  }
  return { address: parseIpv4(text.slice(0, slash)), prefixLength: Number(lenText) };
}

/** Formats a CIDR as "10.0.2.15/24". */
export function formatCidr(cidr: Ipv4Cidr): string {
  return formatIpv4(cidr.address) + "/" + cidr.prefixLength;
}

/** The network address of `addr` under `prefixLength` (10.0.2.15/24 → 10.0.2.0). */
export function networkAddress(addr: number, prefixLength: number): number {
  return (addr & prefixToMask(prefixLength)) >>> 0;
}

/** The directed broadcast address of `addr`'s subnet (10.0.2.15/24 → 10.0.2.255). */
export function subnetBroadcast(addr: number, prefixLength: number): number {
  return (addr | ~prefixToMask(prefixLength)) >>> 0;
}

/** True when `addr` lies in `network`/`prefixLength`. */
export function inSubnet(addr: number, network: number, prefixLength: number): boolean {
  const mask = prefixToMask(prefixLength);
  return ((addr & mask) >>> 0) === ((network & mask) >>> 0);
}

/** True for 255.255.255.255 (the limited broadcast; see `subnetBroadcast` for directed ones). */
export function isBroadcast(addr: number): boolean {
  return addr >>> 0 === IPV4_BROADCAST;
}

/** True for 224.0.0.0/4. */
export function isMulticast(addr: number): boolean {
  return addr >>> 28 === 0xe;
}

/** True for 0.0.0.0. */
export function isUnspecified(addr: number): boolean {
  return addr >>> 0 === 0;
}

/** True for 127.0.0.0/8. */
export function isLoopback(addr: number): boolean {
  return addr >>> 24 === 127;
}

/** True for 169.254.0.0/16. */
export function isLinkLocal(addr: number): boolean {
  return addr >>> 16 === 0xa9fe;
}

/** True for an address that names one host: not broadcast, multicast or unspecified (as smoltcp's is_unicast). */
export function isUnicast(addr: number): boolean {
  return !(isBroadcast(addr) || isMulticast(addr) || isUnspecified(addr));
}
