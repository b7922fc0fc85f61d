// libos/worker_threads/index.ts — node:worker_threads in a unikernel that runs one JS thread: this is always the
// main thread (isMainThread true, threadId 0, parentPort and workerData null), environment data is a
// per-process map, MessageChannel/MessagePort/BroadcastChannel are the web globals when the image has them, and
// constructing a Worker throws ERR_FEATURE_UNAVAILABLE_ON_PLATFORM saying why. Layer: libos. Depends on
// libos/events, libos/util/errors, libos/unsupported.

import { EventEmitter } from "../events/index.ts";
import { unsupportedError, unsupportedFunction } from "../unsupported/_unsupported.ts";
import { invalidArgType, nodeError, validateNumber } from "../util/errors.ts";

const WHY = "a unikernel image runs one JavaScript thread (QuickJS has no shared-heap workers); " +
  "run CPU-heavy work in another image or split it with setImmediate";

export const isMainThread = true;
export const threadId = 0;
export const parentPort = null;
export const workerData = null;
/** The main thread has no limits of its own (Node reports {} too). */
export const resourceLimits = {};
export const SHARE_ENV: unique symbol = Symbol.for("nodejs.worker_threads.SHARE_ENV") as never;

type Ctor = new (...args: never[]) => object;
const web = globalThis as { MessageChannel?: Ctor; MessagePort?: Ctor; BroadcastChannel?: Ctor };
/** The web globals (libos/globals/message_channel.ts), present when the app names them. */
export const MessageChannel = web.MessageChannel;
export const MessagePort = web.MessagePort;
export const BroadcastChannel = web.BroadcastChannel;

/** Workers cannot start here: the constructor checks its argument as Node does, then throws. */
export class Worker extends EventEmitter {
  constructor(filename: unknown, ..._options: unknown[]) {
    super();
    if (typeof filename !== "string" && !(filename instanceof URL)) throw invalidArgType("filename", ["string", "URL"], filename);
    throw unsupportedError("new Worker()", WHY);
  }
}

const untransferable = new WeakSet<object>();

/** Marks an object so that postMessage never transfers it (kept for isMarkedAsUntransferable). */
export function markAsUntransferable(object: unknown): void {
  if ((typeof object === "object" && object !== null) || typeof object === "function") untransferable.add(object as object);
}

export function isMarkedAsUntransferable(object: unknown): boolean {
  return ((typeof object === "object" && object !== null) || typeof object === "function") && untransferable.has(object as object);
}

export const moveMessagePortToContext = unsupportedFunction("worker_threads.moveMessagePortToContext",
  "vm contexts cannot receive message ports here", 2);

/** Takes the next message queued for a port synchronously ({ message }), or undefined when there is none. */
export function receiveMessageOnPort(port: unknown): { message: unknown } | undefined {
  const take = (MessagePort as unknown as Record<symbol, ((p: unknown) => { message: unknown } | undefined) | undefined> | undefined)
    ?.[Symbol.for("unijs.receiveMessageOnPort")];
  if (!MessagePort || !(port instanceof MessagePort) || !take) {
    throw nodeError(TypeError, "ERR_INVALID_ARG_TYPE", 'The "port" argument must be a MessagePort instance');
  }
  return take(port);
}

/** There is no other thread to send to. */
export async function postMessageToThread(threadId: unknown, _value?: unknown, _transferList?: unknown, timeout?: unknown): Promise<never> {
  validateNumber(threadId, "threadId", 0);
  if (timeout !== undefined) validateNumber(timeout, "timeout", 0);
  if (threadId === 0) throw nodeError(Error, "ERR_WORKER_MESSAGING_SAME_THREAD", "Cannot sent a message to the same thread");
  throw nodeError(Error, "ERR_WORKER_MESSAGING_FAILED", "Cannot find the destination thread or listener");
}

const environmentData = new Map<unknown, unknown>();

/** Stores a value that new workers would inherit (undefined deletes it). */
export function setEnvironmentData(key: unknown, value?: unknown): void {
  if (value === undefined) environmentData.delete(key);
  else environmentData.set(key, value);
}

export function getEnvironmentData(key: unknown): unknown {
  return environmentData.get(key);
}

export default {
  isMainThread, MessagePort, MessageChannel, markAsUntransferable, isMarkedAsUntransferable, moveMessagePortToContext,
  receiveMessageOnPort, resourceLimits, postMessageToThread, threadId, SHARE_ENV, Worker, parentPort, workerData,
  BroadcastChannel, setEnvironmentData, getEnvironmentData,
};
