// In-memory connections for the http tests: a pair of Duplex ends where bytes written to one arrive (on a later
// tick, as from a socket) at the other; end() half-closes; destroy() closes both. Built on libos/stream by default,
// or on Node's own stream.Duplex to feed Node's http server the same bytes (differential tests).
import { Duplex as NodeDuplex } from "node:stream";
import { Duplex as LibosDuplex } from "../../../libos/stream/index.ts";

type DuplexClass = typeof NodeDuplex;

export interface PipeEnd extends NodeDuplex {
  peer: PipeEnd;
  remoteAddress?: string;
  remotePort?: number;
}

/** Two connected Duplex ends: [client, server]. With `socketLike`, the ends get net.Socket's setTimeout etc. */
export function socketPair(options: { node?: boolean; socketLike?: boolean } = {}): [PipeEnd, PipeEnd] {
  const Base = (options.node ? NodeDuplex : LibosDuplex) as DuplexClass;
  const make = (): PipeEnd => {
    const end = new Base({
      allowHalfOpen: true,
      read() {},
      write(chunk: Uint8Array, _enc: BufferEncoding, cb: (e?: Error | null) => void) {
        const copy = Buffer.from(chunk);
        process.nextTick(() => { if (!end.peer.destroyed && !end.peer.readableEnded) end.peer.push(copy); });
        cb();
      },
      final(cb: (e?: Error | null) => void) {
        process.nextTick(() => { if (!end.peer.destroyed) end.peer.push(null); });
        cb();
      },
      destroy(err: Error | null, cb: (e?: Error | null) => void) {
        process.nextTick(() => { if (!end.peer.destroyed) end.peer.destroy(); });
        cb(err);
      },
    }) as PipeEnd;
    end.remoteAddress = "127.0.0.1";
    end.remotePort = 40000;
    return end;
  };
  const a = make(), b = make();
  a.peer = b;
  b.peer = a;
  if (options.socketLike) {
    for (const s of [a, b]) {
      let timer: NodeJS.Timeout | null = null;
      let ms = 0;
      const o = s as unknown as Record<string, unknown>;
      o.setTimeout = function (msecs: number, cb?: () => void) {
        ms = msecs;
        if (timer) clearTimeout(timer);
        timer = ms ? setTimeout(() => s.emit("timeout"), ms) : null;
        if (cb) s.once("timeout", cb);
        return s;
      };
      o.setNoDelay = o.setKeepAlive = o.ref = o.unref = () => s;
      s.on("close", () => { if (timer) clearTimeout(timer); });
    }
  }
  return [a, b];
}

/** Lets queued ticks and immediates run (everything an in-memory exchange needs). */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

/** Collects what arrives at `end` as latin1 text. */
export function collect(end: NodeDuplex): { text: () => string; ended: Promise<void> } {
  const chunks: Buffer[] = [];
  end.on("data", (c: Uint8Array) => chunks.push(Buffer.from(c)));
  const ended = new Promise<void>((resolve) => { end.on("end", resolve); end.on("close", resolve); });
  return { text: () => Buffer.concat(chunks).toString("latin1"), ended };
}

/** Replaces the Date header's value (the only part of a response that depends on the clock). */
export const fixDate = (s: string) => s.replace(/\r\nDate: [A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT\r\n/g, "\r\nDate: D\r\n");

/** Connects a new pair to `server` ('connection' with the server end), writes `raw` and settles; returns the reply. */
export async function exchange(server: { emit(e: string, ...a: unknown[]): boolean }, raw: string | Buffer | (string | Buffer)[],
                               options: { end?: boolean; node?: boolean; socketLike?: boolean } = {}): Promise<string> {
  const [client, serverEnd] = socketPair(options);
  const out = collect(client);
  server.emit("connection", serverEnd);
  for (const piece of Array.isArray(raw) ? raw : [raw]) {
    client.write(typeof piece === "string" ? Buffer.from(piece, "latin1") : piece);
    await settle(2);
  }
  if (options.end) client.end();
  await settle();
  return fixDate(out.text());
}
