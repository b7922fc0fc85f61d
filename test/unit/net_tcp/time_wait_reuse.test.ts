// test/unit/net_tcp/time_wait_reuse.test.ts — RFC 6191 / RFC 9293 §3.10.7.4 in the state machine: which SYNs end a
// TIME-WAIT to open a new incarnation of the connection (a higher sequence number without timestamps; a newer
// timestamp with them, or an equal one with a higher sequence number; timestamps after a connection without them),
// and which are old duplicates that leave TIME-WAIT in place with a (rate-limited) challenge ACK.
import { describe, expect, it } from "vitest";
import type { TcpSocketOptions } from "../../../libos/net/tcp/index.ts";
import {
  ACK, establishedSocket, FIN, LOCAL_SEQ, REMOTE_ISS, REMOTE_SEQ, type Rig, SYN, timeWaitSocket,
} from "./_fixtures.ts";

/** TIME-WAIT on a connection that used timestamps; the peer's last timestamp (TS.Recent) is 1002. */
function timestampedTimeWait(opts: TcpSocketOptions = {}): Rig {
  const r = establishedSocket({ timestamps: true, ...opts }, { timestamp: { tsVal: 1000, tsEcr: 0 } });
  r.s.shutdownWrite();
  r.recvOne();
  r.send({ ackNumber: LOCAL_SEQ + 1, timestamp: { tsVal: 1001, tsEcr: 10 } });
  r.send({ flags: FIN | ACK, ackNumber: LOCAL_SEQ + 1, timestamp: { tsVal: 1002, tsEcr: 10 } });
  r.recvOne();
  expect(r.s.state).toBe("TIME-WAIT");
  r.clear();
  return r;
}

const syn = (seqNumber: number, tsVal?: number) => ({
  seqNumber, ackNumber: 0, flags: SYN, maxSegSize: 1460,
  timestamp: tsVal === undefined ? null : { tsVal, tsEcr: 0 },
});

describe("TIME-WAIT and a SYN for the same four-tuple (RFC 6191)", () => {
  it("without timestamps: a SYN above RCV.NXT ends TIME-WAIT at once, saying why", () => {
    const r = timeWaitSocket();
    const why: string[] = [];
    r.s.trace = (from, to, reason) => why.push(`${from}>${to} ${reason}`);
    r.send(syn(REMOTE_SEQ + 1 + 5));
    expect(r.s.state).toBe("CLOSED");
    expect(why[0]).toMatch(/^TIME-WAIT>CLOSED timeout: SYN seq \d+ of a new connection ends TIME-WAIT \(sequence above \d+\)$/);
    expect(r.events).toEqual(["close"]);
    r.recvNothing();                                         // no ACK, no RST: the listener answers the SYN
  });

  it("without timestamps: a SYN at or below RCV.NXT is an old duplicate (challenge ACK, TIME-WAIT stays)", () => {
    for (const seq of [REMOTE_SEQ + 1, REMOTE_SEQ, REMOTE_ISS - 100000]) {
      const r = timeWaitSocket();
      r.send(syn(seq));
      expect(r.s.state).toBe("TIME-WAIT");
      expect(r.recvOne()).toMatchObject({ flags: ACK, seqNumber: LOCAL_SEQ + 1, ackNumber: REMOTE_SEQ + 1 });
    }
  });

  it("a sequence number that wrapped around 2^32 is still higher", () => {
    const r = timeWaitSocket();
    r.send(syn((REMOTE_SEQ + 1 + 0x7fff0000) >>> 0));
    expect(r.s.state).toBe("CLOSED");
    const q = timeWaitSocket();
    q.send(syn((REMOTE_SEQ + 1 + 0x80000001) >>> 0));     // more than 2^31 ahead: behind, in sequence space
    expect(q.s.state).toBe("TIME-WAIT");
  });

  it("with timestamps: a newer timestamp opens a new incarnation even with a lower sequence number", () => {
    const r = timestampedTimeWait();
    r.send(syn(REMOTE_ISS - 5000, 1003));
    expect(r.s.state).toBe("CLOSED");
  });

  it("with timestamps: an older timestamp is an old duplicate even with a higher sequence number", () => {
    const r = timestampedTimeWait();
    r.send(syn(REMOTE_SEQ + 100000, 1001));
    expect(r.s.state).toBe("TIME-WAIT");
    expect(r.recvOne().flags).toBe(ACK);
  });

  it("with timestamps: an equal timestamp needs a higher sequence number", () => {
    const r = timestampedTimeWait();
    r.send(syn(REMOTE_SEQ - 10, 1002));
    expect(r.s.state).toBe("TIME-WAIT");
    const q = timestampedTimeWait();
    q.send(syn(REMOTE_SEQ + 10, 1002));
    expect(q.s.state).toBe("CLOSED");
  });

  it("with timestamps on the old connection but none in the SYN: the sequence number decides", () => {
    const r = timestampedTimeWait();
    r.send(syn(REMOTE_SEQ - 10));
    expect(r.s.state).toBe("TIME-WAIT");
    const q = timestampedTimeWait();
    q.send(syn(REMOTE_SEQ + 10));
    expect(q.s.state).toBe("CLOSED");
  });

  it("a timestamp wrapped around 2^32 is newer", () => {
    const r = establishedSocket({ timestamps: true }, { timestamp: { tsVal: 0xfffffff0, tsEcr: 0 } });
    r.s.shutdownWrite();
    r.recvOne();
    r.send({ flags: FIN | ACK, ackNumber: LOCAL_SEQ + 1, timestamp: { tsVal: 0xfffffff8, tsEcr: 10 } });
    expect(r.s.state).toBe("TIME-WAIT");
    r.send(syn(REMOTE_ISS, 5));
    expect(r.s.state).toBe("CLOSED");
  });

  it("a SYN with timestamps after a connection without them is a new incarnation", () => {
    const r = timeWaitSocket({ timestamps: true });          // the peer offered none: the old connection had none
    r.send(syn(REMOTE_ISS - 5000, 1));
    expect(r.s.state).toBe("CLOSED");
  });

  it("a SYN's timestamp counts only when we would use timestamps: otherwise the sequence number decides", () => {
    const r = timeWaitSocket();                              // timestamps off in our options
    r.send(syn(REMOTE_ISS - 5000, 1));
    expect(r.s.state).toBe("TIME-WAIT");
  });

  it("a SYN-ACK or a SYN with RST never ends TIME-WAIT", () => {
    const r = timeWaitSocket();
    r.send({ ...syn(REMOTE_SEQ + 50), flags: SYN | ACK, ackNumber: LOCAL_SEQ + 1 });
    expect(r.s.state).toBe("TIME-WAIT");
  });
});
