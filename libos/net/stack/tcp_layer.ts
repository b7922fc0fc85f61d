// libos/net/stack/tcp_layer.ts — TCP on the host's interfaces (Ethernet and loopback): demultiplexes segments to
// connections (by four-tuple) and listeners, hands a SYN that ends a TIME-WAIT on to the listener (RFC 6191),
// answers segments for nobody with RST, opens connections from ephemeral ports with RFC 6528-style initial sequence
// numbers, and runs every connection's dispatch at its pollAt. Layer: libos/net/stack.

import { chachaBlock } from "../../../kernel/entropy.ts";
import { TimerHeap, type TimerEntry } from "../../../kernel/timer_heap.ts";
import { rstFor, TcpListener, TcpSocket, type TcpSocketOptions, TcpState } from "../tcp/index.ts";
import { formatIpv4, TcpFlags, type TcpRepr } from "../wire/index.ts";
import { ConnTable } from "./conn_table.ts";
import type { NetInterface } from "./interface.ts";

/** A connection's next deadline in the layer's heap (expiry Infinity: not in the heap). */
interface Deadline extends TimerEntry {
  readonly socket: TcpSocket;
}

/** The parked-SYN key of a four-tuple (parking is rare: a string is fine there). */
const key = (remote: number, remotePort: number, localPort: number) => `${remote}:${remotePort}:${localPort}`;

/** States in which we sent our FIN and wait for the end of the connection (TIME-WAIT or CLOSED follows). */
const CLOSING_STATES = new Set<string>([TcpState.FinWait1, TcpState.FinWait2, TcpState.Closing, TcpState.LastAck]);
/** SYNs kept at most, and for how long (ms; the peer's own SYN retransmission comes after 1 s at the earliest). */
const MAX_PARKED = 64;
const PARK_MS = 1000;

export class TcpLayer {
  private readonly conns = new ConnTable<TcpSocket>();
  /** Each open connection's next deadline as of its last dispatch (a heap: a poll costs O(due · log n), not O(n));
   *  connections touched since are in `dirty`. A socket is in `deadlines` from adoption until it closes. */
  private readonly deadlines = new Map<TcpSocket, Deadline>();
  private readonly heap = new TimerHeap<Deadline>();
  private seq = 0;
  private dirty = new Set<TcpSocket>();
  /** The set `poll` works through while `dirty` collects what its hooks touch (the two are swapped each poll). */
  private due = new Set<TcpSocket>();
  /**
   * Called when a socket's user side left it work (TcpSocket.onWork) or a segment arrived for one: the owner runs
   * `poll` soon (the runtime's kick). Null: the owner polls on its own schedule.
   */
  onWork: (() => void) | null = null;
  private readonly listeners = new Map<number, TcpListener>();
  private readonly secret: Uint32Array;
  /**
   * resetsSent: RSTs to segments for nobody; timeWaitReuses: SYNs that ended a TIME-WAIT and opened a connection;
   * parkedSynsTaken: SYNs that overtook the end of their old connection and were taken once it ended.
   */
  readonly stats = { resetsSent: 0, segmentsForNobody: 0, notUnicastToUs: 0, timeWaitReuses: 0, parkedSynsTaken: 0 };
  /** Options for new sockets (buffer sizes, MSS from the interface MTU). */
  socketOptions: TcpSocketOptions;

  constructor(private readonly ifc: NetInterface, private readonly clock: () => number, random32: () => number) {
    this.secret = new Uint32Array(8).map(() => random32());
    // 64 KiB each way per connection (the TCP default is 128 KiB): hundreds of connections fit a 128 MiB guest.
    // A device that segments (TSO) takes data segments of up to tsoMaxPayload bytes, cut at the connection's MSS.
    this.socketOptions = { mtu: ifc.mtu, rxBufferSize: 65536, txBufferSize: 65536, maxSegmentBytes: ifc.tsoMaxPayload };
    ifc.tcpHandler = (src, dst, seg) => this.receive(src, dst, seg);
  }

