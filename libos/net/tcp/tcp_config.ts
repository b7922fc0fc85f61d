// libos/net/tcp/tcp_config.ts — the options a TcpSocket accepts, their defaults (Linux-like where the RFCs leave a
// choice), and the error codes and TcpError a socket reports. Layer: libos/net/tcp. No dependencies.

/** The error codes a socket reports through `onError` or throws as `TcpError.code`. */
export type TcpErrorCode = "ECONNREFUSED" | "ECONNRESET" | "ETIMEDOUT" | "EPIPE";

/**
 * Thrown by TcpSocket calls that cannot be honoured now (`send` after the send side is closed: "EPIPE"; `connect`
 * on a socket in use: "EISCONN"). Its message is a sentence; `code` is as Node's system errors.
 */
export class TcpError extends Error {
  /** "EPIPE", "EISCONN", ... */
  readonly code: string;

  /** Makes an error with a Node-style `code` and a full-sentence `message`. */
  constructor(code: string, message: string) {
    super(message);
    this.name = "TcpError";
    this.code = code;
  }
}

/** Keep-alive settings (RFC 1122 §4.2.3.6); times in ms. Defaults as Linux: 2 h idle, 75 s interval, 9 probes. */
export interface TcpKeepAliveOptions {
  /** Send keep-alive probes at all (default false). */
  enable?: boolean;
  /** Idle time before the first probe. */
  idle?: number;
  /** Time between unanswered probes. */
  interval?: number;
  /** Unanswered probes after which the connection fails with ETIMEDOUT. */
  count?: number;
}

/** Options of a TcpSocket; every field is optional. Times are in milliseconds. */
export interface TcpSocketOptions {
  /** Receive buffer bytes (bounds the advertised window and out-of-order data). Default 131072. */
  rxBufferSize?: number;
  /** Send buffer bytes (bounds queued plus unacknowledged data). Default 131072. */
  txBufferSize?: number;
  /** Interface MTU, from which our MSS option is derived (MTU − 40). Default 1500. */
  mtu?: number;
  /** Our MSS option, overriding `mtu`. */
  mss?: number;
  /** Maximum segment lifetime; TIME-WAIT lasts 2·MSL. Default 30000 (a 60 s TIME-WAIT, as Linux). */
  msl?: number;
  /** Lower bound of the retransmission timeout. Default 200 (Linux); RFC 6298 says 1000. */
  rtoMin?: number;
  /** Upper bound of the retransmission timeout. Default 60000. */
  rtoMax?: number;
  /** Retransmission timeout before the first RTT sample. Default 1000 (RFC 6298). */
  rtoInitial?: number;
  /** Delayed-ACK timeout, at most 200. Default 40 (Linux). 0 acknowledges every segment at once. */
  ackDelay?: number;
  /** Disable Nagle's algorithm from the start. Default false. */
  noDelay?: boolean;
  /** Keep-alive settings. */
  keepAlive?: TcpKeepAliveOptions;
  /** Offer window scaling (RFC 7323). Default true. */
  windowScaling?: boolean;
  /** Offer timestamps (RFC 7323). Default true. */
  timestamps?: boolean;
  /** Offset added to `now` for our timestamp values (RFC 7323 recommends a random one). Default 0. */
  tsOffset?: number;
  /** SYN (or SYN-ACK) retransmissions before the open fails with ETIMEDOUT. Default 6 (≈127 s, as Linux). */
  synRetries?: number;
  /** Consecutive retransmission timeouts (or unanswered window probes) before ETIMEDOUT. Default 15. */
  maxRetries?: number;
  /** Fail with ETIMEDOUT when sent data stays unacknowledged this long (RFC 5482); 0 = off. Default 0. */
  userTimeout?: number;
  /** How long a socket closed with `close()` waits in FIN-WAIT-2 for the peer's FIN. Default 60000. */
  finWait2Timeout?: number;
  /** Most separate out-of-order ranges kept for reassembly; segments needing more are dropped. Default 32. */
  maxOutOfOrderRanges?: number;
  /** Initial congestion window in segments; 0 = RFC 5681's rule (2 to 4 segments). Default 0. */
  initialCwnd?: number;
  /** Most challenge ACKs per second (RFC 5961 §7). Default 100. */
  challengeAckLimit?: number;
  /**
   * Header prediction (Van Jacobson's fast path as in BSD and Linux): in ESTABLISHED, an in-order segment with
   * only ACK (and PSH) set that acknowledges new data or carries data that fits takes a short path; the result is
   * the same as the general one (tests compare both). Default true; false sends every segment the general way.
   */
  headerPrediction?: boolean;
  /**
   * Most payload bytes per data segment handed to the IP layer, when the device segments for us (TCP segmentation
   * offload: virtio-net HOST_TSO4). Rounded down to a multiple of the send MSS; segments are never smaller than
   * one MSS. Default 0: one MSS per segment (no offload).
   */
  maxSegmentBytes?: number;
}

