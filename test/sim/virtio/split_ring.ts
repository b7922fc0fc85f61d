// test/sim/virtio/split_ring.ts — the device side of a split virtqueue (virtio 1.x section 2.7), for simulated
// virtio devices: it reads the descriptor table and the available ring the driver wrote, and writes the used ring,
// all through guest memory addressed by bus address (SimDma.view, or SimPlatform.dmaView). The driver's rings are
// not trusted: a chain with a descriptor out of range, a loop, a zero-length buffer or a readable buffer after a
// writable one is a DriverProtocolError. For tests of the driver's checks it can also misbehave on purpose
// (injectFault): jump the used index, report ids out of range, not chain heads, not in flight, or lengths larger
// than the writable buffers.
// Layer: test support. Depends on nothing.

/** Memory as a device sees it: a view of `length` bytes at bus address `address` (throws when none is there). */
export interface GuestMemory {
  view(address: number, length: number): Uint8Array;
}

export const VIRTQ_DESC_F_NEXT = 1;
export const VIRTQ_DESC_F_WRITE = 2;
export const VIRTQ_DESC_F_INDIRECT = 4;
export const VIRTQ_USED_F_NO_NOTIFY = 1;
export const VIRTQ_AVAIL_F_NO_INTERRUPT = 1;

/** One descriptor as the device read it. */
export interface Descriptor {
  index: number;
  address: number;
  length: number;
  flags: number;
  next: number;
}

/** A chain the device took off the available ring: views of its buffers, readable ones first. */
export interface Chain {
  head: number;
  descriptors: Descriptor[];
  readable: Uint8Array[];
  writable: Uint8Array[];
  readableLength: number;
  writableLength: number;
}

/** A deliberate protocol violation for the next completion (see DeviceQueue.injectFault). */
export type UsedFault =
  | { kind: "index-jump"; by?: number }
  | { kind: "id-out-of-range" }
  | { kind: "id-not-head" }
  | { kind: "id-not-in-flight" }
  | { kind: "length-too-big" };

/** The driver broke the ring protocol; the message is a sentence naming the queue and what was found. */
export class DriverProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DriverProtocolError";
  }
}

/** Copies `length` bytes starting `offset` bytes into the concatenation of `segments`. */
export function gather(segments: Uint8Array[], offset = 0, length = Infinity): Uint8Array {
  const total = segments.reduce((n, s) => n + s.length, 0);
  const out = new Uint8Array(Math.max(0, Math.min(length, total - offset)));
  let at = 0, skip = offset;
  for (const s of segments) {
    if (at === out.length) break;
    if (skip >= s.length) { skip -= s.length; continue; }
    const part = s.subarray(skip, skip + out.length - at);
    out.set(part, at);
    at += part.length;
    skip = 0;
  }
  return out;
}

/** Writes `data` starting `offset` bytes into the concatenation of `segments`; returns the bytes written. */
export function scatter(segments: Uint8Array[], offset: number, data: Uint8Array): number {
  let at = 0, skip = offset;
  for (const s of segments) {
    if (at === data.length) break;
    if (skip >= s.length) { skip -= s.length; continue; }
    const n = Math.min(s.length - skip, data.length - at);
    s.set(data.subarray(at, at + n), skip);
    at += n;
    skip = 0;
  }
  return at;
}

/**
 * The device's view of one queue.
 *
 * ```ts
 * const dev = new DeviceQueue(dma, 0, q.size, q.addresses);
 * for (let c = dev.take(); c; c = dev.take()) dev.use(c.head, 0);
 * ```
 */
export class DeviceQueue {
  /** Chains taken and not used yet, by head. */
  readonly held = new Map<number, Chain>();
  /** Chains completed (use() calls) so far. */
  completed = 0;
  private lastAvail = 0;
  private nextUsed = 0;
  private readonly faults: UsedFault[] = [];

  constructor(private readonly mem: GuestMemory, readonly index: number, readonly size: number,
              readonly addresses: { desc: number; driver: number; device: number }) {}

  private u16(address: number): number {
    const b = this.mem.view(address, 2);
    return b[0] | (b[1] << 8);
  }

  private setU16(address: number, v: number): void {
    const b = this.mem.view(address, 2);
    b[0] = v & 0xff;
    b[1] = (v >> 8) & 0xff;
  }

  /** avail.flags as the driver wrote it. */
  get availFlags(): number { return this.u16(this.addresses.driver); }
  /** avail.idx as the driver published it. */
  get availIdx(): number { return this.u16(this.addresses.driver + 2); }
  /** The head the driver put in avail.ring[slot % size]. */
  availEntry(slot: number): number { return this.u16(this.addresses.driver + 4 + 2 * (slot % this.size)); }
  /** used.idx as published. */
  get usedIdx(): number { return this.u16(this.addresses.device + 2); }
  /** VIRTQ_USED_F_NO_NOTIFY: true asks the driver not to notify. */
  set noNotify(on: boolean) { this.setU16(this.addresses.device, on ? VIRTQ_USED_F_NO_NOTIFY : 0); }

  /** Chains the driver made available that the device has not taken yet. */
  get pending(): number {
    return (this.availIdx - this.lastAvail) & 0xffff;
  }

