// libos/net/stack/dhcp_client.ts — a DHCPv4 client (RFC 2131): DISCOVER → OFFER → REQUEST → ACK, retransmission
// with exponential backoff, NAK restarts, renewal at T1 (unicast to the server) and rebinding at T2 (broadcast),
// lease expiry. It configures the interface when bound. Time is passed in. Layer: libos/net/stack.

import {
  DHCP_CLIENT_PORT, DHCP_SERVER_PORT, DhcpMessageType, DhcpPacket, DhcpRepr, IPV4_BROADCAST, maskToPrefix, WireError,
} from "../wire/index.ts";
import type { NetInterface } from "./interface.ts";

export type DhcpState = "init" | "selecting" | "requesting" | "bound" | "renewing" | "rebinding";

const PARAMS = new Uint8Array([1, 3, 6, 51, 54, 58, 59]);

export class DhcpClient {
  state: DhcpState = "init";
  private xid = 0;
  private offer: DhcpRepr | null = null;
  private nextSend = 0;
  private tries = 0;
  private boundAt = 0;
  private lease = { t1: 0, t2: 0, end: 0, server: 0, address: 0 };
  /** Called each time a lease is obtained or renewed with new settings. */
  onBound: (() => void) | null = null;
  /** The host name the server gave with the lease (option 12), or null. */
  hostName: string | null = null;

  constructor(private readonly ifc: NetInterface, private readonly random32: () => number,
              private readonly clock: () => number) {
    ifc.bindUdp(DHCP_CLIENT_PORT, (_src, srcPort, _dst, payload) => {
      if (srcPort === DHCP_SERVER_PORT) this.receive(payload);
    });
  }

  /** Starts (or restarts) discovery. */
  start(now: number): void {
    this.state = "selecting";
    this.xid = this.random32() >>> 0;
    this.tries = 0;
    this.offer = null;
    this.nextSend = now;
    this.poll(now);
  }

  private backoff(now: number): void {
    this.tries++;
    this.nextSend = now + Math.min(64_000, 1000 * 2 ** Math.min(this.tries, 6)) * (0.75 + 0.5 * ((this.random32() >>> 0) / 2 ** 32));
  }

  private message(type: number, extra: Partial<DhcpRepr>): DhcpRepr {
    return {
      messageType: type, transactionId: this.xid, secs: 0, broadcast: this.state !== "renewing",
      clientHardwareAddress: this.ifc.mac, clientIp: 0, yourIp: 0, serverIp: 0, relayIp: 0,
      serverIdentifier: null, requestedIp: null, leaseTime: null, renewalTime: null, rebindingTime: null,
      subnetMask: null, router: null, dnsServers: null, parameterRequestList: PARAMS, clientIdentifier: null,
      maxMessageSize: 1500, ...extra,
    };
  }

  private send(repr: DhcpRepr, dst: number): void {
    const bytes = new Uint8Array(DhcpRepr.bufferLength(repr));
    DhcpRepr.emit(repr, new DhcpPacket(bytes));
    this.ifc.sendUdp(DHCP_CLIENT_PORT, dst, DHCP_SERVER_PORT, bytes, repr.clientIp);
  }

  /** Sends what is due: discovery and request retransmissions, renewals; expires the lease. */
  poll(now: number): void {
    if (this.state === "bound" && now >= this.lease.t1) { this.state = "renewing"; this.xid = this.random32() >>> 0; this.nextSend = now; }
    if (this.state === "renewing" && now >= this.lease.t2) { this.state = "rebinding"; this.nextSend = now; }
    if ((this.state === "renewing" || this.state === "rebinding") && now >= this.lease.end) {
      this.ifc.config = null;
      this.start(now);
      return;
    }
    if (now < this.nextSend || this.state === "bound" || this.state === "init") return;
    if (this.state === "selecting") {
      this.send(this.message(DhcpMessageType.Discover, {}), IPV4_BROADCAST);
    } else if (this.state === "requesting" && this.offer) {
      if (this.tries >= 4) { this.start(now); return; }
      this.send(this.message(DhcpMessageType.Request, {
        requestedIp: this.offer.yourIp, serverIdentifier: this.offer.serverIdentifier,
      }), IPV4_BROADCAST);
    } else if (this.state === "renewing" || this.state === "rebinding") {
      const renew = this.message(DhcpMessageType.Request, { clientIp: this.lease.address });
      this.send(renew, this.state === "renewing" ? this.lease.server : IPV4_BROADCAST);
    }
    this.backoff(now);
  }

  /** When poll() next has work (ms), or Infinity. */
  pollAt(): number {
    if (this.state === "init") return Infinity;
    if (this.state === "bound") return this.lease.t1;
    return Math.min(this.nextSend, this.lease.end || Infinity);
  }

  private receive(payload: Uint8Array): void {
    let msg: DhcpRepr;
    try {
      msg = DhcpRepr.parse(DhcpPacket.check(payload));
    } catch (e) {
      if (e instanceof WireError) return;
      throw e;
    }
    if (msg.transactionId !== this.xid || msg.clientHardwareAddress !== this.ifc.mac) return;
    const now = this.clock();
    if (msg.messageType === DhcpMessageType.Offer && this.state === "selecting") {
      this.offer = msg;
      this.state = "requesting";
      this.tries = 0;
      this.nextSend = now;
      this.poll(now);
    } else if (msg.messageType === DhcpMessageType.Ack && this.state !== "selecting" && this.state !== "bound") {
      this.bind(msg, now);
    } else if (msg.messageType === DhcpMessageType.Nak && this.state !== "selecting") {
      this.ifc.config = null;
      this.start(now);
    }
  }

  private bind(ack: DhcpRepr, now: number): void {
    // 0xffffffff seconds is an infinite lease (RFC 2131 §3.3; passt hands these out): never renewed nor expired.
    const ms = (s: number) => (s === 0xffffffff ? Infinity : s * 1000);
    const leaseMs = ms(ack.leaseTime ?? 86400);
    this.lease = {
      address: ack.yourIp,
      server: ack.serverIdentifier ?? ack.serverIp,
      t1: now + (ack.renewalTime !== null ? ms(ack.renewalTime) : leaseMs / 2),
      t2: now + (ack.rebindingTime !== null ? ms(ack.rebindingTime) : leaseMs * 0.875),
      end: now + leaseMs,
    };
    this.ifc.config = {
      address: ack.yourIp,
      prefixLength: ack.subnetMask !== null ? maskToPrefix(ack.subnetMask) : 24,
      gateway: ack.router ?? 0,
      dns: ack.dnsServers ?? [],
    };
    this.hostName = ack.hostName || null;
    this.state = "bound";
    this.boundAt = now;
    this.onBound?.();
  }

  /** Milliseconds since the lease was obtained. */
  leaseAge(now: number): number {
    return now - this.boundAt;
  }
}
