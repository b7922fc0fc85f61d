// libos/os/cpu.ts — the processor as os.cpus() describes it: the CPUID brand string as the model (hal.cpuInfo,
// boot/native/cpuinfo_glue.c, linked only into images that use this file), the speed in MHz from the TSC's
// calibration, and the number of CPUs the image runs on (one: the kernel schedules a single core).
// Layer: libos. Depends on kernel/platform.

import { platform, type Platform } from "../../kernel/platform.ts";

/** What the native side reports (hal.cpuInfo is absent on simulated platforms). */
interface CpuInfoPlatform extends Platform {
  cpuInfo?(): { model: string; mhz: number };
}

/** The CPUs the image uses (the kernel runs one core). */
export const CPU_COUNT = 1;

let cached: { model: string; speed: number } | undefined;

/** The CPU's model name and speed in MHz (Node's os.cpus()[i].model/.speed). */
export function cpuModel(): { model: string; speed: number } {
  if (cached) return cached;
  const p = platform() as CpuInfoPlatform;
  const info = p.cpuInfo?.();
  // Linux reports the TSC's calibrated rate as "cpu MHz" in a VM; CPUID's base frequency is the fallback.
  const tsc = p.tscHz();
  const mhz = tsc > 0 ? tsc / 1e6 : info?.mhz ?? 0;
  return (cached = { model: info?.model.trim() || "unknown", speed: Math.floor(mhz) });
}
