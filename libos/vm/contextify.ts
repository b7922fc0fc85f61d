// libos/vm/contextify.ts — vm contexts: a realm (boot/native/vm_glue.c) per contextified object, and how the realm's
// global reflects the object. Before a run, each own property of the sandbox becomes an accessor on the global that
// reads and writes the sandbox (so reads and writes are live, also later, from callbacks); after a run, globals the
// code created are copied to the sandbox — configurable ones are then turned into such accessors, `var` and function
// declarations (non-configurable) are remembered and copied both ways at each run's start and end; a mirrored
// property the code deleted is deleted from the sandbox. See libos/vm/index.ts for what this does not cover.
// Layer: libos. No dependencies beyond the primitives' types.

/** The vm primitives of boot/native/vm_glue.c (in images that link it). */
export interface VmNative {
  vmRealm(): object;
  vmGlobal(realm: object): Record<PropertyKey, unknown>;
  vmCompile(realm: object | null, source: string, filename: string): object;
  vmRun(script: object, timeoutMs: number, timedOut: unknown): unknown;
  runJobs(): number;
}

export interface ContextState {
  realm: object;
  global: Record<PropertyKey, unknown>;
  /** The contextified object; null for a DONT_CONTEXTIFY context (its global is the context). */
  sandbox: Record<PropertyKey, unknown> | null;
  /** The realm's own global properties as created (restored when a sandbox property that shadowed one goes). */
  builtins: Map<PropertyKey, PropertyDescriptor>;
  /** Global properties that are accessors onto the sandbox. */
  mirrored: Set<PropertyKey>;
  /** Non-configurable globals the code declared (var, function): copied both ways at run boundaries. */
  declared: Set<PropertyKey>;
  afterEvaluate: boolean;
}

const contexts = new WeakMap<object, ContextState>();

export const contextOf = (o: object): ContextState | undefined => contexts.get(o);
export const isContextObject = (o: object): boolean => contexts.has(o);

/** V8 gives every context a console whose methods report only to an attached inspector: without one they do
 *  nothing, which is what these do. */
const CONSOLE_SETUP = `Object.defineProperty(globalThis, "console", { value: (() => { const c = {}; for (const k of ` +
  `["debug", "error", "info", "log", "warn", "dir", "dirxml", "table", "trace", "group", "groupCollapsed", "groupEnd", ` +
  `"clear", "count", "countReset", "assert", "profile", "profileEnd", "time", "timeLog", "timeEnd", "timeStamp", ` +
  `"context", "createTask"]) c[k] = { [k]() {} }[k]; Object.defineProperty(c, Symbol.toStringTag, { value: "console", ` +
  `configurable: true }); return c; })(), writable: true, enumerable: false, configurable: true });`;

/** A new realm for `sandbox` (null: the realm's global is the context itself). */
export function createRealmContext(native: VmNative, sandbox: object | null, afterEvaluate: boolean): ContextState {
  const realm = native.vmRealm();
  const global = native.vmGlobal(realm);
  native.vmRun(native.vmCompile(realm, CONSOLE_SETUP, "node:vm"), 0, undefined);
  const builtins = new Map<PropertyKey, PropertyDescriptor>();
  for (const k of Reflect.ownKeys(global)) builtins.set(k, Object.getOwnPropertyDescriptor(global, k)!);
  const state: ContextState = {
    realm, global, sandbox: sandbox as Record<PropertyKey, unknown> | null, builtins, mirrored: new Set(),
    declared: new Set(), afterEvaluate,
  };
  contexts.set(sandbox ?? global, state);
  return state;
}

function mirror(state: ContextState, key: PropertyKey, enumerable: boolean): boolean {
  const sandbox = state.sandbox!;
  const own = Object.getOwnPropertyDescriptor(state.global, key);
  if (own && !own.configurable) return false;            // undefined, NaN, Infinity: cannot be shadowed
  Object.defineProperty(state.global, key, {
    get: () => sandbox[key],
    set: (v: unknown) => { sandbox[key] = v; },
    enumerable, configurable: true,
  });
  state.mirrored.add(key);
  return true;
}

function unmirror(state: ContextState, key: PropertyKey): void {
  state.mirrored.delete(key);
  delete state.global[key];
  const builtin = state.builtins.get(key);
  if (builtin) Object.defineProperty(state.global, key, builtin);
}

const hasOwn = (o: object, k: PropertyKey) => Object.prototype.hasOwnProperty.call(o, k);

/** Brings the sandbox's current properties into the realm's global. */
export function beforeRun(state: ContextState): void {
  const sandbox = state.sandbox;
  if (!sandbox) return;
  for (const key of state.mirrored) if (!hasOwn(sandbox, key)) unmirror(state, key);
  for (const key of Reflect.ownKeys(sandbox)) {
    if (state.declared.has(key)) {
      const d = Object.getOwnPropertyDescriptor(state.global, key);
      if (d?.writable && !Object.is(d.value, sandbox[key])) state.global[key] = sandbox[key];
      continue;
    }
    if (state.mirrored.has(key)) continue;
    mirror(state, key, Object.getOwnPropertyDescriptor(sandbox, key)!.enumerable ?? true);
  }
}

function sameAsBuiltin(d: PropertyDescriptor, b: PropertyDescriptor | undefined): boolean {
  return !!b && Object.is(d.value, b.value) && d.get === b.get && d.set === b.set;
}

/** Takes the globals the code created, changed or deleted back into the sandbox. */
export function afterRun(state: ContextState): void {
  const sandbox = state.sandbox;
  if (!sandbox) return;
  for (const key of state.mirrored) if (!hasOwn(state.global, key)) {
    state.mirrored.delete(key);                             // deleted by the code: gone from the sandbox too
    delete sandbox[key];
  }
  for (const key of Reflect.ownKeys(state.global)) {
    if (state.mirrored.has(key)) continue;
    const d = Object.getOwnPropertyDescriptor(state.global, key)!;
    if (sameAsBuiltin(d, state.builtins.get(key))) continue;
    const value = d.get ? undefined : d.value;
    if (state.declared.has(key) || !d.configurable) {
      state.declared.add(key);
      if (!d.get) sandbox[key] = value;
      continue;
    }
    if (d.get || d.set) continue;                          // an accessor the code defined stays the realm's
    Object.defineProperty(sandbox, key, { value, writable: d.writable, enumerable: d.enumerable, configurable: true });
    mirror(state, key, d.enumerable ?? true);
  }
}
