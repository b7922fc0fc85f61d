// maxSegmentBytes (the TSO hook): data segments grow to whole multiples of the send MSS up to the limit (the last
// piece of the queued data may be shorter), `emit` is told the MSS the device must cut at, retransmissions stay one
// MSS, and without the option nothing changes. A transfer through the in-memory network arrives byte-exact.
import { describe, expect, it } from "vitest";
import type { TcpSocket } from "../../../libos/net/tcp/index.ts";
import { Network } from "./_harness.ts";
import { establishedSocket, LOCAL_SEQ, pattern } from "./_fixtures.ts";

describe("maxSegmentBytes", () => {
  it("sends whole MSS multiples up to the limit and tells emit the MSS", () => {
    const r = establishedSocket({ maxSegmentBytes: 5000, initialCwnd: 40, txBufferSize: 64000, noDelay: true });
    r.s.send(pattern(10_000));
    const sizes: number[] = [];
    const mss: (number | undefined)[] = [];
    r.s.dispatch(r.now, (_src, _dst, seg, m) => {
      sizes.push(seg.payload.length);
      mss.push(m);
      return true;
    });
    expect(sizes).toEqual([4380, 4380, 1240]);     // 3 × 1460, 3 × 1460, the rest
    expect(mss).toEqual([1460, 1460, 1460]);
  });

  it("retransmits one MSS at a time", () => {
    const r = establishedSocket({ maxSegmentBytes: 5000, initialCwnd: 40 });
    r.s.send(pattern(8000));
    r.recv();
    r.advanceToPoll();                              // the retransmission timeout
    const again = r.recvOne();
    expect(again.seqNumber).toBe(LOCAL_SEQ);
    expect(again.payload.length).toBe(1460);
  });

  it("changes nothing when 0 or below one MSS", () => {
    for (const maxSegmentBytes of [0, 1000]) {
      const r = establishedSocket({ maxSegmentBytes, initialCwnd: 40, noDelay: true });
      r.s.send(pattern(5000));
      expect(r.recv().map((s) => s.payload.length)).toEqual([1460, 1460, 1460, 620]);
    }
  });

  it("moves 1 MiB byte-exact to a receiver without the option", () => {
    const net = new Network(3);
    const a = net.addHost(0x0a000001, { delay: 2, loss: 0.01 });
    const b = net.addHost(0x0a000002, { delay: 2 });
    const data = pattern(1 << 20, 7);
    const got: Uint8Array[] = [];
    let n = 0;
    b.listen(80, {}, (s) => {
      s.onReadable = () => { for (let d = s.recv(); d !== null; d = s.recv()) { got.push(d); n += d.length; } };
    });
    let biggest = 0;
    net.onSegment = (_now, src, _dst, seg) => { if (src === 0x0a000001) biggest = Math.max(biggest, seg.payload.length); };
    const c: TcpSocket = a.connect(0, 0x0a000002, 80, { maxSegmentBytes: 16384 });
    let sent = 0;
    c.onConnect = c.onWritable = () => { sent += c.send(data.subarray(sent)); };
    expect(net.run(() => n === data.length)).toBe(true);
    const all = new Uint8Array(n);
    let at = 0;
    for (const d of got) { all.set(d, at); at += d.length; }
    let bad = -1;
    for (let i = 0; i < n && bad < 0; i++) if (all[i] !== data[i]) bad = i;
    expect(bad, "first wrong byte").toBe(-1);
    expect(biggest).toBeGreaterThan(1460 * 2);
    expect(biggest).toBeLessThanOrEqual(16384);
  });
});
