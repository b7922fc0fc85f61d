// drivers/pci/config.ts — PCI configuration space access through the legacy ports 0xCF8/0xCFC (mechanism #1),
// which every x86 machine QEMU emulates (pc and q35; q35 also has ECAM, needed only beyond offset 255).
// Layer: drivers/pci (bus). Depends on kernel/platform.ts.

import { platform } from "../../kernel/platform.ts";

/** One PCI function's address. */
export interface PciAddress {
  bus: number;
  device: number;
  fn: number;
}

const ADDR = 0xcf8;
const DATA = 0xcfc;

function select(a: PciAddress, offset: number): void {
  if (offset < 0 || offset > 0xfc) throw new RangeError(`PCI config offset 0x${offset.toString(16)} is outside 0..0xff`);
  platform().outl(ADDR, (0x80000000 | (a.bus << 16) | (a.device << 11) | (a.fn << 8) | (offset & 0xfc)) >>> 0);
}

export function configRead32(a: PciAddress, offset: number): number {
  select(a, offset);
  return platform().inl(DATA) >>> 0;
}

export function configRead16(a: PciAddress, offset: number): number {
  return (configRead32(a, offset & ~3) >>> ((offset & 2) * 8)) & 0xffff;
}

export function configRead8(a: PciAddress, offset: number): number {
  return (configRead32(a, offset & ~3) >>> ((offset & 3) * 8)) & 0xff;
}

export function configWrite32(a: PciAddress, offset: number, value: number): void {
  select(a, offset);
  platform().outl(DATA, value >>> 0);
}

export function configWrite16(a: PciAddress, offset: number, value: number): void {
  const shift = (offset & 2) * 8;
  const old = configRead32(a, offset & ~3);
  configWrite32(a, offset & ~3, ((old & ~(0xffff << shift)) | ((value & 0xffff) << shift)) >>> 0);
}

export function configWrite8(a: PciAddress, offset: number, value: number): void {
  const shift = (offset & 3) * 8;
  const old = configRead32(a, offset & ~3);
  configWrite32(a, offset & ~3, ((old & ~(0xff << shift)) | ((value & 0xff) << shift)) >>> 0);
}
