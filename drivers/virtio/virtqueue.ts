// drivers/virtio/virtqueue.ts — a split virtqueue (virtio 1.x section 2.7): descriptor table, available ring and
// used ring as small classes over one DMA region, a free-descriptor list, chains, and a checked completion path.
// A device that misbehaves (used index jumping past the ring, ids out of range or not in flight, lengths larger
// than the buffers) is detected: the queue is marked broken and the error reported, never thrown at random.
// Layer: drivers/virtio (ring). Depends on kernel/platform.ts types only.

import type { DmaRegion } from "../../kernel/platform.ts";

const DESC_SIZE = 16;
const F_NEXT = 1, F_WRITE = 2;
const USED_F_NO_NOTIFY = 1;

/** One buffer of a chain: device-readable unless `writable`. */
export interface Segment {
  address: number;
  length: number;
  writable?: boolean;
}

/** Where the three parts of a queue of `size` entries sit inside its region (bytes). */
export function queueLayout(size: number): { desc: number; avail: number; used: number; total: number } {
  const desc = 0;
  const avail = DESC_SIZE * size;
  const used = Math.ceil((avail + 6 + 2 * size) / 4) * 4;
  return { desc, avail, used, total: used + 6 + 8 * size };
}

/** The descriptor table: 16-byte entries {addr u64, len u32, flags u16, next u16}, little-endian. */
export class DescriptorTable {
  constructor(private readonly v: DataView, private readonly base: number) {}
  set(i: number, address: number, length: number, flags: number, next: number): void {
    const o = this.base + i * DESC_SIZE;
    this.v.setUint32(o, address % 2 ** 32, true);
    this.v.setUint32(o + 4, Math.floor(address / 2 ** 32), true);
    this.v.setUint32(o + 8, length, true);
    this.v.setUint16(o + 12, flags, true);
    this.v.setUint16(o + 14, next, true);
  }
  length(i: number): number { return this.v.getUint32(this.base + i * DESC_SIZE + 8, true); }
  flags(i: number): number { return this.v.getUint16(this.base + i * DESC_SIZE + 12, true); }
  next(i: number): number { return this.v.getUint16(this.base + i * DESC_SIZE + 14, true); }
}

/** The driver's ring: {flags u16, idx u16, ring[size] u16, used_event u16}. */
export class AvailableRing {
  constructor(private readonly v: DataView, private readonly base: number, private readonly size: number) {}
  get idx(): number { return this.v.getUint16(this.base + 2, true); }
  set idx(n: number) { this.v.setUint16(this.base + 2, n & 0xffff, true); }
  setEntry(slot: number, head: number): void { this.v.setUint16(this.base + 4 + 2 * (slot % this.size), head, true); }
}

/** The device's ring: {flags u16, idx u16, ring[size] {id u32, len u32}, avail_event u16}. */
export class UsedRing {
  constructor(private readonly v: DataView, private readonly base: number, private readonly size: number) {}
  get flags(): number { return this.v.getUint16(this.base, true); }
  get idx(): number { return this.v.getUint16(this.base + 2, true); }
  id(slot: number): number { return this.v.getUint32(this.base + 4 + 8 * (slot % this.size), true); }
  len(slot: number): number { return this.v.getUint32(this.base + 8 + 8 * (slot % this.size), true); }
}

export class VirtqueueError extends Error {}

export class Virtqueue<T> {
  readonly desc: DescriptorTable;
  readonly avail: AvailableRing;
  readonly used: UsedRing;
  readonly addresses: { desc: number; driver: number; device: number };
  private readonly nextFree: Uint16Array;
  private freeHead = 0;
  private freeCount: number;
  private readonly tokens: (T | undefined)[];
  private readonly chainLength: Uint16Array;
  /** Our own copy of each chain's links (the table itself is shared with the device and not trusted). */
  private readonly links: Uint16Array;
  private readonly writableBytes: Uint32Array;
  private lastUsed = 0;
  private added = 0;
  private chains = 0;
  /** Set once the device broke the protocol; the queue then accepts and completes nothing. */
  broken: string | null = null;

