// libos/net/runtime.ts — brings the network up on first use: the loopback interface (always), the first virtio-net
// device when the machine has one with an IPv4 interface on it, addressing by DHCP (or the static settings baked
// into the image), a DNS resolver, and the timer that runs the stack's housekeeping exactly when it next has work
// (pollAt) instead of polling. Sockets (dgram, net) call kick() after they send so new deadlines are seen; what the
// host sends itself is delivered in the same pass. Layer: libos/net. Depends on drivers (net device), kernel, libos.

import { openNetDevice } from "../../drivers/index.ts";
import { entropyPool } from "../../kernel/entropy.ts";
import type { NetDevice } from "../../kernel/devices.ts";
import { IoHandle, loop } from "../../kernel/event_loop.ts";
import { platform } from "../../kernel/platform.ts";
import { registerNetworkInfo } from "../os/net_info.ts";
import { clearTimeout, setTimeout, type Timeout } from "../timers/index.ts";
import { DhcpClient } from "./stack/dhcp_client.ts";
import { useNativeOnesSum } from "./wire/checksum.ts";
import { DnsResolver } from "./stack/dns_resolver.ts";
import { NetInterface, type InterfaceConfig } from "./stack/interface.ts";
import { TcpLayer } from "./stack/tcp_layer.ts";

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
  private timer: Timeout | null = null;
  private timerAt = Infinity;
  private waiters: (() => void)[] = [];
  private readonly waitHandle: IoHandle;
  private kicking = false;

  /** `dev`: the network card, or null for a machine without one (loopback only). */
  constructor(dev: NetDevice | null, staticConfig: InterfaceConfig | null) {
    const now = () => platform().now();
    const hal = platform();
    if (hal.onesSum) useNativeOnesSum(hal.onesSum);
    this.ifc = new NetInterface(dev, now);
    this.ifc.lo.onPending = () => this.kick();
    const random32 = () => new Uint32Array(entropyPool().fill(new Uint8Array(4)).buffer)[0];
    if (dev !== null) {
      dev.listen((frame) => {
        this.ifc.receive(frame);
        this.kick();
      });
      dev.unref();                                 // sockets keep the loop alive, not the device
    }
    this.dns = new DnsResolver(this.ifc, random32, now);
    this.tcp = new TcpLayer(this.ifc, now, random32);
    this.layers.push(this.tcp);
    this.waitHandle = new IoHandle(loop()).unref();
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
      const now = platform().now();
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
    if (at === this.timerAt && this.timer) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = at;
    if (at === Infinity) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = Infinity;
      this.run();
    }, Math.max(1, at - now));
    this.timer.unref();
  }
}

/** Rounds of one pass while loopback traffic keeps coming back (a request, its answer, the ACKs, ...). */
const LOOPBACK_ROUNDS = 16;

let runtime: NetRuntime | undefined;

/** Static addressing baked into the image (`npm run image -- --ip A/P --gateway G --dns D`), if any. */
function staticConfig(): InterfaceConfig | null {
  const cfg = JSON.parse(platform().config()) as { net?: InterfaceConfig };
  return cfg.net ?? null;
}

/** The first network card, or null when the machine has none. */
function networkCard(): NetDevice | null {
  try {
    return openNetDevice();
  } catch (e) {
    if (e instanceof Error && /^no .* found/.test(e.message)) return null;
    throw e;
  }
}

/** The network, brought up on first use: loopback always, Ethernet when the machine has a network card. */
export function netRuntime(): NetRuntime {
  if (!runtime) {
    const rt = (runtime = new NetRuntime(networkCard(), staticConfig()));
    // os.networkInterfaces() lists the card once the stack is up (libos/os/net_info.ts: no import of os here).
    registerNetworkInfo(() => rt.ifc.dev === null ? [] :
      [{ mac: rt.ifc.mac, address: rt.ifc.config?.address ?? null, prefixLength: rt.ifc.config?.prefixLength ?? 0,
        hostName: rt.dhcp?.hostName ?? null }]);
  }
  return runtime;
}
