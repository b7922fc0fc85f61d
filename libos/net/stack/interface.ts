// libos/net/stack/interface.ts — the host's IPv4 layer over its two interfaces: the loopback interface (always
// there: 127.0.0.0/8, ./loopback.ts) and an Ethernet interface over a NetDevice when the machine has one. Ethernet
// demultiplexing, ARP (answers, cache, resolution with queued packets), IPv4 in (checks, no forwarding, fragment
// reassembly, 127.0.0.0/8 only from loopback) and out (routing: our own addresses and 127.0.0.0/8 through loopback,
// the rest via the subnet or the gateway; fragmentation), ICMP echo replies, UDP ports, and a hook for TCP. Bad
// frames are counted and dropped: nothing a peer sends can throw out of receive(). Time is passed in (`now`, ms).
// The device's offloads are used where it has them: TCP segments go out with a partial checksum for the device to
// finish and, when it segments, larger than the MTU (TSO); frames it vouches for skip checksum verification.
// Layer: libos/net/stack. Depends on kernel/devices.ts, ./loopback.ts and libos/net/wire.

import { NO_OFFLOADS, RX_CHECKSUM_VALID, type NetDevice, type NetOffloads, type TxOffload } from "../../../kernel/devices.ts";
import {
  ArpOperation, ArpPacket, ArpRepr, ARP_PACKET_LENGTH, BROADCAST_MAC, checkEthernetHeader, ETHERNET_HEADER_LENGTH, EtherType,
  Icmpv4Packet, Icmpv4Repr, IpProtocol, Ipv4HeaderReader, IPV4_BROADCAST, IPV4_HEADER_LENGTH, Ipv4Packet, Ipv4Repr,
  isLoopback, isMulticastMac, macFromBytes, prefixToMask, subnetBroadcast, TcpPacket, TcpRepr, TcpSegmentReader, UdpPacket, UdpRepr,
  UDP_HEADER_LENGTH, WireError, writeEthernetHeader,
} from "../wire/index.ts";
import { ArpCache } from "./arp_cache.ts";
import { FragmentReassembler } from "./fragments.ts";
import { LOOPBACK_ADDRESS, LoopbackLink } from "./loopback.ts";

/** Static or DHCP-provided addressing. */
export interface InterfaceConfig {
  address: number;
  prefixLength: number;
  /** 0: no default route (only the subnet is reachable). */
  gateway: number;
  dns: number[];
}

export type UdpHandler = (src: number, srcPort: number, dst: number, payload: Uint8Array) => void;
export type TcpHandler = (src: number, dst: number, seg: TcpRepr) => void;

export interface InterfaceStats {
  rxFrames: number;
  rxMalformed: number;
  rxNotForUs: number;
  rxUnknownProtocol: number;
  txFrames: number;
  txDeviceFull: number;
  /** TCP segments sent larger than the MTU for the device to cut (TSO), and with a checksum left to the device. */
  txSegmented: number;
  txPartialChecksum: number;
  /** Received TCP/UDP datagrams whose checksum the device vouched for (not verified again). */
  rxChecksumTrusted: number;
  icmpEchoReplies: number;
  udpNoPort: number;
  /** Datagrams from the Ethernet side with a loopback source or destination (RFC 1122 §3.2.1.3: never on a wire). */
  rxMartian: number;
}

const DEFAULT_TTL = 64;
/** Where the TCP header starts in a frame we send (Ethernet + a 20-byte IPv4 header), and its checksum field. */
const TCP_AT = ETHERNET_HEADER_LENGTH + IPV4_HEADER_LENGTH;
const TCP_CHECKSUM_OFFSET = 16;
/** TCP options take at most 40 bytes: a segment's payload may use what the TSO limit leaves after 20 + 20 + 40. */
const MAX_TCP_HEADER = 60;
export const EPHEMERAL_FIRST = 49152;
export const EPHEMERAL_LAST = 65535;

