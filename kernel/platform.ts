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

/** A DMA buffer: zeroed, physically contiguous, page-aligned memory a device can address. */
export interface DmaRegion {
  buffer: ArrayBuffer;
  /** Physical (= bus) address of buffer[0]. */
  address: number;
}

/** An MSI/MSI-X target: program `address` and `data` into the device's table; the interrupt arrives as `vector`. */
export interface MsiTarget {
  vector: number;
  address: number;
  data: number;
}

/** Interrupt counters kept by the native side. */
export interface InterruptStats {
  /** LAPIC spurious-vector interrupts (no EOI needed, harmless). */
  spurious: number;
  /** Interrupts on vectors nobody allocated. */
  unexpected: number;
  /** All device and timer interrupts since boot. */
  total: number;
}

/**
 * The native primitives. Each does one hardware or engine thing; policy lives in TypeScript.
 * Strings cross as UTF-8 on the native side. Interrupts are only ever delivered inside halt() and
 * pollInterrupts(): JS code is never interrupted.
 */
export interface Platform {
  /** The QuickJS release the image runs (e.g. "2025-04-26"); absent on platforms that are not an image. */
  readonly engineVersion?: string;
  /** Writes text to the console (serial port). Never throws for ordinary strings. */
  write(text: string): void;
  /** Leaves the VM with an exit code (0–126; larger codes are clamped with a note). Never returns. */
  exit(code: number): never;
  /** Runs every pending promise job; rethrows the first exception a job raised. Returns how many ran. */
  runJobs(): number;
  /** Promises rejected with no handler since the last call, as a flat list [promise, reason, ...]. */
  takeRejections(): unknown[];
  /** Promises takeRejections reported that have a handler now (Node's 'rejectionHandled'), in order. Optional:
   *  a platform without it never reports one. */
  takeHandledRejections?(): unknown[];
  /** The image's configuration (JSON text written by the image builder). */
  config(): string;
  /** The kernel command line from the boot loader (QEMU microvm lists its virtio-mmio devices there). */
  cmdline(): string;
  /** The bundle's line map (JSON text; see boot/image/linemap.ts), read only when a stack trace is printed. */
  lineMap(): string;
  /** The index of the files embedded with `npm run image -- --assets` (JSON text, boot/image/assets.ts; "" when
   *  there are none). Optional: platforms that are not an image have none. */
  assetIndex?(): string;
  /** Copies embedded file bytes from `offset` of the assets' data into `into`; returns how many (fewer at the end). */
  assetRead?(offset: number, into: Uint8Array): number;
  memoryUsage(): PlatformMemoryUsage;
  /** Runs a full garbage collection now (Node's `gc()` with --expose-gc). Optional: simulated platforms lack it. */
  gc?(): void;
  /** Monotonic milliseconds since boot, fractional (TSC). */
  now(): number;
  /** Wall-clock milliseconds since the epoch (RTC at boot + TSC). */
  wallClock(): number;
  /** Monotonic nanoseconds since boot (exact below 2^53 ns, about 104 days). */
  monotonicNs(): number;
  /** The raw time-stamp counter and its calibrated frequency in Hz. */
  tsc(): number;
  tscHz(): number;
  /** Reads the CMOS real-time clock now: seconds since the epoch (1 s resolution). */
  rtcSeconds(): number;

  /** Arms the one-shot timer interrupt for an absolute deadline on the now() scale; replaces any earlier one. */
  timerArm(deadlineMs: number): void;
  timerCancel(): void;
  /** Sleeps until the next interrupt (returns at once if one is already pending). */
  halt(): void;
  /** Lets interrupts already pending be delivered, without sleeping. */
  pollInterrupts(): void;
  /** Vectors that fired since the last call (each at most once), ascending; clears them. */
  takeInterrupts(): number[];
  /** Routes an I/O APIC input (GSI) to a fresh vector; level-triggered lines stay masked after firing until irqAck. */
  irqRoute(gsi: number, levelTriggered: boolean, activeLow: boolean): number;
  /** Re-enables a level-triggered line after its device was serviced. */
  irqAck(vector: number): void;
  irqMask(vector: number, masked: boolean): void;
  /** Allocates a vector for a PCI MSI/MSI-X interrupt. */
  msiAllocate(): MsiTarget;
  interruptStats(): InterruptStats;

