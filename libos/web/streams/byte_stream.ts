// libos/web/streams/byte_stream.ts — readable byte streams (Streams Standard §4.7–4.9): ReadableByteStreamController
// with its pending pull-into descriptors and autoAllocateChunkSize, ReadableStreamBYOBReader (read(view, { min })),
// and ReadableStreamBYOBRequest (respond, respondWithNewView). Chunks handed in are transferred (their buffers
// detached) as the spec says, where the engine can transfer an ArrayBuffer.
// Layer: libos (web platform). Works with readable_stream.ts (mutually imported; nothing runs at import).
import { invalidArgType, invalidState, invalidThis, isDetached, isObject, kInspect, inspectAs, copyBytes, markHandled,
  promiseCall, resetQueue, transferArrayBuffer, deferred, type Deferred } from "./_util.ts";
import { webidlClass } from "../_util.ts";
import {
  ReadableStream, readableStreamClose, readableStreamError, readableStreamFulfillReadRequest, readableStreamGetNumReadRequests,
  readableStreamHasDefaultReader, readableStreamAddReadRequest, readerGenericCancel, readerGenericInitialize,
  readerGenericRelease, isReadableStream, type ReadRequest, type ReadableController, type UnderlyingSource,
} from "./readable_stream.ts";
import { nodeError, outOfRange } from "../../util/errors.ts";

type ViewCtor = new (buffer: ArrayBuffer, byteOffset: number, length: number) => ArrayBufferView;

interface PullIntoDescriptor {
  buffer: ArrayBuffer;
  bufferByteLength: number;
  byteOffset: number;
  byteLength: number;
  bytesFilled: number;
  minimumFill: number;
  elementSize: number;
  viewConstructor: ViewCtor;
  readerType: "default" | "byob" | "none";
}

interface QueueEntry { buffer: ArrayBuffer; byteOffset: number; byteLength: number }

export interface ReadIntoRequest {
  chunk(view: ArrayBufferView): void;
  close(view: ArrayBufferView | undefined): void;
  error(e: unknown): void;
}

function illegal(): never {
  throw nodeError(TypeError, "ERR_ILLEGAL_CONSTRUCTOR", "Illegal constructor");
}

export class ReadableByteStreamController implements ReadableController {
  _stream!: ReadableStream;
  _queue: QueueEntry[] = [];
  _queueTotalSize = 0;
  _started = false;
  _closeRequested = false;
  _pullAgain = false;
  _pulling = false;
  _byobRequest: ReadableStreamBYOBRequest | null = null;
  _strategyHWM = 0;
  _pullAlgorithm: (() => Promise<void>) | undefined;
  _cancelAlgorithm: ((r: unknown) => Promise<void>) | undefined;
  _autoAllocateChunkSize: number | undefined;
  _pendingPullIntos: PullIntoDescriptor[] = [];

  constructor() {
    illegal();
  }

  get byobRequest(): ReadableStreamBYOBRequest | null {
    if (!(this instanceof ReadableByteStreamController)) throw invalidThis("ReadableByteStreamController");
    return getBYOBRequest(this);
  }

  get desiredSize(): number | null {
    if (!(this instanceof ReadableByteStreamController)) throw invalidThis("ReadableByteStreamController");
    return byteControllerGetDesiredSize(this);
  }

  close(): void {
    if (!(this instanceof ReadableByteStreamController)) throw invalidThis("ReadableByteStreamController");
    if (this._closeRequested) throw invalidState("Controller is already closed");
    if (this._stream._state !== "readable") throw invalidState("ReadableStream is already closed");
    byteStreamControllerClose(this);
  }

  enqueue(chunk: ArrayBufferView): void {
    if (!(this instanceof ReadableByteStreamController)) throw invalidThis("ReadableByteStreamController");
    if (!ArrayBuffer.isView(chunk)) throw invalidArgType("buffer", ["Buffer", "TypedArray", "DataView"], chunk);
    if (chunk.byteLength === 0 || isDetached(chunk.buffer)) throw invalidState("chunk ArrayBuffer is zero-length or detached");
    if (this._closeRequested) throw invalidState("Controller is already closed");
    if (this._stream._state !== "readable") throw invalidState("ReadableStream is already closed");
    byteStreamControllerEnqueue(this, chunk);
  }

  error(e?: unknown): void {
    if (!(this instanceof ReadableByteStreamController)) throw invalidThis("ReadableByteStreamController");
    byteControllerError(this, e);
  }

