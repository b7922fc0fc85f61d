// Closing states: FIN-WAIT-1, FIN-WAIT-2, CLOSING (simultaneous close), CLOSE-WAIT, LAST-ACK, TIME-WAIT (2·MSL,
// repeated FIN, reuse by a new SYN), half-close, abort, EPIPE and close with unread data.
import { describe, expect, it } from "vitest";
import {
  ACK, bytes, closeWaitSocket, establishedSocket, FIN, finWait1Socket, finWait2Socket, lastAckSocket, LOCAL_SEQ,
  PSH, REMOTE_SEQ, RST, SYN, synSentSocket, text, timeWaitSocket,
} from "./_fixtures.ts";

describe("FIN-WAIT-1", () => {
  it("sends the FIN on the last data segment after shutdownWrite", () => {
    const r = establishedSocket();
    r.s.send(bytes("last words"));
    r.s.shutdownWrite();
    expect(r.s.state).toBe("FIN-WAIT-1");
    const seg = r.recvOne();
    expect(seg).toMatchObject({ seqNumber: LOCAL_SEQ, flags: ACK | PSH | FIN });
    expect(text(seg.payload)).toBe("last words");
    expect(r.s.sendAvailable).toBe(0);
  });

  it("goes to FIN-WAIT-2 when the FIN is acknowledged", () => {
    const r = finWait1Socket();
    r.send({ ackNumber: LOCAL_SEQ + 1 });
    expect(r.s.state).toBe("FIN-WAIT-2");
    expect(r.s.pollAt(r.now)).toBe(Infinity);
  });

  it("goes to CLOSING on the peer's FIN before the ACK of ours (simultaneous close), then TIME-WAIT", () => {
    const r = finWait1Socket();
    r.send({ flags: FIN | ACK });
    expect(r.s.state).toBe("CLOSING");
    expect(r.recvOne()).toMatchObject({ seqNumber: LOCAL_SEQ + 1, ackNumber: REMOTE_SEQ + 1, flags: ACK });
    r.send({ seqNumber: REMOTE_SEQ + 1, ackNumber: LOCAL_SEQ + 1 });
    expect(r.s.state).toBe("TIME-WAIT");
    expect(r.transitions).toEqual(["FIN-WAIT-1>CLOSING", "CLOSING>TIME-WAIT"]);
  });

  it("goes through FIN-WAIT-2 to TIME-WAIT on a FIN that also acknowledges ours", () => {
    const r = finWait1Socket();
    r.send({ flags: FIN | ACK, ackNumber: LOCAL_SEQ + 1 });
    expect(r.transitions).toEqual(["FIN-WAIT-1>FIN-WAIT-2", "FIN-WAIT-2>TIME-WAIT"]);
    expect(r.recvOne().ackNumber).toBe(REMOTE_SEQ + 1);
  });

  it("retransmits the FIN on timeout", () => {
    const r = finWait1Socket();
    expect(r.advanceToPoll()).toBe(200);
    expect(r.recvOne()).toMatchObject({ seqNumber: LOCAL_SEQ, flags: FIN | ACK });
  });

  it("keeps receiving after a half-close and refuses to send (EPIPE)", () => {
    const r = finWait1Socket();
    r.send({ payload: bytes("still here") });
    expect(r.read()).toBe("still here");
    expect(() => r.s.send(bytes("x"))).toThrow(expect.objectContaining({ code: "EPIPE" }));
  });
});

describe("FIN-WAIT-2", () => {
  it("receives data, then goes to TIME-WAIT on the FIN and calls onEnd", () => {
    const r = finWait2Socket();
    r.send({ payload: bytes("tail"), ackNumber: LOCAL_SEQ + 1 });
    r.send({ seqNumber: REMOTE_SEQ + 4, flags: FIN | ACK, ackNumber: LOCAL_SEQ + 1 });
    expect(r.s.state).toBe("TIME-WAIT");
    expect(r.recvOne().ackNumber).toBe(REMOTE_SEQ + 5);
    expect(r.read()).toBe("tail");
    r.recvNothing();
    expect(r.events).toEqual(["readable", "end"]);
  });

  it("gives up waiting for the peer's FIN after finWait2Timeout when closed with close(), not with shutdownWrite", () => {
    const half = finWait2Socket();
    expect(half.s.pollAt(half.now)).toBe(Infinity);
    const r = establishedSocket({ finWait2Timeout: 5000 });
    r.s.close();
    r.recv();
    r.send({ ackNumber: LOCAL_SEQ + 1 });
    expect(r.s.state).toBe("FIN-WAIT-2");
    expect(r.advanceToPoll()).toBe(5000);
    r.recvNothing();
    expect(r.s.state).toBe("CLOSED");
    expect(r.events).toEqual(["close"]);
  });

  it("fails with ECONNRESET on an exact RST", () => {
    const r = finWait2Socket();
    r.send({ flags: RST });
    expect(r.events).toEqual(["error:ECONNRESET", "close"]);
  });
});

