// The building blocks on their own: the transition table, RingBuffer, Assembler, RttEstimator, NewReno.
import { describe, expect, it } from "vitest";
import {
  Assembler, NewReno, resolveTcpConfig, RingBuffer, RttEstimator, TcpState, tcpTransition,
} from "../../../libos/net/tcp/index.ts";
import { pattern } from "./_fixtures.ts";

describe("tcpTransition", () => {
  it("follows the RFC 9293 diagram", () => {
    const path: [TcpState, Parameters<typeof tcpTransition>[1], TcpState][] = [
      ["CLOSED", "open", "SYN-SENT"], ["SYN-SENT", "rcvSynAck", "ESTABLISHED"], ["SYN-SENT", "rcvSyn", "SYN-RECEIVED"],
      ["LISTEN", "rcvSyn", "SYN-RECEIVED"], ["SYN-RECEIVED", "rcvAck", "ESTABLISHED"],
      ["ESTABLISHED", "close", "FIN-WAIT-1"], ["ESTABLISHED", "rcvFin", "CLOSE-WAIT"],
      ["FIN-WAIT-1", "rcvAckOfFin", "FIN-WAIT-2"], ["FIN-WAIT-1", "rcvFin", "CLOSING"],
      ["FIN-WAIT-2", "rcvFin", "TIME-WAIT"], ["CLOSING", "rcvAckOfFin", "TIME-WAIT"],
      ["CLOSE-WAIT", "close", "LAST-ACK"], ["LAST-ACK", "rcvAckOfFin", "CLOSED"], ["TIME-WAIT", "timeout", "CLOSED"],
    ];
    for (const [from, ev, to] of path) expect(tcpTransition(from, ev)).toBe(to);
  });

  it("resets, aborts and failures close every open state; impossible transitions give null", () => {
    for (const st of Object.values(TcpState)) {
      for (const ev of ["rcvRst", "abort", "fail"] as const) {
        expect(tcpTransition(st, ev)).toBe(st === "CLOSED" ? null : "CLOSED");
      }
    }
    expect(tcpTransition("LISTEN", "rcvFin")).toBe(null);
    expect(tcpTransition("TIME-WAIT", "close")).toBe(null);
    expect(tcpTransition("CLOSED", "rcvSyn")).toBe(null);
  });
});

describe("RingBuffer", () => {
  it("enqueues up to its capacity and reads back in order across the wrap", () => {
    const r = new RingBuffer(10);
    expect(r.enqueue(pattern(7))).toBe(7);
    expect(Array.from(r.read(5))).toEqual([0, 1, 2, 3, 4]);
    expect(r.enqueue(pattern(10, 7))).toBe(8);
    expect(r.free).toBe(0);
    expect(Array.from(r.read())).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(r.read().length).toBe(0);
  });

  it("peeks without removing: a view when contiguous, a scratch copy across the wrap", () => {
    const r = new RingBuffer(8);
    r.enqueue(pattern(6));
    r.discard(5);
    r.enqueue(pattern(6, 6));
    const scratch = new Uint8Array(8);
    expect(Array.from(r.peek(0, 4, scratch))).toEqual([5, 6, 7, 8]);
    expect(Array.from(r.peek(1, 2, scratch))).toEqual([6, 7]);
    expect(r.length).toBe(7);
  });

  it("parks bytes in the unallocated area and makes them readable later, across drains", () => {
    const r = new RingBuffer(8);
    r.enqueue(pattern(3));
    expect(r.writeUnallocated(2, pattern(9, 50), 0, 9)).toBe(3); // clipped to the free space
    r.read(); // empty now: the parked bytes must not move
    r.enqueue(pattern(2, 40), 0, 2);
    expect(r.enqueueUnallocated(3)).toBe(3);
    expect(Array.from(r.read())).toEqual([40, 41, 50, 51, 52]);
  });

  it("rejects a capacity that is not a positive integer", () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
    expect(() => new RingBuffer(1.5)).toThrow(/positive integer/);
  });
});

describe("Assembler", () => {
  it("merges overlapping and adjacent ranges and releases the front once it starts at 0", () => {
    const a = new Assembler(4);
    expect(a.add(10, 5)).toBe(true);
    expect(a.add(20, 5)).toBe(true);
    expect(a.add(15, 5)).toBe(true); // bridges the two
    expect(a.ranges).toBe(1);
    expect(a.removeFront()).toBe(0);
    expect(a.add(0, 12)).toBe(true);
    expect(a.removeFront()).toBe(25);
    expect(a.isEmpty).toBe(true);
  });

  it("shifts later ranges down when the front is removed", () => {
    const a = new Assembler(4);
    a.add(0, 3);
    a.add(5, 2);
    a.add(9, 1);
    expect(a.removeFront()).toBe(3);
    expect(a.add(0, 2)).toBe(true);
    expect(a.removeFront()).toBe(4);
    expect(a.highest).toBe(3);
  });

  it("refuses a range that would need more than maxRanges, changing nothing", () => {
    const a = new Assembler(2);
    a.add(10, 1);
    a.add(20, 1);
    expect(a.add(30, 1)).toBe(false);
    expect(a.add(5, 1)).toBe(false);
    expect(a.ranges).toBe(2);
    expect(a.add(11, 9)).toBe(true); // merging needs no new range
    expect(a.ranges).toBe(1);
  });
});

