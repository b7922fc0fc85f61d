// SYN-RECEIVED: the passive side of the handshake — the SYN-ACK and the options it echoes, the completing ACK,
// a repeated SYN, bad ACKs, RSTs, SYN-ACK retransmission and a close before the connection opened.
import { describe, expect, it } from "vitest";
import {
  ACK, bytes, FIN, LOCAL, PSH, LOCAL_ISS, LOCAL_SEQ, REMOTE, REMOTE_ISS, REMOTE_SEQ, Rig, RST, segment, SYN,
  synReceivedSocket, text,
} from "./_fixtures.ts";

describe("SYN-RECEIVED", () => {
  it("answers the SYN with a SYN-ACK carrying our MSS and only the options the SYN offered", () => {
    const r = new Rig({ windowScaling: true, timestamps: true, rxBufferSize: 1 << 20 });
    r.now = 7;
    r.s.openPassive(LOCAL, REMOTE, LOCAL_ISS, segment({ seqNumber: REMOTE_ISS, ackNumber: 0, flags: SYN,
      maxSegSize: 1400, windowScale: 2, timestamp: { tsVal: 99, tsEcr: 0 } }), r.now);
    expect(r.transitions).toEqual(["CLOSED>LISTEN", "LISTEN>SYN-RECEIVED"]);
    expect(r.recvOne()).toMatchObject({ seqNumber: LOCAL_ISS, ackNumber: REMOTE_SEQ, flags: SYN | ACK,
      windowLen: 65535, maxSegSize: 1460, windowScale: 5, timestamp: { tsVal: 7, tsEcr: 99 } });
    const bare = new Rig({ windowScaling: true, timestamps: true });
    bare.s.openPassive(LOCAL, REMOTE, LOCAL_ISS, segment({ seqNumber: REMOTE_ISS, ackNumber: 0, flags: SYN }), 0);
    expect(bare.recvOne()).toMatchObject({ flags: SYN | ACK, windowScale: null, timestamp: null });
    bare.send({});
    expect(bare.s.info).toMatchObject({ windowScaling: false, timestamps: false, sndMss: 536 });
  });

  it("opens on the ACK of the SYN-ACK and calls onConnect", () => {
    const r = synReceivedSocket();
    r.send({ windowLen: 5000 });
    expect(r.s.state).toBe("ESTABLISHED");
    expect(r.events).toEqual(["connect"]);
    expect(r.s.info.sndWnd).toBe(5000);
    r.recvNothing();
  });

  it("takes data riding on the handshake ACK", () => {
    const r = synReceivedSocket();
    r.send({ flags: ACK | PSH, payload: bytes("GET /") });
    expect(r.s.state).toBe("ESTABLISHED");
    expect(r.events).toEqual(["connect", "readable"]);
    expect(r.read()).toBe("GET /");
  });

  it("sends the SYN-ACK again when the peer repeats its SYN", () => {
    const r = synReceivedSocket();
    r.send({ seqNumber: REMOTE_ISS, ackNumber: 0, flags: SYN, maxSegSize: 1460 });
    expect(r.recvOne()).toMatchObject({ seqNumber: LOCAL_ISS, ackNumber: REMOTE_SEQ, flags: SYN | ACK });
    expect(r.s.stats.retransmissions).toBe(1);
    expect(r.s.state).toBe("SYN-RECEIVED");
  });

  it("answers an unacceptable ACK with a RST at the ACK's number", () => {
    const r = synReceivedSocket();
    r.send({ ackNumber: LOCAL_ISS });
    expect(r.recvOne()).toMatchObject({ seqNumber: LOCAL_ISS, flags: RST });
    expect(r.s.state).toBe("SYN-RECEIVED");
  });

  it("closes silently on an exact RST, and challenges one that is only in the window", () => {
    const r = synReceivedSocket();
    r.send({ seqNumber: REMOTE_SEQ + 10, flags: RST });
    expect(r.recvOne()).toMatchObject({ seqNumber: LOCAL_SEQ, ackNumber: REMOTE_SEQ, flags: ACK });
    expect(r.s.stats.challengeAcks).toBe(1);
    r.send({ flags: RST });
    expect(r.s.state).toBe("CLOSED");
    expect(r.events).toEqual(["close"]); // a passive open reports nothing
  });

  it("retransmits the SYN-ACK with backoff, then gives up", () => {
    const r = synReceivedSocket({ synRetries: 2 });
    expect(r.advanceToPoll()).toBe(1000);
    expect(r.recvOne().flags).toBe(SYN | ACK);
    expect(r.advanceToPoll()).toBe(2000);
    expect(r.recvOne().flags).toBe(SYN | ACK);
    expect(r.advanceToPoll()).toBe(4000);
    r.recvNothing();
    expect(r.s.state).toBe("CLOSED");
  });

  it("sends the FIN after the handshake completes when closed in SYN-RECEIVED", () => {
    const r = synReceivedSocket();
    r.s.shutdownWrite();
    expect(r.s.state).toBe("SYN-RECEIVED");
    r.recvNothing();
    r.send({});
    expect(r.s.state).toBe("FIN-WAIT-1");
    expect(r.recvOne()).toMatchObject({ seqNumber: LOCAL_SEQ, flags: FIN | ACK });
  });

  it("ignores a segment without ACK", () => {
    const r = synReceivedSocket();
    r.send({ flags: 0, payload: bytes("x") });
    expect(r.s.state).toBe("SYN-RECEIVED");
    r.recvNothing();
    expect(text(r.s.recv())).toBe("");
  });
});