  _cancelSteps(reason: unknown): Promise<void> {
    clearPendingPullIntos(this);
    resetQueue(this as never);
    const result = this._cancelAlgorithm!(reason);
    clearAlgorithms(this);
    return result;
  }

  _pullSteps(req: ReadRequest): void {
    const stream = this._stream;
    if (this._queueTotalSize > 0) {
      fillReadRequestFromQueue(this, req);
      return;
    }
    const size = this._autoAllocateChunkSize;
    if (size !== undefined) {
      let buffer: ArrayBuffer;
      try {
        buffer = new ArrayBuffer(size);
      } catch (e) {
        req.error(e);
        return;
      }
      this._pendingPullIntos.push({ buffer, bufferByteLength: size, byteOffset: 0, byteLength: size, bytesFilled: 0,
        minimumFill: 1, elementSize: 1, viewConstructor: Uint8Array as ViewCtor, readerType: "default" });
    }
    readableStreamAddReadRequest(stream, req);
    callPullIfNeeded(this);
  }

  _releaseSteps(): void {
    if (this._pendingPullIntos.length > 0) {
      const first = this._pendingPullIntos[0];
      first.readerType = "none";
      this._pendingPullIntos = [first];
    }
  }

  [kInspect](depth: number, options: { depth?: number | null }, inspect?: (v: unknown, o?: object) => string): unknown {
    return inspectAs("ReadableByteStreamController", depth, options, inspect, { stream: this._stream });
  }
}
webidlClass(ReadableByteStreamController, "ReadableByteStreamController");

export class ReadableStreamBYOBRequest {
  _controller: ReadableByteStreamController | undefined;
  _view: ArrayBufferView | null = null;

  constructor() {
    illegal();
  }

  get view(): ArrayBufferView | null {
    if (!(this instanceof ReadableStreamBYOBRequest)) throw invalidThis("ReadableStreamBYOBRequest");
    return this._view;
  }

  respond(bytesWritten: number): void {
    if (!(this instanceof ReadableStreamBYOBRequest)) throw invalidThis("ReadableStreamBYOBRequest");
    const n = Number(bytesWritten);
    if (n !== n || n < 0 || n === Infinity) throw outOfRange("bytesWritten", ">= 0 and finite", bytesWritten);
    if (this._controller === undefined) throw invalidState("This BYOB request has been invalidated");
    if (isDetached(this._view!.buffer) || this._view!.byteLength === 0 && this._view!.buffer.byteLength === 0) {
      throw invalidState("Viewed ArrayBuffer is detached");
    }
    byteControllerRespond(this._controller, Math.trunc(n));
  }

  respondWithNewView(view: ArrayBufferView): void {
    if (!(this instanceof ReadableStreamBYOBRequest)) throw invalidThis("ReadableStreamBYOBRequest");
    if (!ArrayBuffer.isView(view)) throw invalidArgType("view", ["Buffer", "TypedArray", "DataView"], view);
    if (this._controller === undefined) throw invalidState("This BYOB request has been invalidated");
    if (isDetached(view.buffer)) throw invalidState("Viewed ArrayBuffer is detached");
    byteControllerRespondWithNewView(this._controller, view);
  }

  [kInspect](depth: number, options: { depth?: number | null }, inspect?: (v: unknown, o?: object) => string): unknown {
    return inspectAs("ReadableStreamBYOBRequest", depth, options, inspect, { view: this._view, controller: this._controller });
  }
}
webidlClass(ReadableStreamBYOBRequest, "ReadableStreamBYOBRequest");

export class ReadableStreamBYOBReader {
  _stream: ReadableStream | undefined;
  _closed!: Deferred<undefined>;
  _readIntoRequests: ReadIntoRequest[] = [];

  constructor(stream: ReadableStream) {
    if (!isReadableStream(stream)) throw invalidArgType("stream", "ReadableStream", stream);
    if (stream._reader !== undefined) throw invalidState("ReadableStream is locked");
    if (!(stream._controller instanceof ReadableByteStreamController)) {
      throw nodeError(TypeError, "ERR_INVALID_ARG_VALUE",
        `The argument 'stream' must be a byte stream. Received ReadableStream { locked: false, state: '${stream._state}', supportsBYOB: false }`);
    }
    readerGenericInitialize(this, stream);
    this._readIntoRequests = [];
  }

