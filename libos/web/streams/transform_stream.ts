// libos/web/streams/transform_stream.ts — the WHATWG TransformStream (Streams Standard §6): a writable side whose
// chunks go through transformer.transform into a readable side, with flush on close, cancel on abort/cancel,
// backpressure carried from the readable side, and TransformStreamDefaultController (enqueue/error/terminate).
// Layer: libos (web platform). No side effects at import.
import {
  deferred, extractHighWaterMark, extractSizeAlgorithm, inspectAs, invalidArgType, invalidState, invalidThis, invalidValue,
  isObject, kInspect, promiseCall, type Deferred, type Strategy,
} from "./_util.ts";
import { webidlClass } from "../_util.ts";
import {
  ReadableStream, createReadableStream, defaultControllerCanCloseOrEnqueue, defaultControllerClose, defaultControllerEnqueue,
  defaultControllerError, defaultControllerGetDesiredSize, defaultControllerHasBackpressure, type ReadableStreamDefaultController,
} from "./readable_stream.ts";
import { WritableStream, createWritableStream, writableStreamDefaultControllerErrorIfNeeded } from "./writable_stream.ts";
import { nodeError } from "../../util/errors.ts";

export interface Transformer<I = any, O = any> {
  start?: (controller: TransformStreamDefaultController<O>) => unknown;
  transform?: (chunk: I, controller: TransformStreamDefaultController<O>) => unknown;
  flush?: (controller: TransformStreamDefaultController<O>) => unknown;
  cancel?: (reason: unknown) => unknown;
  readableType?: undefined;
  writableType?: undefined;
}

export class TransformStream<I = any, O = any> {
  _readable!: ReadableStream<O>;
  _writable!: WritableStream<I>;
  _backpressure: boolean | undefined;
  _backpressureChangePromise: Deferred<void> | undefined;
  _controller!: TransformStreamDefaultController<O>;

  constructor(transformer: Transformer<I, O> | null = null, writableStrategy: Strategy | undefined = undefined,
    readableStrategy: Strategy | undefined = undefined) {
    if (transformer !== null && !isObject(transformer)) throw invalidArgType("transformer", "object", transformer);
    if (writableStrategy !== undefined && writableStrategy !== null && !isObject(writableStrategy)) {
      throw invalidArgType("writableStrategy", "object", writableStrategy);
    }
    if (readableStrategy !== undefined && readableStrategy !== null && !isObject(readableStrategy)) {
      throw invalidArgType("readableStrategy", "object", readableStrategy);
    }
    const t = (transformer ?? {}) as Transformer<I, O>;
    if (t.readableType !== undefined) throw invalidValue("transformer.readableType", t.readableType, RangeError);
    if (t.writableType !== undefined) throw invalidValue("transformer.writableType", t.writableType, RangeError);
    const readableHWM = extractHighWaterMark(readableStrategy, 0);
    const readableSize = extractSizeAlgorithm(readableStrategy);
    const writableHWM = extractHighWaterMark(writableStrategy, 1);
    const writableSize = extractSizeAlgorithm(writableStrategy);
    const start = t.start, transform = t.transform, flush = t.flush, cancel = t.cancel;
    if (start !== undefined && typeof start !== "function") throw invalidArgType("transformer.start", "function", start);
    if (transform !== undefined && typeof transform !== "function") throw invalidArgType("transformer.transform", "function", transform);
    if (flush !== undefined && typeof flush !== "function") throw invalidArgType("transformer.flush", "function", flush);
    if (cancel !== undefined && typeof cancel !== "function") throw invalidArgType("transformer.cancel", "function", cancel);
    const startPromise = deferred<void>();
    initializeTransformStream(this, startPromise.promise, writableHWM, writableSize, readableHWM, readableSize);
    const c = Object.create(TransformStreamDefaultController.prototype) as TransformStreamDefaultController<O>;
    setUpController(this, c,
      transform ? (chunk) => promiseCall(transform, t, chunk, c) : (chunk) => {
        try {
          controllerEnqueue(c, chunk as unknown as O);
          return Promise.resolve();
        } catch (e) {
          return Promise.reject(e);
        }
      },
      () => promiseCall(flush, t, c),
      (r) => promiseCall(cancel, t, r));
    if (start !== undefined) {
      try {
        startPromise.resolve(start.call(t, c) as undefined);
      } catch (e) {
        startPromise.reject(e);
        throw e;
      }
    } else startPromise.resolve();
  }

  get readable(): ReadableStream<O> {
    if (!isTransformStream(this)) throw invalidThis("TransformStream");
    return this._readable;
  }

