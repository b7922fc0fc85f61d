// libos/web/streams/writable_stream.ts — the WHATWG WritableStream (Streams Standard §5) as Node 20 exposes it:
// the stream, WritableStreamDefaultController (with its `signal`) and WritableStreamDefaultWriter, with the spec's
// erroring/abort/close state machine and backpressure, and Node's errors (ERR_INVALID_STATE, ERR_INVALID_THIS).
// Layer: libos (web platform). Depends on libos/web/abort.ts (the controller's signal). No side effects at import.
import {
  deferred, dequeueValue, kIsClosedPromise, kIsErrored, kIsWritable, enqueueValueWithSize, extractHighWaterMark, extractSizeAlgorithm, inspectAs, invalidArgType,
  invalidState, invalidThis, invalidValue, isObject, kInspect, markHandled, peekQueueValue, promiseCall, resetQueue,
  type Deferred, type SizeAlgorithm, type Strategy,
} from "./_util.ts";
import { webidlClass } from "../_util.ts";
import { nodeError } from "../../util/errors.ts";
import { AbortController as AbortControllerClass } from "../abort.ts";

type WState = "writable" | "closed" | "erroring" | "errored";

export interface UnderlyingSink<W = any> {
  type?: undefined;
  start?: (controller: WritableStreamDefaultController) => unknown;
  write?: (chunk: W, controller: WritableStreamDefaultController) => unknown;
  close?: () => unknown;
  abort?: (reason: unknown) => unknown;
}

const closeSentinel = Symbol("close");

export class WritableStream<W = any> {
  _state: WState = "writable";
  _storedError: unknown = undefined;
  _writer: WritableStreamDefaultWriter<W> | undefined = undefined;
  _controller!: WritableStreamDefaultController<W>;
  _inFlightWriteRequest: Deferred<void> | undefined = undefined;
  _closeRequest: Deferred<void> | undefined = undefined;
  _inFlightCloseRequest: Deferred<void> | undefined = undefined;
  _pendingAbortRequest: { d: Deferred<void>; reason: unknown; wasAlreadyErroring: boolean } | undefined = undefined;
  _writeRequests: Deferred<void>[] = [];
  _backpressure = false;
  /** Settles when the stream closes or errors; made on first use (node:stream's finished() reads it). */
  _closedPromise: Deferred<void> | undefined;

  constructor(underlyingSink: UnderlyingSink<W> | null = null, strategy: Strategy | undefined = undefined) {
    if (underlyingSink !== null && !isObject(underlyingSink)) throw invalidArgType("sink", "object", underlyingSink);
    if (strategy !== undefined && strategy !== null && !isObject(strategy)) throw invalidArgType("strategy", "object", strategy);
    const sink = (underlyingSink ?? {}) as UnderlyingSink<W>;
    if (sink.type !== undefined) throw invalidValue("type", sink.type, RangeError);
    const size = extractSizeAlgorithm(strategy);
    const hwm = extractHighWaterMark(strategy, 1);
    const start = sink.start, write = sink.write, close = sink.close, abort = sink.abort;
    if (start !== undefined && typeof start !== "function") throw invalidArgType("sink.start", "function", start);
    if (write !== undefined && typeof write !== "function") throw invalidArgType("sink.write", "function", write);
    if (close !== undefined && typeof close !== "function") throw invalidArgType("sink.close", "function", close);
    if (abort !== undefined && typeof abort !== "function") throw invalidArgType("sink.abort", "function", abort);
    const c = Object.create(WritableStreamDefaultController.prototype) as WritableStreamDefaultController<W>;
    setUpWritableController(this, c, () => start?.call(sink, c), (chunk) => promiseCall(write, sink, chunk, c),
      () => promiseCall(close, sink), (r) => promiseCall(abort, sink, r), hwm, size);
  }

  get locked(): boolean {
    if (!isWritableStream(this)) throw invalidThis("WritableStream");
    return this._writer !== undefined;
  }

