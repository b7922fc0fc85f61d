// ESTABLISHED: receiving (delayed ACKs, out-of-order reassembly, window edges, buffer bounds), RFC 5961 checks
// (RST, SYN, ACK), PAWS, and sending (segmentation, windows, initial cwnd, Nagle, buffer bounds, RTT).
import { describe, expect, it } from "vitest";
import {
  ACK, bytes, establishedSocket, FIN, LOCAL_SEQ, pattern, PSH, REMOTE_ISS, REMOTE_SEQ, RST, SYN, text,
} from "./_fixtures.ts";

const MSS = 1460;

describe("ESTABLISHED: receiving", () => {
  it("buffers in-order data, calls onReadable and acknowledges it after the delayed-ACK timeout", () => {
    const r = establishedSocket();
    r.send({ flags: ACK | PSH, payload: bytes("hello") });
    expect(r.events).toEqual(["readable"]);
    expect(r.s.recvAvailable).toBe(5);
    r.recvNothing();
    expect(r.advanceToPoll()).toBe(40);
    expect(r.recvOne()).toMatchObject({ seqNumber: LOCAL_SEQ, ackNumber: REMOTE_SEQ + 5, flags: ACK });
    expect(r.read()).toBe("hello");
    expect(r.s.recv()).toBe(null);
  });

  it("acknowledges every second full-sized segment at once", () => {
    const r = establishedSocket();
    r.send({ payload: pattern(MSS) });
    r.recvNothing();
    r.send({ seqNumber: REMOTE_SEQ + MSS, payload: pattern(MSS) });
    expect(r.recvOne().ackNumber).toBe(REMOTE_SEQ + 2 * MSS);
    expect(r.s.pollAt(r.now)).toBe(Infinity);
  });

  it("acknowledges every segment at once with ackDelay 0", () => {
    const r = establishedSocket({ ackDelay: 0 });
    r.send({ payload: bytes("a") });
    expect(r.recvOne().ackNumber).toBe(REMOTE_SEQ + 1);
  });

  it("parks out-of-order data, sends a duplicate ACK, and delivers it all once the gap fills", () => {
    const r = establishedSocket();
    r.send({ seqNumber: REMOTE_SEQ + 3, payload: bytes("def") });
    expect(r.events).toEqual([]);
    expect(r.s.recvAvailable).toBe(0);
    expect(r.recvOne()).toMatchObject({ ackNumber: REMOTE_SEQ });
    r.send({ payload: bytes("abc") });
    expect(r.events).toEqual(["readable"]);
    expect(r.recvOne().ackNumber).toBe(REMOTE_SEQ + 6); // at once: a gap was filled (RFC 5681 §4.2)
    expect(r.read()).toBe("abcdef");
  });

  it("owes one duplicate ACK per out-of-order segment even when they arrive between two dispatches", () => {
    const r = establishedSocket();
    for (let i = 1; i <= 3; i++) r.send({ seqNumber: REMOTE_SEQ + 10 * i, payload: pattern(10) });
    const acks = r.recv();
    expect(acks.map((a) => a.ackNumber)).toEqual([REMOTE_SEQ, REMOTE_SEQ, REMOTE_SEQ]);
    expect(r.s.stats.outOfOrder).toBe(3);
  });

  it("reassembles overlapping and duplicated pieces byte-exact", () => {
    const r = establishedSocket();
    const data = bytes("0123456789abcdefghij");
    const piece = (a: number, b: number) => r.send({ seqNumber: REMOTE_SEQ + a, payload: data.slice(a, b) });
    piece(15, 20);
    piece(5, 9);
    piece(7, 12);
    piece(15, 20);
    piece(11, 16);
    piece(0, 6);
    expect(r.read()).toBe("0123456789abcdefghij");
  });

  it("takes only the new part of a segment overlapping received data, and re-ACKs a full duplicate", () => {
    const r = establishedSocket({ ackDelay: 0 });
    r.send({ payload: bytes("abcd") });
    r.recv();
    r.send({ seqNumber: REMOTE_SEQ + 2, payload: bytes("cdef") });
    expect(r.recvOne().ackNumber).toBe(REMOTE_SEQ + 6);
    r.send({ payload: bytes("abcd") });
    expect(r.recvOne().ackNumber).toBe(REMOTE_SEQ + 6);
    expect(r.read()).toBe("abcdef");
  });

  it("drops data beyond the window and acknowledges what it has", () => {
    const r = establishedSocket();
    r.send({ seqNumber: REMOTE_SEQ + 64000, payload: bytes("x") });
    expect(r.recvOne()).toMatchObject({ ackNumber: REMOTE_SEQ, windowLen: 64000 });
    expect(r.s.stats.outOfOrder).toBe(0);
  });

  it("bounds the receive buffer: the window closes, excess is dropped, reading reopens it by the SWS rule", () => {
    const r = establishedSocket({ rxBufferSize: 1000, ackDelay: 0 });
    r.send({ payload: pattern(1200) });
    expect(r.recvOne()).toMatchObject({ ackNumber: REMOTE_SEQ + 1000, windowLen: 0 });
    expect(r.s.recvAvailable).toBe(1000);
    r.send({ seqNumber: REMOTE_SEQ + 1000, payload: pattern(10) });
    expect(r.recvOne()).toMatchObject({ ackNumber: REMOTE_SEQ + 1000, windowLen: 0 });
    expect(r.s.recv(100)!.length).toBe(100);
    r.recvNothing(); // 100 bytes is below min(buffer/2, MSS): no update yet (RFC 1122 §4.2.3.3)
    r.s.recv(400);
    expect(r.recvOne()).toMatchObject({ ackNumber: REMOTE_SEQ + 1000, windowLen: 500 });
  });

  it("takes the ACK but not the data of a segment sent into a closed window", () => {
    const r = establishedSocket({ rxBufferSize: 10, ackDelay: 0 });
    r.s.send(bytes("out"));
    r.recv();
    r.send({ payload: pattern(10) });
    r.recv();
    r.send({ seqNumber: REMOTE_SEQ + 10, ackNumber: LOCAL_SEQ + 3, payload: bytes("more") });
    expect(r.s.info.unacked).toBe(0);
    expect(r.s.recvAvailable).toBe(10);
    expect(r.recvOne()).toMatchObject({ ackNumber: REMOTE_SEQ + 10, windowLen: 0 });
  });

  it("drops a disjoint out-of-order segment beyond maxOutOfOrderRanges", () => {
    const r = establishedSocket({ maxOutOfOrderRanges: 2 });
    r.send({ seqNumber: REMOTE_SEQ + 10, payload: bytes("b") });
    r.send({ seqNumber: REMOTE_SEQ + 20, payload: bytes("c") });
    r.send({ seqNumber: REMOTE_SEQ + 30, payload: bytes("d") });
    r.send({ seqNumber: REMOTE_SEQ + 11, payload: pattern(9, 0x41) });
    r.send({ payload: pattern(10, 0x30) });
    expect(r.s.recvAvailable).toBe(21); // 0..20 assembled; "d" at 30 was dropped
  });

  it("goes to CLOSE-WAIT on a FIN, acknowledges it at once, and calls onEnd once the data is read", () => {
    const r = establishedSocket();
    r.send({ flags: ACK | FIN, payload: bytes("bye") });
    expect(r.s.state).toBe("CLOSE-WAIT");
    expect(r.events).toEqual(["readable"]);
    expect(r.recvOne().ackNumber).toBe(REMOTE_SEQ + 4);
    expect(r.read()).toBe("bye");
    expect(r.events).toEqual(["readable"]); // recv never calls a hook itself:
    expect(r.s.pollAt(r.now)).toBe(r.now); // the next dispatch fires onEnd
    r.recvNothing();
    expect(r.events).toEqual(["readable", "end"]);
  });

  it("holds a FIN that arrives before missing data until the gap fills", () => {
    const r = establishedSocket();
    r.send({ seqNumber: REMOTE_SEQ + 2, flags: ACK | FIN, payload: bytes("cd") });
    expect(r.s.state).toBe("ESTABLISHED");
    r.recv();
    r.send({ payload: bytes("ab") });
    expect(r.s.state).toBe("CLOSE-WAIT");
    expect(r.recvOne().ackNumber).toBe(REMOTE_SEQ + 5);
    expect(r.read()).toBe("abcd");
  });
});

