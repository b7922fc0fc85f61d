// test/unit/net_tcp/_quickjs_entry.ts — the scenario the engine-faithful test bundles (esbuild, the images'
// target) and runs inside QuickJS 2025 (quickjs-emscripten): a listener, a client, 512 KiB through a lossy, reordering,
// duplicating, truncating channel, then a close on both sides. Its result lands in `globalThis.tcpResult` as JSON.
// Layer: test support. Depends on ./_harness.ts.

import { Network } from "./_harness.ts";

function run(): string {
  const total = 512 * 1024;
  const faults = { delay: 3, jitter: 2, loss: 0.03, reorder: 0.03, duplicate: 0.03, truncate: 0.02 };
  const net = new Network(5);
  const a = net.addHost(0x0a000001, faults);
  const b = net.addHost(0x0a000002, faults);
  let received = 0;
  let bad = -1;
  let serverEnded = false;
  b.listen(80, { socket: { rxBufferSize: 65536 } }, (s) => {
    s.onReadable = () => {
      for (let d = s.recv(); d !== null; d = s.recv()) {
        for (let i = 0; i < d.length; i++) if (bad < 0 && d[i] !== ((received + i) * 13) % 251) bad = received + i;
        received += d.length;
      }
    };
    s.onEnd = () => {
      serverEnded = true;
      s.close();
    };
  });
  const c = a.connect(0, 0x0a000002, 80, { txBufferSize: 32768 });
  const chunk = new Uint8Array(4096);
  let sent = 0;
  const pump = () => {
    while (sent < total) {
      const n = Math.min(chunk.length, total - sent);
      for (let i = 0; i < n; i++) chunk[i] = ((sent + i) * 13) % 251;
      const took = c.send(chunk.subarray(0, n));
      sent += took;
      if (took < n) return;
    }
    c.close();
  };
  c.onConnect = pump;
  c.onWritable = pump;
  const ok = net.run(() => serverEnded && c.state === "TIME-WAIT");
  return JSON.stringify({ ok, received, bad, state: c.state, rtx: c.stats.retransmissions, fakeMs: net.now });
}

(globalThis as unknown as { tcpResult: string }).tcpResult = run();