  /** Reads descriptor `i` of the table. */
  descriptor(i: number): Descriptor {
    const v = new DataView(this.mem.view(this.addresses.desc + 16 * i, 16).slice().buffer);
    return {
      index: i, address: v.getUint32(0, true) + v.getUint32(4, true) * 2 ** 32, length: v.getUint32(8, true),
      flags: v.getUint16(12, true), next: v.getUint16(14, true),
    };
  }

  private violation(what: string): never {
    throw new DriverProtocolError(`virtqueue ${this.index}: ${what}`);
  }

  /** Takes the next available chain, or null. Throws DriverProtocolError on a malformed ring or chain. */
  take(): Chain | null {
    const pending = this.pending;
    if (pending === 0) return null;
    if (pending > this.size) this.violation(`avail.idx ran ${pending} entries ahead of the device (queue size ${this.size})`);
    const head = this.availEntry(this.lastAvail);
    this.lastAvail = (this.lastAvail + 1) & 0xffff;
    if (head >= this.size) this.violation(`available head ${head} is out of range (size ${this.size})`);
    const busy = new Set<number>();
    for (const c of this.held.values()) for (const d of c.descriptors) busy.add(d.index);
    const chain: Chain = { head, descriptors: [], readable: [], writable: [], readableLength: 0, writableLength: 0 };
    for (let i = head; ;) {
      if (chain.descriptors.some((d) => d.index === i)) this.violation(`the chain at head ${head} loops back to descriptor ${i}`);
      if (busy.has(i)) this.violation(`descriptor ${i} is offered again while the device still holds it`);
      const d = this.descriptor(i);
      if (d.flags & VIRTQ_DESC_F_INDIRECT) this.violation(`descriptor ${i} is indirect, which was not negotiated`);
      if (d.length === 0) this.violation(`descriptor ${i} is a zero-length buffer`);
      const writable = (d.flags & VIRTQ_DESC_F_WRITE) !== 0;
      if (!writable && chain.writable.length > 0) {
        this.violation(`descriptor ${i} is device-readable but follows a device-writable one in the chain at head ${head}`);
      }
      chain.descriptors.push(d);
      const bytes = this.mem.view(d.address, d.length);
      if (writable) { chain.writable.push(bytes); chain.writableLength += d.length; }
      else { chain.readable.push(bytes); chain.readableLength += d.length; }
      if (!(d.flags & VIRTQ_DESC_F_NEXT)) break;
      if (d.next >= this.size) this.violation(`descriptor ${i} links to ${d.next}, out of range (size ${this.size})`);
      i = d.next;
    }
    this.held.set(head, chain);
    return chain;
  }

  /** The next use() breaks the protocol as `fault` says (faults queue up, one per use). */
  injectFault(fault: UsedFault): void {
    this.faults.push(fault);
  }

  /** Returns a held chain with `written` bytes written into its writable buffers, and publishes used.idx. */
  use(head: number, written: number): void {
    const chain = this.held.get(head);
    if (!chain) throw new Error(`simulated device bug: chain ${head} of queue ${this.index} is not held`);
    if (written > chain.writableLength) {
      throw new Error(`simulated device bug: ${written} bytes written into a chain of ${chain.writableLength} writable bytes`);
    }
    const fault = this.faults.shift();
    let id = head, len = written, step = 1;
    switch (fault?.kind) {
      case "index-jump": step = fault.by ?? this.size + 1; break;
      case "id-out-of-range": id = this.size; break;
      case "length-too-big": len = chain.writableLength + 1; break;
      case "id-not-head":
        if (chain.descriptors.length < 2) throw new Error("an id-not-head fault needs a chain of two or more descriptors");
        id = chain.descriptors[1].index;
        break;
      case "id-not-in-flight": id = this.idleDescriptor(); break;
    }
    this.held.delete(head);
    this.completed++;
    this.writeUsed(this.nextUsed, id, len);
    this.publishUsed(this.nextUsed + step);
  }

  /** Writes used.ring[slot % size] = {id, len} without publishing it (raw: for misbehaving devices). */
  writeUsed(slot: number, id: number, len: number): void {
    const bytes = this.mem.view(this.addresses.device + 4 + 8 * (slot % this.size), 8);
    const v = new DataView(bytes.buffer, bytes.byteOffset, 8);
    v.setUint32(0, id >>> 0, true);
    v.setUint32(4, len >>> 0, true);
  }

  /** Sets used.idx (raw: any value, for misbehaving devices); later use() calls continue from it. */
  publishUsed(idx: number): void {
    this.nextUsed = idx & 0xffff;
    this.setU16(this.addresses.device + 2, this.nextUsed);
  }

  /** A descriptor in no chain the device holds or could take now (so not in flight for the driver either). */
  private idleDescriptor(): number {
    const busy = new Set<number>();
    for (const c of this.held.values()) for (const d of c.descriptors) busy.add(d.index);
    for (let k = 0; k < this.pending; k++) {
      for (let i = this.availEntry(this.lastAvail + k), n = 0; i < this.size && n < this.size; n++) {
        busy.add(i);
        const d = this.descriptor(i);
        if (!(d.flags & VIRTQ_DESC_F_NEXT)) break;
        i = d.next;
      }
    }
    for (let i = 0; i < this.size; i++) if (!busy.has(i)) return i;
    throw new Error("an id-not-in-flight fault needs a descriptor that is not in flight");
  }
}
