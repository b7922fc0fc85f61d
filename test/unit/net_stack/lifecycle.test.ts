// The TCP layer's connection table over a connection's whole life, with two complete stacks on an in-memory link:
// closed connections leave the table even when the user replaces every hook after accepting (as node:net does),
// a connection lingering in TIME-WAIT holds no buffer memory, and segments to a broadcast address get no answer.
import { describe, expect, it } from "vitest";
import { NetInterface } from "../../../libos/net/stack/interface.ts";
import { TcpLayer } from "../../../libos/net/stack/tcp_layer.ts";
import { TcpState } from "../../../libos/net/tcp/index.ts";
import { parseIpv4 } from "../../../libos/net/wire/index.ts";
import { MemoryLink, seeded } from "../../sim/net_link.ts";

function pair() {
  const link = new MemoryLink({}, 1);
  const clock = { now: 0 };
  const rand = seeded(5);
  const random32 = () => Math.floor(rand() * 2 ** 32);
  const a = new NetInterface(link.a, () => clock.now);
  const b = new NetInterface(link.b, () => clock.now);
  a.config = { address: parseIpv4("10.0.0.1"), prefixLength: 24, gateway: 0, dns: [] };
  b.config = { address: parseIpv4("10.0.0.2"), prefixLength: 24, gateway: 0, dns: [] };
  a.start();
  b.start();
  const ta = new TcpLayer(a, () => clock.now, random32);
  const tb = new TcpLayer(b, () => clock.now, random32);
  /** Runs both stacks until nothing is due before `untilMs`. */
  const run = (untilMs: number) => {
    for (let guard = 0; guard < 1_000_000; guard++) {
      for (const [ifc, tcp] of [[a, ta], [b, tb]] as const) { ifc.poll(clock.now); tcp.poll(clock.now); }
      link.pump();
      const next = Math.min(ta.pollAt(clock.now), tb.pollAt(clock.now), a.pollAt(), b.pollAt());
      if (next > untilMs) { clock.now = untilMs; return; }
      clock.now = Math.max(clock.now, next);
    }
    throw new Error("the stacks never went quiet");
  };
  return { ta, tb, run, clock };
}

describe("TCP layer: connection lifecycle", () => {
  it("500 request/response connections closed by the server leave no buffers behind, then no entries after TIME-WAIT", () => {
    const { ta, tb, run, clock } = pair();
    let served = 0, answered = 0;
    tb.listen(80, 64, (s) => {
      // The user takes the socket over and replaces every hook, onClose included (node:net does exactly this).
      s.onClose = () => { served++; };
      s.onReadable = () => {
        while (s.recv() !== null) { /* the request */ }
        s.send(new TextEncoder().encode("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"));
        s.close();                                   // the server closes first: it lingers in TIME-WAIT
      };
    });
    for (let i = 0; i < 500; i++) {
      const c = ta.connect(parseIpv4("10.0.0.2"), 80);
      c.onConnect = () => c.send(new TextEncoder().encode("GET / HTTP/1.1\r\nhost: x\r\n\r\n"));
      c.onReadable = () => { while (c.recv() !== null) { /* the answer */ } };
      c.onEnd = () => { answered++; c.close(); };
      run(clock.now + 20);
    }
    run(clock.now + 5_000);
    expect(answered).toBe(500);
    expect(tb.connections).toBe(500);                  // in TIME-WAIT (2·MSL = 60 s) ...
    expect(tb.bufferMemory).toBe(0);                   // ... without their 64 KiB rings
    expect(ta.connections).toBe(0);                    // the client closed second: gone after its last ACK
    run(clock.now + 61_000);
    expect(tb.connections).toBe(0);
    expect(served).toBe(500);
  });

  it("a client that closes first leaves the server's table at once", () => {
    const { ta, tb, run, clock } = pair();
    tb.listen(80, 64, (s) => {
      s.onClose = () => {};
      s.onReadable = () => { while (s.recv() !== null) { /* drain */ } };
      s.onEnd = () => s.close();
    });
    for (let i = 0; i < 100; i++) {
      const c = ta.connect(parseIpv4("10.0.0.2"), 80);
      c.onConnect = () => { c.send(new Uint8Array(3000)); c.close(); };
      run(clock.now + 20);
    }
    run(clock.now + 5_000);
    expect(tb.connections).toBe(0);
    expect(ta.connections).toBe(100);                  // the client lingers in TIME-WAIT, holding no buffers
    expect(ta.bufferMemory).toBe(0);
  });

  it("a SYN to the broadcast address gets no answer (RFC 1122 §4.2.3.10)", () => {
    const { ta, tb, run, clock } = pair();
    tb.listen(80, 64, () => {});
    const c = ta.connect(parseIpv4("255.255.255.255"), 80);
    run(clock.now + 500);
    expect(tb.stats.notUnicastToUs).toBeGreaterThan(0);
    expect(tb.stats.resetsSent).toBe(0);
    expect(c.state).toBe(TcpState.SynSent);
  });
});
