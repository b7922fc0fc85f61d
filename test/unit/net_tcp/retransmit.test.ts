// ESTABLISHED timers and loss recovery on the fake clock: RTO timing, backoff and limits (RFC 6298), Karn's rule,
// retry and user timeouts (ETIMEDOUT), fast retransmit, limited transmit and NewReno partial ACKs (RFC 5681,
// RFC 6582, RFC 3042), zero-window probes, keep-alive, delayed-ACK bounds.
import { describe, expect, it } from "vitest";
import {
  ACK, bytes, establishedSocket, LOCAL_SEQ, pattern, REMOTE_SEQ, RST, text,
} from "./_fixtures.ts";

const MSS = 1460;

describe("retransmission timeout", () => {
  it("retransmits after the RTO and doubles it each time (RFC 6298 §5.5)", () => {
    const r = establishedSocket(); // handshake RTT 10 ms: RTO = max(200, 10 + 4·5)
    r.s.send(bytes("data"));
    r.recv();
    const times: number[] = [];
    for (let i = 0; i < 4; i++) {
      r.advanceToPoll();
      const seg = r.recvOne();
      expect(seg.seqNumber).toBe(LOCAL_SEQ);
      expect(text(seg.payload)).toBe("data");
      times.push(r.now);
    }
    expect(times).toEqual([210, 610, 1410, 3010]);
    expect(r.s.stats).toMatchObject({ retransmissions: 4, timeouts: 4 });
  });

  it("honours rtoMin and rtoMax", () => {
    const r = establishedSocket({ rtoMin: 50, rtoMax: 120 });
    r.s.send(bytes("x"));
    r.recv();
    const steps = [r.advanceToPoll(), (r.recv(), r.advanceToPoll()), (r.recv(), r.advanceToPoll())];
    expect(steps).toEqual([50, 100, 120]);
  });

  it("takes no RTT sample from a retransmitted segment (Karn) and clears the backoff on the next sample", () => {
    const r = establishedSocket();
    r.s.send(bytes("x"));
    r.recv();
    r.advanceToPoll();
    r.recv();
    r.advance(5);
    r.send({ ackNumber: LOCAL_SEQ + 1 });
    expect(r.s.info.srtt).toBe(10);
    expect(r.s.info.rto).toBe(400); // still backed off
    r.s.send(bytes("y"));
    r.recv();
    r.advance(20);
    r.send({ ackNumber: LOCAL_SEQ + 2 });
    expect(r.s.info.srtt).toBeCloseTo(0.875 * 10 + 0.125 * 20);
    expect(r.s.info.rto).toBe(200);
  });

  it("collapses cwnd to one segment and resends from SND.UNA on a timeout", () => {
    const r = establishedSocket();
    r.s.send(pattern(3 * MSS));
    expect(r.recv().length).toBe(3);
    r.advanceToPoll();
    const again = r.recv();
    expect(again.map((s) => s.seqNumber)).toEqual([LOCAL_SEQ]);
    expect(r.s.info).toMatchObject({ cwnd: MSS, ssthresh: 2 * MSS });
    r.send({ ackNumber: LOCAL_SEQ + MSS });
    expect(r.recv().map((s) => s.seqNumber)).toEqual([LOCAL_SEQ + MSS, LOCAL_SEQ + 2 * MSS]);
  });

  it("fails with ETIMEDOUT after maxRetries timeouts", () => {
    const r = establishedSocket({ maxRetries: 2 });
    r.s.send(bytes("x"));
    r.recv();
    r.advanceToPoll();
    r.recv();
    r.advanceToPoll();
    r.recv();
    expect(r.advanceToPoll()).toBe(800);
    r.recvNothing();
    expect(r.s.state).toBe("CLOSED");
    expect(r.events).toEqual(["error:ETIMEDOUT", "close"]);
    expect(() => r.s.send(bytes("y"))).toThrow(/can still send/);
  });

  it("fails with ETIMEDOUT once data stays unacknowledged past the user timeout", () => {
    const r = establishedSocket({ userTimeout: 500 });
    r.advance(10_000); // idle time does not count
    r.s.send(bytes("x"));
    r.recv();
    r.advanceToPoll(); // +200
    r.recv();
    r.advanceToPoll(); // +600 without progress
    r.recvNothing();
    expect(r.s.state).toBe("CLOSED");
    expect(r.s.error).toBe("ETIMEDOUT");
  });
});