  abort(reason?: unknown): Promise<void> {
    if (!isWritableStream(this)) return Promise.reject(invalidThis("WritableStream"));
    if (this._writer !== undefined) return Promise.reject(invalidState("WritableStream is locked"));
    return writableStreamAbort(this, reason);
  }

  close(): Promise<void> {
    if (!isWritableStream(this)) return Promise.reject(invalidThis("WritableStream"));
    if (this._writer !== undefined) return Promise.reject(invalidState("WritableStream is locked"));
    if (closeQueuedOrInFlight(this)) return Promise.reject(invalidState("Failure to close WritableStream"));
    return writableStreamClose(this);
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

  get [kIsErrored](): boolean {
    return this._state === "errored";
  }

  get [kIsWritable](): boolean {
    return this._state === "writable";
  }

  getWriter(): WritableStreamDefaultWriter<W> {
    if (!isWritableStream(this)) throw invalidThis("WritableStream");
    return new WritableStreamDefaultWriter(this);
  }

  [kInspect](depth: number, options: { depth?: number | null }, inspect?: (v: unknown, o?: object) => string): unknown {
    return inspectAs("WritableStream", depth, options, inspect, { locked: this._writer !== undefined, state: this._state });
  }
}
webidlClass(WritableStream, "WritableStream");

export function isWritableStream(x: unknown): x is WritableStream {
  return isObject(x) && (x as { _controller?: unknown })._controller !== undefined && x instanceof WritableStream;
}

export function isWritableStreamLocked(s: WritableStream): boolean {
  return s._writer !== undefined;
}

/** A stream made by the spec's CreateWritableStream (algorithms given directly). */
export function createWritableStream<W>(start: () => unknown, write: (chunk: W) => Promise<void>, close: () => Promise<void>,
  abort: (r: unknown) => Promise<void>, hwm = 1, size: SizeAlgorithm = () => 1): WritableStream<W> {
  const s = Object.create(WritableStream.prototype) as WritableStream<W>;
  initWritable(s);
  const c = Object.create(WritableStreamDefaultController.prototype) as WritableStreamDefaultController<W>;
  setUpWritableController(s, c, start, write, close, abort, hwm, size);
  return s;
}

export function initWritable(s: WritableStream): void {
  s._state = "writable";
  s._storedError = undefined;
  s._writer = undefined;
  s._inFlightWriteRequest = s._closeRequest = s._inFlightCloseRequest = undefined;
  s._pendingAbortRequest = undefined;
  s._writeRequests = [];
  s._backpressure = false;
}

export function writableStreamAbort(stream: WritableStream, reason: unknown): Promise<void> {
  if (stream._state === "closed" || stream._state === "errored") return Promise.resolve();
  controllerSignalAbort(stream._controller, reason);
  const state = stream._state as WState;
  if (state === "closed" || state === "errored") return Promise.resolve();
  if (stream._pendingAbortRequest !== undefined) return stream._pendingAbortRequest.d.promise;
  let wasAlreadyErroring = false;
  if (state === "erroring") {
    wasAlreadyErroring = true;
    reason = undefined;
  }
  const d = deferred<void>();
  stream._pendingAbortRequest = { d, reason, wasAlreadyErroring };
  if (!wasAlreadyErroring) startErroring(stream, reason);
  return d.promise;
}

export function writableStreamClose(stream: WritableStream): Promise<void> {
  const state = stream._state;
  if (state === "closed" || state === "errored") return Promise.reject(invalidState("WritableStream is closed"));
  const d = deferred<void>();
  stream._closeRequest = d;
  const writer = stream._writer;
  if (writer !== undefined && stream._backpressure && state === "writable") writer._ready.resolve();
  enqueueValueWithSize(stream._controller, closeSentinel, 0);
  advanceQueueIfNeeded(stream._controller);
  return d.promise;
}

export function closeQueuedOrInFlight(stream: WritableStream): boolean {
  return stream._closeRequest !== undefined || stream._inFlightCloseRequest !== undefined;
}

function dealWithRejection(stream: WritableStream, error: unknown): void {
  if (stream._state === "writable") {
    startErroring(stream, error);
    return;
  }
  finishErroring(stream);
}

function finishErroring(stream: WritableStream): void {
  stream._state = "errored";
  if (stream._closedPromise !== undefined) {
    stream._closedPromise.reject(stream._storedError);
    markHandled(stream._closedPromise.promise);
  }
  resetQueue(stream._controller);
  const storedError = stream._storedError;
  for (const r of stream._writeRequests) r.reject(storedError);
  stream._writeRequests = [];
  const abortRequest = stream._pendingAbortRequest;
  if (abortRequest === undefined) {
    rejectCloseAndClosedPromiseIfNeeded(stream);
    return;
  }
  stream._pendingAbortRequest = undefined;
  if (abortRequest.wasAlreadyErroring) {
    abortRequest.d.reject(storedError);
    rejectCloseAndClosedPromiseIfNeeded(stream);
    return;
  }
  const c = stream._controller;
  const p = c._abortAlgorithm!(abortRequest.reason);
  clearAlgorithms(c);
  p.then(() => {
    abortRequest.d.resolve();
    rejectCloseAndClosedPromiseIfNeeded(stream);
  }, (r) => {
    abortRequest.d.reject(r);
    rejectCloseAndClosedPromiseIfNeeded(stream);
  });
}

function finishInFlightClose(stream: WritableStream): void {
  stream._inFlightCloseRequest!.resolve();
  stream._inFlightCloseRequest = undefined;
  if (stream._state === "erroring") {
    stream._storedError = undefined;
    if (stream._pendingAbortRequest !== undefined) {
      stream._pendingAbortRequest.d.resolve();
      stream._pendingAbortRequest = undefined;
    }
  }
  stream._state = "closed";
  stream._closedPromise?.resolve();
  const writer = stream._writer;
  if (writer !== undefined) writer._closed.resolve();
}

function finishInFlightCloseWithError(stream: WritableStream, error: unknown): void {
  stream._inFlightCloseRequest!.reject(error);
  stream._inFlightCloseRequest = undefined;
  if (stream._pendingAbortRequest !== undefined) {
    stream._pendingAbortRequest.d.reject(error);
    stream._pendingAbortRequest = undefined;
  }
  dealWithRejection(stream, error);
}

function rejectCloseAndClosedPromiseIfNeeded(stream: WritableStream): void {
  if (stream._closeRequest !== undefined) {
    stream._closeRequest.reject(stream._storedError);
    stream._closeRequest = undefined;
  }
  const writer = stream._writer;
  if (writer !== undefined) {
    writer._closed.reject(stream._storedError);
    markHandled(writer._closed.promise);
  }
}

function startErroring(stream: WritableStream, reason: unknown): void {
  const c = stream._controller;
  stream._state = "erroring";
  stream._storedError = reason;
  const writer = stream._writer;
  if (writer !== undefined) writerEnsureReadyPromiseRejected(writer, reason);
  if (stream._inFlightWriteRequest === undefined && stream._inFlightCloseRequest === undefined && c._started) finishErroring(stream);
}

function updateBackpressure(stream: WritableStream, backpressure: boolean): void {
  const writer = stream._writer;
  if (writer !== undefined && backpressure !== stream._backpressure) {
    if (backpressure) writer._ready = deferred<void>();
    else writer._ready.resolve();
  }
  stream._backpressure = backpressure;
}

// ---- the writer ----

export class WritableStreamDefaultWriter<W = any> {
  _stream: WritableStream<W> | undefined;
  _ready!: Deferred<void>;
  _closed!: Deferred<void>;

