// libos/web/streams/_util.ts — helpers shared by the WHATWG stream classes: Node 20's errors for web streams
// (ERR_INVALID_STATE "Invalid state: ...", ERR_INVALID_THIS), promises with their resolvers, the spec's
// queue-with-sizes, strategy extraction, and ArrayBuffer transfer/detach checks.
// Layer: libos (web platform). Depends on libos/util/errors and kernel/platform (to detach a buffer).
import { invalidArgType, invalidArgValue, nodeError, type CodedError } from "../../util/errors.ts";
import { platformOrNull } from "../../../kernel/platform.ts";

export { invalidArgType, invalidArgValue };

/** Node's ERR_INVALID_STATE as its web streams throw it: a TypeError "Invalid state: <what>". */
export function invalidState(what: string): CodedError {
  return nodeError(TypeError, "ERR_INVALID_STATE", `Invalid state: ${what}`);
}

/** Node's ERR_INVALID_THIS: `Value of "this" must be of type <name>`. */
export function invalidThis(name: string): CodedError {
  return nodeError(TypeError, "ERR_INVALID_THIS", `Value of "this" must be of type ${name}`);
}

/** ERR_INVALID_ARG_VALUE of class `Base` ("The property 'x' is invalid. Received 'y'"). */
export function invalidValue(name: string, value: unknown, Base: typeof TypeError = TypeError, reason = "is invalid"): CodedError {
  return invalidArgValue(name, value, reason, undefined, Base);
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
  /** Settled already (by resolve or reject). */
  settled: boolean;
}

/** A promise with its resolve/reject functions (each settles at most once). */
export function deferred<T = void>(): Deferred<T> {
  const d = { settled: false } as Deferred<T>;
  d.promise = new Promise<T>((res, rej) => {
    d.resolve = (v) => { if (!d.settled) { d.settled = true; res(v); } };
    d.reject = (e) => { if (!d.settled) { d.settled = true; rej(e); } };
  });
  return d;
}

const noop = () => {};
/** Marks a promise as handled (the spec's [[PromiseIsHandled]] = true): its rejection is not reported. */
export function markHandled(p: Promise<unknown>): void {
  p.then(noop, noop);
}

/** A rejected promise already marked handled where asked. */
export function rejected<T = never>(e: unknown): Promise<T> {
  return Promise.reject(e);
}

export const resolved = <T>(v: T): Promise<T> => Promise.resolve(v);

/** Calls a user algorithm; a throw becomes a rejected promise, a value a resolved one. */
export function promiseCall(f: ((...a: any[]) => unknown) | undefined, self: unknown, ...args: unknown[]): Promise<any> {
  if (f === undefined) return Promise.resolve(undefined);
  try {
    return Promise.resolve(f.apply(self, args));
  } catch (e) {
    return Promise.reject(e);
  }
}

/** Reacts to `p` without creating an unhandled rejection of the derived promise. */
export function react<T>(p: Promise<T>, onOk: (v: T) => unknown, onErr: (e: unknown) => unknown): void {
  p.then(onOk, onErr).then(undefined, (e) => queueMicrotaskSafe(() => { throw e; }));
}

/** queueMicrotask where the platform has it, else a resolved promise's reaction. */
export function queueMicrotaskSafe(f: () => void): void {
  if (typeof queueMicrotask === "function") queueMicrotask(f);
  else Promise.resolve().then(f);
}

/** The spec's queue-with-sizes (a container holds `_queue` and `_queueTotalSize`). */
export interface QueueContainer<T> {
  _queue: { value: T; size: number }[];
  _queueTotalSize: number;
}

export function enqueueValueWithSize<T>(c: QueueContainer<T>, value: T, size: number): void {
  if (typeof size !== "number" || size !== size || size < 0 || size === Infinity) {
    throw nodeError(RangeError, "ERR_INVALID_ARG_VALUE", `The argument 'size' is invalid. Received ${String(size)}`);
  }
  c._queue.push({ value, size });
  c._queueTotalSize += size;
}

export function dequeueValue<T>(c: QueueContainer<T>): T {
  const pair = c._queue.shift()!;
  c._queueTotalSize -= pair.size;
  if (c._queueTotalSize < 0) c._queueTotalSize = 0;
  return pair.value;
}

export function peekQueueValue<T>(c: QueueContainer<T>): T {
  return c._queue[0].value;
}