describe("CLOSE-WAIT", () => {
  it("can still send, and goes to LAST-ACK with a FIN on close", () => {
    const r = closeWaitSocket();
    r.s.send(bytes("reply"));
    r.s.close();
    expect(r.s.state).toBe("LAST-ACK");
    const seg = r.recvOne();
    expect(seg).toMatchObject({ seqNumber: LOCAL_SEQ, ackNumber: REMOTE_SEQ + 1, flags: ACK | PSH | FIN });
    expect(text(seg.payload)).toBe("reply");
  });

  it("acknowledges a repeated FIN again and ignores data beyond the FIN", () => {
    const r = closeWaitSocket();
    r.send({ flags: FIN | ACK });
    expect(r.recvOne().ackNumber).toBe(REMOTE_SEQ + 1);
    r.send({ seqNumber: REMOTE_SEQ + 1, payload: bytes("late") });
    expect(r.s.recvAvailable).toBe(0);
    expect(r.events).toEqual([]); // "end" came with the first FIN, once
  });
});

describe("LAST-ACK", () => {
  it("closes without error when the FIN is acknowledged", () => {
    const r = lastAckSocket();
    r.send({ seqNumber: REMOTE_SEQ + 1, ackNumber: LOCAL_SEQ + 1 });
    expect(r.s.state).toBe("CLOSED");
    expect(r.events).toEqual(["close"]);
    expect(r.s.pollAt(r.now)).toBe(Infinity);
  });

  it("retransmits the FIN on timeout and closes without error on a RST", () => {
    const r = lastAckSocket();
    r.advanceToPoll();
    expect(r.recvOne().flags).toBe(FIN | ACK);
    r.send({ seqNumber: REMOTE_SEQ + 1, flags: RST });
    expect(r.s.state).toBe("CLOSED");
    expect(r.events).toEqual(["close"]);
  });
});

describe("CLOSING", () => {
  it("closes without error on a RST", () => {
    const r = finWait1Socket();
    r.send({ flags: FIN | ACK });
    r.recv();
    r.send({ seqNumber: REMOTE_SEQ + 1, flags: RST });
    expect(r.s.state).toBe("CLOSED");
    expect(r.events).toEqual(["end", "close"]);
  });
});

describe("TIME-WAIT", () => {
  it("lingers 2·MSL, then closes", () => {
    const r = timeWaitSocket({ msl: 1000 });
    expect(r.s.pollAt(r.now)).toBe(r.now + 2000);
    r.advanceToPoll();
    r.recvNothing();
    expect(r.s.state).toBe("CLOSED");
    expect(r.events).toEqual(["close"]);
  });

  it("acknowledges a repeated FIN and restarts the 2·MSL timer", () => {
    const r = timeWaitSocket({ msl: 1000 });
    r.advance(1500);
    r.send({ flags: FIN | ACK, ackNumber: LOCAL_SEQ + 1 });
    expect(r.recvOne()).toMatchObject({ seqNumber: LOCAL_SEQ + 1, ackNumber: REMOTE_SEQ + 1, flags: ACK });
    expect(r.s.pollAt(r.now)).toBe(r.now + 2000);
  });

  it("ends early for a SYN of a new connection, and closes on an exact RST", () => {
    const r = timeWaitSocket();
    r.send({ seqNumber: REMOTE_SEQ + 100000, ackNumber: 0, flags: SYN });
    expect(r.s.state).toBe("CLOSED");
    const q = timeWaitSocket();
    q.send({ seqNumber: REMOTE_SEQ + 1, flags: RST });
    expect(q.s.state).toBe("CLOSED");
    expect(q.events).toEqual(["close"]);
  });

  it("answers an old SYN with a challenge ACK and ignores bare ACKs", () => {
    const r = timeWaitSocket();
    r.send({ seqNumber: REMOTE_SEQ, ackNumber: 0, flags: SYN });
    expect(r.recvOne().flags).toBe(ACK);
    r.send({ seqNumber: REMOTE_SEQ + 1, ackNumber: LOCAL_SEQ + 1 });
    r.recvNothing();
    expect(r.s.state).toBe("TIME-WAIT");
  });
});

describe("abort and close", () => {
  it("abort sends a RST and closes without error", () => {
    const r = establishedSocket();
    r.s.send(bytes("unsent"));
    r.s.abort();
    expect(r.s.state).toBe("CLOSED");
    expect(r.events).toEqual(["close"]);
    expect(r.recvOne()).toMatchObject({ seqNumber: LOCAL_SEQ, ackNumber: REMOTE_SEQ, flags: RST | ACK });
    expect(r.s.pollAt(r.now)).toBe(Infinity);
  });

  it("abort before the SYN is answered sends nothing", () => {
    const r = synSentSocket();
    r.s.abort();
    r.recvNothing();
    expect(r.events).toEqual(["close"]);
  });

  it("close with unread data aborts with a RST (RFC 2525)", () => {
    const r = establishedSocket();
    r.send({ payload: bytes("unread") });
    r.s.close();
    expect(r.recv().map((s) => s.flags)).toEqual([RST | ACK]);
    expect(r.s.state).toBe("CLOSED");
  });

  it("acknowledges and discards data arriving after close", () => {
    const r = establishedSocket();
    r.s.close();
    r.recv();
    r.send({ payload: bytes("ignored"), ackNumber: LOCAL_SEQ + 1 });
    expect(r.s.recvAvailable).toBe(0);
    expect(r.events).toEqual([]);
    expect(r.recvOne().ackNumber).toBe(REMOTE_SEQ + 7);
  });

  it("send after a reset throws EPIPE; close and abort on a closed socket do nothing", () => {
    const r = establishedSocket();
    r.send({ flags: RST });
    expect(() => r.s.send(bytes("x"))).toThrow(expect.objectContaining({ code: "EPIPE" }));
    r.s.close();
    r.s.abort();
    expect(r.events).toEqual(["error:ECONNRESET", "close"]);
  });
});
