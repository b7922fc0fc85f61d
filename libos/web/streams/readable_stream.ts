// libos/web/streams/readable_stream.ts — the WHATWG ReadableStream (Streams Standard §4) as Node 20 exposes it:
// the stream, its default controller and default reader, async iteration (values/[Symbol.asyncIterator]),
// ReadableStream.from, and the abstract operations the other stream files call. Byte streams and BYOB readers are
// in byte_stream.ts, tee in tee.ts, pipeTo in pipe.ts. Errors use Node's codes and messages (ERR_INVALID_STATE,
// ERR_INVALID_THIS, ERR_INVALID_ARG_TYPE/VALUE).
// Layer: libos (web platform). Depends on libos/util/errors only; no side effects at import.
import {
  deferred, dequeueValue, kIsClosedPromise, kIsDisturbed, kIsErrored, kIsReadable, enqueueValueWithSize, extractHighWaterMark, extractSizeAlgorithm, inspectAs, invalidArgType,
  invalidState, invalidThis, invalidValue, isObject, kInspect, markHandled, promiseCall, queueMicrotaskSafe, resetQueue,
  type Deferred, type SizeAlgorithm, type Strategy,
} from "./_util.ts";
import { webidlClass } from "../_util.ts";
import {
  ReadableByteStreamController, ReadableStreamBYOBReader, byobReaderErrorReadIntoRequests, byteStreamControllerClose, byteStreamControllerEnqueue,
  setUpByteControllerFromSource,
} from "./byte_stream.ts";
import { readableStreamPipeTo } from "./pipe.ts";
import { readableStreamTee } from "./tee.ts";
import type { WritableStream } from "./writable_stream.ts";
import { isWritableStream, isWritableStreamLocked } from "./writable_stream.ts";
import { nodeError } from "../../util/errors.ts";

export type StreamState = "readable" | "closed" | "errored";

/** A pending read: the reader's promise settles through one of these. */
export interface ReadRequest<R = any> {
  chunk(chunk: R): void;
  close(): void;
  error(e: unknown): void;
}

/** What both controller kinds provide to the stream. */
export interface ReadableController {
  _cancelSteps(reason: unknown): Promise<void>;
  _pullSteps(req: ReadRequest): void;
  _releaseSteps(): void;
}

export interface UnderlyingSource<_R = any> {
  type?: "bytes";
  autoAllocateChunkSize?: number;
  start?: (controller: any) => unknown;
  pull?: (controller: any) => unknown;
  cancel?: (reason: unknown) => unknown;
}

export type AnyReader = ReadableStreamDefaultReader | ReadableStreamBYOBReader;

export class ReadableStream<R = any> {
  _state: StreamState = "readable";
  _reader: AnyReader | undefined = undefined;
  _storedError: unknown = undefined;
  _disturbed = false;
  _controller!: ReadableController & (ReadableStreamDefaultController<R> | ReadableByteStreamController);
  /** Settles when the stream closes or errors; made on first use (node:stream's finished() reads it). */
  _closedPromise: Deferred<void> | undefined;

  constructor(underlyingSource: UnderlyingSource<R> | null = null, strategy: Strategy | undefined = undefined) {
    if (underlyingSource !== null && !isObject(underlyingSource)) {
      throw invalidArgType("source", "object", underlyingSource);
    }
    if (strategy !== undefined && strategy !== null && !isObject(strategy)) throw invalidArgType("strategy", "object", strategy);
    const src = (underlyingSource ?? {}) as UnderlyingSource<R>;
    const type = src.type;
    if (type !== undefined && String(type) === "bytes") {
      if (strategy?.size !== undefined) {
        throw nodeError(RangeError, "ERR_INVALID_ARG_VALUE", "The property 'strategy.size' is invalid. Received " +
          "[Function: size]".replace("size", (strategy.size as { name?: string }).name || "(anonymous)"));
      }
      setUpByteControllerFromSource(this, src, extractHighWaterMark(strategy, 0));
      return;
    }
    if (type !== undefined) throw invalidValue("source.type", type);
    const size = extractSizeAlgorithm(strategy);
    const hwm = extractHighWaterMark(strategy, 1);
    setUpDefaultControllerFromSource(this, src, hwm, size);
  }

  get locked(): boolean {
    if (!isReadableStream(this)) throw invalidThis("ReadableStream");
    return this._reader !== undefined;
  }

