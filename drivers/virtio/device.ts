// drivers/virtio/device.ts — what every virtio driver does the same way: reset and the status handshake,
// feature negotiation (VERSION_1 required), queue creation in DMA memory, interrupt plumbing, and failure.
// Layer: drivers/virtio (device). Depends on the transport, the virtqueue and kernel.

import { dmaAllocPages } from "../../kernel/dma.ts";
import {
  F_VERSION_1, STATUS_ACKNOWLEDGE, STATUS_DRIVER, STATUS_DRIVER_OK, STATUS_FAILED, STATUS_FEATURES_OK,
  type VirtioTransport,
} from "./transport.ts";
import { queueLayout, Virtqueue } from "./virtqueue.ts";

export const bit = (n: number): bigint => 1n << BigInt(n);

export class VirtioDevice {
  /** The features both sides agreed on. */
  features = 0n;
  /** Set when the device failed (protocol violation, rejected features); the driver stops using it. */
  failure: string | null = null;
  /** The interrupt vector the device's interrupts arrive on (set by negotiate). */
  vector = -1;
  private readonly queues: Virtqueue<unknown>[] = [];
  private started = false;

  constructor(readonly transport: VirtioTransport, private readonly onInterrupt: (queuesChanged: boolean, configChanged: boolean) => void) {}

  /**
   * Reset, ACKNOWLEDGE, DRIVER, then features: `wanted` ∩ offered ∪ VERSION_1, passed through `adjust` when given
   * (a driver drops features whose dependencies were not offered). Throws if the device refuses.
   */
  negotiate(wanted: bigint, adjust?: (agreed: bigint) => bigint): bigint {
    const t = this.transport;
    t.reset();
    t.setStatus(STATUS_ACKNOWLEDGE);
    t.setStatus(STATUS_ACKNOWLEDGE | STATUS_DRIVER);
    const offered = t.deviceFeatures();
    if (!(offered & bit(F_VERSION_1))) this.fail(`${t.name} does not offer VIRTIO_F_VERSION_1`);
    this.features = (adjust ? adjust(offered & wanted) : offered & wanted) | bit(F_VERSION_1);
    t.setDriverFeatures(this.features);
    t.setStatus(STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
    if (!(t.getStatus() & STATUS_FEATURES_OK)) this.fail(`${t.name} rejected the features 0x${this.features.toString(16)}`);
    this.vector = t.subscribeInterrupt(() => {
      const cause = t.ackInterrupt();                 // always: a level-triggered line stays asserted otherwise
      if (this.failure) return;
      this.onInterrupt((cause & 1) !== 0, (cause & 2) !== 0);
    });
    return this.features;
  }

  has(feature: number): boolean {
    return (this.features & bit(feature)) !== 0n;
  }

  /** Allocates and registers queue `index` (size: the device's maximum, capped at `maxSize`). */
  createQueue<T>(index: number, maxSize = 256): Virtqueue<T> {
    const t = this.transport;
    const deviceMax = t.queueMaxSize(index);
    if (deviceMax === 0) this.fail(`${t.name} has no queue ${index}`);
    let size = 1;
    while (size * 2 <= Math.min(deviceMax, maxSize)) size *= 2;
    const region = dmaAllocPages(queueLayout(size).total);
    const q = new Virtqueue<T>(index, size, region, () => t.notify(index), (why) => this.markFailed(why));
    t.setupQueue(index, size, q.addresses);
    this.queues.push(q as Virtqueue<unknown>);
    return q;
  }

  /** DRIVER_OK: the device may now use the queues. */
  start(): void {
    this.transport.setStatus(STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);
    this.started = true;
  }

  get running(): boolean {
    return this.started && !this.failure;
  }

  /** Records a failure (the device broke the protocol) and sets FAILED; later calls keep the first reason. */
  markFailed(why: string): void {
    if (this.failure) return;
    this.failure = why;
    try {
      this.transport.setStatus(this.transport.getStatus() | STATUS_FAILED);
    } catch {
      // The device is already gone; the failure is recorded either way.
    }
  }

  private fail(why: string): never {
    this.markFailed(why);
    throw new Error(`virtio: ${why}`);
  }

  /** Resets the device (it stops using our memory). */
  shutdown(): void {
    try {
      this.transport.reset();
    } catch {
      // A device that does not reset is failed already.
    }
    this.started = false;
  }
}
