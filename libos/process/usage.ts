// libos/process/usage.ts — process.cpuUsage() and process.resourceUsage() for a machine that is the process.
// CPU time comes from the TSC: the time the CPU spent halted (hal.halt(), waiting for an interrupt) is idle, all
// the rest is the app's — JS, the engine and the kernel run as one, so it is reported as user time and system time
// is 0. The idle time is measured by wrapping the platform's halt() when this module is installed (before the app
// runs; boot before that counts as busy). resourceUsage: maxRSS is the high-water mark of the page accounting's
// RSS as sampled by resourceUsage() calls; page faults and swaps are 0 (all memory is mapped at
// boot, nothing is paged); voluntaryContextSwitches counts the halts (the process gave up the CPU to wait);
// involuntary ones are 0 (JS is never preempted); signalsCount counts signals delivered (signals.ts); fsRead/
// fsWrite/ipc are 0. Installed into Process.prototype only by images whose code names cpuUsage or resourceUsage
// (boot/image/globals.ts). Layer: libos. Depends on kernel/platform and libos/util/errors.
import { platform, type Platform } from "../../kernel/platform.ts";
import { invalidArgValue, validateNumber, validateObject } from "../util/errors.ts";
import { Process } from "./index.ts";
import { processCounters } from "./counters.ts";

/** Idle time and halts counted by the wrapped halt(). */
export class CpuClock {
  idleMs = 0;
  halts = 0;
  private maxRss = 0;

  constructor(private readonly p: Platform) {}

  /** Wraps p.halt so that the time spent in it is counted as idle. */
  attach(): this {
    const p = this.p;
    const halt = p.halt;
    p.halt = () => {
      const t0 = p.now();
      halt.call(p);
      this.idleMs += p.now() - t0;
      this.halts++;
    };
    return this;
  }

  /** { user, system } in microseconds since boot. */
  usage(): { user: number; system: number } {
    return { user: Math.max(0, Math.round((this.p.now() - this.idleMs) * 1000)), system: 0 };
  }

  /** The largest RSS seen, in kilobytes (Node's unit for maxRSS). */
  maxRssKb(): number {
    this.maxRss = Math.max(this.maxRss, this.p.memoryUsage().rss);
    return Math.round(this.maxRss / 1024);
  }
}

const valid = (n: unknown): boolean => typeof n === "number" && n <= Number.MAX_SAFE_INTEGER && n >= 0;

/** process.cpuUsage([previousValue]) over a clock, with Node's argument checks. */
export function cpuUsageOf(clock: CpuClock, prev?: unknown): { user: number; system: number } {
  if (prev) {
    const pv = prev as { user?: unknown; system?: unknown };
    if (!valid(pv.user)) {
      validateObject(prev, "prevValue");
      validateNumber(pv.user, "prevValue.user");
      throw invalidArgValue("prevValue.user", pv.user, "is invalid", undefined, RangeError);
    }
    if (!valid(pv.system)) {
      validateNumber(pv.system, "prevValue.system");
      throw invalidArgValue("prevValue.system", pv.system, "is invalid", undefined, RangeError);
    }
  }
  const now = clock.usage();
  if (!prev) return now;
  const pv = prev as { user: number; system: number };
  return { user: now.user - pv.user, system: now.system - pv.system };
}

/** process.resourceUsage(): Node's sixteen fields (see the header for what each means here). */
export function resourceUsageOf(clock: CpuClock): Record<string, number> {
  const cpu = clock.usage();
  return {
    userCPUTime: cpu.user, systemCPUTime: cpu.system, maxRSS: clock.maxRssKb(),
    sharedMemorySize: 0, unsharedDataSize: 0, unsharedStackSize: 0,
    minorPageFault: 0, majorPageFault: 0, swappedOut: 0, fsRead: 0, fsWrite: 0, ipcSent: 0, ipcReceived: 0,
    signalsCount: processCounters.signals, voluntaryContextSwitches: clock.halts, involuntaryContextSwitches: 0,
  };
}

/** Adds cpuUsage and resourceUsage to Process.prototype (the bundle calls this before the app runs). */
export function install(): void {
  const clock = new CpuClock(platform()).attach();
  const methods = {
    cpuUsage(prevValue?: unknown) { return cpuUsageOf(clock, prevValue); },
    resourceUsage() { return resourceUsageOf(clock); },
  };
  for (const [name, value] of Object.entries(methods)) {
    Object.defineProperty(Process.prototype, name, { value, writable: true, configurable: true });
  }
}
