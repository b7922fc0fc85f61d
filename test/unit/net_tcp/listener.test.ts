// CLOSED and LISTEN: a closed socket ignores segments; rstFor's reset rules (RFC 9293 §3.10.7.1); TcpListener:
// SYN → SYN-RECEIVED socket with the ISS function, handshake completion, backlog (drop or RST), ACK → RST,
// accept queue, close.
import { describe, expect, it } from "vitest";
import { rstFor, TcpListener, TcpSocket } from "../../../libos/net/tcp/index.ts";
import type { TcpRepr } from "../../../libos/net/wire/tcp.ts";
import { cloneSegment } from "./_harness.ts";
import { ACK, bytes, FIN, LOCAL, REMOTE, RST, segment, SYN, text } from "./_fixtures.ts";

const CLIENT = 0x0a000063; // 10.0.0.99, the peer that connects to LOCAL
const CLIENT_ISS = 5000;

function syn(port: number, p: Partial<TcpRepr> = {}): TcpRepr {
  return segment({ srcPort: port, dstPort: LOCAL.port, seqNumber: CLIENT_ISS, ackNumber: 0, flags: SYN,
    maxSegSize: 1460, ...p });
}

function drain(l: TcpListener, now = 0): TcpRepr[] {
  const out: TcpRepr[] = [];
  l.dispatch(now, (_src, _dst, seg) => (out.push(cloneSegment(seg)), true));
  return out;
}

describe("CLOSED", () => {
  it("ignores every segment and accepts none", () => {
    const s = new TcpSocket();
    const seg = segment({ flags: SYN });
    expect(s.accepts(REMOTE.addr, LOCAL.addr, seg)).toBe(false);
    s.process(0, REMOTE.addr, LOCAL.addr, seg);
    expect(s.state).toBe("CLOSED");
    expect(s.pollAt(0)).toBe(Infinity);
    expect(s.recv()).toBe(null);
  });
});

describe("rstFor", () => {
  it("answers a segment with ACK with <SEQ=SEG.ACK><CTL=RST>", () => {
    const r = rstFor(REMOTE.addr, LOCAL.addr, segment({ ackNumber: 1234, flags: ACK, payload: bytes("xy") }))!;
    expect(r).toMatchObject({ srcPort: LOCAL.port, dstPort: REMOTE.port, seqNumber: 1234, ackNumber: 0, flags: RST });
  });

  it("answers a SYN with <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>", () => {
    const r = rstFor(REMOTE.addr, LOCAL.addr, segment({ seqNumber: 0xffffffff, ackNumber: 0, flags: SYN | FIN,
      payload: bytes("abc") }))!;
    expect(r).toMatchObject({ seqNumber: 0, ackNumber: 4, flags: RST | ACK, windowLen: 0 });
  });

  it("never answers a RST or a broadcast or multicast address", () => {
    expect(rstFor(REMOTE.addr, LOCAL.addr, segment({ flags: RST }))).toBe(null);
    expect(rstFor(REMOTE.addr, LOCAL.addr, segment({ flags: RST | ACK }))).toBe(null);
    expect(rstFor(REMOTE.addr, 0xffffffff, segment({ flags: SYN }))).toBe(null);
    expect(rstFor(REMOTE.addr, 0xe0000001, segment({ flags: SYN }))).toBe(null);
    expect(rstFor(0, LOCAL.addr, segment({ flags: SYN }))).toBe(null);
  });
});