export class NetInterface {
  /** The Ethernet interface's MAC (0 without a device). */
  readonly mac: number;
  /** The Ethernet interface's MTU (1500 without a device). */
  readonly mtu: number;
  /** What the device does for us (NO_OFFLOADS without one). */
  readonly offloads: NetOffloads;
  /**
   * Most TCP payload bytes per segment handed to the device when it segments them (TSO, with checksum offload);
   * 0: one MSS per segment. TCP sockets on this interface get it as maxSegmentBytes.
   */
  readonly tsoMaxPayload: number;
  /** The Ethernet interface's addressing (DHCP or static); null until known, and always without a device. */
  config: InterfaceConfig | null = null;
  /** The loopback interface. */
  readonly lo = new LoopbackLink();
  readonly arp = new ArpCache();
  readonly fragments = new FragmentReassembler();
  readonly stats: InterfaceStats = {
    rxFrames: 0, rxMalformed: 0, rxNotForUs: 0, rxUnknownProtocol: 0, txFrames: 0, txDeviceFull: 0,
    icmpEchoReplies: 0, udpNoPort: 0, rxMartian: 0, txSegmented: 0, txPartialChecksum: 0, rxChecksumTrusted: 0,
  };
  /** TCP segments for this host go here (set by the TCP layer). */
  tcpHandler: TcpHandler | null = null;
  /** Echo replies (ping results) go here. */
  onEchoReply: ((src: number, ident: number, seqNo: number, data: Uint8Array) => void) | null = null;
  private readonly udpPorts = new Map<number, UdpHandler>();
  private nextEphemeral = EPHEMERAL_FIRST;
  private ident = 1;
  private readonly tcpReader = new TcpSegmentReader();
  private readonly ipReader = new Ipv4HeaderReader();
  /** The per-frame state of sendTcp's direct path, reused (nothing is allocated per segment sent). */
  private readonly txIp: Ipv4Repr = {
    src: 0, dst: 0, protocol: IpProtocol.TCP, payloadLength: 0, ttl: DEFAULT_TTL, dscp: 0, ecn: 0, ident: 0,
    dontFrag: false, moreFrags: false, fragOffset: 0,
  };
  private readonly txOffload: TxOffload = { csumStart: TCP_AT, csumOffset: TCP_CHECKSUM_OFFSET, gsoSize: 0, hdrLen: 0 };
  private txSeg: TcpRepr | null = null;
  /** The netmask of the last prefix length asked for (route() runs per segment sent; the config rarely changes). */
  private maskPrefix = -1;
  private mask = 0;

  private netmask(prefixLength: number): number {
    if (prefixLength !== this.maskPrefix) {
      this.mask = prefixToMask(prefixLength);
      this.maskPrefix = prefixLength;
    }
    return this.mask;
  }
  private txMac = 0;

  /** The host's IP layer over `dev` (null: a machine without a network card, loopback only). */
  constructor(readonly dev: NetDevice | null, private readonly now: () => number) {
    this.mac = dev !== null ? macFromBytes(dev.mac) : 0;
    this.mtu = dev !== null ? dev.mtu : 1500;
    this.offloads = dev?.offloads ?? NO_OFFLOADS;
    this.tsoMaxPayload = this.offloads.txChecksum && this.offloads.tsoMaxBytes > TCP_AT + MAX_TCP_HEADER + this.mtu
      ? this.offloads.tsoMaxBytes - TCP_AT - MAX_TCP_HEADER : 0;
  }

  /** Starts receiving from the device (nothing to do without one). */
  start(): void {
    this.dev?.listen((frame, flags) => this.receive(frame, flags ?? 0));
  }

  /** True for addresses of this host: 127.0.0.0/8 and the Ethernet interface's address. */
  isLocal(addr: number): boolean {
    return isLoopback(addr) || (this.config !== null && addr >>> 0 === this.config.address >>> 0);
  }

  /** The source address for datagrams to `dst` (Linux's choice: 127.0.0.1 for 127.0.0.0/8), 0 when none. */
  sourceFor(dst: number): number {
    return isLoopback(dst) ? LOOPBACK_ADDRESS : this.config?.address ?? 0;
  }

  /** The MTU of the interface that datagrams to `dst` leave by. */
  mtuFor(dst: number): number {
    return this.isLocal(dst) ? this.lo.mtu : this.mtu;
  }

  // ---------------------------------------------------------------- receive

