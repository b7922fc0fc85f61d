// libos/web/streams/adapters.ts — Node 20's bridges between node:stream and web streams (Node's
// lib/internal/webstreams/adapters.js, written for unijs): Readable.fromWeb/toWeb, Writable.fromWeb/toWeb and
// Duplex.fromWeb/toWeb. fromWeb drives a reader/writer of the web stream from the Node stream's _read/_write/_final/
// _destroy; toWeb feeds a ReadableStream from 'data' events (pausing on backpressure) or a WritableStream into
// write()/end() (waiting for 'drain'), and carries errors and premature closes both ways (as AbortError).
// Layer: libos. Imported only by libos/globals/stream_web_adapters.ts (images that mention fromWeb/toWeb), so that
// node:stream alone carries no web streams; node:stream's classes arrive through node_stream_hook.ts (this file
// must not import readable-stream: installers run before the runtime is up).
import { onNodeStream, type NodeStreamClasses } from "./node_stream_hook.ts";
import { Buffer } from "../../buffer/index.ts";
import { AbortError, invalidArgType, invalidArgValue, nodeError, validateBoolean, validateObject } from "../../util/errors.ts";
import { ReadableStream, isReadableStream } from "./readable_stream.ts";
import { WritableStream, isWritableStream } from "./writable_stream.ts";
import { CountQueuingStrategy } from "./queuing_strategy.ts";
import { deferred, type Deferred } from "./_util.ts";

type Ctor = new (options: object) => unknown;
let ReadableClass: Ctor, WritableClass: Ctor, DuplexClass: Ctor;
let finished: (stream: unknown, cb: (e?: Error | null) => void) => () => void;
type Readable = import("node:stream").Readable;
type Writable = import("node:stream").Writable;
type Duplex = import("node:stream").Duplex;
type AnyStream = { destroy(e?: unknown): void; destroyed?: boolean } & Record<string, any>;

const nextTick = (f: () => void) => {
  const p = (globalThis as { process?: { nextTick(f: () => void): void } }).process;
  if (p) p.nextTick(f);
  else queueMicrotask(f);
};

function prematureClose(): Error {
  return nodeError(Error, "ERR_STREAM_PREMATURE_CLOSE", "Premature close");
}

function isDestroyed(s: AnyStream): boolean {
  return !!s.destroyed;
}

function isReadableNode(s: AnyStream): boolean {
  return s.readable !== false && !s.destroyed && !s.readableEnded && !s._readableState?.endEmitted;
}

function isWritableNode(s: AnyStream): boolean {
  return s.writable !== false && !s.destroyed && !s.writableEnded;
}

function isWritableEnded(s: AnyStream): boolean {
  return !!(s.writableEnded || s._writableState?.ended);
}

/** readable.push of a read result, or destroy on a failed read. */
function pump(stream: AnyStream, reader: ReadableStreamDefaultReader<unknown>): void {
  reader.read().then((chunk) => {
    if (chunk.done) stream.push(null);
    else stream.push(chunk.value);
  }, (error) => stream.destroy(error));
}

function writeChunk(writer: WritableStreamDefaultWriter<unknown>, chunk: unknown, encoding: string, decodeStrings: boolean,
  objectMode: boolean, callback: (e?: unknown) => void, onThrow: (e: unknown) => void): void {
  if (typeof chunk === "string" && decodeStrings && !objectMode) {
    const b = Buffer.from(chunk, encoding as BufferEncoding);
    chunk = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }
  const done = (error?: unknown) => {
    try {
      callback(error);
    } catch (e) {
      onThrow(e);
    }
  };
  writer.ready.then(() => writer.write(chunk).then(() => done(), done), done);
}

function writeChunks(writer: WritableStreamDefaultWriter<unknown>, chunks: { chunk: unknown }[], callback: (e?: unknown) => void,
  onThrow: (e: unknown) => void): void {
  const done = (errors: unknown) => {
    const list = Array.isArray(errors) ? errors.filter((e) => e) : [errors];
    try {
      callback(list.length === 0 ? undefined : list);
    } catch (e) {
      onThrow(e);
    }
  };
  writer.ready.then(() => Promise.all(chunks.map((d) => writer.write(d.chunk))).then(() => done([]), done), done);
}