describe("TcpListener", () => {
  function listener(backlog = 4, rstOnOverflow = false) {
    const calls: unknown[][] = [];
    const l = new TcpListener({ addr: 0, port: LOCAL.port }, {
      backlog, rstOnOverflow, socket: { timestamps: false, windowScaling: false },
      iss: (...args) => (calls.push(args), 777000),
    });
    return { l, calls };
  }

  it("answers a SYN with a SYN-ACK from a new socket, its ISS chosen by the iss function", () => {
    const { l, calls } = listener();
    expect(l.accepts(CLIENT, LOCAL.addr, syn(1111))).toBe(true);
    expect(l.accepts(CLIENT, LOCAL.addr, syn(1111, { dstPort: 81 }))).toBe(false);
    l.process(3, CLIENT, LOCAL.addr, syn(1111));
    expect(calls).toEqual([[3, CLIENT, 1111, LOCAL.addr, LOCAL.port]]);
    expect(l.pending).toBe(1);
    const out = drain(l, 3);
    expect(out).toMatchObject([{ srcPort: LOCAL.port, dstPort: 1111, seqNumber: 777000, ackNumber: CLIENT_ISS + 1,
      flags: SYN | ACK }]);
    expect(l.pollAt(3)).toBe(1003);
  });

  it("hands the connection to onConnection when the handshake completes, with data that came with it", () => {
    const { l } = listener();
    const got: TcpSocket[] = [];
    l.onConnection = (s) => got.push(s);
    l.process(0, CLIENT, LOCAL.addr, syn(1111));
    drain(l);
    l.process(1, CLIENT, LOCAL.addr, segment({ srcPort: 1111, seqNumber: CLIENT_ISS + 1, ackNumber: 777001,
      payload: bytes("hi") }));
    expect(got.length).toBe(1);
    expect(got[0].state).toBe("ESTABLISHED");
    expect([got[0].remoteAddress, got[0].remotePort, got[0].localAddress, got[0].localPort])
      .toEqual([CLIENT, 1111, LOCAL.addr, LOCAL.port]);
    expect(text(got[0].recv())).toBe("hi");
    expect(l.pending + l.queued).toBe(0);
  });

  it("queues completed connections for accept() when no onConnection is set", () => {
    const { l } = listener();
    l.process(0, CLIENT, LOCAL.addr, syn(1111));
    drain(l);
    l.process(1, CLIENT, LOCAL.addr, segment({ srcPort: 1111, seqNumber: CLIENT_ISS + 1, ackNumber: 777001 }));
    expect(l.queued).toBe(1);
    l.process(2, CLIENT, LOCAL.addr, segment({ srcPort: 1111, seqNumber: CLIENT_ISS + 1, ackNumber: 777001,
      payload: bytes("queued data") }));
    const s = l.accept()!;
    expect(text(s.recv())).toBe("queued data");
    expect(l.accept()).toBe(null);
  });

  it("drops SYNs beyond the backlog like a full accept queue", () => {
    const { l } = listener(2);
    for (const port of [1, 2, 3]) l.process(0, CLIENT, LOCAL.addr, syn(port));
    expect(l.pending).toBe(2);
    expect(l.stats).toMatchObject({ synsAccepted: 2, overflows: 1 });
    expect(drain(l).map((s) => s.dstPort)).toEqual([1, 2]);
  });

  it("answers SYNs beyond the backlog with a RST when configured", () => {
    const { l } = listener(1, true);
    l.process(0, CLIENT, LOCAL.addr, syn(1));
    l.process(0, CLIENT, LOCAL.addr, syn(2));
    const out = drain(l);
    expect(out).toMatchObject([{ dstPort: 2, flags: RST | ACK, ackNumber: CLIENT_ISS + 1 }, { dstPort: 1,
      flags: SYN | ACK }]);
  });

  it("resets an ACK that matches no half-open connection and ignores a RST", () => {
    const { l } = listener();
    l.process(0, CLIENT, LOCAL.addr, segment({ srcPort: 9, ackNumber: 4242 }));
    l.process(0, CLIENT, LOCAL.addr, segment({ srcPort: 9, flags: RST }));
    expect(drain(l)).toMatchObject([{ dstPort: 9, seqNumber: 4242, flags: RST }]);
    expect(l.stats.resets).toBe(1);
  });

  it("sends the SYN-ACK again for a repeated SYN rather than opening a second connection", () => {
    const { l } = listener();
    l.process(0, CLIENT, LOCAL.addr, syn(1111));
    drain(l);
    l.process(1, CLIENT, LOCAL.addr, syn(1111));
    expect(l.pending).toBe(1);
    expect(drain(l, 1).map((s) => s.flags)).toEqual([SYN | ACK]);
  });

  it("forgets a half-open connection that is reset", () => {
    const { l } = listener();
    l.process(0, CLIENT, LOCAL.addr, syn(1111));
    drain(l);
    l.process(1, CLIENT, LOCAL.addr, segment({ srcPort: 1111, seqNumber: CLIENT_ISS + 1, flags: RST }));
    expect(l.pending).toBe(0);
  });

  it("aborts unaccepted connections with a RST on close and takes no more SYNs", () => {
    const { l } = listener();
    l.process(0, CLIENT, LOCAL.addr, syn(1111));
    drain(l);
    l.close();
    expect(drain(l).map((s) => s.flags)).toEqual([RST | ACK]);
    expect(l.accepts(CLIENT, LOCAL.addr, syn(2222))).toBe(false);
    expect(l.pollAt(5)).toBe(Infinity);
  });

  it("checks its port and backlog", () => {
    expect(() => new TcpListener({ addr: 0, port: 0 }, { iss: () => 0 })).toThrow(RangeError);
    expect(() => new TcpListener({ addr: 0, port: 80 }, { iss: () => 0, backlog: 0 })).toThrow(RangeError);
  });
});