  /**
   * Options for a socket whose peer is `remote`: the MSS follows the MTU of the interface that reaches it, and
   * only the Ethernet device may segment for us (loopback gets one MSS per segment).
   */
  private optionsFor = (remote: number): TcpSocketOptions => {
    const mtu = this.ifc.mtuFor(remote);
    if (!this.ifc.isLocal(remote) && mtu === this.socketOptions.mtu) return this.socketOptions;
    return { ...this.socketOptions, mtu, maxSegmentBytes: this.ifc.isLocal(remote) ? 0 : this.socketOptions.maxSegmentBytes };
  };

  /** RFC 6528: ISN = M + F(4-tuple, secret), M a 4 µs clock. */
  private iss = (now: number, src: number, srcPort: number, dst: number, dstPort: number): number => {
    const block = new Uint8Array(64);
    chachaBlock(this.secret, 0, new Uint32Array([src, dst, (srcPort << 16) | dstPort]), block);
    return (new DataView(block.buffer).getUint32(0, true) + Math.floor(now * 250)) >>> 0;
  };

  private receive(src: number, dst: number, seg: TcpRepr): void {
    // TCP is unicast: a segment to a broadcast or multicast address (or to no address of ours) is dropped without
    // an answer (RFC 1122 §4.2.3.10), not reset from an address that is not ours.
    if (!this.ifc.isLocal(dst)) {
      this.stats.notUnicastToUs++;
      return;
    }
    const now = this.clock();
    const conn = this.conns.get(src, seg.srcPort, seg.dstPort);
    let iss: number | undefined;
    if (conn !== undefined && conn.accepts(src, dst, seg)) {
      const syn = (seg.flags & (TcpFlags.SYN | TcpFlags.ACK | TcpFlags.RST)) === TcpFlags.SYN;
      if (!syn && this.parked.size === 0) {
        conn.process(now, src, dst, seg, true);          // the common case: its hooks run in the dispatch this poll makes
        this.dirty.add(conn);
        return;
      }
      const k = key(src, seg.srcPort, seg.dstPort);
      const before = conn.state;
      const oldSndNxt = syn && before === TcpState.TimeWait ? conn.info.sndNxt : 0;
      conn.process(now, src, dst, seg, true);
      this.dirty.add(conn);
      const after = conn.state as TcpState;
      if (!syn) {
        // The peer's last FIN or ACK just ended the old connection: a SYN it sent before them goes on now.
        if ((after === TcpState.TimeWait || after === TcpState.Closed) && this.parked.has(k)) {
          conn.dispatch(now, this.emit);                 // the ACK of that FIN goes out before the new SYN ends TIME-WAIT
          this.unpark(k, now);
        }
        return;
      }
      if (before !== TcpState.TimeWait || after !== TcpState.Closed) {
        if (CLOSING_STATES.has(after)) this.park(k, src, dst, seg, now);
        return;
      }
      // RFC 6191 / RFC 9293 §3.10.7.4: the SYN of a new incarnation ended TIME-WAIT; it goes on to the listener
      // now (dropping it made the peer wait for its SYN retransmission: 1–6 s). The new ISS starts above the old
      // sequence space, as Linux does, so that nothing of the old connection can be taken for the new one.
      this.conns.delete(src, seg.srcPort, seg.dstPort);
      this.stats.timeWaitReuses++;
      iss = (oldSndNxt + 65535 + 2) >>> 0;
    }
    const l = this.listeners.get(seg.dstPort);
    if (l && l.accepts(src, dst, seg)) {
      l.process(now, src, dst, seg, iss);
      return;
    }
    this.stats.segmentsForNobody++;
    const rst = rstFor(src, dst, seg);
    if (rst) {
      this.stats.resetsSent++;
      this.ifc.sendTcp(dst, src, rst);
    }
  }

