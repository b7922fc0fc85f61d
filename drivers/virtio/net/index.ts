// drivers/virtio/net/index.ts — virtio-net (virtio 1.x section 5.1) as a NetDevice: MAC, MTU and link status from
// the config space, a receive pool of preallocated buffers kept posted, transmit slots reclaimed on completion,
// one notification per batch of frames, a budget of frames per turn. Offloads where the device offers them
// (QEMU's tap backend does; passt and slirp do not): checksums left partial on transmit (CSUM) and trusted on
// receive (GUEST_CSUM), TCP segmentation both ways (HOST_TSO4, GUEST_TSO4 with MRG_RXBUF: a received frame spans
// several buffers). The device's headers are checked (./header.ts): a frame with an inconsistent one is dropped and
// counted, never handed on. Layer: drivers (device). Depends on drivers/virtio and kernel.

import { RX_CHECKSUM_VALID, type NetDevice, type NetOffloads, type NetStats, type TxOffload } from "../../../kernel/devices.ts";
import { dmaAllocPages } from "../../../kernel/dma.ts";
import { IoHandle, loop } from "../../../kernel/event_loop.ts";
import { bit, VirtioDevice } from "../device.ts";
import { claimVirtio } from "../discover.ts";
import { DEVICE_NET, type VirtioTransport } from "../transport.ts";
import type { Virtqueue } from "../virtqueue.ts";
import {
  checkRxHeader, ETH_HDR, F_CSUM, F_GUEST_CSUM, F_GUEST_TSO4, F_HOST_TSO4, F_MAC, F_MRG_RXBUF, F_MTU, F_STATUS,
  GSO_NONE, GSO_TCPV4, HDR_F_DATA_VALID, HDR_F_NEEDS_CSUM, MAX_TSO_FRAME, NET_HDR, type RxFeatures,
} from "./header.ts";

export { NET_HDR } from "./header.ts";

/** The offload features asked for (each only where the device offers it and its dependencies hold). */
const OFFLOAD_FEATURES = bit(F_CSUM) | bit(F_GUEST_CSUM) | bit(F_HOST_TSO4) | bit(F_GUEST_TSO4) | bit(F_MRG_RXBUF);

/** Large transmit buffers (TSO frames), each NET_HDR + MAX_TSO_FRAME rounded up to pages. */
const TSO_SLOTS = 16;

export interface VirtioNetOptions {
  /** Ask for the checksum and segmentation offloads (default true). */
  offloads?: boolean;
}

export class VirtioNet implements NetDevice {
  readonly mac: Uint8Array;
  readonly mtu: number;
  readonly offloads: NetOffloads;
  private readonly dev: VirtioDevice;
  private readonly rx: Virtqueue<number>;
  private readonly tx: Virtqueue<number>;
  /** Bytes per receive buffer and per small transmit slot. */
  private readonly slot: number;
  private readonly rxBuf: Uint8Array;
  private readonly rxAddr: number;
  private readonly txBuf: Uint8Array;
  private readonly txAddr: number;
  private readonly txFree: number[] = [];
  /** TSO transmit buffers (allocated on the first large frame); their tokens are tx.size + index. */
  private bigBuf: Uint8Array | null = null;
  private bigAddr = 0;
  private bigSlot = 0;
  private readonly bigFree: number[] = [];
  private readonly rxFeatures: RxFeatures;
  /** A frame that spans several receive buffers is copied together here (allocated on first use). */
  private assembly: Uint8Array | null = null;
  /** The most buffers one received frame may span. */
  private readonly maxBuffers: number;
  private handler: ((frame: Uint8Array, flags: number) => void) | null = null;
  private writable: (() => void)[] = [];
  private kickScheduled = false;
  private readonly kickTx = (): void => { this.kickScheduled = false; this.tx.kick(); };
  private refed = true;
  private readonly handle: IoHandle;
  private readonly counters = {
    rxFrames: 0, rxBytes: 0, txFrames: 0, txBytes: 0, rxDropped: 0, txDropped: 0,
    /** Received frames dropped for an inconsistent virtio-net header or buffer count (a subset of rxDropped). */
    rxInvalid: 0,
    /** Received frames larger than the MTU (coalesced segments) and frames that spanned several buffers. */
    rxLarge: 0, rxMerged: 0,
    /** Received frames whose checksum the device vouched for. */
    rxChecksumValid: 0,
    /** Frames sent for the device to segment, and with a checksum left to the device. */
    txLarge: 0, txChecksum: 0,
  };