  cancel(reason?: unknown): Promise<void> {
    if (!isReadableStream(this)) return Promise.reject(invalidThis("ReadableStream"));
    if (this._reader !== undefined) return Promise.reject(invalidState("ReadableStream is locked"));
    return readableStreamCancel(this, reason);
  }

  getReader(options?: { mode?: "byob" }): any {
    if (!isReadableStream(this)) throw invalidThis("ReadableStream");
    if (options !== undefined && options !== null && !isObject(options)) throw invalidArgType("options", "object", options);
    const mode = options?.mode;
    if (mode === undefined) return new ReadableStreamDefaultReader(this);
    if (String(mode) !== "byob") throw invalidValue("options.mode", mode);
    return new ReadableStreamBYOBReader(this as ReadableStream<any>);
  }

  pipeThrough<T>(transform: { writable: WritableStream<R>; readable: ReadableStream<T> }, options?: PipeOptions): ReadableStream<T> {
    if (!isReadableStream(this)) throw invalidThis("ReadableStream");
    const readable = transform?.readable;
    if (!isReadableStream(readable)) throw invalidArgType("transform.readable", "ReadableStream", readable);
    const writable = transform?.writable;
    if (!isWritableStream(writable)) throw invalidArgType("transform.writable", "WritableStream", writable);
    const o = validatePipeOptions(options);
    if (this._reader !== undefined) throw invalidState("The ReadableStream is locked");
    if (isWritableStreamLocked(writable)) throw invalidState("The WritableStream is locked");
    const p = readableStreamPipeTo(this, writable, o.preventClose, o.preventAbort, o.preventCancel, o.signal);
    markHandled(p);
    return readable;
  }