  get closed(): Promise<undefined> {
    if (!(this instanceof ReadableStreamBYOBReader)) return Promise.reject(invalidThis("ReadableStreamBYOBReader"));
    return this._closed.promise;
  }

  read(view: ArrayBufferView, options?: { min?: number }): Promise<{ value: ArrayBufferView | undefined; done: boolean }> {
    if (!(this instanceof ReadableStreamBYOBReader)) return Promise.reject(invalidThis("ReadableStreamBYOBReader"));
    if (!ArrayBuffer.isView(view)) return Promise.reject(invalidArgType("view", ["Buffer", "TypedArray", "DataView"], view));
    if (options !== undefined && options !== null && !isObject(options)) {
      return Promise.reject(invalidArgType("options", "object", options));
    }
    if (view.byteLength === 0 || view.buffer.byteLength === 0 || isDetached(view.buffer)) {
      return Promise.reject(invalidState("View or Viewed ArrayBuffer is zero-length or detached"));
    }
    const rawMin = options?.min ?? 1;
    const min = Number(rawMin);
    if (min !== min || min < 0 || min === Infinity || Math.trunc(min) === 0) {
      return Promise.reject(nodeError(TypeError, "ERR_INVALID_ARG_VALUE", `The property 'options.min' must be greater than 0. Received ${rawMin}`));
    }
    const isDataView = view instanceof DataView;
    const len = isDataView ? view.byteLength : (view as Uint8Array).length;
    if (min > len) {
      return Promise.reject(outOfRange("options.min", isDataView ? "<= view.byteLength" : "<= view.length", rawMin));
    }
    if (this._stream === undefined) return Promise.reject(invalidState("The reader is not attached to a stream"));
    const d = deferred<{ value: ArrayBufferView | undefined; done: boolean }>();
    byobReaderRead(this, view, Math.trunc(min), {
      chunk: (value) => d.resolve({ value, done: false }),
      close: (value) => d.resolve({ value, done: true }),
      error: (e) => d.reject(e),
    });
    return d.promise;
  }

  releaseLock(): void {
    if (!(this instanceof ReadableStreamBYOBReader)) throw invalidThis("ReadableStreamBYOBReader");
    if (this._stream === undefined) return;
    readerGenericRelease(this);
    byobReaderErrorReadIntoRequests(this, invalidState("Releasing reader"));
  }

  cancel(reason?: unknown): Promise<void> {
    if (!(this instanceof ReadableStreamBYOBReader)) return Promise.reject(invalidThis("ReadableStreamBYOBReader"));
    if (this._stream === undefined) return Promise.reject(invalidState("The reader is not attached to a stream"));
    return readerGenericCancel(this, reason);
  }

  [kInspect](depth: number, options: { depth?: number | null }, inspect?: (v: unknown, o?: object) => string): unknown {
    return inspectAs("ReadableStreamBYOBReader", depth, options, inspect, {
      stream: this._stream, requestIntoRequests: this._readIntoRequests.length, close: this._closed.promise,
    });
  }
}
webidlClass(ReadableStreamBYOBReader, "ReadableStreamBYOBReader");

export function byobReaderErrorReadIntoRequests(reader: ReadableStreamBYOBReader, e: unknown): void {
  const reqs = reader._readIntoRequests;
  reader._readIntoRequests = [];
  for (const r of reqs) r.error(e);
}

export function byobReaderRead(reader: ReadableStreamBYOBReader, view: ArrayBufferView, min: number, req: ReadIntoRequest): void {
  const stream = reader._stream!;
  stream._disturbed = true;
  if (stream._state === "errored") req.error(stream._storedError);
  else pullInto(stream._controller as ReadableByteStreamController, view, min, req);
}

export function byobReaderRelease(reader: ReadableStreamBYOBReader): void {
  reader.releaseLock();
}

// ---- setup ----

export function setUpByteControllerFromSource(stream: ReadableStream, src: UnderlyingSource, hwm: number): void {
  const c = Object.create(ReadableByteStreamController.prototype) as ReadableByteStreamController;
  const start = src.start, pull = src.pull, cancel = src.cancel;
  if (start !== undefined && typeof start !== "function") throw invalidArgType("source.start", "function", start);
  if (pull !== undefined && typeof pull !== "function") throw invalidArgType("source.pull", "function", pull);
  if (cancel !== undefined && typeof cancel !== "function") throw invalidArgType("source.cancel", "function", cancel);
  let auto = src.autoAllocateChunkSize;
  if (auto !== undefined) {
    auto = Number(auto);
    if (!Number.isFinite(auto) || Math.trunc(auto) <= 0) {
      throw nodeError(TypeError, "ERR_INVALID_ARG_VALUE",
        `The property 'source.autoAllocateChunkSize' is invalid. Received ${String(src.autoAllocateChunkSize)}`);
    }
    auto = Math.trunc(auto);
  }
  setUpByteController(stream, c, () => start?.call(src, c), () => promiseCall(pull, src, c), (r) => promiseCall(cancel, src, r),
    hwm, auto);
}

