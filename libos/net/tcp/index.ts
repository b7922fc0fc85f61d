// libos/net/tcp/index.ts — the public face of TCP (RFC 9293) for unijs: pure protocol logic over TcpReprs, with
// time passed in. Layer: libos/net/tcp. Depends on ../wire only; nothing here does I/O or reads a clock.
//
// How the IP layer (or any owner) drives it:
//
//   TcpSocket — one connection.
//     new TcpSocket(opts?)                       options: TcpSocketOptions (buffers, mss/mtu, msl, rtoMin, ...)
//     connect(local, remote, iss, now)           active open; the SYN leaves with the next dispatch
//     accepts(src, dst, seg) → boolean           does this segment belong to the connection (four-tuple)?
//     process(now, src, dst, seg)                one incoming segment; replies are queued, never returned
//     dispatch(now, emit) → ms                   emits every segment due now; emit(src, dst, seg, mss) → false =
//                                                full; returns pollAt(now) as it stands afterwards
//     pollAt(now) → ms                           when dispatch must run next (now / a deadline / Infinity)
//     send(data) → n, recv(max?) → bytes|null    the byte streams (bounded ring buffers; send throws EPIPE)
//     peekRecv(max?) → view|null, consume(n)     received bytes lent in place (no copy; see peekRecv's rules)
//     recvAvailable, sendAvailable, sendQueued   buffer levels
//     close(), shutdownWrite(), abort()          full close, half close, reset
//     setNoDelay(b), setKeepAlive(on, delayMs)   options as Node's
//     state, info, stats, error, trace           observation (trace gets every transition (from, to, why))
//     onConnect onReadable onWritable onEnd onError onClose   hooks, called after the call's work is done
//     onRelease, onWork                          for the owning stack: closed for good / a user call left work
//
//   TcpListener — a passive open on {addr (0 = any), port}: routes SYNs and segments of its not-yet-accepted
//     sockets (accepts/process/dispatch/pollAt as a socket), `onConnection(socket)` or `accept()`.
//   rstFor(src, dst, seg) — the RST for a segment no socket or listener accepts (null when none is allowed).
//
// Contracts: addresses are IPv4 numbers; `now` is ms, never decreasing. `emit` gets a reused TcpRepr whose
// payload is a view into the send buffer: copy it before returning and do not call back into the same socket
// from inside `emit`. `process` copies the payload it keeps. Each socket's `pollAt` must be honoured (run
// `dispatch` at that time) for timers to work; calling `dispatch` early is harmless.
//
// Routing, as the IP layer should do it: a segment goes to the socket that `accepts` it, else to the listener
// that `accepts` it, else `rstFor` answers it. A SYN that ends a TIME-WAIT (a new connection on the same four-
// tuple, RFC 6191-style) closes that socket inside `process`: when the socket is CLOSED afterwards and the
// segment was a SYN, hand the same segment on to the listener. Keep a socket in the routing table until
// `onClose` (TIME-WAIT lasts 2·MSL after both sides closed); Node-level 'close' need not wait for it.
//
// Fast path: in ESTABLISHED, header prediction (tcp_input.ts `predicted`) takes the common in-order segment in a
// few steps with exactly the general path's effect (option headerPrediction: false turns it off; tests compare).
// Segmentation offload: with option maxSegmentBytes, data segments grow to MSS multiples for a device that cuts
// them; `emit`'s `mss` is where. Nothing is allocated per segment on either path but the payload views.
//
// Hooks fire once the call that caused them has finished (process, dispatch, close, abort); `recv` never fires
// one itself (see TcpSocket.recv). Each socket preallocates its two ring buffers (128 KiB each by default).
//
// Not implemented: SACK (sackPermitted is never offered), ECN, urgent data (URG is ignored), path MTU
// discovery, TCP Fast Open, RFC 1337 TIME-WAIT assassination protection (a RST at RCV.NXT ends TIME-WAIT).

export { Assembler } from "./assembler.ts";
export { RingBuffer } from "./buffers.ts";
export { type CongestionAction, NewReno } from "./congestion.ts";
export { rstFor } from "./rst.ts";
export { RttEstimator } from "./rtt.ts";
export type { TcpStats } from "./tcb.ts";
export {
  resolveTcpConfig, TCP_DEFAULT_MSS, type TcpConfig, TcpError, type TcpErrorCode, type TcpKeepAliveOptions,
  type TcpSocketOptions,
} from "./tcp_config.ts";
export type { TcpEmit } from "./tcp_output.ts";
export { type TcpEndpoint, type TcpInfo, TcpSocket } from "./tcp_socket.ts";
export {
  canReceive, canSend, isSynchronized, type TcpEvent, TcpState, type TcpTrace, tcpTransition,
} from "./tcp_state.ts";
export {
  type TcpIssFunction, TcpListener, type TcpListenerOptions, type TcpListenerStats,
} from "./listener.ts";