  /**
   * Handles one frame; never throws for anything a peer can send. `flags` are the device's (RX_CHECKSUM_VALID:
   * the TCP/UDP checksum was verified, or left partial by a sender on the same host, and is not checked again).
   */
  receive(frame: Uint8Array, flags = 0): void {
    this.stats.rxFrames++;
    try {
      const ethertype = checkEthernetHeader(frame);
      const dst = macFromBytes(frame, 0);
      if (dst !== this.mac && dst !== BROADCAST_MAC && !isMulticastMac(dst)) { this.stats.rxNotForUs++; return; }
      const payload = frame.subarray(ETHERNET_HEADER_LENGTH);
      if (ethertype === EtherType.ARP) this.receiveArp(payload);
      else if (ethertype === EtherType.IPv4) this.receiveIpv4(payload, false, (flags & RX_CHECKSUM_VALID) !== 0);
      else this.stats.rxUnknownProtocol++;
    } catch (e) {
      if (e instanceof WireError) this.stats.rxMalformed++;
      else throw e;
    }
  }

  private receiveArp(bytes: Uint8Array): void {
    const repr = ArpRepr.parse(ArpPacket.check(bytes));
    const now = this.now();
    const ours = this.config?.address;
    const forUs = ours !== undefined && repr.targetProtocolAddr === ours;
    if (forUs || this.arp.has(repr.senderProtocolAddr)) {
      for (const p of this.arp.learn(repr.senderProtocolAddr, repr.senderHardwareAddr, now)) {
        this.transmitIpv4Datagram(p, repr.senderHardwareAddr);
      }
    }
    if (forUs && repr.operation === ArpOperation.Request) {
      this.sendArp(ArpOperation.Reply, repr.senderHardwareAddr, repr.senderProtocolAddr);
    }
  }

  /** IP input from loopback: the datagrams the host sent itself (their checksums are ours: not checked again). */
  private receiveLoopback = (datagram: Uint8Array): void => {
    try {
      this.receiveIpv4(datagram, true, true);
    } catch (e) {
      if (e instanceof WireError) this.stats.rxMalformed++;
      else throw e;
    }
  };

  private receiveIpv4(bytes: Uint8Array, fromLoopback: boolean, checksumValid: boolean): void {
    const ip = this.ipReader.read(bytes, 0, bytes.length);     // one reused repr: nothing here keeps it
    const cfg = this.config;
    let forUs: boolean;
    if (fromLoopback) forUs = this.isLocal(ip.dst);
    else if (isLoopback(ip.dst) || isLoopback(ip.src)) { this.stats.rxMartian++; return; }
    else {
      forUs = ip.dst === IPV4_BROADCAST || (cfg !== null && (ip.dst === cfg.address ||
        ip.dst === subnetBroadcast(cfg.address, cfg.prefixLength))) || (cfg === null && ip.protocol === IpProtocol.UDP);
    }
    if (!forUs) { this.stats.rxNotForUs++; return; }
    const hl = this.ipReader.headerLength;
    let payload = bytes.subarray(hl, hl + ip.payloadLength);
    if (ip.moreFrags || ip.fragOffset > 0) {
      const key = `${ip.src}/${ip.dst}/${ip.protocol}/${ip.ident}`;
      const whole = this.fragments.add(key, ip.fragOffset, ip.moreFrags, payload, this.now());
      if (!whole) return;
      payload = whole;
      checksumValid = fromLoopback;                       // a device vouches for frames, not for reassembled datagrams
    }
    if (checksumValid && !fromLoopback) this.stats.rxChecksumTrusted++;
    switch (ip.protocol) {
      case IpProtocol.ICMP: return this.receiveIcmp(ip, payload);
      case IpProtocol.UDP: return this.receiveUdp(ip, payload, !checksumValid);
      case IpProtocol.TCP: {
        // One reused repr per segment: the TCP layer copies what it keeps.
        const seg = this.tcpReader.read(payload, ip.src, ip.dst, !checksumValid);
        if (this.tcpHandler) this.tcpHandler(ip.src, ip.dst, seg);
        return;
      }
      default: this.stats.rxUnknownProtocol++;
    }
  }

