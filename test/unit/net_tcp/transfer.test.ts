// End-to-end transfers between two TcpSockets (a client and a listener's socket) through the in-memory network:
// byte-exact delivery under loss, reordering, duplication, truncation and delay, in bounded fake time.
import { describe, expect, it } from "vitest";
import { TcpSocket, type TcpSocketOptions } from "../../../libos/net/tcp/index.ts";
import { type Faults, Network } from "./_harness.ts";
import { bytes, text } from "./_fixtures.ts";

const CLIENT = 0x0a000001;
const SERVER = 0x0a000002;

/** The byte at stream offset i: a pattern that shows shifted, repeated or missing bytes. */
function byteAt(i: number): number {
  return (i * 31 + (i >>> 11) * 7 + (i >>> 19)) & 255;
}

interface Result {
  ok: boolean;
  received: number;
  fakeMs: number;
  clientRetransmissions: number;
  clientTimeouts: number;
  clientFastRetransmits: number;
  serverState: string;
  clientState: string;
  segmentsLost: number;
}

/** Sends `total` bytes client → server through faults `toServer` / `toClient`; the server checks every byte. */
function transfer(total: number, toServer: Faults, toClient: Faults, opts: TcpSocketOptions = {}, seed = 1,
  limitMs = 3_600_000, iss = 0x12345678): Result {
  const net = new Network(seed);
  const client = net.addHost(CLIENT, toClient);
  const server = net.addHost(SERVER, toServer);
  let received = 0;
  let corrupt = -1;
  let srv: TcpSocket | null = null;
  server.listen(80, { socket: opts }, (s) => {
    srv = s;
    s.onReadable = () => {
      for (let d = s.recv(); d !== null; d = s.recv()) {
        for (let i = 0; i < d.length; i++) if (corrupt < 0 && d[i] !== byteAt(received + i)) corrupt = received + i;
        received += d.length;
      }
    };
    s.onEnd = () => s.close();
  });
  const c = client.connect(0, SERVER, 80, opts, iss);
  const chunk = new Uint8Array(16384);
  let sent = 0;
  const pump = () => {
    while (sent < total) {
      const n = Math.min(chunk.length, total - sent);
      for (let i = 0; i < n; i++) chunk[i] = byteAt(sent + i);
      const took = c.send(chunk.subarray(0, n));
      sent += took;
      if (took < n) return;
    }
    c.close();
  };
  c.onConnect = pump;
  c.onWritable = pump;
  const ok = net.run(() => received === total && c.state === "TIME-WAIT" || c.state === "CLOSED", limitMs);
  expect(corrupt, "first corrupt offset").toBe(-1);
  return {
    ok, received, fakeMs: net.now, clientRetransmissions: c.stats.retransmissions, clientTimeouts: c.stats.timeouts,
    clientFastRetransmits: c.stats.fastRetransmits, serverState: srv === null ? "none" : (srv as TcpSocket).state,
    clientState: c.state, segmentsLost: net.channelTo(server).stats.lost + net.channelTo(client).stats.lost,
  };
}

describe("transfers through the in-memory network", () => {
  it("moves 1 MB over a clean 5 ms link", () => {
    const r = transfer(1 << 20, { delay: 5 }, { delay: 5 });
    expect(r.ok).toBe(true);
    expect(r.received).toBe(1 << 20);
    expect(r.clientRetransmissions).toBe(0);
  });
});

describe("transfers under faults", () => {
  it("survives truncated, lost and delayed segments together", () => {
    const f = { delay: 3, jitter: 4, loss: 0.02, truncate: 0.05, duplicate: 0.02 };
    const r = transfer(1 << 20, f, f, {}, 7);
    expect(r.ok).toBe(true);
  });

  it("carries sequence numbers across the 2^32 wrap", () => {
    const r = transfer(1 << 20, { delay: 1, loss: 0.01 }, { delay: 1 }, {}, 3, 3_600_000, 0xffffffff - 70000);
    expect(r.ok).toBe(true);
  });

  it("fills a long fat pipe only with window scaling", () => {
    const big = { rxBufferSize: 1 << 20, txBufferSize: 1 << 20, initialCwnd: 10 };
    const scaled = transfer(8 << 20, { delay: 50 }, { delay: 50 }, big);
    const unscaled = transfer(8 << 20, { delay: 50 }, { delay: 50 }, { ...big, windowScaling: false });
    expect(scaled.ok && unscaled.ok).toBe(true);
    expect(scaled.fakeMs).toBeLessThan(unscaled.fakeMs / 4); // 64 KiB per 100 ms RTT caps the unscaled one
  });

  it("works without timestamps, window scaling or delayed ACKs", () => {
    const r = transfer(1 << 20, { delay: 2, loss: 0.03 }, { delay: 2, loss: 0.03 },
      { timestamps: false, windowScaling: false, ackDelay: 0 }, 11);
    expect(r.ok).toBe(true);
  });
});

