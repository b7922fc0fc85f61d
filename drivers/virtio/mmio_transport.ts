// drivers/virtio/mmio_transport.ts — the virtio-mmio transport, version 2 (virtio 1.x section 4.2), as QEMU's
// microvm and Firecracker provide it: a 0x200-byte register window per device, one interrupt line each.
// QEMU must run with `-global virtio-mmio.force-legacy=false` (the launcher does); version 1 (legacy) is refused.
// Layer: drivers/virtio (transport). Depends on kernel.

import { onGsi } from "../../kernel/interrupts.ts";
import { platform } from "../../kernel/platform.ts";
import type { QueueAddresses, VirtioTransport } from "./transport.ts";

export const MMIO_MAGIC = 0x74726976;     // "virt"
const MAGIC = 0x000, VERSION = 0x004, DEVICE_ID = 0x008, DEVICE_FEATURES = 0x010, DEVICE_FEATURES_SEL = 0x014;
const DRIVER_FEATURES = 0x020, DRIVER_FEATURES_SEL = 0x024, QUEUE_SEL = 0x030, QUEUE_NUM_MAX = 0x034;
const QUEUE_NUM = 0x038, QUEUE_READY = 0x044, QUEUE_NOTIFY = 0x050, INTERRUPT_STATUS = 0x060;
const INTERRUPT_ACK = 0x064, STATUS = 0x070, QUEUE_DESC_LOW = 0x080, QUEUE_DRIVER_LOW = 0x090;
const QUEUE_DEVICE_LOW = 0x0a0, CONFIG = 0x100;
export const MMIO_WINDOW = 0x200;

/** Reads a window's identity without claiming it: null when nothing (or no device) is there. */
export function probeMmio(base: number): { version: number; deviceId: number } | null {
  const regs = new DataView(platform().physical(base, 0x10));
  if (regs.getUint32(MAGIC, true) !== MMIO_MAGIC) return null;
  const deviceId = regs.getUint32(DEVICE_ID, true);
  return deviceId === 0 ? null : { version: regs.getUint32(VERSION, true), deviceId };
}

export class VirtioMmioTransport implements VirtioTransport {
  readonly name: string;
  readonly deviceId: number;
  readonly config: DataView;
  private readonly regs: DataView;

  constructor(readonly base: number, private readonly gsi: number) {
    this.name = `mmio 0x${base.toString(16)}`;
    const buf = platform().physical(base, MMIO_WINDOW);
    this.regs = new DataView(buf);
    if (this.regs.getUint32(MAGIC, true) !== MMIO_MAGIC) throw new Error(`virtio ${this.name}: no virtio-mmio magic`);
    const version = this.regs.getUint32(VERSION, true);
    if (version !== 2) {
      throw new Error(`virtio ${this.name}: virtio-mmio version ${version} (legacy); ` +
        "start QEMU with -global virtio-mmio.force-legacy=false");
    }
    this.deviceId = this.regs.getUint32(DEVICE_ID, true);
    this.config = new DataView(buf, CONFIG, MMIO_WINDOW - CONFIG);
  }

  private r(off: number): number { return this.regs.getUint32(off, true); }
  private w(off: number, v: number): void { this.regs.setUint32(off, v >>> 0, true); }

  getStatus(): number { return this.r(STATUS) & 0xff; }
  setStatus(s: number): void { this.w(STATUS, s); }

  reset(): void {
    this.w(STATUS, 0);
    for (let i = 0; i < 1_000_000 && this.getStatus() !== 0; i++) { /* the device finishes resetting */ }
    if (this.getStatus() !== 0) throw new Error(`virtio ${this.name}: the device did not reset`);
  }

  deviceFeatures(): bigint {
    this.w(DEVICE_FEATURES_SEL, 0);
    const lo = this.r(DEVICE_FEATURES);
    this.w(DEVICE_FEATURES_SEL, 1);
    const hi = this.r(DEVICE_FEATURES);
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  setDriverFeatures(features: bigint): void {
    this.w(DRIVER_FEATURES_SEL, 0);
    this.w(DRIVER_FEATURES, Number(features & 0xffffffffn));
    this.w(DRIVER_FEATURES_SEL, 1);
    this.w(DRIVER_FEATURES, Number((features >> 32n) & 0xffffffffn));
  }

  queueMaxSize(index: number): number {
    this.w(QUEUE_SEL, index);
    return this.r(QUEUE_READY) ? 0 : this.r(QUEUE_NUM_MAX);
  }

  setupQueue(index: number, size: number, a: QueueAddresses): void {
    this.w(QUEUE_SEL, index);
    this.w(QUEUE_NUM, size);
    const set64 = (off: number, v: number) => {
      this.w(off, v % 2 ** 32);
      this.w(off + 4, Math.floor(v / 2 ** 32));
    };
    set64(QUEUE_DESC_LOW, a.desc);
    set64(QUEUE_DRIVER_LOW, a.driver);
    set64(QUEUE_DEVICE_LOW, a.device);
    this.w(QUEUE_READY, 1);
  }

  notify(index: number): void { this.w(QUEUE_NOTIFY, index); }

  ackInterrupt(): number {
    const s = this.r(INTERRUPT_STATUS);
    if (s) this.w(INTERRUPT_ACK, s);
    return s;
  }

  subscribeInterrupt(handler: () => void): number {
    return onGsi(this.gsi, handler, { level: true, activeLow: false }).vector;
  }
}