  inb(port: number): number;
  inw(port: number): number;
  inl(port: number): number;
  outb(port: number, value: number): void;
  outw(port: number, value: number): void;
  outl(port: number, value: number): void;

  /** Allocates DMA memory (see DmaRegion). Throws a RangeError when physical memory runs out. */
  dmaAlloc(size: number): DmaRegion;
  /** Returns a DMA buffer's pages now (the buffer is detached); otherwise they return when it is collected. */
  dmaFree(buffer: ArrayBuffer): void;
  /** A view of device memory (MMIO) at a physical address, mapped uncached. Refuses ranges that overlap RAM. */
  physical(address: number, length: number): ArrayBuffer;
  /** Fills `into` from the CPU's hardware random source (RDSEED/RDRAND); returns the bytes filled (0: none). */
  entropy(into: Uint8Array): number;
  /** The Internet checksum's ones'-complement sum of bytes[start..end) as big-endian 16-bit words, folded to
   *  0..0xffff (RFC 1071): checksum offload in software (libos/net/wire/checksum.ts uses it when present). */
  onesSum?(bytes: Uint8Array, start: number, end: number): number;

  /** The CRC-32C (Castagnoli) register update over bytes[start..end), no inversion in or out (ext4's and jbd2's
   *  metadata checksums; libos/fs/crc32c.ts is the TypeScript definition and uses this when present). */
  crc32c?(crc: number, bytes: Uint8Array, start: number, end: number): number;

  /** Only in images whose bundle uses node:http (boot/native/http_head.c): scans the HTTP/1 head of one message in
   *  bytes[start..end) (response: 1 for a status line) as libos/http/parser_rules.ts does, filling `out` (layout in
   *  libos/http/native_head.ts); → the offset after the head (> 0), 0 (incomplete) or a negative error code. */
  httpHead?(bytes: Uint8Array, start: number, end: number, response: number, limit: number, out: Int32Array): number;
  /** The latin1 strings of the head httpHead left in `out`: [name, value, name, value, ..., target or reason]. */
  httpHeadStrings?(bytes: Uint8Array, out: Int32Array): string[];

  // Text conversions (boot/native/text.c), the engine's fast paths for Buffer and TextEncoder/TextDecoder.
  // Modes: 0 UTF-8, 1 Latin-1 (each UTF-16 unit's low byte), 2 ASCII (decode: byte & 0x7f; encode as Latin-1).
  /** The bytes of `s` (UTF-8: lone surrogates become U+FFFD). */
  textEncode?(s: string, mode: number): ArrayBuffer;
  /** Encodes whole characters of `s` into dest[start..end); returns the bytes written. */
  textEncodeInto?(s: string, dest: Uint8Array, start: number, end: number, mode: number): number;
  /** The UTF-8 length of `s` in bytes. */
  textLength?(s: string): number;
  /** The string bytes[start..end) encode (UTF-8: WHATWG decoding, each maximal invalid subsequence → U+FFFD). */
  textDecode?(bytes: Uint8Array, start: number, end: number, mode: number): string;

  /** Only in images built with --profile (boot/native/profiler.c): starts sampling every `periodTicks` TSC ticks. */
  profileStart?(periodTicks: number): void;
  /** Only in profiled images: the samples since the last call, aggregated by stack; starts a new interval. */
  profileTake?(): ProfileSnapshot;
}

/** Sampled JS stacks: `functions` are [name, definition line in the bundle] (line -1: a native function); each
 *  stack row is [TSC ticks, ...indexes into `functions`, innermost first]. `ticks` is all time sampled, `lost`
 *  what did not fit the table. */
export interface ProfileSnapshot {
  ticks: number;
  lost: number;
  functions: [string, number][];
  stacks: number[][];
}

declare const hal: Platform | undefined;

let current: Platform | undefined;

/** Installs the platform (the simulated one in tests; the native one is found by itself). */
export function setPlatform(p: Platform): void {
  current = p;
}

/** The platform if there is one (inside an image, or installed by a test), else null: never throws. */
export function platformOrNull(): Platform | null {
  if (current) return current;
  return typeof hal !== "undefined" ? (current = hal) : null;
}

/** The platform: the native `hal` inside an image, or what setPlatform installed. Throws when neither exists. */
export function platform(): Platform {
  if (current) return current;
  if (typeof hal !== "undefined") return (current = hal);
  throw new Error("no platform: this code runs inside a unijs image or after setPlatform() in tests");
}