  /**
   * A peer that closed and at once opens the same four-tuple again can have its new SYN overtake its last FIN or
   * ACK on the way (reordering; a NAT or proxy that closes and opens through different sockets), so the SYN meets
   * FIN-WAIT or LAST-ACK instead of TIME-WAIT: RFC 5961 answers it with a challenge ACK and the peer waits for its
   * SYN retransmission (1 s from Linux, 6 s from QEMU's user networking). The SYN is kept
   * here for a moment; if the old connection reaches TIME-WAIT or CLOSED meanwhile, it is taken as if it had come
   * just then (a new incarnation only if RFC 6191 says so). Bounded in number and age.
   */
  private readonly parked = new Map<string, { src: number; dst: number; seg: TcpRepr; at: number }>();

  private park(k: string, src: number, dst: number, seg: TcpRepr, now: number): void {
    this.parked.delete(k);
    if (this.parked.size >= MAX_PARKED) this.parked.delete(this.parked.keys().next().value as string);
    // A SYN carries no SACK blocks; the payload view and the timestamp may be reused by the caller.
    const copy: TcpRepr = { ...seg, payload: seg.payload.slice(), timestamp: seg.timestamp && { ...seg.timestamp },
      sackRanges: null };
    this.parked.set(k, { src, dst, seg: copy, at: now });
  }

  private unpark(k: string, now: number): void {
    const p = this.parked.get(k);
    if (p === undefined) return;
    this.parked.delete(k);
    if (now - p.at > PARK_MS) return;
    this.stats.parkedSynsTaken++;
    this.receive(p.src, p.dst, p.seg);
  }

  private portTaken = (p: number): boolean => this.listeners.has(p) || this.conns.usesLocalPort(p);

  private adopt(s: TcpSocket): void {
    const remote = s.remoteAddress, remotePort = s.remotePort, localPort = s.localPort;
    this.conns.set(remote, remotePort, localPort, s);
    this.deadlines.set(s, { socket: s, expiry: Infinity, seq: 0, heapIndex: -1 });
    this.dirty.add(s);
    s.onWork = () => {
      this.dirty.add(s);
      if (this.onWork !== null) this.onWork();
    };
    // Not through onClose: node:net sets the user hooks after this and would replace a wrapper there (it did:
    // every closed connection stayed in these tables with its buffers, ~145 KB each).
    s.onRelease = () => {
      this.conns.delete(remote, remotePort, localPort, s);   // a new incarnation may hold the key already
      const d = this.deadlines.get(s);
      if (d) this.heap.remove(d);
      this.deadlines.delete(s);
      this.dirty.delete(s);
    };
  }

  /**
   * Opens a connection from `localPort` (0: an ephemeral port); the socket's hooks are the caller's (set them before
   * the next kick). Throws an Error with code ENETUNREACH when no interface reaches `remote` (no network card, or no
   * route from its subnet), EADDRINUSE when `localPort` is a listener's or its four-tuple is still in use.
   */
  connect(remote: number, remotePort: number, localPort = 0): TcpSocket {
    if (!this.ifc.isLocal(remote) && this.ifc.route(remote) < 0) {
      throw Object.assign(new Error(`connect ENETUNREACH ${formatIpv4(remote)}:${remotePort}` +
        (this.ifc.dev === null ? " (this machine has no network card: only 127.0.0.0/8 is reachable)" : "")),
        { code: "ENETUNREACH", errno: -101, syscall: "connect", address: formatIpv4(remote), port: remotePort });
    }
    const local = this.ifc.sourceFor(remote);
    if (localPort !== 0 && (this.listeners.has(localPort) || this.conns.has(remote, remotePort, localPort))) {
      throw Object.assign(new Error(`connect EADDRINUSE ${formatIpv4(local)}:${localPort}`),
        { code: "EADDRINUSE", errno: -98, syscall: "connect", address: formatIpv4(local), port: localPort });
    }
    const port = localPort !== 0 ? localPort : this.ifc.ephemeralPort(this.portTaken);
    const s = new TcpSocket(this.optionsFor(remote));
    const now = this.clock();
    s.connect({ addr: local, port }, { addr: remote, port: remotePort }, this.iss(now, local, port, remote, remotePort), now);
    this.adopt(s);
    return s;
  }

