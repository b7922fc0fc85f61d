// drivers/pci/device.ts — enumeration of PCI functions (bus 0 and everything behind PCI-to-PCI bridges), BAR
// decoding and sizing (and assignment when firmware left a BAR unassigned), capability lists, bus mastering,
// MSI-X. Layer: drivers/pci (bus). Depends on config.ts and kernel.

import { platform } from "../../kernel/platform.ts";
import {
  configRead16, configRead32, configRead8, configWrite16, configWrite32, type PciAddress,
} from "./config.ts";

export interface Bar {
  index: number;
  kind: "memory" | "io";
  address: number;
  size: number;
  is64: boolean;
  prefetchable: boolean;
}

export interface Capability {
  id: number;
  offset: number;
}

export const CAP_MSIX = 0x11;
export const CAP_VENDOR = 0x09;

const CMD_IO = 1 << 0;
const CMD_MEMORY = 1 << 1;
const CMD_BUS_MASTER = 1 << 2;
const CMD_INTX_DISABLE = 1 << 10;

/** Where unassigned memory BARs are placed: the top of the 32-bit PCI hole, below the I/O APIC (QEMU pc/q35). */
let nextMmio = 0xf0000000;
let nextIo = 0xc000;

export class PciFunction {
  readonly vendorId: number;
  readonly deviceId: number;
  readonly classCode: number;
  readonly subclass: number;
  readonly progIf: number;
  readonly headerType: number;
  private barCache: Bar[] | undefined;

  constructor(readonly address: PciAddress) {
    this.vendorId = configRead16(address, 0);
    this.deviceId = configRead16(address, 2);
    const cls = configRead32(address, 8);
    this.classCode = cls >>> 24;
    this.subclass = (cls >>> 16) & 0xff;
    this.progIf = (cls >>> 8) & 0xff;
    this.headerType = configRead8(address, 0x0e) & 0x7f;
  }

  get name(): string {
    const h = (n: number, w: number) => n.toString(16).padStart(w, "0");
    const a = this.address;
    return `${h(a.bus, 2)}:${h(a.device, 2)}.${a.fn} [${h(this.vendorId, 4)}:${h(this.deviceId, 4)}]`;
  }

  read8(off: number): number { return configRead8(this.address, off); }
  read16(off: number): number { return configRead16(this.address, off); }
  read32(off: number): number { return configRead32(this.address, off); }
  write16(off: number, v: number): void { configWrite16(this.address, off, v); }
  write32(off: number, v: number): void { configWrite32(this.address, off, v); }

  /** The capability list (empty when the status register says there is none). Loops are cut after 48 entries. */
  capabilities(): Capability[] {
    const caps: Capability[] = [];
    if (!(this.read16(0x06) & (1 << 4))) return caps;
    let off = this.read8(0x34) & 0xfc;
    for (let n = 0; off >= 0x40 && n < 48; n++) {
      caps.push({ id: this.read8(off), offset: off });
      off = this.read8(off + 1) & 0xfc;
    }
    return caps;
  }

  /** Decodes (and sizes) the six BARs of a type-0 header, assigning addresses to unassigned memory BARs. */
  bars(): Bar[] {
    if (this.barCache) return this.barCache;
    const bars: Bar[] = [];
    if (this.headerType !== 0) return (this.barCache = bars);
    const cmd = this.read16(0x04);
    this.write16(0x04, cmd & ~(CMD_IO | CMD_MEMORY));       // decoding off while sizing
    for (let i = 0; i < 6; i++) {
      const off = 0x10 + 4 * i;
      const orig = this.read32(off);
      const isIo = (orig & 1) === 1;
      const is64 = !isIo && ((orig >>> 1) & 3) === 2;
      this.write32(off, 0xffffffff);
      const mask = this.read32(off);
      this.write32(off, orig);
      let hiOrig = 0, hiMask = 0xffffffff;
      if (is64) {
        hiOrig = this.read32(off + 4);
        this.write32(off + 4, 0xffffffff);
        hiMask = this.read32(off + 4);
        this.write32(off + 4, hiOrig);
      }
      const lowMask = isIo ? mask & ~3 : mask & ~0xf;
      if (lowMask === 0 && (!is64 || hiMask === 0)) { if (is64) i++; continue; }
      const size = is64 ? 2 ** 32 * (~hiMask >>> 0) + ((~lowMask >>> 0) + 1) : ((~lowMask >>> 0) + 1) & (isIo ? 0xffff : 0xffffffff);
      let address = (isIo ? orig & ~3 : orig & ~0xf) >>> 0;
      if (is64) address += hiOrig * 2 ** 32;
      if (address === 0 && size > 0) {
        // Firmware (qboot/SeaBIOS) normally assigns BARs; place unassigned ones ourselves.
        if (isIo) { nextIo = Math.ceil(nextIo / size) * size; address = nextIo; nextIo += size; }
        else { nextMmio = Math.ceil(nextMmio / size) * size; address = nextMmio; nextMmio += size; }
        this.write32(off, (address % 2 ** 32) | (orig & (isIo ? 3 : 0xf)));
        if (is64) this.write32(off + 4, Math.floor(address / 2 ** 32));
      }
      bars.push({ index: i, kind: isIo ? "io" : "memory", address, size, is64, prefetchable: !isIo && (orig & 8) !== 0 });
      if (is64) i++;
    }
    this.write16(0x04, cmd);
    return (this.barCache = bars);
  }

