// libos/net/stack/fragments.ts — IPv4 fragment reassembly (RFC 791) with limits: datagrams in progress, bytes per
// datagram, and a timeout after which partial datagrams are dropped. Overlaps are resolved first-come.
// Layer: libos/net/stack. No dependencies; time is passed in.

export interface ReassemblyLimits {
  maxDatagrams?: number;
  maxBytes?: number;
  timeout?: number;
}

interface Partial {
  data: Uint8Array;
  /** Received byte ranges [start, end), merged. */
  ranges: [number, number][];
  /** Total length once the last fragment (MF = 0) arrived, else -1. */
  total: number;
  expires: number;
}

export class FragmentReassembler {
  private readonly partials = new Map<string, Partial>();
  private readonly l: Required<ReassemblyLimits>;
  /** Fragments or datagrams dropped (limits, timeouts, inconsistencies). */
  dropped = 0;

  constructor(limits: ReassemblyLimits = {}) {
    this.l = { maxDatagrams: 16, maxBytes: 65535, timeout: 30_000, ...limits };
  }

  /**
   * Adds a fragment's payload at `offset` (bytes). Returns the whole payload when this completed the datagram,
   * else null. `key` identifies the datagram (source, destination, protocol, ident).
   */
  add(key: string, offset: number, moreFrags: boolean, payload: Uint8Array, now: number): Uint8Array | null {
    this.expire(now);
    const end = offset + payload.length;
    if (end > this.l.maxBytes || (moreFrags && payload.length % 8 !== 0)) { this.dropped++; return null; }
    let p = this.partials.get(key);
    if (!p) {
      if (this.partials.size >= this.l.maxDatagrams) { this.dropped++; return null; }
      p = { data: new Uint8Array(0), ranges: [], total: -1, expires: now + this.l.timeout };
      this.partials.set(key, p);
    }
    if (!moreFrags) {
      if (p.total >= 0 && p.total !== end) { this.drop(key); return null; }
      p.total = end;
    }
    if ((p.total >= 0 && end > p.total)) { this.drop(key); return null; }
    if (end > p.data.length) {
      const grown = new Uint8Array(Math.max(end, Math.min(this.l.maxBytes, p.data.length * 2)));
      grown.set(p.data);
      p.data = grown;
    }
    this.insert(p, offset, payload);
    if (p.total >= 0 && p.ranges.length === 1 && p.ranges[0][0] === 0 && p.ranges[0][1] === p.total) {
      this.partials.delete(key);
      return p.data.subarray(0, p.total);
    }
    return null;
  }

  /** Copies the parts of [offset, offset+len) not yet received, then merges the ranges. */
  private insert(p: Partial, offset: number, payload: Uint8Array): void {
    const end = offset + payload.length;
    let at = offset;
    for (const [s, e] of p.ranges) {
      if (e <= at || s >= end) continue;
      if (s > at) p.data.set(payload.subarray(at - offset, s - offset), at);
      at = Math.max(at, e);
    }
    if (at < end) p.data.set(payload.subarray(at - offset), at);
    p.ranges.push([offset, end]);
    p.ranges.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const r of p.ranges) {
      const last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push([r[0], r[1]]);
    }
    p.ranges = merged;
  }

  private drop(key: string): void {
    this.partials.delete(key);
    this.dropped++;
  }

  /** Drops datagrams whose time ran out. */
  expire(now: number): void {
    for (const [k, p] of this.partials) if (p.expires <= now) this.drop(k);
  }

  pollAt(): number {
    let at = Infinity;
    for (const p of this.partials.values()) at = Math.min(at, p.expires);
    return at;
  }

  get inProgress(): number {
    return this.partials.size;
  }
}