/** TcpSocketOptions with every default filled in (see there). */
export interface TcpConfig {
  rxBufferSize: number;
  txBufferSize: number;
  mss: number;
  msl: number;
  rtoMin: number;
  rtoMax: number;
  rtoInitial: number;
  ackDelay: number;
  noDelay: boolean;
  keepAlive: boolean;
  keepIdle: number;
  keepInterval: number;
  keepCount: number;
  windowScaling: boolean;
  timestamps: boolean;
  tsOffset: number;
  synRetries: number;
  maxRetries: number;
  userTimeout: number;
  finWait2Timeout: number;
  maxOutOfOrderRanges: number;
  initialCwnd: number;
  challengeAckLimit: number;
  headerPrediction: boolean;
  maxSegmentBytes: number;
}

/** The MSS a peer is assumed to accept when its SYN carries none (RFC 9293 §3.7.1). */
export const TCP_DEFAULT_MSS = 536;

function positive(name: string, v: number | undefined, dflt: number, min = 1): number {
  if (v === undefined) return dflt;
  if (typeof v !== "number" || !(v >= min) || v !== Math.floor(v)) {
    throw new RangeError(`expected TCP option ${name} to be an integer of at least ${min}, found ${v}`);
  }
  return v;
}

/** Fills in the defaults of `opts`. Throws RangeError for a size or time that is not a non-negative integer. */
export function resolveTcpConfig(opts: TcpSocketOptions = {}): TcpConfig {
  const ka = opts.keepAlive || {};
  const mtu = positive("mtu", opts.mtu, 1500, 68);
  return {
    rxBufferSize: positive("rxBufferSize", opts.rxBufferSize, 131072),
    txBufferSize: positive("txBufferSize", opts.txBufferSize, 131072),
    mss: Math.min(65535, positive("mss", opts.mss, mtu - 40, 48)),
    msl: positive("msl", opts.msl, 30000, 0),
    rtoMin: positive("rtoMin", opts.rtoMin, 200),
    rtoMax: positive("rtoMax", opts.rtoMax, 60000),
    rtoInitial: positive("rtoInitial", opts.rtoInitial, 1000),
    ackDelay: Math.min(200, positive("ackDelay", opts.ackDelay, 40, 0)),
    noDelay: opts.noDelay === true,
    keepAlive: ka.enable === true,
    keepIdle: positive("keepAlive.idle", ka.idle, 7200000),
    keepInterval: positive("keepAlive.interval", ka.interval, 75000),
    keepCount: positive("keepAlive.count", ka.count, 9),
    windowScaling: opts.windowScaling !== false,
    timestamps: opts.timestamps !== false,
    tsOffset: positive("tsOffset", opts.tsOffset, 0, 0) >>> 0,
    synRetries: positive("synRetries", opts.synRetries, 6, 0),
    maxRetries: positive("maxRetries", opts.maxRetries, 15, 0),
    userTimeout: positive("userTimeout", opts.userTimeout, 0, 0),
    finWait2Timeout: positive("finWait2Timeout", opts.finWait2Timeout, 60000, 0),
    maxOutOfOrderRanges: positive("maxOutOfOrderRanges", opts.maxOutOfOrderRanges, 32),
    initialCwnd: positive("initialCwnd", opts.initialCwnd, 0, 0),
    challengeAckLimit: positive("challengeAckLimit", opts.challengeAckLimit, 100),
    headerPrediction: opts.headerPrediction !== false,
    maxSegmentBytes: Math.min(65535, positive("maxSegmentBytes", opts.maxSegmentBytes, 0, 0)),
  };
}
