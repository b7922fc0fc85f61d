// test/sim/ports.ts — simulated x86 I/O ports behind SimPlatform's in*/out*: a map of values with optional
// per-port handlers (a device), a log of every access, and the native range check. A port nobody wrote and no
// handler answers reads as all ones, as a floating ISA bus does.
// Layer: test support. No dependencies.

/** A per-port device: `read` answers in*, `write` receives out*. Either may be left out (then the map is used). */
export interface PortHandler {
  read?(size: 1 | 2 | 4): number;
  write?(value: number, size: 1 | 2 | 4): void;
}

export type PortAccess = { dir: "in" | "out"; port: number; size: 1 | 2 | 4; value: number };

export class SimPorts {
  /** Every access, in order. */
  readonly log: PortAccess[] = [];
  private readonly values = new Map<number, number>();
  private readonly handlers = new Map<number, PortHandler>();

  /** Installs (or with `undefined`, removes) the device behind a port. */
  on(port: number, handler: PortHandler | undefined): void {
    if (handler) this.handlers.set(port, handler);
    else this.handlers.delete(port);
  }

  /** Sets the value a handler-less port reads as. */
  set(port: number, value: number): void {
    this.values.set(port, value >>> 0);
  }

  /** The last value written to a handler-less port (undefined: never written). */
  get(port: number): number | undefined {
    return this.values.get(port);
  }

  read(port: number, size: 1 | 2 | 4): number {
    const p = checkPort(port);
    const h = this.handlers.get(p);
    const raw = h?.read ? h.read(size) : this.values.get(p) ?? 0xffffffff;
    const value = (raw & mask(size)) >>> 0;
    this.log.push({ dir: "in", port: p, size, value });
    return value;
  }

  write(port: number, value: number, size: 1 | 2 | 4): void {
    const p = checkPort(port);
    const v = (Number(value) & mask(size)) >>> 0;
    this.log.push({ dir: "out", port: p, size, value: v });
    const h = this.handlers.get(p);
    if (h?.write) h.write(v, size);
    else this.values.set(p, v);
  }
}

const mask = (size: 1 | 2 | 4) => (size === 4 ? 0xffffffff : (1 << (8 * size)) - 1);

function checkPort(port: number): number {
  const p = Number(port) | 0;
  if (p < 0 || p > 0xffff) throw new RangeError(`I/O port ${p} is outside 0..0xffff`);
  return p;
}
