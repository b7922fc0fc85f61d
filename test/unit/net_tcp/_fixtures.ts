// test/unit/net_tcp/_fixtures.ts — fixtures of the state-by-state TCP tests (as smoltcp's): a Rig holding one
// socket under test on a fake clock, template segments from the remote end, and sockets brought into each state
// (`synSentSocket()`, `establishedSocket()`, ...). The remote end is played by hand. Layer: test support.

import { expect } from "vitest";
import { TcpSocket, type TcpSocketOptions } from "../../../libos/net/tcp/index.ts";
import { TcpFlags, type TcpRepr } from "../../../libos/net/wire/tcp.ts";
import { cloneSegment } from "./_harness.ts";

export const { SYN, ACK, FIN, RST, PSH } = TcpFlags;
/** 10.0.0.1:49152, the socket under test. */
export const LOCAL = { addr: 0x0a000001, port: 49152 };
/** 10.0.0.2:80, the remote end played by the tests. */
export const REMOTE = { addr: 0x0a000002, port: 80 };
/** Our initial sequence number and the remote's. */
export const LOCAL_ISS = 10000;
export const REMOTE_ISS = 20000;
/** Sequence numbers after the SYNs. */
export const LOCAL_SEQ = LOCAL_ISS + 1;
export const REMOTE_SEQ = REMOTE_ISS + 1;

/** Options of fixture sockets: small round buffers, no window scaling or timestamps (tests turn them on). */
export const BASE: TcpSocketOptions = {
  rxBufferSize: 64000, txBufferSize: 64000, windowScaling: false, timestamps: false, mss: 1460,
};

/** A segment from REMOTE to LOCAL: ACK of our SYN, seq after theirs, window 65535, no options; `p` overrides. */
export function segment(p: Partial<TcpRepr> = {}): TcpRepr {
  return {
    srcPort: REMOTE.port, dstPort: LOCAL.port, seqNumber: REMOTE_SEQ, ackNumber: LOCAL_SEQ, flags: ACK,
    windowLen: 65535, urgentPointer: 0, maxSegSize: null, windowScale: null, sackPermitted: false, sackRanges: null,
    timestamp: null, payload: new Uint8Array(0), ...p,
  };
}

/** ASCII bytes. */
export function bytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

/** Bytes as ASCII. */
export function text(b: Uint8Array | null): string {
  return b === null ? "" : String.fromCharCode(...b);
}

/** `n` bytes counting from `from` (mod 256). */
export function pattern(n: number, from = 0): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (from + i) & 255;
  return b;
}

/** One socket under test, a fake clock, and a record of its hooks and transitions. */
export class Rig {
  now = 0;
  readonly s: TcpSocket;
  /** Hook calls: "connect", "readable", "writable", "end", "error:CODE", "close". */
  readonly events: string[] = [];
  /** Transitions "FROM>TO". */
  readonly transitions: string[] = [];

  constructor(opts: TcpSocketOptions = {}, socket?: TcpSocket) {
    const s = socket || new TcpSocket({ ...BASE, ...opts });
    this.s = s;
    s.onConnect = () => this.events.push("connect");
    s.onReadable = () => this.events.push("readable");
    s.onWritable = () => this.events.push("writable");
    s.onEnd = () => this.events.push("end");
    s.onError = (c) => this.events.push("error:" + c);
    s.onClose = () => this.events.push("close");
    s.trace = (from, to) => this.transitions.push(from + ">" + to);
  }

  /** Hands the socket a segment from REMOTE (template overridden by `p`). */
  send(p: Partial<TcpRepr> = {}): void {
    this.s.process(this.now, REMOTE.addr, LOCAL.addr, segment(p));
  }

  /** Dispatches at the current time and returns copies of what was emitted. */
  recv(): TcpRepr[] {
    const out: TcpRepr[] = [];
    this.s.dispatch(this.now, (src, dst, seg) => {
      expect([src, dst]).toEqual([LOCAL.addr, REMOTE.addr]);
      out.push(cloneSegment(seg));
      return true;
    });
    return out;
  }

  /** Dispatches and expects exactly one segment, which it returns. */
  recvOne(): TcpRepr {
    const out = this.recv();
    expect(out.length, `segments emitted: ${JSON.stringify(out.map(describe))}`).toBe(1);
    return out[0];
  }

  /** Dispatches and expects nothing. */
  recvNothing(): void {
    expect(this.recv().map(describe)).toEqual([]);
  }