  bar(index: number): Bar {
    const b = this.bars().find((x) => x.index === index);
    if (!b) throw new Error(`PCI ${this.name}: BAR ${index} is not implemented`);
    return b;
  }

  /** Memory and I/O decoding on, bus mastering on (the device may DMA), legacy INTx off when MSI-X is used. */
  enable(opts: { busMaster: boolean; disableIntx?: boolean }): void {
    let cmd = this.read16(0x04) | CMD_MEMORY | CMD_IO;
    if (opts.busMaster) cmd |= CMD_BUS_MASTER;
    if (opts.disableIntx) cmd |= CMD_INTX_DISABLE;
    this.write16(0x04, cmd);
  }

  /** The legacy interrupt line (GSI) firmware assigned, or -1. */
  get interruptLine(): number {
    const line = this.read8(0x3c);
    const pin = this.read8(0x3d);
    return pin === 0 || line === 0xff ? -1 : line;
  }

  /**
   * Programs MSI-X entry 0..count-1 with the given targets and enables MSI-X (function mask off).
   * Throws when the function has no MSI-X capability.
   */
  enableMsix(targets: { address: number; data: number }[]): void {
    const cap = this.capabilities().find((c) => c.id === CAP_MSIX);
    if (!cap) throw new Error(`PCI ${this.name} has no MSI-X capability`);
    const control = this.read16(cap.offset + 2);
    const tableSize = (control & 0x7ff) + 1;
    if (targets.length > tableSize) throw new RangeError(`PCI ${this.name}: MSI-X table has ${tableSize} entries, ${targets.length} requested`);
    const tableInfo = this.read32(cap.offset + 4);
    const bar = this.bar(tableInfo & 7);
    const table = new DataView(platform().physical(bar.address + (tableInfo & ~7), tableSize * 16));
    this.write16(cap.offset + 2, control | (1 << 15) | (1 << 14));      // enable + function mask while programming
    targets.forEach((t, i) => {
      table.setUint32(i * 16, t.address % 2 ** 32, true);
      table.setUint32(i * 16 + 4, Math.floor(t.address / 2 ** 32), true);
      table.setUint32(i * 16 + 8, t.data, true);
      table.setUint32(i * 16 + 12, 0, true);                             // vector control: unmasked
    });
    this.write16(cap.offset + 2, (control | (1 << 15)) & ~(1 << 14));
  }
}

/** Every PCI function reachable from bus 0 (following bridges), in bus/device/function order. */
export function enumeratePci(): PciFunction[] {
  const found: PciFunction[] = [];
  const seenBuses = new Set<number>();
  const scanBus = (bus: number) => {
    if (seenBuses.has(bus)) return;
    seenBuses.add(bus);
    for (let device = 0; device < 32; device++) {
      if (configRead16({ bus, device, fn: 0 }, 0) === 0xffff) continue;
      const multi = (configRead8({ bus, device, fn: 0 }, 0x0e) & 0x80) !== 0;
      for (let fn = 0; fn < (multi ? 8 : 1); fn++) {
        const addr = { bus, device, fn };
        if (configRead16(addr, 0) === 0xffff) continue;
        const f = new PciFunction(addr);
        found.push(f);
        if (f.headerType === 1) scanBus(configRead8(addr, 0x19));       // secondary bus of a PCI-PCI bridge
      }
    }
  };
  scanBus(0);
  return found;
}