interface FromWebOptions { highWaterMark?: number; encoding?: string; objectMode?: boolean; signal?: AbortSignal;
  decodeStrings?: boolean; allowHalfOpen?: boolean }

/** Readable.fromWeb(readableStream, options). */
export function newStreamReadableFromReadableStream(readableStream: ReadableStream, options: FromWebOptions = {}): Readable {
  if (!isReadableStream(readableStream)) throw invalidArgType("readableStream", "ReadableStream", readableStream);
  validateObject(options, "options");
  const { highWaterMark, encoding, objectMode = false, signal } = options;
  // Node 20 passes the two the other way round: "The argument 'nope' is invalid. Received 'options.encoding'".
  if (encoding !== undefined && !Buffer.isEncoding(encoding)) throw invalidArgValue(String(encoding), "options.encoding");
  validateBoolean(objectMode, "options.objectMode");
  const reader = readableStream.getReader();
  let closed = false;
  const readable: AnyStream = new ReadableClass({
    objectMode, highWaterMark, encoding, signal,
    read() {
      pump(readable, reader as unknown as ReadableStreamDefaultReader<unknown>);
    },
    destroy(error: Error | null, callback: (e?: Error | null) => void) {
      const done = () => {
        try {
          callback(error);
        } catch (e) {
          nextTick(() => { throw e; });
        }
      };
      if (!closed) {
        reader.cancel(error).then(done, done);
        return;
      }
      done();
    },
  } as never) as unknown as AnyStream;
  reader.closed.then(() => { closed = true; }, (error: unknown) => {
    closed = true;
    readable.destroy(error);
  });
  return readable as unknown as Readable;
}

/** Readable.toWeb(streamReadable, { strategy }). */
export function newReadableStreamFromStreamReadable(streamReadable: Readable, options: { strategy?: QueuingStrategy } = {}): ReadableStream {
  const s = streamReadable as unknown as AnyStream;
  if (typeof s?._readableState !== "object") throw invalidArgType("streamReadable", "stream.Readable", streamReadable);
  validateObject(options, "options");
  if (isDestroyed(s) || !isReadableNode(s)) {
    const readable = new ReadableStream();
    readable.cancel();
    return readable;
  }
  const objectMode = s.readableObjectMode;
  const highWaterMark = s.readableHighWaterMark;
  const strategy = options.strategy ?? (objectMode ? new CountQueuingStrategy({ highWaterMark }) : { highWaterMark });
  let controller!: ReadableStreamDefaultController<unknown>;
  const onData = (chunk: unknown) => {
    // A Buffer (any Uint8Array subclass: the host's in hosted tests) becomes a plain Uint8Array copy, as in Node.
    if (chunk instanceof Uint8Array && chunk.constructor !== Uint8Array && !objectMode) chunk = new Uint8Array(chunk);
    controller.enqueue(chunk);
    if (controller.desiredSize! <= 0) s.pause();
  };
  const cleanup = finished(streamReadable, (error?: Error | null) => {
    let err: unknown = error;
    if ((error as { code?: string } | null | undefined)?.code === "ERR_STREAM_PREMATURE_CLOSE") {
      err = new AbortError(undefined, { cause: error });
    }
    cleanup();
    s.on("error", () => {});
    if (err) return controller.error(err);
    controller.close();
  });
  s.on("data", onData);
  return new ReadableStream({
    start(c: ReadableStreamDefaultController<unknown>) { controller = c; },
    pull() { s.resume(); },
    cancel(reason: unknown) { s.destroy(reason); },
  } as never, strategy as never);
}

