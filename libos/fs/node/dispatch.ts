// libos/fs/node/dispatch.ts — how node:fs runs an operation: every form does the work synchronously on the VFS
// (the devices below do synchronous I/O); the callback and promise forms then deliver the result through the event
// loop's poll phase (loop().queueCompletion, as libuv delivers thread-pool completions), never synchronously. A
// failing VFS call becomes Node's system error with the syscall and the paths as the caller wrote them.
// Layer: libos. Depends on kernel/event_loop.ts, ../vfs and errors.ts.

import { loop } from "../../../kernel/event_loop.ts";
import { vfs, type Vfs } from "../vfs/index.ts";
import { abortError, uvError } from "./errors.ts";

/** A Node-style callback. */
export type Callback<T = unknown> = (err: Error | null, value?: T) => void;

/** An AbortSignal, or anything shaped like one. */
export interface SignalLike {
  aborted: boolean;
  reason?: unknown;
}

/** Runs `fn` on the process's VFS; an FsError becomes Node's error for `syscall` with `path` and `dest`. */
export function sys<T>(syscall: string, path: unknown, dest: unknown, fn: (v: Vfs) => T): T {
  try {
    return fn(vfs());
  } catch (e) {
    throw uvError(e, syscall, path, dest);
  }
}

/**
 * Runs `work` now and calls `cb(err)`, `cb(null)` (no result) or `cb(null, result)` in the next poll phase. With a `signal` aborted by
 * then, `cb` gets an AbortError instead (as Node, whose work would still be in the thread pool).
 */
export function complete<T>(cb: Callback<T>, work: () => T, signal?: SignalLike): void {
  let result: T | undefined;
  let error: unknown = null;
  try {
    result = work();
  } catch (e) {
    error = e;
  }
  loop().queueCompletion(() => {
    if (signal?.aborted && error === null) cb(abortError(signal.reason));
    else if (error !== null) cb(error as Error);
    else if (result === undefined) (cb as (err: null) => void)(null);      // Node passes one argument then
    else cb(null, result);
  });
}

/** The promise form of complete(): settles in the next poll phase. */
export function settle<T>(work: () => T, signal?: SignalLike): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    complete<T>((err, value) => (err ? reject(err) : resolve(value as T)), work, signal);
  });
}

/** Calls `cb` in the next poll phase (results computed before, e.g. a validation that Node reports async). */
export function later(fn: () => void): void {
  loop().queueCompletion(fn);
}

/** process.nextTick through the loop (the same queue in the image and in hosted tests). */
export function nextTick(fn: () => void): void {
  loop().nextTick(fn);
}

/** AbortError now when the signal is already aborted (Node checks before it starts). */
export function checkAborted(signal: SignalLike | undefined): void {
  if (signal?.aborted) throw abortError(signal.reason);
}
