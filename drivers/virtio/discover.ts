// drivers/virtio/discover.ts — finds virtio devices on whichever transport the machine has: virtio-mmio windows
// (from `virtio_mmio.device=SIZE@BASE:IRQ` on the kernel command line, as Firecracker passes them, else by probing
// QEMU microvm's windows at 0xfeb00000 + 0x200·i, interrupt GSI 16 + i: microvm with ACPI on and `ioapic2=off`, as
// the launcher starts it; see QEMU's hw/i386/microvm.c) and virtio-pci functions.
// Drivers claim a device each. Layer: drivers/virtio. Depends on drivers/pci and kernel.

import { platform } from "../../kernel/platform.ts";
import { enumeratePci } from "../pci/device.ts";
import { probeMmio, VirtioMmioTransport } from "./mmio_transport.ts";
import { virtioDeviceIdOf, VirtioPciTransport } from "./pci_transport.ts";
import type { VirtioTransport } from "./transport.ts";

export const MICROVM_MMIO_BASE = 0xfeb00000;
export const MICROVM_MMIO_SLOTS = 8;
export const MICROVM_MMIO_GSI_BASE = 16;

interface Found {
  deviceId: number;
  open(): VirtioTransport;
  claimed: boolean;
}

let found: Found[] | undefined;

/** Parses "virtio_mmio.device=512@0xfeb00000:5" entries from a kernel command line. */
export function parseMmioCmdline(cmdline: string): { base: number; gsi: number }[] {
  const out: { base: number; gsi: number }[] = [];
  for (const m of cmdline.matchAll(/virtio_mmio\.device=(\w+)@(0x[0-9a-fA-F]+|\d+):(\d+)/g)) {
    out.push({ base: Number(m[2]), gsi: Number(m[3]) });
  }
  return out;
}

function scan(): Found[] {
  const list: Found[] = [];
  const fromCmdline = parseMmioCmdline(platform().cmdline());
  const windows = fromCmdline.length > 0 ? fromCmdline
    : Array.from({ length: MICROVM_MMIO_SLOTS }, (_, i) => ({ base: MICROVM_MMIO_BASE + 0x200 * i, gsi: MICROVM_MMIO_GSI_BASE + i }));
  for (const w of windows) {
    const id = probeMmio(w.base);
    if (id) list.push({ deviceId: id.deviceId, open: () => new VirtioMmioTransport(w.base, w.gsi), claimed: false });
  }
  for (const f of enumeratePci()) {
    const id = virtioDeviceIdOf(f);
    if (id) list.push({ deviceId: id, open: () => new VirtioPciTransport(f), claimed: false });
  }
  return list;
}

/** The virtio device IDs present, in discovery order (mmio windows first, then PCI). */
export function virtioDevices(): number[] {
  return (found ??= scan()).map((f) => f.deviceId);
}

/** Claims the `nth` unclaimed device of a type; throws a sentence naming what is missing. */
export function claimVirtio(deviceId: number, what: string): VirtioTransport {
  const list = (found ??= scan());
  const f = list.find((x) => x.deviceId === deviceId && !x.claimed);
  if (!f) {
    throw new Error(`no ${what} found (virtio device ${deviceId}); attach one, e.g. npm run boot -- IMAGE ` +
      (deviceId === 2 ? "--disk FILE" : deviceId === 1 ? "--net user" : "(virtio-rng is attached by default)"));
  }
  f.claimed = true;
  return f.open();
}
