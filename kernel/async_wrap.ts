// kernel/async_wrap.ts — the hook point for async-context propagation (node:async_hooks) in callbacks that libos
// delivers outside the event loop's queues: net sockets and servers, whose callbacks the network stack calls from
// the poll phase, and events.EventEmitterAsyncResource. Empty unless libos/async_hooks installed an AsyncWrap (then each socket's callbacks run in the
// context the socket was created in, as Node's TCPWRAP); the timer, immediate, tick, completion and close queues
// are covered by libos/async_hooks/loop_wrap.ts without any code here, so images without async_hooks carry only
// this file, and only when they use node:net. Layer: kernel. No dependencies.

/** What libos/async_hooks provides: contexts for new resources, and callbacks bound to them. */
export interface AsyncWrap {
  /** A resource of `type` (Node's names: TCPWRAP, TCPSERVERWRAP, ...) is created now: its context. */
  init(type: string, resource: object, triggerAsyncId?: number): unknown;
  /** `fn`, running in `context` whenever it is called. */
  bind<A extends unknown[], R>(context: unknown, fn: (...args: A) => R): (...args: A) => R;
  /** The ids node:async_hooks gave the context's resource. */
  ids(context: unknown): { asyncId: number; triggerAsyncId: number };
  /** The resource will run no more callbacks (createHook's destroy). */
  destroy(context: unknown): void;
}

let installed: AsyncWrap | undefined;

/** Installs the async-context hooks (libos/async_hooks, on first use). */
export function setAsyncWrap(w: AsyncWrap | undefined): void {
  installed = w;
}

/** The installed hooks, if node:async_hooks is in the image and was used. */
export function asyncWrap(): AsyncWrap | undefined {
  return installed;
}

/** A binder for the callbacks of one new resource of `type` created now; the identity without async_hooks. */
export function asyncBinder(type: string, resource: object): <A extends unknown[]>(fn: (...args: A) => void) => (...args: A) => void {
  const w = installed;
  if (!w) return identity;
  const context = w.init(type, resource);
  return (fn) => w.bind(context, fn);
}

const identity = <F>(fn: F): F => fn;
