// libos/net/stack/arp_cache.ts — the neighbour cache: IPv4 → MAC entries with an expiry, requests rate-limited
// per address, and a bounded queue of packets waiting for each resolution (dropped when it fails).
// Layer: libos/net/stack. No dependencies; time is passed in.

export interface ArpCacheOptions {
  /** How long an entry stays valid (ms). */
  entryLifetime?: number;
  /** Minimum time between two requests for one address (ms). */
  requestInterval?: number;
  /** Requests before a resolution is given up and its queued packets dropped. */
  maxRequests?: number;
  /** Packets queued per unresolved address; older ones are dropped first. */
  maxPending?: number;
  /** Entries kept at most; the oldest is evicted. */
  maxEntries?: number;
}

interface Entry { mac: number; expires: number }
interface Resolution { packets: Uint8Array[]; lastRequest: number; requests: number }

export class ArpCache {
  private readonly entries = new Map<number, Entry>();
  private readonly pending = new Map<number, Resolution>();
  private readonly o: Required<ArpCacheOptions>;
  /** Packets dropped because a resolution failed or its queue overflowed. */
  dropped = 0;

  constructor(options: ArpCacheOptions = {}) {
    this.o = { entryLifetime: 60_000, requestInterval: 1_000, maxRequests: 3, maxPending: 16, maxEntries: 1024, ...options };
  }

  /** The MAC for `ip`, or undefined when unknown or expired. */
  lookup(ip: number, now: number): number | undefined {
    const e = this.entries.get(ip);
    if (!e) return undefined;
    if (e.expires <= now) {
      this.entries.delete(ip);
      return undefined;
    }
    return e.mac;
  }

  /** Records a mapping; returns the packets that were waiting for it (to be sent now). */
  learn(ip: number, mac: number, now: number): Uint8Array[] {
    if (!this.entries.has(ip) && this.entries.size >= this.o.maxEntries) {
      const oldest = this.entries.keys().next().value as number;
      this.entries.delete(oldest);
    }
    this.entries.delete(ip);                         // re-insert: Map order is our LRU order
    this.entries.set(ip, { mac, expires: now + this.o.entryLifetime });
    const r = this.pending.get(ip);
    this.pending.delete(ip);
    return r ? r.packets : [];
  }

  /** True when an entry exists (RFC 826: update only entries we already have, unless the packet is for us). */
  has(ip: number): boolean {
    return this.entries.has(ip);
  }

  /**
   * Queues `packet` (an IPv4 datagram) until `ip` resolves. Returns true when a request should be sent now.
   */
  enqueue(ip: number, packet: Uint8Array, now: number): boolean {
    let r = this.pending.get(ip);
    if (!r) {
      r = { packets: [], lastRequest: -Infinity, requests: 0 };
      this.pending.set(ip, r);
    }
    r.packets.push(packet);
    if (r.packets.length > this.o.maxPending) {
      r.packets.shift();
      this.dropped++;
    }
    return this.shouldRequest(r, now);
  }

  private shouldRequest(r: Resolution, now: number): boolean {
    if (now - r.lastRequest < this.o.requestInterval) return false;
    r.lastRequest = now;
    r.requests++;
    return true;
  }

  /** Addresses whose request is due again now; resolutions past maxRequests are dropped. */
  due(now: number): number[] {
    const out: number[] = [];
    for (const [ip, r] of this.pending) {
      if (now - r.lastRequest < this.o.requestInterval) continue;
      if (r.requests >= this.o.maxRequests) {
        this.dropped += r.packets.length;
        this.pending.delete(ip);
        continue;
      }
      if (this.shouldRequest(r, now)) out.push(ip);
    }
    return out;
  }

  /** The next time due() has work (ms), or Infinity. */
  pollAt(): number {
    let at = Infinity;
    for (const r of this.pending.values()) at = Math.min(at, r.lastRequest + this.o.requestInterval);
    return at;
  }

  get size(): number {
    return this.entries.size;
  }
}
