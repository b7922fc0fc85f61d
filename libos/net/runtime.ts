// libos/net/runtime.ts — one host's network: the loopback interface (always), the network card it is given (or
// none) with an IPv4 interface on it, addressing by DHCP (or the static settings it is given), a DNS resolver, and
// the timer that runs the stack's housekeeping exactly when it next has work (pollAt) instead of polling. Sockets
// (dgram, net) call kick() after they send so new deadlines are seen; what the host sends itself is delivered in
// the same pass. Everything it runs on is passed in (device, configuration, clock, random source, event loop):
// libos/net/system.ts builds the machine's one runtime from the platform, hosted tests build several over a
// simulated link. Layer: libos/net. Depends on kernel (devices, event loop) and the stack.

import type { NetDevice } from "../../kernel/devices.ts";
import { IoHandle, type EventLoop, type LoopTimer } from "../../kernel/event_loop.ts";
import { DhcpClient } from "./stack/dhcp_client.ts";
import { DnsResolver } from "./stack/dns_resolver.ts";
import { NetInterface, type InterfaceConfig } from "./stack/interface.ts";
import { TcpLayer } from "./stack/tcp_layer.ts";

/** What a NetRuntime runs on; the production values come from libos/net/system.ts, tests pass simulated ones. */
export interface NetRuntimeOptions {
  /** The network card, or null for a machine without one (loopback only). */
  device: NetDevice | null;
  /** Static IPv4 settings (the image's --ip/--gateway/--dns), or null: DHCP on the card. */
  staticConfig: InterfaceConfig | null;
  /** The clock, ms: the scale of `loop`'s timers (the platform's now()). */
  now: () => number;
  /** 32 random bits (DHCP transaction ids, DNS ids and ports, TCP initial sequence numbers and ports). */
  random32: () => number;
  /** The event loop: its timer runs the stack's housekeeping (never keeping the loop alive by itself), and a wait
   *  for an address (whenConfigured) holds one of its handles. */
  loop: EventLoop;
}

/** A protocol layer with timers of its own (TCP): polled with the rest. */
export interface PolledLayer {
  poll(now: number): void;
  pollAt(now: number): number;
}

export class NetRuntime {
  readonly ifc: NetInterface;
  readonly dhcp: DhcpClient | null;
  readonly dns: DnsResolver;
  readonly tcp: TcpLayer;
  private readonly layers: PolledLayer[] = [];
  private readonly loop: EventLoop;
  private readonly now: () => number;
  /** The one timer of the stack, armed for the earliest deadline of any layer (unref'd). */
  private readonly timer: LoopTimer = { expiry: 0, seq: 0, heapIndex: -1, refed: false, fire: () => this.fired() };
  private timerAt = Infinity;
  private waiters: (() => void)[] = [];
  private readonly waitHandle: IoHandle;
  private kicking = false;

  constructor(options: NetRuntimeOptions) {
    const { device: dev, staticConfig, now, random32 } = options;
    this.loop = options.loop;
    this.now = now;
    this.ifc = new NetInterface(dev, now);
    this.ifc.lo.onPending = () => this.kick();
    if (dev !== null) {
      dev.listen((frame, flags) => {
        this.ifc.receive(frame, flags ?? 0);          // flags: the device's checksum offload verdicts
        this.kick();
      });
      dev.unref();                                 // sockets keep the loop alive, not the device
    }
    this.dns = new DnsResolver(this.ifc, random32, now);
    this.tcp = new TcpLayer(this.ifc, now, random32);
    this.tcp.onWork = () => this.kick();             // a socket's send, read or close left work: run the stack
    this.layers.push(this.tcp);
    this.waitHandle = new IoHandle(this.loop).unref();
    if (dev === null) {
      this.dhcp = null;
    } else if (staticConfig) {
      this.ifc.config = staticConfig;
      this.dhcp = null;
    } else {
      this.dhcp = new DhcpClient(this.ifc, random32, now);
      this.dhcp.onBound = () => this.flushWaiters();
      this.dhcp.start(now());
    }
    this.kick();
  }

  /** Registers a layer whose poll/pollAt join the stack's schedule. */
  addLayer(layer: PolledLayer): void {
    this.layers.push(layer);
    this.kick();
  }

  /**
   * Runs `cb` once the Ethernet interface has an address (at once if it has one, or if there is no network card:
   * then only loopback is reachable). Waiting keeps the loop alive.
   */
  whenConfigured(cb: () => void): void {
    if (this.ifc.config || this.dhcp === null) { cb(); return; }
    this.waiters.push(cb);
    this.waitHandle.ref();
  }

  private flushWaiters(): void {
    const w = this.waiters;
    this.waiters = [];
    this.waitHandle.unref();
    for (const cb of w) cb();
  }

  /**
   * Asks for the stack's work to run: once, at the end of the current JS turn (a microtask), so that everything one
   * turn did — an HTTP head, body chunk and chunk trailer written one after another, a batch of received frames —
   * is handled by one pass: one segment instead of several, one ACK for the batch (Linux's autocorking, in effect).
   */
  kick(): void {
    if (this.kickQueued) return;
    this.kickQueued = true;
    void Promise.resolve().then(this.runQueued);
  }

  private kickQueued = false;
  private readonly runQueued = (): void => {
    this.kickQueued = false;
    this.run();
  };

  /**
   * Runs what is due now and re-arms the timer for the next deadline of any layer. Segments the pass sent to this
   * host (loopback) are delivered by another round of the same pass, a bounded number of times.
   */
  private run(): void {
    if (this.kicking) return;
    this.kicking = true;
    try {
      const now = this.now();
      for (let round = 0; round < LOOPBACK_ROUNDS; round++) {
        this.ifc.poll(now);
        this.dhcp?.poll(now);
        this.dns.poll(now);
        for (const l of this.layers) l.poll(now);
        if (this.ifc.lo.pending === 0) break;
      }
      let at = Math.min(this.ifc.pollAt(), this.dhcp?.pollAt() ?? Infinity, this.dns.pollAt());
      for (const l of this.layers) at = Math.min(at, l.pollAt(now));
      this.arm(at, now);
    } finally {
      this.kicking = false;
    }
  }

  private arm(at: number, now: number): void {
    if (at === this.timerAt && this.loop.isScheduled(this.timer)) return;
    this.loop.cancelTimer(this.timer);
    this.timerAt = at;
    if (at === Infinity) return;
    this.loop.scheduleTimer(this.timer, Math.max(1, at - now));
  }

  private fired(): void {
    this.timerAt = Infinity;
    this.run();
  }
}

/** Rounds of one pass while loopback traffic keeps coming back (a request, its answer, the ACKs, ...). */
const LOOPBACK_ROUNDS = 16;