  constructor(transport: VirtioTransport, o: VirtioNetOptions = {}) {
    this.dev = new VirtioDevice(transport, () => this.onInterrupt());
    const wanted = bit(F_MTU) | bit(F_MAC) | bit(F_STATUS) | (o.offloads === false ? 0n : OFFLOAD_FEATURES);
    this.dev.negotiate(wanted, offloadDependencies);
    const c = transport.config;
    this.mac = new Uint8Array(6);
    if (this.dev.has(F_MAC)) for (let i = 0; i < 6; i++) this.mac[i] = c.getUint8(i);
    else this.mac.set([0x52, 0x54, 0x00, 0x12, 0x34, 0x56]);
    this.mtu = this.dev.has(F_MTU) ? c.getUint16(10, true) : 1500;
    this.rxFeatures = {
      guestCsum: this.dev.has(F_GUEST_CSUM), guestTso4: this.dev.has(F_GUEST_TSO4), mergeable: this.dev.has(F_MRG_RXBUF),
      mtu: this.mtu,
    };
    this.offloads = Object.freeze({
      txChecksum: this.dev.has(F_CSUM), tsoMaxBytes: this.dev.has(F_HOST_TSO4) ? MAX_TSO_FRAME : 0,
      rxLarge: this.rxFeatures.guestTso4,
    });
    this.slot = Math.ceil((NET_HDR + ETH_HDR + this.mtu) / 64) * 64;
    const maxFrame = this.rxFeatures.guestTso4 ? MAX_TSO_FRAME : ETH_HDR + this.mtu;
    this.maxBuffers = this.rxFeatures.mergeable ? Math.ceil((NET_HDR + maxFrame) / this.slot) : 1;
    this.rx = this.dev.createQueue<number>(0, 1024);           // bursts (many connections) without drops
    this.tx = this.dev.createQueue<number>(1, 256);
    const rxRegion = dmaAllocPages(this.rx.size * this.slot);
    const txRegion = dmaAllocPages(this.tx.size * this.slot);
    this.rxBuf = new Uint8Array(rxRegion.buffer);
    this.rxAddr = rxRegion.address;
    this.txBuf = new Uint8Array(txRegion.buffer);
    this.txAddr = txRegion.address;
    for (let i = this.tx.size - 1; i >= 0; i--) this.txFree.push(i);
    this.dev.start();
    for (let i = 0; i < this.rx.size; i++) this.postRx(i);
    this.rx.kick();
    this.handle = new IoHandle(loop()).unref();
  }

  get linkUp(): boolean {
    return !this.dev.has(F_STATUS) || (this.dev.transport.config.getUint16(6, true) & 1) === 1;
  }

  private postRx(i: number): void {
    this.rx.addBuffer(this.rxAddr + i * this.slot, this.slot, true, i);
  }