export function setUpByteController(stream: ReadableStream, c: ReadableByteStreamController, start: () => unknown,
  pull: () => Promise<void>, cancel: (r: unknown) => Promise<void>, hwm: number, auto: number | undefined): void {
  c._stream = stream;
  c._pullAgain = c._pulling = false;
  c._byobRequest = null;
  c._queue = [];
  c._queueTotalSize = 0;
  c._closeRequested = c._started = false;
  c._strategyHWM = hwm;
  c._pullAlgorithm = pull;
  c._cancelAlgorithm = cancel;
  c._autoAllocateChunkSize = auto;
  c._pendingPullIntos = [];
  stream._controller = c;
  Promise.resolve(start()).then(() => {
    c._started = true;
    callPullIfNeeded(c);
  }, (e) => byteControllerError(c, e));
}

/** A byte stream made by the spec's CreateReadableByteStream. */
export function createReadableByteStream(start: () => unknown, pull: () => Promise<void>, cancel: (r: unknown) => Promise<void>): ReadableStream {
  const stream = Object.create(ReadableStream.prototype) as ReadableStream;
  stream._state = "readable";
  stream._reader = undefined;
  stream._storedError = undefined;
  stream._disturbed = false;
  const c = Object.create(ReadableByteStreamController.prototype) as ReadableByteStreamController;
  setUpByteController(stream, c, start, pull, cancel, 0, undefined);
  return stream;
}

// ---- controller operations ----

function hasBYOBReader(stream: ReadableStream): boolean {
  return stream._reader instanceof ReadableStreamBYOBReader;
}

function numReadIntoRequests(stream: ReadableStream): number {
  const r = stream._reader;
  return r instanceof ReadableStreamBYOBReader ? r._readIntoRequests.length : 0;
}

function fulfillReadIntoRequest(stream: ReadableStream, chunk: ArrayBufferView, done: boolean): void {
  const req = (stream._reader as ReadableStreamBYOBReader)._readIntoRequests.shift()!;
  if (done) req.close(chunk);
  else req.chunk(chunk);
}

function callPullIfNeeded(c: ReadableByteStreamController): void {
  if (!shouldCallPull(c)) return;
  if (c._pulling) {
    c._pullAgain = true;
    return;
  }
  c._pulling = true;
  c._pullAlgorithm!().then(() => {
    c._pulling = false;
    if (c._pullAgain) {
      c._pullAgain = false;
      callPullIfNeeded(c);
    }
  }, (e) => byteControllerError(c, e));
}

function shouldCallPull(c: ReadableByteStreamController): boolean {
  const stream = c._stream;
  if (stream._state !== "readable" || c._closeRequested || !c._started) return false;
  if (readableStreamHasDefaultReader(stream) && readableStreamGetNumReadRequests(stream) > 0) return true;
  if (hasBYOBReader(stream) && numReadIntoRequests(stream) > 0) return true;
  return byteControllerGetDesiredSize(c)! > 0;
}

function clearAlgorithms(c: ReadableByteStreamController): void {
  c._pullAlgorithm = undefined;
  c._cancelAlgorithm = undefined;
}

function invalidateBYOBRequest(c: ReadableByteStreamController): void {
  if (c._byobRequest === null) return;
  c._byobRequest._controller = undefined;
  c._byobRequest._view = null;
  c._byobRequest = null;
}

function clearPendingPullIntos(c: ReadableByteStreamController): void {
  invalidateBYOBRequest(c);
  c._pendingPullIntos = [];
}

export function byteControllerGetDesiredSize(c: ReadableByteStreamController): number | null {
  const state = c._stream._state;
  if (state === "errored") return null;
  if (state === "closed") return 0;
  return c._strategyHWM - c._queueTotalSize;
}