  private receiveIcmp(ip: Ipv4Repr, payload: Uint8Array): void {
    const msg = Icmpv4Repr.parse(Icmpv4Packet.check(payload));
    if (msg.type === "echoRequest" && this.isLocal(ip.dst)) {
      const reply: Icmpv4Repr = { type: "echoReply", ident: msg.ident, seqNo: msg.seqNo, data: msg.data };
      this.sendIpv4(ip.src, IpProtocol.ICMP, Icmpv4Repr.bufferLength(reply), (b) => Icmpv4Repr.emit(reply, new Icmpv4Packet(b)));
      this.stats.icmpEchoReplies++;
    } else if (msg.type === "echoReply" && this.onEchoReply) {
      this.onEchoReply(ip.src, msg.ident, msg.seqNo, msg.data);
    }
  }

  private receiveUdp(ip: Ipv4Repr, payload: Uint8Array, verifyChecksum: boolean): void {
    const udp = UdpRepr.parse(UdpPacket.check(payload), ip.src, ip.dst, verifyChecksum);
    const handler = this.udpPorts.get(udp.dstPort);
    if (!handler) { this.stats.udpNoPort++; return; }
    handler(ip.src, udp.srcPort, ip.dst, udp.payload);
  }

  // ---------------------------------------------------------------- UDP ports

  /** Binds a UDP port (0: an ephemeral one). Returns the port. Throws with code EADDRINUSE when taken. */
  bindUdp(port: number, handler: UdpHandler): number {
    const p = port === 0 ? this.ephemeralPort((q) => this.udpPorts.has(q)) : port;
    if (this.udpPorts.has(p)) {
      throw Object.assign(new Error(`bind EADDRINUSE 0.0.0.0:${p}`), { code: "EADDRINUSE", errno: -98, syscall: "bind" });
    }
    this.udpPorts.set(p, handler);
    return p;
  }

  unbindUdp(port: number): void {
    this.udpPorts.delete(port);
  }

  /** An unused port from the ephemeral range (49152–65535), by a rotating cursor. */
  ephemeralPort(taken: (p: number) => boolean): number {
    for (let i = 0; i <= EPHEMERAL_LAST - EPHEMERAL_FIRST; i++) {
      const p = this.nextEphemeral;
      this.nextEphemeral = p === EPHEMERAL_LAST ? EPHEMERAL_FIRST : p + 1;
      if (!taken(p)) return p;
    }
    throw Object.assign(new Error("no free ephemeral port"), { code: "EADDRINUSE" });
  }

  /** Sends a UDP datagram (fragmented when larger than the MTU). Returns false when it could not be handed on. */
  sendUdp(srcPort: number, dst: number, dstPort: number, payload: Uint8Array, src?: number): boolean {
    const from = src ?? this.sourceFor(dst);
    const repr: UdpRepr = { srcPort, dstPort, payload };
    return this.sendIpv4(dst, IpProtocol.UDP, UDP_HEADER_LENGTH + payload.length,
      (b) => UdpRepr.emit(repr, new UdpPacket(b), from, dst), from);
  }

  /**
   * Sends a TCP segment. `segmentSize` (the connection's send MSS) lets a segment larger than the MTU go to a
   * device that segments (TSO: see tsoMaxPayload); without it such a segment is fragmented. Over the Ethernet
   * interface with the next hop's MAC known, the frame is written in place with nothing allocated, its checksum
   * left partial when the device finishes it.
   */
  sendTcp(src: number, dst: number, seg: TcpRepr, segmentSize = 0): boolean {
    const length = TcpRepr.bufferLength(seg);
    if (this.dev !== null && !this.isLocal(dst) && !isLoopback(src)) {
      const hop = this.route(dst);
      const mac = hop >= 0 && hop !== IPV4_BROADCAST ? this.arp.lookup(hop, this.now()) : undefined;
      if (mac !== undefined) {
        const big = IPV4_HEADER_LENGTH + length > this.mtu;
        if (!big) return this.writeTcpFrame(mac, src, dst, seg, length, 0);
        if (segmentSize > 0 && this.tsoMaxPayload > 0 && seg.payload.length <= this.tsoMaxPayload) {
          return this.writeTcpFrame(mac, src, dst, seg, length, segmentSize);
        }
      }
    }
    return this.sendIpv4(dst, IpProtocol.TCP, length, (b) => TcpRepr.emit(seg, new TcpPacket(b), src, dst), src);
  }