  write(size: number, fill: (frame: Uint8Array) => void, o?: TxOffload | null): boolean {
    const gso = o != null && o.gsoSize > 0 && size > ETH_HDR + this.mtu && this.offloads.tsoMaxBytes > 0;
    if (size < ETH_HDR || size > (gso ? this.offloads.tsoMaxBytes : ETH_HDR + this.mtu)) {
      throw new RangeError(gso
        ? `frame of ${size} bytes: expected 14..${this.offloads.tsoMaxBytes} for a segmented frame`
        : `frame of ${size} bytes: expected ${ETH_HDR}..${ETH_HDR + this.mtu}`);
    }
    const csumStart = o != null ? o.csumStart : 0;
    if (csumStart > 0) {
      if (!this.offloads.txChecksum) throw new RangeError("a partial checksum was given to a device without checksum offload");
      if (csumStart + o!.csumOffset + 2 > size) {
        throw new RangeError(`checksum at ${csumStart}+${o!.csumOffset} lies outside a frame of ${size} bytes`);
      }
    } else if (gso) {
      throw new RangeError("a segmented frame needs a partial checksum (csumStart)");
    }
    if (this.dev.failure) { this.counters.txDropped++; return false; }
    let token: number | undefined, buf: Uint8Array, off: number, addr: number;
    if (gso) {
      if (this.bigBuf === null) this.allocBig();
      if (this.bigFree.length === 0) this.reclaimTx();
      const k = this.bigFree.pop();
      if (k === undefined) return false;
      token = this.tx.size + k;
      buf = this.bigBuf!;
      off = k * this.bigSlot;
      addr = this.bigAddr + off;
    } else {
      if (this.txFree.length === 0) this.reclaimTx();
      token = this.txFree.pop();
      if (token === undefined) return false;
      buf = this.txBuf;
      off = token * this.slot;
      addr = this.txAddr + off;
    }
    // struct virtio_net_hdr_v1, little-endian: flags, gso_type, hdr_len, gso_size, csum_start, csum_offset, num_buffers.
    buf[off] = csumStart > 0 ? HDR_F_NEEDS_CSUM : 0;
    buf[off + 1] = gso ? GSO_TCPV4 : GSO_NONE;
    const hdrLen = gso ? o!.hdrLen : 0, gsoSize = gso ? o!.gsoSize : 0, csumOffset = csumStart > 0 ? o!.csumOffset : 0;
    buf[off + 2] = hdrLen; buf[off + 3] = hdrLen >>> 8;
    buf[off + 4] = gsoSize; buf[off + 5] = gsoSize >>> 8;
    buf[off + 6] = csumStart; buf[off + 7] = csumStart >>> 8;
    buf[off + 8] = csumOffset; buf[off + 9] = csumOffset >>> 8;
    buf[off + 10] = 0; buf[off + 11] = 0;
    fill(buf.subarray(off + NET_HDR, off + NET_HDR + size));
    this.tx.addBuffer(addr, NET_HDR + size, false, token);
    this.counters.txFrames++;
    this.counters.txBytes += size;
    if (gso) this.counters.txLarge++;
    if (csumStart > 0) this.counters.txChecksum++;
    if (!this.kickScheduled) {
      this.kickScheduled = true;
      loop().nextTick(this.kickTx);
    }
    return true;
  }

  private allocBig(): void {
    this.bigSlot = Math.ceil((NET_HDR + MAX_TSO_FRAME) / 4096) * 4096;
    const region = dmaAllocPages(TSO_SLOTS * this.bigSlot);
    this.bigBuf = new Uint8Array(region.buffer);
    this.bigAddr = region.address;
    for (let k = TSO_SLOTS - 1; k >= 0; k--) this.bigFree.push(k);
  }

  listen(handler: (frame: Uint8Array, flags: number) => void): void {
    this.handler = handler;
    if (this.refed) this.handle.ref();
  }

  ref(): void {
    this.refed = true;
    if (this.handler) this.handle.ref();
  }

  unref(): void {
    this.refed = false;
    this.handle.unref();
  }

  onWritable(callback: () => void): void {
    this.writable.push(callback);
  }

  stats(): NetStats & typeof this.counters {
    return { ...this.counters };
  }

  private reclaimTx(): void {
    const size = this.tx.size;
    for (let t = this.tx.next(); t !== undefined; t = this.tx.next()) {
      if (t < size) this.txFree.push(t);
      else this.bigFree.push(t - size);
    }
  }

  /** An onInterrupt is queued for frames left over by the budget. */
  private morePending = false;
  private closed = false;
  private readonly again = (): void => { this.morePending = false; if (!this.closed) this.onInterrupt(); };

  private onInterrupt(): void {
    // A budget per turn, as Linux's NAPI weight: the frames of a burst (64 requests from 64 connections) are taken
    // RX_BUDGET at a time, each batch handled by the stack and the app — their answers sent — before the next one
    // is taken, in the next poll phase. Taking all at once answered every request of the burst only after the last
    // was handled (wrk -c64 under TCG: a second per batch, so connections ran in lockstep and a slow batch timed
    // out all 64), and left the later ones unacknowledged that long.
    let n = 0;
    try {
      for (; n < RX_BUDGET; n++) {
        const i = this.rx.next();
        if (i === undefined) break;
        this.receive(i, this.rx.lastWritten);
      }
    } finally {
      this.rx.kick();
      if (this.rx.completedPending > 0 && !this.morePending) {
        this.morePending = true;
        loop().queueCompletion(this.again);
      }
    }
    this.reclaimTx();
    if ((this.txFree.length > 0 || this.bigFree.length > 0) && this.writable.length > 0) {
      for (const cb of this.writable.splice(0)) cb();
    }
  }