export function byteControllerError(c: ReadableByteStreamController, e: unknown): void {
  const stream = c._stream;
  if (stream._state !== "readable") return;
  clearPendingPullIntos(c);
  c._queue = [];
  c._queueTotalSize = 0;
  clearAlgorithms(c);
  readableStreamError(stream, e);
}

export function byteStreamControllerClose(c: ReadableByteStreamController): void {
  const stream = c._stream;
  if (c._closeRequested || stream._state !== "readable") return;
  if (c._queueTotalSize > 0) {
    c._closeRequested = true;
    return;
  }
  if (c._pendingPullIntos.length > 0) {
    const first = c._pendingPullIntos[0];
    if (first.bytesFilled % first.elementSize !== 0) {
      const e = invalidState("Partial read");
      byteControllerError(c, e);
      throw e;
    }
  }
  clearAlgorithms(c);
  readableStreamClose(stream);
}

function enqueueChunkToQueue(c: ReadableByteStreamController, buffer: ArrayBuffer, byteOffset: number, byteLength: number): void {
  c._queue.push({ buffer, byteOffset, byteLength });
  c._queueTotalSize += byteLength;
}

function enqueueClonedChunkToQueue(c: ReadableByteStreamController, buffer: ArrayBuffer, byteOffset: number, byteLength: number): void {
  let clone: ArrayBuffer;
  try {
    clone = buffer.slice(byteOffset, byteOffset + byteLength);
  } catch (e) {
    byteControllerError(c, e);
    throw e;
  }
  enqueueChunkToQueue(c, clone, 0, byteLength);
}

function enqueueDetachedPullIntoToQueue(c: ReadableByteStreamController, p: PullIntoDescriptor): void {
  if (p.bytesFilled > 0) enqueueClonedChunkToQueue(c, p.buffer, p.byteOffset, p.bytesFilled);
  shiftPendingPullInto(c);
}

export function byteStreamControllerEnqueue(c: ReadableByteStreamController, chunk: ArrayBufferView): void {
  const stream = c._stream;
  if (c._closeRequested || stream._state !== "readable") return;
  const { byteOffset, byteLength } = chunk;
  if (isDetached(chunk.buffer)) throw invalidState("chunk ArrayBuffer is zero-length or detached");
  const transferred = transferArrayBuffer(chunk.buffer as ArrayBuffer);
  if (c._pendingPullIntos.length > 0) {
    const first = c._pendingPullIntos[0];
    if (isDetached(first.buffer)) throw invalidState("The BYOB request's buffer has been detached");
    invalidateBYOBRequest(c);
    first.buffer = transferArrayBuffer(first.buffer);
    if (first.readerType === "none") enqueueDetachedPullIntoToQueue(c, first);
  }
  if (readableStreamHasDefaultReader(stream)) {
    processReadRequestsUsingQueue(c);
    if (readableStreamGetNumReadRequests(stream) === 0) enqueueChunkToQueue(c, transferred, byteOffset, byteLength);
    else {
      if (c._pendingPullIntos.length > 0) shiftPendingPullInto(c);
      readableStreamFulfillReadRequest(stream, new Uint8Array(transferred, byteOffset, byteLength), false);
    }
  } else if (hasBYOBReader(stream)) {
    enqueueChunkToQueue(c, transferred, byteOffset, byteLength);
    for (const p of processPullIntoDescriptorsUsingQueue(c)) commitPullIntoDescriptor(stream, p);
  } else {
    enqueueChunkToQueue(c, transferred, byteOffset, byteLength);
  }
  callPullIfNeeded(c);
}

function fillPullIntoDescriptorFromQueue(c: ReadableByteStreamController, p: PullIntoDescriptor): boolean {
  const maxBytesToCopy = Math.min(c._queueTotalSize, p.byteLength - p.bytesFilled);
  const maxBytesFilled = p.bytesFilled + maxBytesToCopy;
  let remaining = maxBytesToCopy;
  let ready = false;
  const maxAligned = maxBytesFilled - (maxBytesFilled % p.elementSize);
  if (maxAligned >= p.minimumFill) {
    remaining = maxAligned - p.bytesFilled;
    ready = true;
  }
  while (remaining > 0) {
    const head = c._queue[0];
    const n = Math.min(remaining, head.byteLength);
    copyBytes(p.buffer, p.byteOffset + p.bytesFilled, head.buffer, head.byteOffset, n);
    if (head.byteLength === n) c._queue.shift();
    else {
      head.byteOffset += n;
      head.byteLength -= n;
    }
    c._queueTotalSize -= n;
    p.bytesFilled += n;
    remaining -= n;
  }
  return ready;
}