  private writeTcpFrame(mac: number, src: number, dst: number, seg: TcpRepr, length: number, gsoSize: number): boolean {
    const ip = this.txIp;
    ip.src = src;
    ip.dst = dst;
    ip.payloadLength = length;
    ip.ident = this.ident = (this.ident + 1) & 0xffff;
    // The device numbers the segments it cuts ident, ident + 1, ...: the next datagram's ident comes after them.
    if (gsoSize > 0) this.ident = (this.ident + Math.ceil(seg.payload.length / gsoSize) - 1) & 0xffff;
    const partial = this.offloads.txChecksum;
    const tx = this.txOffload;
    tx.gsoSize = gsoSize;
    tx.hdrLen = TCP_AT + length - seg.payload.length;
    this.txSeg = seg;
    this.txMac = mac;
    let ok: boolean;
    try {
      ok = this.dev!.write(TCP_AT + length, partial ? this.fillTcpPartial : this.fillTcpFull, partial ? tx : null);
    } finally {
      this.txSeg = null;
    }
    if (ok) {
      this.stats.txFrames++;
      if (gsoSize > 0) this.stats.txSegmented++;
      if (partial) this.stats.txPartialChecksum++;
    } else {
      this.stats.txDeviceFull++;
    }
    return ok;
  }

  private fillTcp(frame: Uint8Array, partial: boolean): void {
    const ip = this.txIp;
    writeEthernetHeader(frame, 0, this.txMac, this.mac, EtherType.IPv4);
    Ipv4Repr.emitAt(ip, frame, ETHERNET_HEADER_LENGTH);
    TcpRepr.emitAt(this.txSeg!, frame, TCP_AT, frame.length, ip.src, ip.dst, partial ? "partial" : "full");
  }

  private readonly fillTcpPartial = (frame: Uint8Array): void => this.fillTcp(frame, true);
  private readonly fillTcpFull = (frame: Uint8Array): void => this.fillTcp(frame, false);

  /** Sends an ICMP echo request (ping). */
  sendEchoRequest(dst: number, ident: number, seqNo: number, data: Uint8Array): boolean {
    const req: Icmpv4Repr = { type: "echoRequest", ident, seqNo, data };
    return this.sendIpv4(dst, IpProtocol.ICMP, Icmpv4Repr.bufferLength(req), (b) => Icmpv4Repr.emit(req, new Icmpv4Packet(b)));
  }

  // ---------------------------------------------------------------- IPv4 out

  /**
   * The Ethernet next hop for `dst`: itself on the subnet (or broadcast), else the gateway; -1 when unreachable
   * (no device, no address yet, no default route). Local addresses (see isLocal) go through loopback instead.
   */
  route(dst: number): number {
    const cfg = this.config;
    if (this.dev === null) return -1;
    if (dst === IPV4_BROADCAST) return dst;
    if (!cfg) return -1;
    if ((((dst ^ cfg.address) & this.netmask(cfg.prefixLength)) >>> 0) === 0) return dst;
    return cfg.gateway !== 0 ? cfg.gateway : -1;
  }

  /**
   * Sends an IPv4 datagram whose payload (`length` bytes) `fill` writes. Returns false when there is no route or
   * the device is full; true when sent or queued for address resolution.
   */
  sendIpv4(dst: number, protocol: number, length: number, fill: (payload: Uint8Array) => void, src?: number): boolean {
    const local = this.isLocal(dst);
    if (!local && src !== undefined && isLoopback(src)) return false;   // a loopback source never goes on a wire
    const hop = local ? dst : this.route(dst);
    if (hop < 0) return false;
    const repr: Ipv4Repr = {
      src: src ?? this.sourceFor(dst), dst, protocol, payloadLength: length, ttl: DEFAULT_TTL, dscp: 0, ecn: 0,
      ident: this.ident = (this.ident + 1) & 0xffff, dontFrag: false, moreFrags: false, fragOffset: 0,
    };
    if (local) {
      const datagram = new Uint8Array(IPV4_HEADER_LENGTH + length);   // the loopback queue keeps it
      Ipv4Repr.emit(repr, new Ipv4Packet(datagram));
      fill(datagram.subarray(IPV4_HEADER_LENGTH));
      if (datagram.length <= this.lo.mtu) return this.lo.transmit(datagram);
      return this.fragment(datagram, this.lo.mtu, (size, f) => {
        const d = new Uint8Array(size);
        f(d);
        return this.lo.transmit(d);
      });
    }
    const now = this.now();
    const mac = hop === IPV4_BROADCAST ? BROADCAST_MAC : this.arp.lookup(hop, now);
    if (mac !== undefined && IPV4_HEADER_LENGTH + length <= this.mtu) {
      return this.writeFrame(mac, EtherType.IPv4, IPV4_HEADER_LENGTH + length, (b) => {
        Ipv4Repr.emit(repr, new Ipv4Packet(b));
        fill(b.subarray(IPV4_HEADER_LENGTH, IPV4_HEADER_LENGTH + length));
      });
    }
    // Unresolved or too big: build the datagram once, then queue it or cut it into fragments.
    const datagram = new Uint8Array(IPV4_HEADER_LENGTH + length);
    Ipv4Repr.emit(repr, new Ipv4Packet(datagram));
    fill(datagram.subarray(IPV4_HEADER_LENGTH));
    if (mac === undefined) {
      if (this.arp.enqueue(hop, datagram, now)) this.sendArp(ArpOperation.Request, 0, hop);
      return true;
    }
    return this.transmitIpv4Datagram(datagram, mac);
  }

