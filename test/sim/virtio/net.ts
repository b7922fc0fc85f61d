// test/sim/virtio/net.ts — a simulated virtio-net device (virtio 1.x section 5.1) with a peer API: the test
// delivers frames into the guest's posted receive buffers and collects the frames the guest transmits. MAC, MTU and
// link status are configurable (each feature may be withheld); transmit completions can be held back to fill the
// ring. With `offloads` it also offers CSUM, GUEST_CSUM, HOST_TSO4, GUEST_TSO4 and MRG_RXBUF as QEMU's tap backend
// does: deliver() then writes the header fields the test gives and, once MRG_RXBUF is agreed, spreads a frame over
// as many receive buffers as it needs (num_buffers), or lies about that count when told to.
// Layer: test support. Depends on transport.ts, split_ring.ts and test/sim/platform.ts.

import { DEVICE_NET } from "../../../drivers/virtio/transport.ts";
import type { SimPlatform } from "../platform.ts";
import { gather, scatter, type DeviceQueue } from "./split_ring.ts";
import { SimVirtioTransport, type SimVirtioOptions } from "./transport.ts";

export const NET_F_CSUM = 0, NET_F_GUEST_CSUM = 1, NET_F_MTU = 3, NET_F_MAC = 5, NET_F_GUEST_TSO4 = 7,
  NET_F_HOST_TSO4 = 11, NET_F_MRG_RXBUF = 15, NET_F_STATUS = 16;
/** struct virtio_net_hdr_v1: flags, gso_type, hdr_len, gso_size, csum_start, csum_offset, num_buffers. */
export const SIM_NET_HDR = 12;
const RX = 0, TX = 1;

export interface SimNetOptions extends Partial<Omit<SimVirtioOptions, "deviceId">> {
  mac?: Uint8Array;
  mtu?: number;
  linkUp?: boolean;
  /** Which of MAC, MTU and STATUS are offered (default all), and the offloads (default none). */
  offer?: { mac?: boolean; mtu?: boolean; status?: boolean; offloads?: boolean };
  /** Largest receive and transmit queues (default 256 each). */
  queueSize?: number;
  /** Fill each transmit buffer with 0xa5 after reading it, as stale memory would look (default false). */
  scribbleTx?: boolean;
}

/** The fields of a received frame's header the test sets (all 0 unless given). */
export interface SimRxHeader {
  flags?: number;
  gsoType?: number;
  hdrLen?: number;
  gsoSize?: number;
  csumStart?: number;
  csumOffset?: number;
  /** num_buffers as written; default: the buffers the frame took. */
  numBuffers?: number;
}

/** A transmitted frame: the virtio-net header as the driver wrote it, and the Ethernet frame after it. */
export interface SimTxFrame {
  header: Uint8Array;
  frame: Uint8Array;
}

/**
 * A network device with a test-driven peer.
 *
 * ```ts
 * const dev = new SimVirtioNet(sim, { mtu: 1500 });
 * const net = new VirtioNet(dev);
 * net.listen((f) => got.push(f.slice()));
 * dev.deliver(frame);        // lands in a posted RX buffer; the interrupt runs the handler in the loop
 * dev.transmitted;           // frames the guest sent
 * ```
 */
export class SimVirtioNet extends SimVirtioTransport {
  /** Frames the guest transmitted, in order. */
  readonly transmitted: SimTxFrame[] = [];
  /** Frames deliver() could not place (no receive buffer posted, or one too small). */
  rxDropped = 0;
  /** While true the device does not take transmit buffers (the ring fills up); release with releaseTx(). */
  holdTx = false;
  private readonly scribble: boolean;

  constructor(sim: SimPlatform, o: SimNetOptions = {}) {
    const offer = { mac: true, mtu: true, status: true, ...o.offer };
    let features = 0n;
    if (offer.mac) features |= 1n << BigInt(NET_F_MAC);
    if (offer.mtu) features |= 1n << BigInt(NET_F_MTU);
    if (offer.status) features |= 1n << BigInt(NET_F_STATUS);
    if (offer.offloads) {
      for (const f of [NET_F_CSUM, NET_F_GUEST_CSUM, NET_F_GUEST_TSO4, NET_F_HOST_TSO4, NET_F_MRG_RXBUF]) features |= 1n << BigInt(f);
    }
    const qs = o.queueSize ?? 256;
    super(sim, { name: "sim net", queueSizes: [qs, qs], ...o, deviceId: DEVICE_NET, features: o.features ?? features });
    this.scribble = o.scribbleTx ?? false;
    const mac = o.mac ?? Uint8Array.of(0x02, 0x00, 0x5e, 0x10, 0x20, 0x30);
    for (let i = 0; i < 6; i++) this.config.setUint8(i, mac[i]);
    this.config.setUint16(6, (o.linkUp ?? true) ? 1 : 0, true);
    this.config.setUint16(8, 1, true);                     // max_virtqueue_pairs
    this.config.setUint16(10, o.mtu ?? 1500, true);
  }