function handleQueueDrain(c: ReadableByteStreamController): void {
  if (c._queueTotalSize === 0 && c._closeRequested) {
    clearAlgorithms(c);
    readableStreamClose(c._stream);
  } else callPullIfNeeded(c);
}

function processPullIntoDescriptorsUsingQueue(c: ReadableByteStreamController): PullIntoDescriptor[] {
  const filled: PullIntoDescriptor[] = [];
  while (c._pendingPullIntos.length > 0) {
    if (c._queueTotalSize === 0) break;
    const p = c._pendingPullIntos[0];
    if (fillPullIntoDescriptorFromQueue(c, p)) {
      shiftPendingPullInto(c);
      filled.push(p);
    }
  }
  return filled;
}

function processReadRequestsUsingQueue(c: ReadableByteStreamController): void {
  const reader = c._stream._reader as { _readRequests: ReadRequest[] };
  while (reader._readRequests.length > 0) {
    if (c._queueTotalSize === 0) return;
    fillReadRequestFromQueue(c, reader._readRequests.shift()!);
  }
}

function fillReadRequestFromQueue(c: ReadableByteStreamController, req: ReadRequest): void {
  const entry = c._queue.shift()!;
  c._queueTotalSize -= entry.byteLength;
  handleQueueDrain(c);
  req.chunk(new Uint8Array(entry.buffer, entry.byteOffset, entry.byteLength));
}