/** Writable.fromWeb(writableStream, options). */
export function newStreamWritableFromWritableStream(writableStream: WritableStream, options: FromWebOptions = {}): Writable {
  if (!isWritableStream(writableStream)) throw invalidArgType("writableStream", "WritableStream", writableStream);
  validateObject(options, "options");
  const { highWaterMark, decodeStrings = true, objectMode = false, signal } = options;
  validateBoolean(objectMode, "options.objectMode");
  validateBoolean(decodeStrings, "options.decodeStrings");
  const writer = writableStream.getWriter() as unknown as WritableStreamDefaultWriter<unknown>;
  let closed = false;
  const writable: AnyStream = new WritableClass({
    highWaterMark, objectMode, decodeStrings, signal,
    writev(chunks: { chunk: unknown }[], callback: (e?: unknown) => void) {
      writeChunks(writer, chunks, callback, (e) => nextTick(() => writable.destroy(e)));
    },
    write(chunk: unknown, encoding: string, callback: (e?: unknown) => void) {
      writeChunk(writer, chunk, encoding, decodeStrings, objectMode, callback, (e) => writable.destroy(e));
    },
    destroy(error: Error | null, callback: (e?: Error | null) => void) {
      const done = () => {
        try {
          callback(error);
        } catch (e) {
          nextTick(() => { throw e; });
        }
      };
      if (!closed) {
        if (error != null) writer.abort(error).then(done, done);
        else writer.close().then(done, done);
        return;
      }
      done();
    },
    final(callback: (e?: unknown) => void) {
      const done = (error?: unknown) => {
        try {
          callback(error);
        } catch (e) {
          nextTick(() => writable.destroy(e));
        }
      };
      if (!closed) writer.close().then(() => done(), done);
    },
  } as never) as unknown as AnyStream;
  writer.closed.then(() => {
    closed = true;
    if (!isWritableEnded(writable)) writable.destroy(prematureClose());
  }, (error: unknown) => {
    closed = true;
    writable.destroy(error);
  });
  return writable as unknown as Writable;
}

/** Writable.toWeb(streamWritable). */
export function newWritableStreamFromStreamWritable(streamWritable: Writable): WritableStream {
  const s = streamWritable as unknown as AnyStream;
  if (typeof s?._writableState !== "object") throw invalidArgType("streamWritable", "stream.Writable", streamWritable);
  if (isDestroyed(s) || !isWritableNode(s)) {
    const writable = new WritableStream();
    writable.close();
    return writable;
  }
  const highWaterMark = s.writableHighWaterMark;
  const strategy = s.writableObjectMode ? new CountQueuingStrategy({ highWaterMark }) : { highWaterMark };
  let controller: WritableStreamDefaultController | undefined;
  let backpressure: Deferred<void> | undefined;
  let closed: Deferred<void> | undefined;
  const onDrain = () => backpressure?.resolve();
  const cleanup = finished(streamWritable, (error?: Error | null) => {
    let err: unknown = error;
    if ((error as { code?: string } | null | undefined)?.code === "ERR_STREAM_PREMATURE_CLOSE") {
      err = new AbortError(undefined, { cause: error });
    }
    cleanup();
    s.on("error", () => {});
    if (err != null) {
      backpressure?.reject(err);
      if (closed !== undefined) {
        closed.reject(err);
        closed = undefined;
      }
      controller?.error(err);
      controller = undefined;
      return;
    }
    if (closed !== undefined) {
      closed.resolve();
      closed = undefined;
      return;
    }
    controller?.error(new AbortError());
    controller = undefined;
  });
  s.on("drain", onDrain);
  return new WritableStream({
    start(c: WritableStreamDefaultController) { controller = c; },
    write(chunk: unknown) {
      if (s.writableNeedDrain || !s.write(chunk)) {
        backpressure = deferred<void>();
        return backpressure.promise.finally(() => { backpressure = undefined; });
      }
      return undefined;
    },
    abort(reason: unknown) { s.destroy(reason); },
    close() {
      if (closed === undefined && !isWritableEnded(s)) {
        closed = deferred<void>();
        s.end();
        return closed.promise;
      }
      controller = undefined;
      return Promise.resolve();
    },
  } as never, strategy as never);
}

/** Duplex.toWeb(duplex): { readable, writable }. */
export function newReadableWritablePairFromDuplex(duplex: Duplex): { readable: ReadableStream; writable: WritableStream } {
  const d = duplex as unknown as AnyStream;
  if (typeof d?._readableState !== "object" || typeof d?._writableState !== "object") {
    throw invalidArgType("duplex", "stream.Duplex", duplex);
  }
  if (isDestroyed(d)) {
    const writable = new WritableStream();
    const readable = new ReadableStream();
    writable.close();
    readable.cancel();
    return { readable, writable };
  }
  let writable: WritableStream, readable: ReadableStream;
  if (isWritableNode(d)) writable = newWritableStreamFromStreamWritable(duplex as unknown as Writable);
  else {
    writable = new WritableStream();
    writable.close();
  }
  if (isReadableNode(d)) readable = newReadableStreamFromStreamReadable(duplex as unknown as Readable);
  else {
    readable = new ReadableStream();
    readable.cancel();
  }
  return { writable, readable };
}

