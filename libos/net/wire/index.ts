// libos/net/wire/index.ts — the public face of the wire formats of the TCP/IP stack: for each protocol a view
// over bytes (`new XPacket(bytes, offset)`, `XPacket.check(bytes)`) and a plain Repr (`XRepr.parse(view)`,
// `XRepr.emit(repr, view)`, `XRepr.bufferLength(repr)`), all throwing WireError on bad input. Addresses are
// numbers: IPv4 as 32-bit unsigned, MAC as 48-bit. Layer: libos/net/wire. Depends only on files in this folder.

export * from "./error.ts";
export * from "./checksum.ts";
export * from "./ethernet.ts";
export * from "./arp.ts";
export * from "./ipv4.ts";
export * from "./icmpv4.ts";
export * from "./udp.ts";
export * from "./tcp.ts";
export * from "./dhcpv4.ts";
export * from "./dns.ts";
