// The checks every synchronised state shares (RFC 9293 §3.10.7.4, RFC 5961), run against each state's fixture:
// SYN → challenge ACK, RST outside the window → ignored, RST inside but not exact → challenge ACK, a segment
// outside the window → ACK; plus what SYN-SENT and SYN-RECEIVED do with a FIN or bare data.
import { describe, expect, it } from "vitest";
import {
  ACK, bytes, closeWaitSocket, closingSocket, establishedSocket, FIN, finWait1Socket, finWait2Socket,
  lastAckSocket, REMOTE_SEQ, type Rig, RST, SYN, synReceivedSocket, synSentSocket, timeWaitSocket,
} from "./_fixtures.ts";

/** Each synchronised state, its fixture, and RCV.NXT there (REMOTE's FIN counts one). */
const STATES: [string, () => Rig, number][] = [
  ["ESTABLISHED", () => establishedSocket(), REMOTE_SEQ],
  ["FIN-WAIT-1", () => finWait1Socket(), REMOTE_SEQ],
  ["FIN-WAIT-2", () => finWait2Socket(), REMOTE_SEQ],
  ["CLOSE-WAIT", () => closeWaitSocket(), REMOTE_SEQ + 1],
  ["CLOSING", () => closingSocket(), REMOTE_SEQ + 1],
  ["LAST-ACK", () => lastAckSocket(), REMOTE_SEQ + 1],
  ["TIME-WAIT", () => timeWaitSocket(), REMOTE_SEQ + 1],
];

describe.each(STATES)("%s", (state, make, rcvNxt) => {
  it("is the state its fixture claims", () => {
    expect(make().s.state).toBe(state);
  });

  it("answers a SYN in the window with a challenge ACK and stays", () => {
    const r = make();
    r.send({ seqNumber: rcvNxt, flags: SYN, ackNumber: 0 });
    const acks = r.recv().filter((s) => s.flags === ACK);
    expect(acks.length).toBe(1);
    expect(acks[0].ackNumber).toBe(rcvNxt);
    expect(r.s.state).toBe(state);
  });

  it("answers a RST in the window but not at RCV.NXT with a challenge ACK and stays", () => {
    const r = make();
    r.send({ seqNumber: rcvNxt + 100, flags: RST });
    expect(r.recv().filter((s) => s.flags === ACK).length).toBe(1);
    expect(r.s.stats.challengeAcks).toBe(1);
    expect(r.s.state).toBe(state);
  });

  it("ignores a RST outside the window", () => {
    const r = make();
    r.send({ seqNumber: rcvNxt + 1_000_000, flags: RST });
    r.send({ seqNumber: rcvNxt - 10, flags: RST });
    expect(r.recv().filter((s) => !(s.flags & FIN)).length).toBe(0);
    expect(r.s.state).toBe(state);
  });

  it("answers data outside the window with an ACK and keeps nothing", () => {
    const r = make();
    r.send({ seqNumber: rcvNxt + 1_000_000, payload: bytes("far") });
    expect(r.recv().filter((s) => s.flags === ACK).length).toBe(1);
    expect(r.s.recvAvailable).toBe(0);
    expect(r.s.state).toBe(state);
  });

  it("closes on a RST at RCV.NXT", () => {
    const r = make();
    r.send({ seqNumber: rcvNxt, flags: RST });
    expect(r.s.state).toBe("CLOSED");
    expect(r.events[r.events.length - 1]).toBe("close");
  });
});

describe("SYN-SENT and SYN-RECEIVED with a FIN or bare data", () => {
  it("SYN-SENT drops a FIN or data without SYN", () => {
    const r = synSentSocket();
    r.send({ flags: FIN | ACK });
    r.send({ flags: ACK, payload: bytes("data") });
    expect(r.s.state).toBe("SYN-SENT");
    r.recvNothing();
  });

  it("SYN-RECEIVED goes on to CLOSE-WAIT on a FIN that acknowledges the SYN-ACK", () => {
    const r = synReceivedSocket();
    r.send({ flags: FIN | ACK });
    expect(r.transitions).toEqual(["SYN-RECEIVED>ESTABLISHED", "ESTABLISHED>CLOSE-WAIT"]);
    expect(r.recvOne().ackNumber).toBe(REMOTE_SEQ + 1);
    expect(r.events).toEqual(["connect", "end"]);
  });
});
