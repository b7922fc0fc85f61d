// drivers/virtio/pci_transport.ts — the modern virtio-pci transport (virtio 1.x section 4.1): vendor capabilities
// locate the common, notify, ISR and device configuration structures in memory BARs; interrupts by MSI-X
// (one vector for all queues and config changes) or, without MSI-X, the legacy INTx line through the I/O APIC.
// Layer: drivers/virtio (transport). Depends on drivers/pci and kernel.

import { onGsi, onMsi } from "../../kernel/interrupts.ts";
import { platform } from "../../kernel/platform.ts";
import { CAP_MSIX, CAP_VENDOR, type PciFunction } from "../pci/device.ts";
import type { QueueAddresses, VirtioTransport } from "./transport.ts";

export const PCI_VENDOR_VIRTIO = 0x1af4;

const CFG_COMMON = 1, CFG_NOTIFY = 2, CFG_ISR = 3, CFG_DEVICE = 4;
// struct virtio_pci_common_cfg offsets
const DEVICE_FEATURE_SELECT = 0x00, DEVICE_FEATURE = 0x04, DRIVER_FEATURE_SELECT = 0x08, DRIVER_FEATURE = 0x0c;
const MSIX_CONFIG = 0x10, DEVICE_STATUS = 0x14, QUEUE_SELECT = 0x16, QUEUE_SIZE = 0x18, QUEUE_MSIX_VECTOR = 0x1a;
const QUEUE_ENABLE = 0x1c, QUEUE_NOTIFY_OFF = 0x1e, QUEUE_DESC = 0x20, QUEUE_DRIVER = 0x28, QUEUE_DEVICE = 0x30;
const NO_VECTOR = 0xffff;

/** virtio device ID of a PCI function (modern 0x1040+id, or transitional 0x1000-0x103f), 0 if not virtio. */
export function virtioDeviceIdOf(f: PciFunction): number {
  if (f.vendorId !== PCI_VENDOR_VIRTIO) return 0;
  if (f.deviceId >= 0x1040 && f.deviceId <= 0x107f) return f.deviceId - 0x1040;
  if (f.deviceId >= 0x1000 && f.deviceId <= 0x103f) return f.read16(0x2e);   // subsystem ID
  return 0;
}

function mapStructure(f: PciFunction, capOffset: number): { view: DataView; capOffset: number } {
  const barIndex = f.read8(capOffset + 4);
  const offset = f.read32(capOffset + 8);
  const length = f.read32(capOffset + 12);
  const bar = f.bar(barIndex);
  if (bar.kind !== "memory") throw new Error(`virtio-pci ${f.name}: structure in I/O BAR ${barIndex} (unsupported)`);
  if (offset + length > bar.size) throw new Error(`virtio-pci ${f.name}: structure beyond BAR ${barIndex}`);
  return { view: new DataView(platform().physical(bar.address + offset, Math.max(length, 4))), capOffset };
}

export class VirtioPciTransport implements VirtioTransport {
  readonly name: string;
  readonly deviceId: number;
  readonly config: DataView;
  private readonly common: DataView;
  private readonly isr: DataView;
  private readonly notifyBase: DataView;
  private readonly notifyMultiplier: number;
  private readonly notifyOffsets = new Map<number, number>();
  private usingMsix = false;

  constructor(private readonly f: PciFunction) {
    this.name = `pci ${f.name}`;
    this.deviceId = virtioDeviceIdOf(f);
    let common, isr, notify, device;
    let multiplier = 0;
    for (const cap of f.capabilities()) {
      if (cap.id !== CAP_VENDOR) continue;
      const type = f.read8(cap.offset + 3);
      if (type === CFG_COMMON && !common) common = mapStructure(f, cap.offset);
      else if (type === CFG_ISR && !isr) isr = mapStructure(f, cap.offset);
      else if (type === CFG_DEVICE && !device) device = mapStructure(f, cap.offset);
      else if (type === CFG_NOTIFY && !notify) {
        notify = mapStructure(f, cap.offset);
        multiplier = f.read32(cap.offset + 16);
      }
    }
    if (!common || !isr || !notify) {
      throw new Error(`virtio-pci ${f.name}: missing modern capabilities (a legacy-only device is not supported)`);
    }
    this.common = common.view;
    this.isr = isr.view;
    this.notifyBase = notify.view;
    this.notifyMultiplier = multiplier;
    this.config = device ? device.view : new DataView(new ArrayBuffer(0));
    f.enable({ busMaster: true });
  }

