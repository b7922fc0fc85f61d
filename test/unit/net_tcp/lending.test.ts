// Received bytes lent in place (peekRecv/consume) give what recv gives, with the same window updates and end of
// stream, and the view stays intact while more data arrives; onWork tells the owner when a user call left work;
// dispatch returns the socket's pollAt.
import { describe, expect, it } from "vitest";
import { ACK, establishedSocket, FIN, pattern, REMOTE_SEQ, text, bytes } from "./_fixtures.ts";

describe("peekRecv / consume", () => {
  it("lends the readable bytes and removes them only on consume", () => {
    const r = establishedSocket();
    r.send({ payload: bytes("hello world") });
    const v = r.s.peekRecv();
    expect(text(v)).toBe("hello world");
    expect(r.s.recvAvailable).toBe(11);
    expect(text(r.s.peekRecv(5))).toBe("hello");
    expect(r.s.consume(6)).toBe(6);
    expect(text(r.s.peekRecv())).toBe("world");
    expect(r.s.consume(100)).toBe(5);
    expect(r.s.peekRecv()).toBeNull();
    expect(r.s.consume(1)).toBe(0);
  });

  it("keeps a lent view intact while more segments arrive", () => {
    const r = establishedSocket();
    r.send({ payload: bytes("first") });
    const v = r.s.peekRecv()!;
    r.send({ seqNumber: REMOTE_SEQ + 5, payload: bytes("second") });
    r.send({ seqNumber: REMOTE_SEQ + 30, payload: bytes("out of order") });
    expect(text(v)).toBe("first");
    r.s.consume(5);
    expect(text(r.s.peekRecv())).toBe("second");
  });

  it("stops at the end of the ring; the rest follows after consume", () => {
    const r = establishedSocket({ rxBufferSize: 1000 });
    r.send({ payload: pattern(800) });
    expect(r.s.consume(800)).toBe(800);
    r.send({ seqNumber: REMOTE_SEQ + 800, payload: pattern(500, 9) });   // wraps: 200 at the end, 300 at the start
    const a = r.s.peekRecv()!;
    expect(a.length).toBe(200);
    expect(a).toEqual(pattern(200, 9));
    r.s.consume(200);
    expect(r.s.peekRecv()).toEqual(pattern(300, 209));
  });

  it("makes the same window update and end of stream as recv", () => {
    const viaRecv = establishedSocket({ rxBufferSize: 8000 });
    const viaLend = establishedSocket({ rxBufferSize: 8000 });
    const drain = (r: typeof viaRecv) => {
      if (r === viaRecv) { r.s.recv(); return; }
      for (let v = r.s.peekRecv(); v !== null; v = r.s.peekRecv()) r.s.consume(v.length);
    };
    for (const r of [viaRecv, viaLend]) {
      r.send({ payload: pattern(7000) });
      r.recv();                                                   // the ACK, with a small window
      drain(r);
    }
    const a = viaRecv.recv(), b = viaLend.recv();
    expect(a.length).toBe(1);                                     // the window update
    expect(b).toEqual(a);
    for (const r of [viaRecv, viaLend]) {
      r.send({ seqNumber: REMOTE_SEQ + 7000, payload: pattern(10), flags: ACK | FIN });
      r.recv();
      r.clear();
      drain(r);
      r.recv();                                                   // fires the end reached by the read
    }
    expect(viaLend.events).toEqual(["end"]);
    expect(viaRecv.events).toEqual(["end"]);
  });
});

describe("onWork and dispatch's poll time", () => {
  it("is called by user calls that leave work, never by process or dispatch", () => {
    const r = establishedSocket();
    let calls = 0;
    r.s.onWork = () => calls++;
    r.send({ payload: bytes("abc") });
    r.recv();
    expect(calls).toBe(0);
    r.s.send(bytes("x"));
    expect(calls).toBe(1);
    r.recv();
    expect(calls).toBe(1);
    r.s.setNoDelay(true);
    r.s.shutdownWrite();
    expect(calls).toBe(3);
  });

  it("dispatch returns what pollAt says afterwards", () => {
    const r = establishedSocket({ ackDelay: 40 });
    r.send({ payload: bytes("abc") });                            // a delayed ACK is pending
    const at = r.s.dispatch(r.now, () => true);
    expect(at).toBe(r.s.pollAt(r.now));
    expect(at).toBe(r.now + 40);
    r.s.onReadable = () => { r.s.recv(); r.s.send(bytes("reply")); };
    r.send({ seqNumber: REMOTE_SEQ + 3, payload: bytes("more") }); // the hook queues a reply during process
    expect(r.s.dispatch(r.now, () => false)).toBe(r.now);         // the device is full: still due now
  });
});