  private drop(invalid: boolean): void {
    this.counters.rxDropped++;
    if (invalid) this.counters.rxInvalid++;
  }

  /** One received frame whose first buffer is `i` (`written` bytes): checked, reassembled, handed on. */
  private receive(i: number, written: number): void {
    const b = this.rxBuf, off = i * this.slot;
    const count = this.rxFeatures.mergeable && written >= NET_HDR ? b[off + 10] | (b[off + 11] << 8) : 1;
    if (count === 1) {
      try {
        const len = written - NET_HDR;
        const flags = this.check(b, off, len);
        if (flags < 0) return;
        this.counters.rxFrames++;
        this.counters.rxBytes += len;
        this.handler!(b.subarray(off + NET_HDR, off + written), flags);
      } finally {
        this.postRx(i);
      }
      return;
    }
    this.postRx(i);
    if (count === 0 || count > this.maxBuffers) {
      // A count no frame of ours can have: nothing tells where this frame ends, so only this buffer is dropped.
      this.drop(true);
      return;
    }
    // num_buffers > 1: the rest of the frame is in the next count − 1 used entries, published with the first.
    const asm = this.assembly ??= new Uint8Array(this.maxBuffers * this.slot);
    asm.set(b.subarray(off, off + written), 0);
    let at = written;
    for (let k = 1; k < count; k++) {
      const j = this.rx.next();
      if (j === undefined) {
        // The device published fewer buffers than it announced (or broke the queue): the partial frame is dropped.
        this.drop(true);
        return;
      }
      const w = this.rx.lastWritten, o = j * this.slot;
      asm.set(b.subarray(o, o + w), at);                 // maxBuffers · slot bounds `at`: w ≤ slot per buffer
      at += w;
      this.postRx(j);
    }
    const len = at - NET_HDR;
    const flags = this.check(asm, 0, len);
    if (flags < 0) return;
    this.counters.rxFrames++;
    this.counters.rxBytes += len;
    this.counters.rxMerged++;
    this.handler!(asm.subarray(NET_HDR, at), flags);
  }

  /** The RX_* flags of a frame of `len` bytes behind the header at `buf[off]`, or -1 after dropping it. */
  private check(buf: Uint8Array, off: number, len: number): number {
    if (this.handler === null || len < ETH_HDR) {
      this.drop(false);
      return -1;
    }
    const hdrFlags = checkRxHeader(buf, off, len, this.rxFeatures);
    if (hdrFlags < 0) {
      this.drop(true);
      return -1;
    }
    if (len > ETH_HDR + this.mtu) this.counters.rxLarge++;
    if (hdrFlags & (HDR_F_NEEDS_CSUM | HDR_F_DATA_VALID)) {
      this.counters.rxChecksumValid++;
      return RX_CHECKSUM_VALID;
    }
    return 0;
  }

  close(): void {
    this.closed = true;
    this.dev.shutdown();
    this.handle.close();
    this.handler = null;
  }
}

/** Drops an agreed offload whose dependency did not make it (virtio 1.x section 5.1.3.1). */
function offloadDependencies(agreed: bigint): bigint {
  let f = agreed;
  if (!(f & bit(F_CSUM))) f &= ~bit(F_HOST_TSO4);
  // Segments coalesced by the device need 64 KiB receive buffers without MRG_RXBUF: asked for only with it.
  if (!(f & bit(F_GUEST_CSUM)) || !(f & bit(F_MRG_RXBUF))) f &= ~bit(F_GUEST_TSO4);
  return f;
}

/** Frames taken off the receive queue per turn of the event loop. */
const RX_BUDGET = 16;

/** Opens the first unclaimed virtio network device. */
export function openVirtioNet(o: VirtioNetOptions = {}): VirtioNet {
  return new VirtioNet(claimVirtio(DEVICE_NET, "network device"), o);
}