function pullInto(c: ReadableByteStreamController, view: ArrayBufferView, min: number, req: ReadIntoRequest): void {
  const stream = c._stream;
  let elementSize = 1;
  let ctor = DataView as unknown as ViewCtor;
  if (!(view instanceof DataView)) {
    elementSize = (view as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
    ctor = view.constructor as ViewCtor;
  }
  const { byteOffset, byteLength } = view;
  let buffer: ArrayBuffer;
  try {
    buffer = transferArrayBuffer(view.buffer as ArrayBuffer);
  } catch (e) {
    req.error(e);
    return;
  }
  const p: PullIntoDescriptor = { buffer, bufferByteLength: buffer.byteLength, byteOffset, byteLength, bytesFilled: 0,
    minimumFill: min * elementSize, elementSize, viewConstructor: ctor, readerType: "byob" };
  if (c._pendingPullIntos.length > 0) {
    c._pendingPullIntos.push(p);
    (stream._reader as ReadableStreamBYOBReader)._readIntoRequests.push(req);
    return;
  }
  if (stream._state === "closed") {
    req.close(new ctor(p.buffer, p.byteOffset, 0));
    return;
  }
  if (c._queueTotalSize > 0) {
    if (fillPullIntoDescriptorFromQueue(c, p)) {
      const filled = convertPullIntoDescriptor(p);
      handleQueueDrain(c);
      req.chunk(filled);
      return;
    }
    if (c._closeRequested) {
      const e = invalidState("ReadableStream closed");
      byteControllerError(c, e);
      req.error(e);
      return;
    }
  }
  c._pendingPullIntos.push(p);
  (stream._reader as ReadableStreamBYOBReader)._readIntoRequests.push(req);
  callPullIfNeeded(c);
}

function convertPullIntoDescriptor(p: PullIntoDescriptor): ArrayBufferView {
  // The spec transfers p.buffer once more here; nothing but the descriptor can reach it at this point (the
  // reader's view and any BYOB request view were detached when it was taken), so the copy a transfer costs
  // inside an image (no ArrayBuffer#transfer there) is skipped.
  return new p.viewConstructor(p.buffer, p.byteOffset, p.bytesFilled / p.elementSize);
}

function commitPullIntoDescriptor(stream: ReadableStream, p: PullIntoDescriptor): void {
  const done = stream._state === "closed";
  const view = convertPullIntoDescriptor(p);
  if (p.readerType === "default") readableStreamFulfillReadRequest(stream, view, done);
  else fulfillReadIntoRequest(stream, view, done);
}

function shiftPendingPullInto(c: ReadableByteStreamController): PullIntoDescriptor {
  return c._pendingPullIntos.shift()!;
}

function getBYOBRequest(c: ReadableByteStreamController): ReadableStreamBYOBRequest | null {
  if (c._byobRequest === null && c._pendingPullIntos.length > 0) {
    const first = c._pendingPullIntos[0];
    const req = Object.create(ReadableStreamBYOBRequest.prototype) as ReadableStreamBYOBRequest;
    req._controller = c;
    req._view = new Uint8Array(first.buffer, first.byteOffset + first.bytesFilled, first.byteLength - first.bytesFilled);
    c._byobRequest = req;
  }
  return c._byobRequest;
}

function byteControllerRespond(c: ReadableByteStreamController, bytesWritten: number): void {
  const first = c._pendingPullIntos[0];
  if (c._stream._state === "closed") {
    if (bytesWritten !== 0) throw nodeError(TypeError, "ERR_INVALID_ARG_VALUE", `The argument 'bytesWritten' is invalid. Received ${bytesWritten}`);
  } else {
    if (bytesWritten === 0) throw nodeError(TypeError, "ERR_INVALID_ARG_VALUE", "The argument 'bytesWritten' is invalid. Received 0");
    if (first.bytesFilled + bytesWritten > first.byteLength) {
      throw nodeError(RangeError, "ERR_INVALID_ARG_VALUE", `The argument 'bytesWritten' is invalid. Received ${bytesWritten}`);
    }
  }
  first.buffer = transferArrayBuffer(first.buffer);
  respondInternal(c, bytesWritten);
}

function byteControllerRespondWithNewView(c: ReadableByteStreamController, view: ArrayBufferView): void {
  const first = c._pendingPullIntos[0];
  if (c._stream._state === "closed") {
    if (view.byteLength !== 0) throw invalidState("View is not zero-length");
  } else if (view.byteLength === 0) {
    throw invalidState("View is zero-length");
  }
  if (first.byteOffset + first.bytesFilled !== view.byteOffset) {
    throw nodeError(RangeError, "ERR_INVALID_ARG_VALUE", "The argument 'view' is invalid. Received an instance of " + view.constructor.name);
  }
  if (first.bufferByteLength !== view.buffer.byteLength) {
    throw nodeError(RangeError, "ERR_INVALID_ARG_VALUE", "The argument 'view' is invalid. Received an instance of " + view.constructor.name);
  }
  if (first.bytesFilled + view.byteLength > first.byteLength) {
    throw nodeError(RangeError, "ERR_INVALID_ARG_VALUE", "The argument 'view' is invalid. Received an instance of " + view.constructor.name);
  }
  const n = view.byteLength;
  first.buffer = transferArrayBuffer(view.buffer as ArrayBuffer);
  respondInternal(c, n);
}

function respondInternal(c: ReadableByteStreamController, bytesWritten: number): void {
  const first = c._pendingPullIntos[0];
  invalidateBYOBRequest(c);
  if (c._stream._state === "closed") respondInClosedState(c, first);
  else respondInReadableState(c, bytesWritten, first);
  callPullIfNeeded(c);
}

function respondInClosedState(c: ReadableByteStreamController, first: PullIntoDescriptor): void {
  if (first.readerType === "none") shiftPendingPullInto(c);
  const stream = c._stream;
  if (hasBYOBReader(stream)) {
    while (numReadIntoRequests(stream) > 0) commitPullIntoDescriptor(stream, shiftPendingPullInto(c));
  }
}

function respondInReadableState(c: ReadableByteStreamController, bytesWritten: number, p: PullIntoDescriptor): void {
  p.bytesFilled += bytesWritten;
  const stream = c._stream;
  if (p.readerType === "none") {
    enqueueDetachedPullIntoToQueue(c, p);
    for (const f of processPullIntoDescriptorsUsingQueue(c)) commitPullIntoDescriptor(stream, f);
    return;
  }
  if (p.bytesFilled < p.minimumFill) return;
  shiftPendingPullInto(c);
  const remainder = p.bytesFilled % p.elementSize;
  if (remainder > 0) {
    const end = p.byteOffset + p.bytesFilled;
    enqueueClonedChunkToQueue(c, p.buffer, end - remainder, remainder);
  }
  p.bytesFilled -= remainder;
  const filled = processPullIntoDescriptorsUsingQueue(c);
  commitPullIntoDescriptor(stream, p);
  for (const f of filled) commitPullIntoDescriptor(stream, f);
}

/** Used by tee: the controller's pending BYOB request view (for respond), if any. */
export function byteControllerByobRequest(c: ReadableByteStreamController): ReadableStreamBYOBRequest | null {
  return getBYOBRequest(c);
}

export { markHandled };