describe("connections through the network", () => {
  it("serves a request and a response with half-close on both sides", () => {
    const net = new Network();
    const a = net.addHost(CLIENT, { delay: 2 });
    const b = net.addHost(SERVER, { delay: 2 });
    b.listen(80, {}, (s) => {
      let req = "";
      s.onReadable = () => (req += text(s.recv()));
      s.onEnd = () => {
        s.send(bytes("echo:" + req));
        s.shutdownWrite();
      };
    });
    const c = a.connect(0, SERVER, 80);
    let reply = "";
    const events: string[] = [];
    c.onConnect = () => {
      c.send(bytes("ping"));
      c.shutdownWrite();
    };
    c.onReadable = () => (reply += text(c.recv()));
    c.onEnd = () => events.push("end");
    c.onClose = () => events.push("close");
    expect(net.run(() => events.indexOf("close") >= 0)).toBe(true);
    expect(reply).toBe("echo:ping");
    expect(events).toEqual(["end", "close"]); // closed after TIME-WAIT
    expect(net.now).toBeGreaterThanOrEqual(60000);
  });

  it("opens simultaneously when both ends connect to each other", () => {
    const net = new Network();
    const a = net.addHost(CLIENT, { delay: 5 });
    const b = net.addHost(SERVER, { delay: 5 });
    const sa = a.connect(0, SERVER, 49152, {}, 1000);
    const sb = b.connect(0, CLIENT, 49152, {}, 9000);
    const trace: string[] = [];
    sa.trace = (from, to) => trace.push(from + ">" + to);
    expect(net.run(() => sa.state === "ESTABLISHED" && sb.state === "ESTABLISHED")).toBe(true);
    expect(trace).toEqual(["SYN-SENT>SYN-RECEIVED", "SYN-RECEIVED>ESTABLISHED"]);
    sa.send(bytes("from a"));
    let got = "";
    sb.onReadable = () => (got += text(sb.recv()));
    net.run(() => got.length === 6);
    expect(got).toBe("from a");
  });

  it("closes simultaneously through CLOSING on both ends", () => {
    const net = new Network();
    const a = net.addHost(CLIENT, { delay: 5 });
    const b = net.addHost(SERVER, { delay: 5 });
    let srv: TcpSocket | null = null;
    b.listen(80, {}, (s) => (srv = s));
    const c = a.connect(0, SERVER, 80);
    net.run(() => srv !== null);
    const s = srv as unknown as TcpSocket;
    const states: string[] = [];
    c.trace = (_f, to) => states.push(to);
    c.shutdownWrite();
    s.shutdownWrite();
    net.run(() => c.state === "TIME-WAIT" && s.state === "TIME-WAIT");
    expect(states).toEqual(["FIN-WAIT-1", "CLOSING", "TIME-WAIT"]);
  });

  it("reports ECONNREFUSED when nothing listens on the port", () => {
    const net = new Network();
    const a = net.addHost(CLIENT, { delay: 1 });
    const b = net.addHost(SERVER, { delay: 1 });
    const c = a.connect(0, SERVER, 81);
    let err = "";
    c.onError = (code) => (err = code);
    net.run(() => c.state === "CLOSED");
    expect(err).toBe("ECONNREFUSED");
    expect(b.resets).toBe(1);
  });

  it("stalls on a zero window while the reader sleeps, probing, and completes once it reads", () => {
    const net = new Network();
    const a = net.addHost(CLIENT, { delay: 5 });
    const b = net.addHost(SERVER, { delay: 5 });
    let srv: TcpSocket | null = null;
    b.listen(80, { socket: { rxBufferSize: 8192 } }, (s) => (srv = s));
    const c = a.connect(0, SERVER, 80);
    const total = 100000;
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        const n = c.send(new Uint8Array(Math.min(4096, total - sent)).fill(sent & 255));
        sent += n;
        if (n === 0) return;
      }
    };
    c.onConnect = pump;
    c.onWritable = pump;
    net.run(() => srv !== null);
    net.advance(5000); // nobody reads: the window closes
    const s = srv as unknown as TcpSocket;
    expect(s.recvAvailable).toBe(8192);
    expect(c.stats.windowProbes).toBeGreaterThan(2);
    let got = 0;
    for (let i = 0; i < 2000 && got < total; i++) {
      for (let d = s.recv(); d !== null; d = s.recv()) got += d.length;
      net.advance(20);
    }
    expect(got).toBe(total);
  });

  it("detects a dead peer with keep-alive", () => {
    const net = new Network();
    const a = net.addHost(CLIENT, { delay: 1 });
    const b = net.addHost(SERVER, { delay: 1 });
    b.listen(80, {}, () => {});
    const c = a.connect(0, SERVER, 80, { keepAlive: { enable: true, idle: 10000, interval: 1000, count: 3 } });
    net.run(() => c.state === "ESTABLISHED");
    net.advance(35000);
    expect(c.state).toBe("ESTABLISHED"); // the peer answers every probe
    expect(c.stats.keepAliveProbes).toBe(3);
    net.channelTo(b).faults = { loss: 1 }; // the peer is gone
    let err = "";
    c.onError = (code) => (err = code);
    net.run(() => c.state === "CLOSED");
    expect(err).toBe("ETIMEDOUT");
  });

  it("reuses a four-tuple whose server side is still in TIME-WAIT", () => {
    const net = new Network();
    const a = net.addHost(CLIENT, { delay: 1 });
    const b = net.addHost(SERVER, { delay: 1 });
    const accepted: TcpSocket[] = [];
    b.listen(80, {}, (s) => {
      accepted.push(s);
      s.onEnd = () => s.close();
      if (accepted.length === 1) s.shutdownWrite(); // the server closes first: it keeps TIME-WAIT
    });
    const c1 = a.connect(0, SERVER, 80, {}, 1000);
    c1.onEnd = () => c1.close();
    net.run(() => accepted.length === 1 && accepted[0].state === "TIME-WAIT" && c1.state === "CLOSED");
    const c2 = new TcpSocket();
    c2.connect({ addr: CLIENT, port: c1.localPort }, { addr: SERVER, port: 80 }, 5_000_000, net.now);
    a.sockets.push(c2);
    expect(net.run(() => accepted.length === 2, net.now + 5000)).toBe(true);
    expect(c2.state).toBe("ESTABLISHED");
    expect(accepted[0].state).toBe("CLOSED");
  });

  it("holds a second client in SYN retries while the backlog is full, and takes it once accepted", () => {
    const net = new Network();
    const a = net.addHost(CLIENT, { delay: 1 });
    const b = net.addHost(SERVER, { delay: 1 });
    const l = b.listen(80, { backlog: 1 }, () => {});
    l.onConnection = null; // queue for accept()
    const c1 = a.connect(0, SERVER, 80);
    const c2 = a.connect(0, SERVER, 80);
    net.advance(500);
    expect(c1.state).toBe("ESTABLISHED");
    expect(c2.state).toBe("SYN-SENT");
    expect(l.stats.overflows).toBeGreaterThan(0);
    b.sockets.push(l.accept()!);
    expect(net.run(() => c2.state === "ESTABLISHED", net.now + 5000)).toBe(true);
  });
});