describe("RttEstimator", () => {
  it("computes SRTT, RTTVAR and RTO as RFC 6298 §2, clamped", () => {
    const r = new RttEstimator(200, 60000, 1000);
    expect(r.rto).toBe(1000);
    r.sample(100);
    expect([r.srtt, r.rttvar, r.rto]).toEqual([100, 50, 300]);
    r.sample(200);
    expect([r.srtt, r.rttvar]).toEqual([112.5, 62.5]);
    expect(r.rto).toBe(362.5);
    for (let i = 0; i < 50; i++) r.sample(1);
    expect(r.rto).toBe(200);
  });

  it("backs off by doubling up to the maximum and times one segment at a time", () => {
    const r = new RttEstimator(200, 1000, 300);
    r.backoff();
    r.backoff();
    r.backoff();
    expect(r.rto).toBe(1000);
    r.startTiming(100, 0);
    r.startTiming(200, 5); // ignored: one is being timed
    r.ackTiming(99, 10);
    expect(r.hasSample).toBe(false);
    r.ackTiming(100, 40);
    expect(r.srtt).toBe(40);
    expect(r.backoffs).toBe(0);
  });
});

describe("NewReno", () => {
  it("uses RFC 5681's initial window and counts acknowledged bytes in slow start and avoidance", () => {
    const cc = new NewReno();
    cc.reset(1460, 0, 0);
    expect(cc.cwnd).toBe(4380);
    cc.reset(536, 0, 0);
    expect(cc.cwnd).toBe(2144);
    cc.reset(1000, 0, 10);
    expect(cc.cwnd).toBe(10000);
    cc.onAck(3000, 3001, 0);
    expect(cc.cwnd).toBe(13000); // byte counting: a stretch ACK counts in full
    cc.ssthresh = 5000;
    for (let i = 0; i < 12; i++) cc.onAck(1000, 4001 + 1000 * i, 0);
    expect(cc.cwnd).toBe(13000); // 12000 bytes acknowledged: less than one window
    cc.onAck(1000, 16001, 0);
    expect(cc.cwnd).toBe(14000);
  });

  it("enters recovery on the third duplicate ACK, deflates on partial ACKs, exits on the full ACK", () => {
    const cc = new NewReno();
    cc.reset(1000, 0, 10);
    expect(cc.onDupAck(1, 10000, 10001)).toBe("none");
    expect(cc.onDupAck(1, 10000, 10001)).toBe("none");
    expect(cc.onDupAck(1, 10000, 10001)).toBe("retransmit");
    expect([cc.ssthresh, cc.cwnd, cc.inRecovery]).toEqual([5000, 8000, true]);
    expect(cc.onAck(3000, 3001, 7000)).toBe("retransmit");
    expect(cc.cwnd).toBe(6000);
    expect(cc.takeFirstPartial()).toBe(true);
    expect(cc.takeFirstPartial()).toBe(false);
    expect(cc.onAck(7000, 10001, 0)).toBe("none");
    expect([cc.inRecovery, cc.cwnd]).toEqual([false, 2000]);
  });

  it("collapses to one segment on a timeout and blocks fast retransmit below the recovery point", () => {
    const cc = new NewReno();
    cc.reset(1000, 0, 10);
    cc.onTimeout(8000, 9000);
    expect([cc.cwnd, cc.ssthresh]).toEqual([1000, 4000]);
    for (let i = 0; i < 3; i++) expect(cc.onDupAck(5000, 4000, 9000)).toBe("none");
  });
});

describe("resolveTcpConfig", () => {
  it("fills in defaults and rejects bad values with a sentence", () => {
    const c = resolveTcpConfig({ mtu: 9000 });
    expect(c).toMatchObject({ mss: 8960, msl: 30000, rtoMin: 200, rtoMax: 60000, ackDelay: 40, timestamps: true });
    expect(() => resolveTcpConfig({ rxBufferSize: -1 })).toThrow(/expected TCP option rxBufferSize/);
    expect(() => resolveTcpConfig({ msl: 1.5 })).toThrow(RangeError);
  });
});