  /** Moves the clock by `ms`. */
  advance(ms: number): void {
    this.now += ms;
  }

  /** Moves the clock to the socket's pollAt (which must be in the future) and returns the step taken. */
  advanceToPoll(): number {
    const at = this.s.pollAt(this.now);
    expect(at).toBeGreaterThan(this.now);
    expect(at).toBeLessThan(Infinity);
    const step = at - this.now;
    this.now = at;
    return step;
  }

  /** Reads everything buffered as ASCII. */
  read(): string {
    return text(this.s.recv());
  }

  /** Clears the event and transition records. */
  clear(): void {
    this.events.length = 0;
    this.transitions.length = 0;
  }
}

/** A short description of a segment for failure messages: "SA seq ack len win". */
export function describe(seg: TcpRepr): string {
  const f = seg.flags;
  const names = (f & SYN ? "S" : "") + (f & FIN ? "F" : "") + (f & RST ? "R" : "") + (f & PSH ? "P" : "") +
    (f & ACK ? "A" : "");
  return `${names} seq=${seg.seqNumber} ack=${seg.ackNumber} len=${seg.payload.length} win=${seg.windowLen}`;
}

/** A socket that sent its SYN at time 0 (the SYN is consumed). */
export function synSentSocket(opts: TcpSocketOptions = {}): Rig {
  const r = new Rig(opts);
  r.s.connect(LOCAL, REMOTE, LOCAL_ISS, r.now);
  r.recvOne();
  r.clear();
  return r;
}

/** A passively opened socket that received REMOTE's SYN (with `syn` overrides) and sent its SYN-ACK. */
export function synReceivedSocket(opts: TcpSocketOptions = {}, syn: Partial<TcpRepr> = {}): Rig {
  const r = new Rig(opts);
  r.s.openPassive(LOCAL, REMOTE, LOCAL_ISS, segment({ seqNumber: REMOTE_ISS, ackNumber: 0, flags: SYN,
    maxSegSize: 1460, ...syn }), r.now);
  r.recvOne();
  r.clear();
  return r;
}

/** An ESTABLISHED active socket (REMOTE's SYN-ACK takes `synAck` overrides); the handshake ACK is consumed. */
export function establishedSocket(opts: TcpSocketOptions = {}, synAck: Partial<TcpRepr> = {}): Rig {
  const r = synSentSocket(opts);
  r.advance(10);
  r.send({ seqNumber: REMOTE_ISS, flags: SYN | ACK, maxSegSize: 1460, ...synAck });
  r.recvOne();
  r.clear();
  return r;
}

/** ESTABLISHED, then closed: our FIN (seq LOCAL_SEQ) is out. */
export function finWait1Socket(opts: TcpSocketOptions = {}): Rig {
  const r = establishedSocket(opts);
  r.s.shutdownWrite();
  r.recvOne();
  r.clear();
  return r;
}

/** FIN-WAIT-1 and our FIN acknowledged. */
export function finWait2Socket(opts: TcpSocketOptions = {}): Rig {
  const r = finWait1Socket(opts);
  r.send({ ackNumber: LOCAL_SEQ + 1 });
  r.recvNothing();
  r.clear();
  return r;
}

/** ESTABLISHED and REMOTE's FIN (seq REMOTE_SEQ) received and acknowledged. */
export function closeWaitSocket(opts: TcpSocketOptions = {}): Rig {
  const r = establishedSocket(opts);
  r.send({ flags: FIN | ACK });
  r.recvOne();
  r.clear();
  return r;
}

/** CLOSE-WAIT, then closed: our FIN is out. */
export function lastAckSocket(opts: TcpSocketOptions = {}): Rig {
  const r = closeWaitSocket(opts);
  r.s.close();
  r.recvOne();
  r.clear();
  return r;
}

/** FIN-WAIT-1 and REMOTE's FIN received before the ACK of ours (simultaneous close); our ACK sent. */
export function closingSocket(opts: TcpSocketOptions = {}): Rig {
  const r = finWait1Socket(opts);
  r.send({ flags: FIN | ACK });
  r.recvOne();
  r.clear();
  return r;
}

/** FIN-WAIT-2 and REMOTE's FIN received: TIME-WAIT, with our ACK sent. */
export function timeWaitSocket(opts: TcpSocketOptions = {}): Rig {
  const r = finWait2Socket(opts);
  r.send({ flags: FIN | ACK, ackNumber: LOCAL_SEQ + 1 });
  r.recvOne();
  r.clear();
  return r;
}
