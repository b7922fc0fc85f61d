// Header prediction (libos/net/tcp/tcp_input.ts `predicted`) must change nothing but speed: the same seeded
// conversations — request/response exchanges, bulk streams both ways with small buffers (window changes, zero
// windows), half and full closes — through lossy, reordering, duplicating, truncating links, with and without
// timestamps and window scaling, are run with the fast path off and on, and every emitted segment, hook call,
// state transition and final counter must be identical. Plus segment-by-segment checks of which segments take the
// short path and which go the general way.
import { describe, expect, it } from "vitest";
import { type TcpSocket, type TcpSocketOptions } from "../../../libos/net/tcp/index.ts";
import type { TcpRepr } from "../../../libos/net/wire/tcp.ts";
import { SeededRandom } from "../../sim/prng.ts";
import { type Faults, Network } from "./_harness.ts";
import { ACK, establishedSocket, FIN, LOCAL_SEQ, pattern, REMOTE_SEQ, RST, SYN } from "./_fixtures.ts";

const CLIENT = 0x0a000001;
const SERVER = 0x0a000002;

/** A short fingerprint of a payload (FNV-1a). */
function hash(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h >>> 0;
}

function line(now: number, src: number, dst: number, s: TcpRepr): string {
  const ts = s.timestamp === null ? "-" : `${s.timestamp.tsVal}/${s.timestamp.tsEcr}`;
  return `${now} ${src & 255}>${dst & 255} f=${s.flags} seq=${s.seqNumber} ack=${s.ackNumber} win=${s.windowLen} ` +
    `ts=${ts} mss=${s.maxSegSize} ws=${s.windowScale} len=${s.payload.length} h=${hash(s.payload)}`;
}

interface Run {
  log: string[];
  predicted: number;
  segmentsIn: number;
}

/**
 * One seeded conversation: `exchanges` requests of random size from the client, each answered by a response of
 * random size; meanwhile `bulk` bytes stream client → server and back, read in random-sized pieces; then both close.
 */
function conversation(seed: number, faults: Faults, opts: TcpSocketOptions, prediction: boolean): Run {
  const o: TcpSocketOptions = { ...opts, headerPrediction: prediction };
  const net = new Network(seed);
  const client = net.addHost(CLIENT, faults);
  const server = net.addHost(SERVER, faults);
  const log: string[] = [];
  net.onSegment = (now, src, dst, seg) => log.push(line(now, src, dst, seg));
  const rng = new SeededRandom(seed * 31 + 7);
  const sockets: TcpSocket[] = [];
  const watch = (name: string, s: TcpSocket, onData: (d: Uint8Array) => void, onEnd: () => void) => {
    sockets.push(s);
    s.trace = (from, to, why) => log.push(`${net.now} ${name} ${from}>${to} ${why}`);
    s.onReadable = () => {
      log.push(`${net.now} ${name} readable ${s.recvAvailable}`);
      for (let d = s.recv(1 + rng.int(6000)); d !== null; d = s.recv(1 + rng.int(6000))) onData(d);
    };
    s.onWritable = () => log.push(`${net.now} ${name} writable ${s.sendAvailable}`);
    s.onEnd = () => { log.push(`${net.now} ${name} end`); onEnd(); };
    s.onError = (c) => log.push(`${net.now} ${name} error ${c}`);
    s.onClose = () => log.push(`${net.now} ${name} close`);
  };
  const exchanges = 12;
  const bulk = 60_000;
  let requests = 0;
  let pendingServer = 0;
  let serverBulkSent = 0;
  let clientBulkSent = 0;
  let serverSeen = 0;
  const out = (s: TcpSocket, data: Uint8Array) => {
    let at = 0;
    while (at < data.length && s.sendAvailable > 0) at += s.send(data.subarray(at));
    return at;
  };
  server.listen(80, { socket: o }, (s) => {
    watch("S", s, (d) => {
      serverSeen += d.length;
      if (rng.float() < 0.5) pendingServer += out(s, pattern(1 + rng.int(3000), d.length));
      if (serverBulkSent < bulk) serverBulkSent += out(s, pattern(Math.min(bulk - serverBulkSent, 1 + rng.int(9000)), 3));
    }, () => s.close());
  });
  const c = client.connect(0, SERVER, 80, o, 0x12345678);
  const next = () => {
    if (requests < exchanges) {
      requests++;
      out(c, pattern(1 + rng.int(2500), requests));
    }
    if (clientBulkSent < bulk) clientBulkSent += out(c, pattern(Math.min(bulk - clientBulkSent, 1 + rng.int(7000)), 5));
    if (requests === exchanges && clientBulkSent >= bulk && c.state === "ESTABLISHED" && rng.float() < 0.3) {
      c.shutdownWrite();
    }
  };
  watch("C", c, () => next(), () => c.close());
  c.onConnect = () => { log.push(`${net.now} C connect`); next(); };
  c.onWritable = () => { log.push(`${net.now} C writable`); next(); };
  net.run(() => sockets.every((s) => s.state === "CLOSED" || s.state === "TIME-WAIT"), 600_000);
  net.advance(1000);
  log.push(`served ${serverSeen} pending ${pendingServer}`);
  let predicted = 0;
  let segmentsIn = 0;
  for (const s of sockets) {
    const { predicted: p, ...rest } = s.stats;
    predicted += p;
    segmentsIn += s.stats.segmentsIn;
    log.push(`${s.state} ${JSON.stringify(rest)} ${JSON.stringify(s.info)}`);
  }
  return { log, predicted, segmentsIn };
}

