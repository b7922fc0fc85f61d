// libos/http/outgoing_write.ts — the body path of OutgoingMessage: one write() or end() chunk checked (null, type,
// after end, after destroy, strict Content-Length), the implicit head built, HEAD/204/304 bodies dropped, the
// socket corked for the tick, and chunk framing ("<hex>\r\n<data>\r\n") when chunked. Plus the deferred 'error'
// and 'finish' emitters. Private to libos/http. Layer: libos.

import { Buffer } from "../buffer/index.ts";
import { codedError, contentLengthMismatch, invalidArgType, nullValues, streamDestroyed, writeAfterEnd } from "./_errors.ts";
import type { Callback, Chunk, OutgoingMessageProto } from "./outgoing.ts";

const nop = () => {};

/** Reports a write error on the next tick: the callback, then 'error' unless destroyed meanwhile. */
export function onError(msg: OutgoingMessageProto, err: Error, callback: Callback): void {
  if (msg.destroyed) return;
  process.nextTick(() => {
    callback(err);
    if (!msg.destroyed) msg.emit("error", err);
  });
}

/**
 * Emits 'finish' (unless the socket failed). The http server's own reaction runs first, as its listener would
 * (Node's server adds it before the app sees the response), without being a listener added per response.
 */
export function onFinish(msg: OutgoingMessageProto): void {
  if ((msg._socket as { _hadError?: boolean } | null)?._hadError) return;
  const hook = msg._finishHook;
  if (hook !== null) hook.call(msg);
  msg.emit("finish");
}

/** The bytes `chunk` takes on the wire (strings in `encoding`, UTF-8 by default). */
export const byteLength = (chunk: Chunk, encoding?: BufferEncoding | null) =>
  typeof chunk === "string" ? Buffer.byteLength(chunk, encoding ?? "utf8") : chunk.byteLength;

/** Writes one chunk of `msg` (from write() or, with `fromEnd`, the last one from end()). */
export function writeChunk(msg: OutgoingMessageProto, chunk: Chunk, encoding: BufferEncoding | undefined | null,
                    callback: Callback | null | undefined, fromEnd: boolean): boolean {
  const cb = callback ?? nop;
  if (chunk === null) throw nullValues();
  if (typeof chunk !== "string" && !(chunk instanceof Uint8Array)) throw invalidArgType("chunk", ["string", "Buffer", "Uint8Array"], chunk);
  const err = msg.finished ? writeAfterEnd() : msg.destroyed ? streamDestroyed("write") : null;
  if (err) {
    if (!msg.destroyed) onError(msg, err, cb);
    else process.nextTick(cb, err);
    return false;
  }
  let len: number | undefined;
  if (msg.strictContentLength && msg._contentLength !== null) {
    len = byteLength(chunk, encoding);
    const total = msg._bytesWritten + len;
    if (fromEnd ? total !== msg._contentLength : total > msg._contentLength) throw contentLengthMismatch(total, msg._contentLength);
    msg._bytesWritten = total;
  }
  if (!msg._header) {
    if (fromEnd) msg._contentLength = len ??= byteLength(chunk, encoding);
    msg._implicitHeader();
  }
  if (!msg._hasBody) {
    if (msg._rejectNonStandardBodyWrites) throw codedError(Error, "ERR_HTTP_BODY_NOT_ALLOWED",
      "Adding content for this request method or response status is not allowed.");
    process.nextTick(cb);
    return true;
  }
  const sock = msg._socket;
  if (!fromEnd && sock && !sock.writableCorked) {
    sock.cork();
    process.nextTick(() => sock.uncork());
  }
  if (msg.chunkedEncoding && chunk.length !== 0) {
    len ??= byteLength(chunk, encoding);
    msg._send(len.toString(16), "latin1", null);
    msg._send("\r\n", null, null);
    msg._send(chunk, encoding, null);
    return msg._send("\r\n", null, cb);
  }
  return msg._send(chunk, encoding, cb);
}