describe("ESTABLISHED: RFC 5961 and PAWS", () => {
  it("resets with ECONNRESET on a RST at exactly RCV.NXT", () => {
    const r = establishedSocket();
    r.send({ flags: RST });
    expect(r.s.state).toBe("CLOSED");
    expect(r.events).toEqual(["error:ECONNRESET", "close"]);
    r.recvNothing();
  });

  it("sends a challenge ACK for a RST in the window but not at RCV.NXT", () => {
    const r = establishedSocket();
    r.send({ seqNumber: REMOTE_SEQ + 1000, flags: RST });
    expect(r.s.state).toBe("ESTABLISHED");
    expect(r.recvOne()).toMatchObject({ seqNumber: LOCAL_SEQ, ackNumber: REMOTE_SEQ, flags: ACK });
    expect(r.s.stats.challengeAcks).toBe(1);
  });

  it("ignores a RST outside the window", () => {
    const r = establishedSocket();
    r.send({ seqNumber: REMOTE_SEQ + 100000, flags: RST });
    r.send({ seqNumber: REMOTE_SEQ - 1, flags: RST });
    expect(r.s.state).toBe("ESTABLISHED");
    r.recvNothing();
  });

  it("sends a challenge ACK for a SYN, wherever its sequence number", () => {
    const r = establishedSocket();
    r.send({ seqNumber: REMOTE_SEQ, flags: SYN });
    r.send({ seqNumber: REMOTE_ISS, flags: SYN | ACK });
    expect(r.s.state).toBe("ESTABLISHED");
    expect(r.recv().map((s) => s.flags)).toEqual([ACK]);
    expect(r.s.stats.challengeAcks).toBe(1); // the second SYN is out of the window: a plain ACK
  });

  it("rate-limits challenge ACKs per second", () => {
    const r = establishedSocket({ challengeAckLimit: 2 });
    for (let i = 0; i < 5; i++) {
      r.send({ seqNumber: REMOTE_SEQ + 10 + i, flags: RST });
      r.recv();
    }
    expect(r.s.stats.challengeAcks).toBe(2);
    r.advance(1000);
    r.send({ seqNumber: REMOTE_SEQ + 10, flags: RST });
    expect(r.recv().length).toBe(1);
  });

  it("drops a segment acknowledging data never sent, answering with an ACK", () => {
    const r = establishedSocket();
    r.send({ ackNumber: LOCAL_SEQ + 10, payload: bytes("evil") });
    expect(r.s.recvAvailable).toBe(0);
    expect(r.recvOne()).toMatchObject({ seqNumber: LOCAL_SEQ, ackNumber: REMOTE_SEQ });
  });

  it("drops data whose ACK is older than SND.UNA minus the largest window seen (blind injection)", () => {
    const r = establishedSocket();
    r.send({ ackNumber: LOCAL_SEQ - 70000, payload: bytes("evil") });
    expect(r.s.recvAvailable).toBe(0);
    expect(r.s.stats.challengeAcks).toBe(1);
    r.send({ ackNumber: LOCAL_SEQ - 100, payload: bytes("ok") }); // old but plausible: accepted
    expect(r.s.recvAvailable).toBe(2);
  });

  it("drops a segment whose timestamp is older than TS.Recent (PAWS) and keeps TS.Recent fresh", () => {
    const r = establishedSocket({ timestamps: true }, { timestamp: { tsVal: 1000, tsEcr: 0 } });
    r.send({ timestamp: { tsVal: 1005, tsEcr: 10 }, payload: bytes("new") });
    r.send({ seqNumber: REMOTE_SEQ + 3, timestamp: { tsVal: 999, tsEcr: 10 }, payload: bytes("old") });
    expect(r.read()).toBe("new");
    const acks = r.recv();
    expect(acks.length).toBe(1);
    expect(acks[0].timestamp!.tsEcr).toBe(1005);
  });
});