  /**
   * Starts listening on `port` (0: ephemeral) at `address` (0: every address of the host). Throws with code
   * EADDRINUSE when taken.
   */
  listen(port: number, backlog: number, onConnection: (s: TcpSocket) => void, address = 0): TcpListener {
    const p = port === 0 ? this.ifc.ephemeralPort(this.portTaken) : port;
    if (this.listeners.has(p)) {
      const at = formatIpv4(address);
      throw Object.assign(new Error(`listen EADDRINUSE: address already in use ${at}:${p}`),
        { code: "EADDRINUSE", errno: -98, syscall: "listen", address: at, port: p });
    }
    const l = new TcpListener({ addr: address, port: p }, { iss: this.iss, backlog, socket: this.optionsFor });
    l.onConnection = (s) => {
      this.adopt(s);
      onConnection(s);
    };
    this.listeners.set(p, l);
    return l;
  }

  /** Marks a connection whose user side changed (data queued or read, close): it is dispatched on the next poll. */
  touch(s: TcpSocket): void {
    this.dirty.add(s);
  }

  unlisten(l: TcpListener): void {
    l.close();
    // The listener stays registered until its aborted children have sent their RSTs (see poll).
    this.closingListeners.add(l);
    if (this.listeners.get(l.localPort) === l) this.listeners.delete(l.localPort);
  }

  private readonly closingListeners = new Set<TcpListener>();

  private emit = (src: number, dst: number, seg: TcpRepr, mss?: number): boolean =>
    this.ifc.sendTcp(src, dst, seg, mss ?? 0);

  poll(now: number): void {
    for (const l of this.listeners.values()) l.dispatch(now, this.emit);
    for (const l of this.closingListeners) {
      l.dispatch(now, this.emit);
      if (l.pollAt(now) === Infinity) this.closingListeners.delete(l);
    }
    // Only connections that were touched or whose deadline has come: a frame for one connection must not cost a
    // dispatch of every other one.
    const due = this.dirty;
    this.dirty = this.due;                              // empty: cleared at the end of the last poll
    this.due = due;
    for (let top = this.heap.peek(); top && top.expiry <= now; top = this.heap.peek()) {
      this.heap.pop();
      top.expiry = Infinity;
      due.add(top.socket);
    }
    for (const s of due) {
      if (!this.deadlines.has(s)) continue;             // closed since it was marked
      const at = s.dispatch(now, this.emit);            // returns its pollAt
      const d = this.deadlines.get(s);
      if (!d) continue;                                 // closed by this dispatch
      if (at <= now && this.dirty.has(s)) continue;     // its hooks left work: dispatched again next poll anyway
      // Exact deadlines, moved whenever they change: leaving a later one early in the heap saved heap work per
      // segment in a hosted run, but in a guest every early wakeup costs a whole pass of the runtime.
      if (at === d.expiry) continue;
      this.heap.remove(d);
      d.expiry = at;
      if (at !== Infinity) {
        d.seq = this.seq++;
        this.heap.push(d);
      }
    }
    due.clear();
  }

  pollAt(now: number): number {
    let at = Infinity;
    for (const l of this.listeners.values()) at = Math.min(at, l.pollAt(now));
    for (const l of this.closingListeners) at = Math.min(at, l.pollAt(now));
    if (this.dirty.size > 0) return now;
    const top = this.heap.peek();
    return top && top.expiry < at ? top.expiry : at;
  }

  get connections(): number {
    return this.conns.size;
  }

  /** Buffer memory of every connection in the table (TIME-WAIT ones hold none). */
  get bufferMemory(): number {
    let n = 0;
    for (const s of this.conns.values()) n += s.bufferMemory;
    return n;
  }
}
