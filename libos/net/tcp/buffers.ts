// libos/net/tcp/buffers.ts — the byte ring that backs a TCP socket's send and receive buffers: preallocated once,
// bytes copied in and out, plus an "unallocated" area past the readable bytes where out-of-order data is parked
// until the gap before it fills (see ./assembler.ts). The memory itself is allocated on first write and can be
// handed back when the ring is empty for good (`release`): a half-open connection or one lingering in TIME-WAIT
// holds no buffers. Layer: libos/net/tcp. No dependencies.

const UNALLOCATED = new Uint8Array(0);

/**
 * A fixed-capacity FIFO of bytes. Readable bytes run from the read position for `length` bytes; the `free` bytes
 * after them form the unallocated area that `writeUnallocated` fills and `enqueueUnallocated` turns readable.
 *
 * @example
 * const r = new RingBuffer(8); r.enqueue(bytes); const out = r.read(4); // a copy, removed from the ring
 */
export class RingBuffer {
  /** Bytes the ring holds at most. */
  readonly capacity: number;
  private buf: Uint8Array = UNALLOCATED;
  private head = 0;
  /**
   * Readable bytes. A plain field rather than a getter (TCP reads it several times per segment, and an interpreter
   * pays a call for every getter): read it, never assign it.
   */
  length = 0;

  /** A ring of `capacity` bytes. Throws RangeError unless `capacity` is a positive integer. */
  constructor(capacity: number) {
    if (!(capacity >= 1) || capacity !== Math.floor(capacity)) {
      throw new RangeError(`expected a ring buffer capacity that is a positive integer, found ${capacity}`);
    }
    this.capacity = capacity;
  }

  /** Bytes of memory the ring holds now (0 before the first write and after `release`). */
  get allocated(): number {
    return this.buf.length;
  }

  /** Hands the memory back when the ring is empty (nothing readable; the caller knows nothing is parked). */
  release(): void {
    if (this.length !== 0) return;
    this.buf = UNALLOCATED;
    this.head = 0;
  }

  private mem(): Uint8Array {
    if (this.buf === UNALLOCATED) this.buf = new Uint8Array(this.capacity);
    return this.buf;
  }


  /** Bytes that can still be enqueued. */
  get free(): number {
    return this.capacity - this.length;
  }

  /** Copies as much of `data[start..end)` as fits after the readable bytes; returns the bytes taken. */
  enqueue(data: Uint8Array, start = 0, end = data.length): number {
    const n = Math.min(end - start, this.capacity - this.length);
    if (n <= 0) return 0;
    this.writeAt(this.length, data, start, n);
    this.length += n;
    return n;
  }

  /**
   * Copies `data[start..end)` into the unallocated area `offset` bytes past the readable bytes, clipped to the
   * free space; the bytes stay unreadable until `enqueueUnallocated`. Returns the bytes written.
   */
  writeUnallocated(offset: number, data: Uint8Array, start: number, end: number): number {
    const n = Math.min(end - start, this.capacity - this.length - offset);
    if (n <= 0) return 0;
    this.writeAt(this.length + offset, data, start, n);
    return n;
  }

  /** Makes the first `n` unallocated bytes readable (clipped to the free space); returns how many. */
  enqueueUnallocated(n: number): number {
    const k = Math.min(n, this.capacity - this.length);
    if (k > 0) this.mem();
    this.length += k;
    return k;
  }

  /** Removes up to `max` readable bytes and returns a copy of them (empty when none). */
  read(max = this.length): Uint8Array {
    const n = Math.max(0, Math.min(max, this.length));
    const out = new Uint8Array(n);
    this.copyOut(0, n, out, 0);
    this.discard(n);
    return out;
  }

  /**
   * The `n` readable bytes from `offset` without removing them: a view into the ring when they are contiguous,
   * else a copy into `scratch` (which must hold `n` bytes). Valid until the ring next changes.
   */
  peek(offset: number, n: number, scratch: Uint8Array): Uint8Array {
    const at = (this.head + offset) % this.capacity;
    if (at + n <= this.capacity) return this.buf.subarray(at, at + n);
    this.copyOut(offset, n, scratch, 0);
    return scratch.subarray(0, n);
  }

  /**
   * The first readable bytes, up to `max`, as a view into the ring (not a copy): as many as lie contiguously from
   * the read position, so fewer than `length` when they wrap. Valid until those bytes are removed.
   */
  peekHead(max = this.length): Uint8Array {
    const n = Math.max(0, Math.min(max, this.length, this.capacity - this.head));
    return this.buf.subarray(this.head, this.head + n);
  }

  /** Removes up to `n` readable bytes without copying them; returns how many. */
  discard(n: number): number {
    const k = Math.max(0, Math.min(n, this.length));
    this.head = (this.head + k) % this.capacity;
    this.length -= k; // the head stays put even when empty: the unallocated area may hold parked data
    return k;
  }

  /** Empties the ring. */
  clear(): void {
    this.head = 0;
    this.length = 0;
  }

  private writeAt(pos: number, data: Uint8Array, start: number, n: number): void {
    const buf = this.mem();
    const at = (this.head + pos) % this.capacity;
    const first = Math.min(n, this.capacity - at);
    buf.set(first === data.length && start === 0 ? data : data.subarray(start, start + first), at);
    if (n > first) buf.set(data.subarray(start + first, start + n), 0);
  }

  private copyOut(offset: number, n: number, into: Uint8Array, at: number): void {
    const from = (this.head + offset) % this.capacity;
    const first = Math.min(n, this.capacity - from);
    into.set(this.buf.subarray(from, from + first), at);
    if (n > first) into.set(this.buf.subarray(0, n - first), at + first);
  }
}
