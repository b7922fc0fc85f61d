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

/**
 * The descriptor table: 16-byte entries {addr u64, len u32, flags u16, next u16}, little-endian. Read and written
 * through typed arrays over the queue's memory (x86 is little-endian; a DataView call per field cost ~2 % of an HTTP
 * server's time under the interpreter).
 */
export class DescriptorTable {
  private readonly w32: Uint32Array;
  private readonly w16: Uint16Array;
  constructor(buffer: ArrayBuffer, base: number, size: number) {
    this.w32 = new Uint32Array(buffer, base, size * 4);
    this.w16 = new Uint16Array(buffer, base, size * 8);
  }
  set(i: number, address: number, length: number, flags: number, next: number): void {
    const o = i << 2;
    this.w32[o] = address % 2 ** 32;
    this.w32[o + 1] = address > 0xffffffff ? Math.floor(address / 2 ** 32) : 0;
    this.w32[o + 2] = length;
    this.w16[(i << 3) + 6] = flags;
    this.w16[(i << 3) + 7] = next;
  }
  length(i: number): number { return this.w32[(i << 2) + 2]; }
  flags(i: number): number { return this.w16[(i << 3) + 6]; }
  next(i: number): number { return this.w16[(i << 3) + 7]; }
}

/** The driver's ring: {flags u16, idx u16, ring[size] u16, used_event u16}. */
export class AvailableRing {
  private readonly w16: Uint16Array;
  private readonly mask: number;
  constructor(buffer: ArrayBuffer, base: number, private readonly size: number) {
    this.w16 = new Uint16Array(buffer, base, size + 3);
    this.mask = size - 1;
  }
  get flags(): number { return this.w16[0]; }
  set flags(f: number) { this.w16[0] = f; }
  get idx(): number { return this.w16[1]; }
  set idx(n: number) { this.w16[1] = n & 0xffff; }
  setEntry(slot: number, head: number): void { this.w16[2 + (slot & this.mask)] = head; }
  /** used_event (VIRTIO_F_EVENT_IDX): interrupt me when the used index passes this. */
  set usedEvent(n: number) { this.w16[2 + this.size] = n & 0xffff; }
}

/** The device's ring: {flags u16, idx u16, ring[size] {id u32, len u32}, avail_event u16}. */
export class UsedRing {
  private readonly w16: Uint16Array;
  private readonly w32: Uint32Array;
  private readonly mask: number;
  constructor(buffer: ArrayBuffer, base: number, private readonly size: number) {
    this.w16 = new Uint16Array(buffer, base, 2 + 4 * size + 1);
    this.w32 = new Uint32Array(buffer, base, 1 + 2 * size);
    this.mask = size - 1;
  }
  get flags(): number { return this.w16[0]; }
  get idx(): number { return this.w16[1]; }
  id(slot: number): number { return this.w32[1 + 2 * (slot & this.mask)]; }
  len(slot: number): number { return this.w32[2 + 2 * (slot & this.mask)]; }
  /** avail_event (VIRTIO_F_EVENT_IDX): the device wants a notification when avail.idx passes this. */
  get availEvent(): number { return this.w16[2 + 4 * this.size]; }
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
  // The rings as typed arrays held here, for the per-frame paths (addBuffer, next, kick): each getter or method
  // call of the ring classes costs an interpreted call, several per frame.
  private readonly d32: Uint32Array;
  private readonly d16: Uint16Array;
  /** avail: [flags, idx, ring[size], used_event]. */
  private readonly a16: Uint16Array;
  /** used: [flags, idx, {id, len}[size] as u32 pairs from index 1 of u32, avail_event]. */
  private readonly u16: Uint16Array;
  private readonly u32: Uint32Array;
  private readonly mask: number;

