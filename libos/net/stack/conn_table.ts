// libos/net/stack/conn_table.ts — the TCP layer's connection table: sockets by four-tuple (remote address, remote
// port, local port; the local address is checked by the socket's own `accepts`), found with two Map lookups on
// numbers per segment — no key string built per segment. Layer: libos/net/stack. Depends on nothing.

/**
 * A map from (remote address, remote port, local port) to a value: an outer Map keyed by the two ports (one
 * 32-bit number), an inner one by the remote address.
 *
 * @example
 * const t = new ConnTable<Sock>(); t.set(peer, 80, 49152, s); t.get(peer, 80, 49152) === s;
 */
export class ConnTable<T> {
  private readonly byPorts = new Map<number, Map<number, T>>();
  private count = 0;

  /** Entries held. */
  get size(): number {
    return this.count;
  }

  /** The value for the four-tuple, or undefined. */
  get(remote: number, remotePort: number, localPort: number): T | undefined {
    const inner = this.byPorts.get(remotePort * 65536 + localPort);
    return inner === undefined ? undefined : inner.get(remote >>> 0);
  }

  /** True when the four-tuple has a value. */
  has(remote: number, remotePort: number, localPort: number): boolean {
    return this.get(remote, remotePort, localPort) !== undefined;
  }

  /** Sets the value for the four-tuple. */
  set(remote: number, remotePort: number, localPort: number, value: T): void {
    const k = remotePort * 65536 + localPort;
    let inner = this.byPorts.get(k);
    if (inner === undefined) {
      inner = new Map();
      this.byPorts.set(k, inner);
    }
    if (!inner.has(remote >>> 0)) this.count++;
    inner.set(remote >>> 0, value);
  }

  /** Removes the four-tuple's value; when `only` is given, only if the value is that one. Returns true if removed. */
  delete(remote: number, remotePort: number, localPort: number, only?: T): boolean {
    const k = remotePort * 65536 + localPort;
    const inner = this.byPorts.get(k);
    if (inner === undefined) return false;
    const v = inner.get(remote >>> 0);
    if (v === undefined || (only !== undefined && v !== only)) return false;
    inner.delete(remote >>> 0);
    if (inner.size === 0) this.byPorts.delete(k);
    this.count--;
    return true;
  }

  /** True when some entry uses `localPort`. */
  usesLocalPort(localPort: number): boolean {
    for (const k of this.byPorts.keys()) if (k % 65536 === localPort) return true;
    return false;
  }

  /** Every value. */
  *values(): IterableIterator<T> {
    for (const inner of this.byPorts.values()) yield* inner.values();
  }
}