/** Duplex.fromWeb({ readable, writable }, options). */
export function newStreamDuplexFromReadableWritablePair(pair: { readable?: ReadableStream; writable?: WritableStream } = {},
  options: FromWebOptions = {}): Duplex {
  validateObject(pair, "pair");
  const { readable: readableStream, writable: writableStream } = pair;
  if (!isReadableStream(readableStream)) throw invalidArgType("pair.readable", "ReadableStream", readableStream);
  if (!isWritableStream(writableStream)) throw invalidArgType("pair.writable", "WritableStream", writableStream);
  validateObject(options, "options");
  const { allowHalfOpen = false, objectMode = false, encoding, decodeStrings = true, highWaterMark, signal } = options;
  validateBoolean(objectMode, "options.objectMode");
  // Node 20 passes the two the other way round: "The argument 'nope' is invalid. Received 'options.encoding'".
  if (encoding !== undefined && !Buffer.isEncoding(encoding)) throw invalidArgValue(String(encoding), "options.encoding");
  const writer = writableStream.getWriter() as unknown as WritableStreamDefaultWriter<unknown>;
  const reader = readableStream.getReader() as unknown as ReadableStreamDefaultReader<unknown>;
  let writableClosed = false, readableClosed = false;
  const duplex: AnyStream = new DuplexClass({
    allowHalfOpen, highWaterMark, objectMode, encoding, decodeStrings, signal,
    writev(chunks: { chunk: unknown }[], callback: (e?: unknown) => void) {
      writeChunks(writer, chunks, callback, (e) => nextTick(() => duplex.destroy(e)));
    },
    write(chunk: unknown, enc: string, callback: (e?: unknown) => void) {
      writeChunk(writer, chunk, enc, decodeStrings, objectMode, callback, (e) => duplex.destroy(e));
    },
    final(callback: (e?: unknown) => void) {
      const done = (error?: unknown) => {
        try {
          callback(error);
        } catch (e) {
          nextTick(() => duplex.destroy(e));
        }
      };
      if (!writableClosed) writer.close().then(() => done(), done);
    },
    read() {
      pump(duplex, reader);
    },
    destroy(error: Error | null, callback: (e?: Error | null) => void) {
      const done = () => {
        try {
          callback(error);
        } catch (e) {
          nextTick(() => { throw e; });
        }
      };
      const closeWriter = () => (writableClosed ? Promise.resolve() : writer.abort(error));
      const closeReader = () => (readableClosed ? Promise.resolve() : reader.cancel(error));
      if (!writableClosed || !readableClosed) {
        Promise.all([closeWriter(), closeReader()]).then(done, done);
        return;
      }
      done();
    },
  } as never) as unknown as AnyStream;
  writer.closed.then(() => {
    writableClosed = true;
    if (!isWritableEnded(duplex)) duplex.destroy(prematureClose());
  }, (error: unknown) => {
    writableClosed = readableClosed = true;
    duplex.destroy(error);
  });
  reader.closed.then(() => { readableClosed = true; }, (error: unknown) => {
    writableClosed = readableClosed = true;
    duplex.destroy(error);
  });
  return duplex as unknown as Duplex;
}

/** Gives node:stream's classes their fromWeb/toWeb (readable-stream v4 leaves them unimplemented), now or when
 *  node:stream loads. */
export function installStreamWebAdapters(): void {
  onNodeStream(attachAdapters);
}

function attachAdapters(c: NodeStreamClasses): void {
  ReadableClass = c.Readable as Ctor;
  WritableClass = c.Writable as Ctor;
  DuplexClass = c.Duplex as Ctor;
  finished = c.finished as typeof finished;
  const R = ReadableClass as unknown as Record<string, unknown>, W = WritableClass as unknown as Record<string, unknown>,
    D = DuplexClass as unknown as Record<string, unknown>;
  R.fromWeb = newStreamReadableFromReadableStream;
  R.toWeb = newReadableStreamFromStreamReadable;
  W.fromWeb = newStreamWritableFromWritableStream;
  W.toWeb = newWritableStreamFromStreamWritable;
  D.fromWeb = newStreamDuplexFromReadableWritablePair;
  D.toWeb = newReadableWritablePairFromDuplex;
}