  /** Sends a complete datagram to `mac`, fragmenting it to the MTU. */
  private transmitIpv4Datagram(datagram: Uint8Array, mac: number): boolean {
    return this.fragment(datagram, this.mtu, (size, fill) => this.writeFrame(mac, EtherType.IPv4, size, fill));
  }

  /** Writes `datagram` through `write` whole, or cut into fragments of at most `mtu` bytes (8-byte aligned offsets). */
  private fragment(datagram: Uint8Array, mtu: number,
    write: (size: number, fill: (b: Uint8Array) => void) => boolean): boolean {
    if (datagram.length <= mtu) return write(datagram.length, (b) => b.set(datagram));
    const head = Ipv4Repr.parse(new Ipv4Packet(datagram), false);
    const payload = datagram.subarray(IPV4_HEADER_LENGTH);
    const chunk = Math.floor((mtu - IPV4_HEADER_LENGTH) / 8) * 8;
    let ok = true;
    for (let off = 0; off < payload.length; off += chunk) {
      const part = payload.subarray(off, Math.min(payload.length, off + chunk));
      const frag: Ipv4Repr = { ...head, payloadLength: part.length, fragOffset: off, moreFrags: off + chunk < payload.length };
      ok = write(IPV4_HEADER_LENGTH + part.length, (b) => {
        Ipv4Repr.emit(frag, new Ipv4Packet(b));
        b.set(part, IPV4_HEADER_LENGTH);
      }) && ok;
    }
    return ok;
  }

  private sendArp(operation: number, targetMac: number, targetIp: number): void {
    const repr: ArpRepr = {
      operation, senderHardwareAddr: this.mac, senderProtocolAddr: this.config?.address ?? 0,
      targetHardwareAddr: targetMac, targetProtocolAddr: targetIp,
    };
    this.writeFrame(operation === ArpOperation.Request ? BROADCAST_MAC : targetMac, EtherType.ARP, ARP_PACKET_LENGTH,
      (b) => ArpRepr.emit(repr, new ArpPacket(b)));
  }

  private writeFrame(dst: number, ethertype: number, length: number, fill: (payload: Uint8Array) => void): boolean {
    if (this.dev === null) return false;
    const ok = this.dev.write(ETHERNET_HEADER_LENGTH + length, (frame) => {
      writeEthernetHeader(frame, 0, dst, this.mac, ethertype);
      fill(frame.subarray(ETHERNET_HEADER_LENGTH));
    });
    if (ok) this.stats.txFrames++;
    else this.stats.txDeviceFull++;
    return ok;
  }

  // ---------------------------------------------------------------- time

  /** Delivers what the host sent itself (loopback), then runs due housekeeping: ARP retries, expired reassemblies. */
  poll(now: number): void {
    this.lo.drain(this.receiveLoopback);
    for (const ip of this.arp.due(now)) this.sendArp(ArpOperation.Request, 0, ip);
    this.fragments.expire(now);
  }

  /** When poll() next has work (ms; 0 while loopback datagrams wait), or Infinity. */
  pollAt(): number {
    if (this.lo.pending > 0) return 0;
    return Math.min(this.arp.pollAt(), this.fragments.pollAt());
  }
}
