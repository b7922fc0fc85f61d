// kernel/platform.ts — the platform boundary: the typed interface to the native `hal` that boot/native installs
// as a global (boot/native/hal.c), and the single place the rest of the TypeScript reaches it.
// Layer: kernel, lowest. Depends on nothing. A simulated implementation lives in test/sim.

/** Memory figures from the engine (JS heap) and the kernel's page accounting. */
export interface PlatformMemoryUsage {
  /** Bytes the JS engine has allocated. */
  heapUsed: number;
  /** The JS heap limit set at image build (or derived from RAM). */
  heapLimit: number;
  /** Live JS objects. */
  objects: number;
  /** Physical memory in use by the whole image (kernel, heap, stacks), bytes. */
  rss: number;
  /** RAM the machine was given, bytes. */
  totalMemory: number;
}

/**
 * The native primitives. Each does one hardware or engine thing; policy lives in TypeScript.
 * Strings cross as UTF-8 on the native side.
 */
export interface Platform {
  /** Writes text to the console (serial port). Never throws for ordinary strings. */
  write(text: string): void;
  /** Leaves the VM with an exit code (0–126; larger codes are clamped with a note). Never returns. */
  exit(code: number): never;
  /** Runs every pending promise job; rethrows the first exception a job raised. Returns how many ran. */
  runJobs(): number;
  /** Promises rejected with no handler since the last call, as a flat list [promise, reason, ...]. */
  takeRejections(): unknown[];
  /** The image's configuration (JSON text written by the image builder). */
  config(): string;
  /** The bundle's line map (JSON text; see boot/image/linemap.ts), read only when a stack trace is printed. */
  lineMap(): string;
  memoryUsage(): PlatformMemoryUsage;
  /** Monotonic milliseconds since boot, fractional (TSC). */
  now(): number;
  /** Wall-clock milliseconds since the epoch (RTC at boot + TSC). */
  wallClock(): number;
}

declare const hal: Platform | undefined;

let current: Platform | undefined;

/** Installs the platform (the simulated one in tests; the native one is found by itself). */
export function setPlatform(p: Platform): void {
  current = p;
}

/** The platform: the native `hal` inside an image, or what setPlatform installed. Throws when neither exists. */
export function platform(): Platform {
  if (current) return current;
  if (typeof hal !== "undefined") return (current = hal);
  throw new Error("no platform: this code runs inside a unijs image or after setPlatform() in tests");
}