describe("ESTABLISHED: sending", () => {
  it("sends queued data in one PSH segment and keeps it until acknowledged", () => {
    const r = establishedSocket();
    expect(r.s.send(bytes("hello"))).toBe(5);
    const seg = r.recvOne();
    expect(seg).toMatchObject({ seqNumber: LOCAL_SEQ, ackNumber: REMOTE_SEQ, flags: ACK | PSH });
    expect(text(seg.payload)).toBe("hello");
    expect(r.s.sendQueued).toBe(5);
    r.send({ ackNumber: LOCAL_SEQ + 5 });
    expect(r.s.sendQueued).toBe(0);
    expect(r.s.pollAt(r.now)).toBe(Infinity);
  });

  it("cuts data into MSS-sized segments within the initial congestion window (3 segments, RFC 5681)", () => {
    const r = establishedSocket();
    r.s.send(pattern(10000));
    const out = r.recv();
    expect(out.map((s) => s.payload.length)).toEqual([MSS, MSS, MSS]);
    expect(out.map((s) => s.seqNumber)).toEqual([LOCAL_SEQ, LOCAL_SEQ + MSS, LOCAL_SEQ + 2 * MSS]);
    expect(r.s.info.cwnd).toBe(3 * MSS);
  });

  it("grows cwnd by one MSS per ACK in slow start", () => {
    const r = establishedSocket({ initialCwnd: 1 });
    r.s.send(pattern(20000));
    expect(r.recv().length).toBe(1);
    r.send({ ackNumber: LOCAL_SEQ + MSS });
    expect(r.recv().length).toBe(2);
    expect(r.s.info.cwnd).toBe(2 * MSS);
  });

  it("never sends beyond the peer's window and avoids silly small segments", () => {
    const r = establishedSocket({}, { windowLen: 2 * MSS + 100 });
    r.s.send(pattern(5000));
    expect(r.recv().map((s) => s.payload.length)).toEqual([MSS, MSS]); // 100 bytes left: too small to send
    r.send({ ackNumber: LOCAL_SEQ + 2 * MSS, windowLen: 3000 });
    expect(r.recv().map((s) => s.payload.length)).toEqual([MSS]); // the 620-byte tail waits for Nagle
    r.send({ ackNumber: LOCAL_SEQ + 3 * MSS, windowLen: 3000 });
    expect(r.recv().map((s) => s.payload.length)).toEqual([5000 - 3 * MSS]);
  });

  it("holds a small segment while data is unacknowledged (Nagle) and sends it once acknowledged", () => {
    const r = establishedSocket();
    r.s.send(bytes("a"));
    expect(r.recv().length).toBe(1);
    r.s.send(bytes("b"));
    r.s.send(bytes("c"));
    r.recvNothing();
    r.send({ ackNumber: LOCAL_SEQ + 1 });
    expect(text(r.recvOne().payload)).toBe("bc");
  });

  it("sends small segments at once with setNoDelay", () => {
    const r = establishedSocket();
    r.s.setNoDelay(true);
    expect(r.s.noDelay).toBe(true);
    r.s.send(bytes("a"));
    r.recv();
    r.s.send(bytes("b"));
    expect(text(r.recvOne().payload)).toBe("b");
  });

  it("does not hold a full-sized segment behind Nagle", () => {
    const r = establishedSocket();
    r.s.send(bytes("a"));
    r.recv();
    r.s.send(pattern(MSS + 10));
    expect(r.recv().map((s) => s.payload.length)).toEqual([MSS]);
  });

  it("bounds the send buffer and calls onWritable when an ACK frees space after a short send", () => {
    const r = establishedSocket({ txBufferSize: 100 });
    expect(r.s.send(pattern(150))).toBe(100);
    expect(r.s.sendAvailable).toBe(0);
    expect(r.s.send(bytes("x"))).toBe(0);
    r.recv();
    r.send({ ackNumber: LOCAL_SEQ + 60 });
    expect(r.events).toEqual(["writable"]);
    expect(r.s.sendAvailable).toBe(60);
  });

  it("measures the RTT of a timed segment and derives the RTO (RFC 6298)", () => {
    const r = establishedSocket({ rtoMin: 10 });
    r.s.send(bytes("x"));
    r.recv();
    r.advance(50);
    r.send({ ackNumber: LOCAL_SEQ + 1 });
    const i = r.s.info; // first sample 10 ms at the handshake, then 50 ms
    expect(i.srtt).toBeCloseTo(0.875 * 10 + 0.125 * 50);
    expect(i.rttvar).toBeCloseTo(0.75 * 5 + 0.25 * 40);
    expect(i.rto).toBeCloseTo(i.srtt + 4 * i.rttvar);
  });

  it("takes a window update only from a newer segment (SND.WL1/WL2)", () => {
    const r = establishedSocket();
    r.send({ seqNumber: REMOTE_SEQ, payload: bytes("ab"), windowLen: 3000 });
    expect(r.s.info.sndWnd).toBe(3000);
    r.send({ seqNumber: REMOTE_SEQ + 10, payload: bytes("k"), windowLen: 9000 });
    expect(r.s.info.sndWnd).toBe(9000);
    r.send({ seqNumber: REMOTE_SEQ + 2, payload: bytes("cdefghij"), windowLen: 100 }); // older: window ignored
    expect(r.s.info.sndWnd).toBe(9000);
    expect(r.read()).toBe("abcdefghijk");
  });

  it("counts segments in and out", () => {
    const r = establishedSocket();
    expect(r.s.stats).toMatchObject({ segmentsIn: 1, segmentsOut: 2, retransmissions: 0 });
  });
});

describe("ESTABLISHED: hooks", () => {
  it("fires onEnd right after the onReadable hook that read up to the FIN returns", () => {
    const r = establishedSocket();
    const seen: string[] = [];
    r.s.onReadable = () => seen.push("data:" + text(r.s.recv()));
    r.s.onEnd = () => seen.push("end");
    r.send({ flags: ACK | FIN, payload: bytes("all") });
    expect(seen).toEqual(["data:all", "end"]);
  });
});
