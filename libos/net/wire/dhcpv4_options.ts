// libos/net/wire/dhcpv4_options.ts — the DHCP options (RFC 2132) that DhcpRepr carries besides the message type:
// their codes, reading one option into plain values, and sizing and emitting them in a fixed order.
// Layer: libos/net/wire. Depends on ./_util.ts.

import { get16, get32, malformed, set16, set32 } from "./_util.ts";

/** DHCP option codes handled here. */
export const DhcpOption = {
  Pad: 0,
  SubnetMask: 1,
  Router: 3,
  DomainNameServer: 6,
  HostName: 12,
  RequestedIp: 50,
  LeaseTime: 51,
  MessageType: 53,
  ServerIdentifier: 54,
  ParameterRequestList: 55,
  MaxMessageSize: 57,
  RenewalTime: 58,
  RebindingTime: 59,
  ClientIdentifier: 61,
  End: 255,
} as const;

/** The options of a DHCP message other than the message type; `null` where absent. */
export interface DhcpOptions {
  /** Option 54. */
  serverIdentifier: number | null;
  /** Option 50. */
  requestedIp: number | null;
  /** Option 51, seconds. */
  leaseTime: number | null;
  /** Option 58 (T1), seconds. */
  renewalTime: number | null;
  /** Option 59 (T2), seconds. */
  rebindingTime: number | null;
  /** Option 1. */
  subnetMask: number | null;
  /** Option 3: the first router listed. */
  router: number | null;
  /** Option 6. */
  dnsServers: number[] | null;
  /** Option 55: the option codes asked for. */
  parameterRequestList: Uint8Array | null;
  /** Option 61 (type byte then identifier). */
  clientIdentifier: Uint8Array | null;
  /** Option 57. */
  maxMessageSize: number | null;
  /** Option 12: the name the server gives the client (read only; os.hostname() reports it). */
  hostName?: string | null;
}

/** Bytes `emitDhcpOptions` writes for `opts`. Throws WireError when an option exceeds 255 bytes. */
export function dhcpOptionsLength(opts: DhcpOptions): number {
  let n = 0;
  if (opts.clientIdentifier !== null) n += 2 + checkOptionBytes(DhcpOption.ClientIdentifier, opts.clientIdentifier);
  if (opts.requestedIp !== null) n += 6;
  if (opts.leaseTime !== null) n += 6;
  if (opts.serverIdentifier !== null) n += 6;
  if (opts.subnetMask !== null) n += 6;
  if (opts.router !== null) n += 6;
  if (opts.dnsServers !== null && opts.dnsServers.length > 0) {
    n += 2 + checkOptionBytes(DhcpOption.DomainNameServer, { length: 4 * opts.dnsServers.length });
  }
  if (opts.parameterRequestList !== null) {
    n += 2 + checkOptionBytes(DhcpOption.ParameterRequestList, opts.parameterRequestList);
  }
  if (opts.maxMessageSize !== null) n += 4;
  if (opts.renewalTime !== null) n += 6;
  if (opts.rebindingTime !== null) n += 6;
  return n;
}

/**
 * Writes the options present in `opts` at `b[i..]` in the order 61, 50, 54, 1, 3, 6, 51, 58, 59, 55, 57 (as
 * QEMU's slirp and common clients do); returns the position after them. The caller sizes the buffer with
 * `dhcpOptionsLength`.
 */
export function emitDhcpOptions(opts: DhcpOptions, b: Uint8Array, i: number): number {
  if (opts.clientIdentifier !== null) i = putBytes(b, i, DhcpOption.ClientIdentifier, opts.clientIdentifier);
  if (opts.requestedIp !== null) i = put32(b, i, DhcpOption.RequestedIp, opts.requestedIp);
  if (opts.serverIdentifier !== null) i = put32(b, i, DhcpOption.ServerIdentifier, opts.serverIdentifier);
  if (opts.subnetMask !== null) i = put32(b, i, DhcpOption.SubnetMask, opts.subnetMask);
  if (opts.router !== null) i = put32(b, i, DhcpOption.Router, opts.router);
  const dns = opts.dnsServers;
  if (dns !== null && dns.length > 0) {
    b[i] = DhcpOption.DomainNameServer;
    b[i + 1] = 4 * dns.length;
    i += 2;
    for (let k = 0; k < dns.length; k++, i += 4) set32(b, i, dns[k]);
  }
  if (opts.leaseTime !== null) i = put32(b, i, DhcpOption.LeaseTime, opts.leaseTime);
  if (opts.renewalTime !== null) i = put32(b, i, DhcpOption.RenewalTime, opts.renewalTime);
  if (opts.rebindingTime !== null) i = put32(b, i, DhcpOption.RebindingTime, opts.rebindingTime);
  const prl = opts.parameterRequestList;
  if (prl !== null) i = putBytes(b, i, DhcpOption.ParameterRequestList, prl);
  if (opts.maxMessageSize !== null) {
    b[i] = DhcpOption.MaxMessageSize;
    b[i + 1] = 2;
    set16(b, i + 2, opts.maxMessageSize);
    i += 4;
  }
  return i;
}

