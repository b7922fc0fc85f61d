// test/unit/net_tcp/_harness.ts — an in-memory network for TCP tests: hosts with sockets and listeners (routing
// as an IP layer would: sockets, then listeners, then rstFor), joined by channels that lose, duplicate, reorder,
// truncate and delay segments from a seeded PRNG, all driven by a fake clock that jumps to the earliest of every
// pollAt and every in-flight segment. Engine-neutral (no Node APIs), so the QuickJS test can bundle it.
// Layer: test support. Depends on libos/net/tcp, libos/net/wire and test/sim/prng.ts.

import { rstFor, TcpListener, type TcpListenerOptions, TcpSocket, type TcpSocketOptions } from "../../../libos/net/tcp/index.ts";
import { TcpFlags, type TcpRepr } from "../../../libos/net/wire/tcp.ts";
import { SeededRandom } from "../../sim/prng.ts";

/** Fault probabilities (0..1) and delays (ms) of a channel. */
export interface Faults {
  /** Drop a segment. */
  loss?: number;
  /** Deliver a segment twice. */
  duplicate?: number;
  /** Hold a segment back by `reorderDelay` so later ones overtake it. */
  reorder?: number;
  /** Extra delay of a reordered segment (default 3 × delay + 2). */
  reorderDelay?: number;
  /** Cut a segment's payload to a random shorter length (FIN cleared, as a resegmenting middlebox would). */
  truncate?: number;
  /** One-way delay. */
  delay?: number;
  /** Extra random delay 0..jitter (reorders too). */
  jitter?: number;
}

/** A deep copy of `seg` (the socket reuses its TcpRepr and payload view). */
export function cloneSegment(seg: TcpRepr): TcpRepr {
  return {
    srcPort: seg.srcPort, dstPort: seg.dstPort, seqNumber: seg.seqNumber, ackNumber: seg.ackNumber, flags: seg.flags,
    windowLen: seg.windowLen, urgentPointer: seg.urgentPointer, maxSegSize: seg.maxSegSize,
    windowScale: seg.windowScale, sackPermitted: seg.sackPermitted,
    sackRanges: seg.sackRanges === null ? null : seg.sackRanges.map((r) => [r[0], r[1]] as [number, number]),
    timestamp: seg.timestamp === null ? null : { tsVal: seg.timestamp.tsVal, tsEcr: seg.timestamp.tsEcr },
    payload: seg.payload.slice(),
  };
}

interface InFlight {
  at: number;
  order: number;
  src: number;
  dst: number;
  seg: TcpRepr;
}

/** Segments on their way to one host. */
export class Channel {
  /** What happened to the segments sent into the channel. */
  readonly stats = { sent: 0, lost: 0, duplicated: 0, reordered: 0, truncated: 0, delivered: 0 };
  faults: Faults;
  private readonly q: InFlight[] = [];
  private order = 0;
  private readonly rng: SeededRandom;

  constructor(faults: Faults, seed: number) {
    this.faults = faults;
    this.rng = new SeededRandom(seed);
  }

  /** Takes a copy of `seg`, applying the faults. */
  send(now: number, src: number, dst: number, seg: TcpRepr): void {
    const f = this.faults;
    const r = this.rng;
    this.stats.sent++;
    if (f.loss && r.float() < f.loss) {
      this.stats.lost++;
      return;
    }
    const copy = cloneSegment(seg);
    if (f.truncate && copy.payload.length > 0 && r.float() < f.truncate) {
      copy.payload = copy.payload.slice(0, r.int(copy.payload.length));
      copy.flags &= ~(TcpFlags.FIN | TcpFlags.PSH);
      this.stats.truncated++;
    }
    const delay = f.delay || 0;
    let at = now + delay + (f.jitter ? r.float() * f.jitter : 0);
    if (f.reorder && r.float() < f.reorder) {
      at += f.reorderDelay !== undefined ? f.reorderDelay : 3 * delay + 2;
      this.stats.reordered++;
    }
    this.push(at, src, dst, copy);
    if (f.duplicate && r.float() < f.duplicate) {
      this.stats.duplicated++;
      this.push(at + r.float() * (delay + 1), src, dst, cloneSegment(copy));
    }
  }

  private push(at: number, src: number, dst: number, seg: TcpRepr): void {
    this.q.push({ at, order: this.order++, src, dst, seg });
  }

  /** The earliest segment due at `now`, removed; null when none. */
  take(now: number): InFlight | null {
    let best = -1;
    for (let i = 0; i < this.q.length; i++) {
      const p = this.q[i];
      if (p.at > now) continue;
      if (best < 0 || p.at < this.q[best].at || (p.at === this.q[best].at && p.order < this.q[best].order)) best = i;
    }
    if (best < 0) return null;
    this.stats.delivered++;
    return this.q.splice(best, 1)[0];
  }

  /** When the next segment arrives (Infinity when none is in flight). */
  nextAt(): number {
    let at = Infinity;
    for (let i = 0; i < this.q.length; i++) if (this.q[i].at < at) at = this.q[i].at;
    return at;
  }
}

/** A host: its sockets and listeners, routed as the IP layer would. */
export class Host {
  readonly addr: number;
  readonly sockets: TcpSocket[] = [];
  readonly listeners: TcpListener[] = [];
  /** RSTs sent for segments nobody accepted. */
  resets = 0;
  private readonly replies: { src: number; dst: number; seg: TcpRepr }[] = [];
  private nextPort = 49152;

  constructor(addr: number) {
    this.addr = addr;
  }

