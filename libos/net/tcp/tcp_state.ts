// libos/net/tcp/tcp_state.ts — the TCP connection states of RFC 9293 §3.3.2 and the one transition function
// `(state, event) → state` that every state change of a TcpSocket goes through (and that its `trace` hook logs).
// Layer: libos/net/tcp. No dependencies.

/** The connection states of RFC 9293, spelled as in the RFC. */
export const TcpState = {
  /** No connection. */
  Closed: "CLOSED",
  /** Waiting for a SYN (a TcpListener; a passive socket passes through it). */
  Listen: "LISTEN",
  /** Our SYN sent, waiting for the peer's SYN. */
  SynSent: "SYN-SENT",
  /** Both SYNs seen, waiting for the ACK of ours. */
  SynReceived: "SYN-RECEIVED",
  /** Open: data flows both ways. */
  Established: "ESTABLISHED",
  /** We closed; our FIN is not yet acknowledged. */
  FinWait1: "FIN-WAIT-1",
  /** We closed and our FIN is acknowledged; waiting for the peer's FIN. */
  FinWait2: "FIN-WAIT-2",
  /** The peer closed; we may still send. */
  CloseWait: "CLOSE-WAIT",
  /** Both closed at once; waiting for the ACK of our FIN. */
  Closing: "CLOSING",
  /** The peer closed, then we did; waiting for the ACK of our FIN. */
  LastAck: "LAST-ACK",
  /** Both closed; lingering 2·MSL so that stray segments die out. */
  TimeWait: "TIME-WAIT",
} as const;

/** One of the `TcpState` values. */
export type TcpState = (typeof TcpState)[keyof typeof TcpState];

/**
 * What moves a connection from one state to another:
 * `open` (active open), `listen` (passive open), `rcvSyn` (a SYN without ACK), `rcvSynAck` (the SYN-ACK of our
 * SYN), `rcvAck` (the ACK of our SYN), `close` (the user closes or shuts down writing), `rcvFin` (the peer's FIN,
 * in sequence), `rcvAckOfFin` (the ACK of our FIN), `timeout` (TIME-WAIT or orphaned FIN-WAIT-2 expiry),
 * `rcvRst` (an acceptable RST), `abort` (the user aborts), `fail` (retries or keep-alive exhausted).
 */
export type TcpEvent =
  | "open" | "listen" | "rcvSyn" | "rcvSynAck" | "rcvAck" | "close" | "rcvFin" | "rcvAckOfFin" | "timeout"
  | "rcvRst" | "abort" | "fail";

/** A hook that receives every state transition with a short reason, e.g. `(from, to, "rcvFin: seq 1001")`. */
export type TcpTrace = (from: TcpState, to: TcpState, why: string) => void;

const S = TcpState;
const TABLE: { [K in TcpState]: { [E in TcpEvent]?: TcpState } } = {
  [S.Closed]: { open: S.SynSent, listen: S.Listen },
  [S.Listen]: { rcvSyn: S.SynReceived, close: S.Closed },
  [S.SynSent]: { rcvSyn: S.SynReceived, rcvSynAck: S.Established, close: S.Closed },
  [S.SynReceived]: { rcvAck: S.Established, close: S.FinWait1, rcvFin: S.CloseWait },
  [S.Established]: { close: S.FinWait1, rcvFin: S.CloseWait },
  [S.FinWait1]: { rcvAckOfFin: S.FinWait2, rcvFin: S.Closing },
  [S.FinWait2]: { rcvFin: S.TimeWait, timeout: S.Closed },
  [S.CloseWait]: { close: S.LastAck },
  [S.Closing]: { rcvAckOfFin: S.TimeWait },
  [S.LastAck]: { rcvAckOfFin: S.Closed },
  [S.TimeWait]: { timeout: S.Closed },
};

/**
 * The state that `event` leads to from `state`, or null when the RFC has no such transition. `rcvRst`, `abort`
 * and `fail` lead to CLOSED from every state but CLOSED.
 *
 * @example tcpTransition("ESTABLISHED", "rcvFin") === "CLOSE-WAIT"; tcpTransition("LISTEN", "rcvFin") === null
 */
export function tcpTransition(state: TcpState, event: TcpEvent): TcpState | null {
  if (event === "rcvRst" || event === "abort" || event === "fail") return state === S.Closed ? null : S.Closed;
  const next = TABLE[state][event];
  return next === undefined ? null : next;
}

/** True in the states where both sequence spaces are synchronised (RFC 9293: SYN-RECEIVED and later). */
export function isSynchronized(state: TcpState): boolean {
  return state !== S.Closed && state !== S.Listen && state !== S.SynSent;
}

/** True in the states where the peer may still send us data (it has not sent a FIN that we processed). */
export function canReceive(state: TcpState): boolean {
  return state === S.SynReceived || state === S.Established || state === S.FinWait1 || state === S.FinWait2;
}

/** True in the states where we may still queue data to send (we have not closed our side). */
export function canSend(state: TcpState): boolean {
  return state === S.SynSent || state === S.SynReceived || state === S.Established || state === S.CloseWait;
}