const LINKS: [string, Faults][] = [
  ["clean", { delay: 2 }],
  ["jitter", { delay: 3, jitter: 4 }],
  ["loss", { delay: 2, loss: 0.05 }],
  ["reorder+dup", { delay: 2, reorder: 0.08, duplicate: 0.05 }],
  ["truncate", { delay: 2, truncate: 0.05, loss: 0.02 }],
];
const OPTIONS: [string, TcpSocketOptions][] = [
  ["defaults", {}],
  ["small buffers", { rxBufferSize: 6000, txBufferSize: 9000, mss: 1000 }],
  ["no options", { timestamps: false, windowScaling: false, rxBufferSize: 20000 }],
  ["no delayed ACK", { ackDelay: 0, noDelay: true, rxBufferSize: 300_000 }],
];

describe("header prediction gives the general path's results", () => {
  for (const [linkName, faults] of LINKS) {
    for (const [optName, opts] of OPTIONS) {
      it(`${linkName} link, ${optName}`, () => {
        for (const seed of [1, 2, 3]) {
          const slow = conversation(seed, faults, opts, false);
          const fast = conversation(seed, faults, opts, true);
          expect(slow.predicted).toBe(0);
          expect(fast.predicted, "segments that took the short path").toBeGreaterThan(0);
          expect(fast.log.length).toBe(slow.log.length);
          for (let i = 0; i < slow.log.length; i++) {
            if (fast.log[i] !== slow.log[i]) expect(`${i}: ${fast.log[i]}`).toBe(`${i}: ${slow.log[i]}`);
          }
        }
      });
    }
  }

  it("takes the short path for every in-order segment of a clean one-way stream", () => {
    const net = new Network(5);
    const client = net.addHost(CLIENT, { delay: 2 });
    const server = net.addHost(SERVER, { delay: 2 });
    let srv: TcpSocket | null = null;
    let got = 0;
    server.listen(80, {}, (s) => {
      srv = s;
      s.onReadable = () => { for (let d = s.recv(); d !== null; d = s.recv()) got += d.length; };
    });
    const c = client.connect(0, SERVER, 80, {});
    const data = pattern(400_000);
    let sent = 0;
    c.onConnect = c.onWritable = () => { sent += c.send(data.subarray(sent)); };
    net.run(() => got === data.length);
    const s = srv as unknown as TcpSocket;
    // The receiver: every data segment (the handshake's ACK reaches the listener's socket in SYN-RECEIVED); the
    // sender: every ACK but the SYN-ACK.
    expect(s.stats.segmentsIn - s.stats.predicted).toBe(1);
    expect(c.stats.segmentsIn - c.stats.predicted).toBe(1);
    expect(s.stats.predicted).toBeGreaterThan(250);
    expect(c.stats.predicted).toBeGreaterThan(5);
  });
});

