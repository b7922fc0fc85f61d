// test/bench/tcp_quickjs.ts — what the TCP/IP stack costs per segment in the images' engine, hosted and repeatable:
// two complete stacks (NetInterface + TcpLayer, the code an image runs from the Ethernet frame up to the TcpSocket
// hooks) over test/sim's in-memory link, bundled by esbuild for the images' target and run inside QuickJS 2025
// (quickjs-emscripten: interpreted, as in an image, without QEMU's noise). Two workloads on a fake clock:
//   exchanges: C keep-alive connections, each a loop of a 120-byte request and a 250-byte response (HTTP-like);
//   bulk:      M MiB one way on one connection, read as it arrives.
// Prints interpreter ms per exchange, MB/s and segments per second of interpreter time, and the segments that took
// TCP header prediction's short path. `--compare DIR` runs another checkout's stack (e.g. a worktree of the commit
// before a change) in the same process, alternating, so both share the machine's state; `--runs N` repeats (median).
// `npx tsx test/bench/tcp_quickjs.ts [--exchanges N] [--conns C] [--mb M] [--runs N] [--compare DIR]`
// Layer: bench (host only).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as esbuild from "esbuild";
import { TARGET } from "../../boot/image/bundle.ts";
import { ROOT } from "../../boot/paths.ts";
import { getQuickJS } from "../sim/quickjs_engine.ts";
import { median } from "./stats.ts";

const args = process.argv.slice(2);
const opt = (n: string, d: string) => { const i = args.indexOf(n); return i >= 0 ? args[i + 1] : d; };
const exchanges = Number(opt("--exchanges", "3000"));
const conns = Number(opt("--conns", "8"));
const mb = Number(opt("--mb", "4"));
const runs = Number(opt("--runs", "3"));
const compare = args.includes("--compare") ? resolve(opt("--compare", "")) : null;

/** The scenario, as source text importing the stack of the checkout at `root`. */
function entry(root: string): string {
  const at = (p: string) => JSON.stringify(join(root, p));
  return `
import { NetInterface } from ${at("libos/net/stack/interface.ts")};
import { TcpLayer } from ${at("libos/net/stack/tcp_layer.ts")};
import { MemoryLink } from ${at("test/sim/net_link.ts")};

function stacks() {
  const link = new MemoryLink({}, 1);
  const t = { now: 0 };
  const clock = () => t.now;
  let r = 1;
  const random32 = () => (r = (Math.imul(r, 1103515245) + 12345) >>> 0);
  const a = new NetInterface(link.a, clock);
  const b = new NetInterface(link.b, clock);
  a.config = { address: 0x0a000001, prefixLength: 24, gateway: 0, dns: [] };
  b.config = { address: 0x0a000002, prefixLength: 24, gateway: 0, dns: [] };
  a.start();
  b.start();
  const ta = new TcpLayer(a, clock, random32);
  const tb = new TcpLayer(b, clock, random32);
  const run = (done) => {
    for (let rounds = 0; !done() && rounds < 10000000; rounds++) {
      a.poll(t.now); ta.poll(t.now); b.poll(t.now); tb.poll(t.now);
      if (link.pump() > 0) continue;
      const next = Math.min(ta.pollAt(t.now), tb.pollAt(t.now), a.pollAt(), b.pollAt());
      if (next === Infinity) break;
      t.now = Math.max(t.now, next);
    }
  };
  return { ta, tb, run, t };
}

function predicted(s) { return s.stats.predicted === undefined ? 0 : s.stats.predicted; }

function exchangesRun(total, conns) {
  const { ta, tb, run } = stacks();
  const req = new Uint8Array(120).fill(65), res = new Uint8Array(250).fill(66);
  let done = 0, segs = 0, fast = 0;
  const servers = [];
  tb.listen(80, 64, (s) => {
    servers.push(s);
    s.onReadable = () => { let got = 0; for (let d = s.recv(); d !== null; d = s.recv()) got += d.length; if (got > 0) s.send(res); };
  });
  const clients = [];
  for (let i = 0; i < conns; i++) {
    const c = ta.connect(0x0a000002, 80);
    clients.push(c);
    let pending = 0;
    c.onConnect = () => { c.send(req); };
    c.onReadable = () => {
      for (let d = c.recv(); d !== null; d = c.recv()) pending += d.length;
      while (pending >= 250) { pending -= 250; done++; if (done + conns <= total) c.send(req); }
    };
  }
  run(() => clients.every((c) => c.state === "ESTABLISHED") && servers.length === conns);
  const t0 = Date.now();
  run(() => done >= total);
  const ms = Date.now() - t0;
  for (const s of clients.concat(servers)) { segs += s.stats.segmentsIn; fast += predicted(s); }
  return { ms, done, segs, fast };
}

function bulkRun(bytes) {
  const { ta, tb, run } = stacks();
  const data = new Uint8Array(65536).map((_, i) => i * 7);
  let got = 0, sent = 0, server = null;
  tb.listen(80, 4, (s) => { server = s; s.onReadable = () => { for (let d = s.recv(); d !== null; d = s.recv()) got += d.length; }; });
  const c = ta.connect(0x0a000002, 80);
  const feed = () => { while (sent < bytes) { const n = c.send(data.subarray(0, Math.min(data.length, bytes - sent))); if (n === 0) break; sent += n; } };
  c.onConnect = feed; c.onWritable = feed;
  const t0 = Date.now();
  run(() => got >= bytes);
  const ms = Date.now() - t0;
  return { ms, got, segs: server.stats.segmentsIn + c.stats.segmentsIn, fast: predicted(server) + predicted(c) };
}

globalThis.benchResult = JSON.stringify({ ex: exchangesRun(${exchanges}, ${conns}), bulk: bulkRun(${mb} * 1048576) });
`;
}