function checkOptionBytes(code: number, value: { length: number }): number {
  if (value.length > 255) throw malformed(`expected DHCP option ${code} of at most 255 bytes, found ${value.length}`);
  return value.length;
}

function put32(b: Uint8Array, i: number, code: number, v: number): number {
  b[i] = code;
  b[i + 1] = 4;
  set32(b, i + 2, v);
  return i + 6;
}

function putBytes(b: Uint8Array, i: number, code: number, v: Uint8Array): number {
  b[i] = code;
  b[i + 1] = v.length;
  b.set(v, i + 2);
  return i + 2 + v.length;
}

/**
 * Stores DHCP option `code` with `len` value bytes at `b[at..]` into `repr` (unknown codes are ignored; byte
 * strings are subarrays). Throws WireError ("malformed") when a known option has the wrong length.
 */
export function readDhcpOption(repr: DhcpOptions, code: number, b: Uint8Array, at: number, len: number): void {
  switch (code) {
    case DhcpOption.ServerIdentifier:
      repr.serverIdentifier = read32(code, b, at, len);
      return;
    case DhcpOption.RequestedIp:
      repr.requestedIp = read32(code, b, at, len);
      return;
    case DhcpOption.LeaseTime:
      repr.leaseTime = read32(code, b, at, len);
      return;
    case DhcpOption.RenewalTime:
      repr.renewalTime = read32(code, b, at, len);
      return;
    case DhcpOption.RebindingTime:
      repr.rebindingTime = read32(code, b, at, len);
      return;
    case DhcpOption.SubnetMask:
      repr.subnetMask = read32(code, b, at, len);
      return;
    case DhcpOption.Router:
      expectAddresses(code, len);
      repr.router = get32(b, at);
      return;
    case DhcpOption.DomainNameServer: {
      expectAddresses(code, len);
      const servers: number[] = [];
      for (let k = 0; k < len; k += 4) servers.push(get32(b, at + k));
      repr.dnsServers = servers;
      return;
    }
    case DhcpOption.ParameterRequestList:
      if (len < 1) throw malformed("expected DHCP option 55 of at least 1 byte, found 0");
      repr.parameterRequestList = b.subarray(at, at + len);
      return;
    case DhcpOption.ClientIdentifier:
      if (len < 2) throw malformed(`expected DHCP option 61 of at least 2 bytes, found ${len}`);
      repr.clientIdentifier = b.subarray(at, at + len);
      return;
    case DhcpOption.MaxMessageSize:
      expectLength(code, len, 2);
      repr.maxMessageSize = get16(b, at);
      return;
    case DhcpOption.HostName:
      if (len < 1) throw malformed("expected DHCP option 12 of at least 1 byte, found 0");
      repr.hostName = String.fromCharCode(...b.subarray(at, at + len)).replace(/\0+$/, "");
      return;
    default:
      return;
  }
}

function read32(code: number, b: Uint8Array, at: number, len: number): number {
  expectLength(code, len, 4);
  return get32(b, at);
}

function expectAddresses(code: number, len: number): void {
  if (len < 4 || len % 4 !== 0) {
    throw malformed(`expected DHCP option ${code} of a non-zero multiple of 4 bytes, found ${len}`);
  }
}

function expectLength(code: number, found: number, expected: number): void {
  if (found !== expected) throw malformed(`expected DHCP option ${code} of ${expected} bytes, found ${found}`);
}
