// test/sim/mmio.ts — simulated device memory (MMIO) for SimPlatform.physical(): a region is either a plain buffer
// the test reads and writes itself, or a device with hooks.
//
// Why hooks run at "sync points" and not per access: physical() must return a real ArrayBuffer (drivers put
// DataViews and typed arrays over it), and JavaScript cannot intercept loads and stores on an ArrayBuffer. So a
// hooked region keeps a shadow copy; at every sync point (the start of each SimPlatform call, i.e. whenever the
// code under test calls into the platform, and SimPlatform.sync()) the words the guest changed are reported to
// `write`, then `refresh` lets the device update the registers the guest will read. Consequences, by design:
// two guest writes to one register between sync points look like one (the last value), and a device reacts to a
// write only once the guest next calls the platform (a driver that writes a register and reads another back
// without any platform call in between sees the device's old state).
// Layer: test support. No dependencies.

/** A device behind a hooked MMIO region. Offsets are bytes from the region's base; values are little-endian. */
export interface MmioDevice {
  /** Bytes, a multiple of 4. */
  length: number;
  /**
   * The guest changed the aligned 32-bit word at `offset` to `value` since the last sync point (one call per
   * changed word, ascending offsets). The device may rewrite any register in `regs` (e.g. write-1-to-clear bits).
   */
  write?(offset: number, value: number, regs: DataView): void;
  /** Called at every sync point after the writes (and once at registration): set the registers the guest reads. */
  refresh?(regs: DataView): void;
}

/** What a test registers: a plain buffer (no hooks, shared as is) or a device. */
export type MmioSpec = { buffer: ArrayBuffer } | MmioDevice;

/** One registered region at a physical address. */
export class MmioRegion {
  readonly buffer: ArrayBuffer;
  private readonly regs: DataView;
  private readonly shadow: Uint8Array | null;
  private readonly device: MmioDevice | null;

  constructor(readonly address: number, spec: MmioSpec) {
    if ("buffer" in spec) {
      this.buffer = spec.buffer;
      this.device = null;
      this.shadow = null;
    } else {
      if (!(spec.length > 0) || spec.length % 4 !== 0) {
        throw new RangeError(`an MMIO device's length must be a positive multiple of 4, got ${spec.length}`);
      }
      this.buffer = new ArrayBuffer(spec.length);
      this.device = spec;
      this.shadow = new Uint8Array(spec.length);
    }
    this.regs = new DataView(this.buffer);
    if (this.device?.refresh) this.device.refresh(this.regs);
    this.shadow?.set(new Uint8Array(this.buffer));
  }

  get length(): number {
    return this.buffer.byteLength;
  }

  /** True when [address, address + length) lies inside this region. */
  contains(address: number, length: number): boolean {
    return address >= this.address && address + length <= this.address + this.length;
  }

  overlaps(address: number, length: number): boolean {
    return address < this.address + this.length && this.address < address + length;
  }

  /** Reports the guest's writes since the last sync point to the device, then lets it refresh its registers. */
  sync(): void {
    const device = this.device, shadow = this.shadow;
    if (!device || !shadow) return;
    const now = new Uint8Array(this.buffer);
    if (device.write) {
      // Collect the guest's writes first, so registers the device changes in a hook are not taken for writes.
      const changed: [number, number][] = [];
      for (let off = 0; off < now.length; off += 4) {
        if (now[off] !== shadow[off] || now[off + 1] !== shadow[off + 1] || now[off + 2] !== shadow[off + 2] ||
            now[off + 3] !== shadow[off + 3]) {
          changed.push([off, this.regs.getUint32(off, true)]);
        }
      }
      for (const [off, value] of changed) device.write(off, value, this.regs);
    }
    device.refresh?.(this.regs);
    shadow.set(now);
  }
}
