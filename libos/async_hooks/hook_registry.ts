// libos/async_hooks/hook_registry.ts — the enabled AsyncHook instances (createHook) and the emit functions the
// context code calls at a resource's init, before and after each of its callbacks, and destroy. With no hook
// enabled each emit is one length test. Hook callbacks run with hooks suspended (an init hook that schedules a
// timer does not recurse), and an exception thrown by a hook is fatal in Node: here it is reported to the console
// and the process exits with code 1, as Node does. Layer: libos. No dependencies.

/** The callbacks a hook object may carry (createHook's argument). */
export interface HookCallbacks {
  init?(asyncId: number, type: string, triggerAsyncId: number, resource: object): void;
  before?(asyncId: number): void;
  after?(asyncId: number): void;
  destroy?(asyncId: number): void;
  promiseResolve?(asyncId: number): void;
}

/** Enabled hooks, in enable order. Replaced (never mutated) so an emit in progress keeps its list. */
let active: readonly HookCallbacks[] = [];
let inHook = false;

export function addHook(h: HookCallbacks): void {
  if (!active.includes(h)) active = [...active, h];
}

export function removeHook(h: HookCallbacks): void {
  if (active.includes(h)) active = active.filter((x) => x !== h);
}

function fatal(e: unknown): never {
  const proc = (globalThis as { process?: { exit?(code: number): never } }).process;
  console.error(e);
  if (proc?.exit) proc.exit(1);
  throw e;
}

function emit(name: keyof HookCallbacks, args: unknown[]): void {
  if (inHook) return;
  const list = active;
  inHook = true;
  try {
    for (const h of list) {
      const fn = h[name] as ((...a: unknown[]) => void) | undefined;
      if (typeof fn === "function") fn.apply(h, args);
    }
  } catch (e) {
    fatal(e);
  } finally {
    inHook = false;
  }
}

export function emitInit(asyncId: number, type: string, triggerAsyncId: number, resource: object): void {
  if (active.length) emit("init", [asyncId, type, triggerAsyncId, resource]);
}

export function emitBefore(asyncId: number): void {
  if (active.length) emit("before", [asyncId]);
}

export function emitAfter(asyncId: number): void {
  if (active.length) emit("after", [asyncId]);
}

export function emitDestroy(asyncId: number): void {
  if (active.length) emit("destroy", [asyncId]);
}
