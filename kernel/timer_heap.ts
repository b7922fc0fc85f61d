// kernel/timer_heap.ts — a binary min-heap of timers ordered by (expiry, sequence): equal expiries fire in the
// order they were scheduled. Entries carry their own heap index so removal is O(log n).
// Layer: kernel. No dependencies.

/** What the heap needs from a timer. The event loop sets these fields; callers treat them as private. */
export interface TimerEntry {
  /** Absolute deadline on the loop clock (ms, fractional). */
  expiry: number;
  /** Tie-breaker: scheduling order. */
  seq: number;
  /** Position in the heap, -1 when not scheduled. */
  heapIndex: number;
}

export class TimerHeap<T extends TimerEntry> {
  private items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(t: T): void {
    t.heapIndex = this.items.length;
    this.items.push(t);
    this.up(t.heapIndex);
  }

  pop(): T | undefined {
    const top = this.items[0];
    if (top) this.remove(top);
    return top;
  }

  /** Removes `t` if it is in the heap; a no-op otherwise. */
  remove(t: T): void {
    const i = t.heapIndex;
    if (i < 0 || this.items[i] !== t) return;
    const last = this.items.pop() as T;
    t.heapIndex = -1;
    if (last !== t) {
      this.items[i] = last;
      last.heapIndex = i;
      this.down(i);
      this.up(last.heapIndex);
    }
  }

  /** `t`'s key (expiry, seq) changed while in the heap: restores the order. */
  update(t: T): void {
    const i = t.heapIndex;
    if (i < 0 || this.items[i] !== t) return;
    this.down(i);
    this.up(t.heapIndex);
  }

  private less(a: T, b: T): boolean {
    return a.expiry < b.expiry || (a.expiry === b.expiry && a.seq < b.seq);
  }

  private swap(i: number, j: number): void {
    const a = this.items[i], b = this.items[j];
    this.items[i] = b;
    this.items[j] = a;
    a.heapIndex = j;
    b.heapIndex = i;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(this.items[i], this.items[parent])) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < this.items.length && this.less(this.items[l], this.items[m])) m = l;
      if (r < this.items.length && this.less(this.items[r], this.items[m])) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
