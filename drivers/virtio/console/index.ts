// drivers/virtio/console/index.ts — virtio-console (virtio 1.x section 5.3) as an output-only byte channel per
// port: with VIRTIO_CONSOLE_F_MULTIPORT the control queues announce the ports (DEVICE_READY → DEVICE_ADD,
// PORT_READY → PORT_NAME, CONSOLE_PORT, PORT_OPEN), and ports 0..2 get a transmit queue each; callers find ports
// by name (QEMU: `-device virtserialport,name=...`, ports 1 and up; a virtconsole, port 0, drops what its host end
// cannot take at once, QEMU's hw/char/virtio-console.c, so bulk output uses serial ports). Writes are copied into a few DMA
// buffers per port (small writes coalesced), published at once, and completions reclaim the buffers; what does
// not fit waits in memory (`pendingBytes`, the caller's backpressure signal) and flush() waits for the device
// synchronously. Input is not read (the UART keeps stdin). Layer: drivers (device). Depends on drivers/virtio,
// kernel.

import type { ConsoleDevice } from "../../../kernel/devices.ts";
import { dmaAllocPages } from "../../../kernel/dma.ts";
import { IoHandle, loop } from "../../../kernel/event_loop.ts";
import type { DmaRegion } from "../../../kernel/platform.ts";
import { waitSync } from "../../../kernel/wait_sync.ts";
import { VirtioDevice } from "../device.ts";
import { claimVirtio } from "../discover.ts";
import type { VirtioTransport } from "../transport.ts";
import type { Virtqueue } from "../virtqueue.ts";

export const DEVICE_CONSOLE = 3;
export const F_SIZE = 0, F_MULTIPORT = 1;
/** Control events (section 5.3.6.2). */
export const DEVICE_READY = 0, DEVICE_ADD = 1, DEVICE_REMOVE = 2, PORT_READY = 3, CONSOLE_PORT = 4, RESIZE = 5,
  PORT_OPEN = 6, PORT_NAME = 7;

/** The ports this driver sets up queues for (0 .. PORTS-1). */
export const PORTS = 3;
const CTRL_SLOT = 256;                                 // one control message (8 bytes) plus a port name
const CTRL_RX = 8, CTRL_TX = 8;

/** Transmit queue of port `n` (section 5.3.2: 1 for port 0, then 5, 7, ...). */
export function transmitQueueOf(port: number): number {
  return port === 0 ? 1 : 2 * port + 3;
}

interface TxBuffer { region: DmaRegion; bytes: Uint8Array }

export interface ConsolePortInfo {
  id: number;
  /** PORT_NAME ("" until the device named it). */
  name: string;
  /** The device announced the port (DEVICE_ADD; always for port 0 without MULTIPORT). */
  added: boolean;
  /** The host end is connected (PORT_OPEN from the device; assumed without MULTIPORT). */
  hostOpen: boolean;
  /** A console port (CONSOLE_PORT). */
  console: boolean;
}

class Port implements ConsolePortInfo {
  name = "";
  added = false;
  hostOpen = false;
  console = false;
  readonly free: TxBuffer[] = [];
  buffers = 0;
  /** Bytes accepted but not yet in a device buffer, oldest first. */
  readonly pending: Uint8Array[] = [];
  pendingBytes = 0;
  head = 0;
  constructor(readonly id: number, readonly tx: Virtqueue<TxBuffer>) {}
}

export interface VirtioConsoleOptions {
  /** DMA buffers per port (default 8) and their size (default 32 KiB). */
  buffers?: number;
  bufferBytes?: number;
  /** Port names open() waits for (announced, host end open), at most handshakeMs (default 500 ms). */
  expect?: string[];
  handshakeMs?: number;
}

export class VirtioConsole implements ConsoleDevice {
  private readonly dev: VirtioDevice;
  private readonly ports: (Port | undefined)[] = [];
  private readonly ctrlRx?: Virtqueue<number>;
  private readonly ctrlTx?: Virtqueue<number>;
  private readonly ctrl?: DmaRegion;
  private readonly ctrlTxFree: number[] = [];
  private readonly ctrlTxWaiting: number[][] = [];
  private readonly handle: IoHandle;
  private readonly maxBuffers: number;
  private readonly bufferBytes: number;
  /** Called when a port's pending bytes reach 0 after a write left some (never inside write()). */
  onDrain: (port: number) => void = () => {};