  constructor(stream: WritableStream<W>) {
    if (!isWritableStream(stream)) throw invalidArgType("stream", "WritableStream", stream);
    if (stream._writer !== undefined) throw invalidState("WritableStream is locked");
    this._stream = stream;
    stream._writer = this;
    const state = stream._state;
    this._ready = deferred<void>();
    this._closed = deferred<void>();
    if (state === "writable") {
      if (closeQueuedOrInFlight(stream) || !stream._backpressure) this._ready.resolve();
    } else if (state === "erroring") {
      this._ready.reject(stream._storedError);
      markHandled(this._ready.promise);
    } else if (state === "closed") {
      this._ready.resolve();
      this._closed.resolve();
    } else {
      this._ready.reject(stream._storedError);
      markHandled(this._ready.promise);
      this._closed.reject(stream._storedError);
      markHandled(this._closed.promise);
    }
  }

  get closed(): Promise<void> {
    if (!(this instanceof WritableStreamDefaultWriter)) return Promise.reject(invalidThis("WritableStreamDefaultWriter"));
    return this._closed.promise;
  }

  get ready(): Promise<void> {
    if (!(this instanceof WritableStreamDefaultWriter)) return Promise.reject(invalidThis("WritableStreamDefaultWriter"));
    return this._ready.promise;
  }