async function bundle(root: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "tcp-quickjs-"));
  try {
    const file = join(dir, "entry.js");
    writeFileSync(file, entry(root));
    const built = await esbuild.build({ entryPoints: [file], bundle: true, format: "iife", target: TARGET, keepNames: true,
      write: false, logLevel: "silent" });
    return built.outputFiles[0].text;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Figures { exMs: number; done: number; exSegs: number; exFast: number; bulkMs: number; got: number; bulkSegs: number; bulkFast: number }

async function once(code: string): Promise<Figures> {
  const vm = (await getQuickJS()).newContext();
  try {
    const r = vm.evalCode(code, "bench.js");
    if (r.error) { const e = vm.dump(r.error); r.error.dispose(); throw new Error(`the bench failed in QuickJS: ${JSON.stringify(e)}`); }
    r.value.dispose();
    const h = vm.getProp(vm.global, "benchResult");
    const o = JSON.parse(vm.getString(h));
    h.dispose();
    return { exMs: o.ex.ms, done: o.ex.done, exSegs: o.ex.segs, exFast: o.ex.fast, bulkMs: o.bulk.ms, got: o.bulk.got,
      bulkSegs: o.bulk.segs, bulkFast: o.bulk.fast };
  } finally {
    vm.dispose();
  }
}

const subjects: [string, string][] = [["this checkout", await bundle(ROOT)]];
if (compare) subjects.push([compare, await bundle(compare)]);
const results = new Map<string, Figures[]>(subjects.map(([n]) => [n, []]));
for (let i = 0; i < runs; i++) for (const [name, code] of subjects) results.get(name)!.push(await once(code));
console.log(`TCP/IP stack in QuickJS 2025 (quickjs-emscripten), two stacks over an in-memory link, medians of ${runs}:`);
for (const [name, rs] of results) {
  const exMs = median(rs.map((r) => r.exMs)), bulkMs = median(rs.map((r) => r.bulkMs));
  const r = rs[0];
  console.log(`  ${name}:`);
  console.log(`    exchanges: ${r.done} x (120 B request, 250 B response) on ${conns} connections: ${exMs} ms, ` +
    `${(exMs / r.done * 1000).toFixed(0)} µs per exchange; ${r.exSegs} segments in, ${r.exFast} by header prediction`);
  console.log(`    bulk: ${(r.got / 2 ** 20).toFixed(0)} MiB one way: ${bulkMs} ms, ${(r.got / 1e6 / (bulkMs / 1000)).toFixed(2)} MB/s ` +
    `of interpreter time; ${r.bulkSegs} segments in, ${r.bulkFast} by header prediction`);
}