  constructor(readonly index: number, readonly size: number, region: DmaRegion, private readonly kickDevice: () => void,
              private readonly onBroken: (why: string) => void = () => {}) {
    if (size < 1 || size > 32768 || (size & (size - 1)) !== 0) throw new RangeError(`queue size ${size} is not a power of two in 1..32768`);
    const lay = queueLayout(size);
    if (region.buffer.byteLength < lay.total) throw new RangeError(`queue region of ${region.buffer.byteLength} bytes, ${lay.total} needed`);
    this.desc = new DescriptorTable(region.buffer, lay.desc, size);
    this.avail = new AvailableRing(region.buffer, lay.avail, size);
    this.used = new UsedRing(region.buffer, lay.used, size);
    this.d32 = new Uint32Array(region.buffer, lay.desc, size * 4);
    this.d16 = new Uint16Array(region.buffer, lay.desc, size * 8);
    this.a16 = new Uint16Array(region.buffer, lay.avail, size + 3);
    this.u16 = new Uint16Array(region.buffer, lay.used, 4 * size + 3);
    this.u32 = new Uint32Array(region.buffer, lay.used, 1 + 2 * size);
    this.mask = size - 1;
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

  /**
   * Makes one buffer available with `token`, as add([{address, length, writable}], token) without building the
   * segment list (the per-frame path of the network driver). Returns false when no descriptor is free.
   */
  addBuffer(address: number, length: number, writable: boolean, token: T): boolean {
    if (this.broken) return false;
    if (!(length > 0)) throw new RangeError(`segment 0 has length ${length}: zero-length buffers are not allowed`);
    if (this.freeCount === 0) return false;
    const head = this.freeHead;
    const next = this.nextFree[head];
    const d = head << 2;
    this.d32[d] = address > 0xffffffff ? address % 2 ** 32 : address;
    this.d32[d + 1] = address > 0xffffffff ? Math.floor(address / 2 ** 32) : 0;
    this.d32[d + 2] = length;
    this.d16[(head << 3) + 6] = writable ? F_WRITE : 0;
    this.d16[(head << 3) + 7] = 0;
    this.links[head] = next;
    this.freeHead = next;
    this.freeCount--;
    this.tokens[head] = token;
    this.chainLength[head] = 1;
    this.writableBytes[head] = writable ? length : 0;
    this.chains++;
    this.a16[2 + ((this.a16[1] + this.added) & this.mask)] = head;
    this.added++;
    return true;
  }

  /** Publishes added chains (one index update) and notifies the device unless it asked not to be. */
  kick(): void {
    if (this.added === 0 || this.broken) return;
    this.a16[1] = (this.a16[1] + this.added) & 0xffff;
    this.added = 0;
    if (!(this.u16[0] & USED_F_NO_NOTIFY)) this.kickDevice();
  }

  private fail(why: string): number {
    if (!this.broken) {
      this.broken = why;
      this.onBroken(why);
    }
    return 0;
  }

  /** Completed chains waiting on the used ring (not yet taken by next() or poll()). */
  get completedPending(): number {
    return this.broken ? 0 : (this.u16[1] - this.lastUsed) & 0xffff;
  }

  /** Bytes the device wrote into the chain the last next() returned. */
  lastWritten = 0;

  /**
   * Takes the next completed chain off the used ring, its descriptors freed: returns its token (bytes written in
   * `lastWritten`), or undefined when none is waiting or the queue is broken. A protocol violation breaks the
   * queue and is reported through onBroken. Allocates nothing.
   */
  next(): T | undefined {
    if (this.broken) return undefined;
    const usedIdx = this.u16[1];
    if (usedIdx === this.lastUsed) return undefined;
    const pending = (usedIdx - this.lastUsed) & 0xffff;
    if (pending > this.size || pending > this.chains) {
      this.fail(`virtqueue ${this.index}: used index jumped by ${pending} with ${this.chains} chains in flight`);
      return undefined;
    }
    const slot = this.lastUsed;
    const at = 1 + 2 * (slot & this.mask);
    const id = this.u32[at];
    const len = this.u32[at + 1];
    if (id >= this.size) {
      this.fail(`virtqueue ${this.index}: used id ${id} is out of range (size ${this.size})`);
      return undefined;
    }
    const token = this.tokens[id];
    if (token === undefined || this.chainLength[id] === 0) {
      this.fail(`virtqueue ${this.index}: used id ${id} is not the head of a chain in flight`);
      return undefined;
    }
    if (len > this.writableBytes[id]) {
      this.fail(`virtqueue ${this.index}: device wrote ${len} bytes into ${this.writableBytes[id]} writable bytes`);
      return undefined;
    }
    // Consume the entry before the caller sees it: a callback that throws must not make us re-read it.
    this.lastUsed = (slot + 1) & 0xffff;
    if (this.chainLength[id] === 1) {                  // release(id) for a one-buffer chain, inline
      this.nextFree[id] = this.freeHead;
      this.freeHead = id;
      this.freeCount++;
      this.chains--;
      this.tokens[id] = undefined;
      this.chainLength[id] = 0;
    } else {
      this.release(id);
    }
    this.lastWritten = len;
    return token;
  }

  /**
   * Takes completed chains off the used ring: `complete(token, bytesWritten)` for each, descriptors freed first,
   * at most `max` of them (the rest stay for the next poll). Returns how many completed. A protocol violation
   * breaks the queue and is reported through onBroken (and poll returns 0).
   */
  poll(complete: (token: T, written: number) => void, max = Infinity): number {
    let n = 0;
    while (n < max) {
      const token = this.next();
      if (token === undefined) break;
      n++;
      complete(token, this.lastWritten);
    }
    return this.broken ? 0 : n;
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