  get desiredSize(): number | null {
    if (!(this instanceof WritableStreamDefaultWriter)) throw invalidThis("WritableStreamDefaultWriter");
    if (this._stream === undefined) throw invalidState("Writer is not bound to a WritableStream");
    return writerGetDesiredSize(this);
  }

  abort(reason?: unknown): Promise<void> {
    if (!(this instanceof WritableStreamDefaultWriter)) return Promise.reject(invalidThis("WritableStreamDefaultWriter"));
    if (this._stream === undefined) return Promise.reject(invalidState("Writer is not bound to a WritableStream"));
    return writableStreamAbort(this._stream, reason);
  }

  close(): Promise<void> {
    if (!(this instanceof WritableStreamDefaultWriter)) return Promise.reject(invalidThis("WritableStreamDefaultWriter"));
    const stream = this._stream;
    if (stream === undefined) return Promise.reject(invalidState("Writer is not bound to a WritableStream"));
    if (closeQueuedOrInFlight(stream)) return Promise.reject(invalidState("Failure to close WritableStream"));
    return writableStreamClose(stream);
  }

  releaseLock(): void {
    if (!(this instanceof WritableStreamDefaultWriter)) throw invalidThis("WritableStreamDefaultWriter");
    if (this._stream === undefined) return;
    writerRelease(this);
  }

  write(chunk?: W): Promise<void> {
    if (!(this instanceof WritableStreamDefaultWriter)) return Promise.reject(invalidThis("WritableStreamDefaultWriter"));
    if (this._stream === undefined) return Promise.reject(invalidState("Writer is not bound to a WritableStream"));
    return writerWrite(this, chunk as W);
  }