  /** Receive buffers the guest has posted and the device has not filled. */
  get rxPosted(): number {
    return this.hasQueue(RX) ? this.queue(RX).pending : 0;
  }

  /** Transmit buffers waiting for the device (while holdTx). */
  get txWaiting(): number {
    return this.hasQueue(TX) ? this.queue(TX).pending : 0;
  }

  /** True when the driver agreed to feature `bit`. */
  agreed(bit: number): boolean {
    return ((this.driverFeatures) & (1n << BigInt(bit))) !== 0n;
  }

  /** Header and buffer count of the frames delivered, in order (what the device wrote). */
  readonly delivered: { header: Uint8Array; buffers: number }[] = [];

  /**
   * The peer sends `frame` to the guest, behind a header with the fields of `h`. Without MRG_RXBUF the frame must
   * fit one buffer; with it, it takes as many as it needs, all published together. Returns false (and counts
   * rxDropped) when it could not be placed.
   */
  deliver(frame: Uint8Array, h: SimRxHeader = {}): boolean {
    const q = this.hasQueue(RX) ? this.queue(RX) : null;
    if (!q || q.pending === 0) {
      this.rxDropped++;
      return false;
    }
    const mergeable = this.agreed(NET_F_MRG_RXBUF);
    const total = SIM_NET_HDR + frame.length;
    const chains = [];
    let room = 0;
    do {
      const chain = q.pending > 0 ? q.take() : null;
      if (!chain) break;
      chains.push(chain);
      room += chain.writableLength;
    } while (mergeable && room < total);
    if (room < total) {
      this.rxDropped++;
      for (const c of chains) q.use(c.head, 0);
      this.interrupt(q);
      return false;
    }
    const header = new Uint8Array(SIM_NET_HDR);
    const hv = new DataView(header.buffer);
    header[0] = h.flags ?? 0;
    header[1] = h.gsoType ?? 0;
    hv.setUint16(2, h.hdrLen ?? 0, true);
    hv.setUint16(4, h.gsoSize ?? 0, true);
    hv.setUint16(6, h.csumStart ?? 0, true);
    hv.setUint16(8, h.csumOffset ?? 0, true);
    hv.setUint16(10, h.numBuffers ?? chains.length, true);
    const bytes = new Uint8Array(total);
    bytes.set(header);
    bytes.set(frame, SIM_NET_HDR);
    let at = 0;
    for (const c of chains) {
      const n = Math.min(c.writableLength, total - at);
      scatter(c.writable, 0, bytes.subarray(at, at + n));
      q.use(c.head, n);
      at += n;
    }
    this.delivered.push({ header, buffers: chains.length });
    this.interrupt(q);
    return true;
  }

  /**
   * Completes one receive buffer with `bytes` written as they are (header included): for a device that breaks the
   * rules (a num_buffers past what it published, a header shorter than 12 bytes). Returns false when none is posted.
   */
  deliverRaw(bytes: Uint8Array): boolean {
    const q = this.hasQueue(RX) ? this.queue(RX) : null;
    const chain = q && q.pending > 0 ? q.take() : null;
    if (!q || !chain) return false;
    const n = Math.min(chain.writableLength, bytes.length);
    scatter(chain.writable, 0, bytes.subarray(0, n));
    q.use(chain.head, n);
    this.interrupt(q);
    return true;
  }

  /** Changes the link status in the config space and signals a configuration change. */
  setLink(up: boolean): void {
    this.config.setUint16(6, up ? 1 : 0, true);
    this.configChanged();
  }

  /** Stops holding transmit buffers and completes the waiting ones. */
  releaseTx(): void {
    this.holdTx = false;
    this.runQueue(TX);
  }

  protected override processQueue(q: DeviceQueue): void {
    if (q.index !== TX || this.holdTx) return;            // receive buffers wait for deliver()
    let any = false;
    for (let chain = q.take(); chain; chain = q.take()) {
      const bytes = gather(chain.readable);
      this.transmitted.push({ header: bytes.slice(0, SIM_NET_HDR), frame: bytes.slice(SIM_NET_HDR) });
      if (this.scribble) for (const r of chain.readable) r.fill(0xa5);
      q.use(chain.head, 0);
      any = true;
    }
    if (any) this.interrupt(q);
  }
}