  pipeTo(destination: WritableStream<R>, options?: PipeOptions): Promise<void> {
    try {
      if (!isReadableStream(this)) throw invalidThis("ReadableStream");
      if (!isWritableStream(destination)) throw invalidArgType("transform.writable", "WritableStream", destination);
      const o = validatePipeOptions(options);
      if (this._reader !== undefined) throw invalidState("The ReadableStream is locked");
      if (isWritableStreamLocked(destination)) throw invalidState("The WritableStream is locked");
      return readableStreamPipeTo(this, destination, o.preventClose, o.preventAbort, o.preventCancel, o.signal);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  tee(): [ReadableStream<R>, ReadableStream<R>] {
    if (!isReadableStream(this)) throw invalidThis("ReadableStream");
    return readableStreamTee(this, false);
  }

  values(options?: { preventCancel?: boolean }): AsyncIterableIterator<R> {
    if (!isReadableStream(this)) throw invalidThis("ReadableStream");
    if (options !== undefined && options !== null && !isObject(options)) throw invalidArgType("options", "object", options);
    const preventCancel = !!options?.preventCancel;
    return createAsyncIterator(this, preventCancel);
  }

  get [kIsClosedPromise](): Deferred<void> {
    let d = this._closedPromise;
    if (d === undefined) {
      d = this._closedPromise = deferred<void>();
      if (this._state === "closed") d.resolve();
      else if (this._state === "errored") {
        d.reject(this._storedError);
        markHandled(d.promise);
      }
    }
    return d;
  }

  get [kIsDisturbed](): boolean {
    return this._disturbed;
  }

  get [kIsErrored](): boolean {
    return this._state === "errored";
  }

  get [kIsReadable](): boolean {
    return this._state === "readable";
  }

  static from<R>(iterable: Iterable<R> | AsyncIterable<R>): ReadableStream<R> {
    return readableStreamFromIterable(iterable);
  }

  [kInspect](depth: number, options: { depth?: number | null }, inspect?: (v: unknown, o?: object) => string): unknown {
    return inspectAs("ReadableStream", depth, options, inspect, {
      locked: this._reader !== undefined, state: this._state, supportsBYOB: this._controller instanceof ReadableByteStreamController,
    });
  }
}

Object.defineProperty(ReadableStream.prototype, Symbol.asyncIterator, {
  value: ReadableStream.prototype.values, writable: true, configurable: true, enumerable: false,
});
webidlClass(ReadableStream, "ReadableStream");

export interface PipeOptions {
  preventClose?: boolean;
  preventAbort?: boolean;
  preventCancel?: boolean;
  signal?: AbortSignal;
}

function validatePipeOptions(options: PipeOptions | undefined) {
  if (options !== undefined && options !== null && !isObject(options)) throw invalidArgType("options", "object", options);
  const o = options ?? {};
  const signal = o.signal;
  if (signal !== undefined && (!isObject(signal) || !("aborted" in signal))) {
    throw invalidArgType("options.signal", "AbortSignal", signal);
  }
  return { preventClose: !!o.preventClose, preventAbort: !!o.preventAbort, preventCancel: !!o.preventCancel, signal };
}

export function isReadableStream(x: unknown): x is ReadableStream {
  return isObject(x) && (x as { _controller?: unknown })._controller !== undefined && x instanceof ReadableStream;
}

export function isReadableStreamLocked(stream: ReadableStream): boolean {
  return stream._reader !== undefined;
}

/** Whether the stream was read from or cancelled (Node's isDisturbed). */
export function isReadableStreamDisturbed(stream: ReadableStream): boolean {
  return stream._disturbed;
}

// ---- stream abstract operations ----

export function readableStreamCancel(stream: ReadableStream, reason: unknown): Promise<void> {
  stream._disturbed = true;
  if (stream._state === "closed") return Promise.resolve();
  if (stream._state === "errored") return Promise.reject(stream._storedError);
  readableStreamClose(stream);
  const reader = stream._reader;
  if (reader !== undefined && reader instanceof ReadableStreamBYOBReader) {
    const reqs = reader._readIntoRequests;
    reader._readIntoRequests = [];
    for (const r of reqs) r.close(undefined);
  }
  return stream._controller._cancelSteps(reason).then(() => undefined);
}

export function readableStreamClose(stream: ReadableStream): void {
  stream._state = "closed";
  stream._closedPromise?.resolve();
  const reader = stream._reader;
  if (reader === undefined) return;
  reader._closed.resolve(undefined);
  if (reader instanceof ReadableStreamDefaultReader) {
    const reqs = reader._readRequests;
    reader._readRequests = [];
    for (const r of reqs) r.close();
  }
}

export function readableStreamError(stream: ReadableStream, e: unknown): void {
  stream._state = "errored";
  stream._storedError = e;
  if (stream._closedPromise !== undefined) {
    stream._closedPromise.reject(e);
    markHandled(stream._closedPromise.promise);
  }
  const reader = stream._reader;
  if (reader === undefined) return;
  reader._closed.reject(e);
  markHandled(reader._closed.promise);
  if (reader instanceof ReadableStreamDefaultReader) defaultReaderErrorReadRequests(reader, e);
  else byobReaderErrorReadIntoRequests(reader, e);
}

export function readableStreamAddReadRequest(stream: ReadableStream, req: ReadRequest): void {
  (stream._reader as ReadableStreamDefaultReader)._readRequests.push(req);
}

export function readableStreamFulfillReadRequest(stream: ReadableStream, chunk: unknown, done: boolean): void {
  const reader = stream._reader as ReadableStreamDefaultReader;
  const req = reader._readRequests.shift()!;
  if (done) req.close();
  else req.chunk(chunk);
}

export function readableStreamGetNumReadRequests(stream: ReadableStream): number {
  const r = stream._reader;
  return r instanceof ReadableStreamDefaultReader ? r._readRequests.length : 0;
}

export function readableStreamHasDefaultReader(stream: ReadableStream): boolean {
  return stream._reader instanceof ReadableStreamDefaultReader;
}

/** A stream made by the spec's CreateReadableStream (pull/cancel as plain algorithms). */
export function createReadableStream<R>(start: () => unknown, pull: () => Promise<void>, cancel: (r: unknown) => Promise<void>,
  hwm = 1, size: SizeAlgorithm = () => 1): ReadableStream<R> {
  const stream = Object.create(ReadableStream.prototype) as ReadableStream<R>;
  initStream(stream);
  const c = Object.create(ReadableStreamDefaultController.prototype) as ReadableStreamDefaultController<R>;
  setUpDefaultController(stream, c, start, pull, cancel, hwm, size);
  return stream;
}

export function initStream(stream: ReadableStream): void {
  stream._state = "readable";
  stream._reader = undefined;
  stream._storedError = undefined;
  stream._disturbed = false;
}

// ---- the default controller ----

export class ReadableStreamDefaultController<R = any> implements ReadableController {
  _stream!: ReadableStream<R>;
  _queue: { value: R; size: number }[] = [];
  _queueTotalSize = 0;
  _started = false;
  _closeRequested = false;
  _pullAgain = false;
  _pulling = false;
  _strategySizeAlgorithm: SizeAlgorithm | undefined;
  _strategyHWM = 1;
  _pullAlgorithm: (() => Promise<void>) | undefined;
  _cancelAlgorithm: ((r: unknown) => Promise<void>) | undefined;

  constructor() {
    throw nodeError(TypeError, "ERR_ILLEGAL_CONSTRUCTOR", "Illegal constructor");
  }

  get desiredSize(): number | null {
    if (!(this instanceof ReadableStreamDefaultController)) throw invalidThis("ReadableStreamDefaultController");
    return defaultControllerGetDesiredSize(this);
  }

  close(): void {
    if (!(this instanceof ReadableStreamDefaultController)) throw invalidThis("ReadableStreamDefaultController");
    if (!defaultControllerCanCloseOrEnqueue(this)) throw invalidState("Controller is already closed");
    defaultControllerClose(this);
  }

  enqueue(chunk?: R): void {
    if (!(this instanceof ReadableStreamDefaultController)) throw invalidThis("ReadableStreamDefaultController");
    if (!defaultControllerCanCloseOrEnqueue(this)) throw invalidState("Controller is already closed");
    defaultControllerEnqueue(this, chunk as R);
  }

  error(e?: unknown): void {
    if (!(this instanceof ReadableStreamDefaultController)) throw invalidThis("ReadableStreamDefaultController");
    defaultControllerError(this, e);
  }

  _cancelSteps(reason: unknown): Promise<void> {
    resetQueue(this);
    const result = this._cancelAlgorithm!(reason);
    defaultControllerClearAlgorithms(this);
    return result;
  }

  _pullSteps(req: ReadRequest<R>): void {
    const stream = this._stream;
    if (this._queue.length > 0) {
      const chunk = dequeueValue(this);
      if (this._closeRequested && this._queue.length === 0) {
        defaultControllerClearAlgorithms(this);
        readableStreamClose(stream);
      } else defaultControllerCallPullIfNeeded(this);
      req.chunk(chunk);
    } else {
      readableStreamAddReadRequest(stream, req);
      defaultControllerCallPullIfNeeded(this);
    }
  }

  _releaseSteps(): void {}

  [kInspect](depth: number, options: { depth?: number | null }, inspect?: (v: unknown, o?: object) => string): unknown {
    return inspectAs("ReadableStreamDefaultController", depth, options, inspect, { stream: this._stream });
  }
}
webidlClass(ReadableStreamDefaultController, "ReadableStreamDefaultController");

function setUpDefaultControllerFromSource<R>(stream: ReadableStream<R>, src: UnderlyingSource<R>, hwm: number, size: SizeAlgorithm): void {
  const c = Object.create(ReadableStreamDefaultController.prototype) as ReadableStreamDefaultController<R>;
  const start = src.start, pull = src.pull, cancel = src.cancel;
  if (start !== undefined && typeof start !== "function") throw invalidArgType("source.start", "function", start);
  if (pull !== undefined && typeof pull !== "function") throw invalidArgType("source.pull", "function", pull);
  if (cancel !== undefined && typeof cancel !== "function") throw invalidArgType("source.cancel", "function", cancel);
  setUpDefaultController(stream, c,
    () => start?.call(src, c),
    () => promiseCall(pull, src, c),
    (r) => promiseCall(cancel, src, r),
    hwm, size);
}

export function setUpDefaultController<R>(stream: ReadableStream<R>, c: ReadableStreamDefaultController<R>,
  start: () => unknown, pull: () => Promise<void>, cancel: (r: unknown) => Promise<void>, hwm: number, size: SizeAlgorithm): void {
  c._stream = stream;
  c._queue = [];
  c._queueTotalSize = 0;
  c._started = c._closeRequested = c._pullAgain = c._pulling = false;
  c._strategySizeAlgorithm = size;
  c._strategyHWM = hwm;
  c._pullAlgorithm = pull;
  c._cancelAlgorithm = cancel;
  stream._controller = c;
  const startResult = start();
  Promise.resolve(startResult).then(() => {
    c._started = true;
    defaultControllerCallPullIfNeeded(c);
  }, (e) => defaultControllerError(c, e));
}

function defaultControllerCallPullIfNeeded(c: ReadableStreamDefaultController): void {
  if (!defaultControllerShouldCallPull(c)) return;
  if (c._pulling) {
    c._pullAgain = true;
    return;
  }
  c._pulling = true;
  c._pullAlgorithm!().then(() => {
    c._pulling = false;
    if (c._pullAgain) {
      c._pullAgain = false;
      defaultControllerCallPullIfNeeded(c);
    }
  }, (e) => defaultControllerError(c, e));
}

function defaultControllerShouldCallPull(c: ReadableStreamDefaultController): boolean {
  const stream = c._stream;
  if (!defaultControllerCanCloseOrEnqueue(c) || !c._started) return false;
  if (stream._reader !== undefined && readableStreamGetNumReadRequests(stream) > 0) return true;
  return defaultControllerGetDesiredSize(c)! > 0;
}

function defaultControllerClearAlgorithms(c: ReadableStreamDefaultController): void {
  c._pullAlgorithm = undefined;
  c._cancelAlgorithm = undefined;
  c._strategySizeAlgorithm = undefined;
}

export function defaultControllerClose(c: ReadableStreamDefaultController): void {
  if (!defaultControllerCanCloseOrEnqueue(c)) return;
  c._closeRequested = true;
  if (c._queue.length === 0) {
    defaultControllerClearAlgorithms(c);
    readableStreamClose(c._stream);
  }
}

export function defaultControllerEnqueue<R>(c: ReadableStreamDefaultController<R>, chunk: R): void {
  if (!defaultControllerCanCloseOrEnqueue(c)) return;
  const stream = c._stream;
  if (stream._reader !== undefined && readableStreamGetNumReadRequests(stream) > 0) {
    readableStreamFulfillReadRequest(stream, chunk, false);
  } else {
    let size: number;
    try {
      size = c._strategySizeAlgorithm!(chunk);
    } catch (e) {
      defaultControllerError(c, e);
      throw e;
    }
    try {
      enqueueValueWithSize(c, chunk, size);
    } catch (e) {
      defaultControllerError(c, e);
      throw e;
    }
  }
  defaultControllerCallPullIfNeeded(c);
}

export function defaultControllerError(c: ReadableStreamDefaultController, e: unknown): void {
  const stream = c._stream;
  if (stream._state !== "readable") return;
  resetQueue(c);
  defaultControllerClearAlgorithms(c);
  readableStreamError(stream, e);
}

export function defaultControllerGetDesiredSize(c: ReadableStreamDefaultController): number | null {
  const state = c._stream._state;
  if (state === "errored") return null;
  if (state === "closed") return 0;
  return c._strategyHWM - c._queueTotalSize;
}

export function defaultControllerHasBackpressure(c: ReadableStreamDefaultController): boolean {
  return !defaultControllerShouldCallPull(c);
}

export function defaultControllerCanCloseOrEnqueue(c: ReadableStreamDefaultController): boolean {
  return !c._closeRequested && c._stream._state === "readable";
}

// ---- readers ----

/** The state shared by both reader kinds (the spec's ReadableStreamGenericReader). */
export function readerGenericInitialize(reader: AnyReader, stream: ReadableStream): void {
  reader._stream = stream;
  stream._reader = reader;
  reader._closed = deferred<undefined>();
  if (stream._state === "closed") reader._closed.resolve(undefined);
  else if (stream._state === "errored") {
    reader._closed.reject(stream._storedError);
    markHandled(reader._closed.promise);
  }
}

export function readerGenericCancel(reader: AnyReader, reason: unknown): Promise<void> {
  return readableStreamCancel(reader._stream!, reason);
}

export function readerGenericRelease(reader: AnyReader): void {
  const stream = reader._stream!;
  const e = invalidState("Reader released");
  if (stream._state === "readable") reader._closed.reject(e);
  else {
    reader._closed = deferred<undefined>();
    reader._closed.reject(e);
  }
  markHandled(reader._closed.promise);
  stream._controller._releaseSteps();
  stream._reader = undefined;
  reader._stream = undefined;
}

export class ReadableStreamDefaultReader<R = any> {
  _stream: ReadableStream<R> | undefined;
  _closed!: Deferred<undefined>;
  _readRequests: ReadRequest<R>[] = [];

  constructor(stream: ReadableStream<R>) {
    if (!isReadableStream(stream)) throw invalidArgType("stream", "ReadableStream", stream);
    if (stream._reader !== undefined) throw invalidState("ReadableStream is locked");
    readerGenericInitialize(this, stream);
    this._readRequests = [];
  }

  get closed(): Promise<undefined> {
    if (!(this instanceof ReadableStreamDefaultReader)) return Promise.reject(invalidThis("ReadableStreamDefaultReader"));
    return this._closed.promise;
  }

  read(): Promise<ReadableStreamReadResult<R>> {
    if (!(this instanceof ReadableStreamDefaultReader)) return Promise.reject(invalidThis("ReadableStreamDefaultReader"));
    if (this._stream === undefined) return Promise.reject(invalidState("The reader is not attached to a stream"));
    const d = deferred<ReadableStreamReadResult<R>>();
    defaultReaderRead(this, {
      chunk: (value) => d.resolve({ value, done: false }),
      close: () => d.resolve({ value: undefined, done: true }),
      error: (e) => d.reject(e),
    });
    return d.promise;
  }

  releaseLock(): void {
    if (!(this instanceof ReadableStreamDefaultReader)) throw invalidThis("ReadableStreamDefaultReader");
    if (this._stream === undefined) return;
    defaultReaderRelease(this);
  }

  cancel(reason?: unknown): Promise<void> {
    if (!(this instanceof ReadableStreamDefaultReader)) return Promise.reject(invalidThis("ReadableStreamDefaultReader"));
    if (this._stream === undefined) return Promise.reject(invalidState("The reader is not attached to a stream"));
    return readerGenericCancel(this, reason);
  }

  [kInspect](depth: number, options: { depth?: number | null }, inspect?: (v: unknown, o?: object) => string): unknown {
    return inspectAs("ReadableStreamDefaultReader", depth, options, inspect, {
      stream: this._stream, readRequests: this._readRequests.length, close: this._closed.promise,
    });
  }
}
webidlClass(ReadableStreamDefaultReader, "ReadableStreamDefaultReader");

export type ReadableStreamReadResult<R> = { value: R; done: false } | { value: undefined; done: true };

export function defaultReaderRead<R>(reader: ReadableStreamDefaultReader<R>, req: ReadRequest<R>): void {
  const stream = reader._stream!;
  stream._disturbed = true;
  if (stream._state === "closed") req.close();
  else if (stream._state === "errored") req.error(stream._storedError);
  else stream._controller._pullSteps(req);
}

export function defaultReaderRelease(reader: ReadableStreamDefaultReader): void {
  readerGenericRelease(reader);
  defaultReaderErrorReadRequests(reader, invalidState("Releasing reader"));
}

function defaultReaderErrorReadRequests(reader: ReadableStreamDefaultReader, e: unknown): void {
  const reqs = reader._readRequests;
  reader._readRequests = [];
  for (const r of reqs) r.error(e);
}

export function acquireDefaultReader<R>(stream: ReadableStream<R>): ReadableStreamDefaultReader<R> {
  return new ReadableStreamDefaultReader(stream);
}

// ---- async iteration ----

const AsyncIteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf(async function* () {}).prototype);

interface IteratorState<R> {
  reader: ReadableStreamDefaultReader<R>;
  preventCancel: boolean;
  ongoing: Promise<IteratorResult<R>> | undefined;
  /** A read request is pending. */
  reading: boolean;
  finished: boolean;
}

const kIter = Symbol("kIteratorState");

const StreamAsyncIteratorPrototype = Object.setPrototypeOf({
  next(this: { [kIter]: IteratorState<unknown> }): Promise<IteratorResult<unknown>> {
    const st = this?.[kIter];
    if (st === undefined) return Promise.reject(invalidThis("ReadableStreamAsyncIterator"));
    const step = (): Promise<IteratorResult<unknown>> => {
      if (st.finished) return Promise.resolve({ value: undefined, done: true });
      const reader = st.reader;
      if (reader._stream === undefined) return Promise.reject(invalidState("The reader is not attached to a stream"));
      const d = deferred<IteratorResult<unknown>>();
      st.reading = true;
      defaultReaderRead(reader, {
        chunk: (value) => { st.ongoing = undefined; st.reading = false; d.resolve({ value, done: false }); },
        close: () => {
          st.ongoing = undefined;
          st.reading = false;
          st.finished = true;
          defaultReaderRelease(reader);
          d.resolve({ value: undefined, done: true });
        },
        error: (e) => {
          st.ongoing = undefined;
          st.reading = false;
          st.finished = true;
          defaultReaderRelease(reader);
          d.reject(e);
        },
      });
      return d.promise;
    };
    if (st.ongoing) return (st.ongoing = st.ongoing.then(step, step));
    // A read answered at once leaves nothing in flight, so a return() right after it releases the lock at once
    // (engines that do not await return() in `for await ... break` see the stream unlocked, as with Node).
    const p = step();
    if (st.reading) st.ongoing = p;
    return p;
  },
  return(this: { [kIter]: IteratorState<unknown> }, value?: unknown): Promise<IteratorResult<unknown>> {
    const st = this?.[kIter];
    if (st === undefined) return Promise.reject(invalidThis("ReadableStreamAsyncIterator"));
    const step = (): Promise<IteratorResult<unknown>> => {
      if (st.finished) return Promise.resolve({ value, done: true });
      st.finished = true;
      const reader = st.reader;
      if (reader._stream === undefined) return Promise.resolve({ value, done: true });
      if (!st.preventCancel) {
        const result = readerGenericCancel(reader, value);
        defaultReaderRelease(reader);
        return result.then(() => ({ value, done: true }));
      }
      defaultReaderRelease(reader);
      return Promise.resolve({ value, done: true });
    };
    return st.ongoing ? st.ongoing.then(step, step) : step();
  },
}, AsyncIteratorPrototype);

function createAsyncIterator<R>(stream: ReadableStream<R>, preventCancel: boolean): AsyncIterableIterator<R> {
  const reader = acquireDefaultReader(stream);
  const it = Object.create(StreamAsyncIteratorPrototype);
  it[kIter] = { reader, preventCancel, ongoing: undefined, reading: false, finished: false };
  return it;
}

// ---- ReadableStream.from ----

function readableStreamFromIterable<R>(iterable: Iterable<R> | AsyncIterable<R>): ReadableStream<R> {
  let iterator: AsyncIterator<R> | Iterator<R>;
  let isAsync = true;
  const obj = iterable as { [Symbol.asyncIterator]?: unknown; [Symbol.iterator]?: unknown };
  if (obj == null) throw nodeError(TypeError, "ERR_ARG_NOT_ITERABLE", `${String(obj)} must be iterable`);
  let method = obj[Symbol.asyncIterator];
  if (method == null) {
    method = obj[Symbol.iterator];
    isAsync = false;
    if (method == null) throw nodeError(TypeError, "ERR_ARG_NOT_ITERABLE", `${String(obj)} must be iterable`);
  }
  if (typeof method !== "function") throw new TypeError(`${typeof method === "object" ? "object" : String(method)} is not a function`);
  iterator = method.call(obj);
  if (!isObject(iterator)) throw invalidState("The iterator method must return an object");
  const next = iterator.next as (this: unknown) => unknown;
  let stream: ReadableStream<R>;
  const pull = (): Promise<void> => {
    let result: unknown;
    try {
      result = next.call(iterator);
      if (!isAsync && isObject(result)) {
        const r = result as IteratorResult<R>;
        // A sync iterator's values are awaited as %AsyncFromSyncIteratorPrototype% does.
        result = r.done ? Promise.resolve(r) : Promise.resolve(r.value).then((value) => ({ value, done: false }));
      }
    } catch (e) {
      return Promise.reject(e);
    }
    return Promise.resolve(result).then((r) => {
      if (!isObject(r)) throw invalidState("The iterator.next() method must return an object");
      const ir = r as IteratorResult<R>;
      if (ir.done) defaultControllerClose(stream._controller as ReadableStreamDefaultController<R>);
      else defaultControllerEnqueue(stream._controller as ReadableStreamDefaultController<R>, ir.value);
    });
  };
  const cancel = (reason: unknown): Promise<void> => {
    let ret: unknown;
    try {
      ret = (iterator as { return?: unknown }).return;
      if (ret == null) return Promise.resolve();
      if (typeof ret !== "function") throw new TypeError(`${String(ret)} is not a function`);
      const r = (ret as (v: unknown) => unknown).call(iterator, reason);
      return Promise.resolve(r).then((v) => {
        if (!isObject(v)) throw invalidState("The iterator.return() method must return an object");
      });
    } catch (e) {
      return Promise.reject(e);
    }
  };
  stream = createReadableStream<R>(() => undefined, pull, cancel, 0);
  return stream;
}

export { queueMicrotaskSafe };
export { byteStreamControllerClose, byteStreamControllerEnqueue };