  [kInspect](depth: number, options: { depth?: number | null }, inspect?: (v: unknown, o?: object) => string): unknown {
    return inspectAs("WritableStreamDefaultWriter", depth, options, inspect, {
      stream: this._stream, close: this._closed.promise, ready: this._ready.promise, desiredSize: this._stream ? writerGetDesiredSize(this) : null,
    });
  }
}
webidlClass(WritableStreamDefaultWriter, "WritableStreamDefaultWriter");

export function acquireWriter<W>(stream: WritableStream<W>): WritableStreamDefaultWriter<W> {
  return new WritableStreamDefaultWriter(stream);
}

export function writerCloseWithErrorPropagation(writer: WritableStreamDefaultWriter): Promise<void> {
  const stream = writer._stream!;
  const state = stream._state;
  if (closeQueuedOrInFlight(stream) || state === "closed") return Promise.resolve();
  if (state === "errored") return Promise.reject(stream._storedError);
  return writableStreamClose(stream);
}

function writerEnsureClosedPromiseRejected(writer: WritableStreamDefaultWriter, error: unknown): void {
  if (writer._closed.settled) writer._closed = deferred<void>();
  writer._closed.reject(error);
  markHandled(writer._closed.promise);
}

function writerEnsureReadyPromiseRejected(writer: WritableStreamDefaultWriter, error: unknown): void {
  if (writer._ready.settled) writer._ready = deferred<void>();
  writer._ready.reject(error);
  markHandled(writer._ready.promise);
}

export function writerGetDesiredSize(writer: WritableStreamDefaultWriter): number | null {
  const stream = writer._stream!;
  const state = stream._state;
  if (state === "errored" || state === "erroring") return null;
  if (state === "closed") return 0;
  return stream._controller._strategyHWM - stream._controller._queueTotalSize;
}

export function writerRelease(writer: WritableStreamDefaultWriter): void {
  const stream = writer._stream!;
  const released = invalidState("Writer has been released");
  writerEnsureReadyPromiseRejected(writer, released);
  writerEnsureClosedPromiseRejected(writer, released);
  stream._writer = undefined;
  writer._stream = undefined;
}

export function writerWrite<W>(writer: WritableStreamDefaultWriter<W>, chunk: W): Promise<void> {
  const stream = writer._stream!;
  const c = stream._controller;
  const chunkSize = controllerGetChunkSize(c, chunk);
  if (stream !== writer._stream) return Promise.reject(invalidState("Writer is not bound to a WritableStream"));
  const state = stream._state;
  if (state === "errored") return Promise.reject(stream._storedError);
  if (closeQueuedOrInFlight(stream) || state === "closed") return Promise.reject(invalidState("WritableStream is closed"));
  if (state === "erroring") return Promise.reject(stream._storedError);
  const d = deferred<void>();
  stream._writeRequests.push(d);
  controllerWrite(c, chunk, chunkSize);
  return d.promise;
}

// ---- the controller ----

export class WritableStreamDefaultController<W = any> {
  _stream!: WritableStream<W>;
  _queue: { value: W | typeof closeSentinel; size: number }[] = [];
  _queueTotalSize = 0;
  _started = false;
  _strategySizeAlgorithm: SizeAlgorithm | undefined;
  _strategyHWM = 1;
  _writeAlgorithm: ((chunk: W) => Promise<void>) | undefined;
  _closeAlgorithm: (() => Promise<void>) | undefined;
  _abortAlgorithm: ((r: unknown) => Promise<void>) | undefined;
  _abortController: AbortController | undefined;
  _aborted = false;
  _abortReason: unknown;

  constructor() {
    throw nodeError(TypeError, "ERR_ILLEGAL_CONSTRUCTOR", "Illegal constructor");
  }

  /** An AbortSignal aborted (with the reason) when the stream is aborted; made on first use. */
  get signal(): AbortSignal {
    if (!(this instanceof WritableStreamDefaultController)) throw invalidThis("WritableStreamDefaultController");
    if (this._abortController === undefined) {
      this._abortController = new AbortControllerClass() as unknown as AbortController;
      if (this._aborted) this._abortController.abort(this._abortReason);
    }
    return this._abortController.signal;
  }

  error(e?: unknown): void {
    if (!(this instanceof WritableStreamDefaultController)) throw invalidThis("WritableStreamDefaultController");
    if (this._stream._state !== "writable") return;
    controllerError(this, e);
  }

