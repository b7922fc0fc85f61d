// libos/net/tcp/assembler.ts — bookkeeping for out-of-order TCP data: which byte ranges past the next expected
// sequence number have arrived (their bytes are parked in the receive ring's unallocated area). A bounded, sorted
// list of disjoint ranges, preallocated once. Layer: libos/net/tcp. No dependencies.

/**
 * Disjoint, non-adjacent ranges `[start, end)` of offsets counted from the next expected byte, at most
 * `maxRanges` of them. `add` merges; `removeFront` takes the range that starts at 0 once the gap is filled.
 *
 * @example
 * const a = new Assembler(4); a.add(10, 5); a.add(0, 10); a.removeFront() === 15;
 */
export class Assembler {
  /** Most separate ranges kept. */
  readonly maxRanges: number;
  private readonly starts: number[];
  private readonly ends: number[];
  private count = 0;

  /** An empty assembler for up to `maxRanges` ranges. */
  constructor(maxRanges: number) {
    this.maxRanges = maxRanges;
    this.starts = new Array<number>(maxRanges + 1).fill(0);
    this.ends = new Array<number>(maxRanges + 1).fill(0);
  }

  /** True when no range is held. */
  get isEmpty(): boolean {
    return this.count === 0;
  }

  /** Ranges held. */
  get ranges(): number {
    return this.count;
  }

  /** The end of the last range (0 when empty): the highest offset received. */
  get highest(): number {
    return this.count === 0 ? 0 : this.ends[this.count - 1];
  }

  /**
   * Records `[offset, offset + len)` as received, merging with overlapping or adjacent ranges. Returns false (and
   * changes nothing) when that would need more than `maxRanges` ranges.
   */
  add(offset: number, len: number): boolean {
    if (len <= 0) return true;
    let s = offset;
    let e = offset + len;
    const st = this.starts;
    const en = this.ends;
    let i = 0;
    while (i < this.count && en[i] < s) i++;
    let j = i;
    while (j < this.count && st[j] <= e) {
      if (st[j] < s) s = st[j];
      if (en[j] > e) e = en[j];
      j++;
    }
    const removed = j - i;
    const next = this.count - removed + 1;
    if (next > this.maxRanges) return false;
    if (removed === 0) {
      for (let k = this.count; k > i; k--) {
        st[k] = st[k - 1];
        en[k] = en[k - 1];
      }
    } else if (removed > 1) {
      for (let k = i + 1; k + removed - 1 < this.count; k++) {
        st[k] = st[k + removed - 1];
        en[k] = en[k + removed - 1];
      }
    }
    st[i] = s;
    en[i] = e;
    this.count = next;
    return true;
  }

  /**
   * When a range starts at offset 0, removes it, shifts the others down by its length and returns the length;
   * otherwise returns 0.
   */
  removeFront(): number {
    if (this.count === 0 || this.starts[0] !== 0) return 0;
    const n = this.ends[0];
    for (let k = 1; k < this.count; k++) {
      this.starts[k - 1] = this.starts[k] - n;
      this.ends[k - 1] = this.ends[k] - n;
    }
    this.count--;
    return n;
  }

  /** Forgets every range. */
  clear(): void {
    this.count = 0;
  }
}