  constructor(transport: VirtioTransport, o: VirtioConsoleOptions = {}) {
    this.maxBuffers = o.buffers ?? 8;
    this.bufferBytes = o.bufferBytes ?? 32 * 1024;
    this.dev = new VirtioDevice(transport, () => this.service());
    const multiport = (this.dev.negotiate(1n << BigInt(F_MULTIPORT)) & (1n << BigInt(F_MULTIPORT))) !== 0n;
    let queueSize = 1;
    while (queueSize < this.maxBuffers) queueSize *= 2;
    const nports = multiport ? Math.min(PORTS, Math.max(1, transport.config.getUint32(4, true))) : 1;
    for (let id = 0; id < nports; id++) this.ports[id] = new Port(id, this.dev.createQueue<TxBuffer>(transmitQueueOf(id), queueSize));
    if (multiport) {
      this.ctrlRx = this.dev.createQueue<number>(2, CTRL_RX);
      this.ctrlTx = this.dev.createQueue<number>(3, CTRL_TX);
      this.ctrl = dmaAllocPages((CTRL_RX + CTRL_TX) * CTRL_SLOT);
      for (let i = 0; i < CTRL_RX; i++) this.postControlBuffer(i);
      for (let i = 0; i < CTRL_TX; i++) this.ctrlTxFree.push(CTRL_RX + i);
    } else {
      const p0 = this.ports[0] as Port;
      p0.added = p0.hostOpen = p0.console = true;
    }
    this.dev.start();
    this.handle = new IoHandle(loop()).unref();
    if (!multiport) return;
    this.ctrlRx?.kick();
    this.sendControl(0xffffffff, DEVICE_READY, 1);
    const wanted = () => (o.expect ?? []).every((n) => this.usable(this.portNamed(n) ?? -1)) || !this.dev.running;
    try {
      waitSync([this.dev.vector], () => { this.service(); return wanted(); }, o.handshakeMs ?? 500);
    } catch (e) {
      if ((e as { code?: string }).code !== "ETIMEDOUT") throw e;
      // A port the device did not announce in time is not used (its stream falls back to the UART).
    }
  }

  /** The id of the port the device named `name` (PORT_NAME), if any. */
  portNamed(name: string): number | undefined {
    return this.ports.find((p) => p?.added && p.name === name)?.id;
  }

  /** What the driver knows of port `id` (undefined: no queues were set up for it). */
  port(id: number): ConsolePortInfo | undefined {
    return this.ports[id];
  }

  /** True when writes to port `id` reach the host: announced, its host end open, the device working. */
  usable(id: number): boolean {
    const p = this.ports[id];
    return !!p && p.added && p.hostOpen && this.dev.running;
  }

  /** Bytes written to port `id` that are not in a device buffer yet. */
  pendingBytes(id: number): number {
    return this.ports[id]?.pendingBytes ?? 0;
  }

  /**
   * Queues `bytes` on port `id` and hands as much as fits to the device now; the caller keeps its buffer (what
   * must wait is copied) unless `owned` gives it to the driver.
   * Returns the bytes still waiting in memory afterwards (0: all with the device). Throws for a port that is not
   * usable().
   */
  write(id: number, bytes: Uint8Array, owned = false): number {
    const p = this.ports[id];
    if (!p || !this.usable(id)) throw new Error(`virtio-console port ${id} is not open`);
    if (bytes.length > 0) {
      p.pending.push(bytes);
      p.pendingBytes += bytes.length;
      this.pump(p, false);
      // What did not fit stays in memory: a copy, unless the caller handed the buffer over (`owned`).
      const at = owned ? -1 : p.pending.lastIndexOf(bytes);
      if (at >= 0) p.pending[at] = bytes.slice();
    }
    return p.pendingBytes;
  }

  /** Waits (the CPU halts between interrupts) until port `id` has at most `limit` bytes pending, all ports when
   *  `id` is undefined and, with limit 0, until the device has consumed everything. Throws ETIMEDOUT. */
  waitFor(limit: number, id?: number, timeoutMs = 30_000): void {
    const ports = this.ports.filter((p): p is Port => !!p && (id === undefined || p.id === id));
    const done = () => {
      this.service();
      if (!this.dev.running) return true;
      return ports.every((p) => p.pendingBytes <= limit && (limit > 0 || p.tx.inFlight === 0));
    };
    waitSync([this.dev.vector], done, timeoutMs);
  }

  /** Everything written reaches the device before this returns (or throws ETIMEDOUT). */
  flush(timeoutMs?: number): void {
    this.waitFor(0, undefined, timeoutMs);
  }