describe("which segments take the short path", () => {
  const win = 65535;
  const taken = (opts: TcpSocketOptions, seg: Partial<TcpRepr>, prep?: (r: ReturnType<typeof establishedSocket>) => void) => {
    const r = establishedSocket(opts);
    prep?.(r);
    const before = r.s.stats.predicted;
    r.send(seg);
    return r.s.stats.predicted - before;
  };

  it("in-order data with the expected ack and window", () => {
    expect(taken({}, { payload: pattern(100), windowLen: win })).toBe(1);
  });

  it("an ACK that advances SND.UNA, and data with one", () => {
    const sendSome = (r: ReturnType<typeof establishedSocket>) => { r.s.send(pattern(500)); r.recv(); };
    expect(taken({}, { ackNumber: LOCAL_SEQ + 500 }, sendSome)).toBe(1);
    expect(taken({}, { ackNumber: LOCAL_SEQ + 200, payload: pattern(50) }, sendSome)).toBe(1);
  });

  it("data that changes the window, and the window is taken", () => {
    const r = establishedSocket({});
    r.send({ payload: pattern(10), windowLen: 1000 });
    expect(r.s.stats.predicted).toBe(1);
    expect(r.s.info.sndWnd).toBe(1000);
  });

  it("not: SYN, FIN, RST, a duplicate ACK or window-only update, unsent data acknowledged, a sequence gap", () => {
    expect(taken({}, { payload: pattern(10), flags: ACK | FIN })).toBe(0);
    expect(taken({}, { flags: ACK | RST })).toBe(0);
    expect(taken({}, { flags: ACK | SYN })).toBe(0);
    expect(taken({}, { windowLen: 1000 })).toBe(0);                        // a window update alone
    expect(taken({}, {})).toBe(0);                                         // nothing new: a duplicate ACK
    expect(taken({}, { ackNumber: LOCAL_SEQ + 1 })).toBe(0);              // acknowledges what was never sent
    expect(taken({}, { seqNumber: REMOTE_SEQ + 5, payload: pattern(10) })).toBe(0);
  });

  it("not: data that does not fit, a closed read side, reassembly pending", () => {
    expect(taken({ rxBufferSize: 1000 }, { payload: pattern(1001), windowLen: win })).toBe(0);
    expect(taken({}, { seqNumber: REMOTE_SEQ + 10, payload: pattern(10) },
      (r) => r.send({ seqNumber: REMOTE_SEQ + 20, payload: pattern(10) }))).toBe(0);
  });

  it("timestamps: PAWS failures go the general way; newer ones are taken and update TS.Recent", () => {
    const synAck = { timestamp: { tsVal: 1000, tsEcr: 1 } };
    const r = establishedSocket({ timestamps: true }, synAck);
    r.send({ payload: pattern(10), timestamp: { tsVal: 999, tsEcr: 1 } });   // older: PAWS drops it
    expect(r.s.stats.predicted).toBe(0);
    expect(r.s.recvAvailable).toBe(0);
    r.send({ payload: pattern(10), timestamp: { tsVal: 1001, tsEcr: 1 } });
    expect(r.s.stats.predicted).toBe(1);
    expect(r.s.recvAvailable).toBe(10);
    const ack = r.recvOne();
    expect(ack.timestamp?.tsEcr).toBe(1001);
  });

  it("off when the option says so", () => {
    expect(taken({ headerPrediction: false }, { payload: pattern(100) })).toBe(0);
  });
});
