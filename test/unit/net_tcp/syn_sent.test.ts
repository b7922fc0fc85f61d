// SYN-SENT: the active open — our SYN and its options, the peer's SYN-ACK (MSS, window scale and timestamp
// negotiation), bad ACKs, RSTs (ECONNREFUSED), simultaneous open, SYN retransmission with backoff (ETIMEDOUT).
import { describe, expect, it } from "vitest";
import { TcpSocket } from "../../../libos/net/tcp/index.ts";
import {
  ACK, bytes, LOCAL, LOCAL_ISS, LOCAL_SEQ, REMOTE, REMOTE_ISS, REMOTE_SEQ, Rig, RST, SYN, synSentSocket, text,
} from "./_fixtures.ts";

describe("SYN-SENT", () => {
  it("emits a SYN with the MSS derived from the MTU and our unscaled window", () => {
    const r = new Rig({ mss: undefined, mtu: 1400 });
    r.s.connect(LOCAL, REMOTE, LOCAL_ISS, 0);
    expect(r.s.state).toBe("SYN-SENT");
    expect(r.transitions).toEqual(["CLOSED>SYN-SENT"]);
    expect(r.s.pollAt(0)).toBe(0);
    const syn = r.recvOne();
    expect(syn).toMatchObject({
      srcPort: LOCAL.port, dstPort: REMOTE.port, seqNumber: LOCAL_ISS, ackNumber: 0, flags: SYN, windowLen: 64000,
      maxSegSize: 1360, windowScale: null, timestamp: null, sackPermitted: false,
    });
    expect(r.s.pollAt(0)).toBe(1000); // the initial RTO (RFC 6298)
  });

  it("offers window scaling sized to the receive buffer and timestamps when enabled", () => {
    const r = new Rig({ windowScaling: true, timestamps: true, rxBufferSize: 1 << 20, tsOffset: 5000 });
    r.now = 42;
    r.s.connect(LOCAL, REMOTE, LOCAL_ISS, r.now);
    expect(r.recvOne()).toMatchObject({ windowLen: 65535, windowScale: 5, timestamp: { tsVal: 5042, tsEcr: 0 } });
  });

  it("goes to ESTABLISHED on a SYN-ACK, acknowledges it and calls onConnect", () => {
    const r = synSentSocket();
    r.advance(10);
    r.send({ seqNumber: REMOTE_ISS, flags: SYN | ACK, maxSegSize: 1460 });
    expect(r.s.state).toBe("ESTABLISHED");
    expect(r.events).toEqual(["connect"]);
    expect(r.recvOne()).toMatchObject({ seqNumber: LOCAL_SEQ, ackNumber: REMOTE_SEQ, flags: ACK, windowLen: 64000 });
    expect(r.s.info.srtt).toBe(10); // the SYN was timed
    expect(r.s.pollAt(r.now)).toBe(Infinity);
  });

  it("answers a SYN-ACK acknowledging something else with a RST and stays in SYN-SENT", () => {
    const r = synSentSocket();
    r.send({ seqNumber: REMOTE_ISS, ackNumber: LOCAL_ISS + 5, flags: SYN | ACK });
    expect(r.s.state).toBe("SYN-SENT");
    expect(r.recvOne()).toMatchObject({ seqNumber: LOCAL_ISS + 5, ackNumber: 0, flags: RST, windowLen: 0 });
    r.send({ seqNumber: REMOTE_ISS, ackNumber: LOCAL_ISS, flags: ACK }); // acks only up to our ISS: not acceptable
    expect(r.recvOne()).toMatchObject({ seqNumber: LOCAL_ISS, flags: RST });
  });

  it("fails with ECONNREFUSED on a RST that acknowledges the SYN", () => {
    const r = synSentSocket();
    r.send({ seqNumber: 0, flags: RST | ACK });
    expect(r.s.state).toBe("CLOSED");
    expect(r.events).toEqual(["error:ECONNREFUSED", "close"]);
    expect(r.s.error).toBe("ECONNREFUSED");
    r.recvNothing();
    expect(r.s.pollAt(r.now)).toBe(Infinity);
  });

  it("ignores a RST without ACK, a RST with a bad ACK, and a bare ACK", () => {
    const r = synSentSocket();
    r.send({ flags: RST });
    r.send({ flags: RST | ACK, ackNumber: LOCAL_ISS + 100 });
    r.send({ flags: ACK });
    expect(r.s.state).toBe("SYN-SENT");
    r.recvNothing();
    expect(r.events).toEqual([]);
  });

  it("moves to SYN-RECEIVED on a crossing SYN (simultaneous open), sends SYN-ACK, then opens on the ACK", () => {
    const r = synSentSocket();
    r.send({ seqNumber: REMOTE_ISS, ackNumber: 0, flags: SYN, maxSegSize: 1000 });
    expect(r.s.state).toBe("SYN-RECEIVED");
    expect(r.recvOne()).toMatchObject({ seqNumber: LOCAL_ISS, ackNumber: REMOTE_SEQ, flags: SYN | ACK,
      maxSegSize: 1460 });
    r.send({ flags: ACK });
    expect(r.s.state).toBe("ESTABLISHED");
    expect(r.transitions).toEqual(["SYN-SENT>SYN-RECEIVED", "SYN-RECEIVED>ESTABLISHED"]);
    expect(r.events).toEqual(["connect"]);
    expect(r.s.info.sndMss).toBe(1000);
  });

  it("retransmits the SYN with exponential backoff and fails with ETIMEDOUT after synRetries", () => {
    const r = synSentSocket({ synRetries: 3 });
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      r.advanceToPoll();
      expect(r.recvOne()).toMatchObject({ seqNumber: LOCAL_ISS, flags: SYN });
      times.push(r.now);
    }
    expect(times).toEqual([1000, 3000, 7000]);
    expect(r.s.stats.retransmissions).toBe(3);
    expect(r.advanceToPoll()).toBe(8000);
    r.recvNothing();
    expect(r.s.state).toBe("CLOSED");
    expect(r.events).toEqual(["error:ETIMEDOUT", "close"]);
  });

  it("uses an RTO of 3 s once open when the SYN had to be retransmitted (RFC 6298 §5.7)", () => {
    const r = synSentSocket();
    r.advanceToPoll();
    r.recvOne();
    r.advance(5);
    r.send({ seqNumber: REMOTE_ISS, flags: SYN | ACK, maxSegSize: 1460 });
    expect(r.s.info.srtt).toBe(0); // Karn: no sample from a retransmitted SYN
    expect(r.s.info.rto).toBe(3000);
  });

  it("takes the peer's MSS, or 536 when its SYN-ACK has none, never more than ours", () => {
    const cases: [number | null, number][] = [[536, 536], [null, 536], [9000, 1460], [1200, 1200]];
    for (const [offered, used] of cases) {
      const r = synSentSocket();
      r.send({ seqNumber: REMOTE_ISS, flags: SYN | ACK, maxSegSize: offered });
      expect(r.s.info.sndMss).toBe(used);
    }
  });

  it("uses window scaling only when both SYNs carry the option", () => {
    const both = synSentSocket({ windowScaling: true, rxBufferSize: 1 << 18 });
    both.send({ seqNumber: REMOTE_ISS, flags: SYN | ACK, windowScale: 7, windowLen: 1000 });
    expect(both.s.info).toMatchObject({ windowScaling: true, sndWndScale: 7, rcvWndScale: 3, sndWnd: 1000 });
    expect(both.recvOne().windowLen).toBe((1 << 18) >> 3); // the first scaled window
    both.send({ windowLen: 1000 }); // windows after the SYNs are scaled
    expect(both.s.info.sndWnd).toBe(128000);
    const ours = synSentSocket({ windowScaling: true, rxBufferSize: 1 << 18 });
    ours.send({ seqNumber: REMOTE_ISS, flags: SYN | ACK });
    expect(ours.s.info).toMatchObject({ windowScaling: false, sndWndScale: 0, rcvWndScale: 0 });
    expect(ours.recvOne().windowLen).toBe(65535); // clamped without scaling
  });

  it("uses timestamps when the SYN-ACK echoes them: smaller MSS, TS on every segment, RTT from the echo", () => {
    const r = synSentSocket({ timestamps: true });
    r.advance(30);
    r.send({ seqNumber: REMOTE_ISS, flags: SYN | ACK, maxSegSize: 1460, timestamp: { tsVal: 777, tsEcr: 0 } });
    expect(r.s.info).toMatchObject({ timestamps: true, sndMss: 1448, srtt: 30 });
    expect(r.recvOne()).toMatchObject({ flags: ACK, timestamp: { tsVal: 30, tsEcr: 777 } });
    const plain = synSentSocket({ timestamps: true });
    plain.send({ seqNumber: REMOTE_ISS, flags: SYN | ACK, maxSegSize: 1460 });
    expect(plain.s.info).toMatchObject({ timestamps: false, sndMss: 1460 });
    expect(plain.recvOne().timestamp).toBe(null);
  });

  it("closes at once on close(), sending nothing", () => {
    const r = synSentSocket();
    r.s.close();
    expect(r.s.state).toBe("CLOSED");
    expect(r.events).toEqual(["close"]);
    r.recvNothing();
    expect(() => r.s.send(bytes("x"))).toThrow(/EPIPE|can still send/);
  });

  it("queues data written before the connection opens and sends it after the handshake ACK", () => {
    const r = synSentSocket();
    expect(r.s.send(bytes("early"))).toBe(5);
    r.recvNothing();
    r.send({ seqNumber: REMOTE_ISS, flags: SYN | ACK, maxSegSize: 1460 });
    const out = r.recv();
    expect(out.length).toBe(1); // the data segment carries the ACK
    expect(out[0]).toMatchObject({ seqNumber: LOCAL_SEQ, ackNumber: REMOTE_SEQ });
    expect(text(out[0].payload)).toBe("early");
  });

  it("refuses a second connect and bad ports", () => {
    const r = synSentSocket();
    expect(() => r.s.connect(LOCAL, REMOTE, 1, 0)).toThrow(/expected a new socket/);
    expect(() => new TcpSocket().connect({ addr: 1, port: 0 }, REMOTE, 1, 0)).toThrow(RangeError);
  });
});