  /** Reclaims completed buffers, answers control messages, moves pending bytes into free buffers. */
  private service(): void {
    if (this.ctrlTx) {
      this.ctrlTx.poll((slot) => this.ctrlTxFree.push(slot));
      while (this.ctrlTxWaiting.length && this.ctrlTxFree.length) {
        const [id, event, value] = this.ctrlTxWaiting.shift() as number[];
        this.sendControl(id, event, value);
      }
    }
    if (this.ctrlRx) {
      const got: [number, number][] = [];
      this.ctrlRx.poll((slot, len) => got.push([slot, len]));
      for (const [slot, len] of got) {
        this.controlMessage(slot, len);
        this.postControlBuffer(slot);
      }
      if (got.length) this.ctrlRx.kick();
    }
    for (const p of this.ports) if (p) this.pump(p);
  }

  /** Moves pending bytes into free buffers; `notify`: a port emptied by this call is reported (onDrain). */
  private pump(p: Port, notify = true): void {
    p.tx.poll((b) => p.free.push(b));
    if (!this.dev.running) return;
    const hadPending = notify && p.pendingBytes > 0;
    while (p.pendingBytes > 0) {
      let b = p.free.pop();
      if (!b && p.buffers < this.maxBuffers) {
        const region = dmaAllocPages(this.bufferBytes);
        b = { region, bytes: new Uint8Array(region.buffer, 0, this.bufferBytes) };
        p.buffers++;
      }
      if (!b) break;
      let n = 0;
      while (n < b.bytes.length && p.pending.length) {
        const chunk = p.pending[0];
        const take = Math.min(chunk.length - p.head, b.bytes.length - n);
        b.bytes.set(take === chunk.length ? chunk : chunk.subarray(p.head, p.head + take), n);
        n += take;
        p.head += take;
        if (p.head === chunk.length) { p.pending.shift(); p.head = 0; }
      }
      p.pendingBytes -= n;
      p.tx.add([{ address: b.region.address, length: n }], b);
    }
    p.tx.kick();
    if (this.ports.some((q) => q && (q.pendingBytes > 0 || q.tx.inFlight > 0))) this.handle.ref();
    else this.handle.unref();
    if (hadPending && p.pendingBytes === 0) this.onDrain(p.id);
  }

  private postControlBuffer(slot: number): void {
    const c = this.ctrl as DmaRegion;
    this.ctrlRx?.add([{ address: c.address + slot * CTRL_SLOT, length: CTRL_SLOT, writable: true }], slot);
  }

  private sendControl(id: number, event: number, value: number): void {
    const slot = this.ctrlTxFree.pop();
    if (slot === undefined) {
      this.ctrlTxWaiting.push([id, event, value]);
      return;
    }
    const c = this.ctrl as DmaRegion;
    const v = new DataView(c.buffer, slot * CTRL_SLOT, 8);
    v.setUint32(0, id, true);
    v.setUint16(4, event, true);
    v.setUint16(6, value, true);
    this.ctrlTx?.add([{ address: c.address + slot * CTRL_SLOT, length: 8 }], slot);
    this.ctrlTx?.kick();
  }

  private controlMessage(slot: number, len: number): void {
    if (len < 8) return;
    const c = this.ctrl as DmaRegion;
    const v = new DataView(c.buffer, slot * CTRL_SLOT, len);
    const id = v.getUint32(0, true), event = v.getUint16(4, true), value = v.getUint16(6, true);
    const p = this.ports[id];
    switch (event) {
      case DEVICE_ADD:
        // A port we set up no queues for is refused (PORT_READY 0), as Linux refuses ports past max_nr_ports.
        if (p) p.added = true;
        this.sendControl(id, PORT_READY, p ? 1 : 0);
        if (p) this.sendControl(id, PORT_OPEN, 1);   // the guest end is open for the whole run
        break;
      case DEVICE_REMOVE:
        if (p) p.added = p.hostOpen = false;
        break;
      case PORT_NAME:
        if (p) p.name = String.fromCharCode(...new Uint8Array(c.buffer, slot * CTRL_SLOT + 8, len - 8)).replace(/\0+$/, "");
        break;
      case CONSOLE_PORT:
        if (p) p.console = true;
        break;
      case PORT_OPEN:
        if (p) p.hostOpen = value !== 0;
        break;
      default:
        break;                                           // RESIZE and unknown events: nothing to do for output
    }
  }

  /** Resets the device; pending bytes are dropped. */
  close(): void {
    this.dev.shutdown();
    this.handle.close();
  }
}

/** Opens the first unclaimed virtio console device (throws a sentence when there is none). */
export function openVirtioConsole(o?: VirtioConsoleOptions): VirtioConsole {
  return new VirtioConsole(claimVirtio(DEVICE_CONSOLE, "console device"), o);
}
