// libos/net/stack/loopback.ts — the loopback interface (Linux's `lo`): 127.0.0.1/8 and a queue of the IPv4
// datagrams the host sends to itself (to 127.0.0.0/8 or to one of its own addresses). A datagram is copied in when
// sent and handed back to IP input on the interface's next poll, never from inside the send: the sender's call
// returns first, as Linux's loopback_xmit defers to netif_rx. Nothing here touches a device, so loopback traffic
// never reaches virtio, and it works in a machine that has no network card at all.
// Layer: libos/net/stack. No dependencies.

/** 127.0.0.1, the loopback interface's address (the source of datagrams sent to 127.0.0.0/8). */
export const LOOPBACK_ADDRESS = 0x7f000001;
/** 127.0.0.0/8. */
export const LOOPBACK_PREFIX_LENGTH = 8;
/**
 * The loopback MTU: 16384 (Linux used 16436 until 3.6, 65536 since). Large enough that a loopback TCP segment
 * carries eleven times what an Ethernet one does, small enough that several fit the 64 KiB socket windows.
 */
export const LOOPBACK_MTU = 16384;
/** Datagrams queued at most (Linux's netdev_max_backlog); more are dropped and counted. */
export const LOOPBACK_QUEUE_LIMIT = 1000;

/** Counters of the loopback interface (each datagram is both sent and received, as Linux counts `lo`). */
export interface LoopbackStats {
  packets: number;
  bytes: number;
  dropped: number;
}

/**
 * The loopback link: a bounded FIFO of whole IPv4 datagrams.
 *
 * @example
 * const lo = new LoopbackLink();
 * lo.onPending = () => runtime.kick();      // ask for a poll when the first datagram is queued
 * lo.transmit(datagram);                     // the link keeps `datagram`: the caller must not reuse it
 * lo.drain((d) => ip.receive(d));            // on the next poll
 */
export class LoopbackLink {
  readonly mtu = LOOPBACK_MTU;
  readonly stats: LoopbackStats = { packets: 0, bytes: 0, dropped: 0 };
  /** Called when a datagram is queued on an empty link: the owner should poll soon. */
  onPending: (() => void) | null = null;
  private queue: Uint8Array[] = [];

  /** Datagrams waiting for the next drain. */
  get pending(): number {
    return this.queue.length;
  }

  /** Queues `datagram` (which the link then owns). Returns false, dropping it, when the queue is full. */
  transmit(datagram: Uint8Array): boolean {
    if (this.queue.length >= LOOPBACK_QUEUE_LIMIT) {
      this.stats.dropped++;
      return false;
    }
    this.queue.push(datagram);
    this.stats.packets++;
    this.stats.bytes += datagram.length;
    if (this.queue.length === 1 && this.onPending !== null) this.onPending();
    return true;
  }

  /** Hands every queued datagram to `deliver`, oldest first; datagrams queued meanwhile wait for the next drain. */
  drain(deliver: (datagram: Uint8Array) => void): void {
    const q = this.queue;
    if (q.length === 0) return;
    this.queue = [];
    for (let i = 0; i < q.length; i++) deliver(q[i]);
  }
}
