// test/sim/virtio/console.ts — a simulated virtio-console device (virtio 1.x section 5.3) with
// VIRTIO_CONSOLE_F_MULTIPORT: named ports announced on DEVICE_READY (DEVICE_ADD, then PORT_NAME and PORT_OPEN
// after the driver's PORT_READY), each port's transmitted bytes collected, and a stall switch that holds transmit
// buffers (a host that stopped reading) until release(). Layer: test support. Depends on transport.ts,
// split_ring.ts and test/sim/platform.ts.

import { DEVICE_ADD, DEVICE_CONSOLE, DEVICE_READY, F_MULTIPORT, PORT_NAME, PORT_OPEN, PORT_READY } from "../../../drivers/virtio/console/index.ts";
import type { SimPlatform } from "../platform.ts";
import { gather, scatter, type Chain, type DeviceQueue } from "./split_ring.ts";
import { SimVirtioTransport, type SimVirtioOptions } from "./transport.ts";

export interface SimConsolePort {
  id: number;
  name: string;
  /** The host end is connected (PORT_OPEN 1 after PORT_READY; default true). */
  hostOpen?: boolean;
}

export interface SimConsoleOptions extends Partial<Omit<SimVirtioOptions, "deviceId">> {
  /** Ports announced (default: 1 "out" and 2 "err"). */
  ports?: SimConsolePort[];
  /** Offer MULTIPORT (default true); without it only port 0 exists. */
  multiport?: boolean;
  maxPorts?: number;
}

/** A console device. `output(id)` is what the driver transmitted on port `id`. */
export class SimVirtioConsole extends SimVirtioTransport {
  /** Control messages the driver sent: [id, event, value]. */
  readonly fromDriver: [number, number, number][] = [];
  /** Transmit chains taken, per port. */
  readonly chains = new Map<number, number>();
  /** While true, transmit buffers are held (not used) until release(). */
  stalled = false;
  private readonly out = new Map<number, number[]>();
  private readonly held: { q: DeviceQueue; chain: Chain; port: number }[] = [];
  private readonly toDriver: Uint8Array[] = [];
  private readonly portList: SimConsolePort[];

  constructor(sim: SimPlatform, o: SimConsoleOptions = {}) {
    const multiport = o.multiport ?? true;
    super(sim, {
      name: "sim console", queueSizes: Array(16).fill(64), ...o, deviceId: DEVICE_CONSOLE,
      features: o.features ?? (multiport ? 1n << BigInt(F_MULTIPORT) : 0n),
    });
    this.portList = o.ports ?? [{ id: 1, name: "out" }, { id: 2, name: "err" }];
    this.config.setUint32(4, o.maxPorts ?? 4, true);
  }

  /** Bytes the driver transmitted on port `id`, as text. */
  output(id: number): string {
    return Buffer.from(this.out.get(id) ?? []).toString("utf8");
  }

  /** Completes every held transmit buffer (and stops stalling). */
  release(): void {
    this.stalled = false;
    const qs = new Set<DeviceQueue>();
    for (const h of this.held.splice(0)) {
      this.collect(h.port, h.chain);
      h.q.use(h.chain.head, 0);
      qs.add(h.q);
    }
    for (const q of qs) this.interrupt(q);
  }

  private collect(port: number, chain: Chain): void {
    const bytes = gather(chain.readable);
    const o = this.out.get(port) ?? [];
    for (const b of bytes) o.push(b);
    this.out.set(port, o);
  }

  private message(id: number, event: number, value: number, extra = ""): void {
    const m = new Uint8Array(8 + extra.length);
    const v = new DataView(m.buffer);
    v.setUint32(0, id, true);
    v.setUint16(4, event, true);
    v.setUint16(6, value, true);
    for (let i = 0; i < extra.length; i++) m[8 + i] = extra.charCodeAt(i);
    this.toDriver.push(m);
  }

  private deliverControl(): void {
    if (!this.hasQueue(2)) return;
    const q = this.queue(2);
    let any = false;
    while (this.toDriver.length) {
      const chain = q.take();
      if (!chain) break;
      const m = this.toDriver.shift() as Uint8Array;
      scatter(chain.writable, 0, m);
      q.use(chain.head, m.length);
      any = true;
    }
    if (any) this.interrupt(q);
  }

  protected override processQueue(q: DeviceQueue): void {
    if (q.index === 2) return this.deliverControl();
    if (q.index === 3) {
      for (let c = q.take(); c; c = q.take()) {
        const v = new DataView(gather(c.readable).buffer);
        const msg: [number, number, number] = [v.getUint32(0, true), v.getUint16(4, true), v.getUint16(6, true)];
        this.fromDriver.push(msg);
        q.use(c.head, 0);
        const [id, event, value] = msg;
        if (event === DEVICE_READY) for (const p of this.portList) this.message(p.id, DEVICE_ADD, 1);
        if (event === PORT_READY && value === 1) {
          const p = this.portList.find((x) => x.id === id);
          if (p) {
            this.message(id, PORT_NAME, 1, p.name);
            if (p.hostOpen ?? true) this.message(id, PORT_OPEN, 1);
          }
        }
      }
      this.interrupt(q);
      return this.deliverControl();
    }
    const port = q.index === 1 ? 0 : (q.index - 3) / 2;
    if (q.index % 2 === 0 || !Number.isInteger(port)) return;      // receive queues: nothing to send
    let any = false;
    for (let c = q.take(); c; c = q.take()) {
      this.chains.set(port, (this.chains.get(port) ?? 0) + 1);
      if (this.stalled) { this.held.push({ q, chain: c, port }); continue; }
      this.collect(port, c);
      q.use(c.head, 0);
      any = true;
    }
    if (any) this.interrupt(q);
  }
}
