// libos/tls/js_stream_socket.ts — Node's internal JSStreamSocket: a net.Socket whose bytes travel over any
// stream.Duplex (what a tls.TLSSocket built on a stream that is not a net.Socket carries its records through).
// Node keeps the class internal; packages reach it as `new tls.TLSSocket(duplex)._handle._parentWrap.constructor`
// (http2-wrapper, used by got 12+, takes it at load time to wrap HTTP/2 streams as sockets). Reads are paced by the
// socket's consumer (the stream is paused while our buffer is full); writes, end and destroy go to the stream.
// Layer: libos (libos/tls). Depends on libos/net.
import { Socket } from "../node_net/index.ts";
type Duplex = import("node:stream").Duplex;
type Buf = import("node:buffer").Buffer;

export class JSStreamSocket extends Socket {
  /** The stream the bytes travel over. */
  readonly stream: Duplex;

  constructor(stream: Duplex) {
    super({ allowHalfOpen: true });
    this.stream = stream;
    this.connecting = false;
    this.pending = false;
    stream.on("data", (chunk: Buf) => {
      this.bytesRead += chunk.length;
      if (!this.push(chunk)) stream.pause();
    });
    stream.on("end", () => this.push(null));
    stream.on("error", (err: Error) => this.destroy(err));
    stream.on("close", () => { if (!this.destroyed) this.destroy(); });
  }

  override _read(): void {
    if (this.stream.isPaused()) this.stream.resume();
  }

  override _write(chunk: Buf, _enc: string, cb: (e?: Error | null) => void): void {
    this.stream.write(chunk, (err?: Error | null) => cb(err ?? null));
  }

  override _writev(chunks: { chunk: Buf; encoding: string }[], cb: (e?: Error | null) => void): void {
    chunks.forEach((c, i) => this.stream.write(c.chunk, i === chunks.length - 1 ? (err?: Error | null) => cb(err ?? null) : undefined));
  }

  override _final(cb: (e?: Error | null) => void): void {
    this.stream.end();
    cb();
  }

  override _destroy(err: Error | null, cb: (e: Error | null) => void): void {
    if (!this.stream.destroyed) this.stream.destroy(err ?? undefined);
    cb(err);
  }
}