  constructor(readonly index: number, readonly size: number, region: DmaRegion, private readonly kickDevice: () => void,
              private readonly onBroken: (why: string) => void = () => {}) {
    if (size < 1 || size > 32768 || (size & (size - 1)) !== 0) throw new RangeError(`queue size ${size} is not a power of two in 1..32768`);
    const lay = queueLayout(size);
    if (region.buffer.byteLength < lay.total) throw new RangeError(`queue region of ${region.buffer.byteLength} bytes, ${lay.total} needed`);
    const v = new DataView(region.buffer);
    this.desc = new DescriptorTable(v, lay.desc);
    this.avail = new AvailableRing(v, lay.avail, size);
    this.used = new UsedRing(v, lay.used, size);
    this.addresses = { desc: region.address + lay.desc, driver: region.address + lay.avail, device: region.address + lay.used };
    this.nextFree = new Uint16Array(size);
    for (let i = 0; i < size; i++) this.nextFree[i] = i + 1;
    this.freeCount = size;
    this.tokens = new Array(size);
    this.chainLength = new Uint16Array(size);
    this.links = new Uint16Array(size);
    this.writableBytes = new Uint32Array(size);
  }

  /** Descriptors free for new chains. */
  get free(): number {
    return this.freeCount;
  }

  /** Chains handed to the device and not completed yet. */
  get inFlight(): number {
    return this.chains;
  }

  /**
   * Makes a chain of `segments` available with `token` (returned on completion). Returns false when there are
   * not enough free descriptors. Zero-length segments are refused (the device could not use them).
   */
  add(segments: Segment[], token: T): boolean {
    if (this.broken) return false;
    if (segments.length === 0) throw new RangeError("a buffer chain needs at least one segment");
    if (segments.length > this.freeCount) return false;
    const head = this.freeHead;
    let i = head;
    let writable = 0;
    for (let k = 0; k < segments.length; k++) {
      const s = segments[k];
      if (!(s.length > 0)) throw new RangeError(`segment ${k} has length ${s.length}: zero-length buffers are not allowed`);
      const last = k === segments.length - 1;
      const next = this.nextFree[i];
      this.desc.set(i, s.address, s.length, (last ? 0 : F_NEXT) | (s.writable ? F_WRITE : 0), last ? 0 : next);
      this.links[i] = next;
      if (s.writable) writable += s.length;
      if (!last) i = next;
      else this.freeHead = next;
    }
    this.freeCount -= segments.length;
    this.tokens[head] = token;
    this.chainLength[head] = segments.length;
    this.writableBytes[head] = writable;
    this.chains++;
    this.avail.setEntry(this.avail.idx + this.added, head);
    this.added++;
    return true;
  }

  /** Publishes added chains (one index update) and notifies the device unless it asked not to be. */
  kick(): void {
    if (this.added === 0 || this.broken) return;
    this.avail.idx = this.avail.idx + this.added;
    this.added = 0;
    if (!(this.used.flags & USED_F_NO_NOTIFY)) this.kickDevice();
  }

  private fail(why: string): number {
    if (!this.broken) {
      this.broken = why;
      this.onBroken(why);
    }
    return 0;
  }

  /**
   * Takes completed chains off the used ring: `complete(token, bytesWritten)` for each, descriptors freed first,
   * at most `max` of them (the rest stay for the next poll). Returns how many completed. A protocol violation
   * breaks the queue and is reported through onBroken.
   */
  poll(complete: (token: T, written: number) => void, max = Infinity): number {
    if (this.broken) return 0;
    const usedIdx = this.used.idx;
    const pending = (usedIdx - this.lastUsed) & 0xffff;
    if (pending > this.size || pending > this.inFlight) {
      return this.fail(`virtqueue ${this.index}: used index jumped by ${pending} with ${this.inFlight} chains in flight`);
    }
    let n = 0;
    while (this.lastUsed !== usedIdx && !this.broken && n < max) {
      const slot = this.lastUsed;
      const id = this.used.id(slot);
      const len = this.used.len(slot);
      if (id >= this.size) return this.fail(`virtqueue ${this.index}: used id ${id} is out of range (size ${this.size})`);
      const token = this.tokens[id];
      if (token === undefined || this.chainLength[id] === 0) {
        return this.fail(`virtqueue ${this.index}: used id ${id} is not the head of a chain in flight`);
      }
      if (len > this.writableBytes[id]) {
        return this.fail(`virtqueue ${this.index}: device wrote ${len} bytes into ${this.writableBytes[id]} writable bytes`);
      }
      // Consume the entry before the callback runs: a callback that throws must not make us re-read it.
      this.lastUsed = (slot + 1) & 0xffff;
      this.release(id);
      n++;
      complete(token, len);
    }
    return n;
  }

  /** Puts a completed chain back at the front of the free list, in chain order. */
  private release(head: number): void {
    const count = this.chainLength[head];
    let last = head;
    for (let k = 1; k < count; k++) {
      this.nextFree[last] = this.links[last];
      last = this.links[last];
    }
    this.nextFree[last] = this.freeHead;
    this.freeHead = head;
    this.freeCount += count;
    this.chains--;
    this.tokens[head] = undefined;
    this.chainLength[head] = 0;
  }
}