describe("fast retransmit and NewReno", () => {
  function flight(n: number) {
    const r = establishedSocket({ initialCwnd: 10 });
    r.s.send(pattern(20 * MSS));
    expect(r.recv().length).toBe(n);
    return r;
  }

  it("retransmits the first unacknowledged segment on the third duplicate ACK and enters recovery", () => {
    const r = flight(10);
    r.send({});
    r.send({});
    expect(r.recv().map((s) => s.seqNumber)).toEqual([LOCAL_SEQ + 10 * MSS, LOCAL_SEQ + 11 * MSS]); // RFC 3042
    r.send({});
    const seg = r.recv();
    expect(seg[0].seqNumber).toBe(LOCAL_SEQ);
    expect(r.s.stats.fastRetransmits).toBe(1);
    expect(r.s.info).toMatchObject({ inRecovery: true, ssthresh: 6 * MSS, cwnd: 9 * MSS });
  });

  it("does not count ACKs that carry data or change the window as duplicates", () => {
    const r = flight(10);
    r.send({ payload: bytes("x") });
    r.send({ seqNumber: REMOTE_SEQ + 1, windowLen: 60000 });
    r.send({ seqNumber: REMOTE_SEQ + 1, windowLen: 60000 });
    expect(r.s.stats.dupAcksIn).toBe(1);
    expect(r.s.stats.fastRetransmits).toBe(0);
  });

  it("inflates cwnd per further duplicate and sends new data in recovery", () => {
    const r = flight(10);
    for (let i = 0; i < 3; i++) r.send({});
    r.recv();
    const before = r.s.info.cwnd;
    r.send({});
    expect(r.s.info.cwnd).toBe(before + MSS);
  });

  it("retransmits at once on a partial ACK and leaves recovery on the full ACK (RFC 6582)", () => {
    const r = flight(10);
    for (let i = 0; i < 3; i++) r.send({});
    r.recv(); // segment 0 again (segments 0 and 3 were lost)
    r.send({ ackNumber: LOCAL_SEQ + 3 * MSS });
    const seg = r.recv();
    expect(seg[0].seqNumber).toBe(LOCAL_SEQ + 3 * MSS);
    expect(r.s.info.inRecovery).toBe(true);
    r.send({ ackNumber: LOCAL_SEQ + 10 * MSS }); // everything sent before the recovery began
    expect(r.s.info.inRecovery).toBe(false);
    expect(r.s.info.cwnd).toBeLessThanOrEqual(r.s.info.ssthresh);
    expect(r.s.stats.retransmissions).toBe(2);
  });

  it("does not start a second recovery on duplicate ACKs below the recovery point of a timeout", () => {
    const r = flight(10);
    r.advanceToPoll(); // timeout: recover = highest sent
    r.recv();
    for (let i = 0; i < 4; i++) r.send({});
    expect(r.s.stats.fastRetransmits).toBe(0);
  });
});

describe("zero window and keep-alive", () => {
  it("probes a closed window with backoff and resumes when it opens", () => {
    const r = establishedSocket({}, { windowLen: 0 });
    r.s.send(bytes("queued"));
    r.recvNothing();
    const steps: number[] = [];
    for (let i = 0; i < 3; i++) {
      steps.push(r.advanceToPoll());
      expect(r.recvOne()).toMatchObject({ seqNumber: LOCAL_SEQ - 1, flags: ACK });
      r.send({ windowLen: 0 }); // the peer answers, still closed
    }
    expect(steps).toEqual([200, 400, 800]);
    expect(r.s.stats.windowProbes).toBe(3);
    r.send({ windowLen: 100 });
    expect(text(r.recvOne().payload)).toBe("queued");
  });

  it("turns a timeout into window probes when the window closed with data in flight", () => {
    const r = establishedSocket();
    r.s.send(pattern(3 * MSS));
    expect(r.recv().length).toBe(3);
    r.send({ ackNumber: LOCAL_SEQ + MSS, windowLen: 0 }); // took one segment, then the window closed
    r.advanceToPoll();
    r.recvNothing(); // no retransmission into a closed window: the persist timer takes over
    expect(r.s.stats.retransmissions).toBe(0);
    r.advanceToPoll();
    expect(r.recvOne()).toMatchObject({ seqNumber: LOCAL_SEQ + MSS - 1, flags: ACK });
    r.send({ ackNumber: LOCAL_SEQ + MSS, windowLen: 65535 });
    expect(r.recv().map((s) => s.seqNumber)).toEqual([LOCAL_SEQ + MSS, LOCAL_SEQ + 2 * MSS]);
    expect(r.s.state).toBe("ESTABLISHED");
  });

  it("keeps probing a closed window as long as the peer answers", () => {
    const r = establishedSocket({ maxRetries: 2, rtoMax: 1000 }, { windowLen: 0 });
    r.s.send(bytes("q"));
    for (let i = 0; i < 6; i++) {
      r.advanceToPoll();
      r.recv();
      r.send({ windowLen: 0 });
    }
    expect(r.s.state).toBe("ESTABLISHED");
  });

  it("sends keep-alive probes after the idle time and fails with ETIMEDOUT and a RST when none is answered", () => {
    const r = establishedSocket({ keepAlive: { enable: true, idle: 1000, interval: 100, count: 3 } });
    expect(r.s.pollAt(r.now)).toBe(1010);
    const probes: number[] = [];
    for (let i = 0; i < 3; i++) {
      r.advanceToPoll();
      expect(r.recvOne()).toMatchObject({ seqNumber: LOCAL_SEQ - 1, ackNumber: REMOTE_SEQ, flags: ACK });
      probes.push(r.now);
    }
    expect(probes).toEqual([1010, 1110, 1210]);
    expect(r.advanceToPoll()).toBe(100);
    expect(r.recvOne()).toMatchObject({ seqNumber: LOCAL_SEQ, flags: RST | ACK });
    expect(r.events).toEqual(["error:ETIMEDOUT", "close"]);
  });

  it("restarts the keep-alive idle time when the peer answers; setKeepAlive sets the idle time", () => {
    const r = establishedSocket();
    expect(r.s.pollAt(r.now)).toBe(Infinity);
    r.s.setKeepAlive(true, 500);
    expect(r.s.pollAt(r.now)).toBe(510);
    r.advanceToPoll();
    r.recvOne();
    r.advance(3);
    r.send({});
    expect(r.s.pollAt(r.now)).toBe(513 + 500);
    r.s.setKeepAlive(false);
    expect(r.s.pollAt(r.now)).toBe(Infinity);
  });

  it("caps the delayed-ACK timeout at 200 ms", () => {
    const r = establishedSocket({ ackDelay: 500 });
    r.send({ payload: bytes("x") });
    expect(r.advanceToPoll()).toBe(200);
    expect(r.recvOne().ackNumber).toBe(REMOTE_SEQ + 1);
  });
});