  get writable(): WritableStream<I> {
    if (!isTransformStream(this)) throw invalidThis("TransformStream");
    return this._writable;
  }

  [kInspect](depth: number, options: { depth?: number | null }, inspect?: (v: unknown, o?: object) => string): unknown {
    return inspectAs("TransformStream", depth, options, inspect, {
      readable: this._readable, writable: this._writable, backpressure: this._backpressure,
    });
  }
}
webidlClass(TransformStream, "TransformStream");

export function isTransformStream(x: unknown): x is TransformStream {
  return isObject(x) && (x as { _controller?: unknown })._controller !== undefined && x instanceof TransformStream;
}

export class TransformStreamDefaultController<O = any> {
  _stream!: TransformStream<any, O>;
  _finish: Deferred<void> | undefined;
  _transformAlgorithm: ((chunk: any) => Promise<void>) | undefined;
  _flushAlgorithm: (() => Promise<void>) | undefined;
  _cancelAlgorithm: ((r: unknown) => Promise<void>) | undefined;

  constructor() {
    throw nodeError(TypeError, "ERR_ILLEGAL_CONSTRUCTOR", "Illegal constructor");
  }

  get desiredSize(): number | null {
    if (!(this instanceof TransformStreamDefaultController)) throw invalidThis("TransformStreamDefaultController");
    return defaultControllerGetDesiredSize(this._stream._readable._controller as ReadableStreamDefaultController);
  }

  enqueue(chunk?: O): void {
    if (!(this instanceof TransformStreamDefaultController)) throw invalidThis("TransformStreamDefaultController");
    controllerEnqueue(this, chunk as O);
  }

  error(reason?: unknown): void {
    if (!(this instanceof TransformStreamDefaultController)) throw invalidThis("TransformStreamDefaultController");
    transformStreamError(this._stream, reason);
  }

  terminate(): void {
    if (!(this instanceof TransformStreamDefaultController)) throw invalidThis("TransformStreamDefaultController");
    const stream = this._stream;
    defaultControllerClose(stream._readable._controller as ReadableStreamDefaultController);
    errorWritableAndUnblockWrite(stream, invalidState("TransformStream has been terminated"));
  }

  [kInspect](depth: number, options: { depth?: number | null }, inspect?: (v: unknown, o?: object) => string): unknown {
    return inspectAs("TransformStreamDefaultController", depth, options, inspect, { stream: this._stream });
  }
}
webidlClass(TransformStreamDefaultController, "TransformStreamDefaultController");

function initializeTransformStream<I, O>(stream: TransformStream<I, O>, startPromise: Promise<void>, writableHWM: number,
  writableSize: (c: I) => number, readableHWM: number, readableSize: (c: O) => number): void {
  const start = () => startPromise;
  stream._writable = createWritableStream<I>(start, (chunk) => sinkWrite(stream, chunk), () => sinkClose(stream),
    (r) => sinkAbort(stream, r), writableHWM, writableSize);
  stream._readable = createReadableStream<O>(start, () => sourcePull(stream), (r) => sourceCancel(stream, r), readableHWM, readableSize);
  stream._backpressure = undefined;
  stream._backpressureChangePromise = undefined;
  setBackpressure(stream, true);
}