  /** A socket connecting to `addr:port` (ISS from `iss`). */
  connect(now: number, addr: number, port: number, opts?: TcpSocketOptions, iss = 0x12345678): TcpSocket {
    const s = new TcpSocket(opts);
    s.connect({ addr: this.addr, port: this.nextPort++ }, { addr, port }, iss, now);
    this.sockets.push(s);
    return s;
  }

  /** A listener on `port`; accepted sockets join this host and are passed to `onConnection`. */
  listen(port: number, opts: Partial<TcpListenerOptions>, onConnection: (s: TcpSocket) => void): TcpListener {
    let n = 0;
    const l = new TcpListener({ addr: this.addr, port }, {
      iss: () => (0x9abc0000 + 7919 * n++) >>> 0, ...opts,
    });
    l.onConnection = (s) => {
      this.sockets.push(s);
      onConnection(s);
    };
    this.listeners.push(l);
    return l;
  }

  /** Routes one segment: an accepting socket, else a listener, else a RST. */
  deliver(now: number, src: number, dst: number, seg: TcpRepr): void {
    for (let i = 0; i < this.sockets.length; i++) {
      const s = this.sockets[i];
      if (!s.accepts(src, dst, seg)) continue;
      s.process(now, src, dst, seg);
      if (!(seg.flags & TcpFlags.SYN) || s.state !== "CLOSED") return; // a SYN that ended TIME-WAIT goes on
    }
    for (let i = 0; i < this.listeners.length; i++) {
      if (this.listeners[i].accepts(src, dst, seg)) {
        this.listeners[i].process(now, src, dst, seg);
        return;
      }
    }
    const r = rstFor(src, dst, seg);
    if (r !== null) this.replies.push({ src: dst, dst: src, seg: r });
  }

  dispatch(now: number, emit: (src: number, dst: number, seg: TcpRepr) => boolean): void {
    while (this.replies.length > 0) {
      const r = this.replies.shift()!;
      this.resets++;
      emit(r.src, r.dst, r.seg);
    }
    for (let i = 0; i < this.sockets.length; i++) this.sockets[i].dispatch(now, emit);
    for (let i = 0; i < this.listeners.length; i++) this.listeners[i].dispatch(now, emit);
  }

  pollAt(now: number): number {
    if (this.replies.length > 0) return now;
    let at = Infinity;
    for (let i = 0; i < this.sockets.length; i++) at = Math.min(at, this.sockets[i].pollAt(now));
    for (let i = 0; i < this.listeners.length; i++) at = Math.min(at, this.listeners[i].pollAt(now));
    return at;
  }
}

/** Hosts joined by fault-injecting channels, run on a fake clock. */
export class Network {
  /** Fake time, ms. */
  now = 0;
  readonly hosts: Host[] = [];
  /** Called for every segment emitted (before faults). */
  onSegment: ((now: number, src: number, dst: number, seg: TcpRepr) => void) | null = null;
  private readonly channels: Channel[] = [];
  private seed: number;

  constructor(seed = 1) {
    this.seed = seed;
  }

  /** A host at `addr`; `faults` apply to segments sent to it. */
  addHost(addr: number, faults: Faults = {}): Host {
    const h = new Host(addr);
    this.hosts.push(h);
    this.channels.push(new Channel(faults, this.seed++ * 7777));
    return h;
  }

  /** The channel into `host`. */
  channelTo(host: Host): Channel {
    return this.channels[this.hosts.indexOf(host)];
  }

  private emit = (src: number, dst: number, seg: TcpRepr): boolean => {
    if (this.onSegment !== null) this.onSegment(this.now, src, dst, seg);
    for (let i = 0; i < this.hosts.length; i++) {
      if (this.hosts[i].addr === dst) this.channels[i].send(this.now, src, dst, seg);
    }
    return true;
  };

  /** Everything due at the current time: deliveries and dispatches until quiet. */
  settleNow(): void {
    for (let rounds = 0; ; rounds++) {
      if (rounds > 100000) throw new Error(`expected the network to go quiet at ${this.now} ms, found it busy`);
      let busy = false;
      for (let i = 0; i < this.hosts.length; i++) {
        for (let p = this.channels[i].take(this.now); p !== null; p = this.channels[i].take(this.now)) {
          this.hosts[i].deliver(this.now, p.src, p.dst, p.seg);
          busy = true;
        }
      }
      for (let i = 0; i < this.hosts.length; i++) {
        if (this.hosts[i].pollAt(this.now) <= this.now) {
          this.hosts[i].dispatch(this.now, this.emit);
          busy = true;
        }
      }
      if (!busy) return;
    }
  }

  /** The next time anything happens (Infinity when all is quiet). */
  nextEvent(): number {
    let at = Infinity;
    for (let i = 0; i < this.hosts.length; i++) {
      at = Math.min(at, this.hosts[i].pollAt(this.now), this.channels[i].nextAt());
    }
    return at;
  }

  /** Runs until `done()` holds (true), nothing is left to happen, or fake time passes `until` (false). */
  run(done: () => boolean, until = this.now + 3600_000): boolean {
    for (;;) {
      this.settleNow();
      if (done()) return true;
      const next = this.nextEvent();
      if (next === Infinity || next > until) return done();
      this.now = Math.max(this.now, next);
    }
  }

  /** Runs for `ms` of fake time. */
  advance(ms: number): void {
    const end = this.now + ms;
    this.run(() => false, end);
    this.now = Math.max(this.now, end);
    this.settleNow();
  }
}