export function resetQueue<T>(c: QueueContainer<T>): void {
  c._queue = [];
  c._queueTotalSize = 0;
}

export type SizeAlgorithm = (chunk: any) => number;

export interface Strategy {
  highWaterMark?: number;
  size?: (chunk: any) => number;
}

/** The spec's ExtractHighWaterMark with Node's errors. */
export function extractHighWaterMark(strategy: Strategy | undefined, defaultHWM: number): number {
  if (strategy == null || strategy.highWaterMark === undefined) return defaultHWM;
  const hwm = Number(strategy.highWaterMark);
  if (hwm !== hwm || hwm < 0) {
    throw nodeError(RangeError, "ERR_INVALID_ARG_VALUE",
      `The property 'strategy.highWaterMark' is invalid. Received ${String(strategy.highWaterMark)}`);
  }
  return hwm;
}

/** The spec's ExtractSizeAlgorithm with Node's errors. */
export function extractSizeAlgorithm(strategy: Strategy | undefined): SizeAlgorithm {
  const size = strategy == null ? undefined : strategy.size;
  if (size === undefined) return () => 1;
  if (typeof size !== "function") {
    throw invalidArgType("strategy.size", "function", size);
  }
  return (chunk) => size(chunk);
}

/** Whether an ArrayBuffer is detached (byteLength 0 after a transfer; `detached` where the engine has it). */
export function isDetached(buffer: ArrayBufferLike): boolean {
  const d = (buffer as { detached?: boolean }).detached;
  if (typeof d === "boolean") return d;
  if (buffer.byteLength !== 0) return false;
  try {
    new Uint8Array(buffer);
    return false;
  } catch {
    return true;
  }
}

/** The spec's TransferArrayBuffer: a new ArrayBuffer with the bytes, the old one detached (ArrayBuffer#transfer
 *  where the engine has it; inside an image a copy, the original detached by the platform's hal.dmaFree, which
 *  detaches any ArrayBuffer; hosted, structuredClone's transfer). */
export function transferArrayBuffer(buffer: ArrayBuffer): ArrayBuffer {
  const b = buffer as ArrayBuffer & { transfer?: () => ArrayBuffer };
  if (typeof b.transfer === "function") return b.transfer();
  const hal = platformOrNull();
  if (hal !== null) {
    const copy = buffer.slice(0);
    try {
      hal.dmaFree(buffer);
    } catch {
      // A simulated platform may refuse buffers it did not allocate: the copy is still a new buffer.
    }
    return copy;
  }
  if (typeof structuredClone === "function") return structuredClone(buffer, { transfer: [buffer] });
  return buffer.slice(0);
}

/** A copy of `len` bytes of `src` from `srcOff` into `dst` at `dstOff`. */
export function copyBytes(dst: ArrayBuffer, dstOff: number, src: ArrayBufferLike, srcOff: number, len: number): void {
  new Uint8Array(dst, dstOff, len).set(new Uint8Array(src, srcOff, len));
}

export function isObject(v: unknown): v is object {
  return (typeof v === "object" && v !== null) || typeof v === "function";
}

/** Node's stream-interop symbols (node:stream's finished/pipeline read them from web streams). */
export const kIsClosedPromise = Symbol.for("nodejs.webstream.isClosedPromise");
export const kIsErrored = Symbol.for("nodejs.stream.errored");
export const kIsReadable = Symbol.for("nodejs.stream.readable");
export const kIsWritable = Symbol.for("nodejs.stream.writable");
export const kIsDisturbed = Symbol.for("nodejs.stream.disturbed");

/** The custom inspect symbol Node's util.inspect (and ours) honour. */
export const kInspect = Symbol.for("nodejs.util.inspect.custom");

/** `Name { a: .., b: .. }` through the inspect function Node passes, as Node prints its stream objects. */
export function inspectAs(name: string, depth: number, options: { depth?: number | null } | undefined,
  inspect: ((v: unknown, o?: object) => string) | undefined, props: Record<string, unknown>): unknown {
  if (depth < 0) return `[${name}]`;
  if (typeof inspect !== "function") return props;
  const opts = { ...options, depth: options?.depth == null ? options?.depth : options.depth - 1 };
  return `${name} ${inspect(props, opts)}`;
}

/** Bytes as the web APIs take them. */
export type BufferSource = ArrayBufferView | ArrayBuffer;