  getStatus(): number { return this.common.getUint8(DEVICE_STATUS); }
  setStatus(s: number): void { this.common.setUint8(DEVICE_STATUS, s); }

  reset(): void {
    this.setStatus(0);
    for (let i = 0; i < 1_000_000 && this.getStatus() !== 0; i++) { /* the device finishes resetting */ }
    if (this.getStatus() !== 0) throw new Error(`virtio ${this.name}: the device did not reset`);
  }

  deviceFeatures(): bigint {
    this.common.setUint32(DEVICE_FEATURE_SELECT, 0, true);
    const lo = this.common.getUint32(DEVICE_FEATURE, true);
    this.common.setUint32(DEVICE_FEATURE_SELECT, 1, true);
    const hi = this.common.getUint32(DEVICE_FEATURE, true);
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  setDriverFeatures(features: bigint): void {
    this.common.setUint32(DRIVER_FEATURE_SELECT, 0, true);
    this.common.setUint32(DRIVER_FEATURE, Number(features & 0xffffffffn), true);
    this.common.setUint32(DRIVER_FEATURE_SELECT, 1, true);
    this.common.setUint32(DRIVER_FEATURE, Number((features >> 32n) & 0xffffffffn), true);
  }

  queueMaxSize(index: number): number {
    this.common.setUint16(QUEUE_SELECT, index, true);
    return this.common.getUint16(QUEUE_SIZE, true);
  }

  setupQueue(index: number, size: number, a: QueueAddresses): void {
    const c = this.common;
    c.setUint16(QUEUE_SELECT, index, true);
    c.setUint16(QUEUE_SIZE, size, true);
    const set64 = (off: number, v: number) => {
      c.setUint32(off, v % 2 ** 32, true);
      c.setUint32(off + 4, Math.floor(v / 2 ** 32), true);
    };
    set64(QUEUE_DESC, a.desc);
    set64(QUEUE_DRIVER, a.driver);
    set64(QUEUE_DEVICE, a.device);
    c.setUint16(QUEUE_MSIX_VECTOR, this.usingMsix ? 0 : NO_VECTOR, true);
    if (this.usingMsix && c.getUint16(QUEUE_MSIX_VECTOR, true) !== 0) {
      throw new Error(`virtio ${this.name}: queue ${index} refused MSI-X vector 0`);
    }
    this.notifyOffsets.set(index, c.getUint16(QUEUE_NOTIFY_OFF, true) * this.notifyMultiplier);
    c.setUint16(QUEUE_ENABLE, 1, true);
  }

  notify(index: number): void {
    const off = this.notifyOffsets.get(index);
    if (off === undefined) throw new Error(`virtio ${this.name}: queue ${index} is not set up`);
    this.notifyBase.setUint16(off, index, true);
  }

  /** With MSI-X the cause is not in the ISR register (reading it is harmless); report "queue" then. */
  ackInterrupt(): number {
    const v = this.isr.getUint8(0);
    return this.usingMsix ? v | 1 : v;
  }

  /** Call before setupQueue: queues are bound to the vector chosen here. */
  subscribeInterrupt(handler: () => void): number {
    if (this.f.capabilities().some((c) => c.id === CAP_MSIX)) {
      const line = onMsi(handler);
      this.f.enableMsix([line.target]);
      this.f.enable({ busMaster: true, disableIntx: true });
      this.common.setUint16(MSIX_CONFIG, 0, true);
      this.usingMsix = true;
      return line.vector;
    }
    const gsi = this.f.interruptLine;
    if (gsi < 0) throw new Error(`virtio ${this.name}: neither MSI-X nor a legacy interrupt line`);
    return onGsi(gsi, handler, { level: true, activeLow: false }).vector;
  }
}
