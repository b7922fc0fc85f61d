// libos/http/_socket.ts — what http needs of a connection, and an adapter that gives any stream.Duplex that shape.
// node:net sockets have it all; an in-memory Duplex (tests, a TLS or pipe stream) gets an idle timer for
// setTimeout (restarted by data in either direction, 'timeout' emitted on the socket as net does) and no-op
// setNoDelay/setKeepAlive/ref/unref. Private to libos/http. Layer: libos. Uses the global timers.

import type { Duplex } from "node:stream";      // types only (erased); the value is libos/stream's

/** A connection as http uses it: a Duplex with net.Socket's timeout and options, plus http's bookkeeping. */
export interface HttpSocket extends Duplex {
  setTimeout(ms: number, callback?: () => void): this;
  setNoDelay(noDelay?: boolean): this;
  setKeepAlive(enable?: boolean, initialDelay?: number): this;
  ref(): this;
  unref(): this;
  remoteAddress?: string;
  remotePort?: number;
  remoteFamily?: string;
  localAddress?: string;
  localPort?: number;
  encrypted?: boolean;
  destroySoon?(): void;
  /** The http server that accepted it (set by the server, as Node does). */
  server?: unknown;
  /** The message currently writing to it (Node's socket._httpMessage). */
  _httpMessage?: unknown;
  /** Reading paused by the server because responses are not being consumed. */
  _paused?: boolean;
  /** Set by the client while the socket is being used for a request. */
  _httpMeta?: unknown;
}

type Timer = { unref?: () => void };

function idleTimeoutShim(socket: Duplex): (ms: number, callback?: () => void) => Duplex {
  let ms = 0;
  let timer: Timer | null = null;
  const stop = () => { if (timer) { clearTimeout(timer as never); timer = null; } };
  const arm = () => {
    stop();
    if (ms > 0 && !socket.destroyed) {
      timer = setTimeout(() => { timer = null; socket.emit("timeout"); }, ms) as unknown as Timer;
      timer.unref?.();
    }
  };
  let hooked = false;
  const hook = () => {                     // on first use only: a 'data' listener makes the stream flow
    hooked = true;
    const write = socket.write;
    socket.write = function (this: Duplex, ...args: unknown[]) {
      if (timer) arm();
      return (write as (...a: unknown[]) => boolean).apply(this, args);
    } as Duplex["write"];
    socket.on("data", () => { if (timer) arm(); });
    socket.on("close", stop);
  };
  return function (this: Duplex, msecs: number, callback?: () => void) {
    ms = Number(msecs) || 0;
    if (ms > 0 && !hooked) hook();
    if (callback) { if (ms === 0) this.removeListener("timeout", callback); else this.once("timeout", callback); }
    arm();
    return this;
  };
}

function noop(this: Duplex) {
  return this;
}

/** Gives `s` what HttpSocket needs that it lacks (instance properties only; a net.Socket is returned as is). */
export function adaptSocket(s: Duplex): HttpSocket {
  const o = s as unknown as Record<string, unknown>;
  if (typeof o.setTimeout !== "function") o.setTimeout = idleTimeoutShim(s);
  for (const name of ["setNoDelay", "setKeepAlive", "ref", "unref"]) if (typeof o[name] !== "function") o[name] = noop;
  return s as HttpSocket;
}