  [kInspect](depth: number, options: { depth?: number | null }, inspect?: (v: unknown, o?: object) => string): unknown {
    return inspectAs("WritableStreamDefaultController", depth, options, inspect, { stream: this._stream });
  }
}
webidlClass(WritableStreamDefaultController, "WritableStreamDefaultController");

function controllerSignalAbort(c: WritableStreamDefaultController, reason: unknown): void {
  if (c._aborted) return;
  c._aborted = true;
  c._abortReason = reason;
  c._abortController?.abort(reason);
}

export function setUpWritableController<W>(stream: WritableStream<W>, c: WritableStreamDefaultController<W>, start: () => unknown,
  write: (chunk: W) => Promise<void>, close: () => Promise<void>, abort: (r: unknown) => Promise<void>, hwm: number, size: SizeAlgorithm): void {
  c._stream = stream;
  stream._controller = c;
  c._queue = [];
  c._queueTotalSize = 0;
  c._abortController = undefined;
  c._aborted = false;
  c._abortReason = undefined;
  c._started = false;
  c._strategySizeAlgorithm = size;
  c._strategyHWM = hwm;
  c._writeAlgorithm = write;
  c._closeAlgorithm = close;
  c._abortAlgorithm = abort;
  updateBackpressure(stream, controllerGetBackpressure(c));
  Promise.resolve(start()).then(() => {
    c._started = true;
    advanceQueueIfNeeded(c);
  }, (r) => {
    c._started = true;
    dealWithRejection(stream, r);
  });
}

function advanceQueueIfNeeded(c: WritableStreamDefaultController): void {
  const stream = c._stream;
  if (!c._started || stream._inFlightWriteRequest !== undefined) return;
  if (stream._state === "erroring") {
    finishErroring(stream);
    return;
  }
  if (c._queue.length === 0) return;
  const value = peekQueueValue(c);
  if (value === closeSentinel) processClose(c);
  else processWrite(c, value);
}

function clearAlgorithms(c: WritableStreamDefaultController): void {
  c._writeAlgorithm = undefined;
  c._closeAlgorithm = undefined;
  c._abortAlgorithm = undefined;
  c._strategySizeAlgorithm = undefined;
}

function controllerErrorIfNeeded(c: WritableStreamDefaultController, e: unknown): void {
  if (c._stream._state === "writable") controllerError(c, e);
}

function controllerGetBackpressure(c: WritableStreamDefaultController): boolean {
  return c._strategyHWM - c._queueTotalSize <= 0;
}

function controllerGetChunkSize<W>(c: WritableStreamDefaultController<W>, chunk: W): number {
  if (c._strategySizeAlgorithm === undefined) return 1;
  try {
    return c._strategySizeAlgorithm(chunk);
  } catch (e) {
    controllerErrorIfNeeded(c, e);
    return 1;
  }
}

function processClose(c: WritableStreamDefaultController): void {
  const stream = c._stream;
  stream._inFlightCloseRequest = stream._closeRequest;
  stream._closeRequest = undefined;
  dequeueValue(c);
  const p = c._closeAlgorithm!();
  clearAlgorithms(c);
  p.then(() => finishInFlightClose(stream), (r) => finishInFlightCloseWithError(stream, r));
}

function processWrite<W>(c: WritableStreamDefaultController<W>, chunk: W): void {
  const stream = c._stream;
  stream._inFlightWriteRequest = stream._writeRequests.shift();
  c._writeAlgorithm!(chunk).then(() => {
    stream._inFlightWriteRequest!.resolve();
    stream._inFlightWriteRequest = undefined;
    const state = stream._state;
    dequeueValue(c);
    if (!closeQueuedOrInFlight(stream) && state === "writable") updateBackpressure(stream, controllerGetBackpressure(c));
    advanceQueueIfNeeded(c);
  }, (r) => {
    if (stream._state === "writable") clearAlgorithms(c);
    stream._inFlightWriteRequest!.reject(r);
    stream._inFlightWriteRequest = undefined;
    dealWithRejection(stream, r);
  });
}

function controllerWrite<W>(c: WritableStreamDefaultController<W>, chunk: W, chunkSize: number): void {
  try {
    enqueueValueWithSize(c, chunk, chunkSize);
  } catch (e) {
    controllerErrorIfNeeded(c, e);
    return;
  }
  const stream = c._stream;
  if (!closeQueuedOrInFlight(stream) && stream._state === "writable") updateBackpressure(stream, controllerGetBackpressure(c));
  advanceQueueIfNeeded(c);
}

export function controllerError(c: WritableStreamDefaultController, e: unknown): void {
  clearAlgorithms(c);
  startErroring(c._stream, e);
}

/** Used by TransformStream: errors the writable side if it is still writable. */
export function writableStreamDefaultControllerErrorIfNeeded(c: WritableStreamDefaultController, e: unknown): void {
  controllerErrorIfNeeded(c, e);
}

/** Used by TransformStream: starts erroring a stream that is writable (the spec's WritableStreamStartErroring). */
export function writableStreamStartErroring(stream: WritableStream, reason: unknown): void {
  startErroring(stream, reason);
}

export function writableStreamUpdateBackpressure(stream: WritableStream, bp: boolean): void {
  updateBackpressure(stream, bp);
}