describe("10 MB transfers", () => {
  const MB10 = 10 << 20;

  it("arrives byte-exact with 5% loss both ways, in bounded fake time", () => {
    const r = transfer(MB10, { delay: 5, loss: 0.05 }, { delay: 5, loss: 0.05 });
    expect(r).toMatchObject({ ok: true, received: MB10, clientState: "TIME-WAIT" });
    expect(r.segmentsLost).toBeGreaterThan(300);
    expect(r.clientFastRetransmits).toBeGreaterThan(100);
    expect(r.fakeMs).toBeLessThan(120_000); // 31–46 s over seeds 1–6
    report("5% loss", r);
  });

  it("arrives byte-exact with reordering and duplication, in bounded fake time", () => {
    const f = { delay: 5, reorder: 0.05, duplicate: 0.05, jitter: 1 };
    const r = transfer(MB10, f, f);
    expect(r).toMatchObject({ ok: true, received: MB10, clientTimeouts: 0 });
    expect(r.fakeMs).toBeLessThan(60_000);
    report("reordering + duplication", r);
  });

  it("arrives byte-exact with heavy reordering alone", () => {
    const f = { delay: 5, reorder: 0.2, reorderDelay: 4 };
    const r = transfer(MB10, f, f, {}, 2);
    expect(r).toMatchObject({ ok: true, received: MB10 });
    expect(r.fakeMs).toBeLessThan(60_000);
    report("20% reordering", r);
  });

  it("arrives byte-exact with heavy duplication alone, without a timeout", () => {
    const f = { delay: 5, duplicate: 0.3 };
    const r = transfer(MB10, f, f, {}, 4);
    expect(r).toMatchObject({ ok: true, received: MB10, clientTimeouts: 0 }); // duplicated ACKs can look lost
    expect(r.fakeMs).toBeLessThan(60_000);
    report("30% duplication", r);
  });
});

/** Prints a transfer's figures when TCP_REPORT is set (kept quiet otherwise). */
function report(name: string, r: Result): void {
  if (!process.env.TCP_REPORT) return;
  console.log(`${name}: ${(r.fakeMs / 1000).toFixed(1)} s fake time, ${r.clientRetransmissions} retransmissions ` +
    `(${r.clientFastRetransmits} fast, ${r.clientTimeouts} timeouts), ${r.segmentsLost} segments lost`);
}