/** A TransformStream from plain algorithms (used by the text and compression streams). */
export function createTransformStream<I, O>(transform: (chunk: I, c: TransformStreamDefaultController<O>) => void,
  flush: (c: TransformStreamDefaultController<O>) => void, readableHWM = 0, readableSize: (c: O) => number = () => 1): TransformStream<I, O> {
  const stream = Object.create(TransformStream.prototype) as TransformStream<I, O>;
  initializeTransformStream<I, O>(stream, Promise.resolve(), 1, () => 1, readableHWM, readableSize);
  const c = Object.create(TransformStreamDefaultController.prototype) as TransformStreamDefaultController<O>;
  const wrap = (f: () => void): Promise<void> => {
    try {
      f();
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  };
  setUpController(stream, c, (chunk) => wrap(() => transform(chunk, c)), () => wrap(() => flush(c)), () => Promise.resolve());
  return stream;
}

function setUpController<O>(stream: TransformStream<any, O>, c: TransformStreamDefaultController<O>,
  transform: (chunk: any) => Promise<void>, flush: () => Promise<void>, cancel: (r: unknown) => Promise<void>): void {
  c._stream = stream;
  stream._controller = c;
  c._transformAlgorithm = transform;
  c._flushAlgorithm = flush;
  c._cancelAlgorithm = cancel;
  c._finish = undefined;
}

function clearAlgorithms(c: TransformStreamDefaultController): void {
  c._transformAlgorithm = undefined;
  c._flushAlgorithm = undefined;
  c._cancelAlgorithm = undefined;
}

function transformStreamError(stream: TransformStream, e: unknown): void {
  defaultControllerError(stream._readable._controller as ReadableStreamDefaultController, e);
  errorWritableAndUnblockWrite(stream, e);
}

function errorWritableAndUnblockWrite(stream: TransformStream, e: unknown): void {
  clearAlgorithms(stream._controller);
  writableStreamDefaultControllerErrorIfNeeded(stream._writable._controller, e);
  unblockWrite(stream);
}

function unblockWrite(stream: TransformStream): void {
  if (stream._backpressure) setBackpressure(stream, false);
}

function setBackpressure(stream: TransformStream, bp: boolean): void {
  stream._backpressureChangePromise?.resolve();
  stream._backpressureChangePromise = deferred<void>();
  stream._backpressure = bp;
}

function controllerEnqueue<O>(c: TransformStreamDefaultController<O>, chunk: O): void {
  const stream = c._stream;
  const rc = stream._readable._controller as ReadableStreamDefaultController<O>;
  if (!defaultControllerCanCloseOrEnqueue(rc)) throw invalidState("Unable to enqueue");
  try {
    defaultControllerEnqueue(rc, chunk);
  } catch (e) {
    errorWritableAndUnblockWrite(stream, e);
    throw stream._readable._storedError;
  }
  const bp = defaultControllerHasBackpressure(rc);
  if (bp !== stream._backpressure) setBackpressure(stream, true);
}

function performTransform(c: TransformStreamDefaultController, chunk: unknown): Promise<void> {
  return c._transformAlgorithm!(chunk).then(undefined, (r) => {
    transformStreamError(c._stream, r);
    throw r;
  });
}

function sinkWrite<I>(stream: TransformStream<I>, chunk: I): Promise<void> {
  const c = stream._controller;
  if (stream._backpressure) {
    return stream._backpressureChangePromise!.promise.then(() => {
      const w = stream._writable;
      if (w._state === "erroring") throw w._storedError;
      return performTransform(c, chunk);
    });
  }
  return performTransform(c, chunk);
}

function sinkAbort(stream: TransformStream, reason: unknown): Promise<void> {
  const c = stream._controller;
  if (c._finish !== undefined) return c._finish.promise;
  const readable = stream._readable;
  const finish = c._finish = deferred<void>();
  const p = c._cancelAlgorithm ? c._cancelAlgorithm(reason) : Promise.resolve();
  clearAlgorithms(c);
  p.then(() => {
    if (readable._state === "errored") finish.reject(readable._storedError);
    else {
      defaultControllerError(readable._controller as ReadableStreamDefaultController, reason);
      finish.resolve();
    }
  }, (r) => {
    defaultControllerError(readable._controller as ReadableStreamDefaultController, r);
    finish.reject(r);
  });
  return finish.promise;
}

function sinkClose(stream: TransformStream): Promise<void> {
  const c = stream._controller;
  if (c._finish !== undefined) return c._finish.promise;
  const readable = stream._readable;
  const finish = c._finish = deferred<void>();
  const p = c._flushAlgorithm ? c._flushAlgorithm() : Promise.resolve();
  clearAlgorithms(c);
  p.then(() => {
    if (readable._state === "errored") finish.reject(readable._storedError);
    else {
      defaultControllerClose(readable._controller as ReadableStreamDefaultController);
      finish.resolve();
    }
  }, (r) => {
    defaultControllerError(readable._controller as ReadableStreamDefaultController, r);
    finish.reject(r);
  });
  return finish.promise;
}

function sourcePull(stream: TransformStream): Promise<void> {
  setBackpressure(stream, false);
  return stream._backpressureChangePromise!.promise;
}

function sourceCancel(stream: TransformStream, reason: unknown): Promise<void> {
  const c = stream._controller;
  if (c._finish !== undefined) return c._finish.promise;
  const writable = stream._writable;
  const finish = c._finish = deferred<void>();
  const p = c._cancelAlgorithm ? c._cancelAlgorithm(reason) : Promise.resolve();
  clearAlgorithms(c);
  p.then(() => {
    if (writable._state === "errored") finish.reject(writable._storedError);
    else {
      writableStreamDefaultControllerErrorIfNeeded(writable._controller, reason);
      unblockWrite(stream);
      finish.resolve();
    }
  }, (r) => {
    writableStreamDefaultControllerErrorIfNeeded(writable._controller, r);
    unblockWrite(stream);
    finish.reject(r);
  });
  return finish.promise;
}
