// libos/process/power_button.ts — the hypervisor's "please shut down" request: the ACPI power button, which QEMU
// presses for `system_powerdown` (QMP/monitor) and which libvirt, cloud consoles and `virsh shutdown` use.
//  - pc (PIIX4): the power-management function 00:01.3 (8086:7113). Its PM1 event block sits at the I/O base in
//    config register 0x40 (PMBA; enabled by bit 0 of 0x80, PMREGMISC) — programmed here to 0x600, where SeaBIOS
//    puts it, when firmware left it off. PM1_EN bit 8 (PWRBTN_EN) raises the SCI, ISA IRQ 9 (level-triggered);
//    PM1_STS bit 8 (PWRBTN_STS) says the button was pressed and is cleared by writing 1.
//  - q35 (ICH9): the same PM1 block at the LPC bridge 00:1f.0 (8086:2918), base in 0x40, enabled by bit 7 of 0x44.
//  - microvm (no PCI): QEMU's ACPI Generic Event Device at 0xfea00000 (its DSDT: ESEL, a 32-bit register whose
//    read returns and clears the pending events; bit 1 is the power button), edge-triggered on GSI 9. microvm
//    has it unless started with acpi=off; then nothing can ask the guest to shut down and none is found here.
// Everything is port I/O, MMIO and one interrupt line through the platform: no native code.
// Layer: libos (a small device driver only process signals use). Depends on kernel and drivers/pci/config.
import { loop } from "../../kernel/event_loop.ts";
import { platform } from "../../kernel/platform.ts";
import { configRead32, configRead8, configWrite32, configWrite8, type PciAddress } from "../../drivers/pci/config.ts";

const PIIX4_PM: PciAddress = { bus: 0, device: 1, fn: 3 };
const ICH9_LPC: PciAddress = { bus: 0, device: 0x1f, fn: 0 };
const HOST_BRIDGE: PciAddress = { bus: 0, device: 0, fn: 0 };
const PM_DEFAULT_BASE = 0x600;
const PWRBTN = 1 << 8;
const SCI_GSI = 9;
const GED_BASE = 0xfea00000;
const GED_PWR_DOWN = 1 << 1;

/** Which device reports the power button. */
export type PowerButtonKind = "piix4" | "ich9" | "ged";

/** A PM1 event block: status at base, enable at base + 2 (ACPI's fixed hardware). */
function watchPm1(base: number, onPress: () => void): void {
  const p = platform();
  p.outw(base, PWRBTN);                                 // a press from before boot is not a request now
  p.outw(base + 2, p.inw(base + 2) | PWRBTN);
  const vector = p.irqRoute(SCI_GSI, true, false);
  loop().onInterrupt(vector, () => {
    if (!(p.inw(base) & PWRBTN)) return;
    p.outw(base, PWRBTN);
    onPress();
  });
}

/**
 * Finds the machine's power button and calls `onPress` (in the poll phase) each time it is pressed. The interrupt
 * does not keep the event loop alive. Returns what was found, or null when the machine has none.
 */
export function watchPowerButton(onPress: () => void): PowerButtonKind | null {
  const p = platform();
  const id = (a: PciAddress) => configRead32(a, 0);
  if (id(PIIX4_PM) === 0x71138086) {
    let base = configRead32(PIIX4_PM, 0x40) & 0xffc0;
    if (!(configRead8(PIIX4_PM, 0x80) & 1) || base === 0) {
      if (base === 0) configWrite32(PIIX4_PM, 0x40, (base = PM_DEFAULT_BASE) | 1);
      configWrite8(PIIX4_PM, 0x80, configRead8(PIIX4_PM, 0x80) | 1);
    }
    watchPm1(base, onPress);
    return "piix4";
  }
  if (id(ICH9_LPC) === 0x29188086) {
    let base = configRead32(ICH9_LPC, 0x40) & 0xff80;
    if (base === 0) configWrite32(ICH9_LPC, 0x40, (base = PM_DEFAULT_BASE) | 1);
    configWrite8(ICH9_LPC, 0x44, configRead8(ICH9_LPC, 0x44) | 0x80);
    watchPm1(base, onPress);
    return "ich9";
  }
  if ((id(HOST_BRIDGE) & 0xffff) !== 0xffff) return null;          // a PCI machine without a known PM device
  let esel: DataView;
  try {
    esel = new DataView(p.physical(GED_BASE, 4));
  } catch {
    return null;
  }
  const vector = p.irqRoute(SCI_GSI, false, false);
  loop().onInterrupt(vector, () => {
    if (esel.getUint32(0, true) & GED_PWR_DOWN) onPress();
  });
  return "ged";
}
