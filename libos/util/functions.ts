// libos/util/functions.ts — util's function helpers as Node 20 has them: promisify (with util.promisify.custom),
// callbackify, inherits, deprecate (one DeprecationWarning per code), debuglog (NODE_DEBUG sections).
// Layer: libos. Uses the global process (nextTick, emitWarning, env, stderr) at call time.

import { validateString } from "./errors.ts";
import { format } from "./inspect.ts";

type AnyFn = (...args: any[]) => any;

/** The symbol a function uses to give promisify its own promise-returning version. */
export const promisifyCustom: unique symbol = Symbol.for("nodejs.util.promisify.custom") as never;

const argType = (name: string, type: string, v: unknown) => Object.assign(
  new TypeError(`The "${name}" argument must be of type ${type}. Received ${v === null ? "null" : typeof v}`), { code: "ERR_INVALID_ARG_TYPE" });

function copyProps(to: object, from: object, adjust?: (d: Record<string, PropertyDescriptor>) => void): void {
  const descriptors = Object.getOwnPropertyDescriptors(from) as Record<string, PropertyDescriptor>;
  adjust?.(descriptors);
  Object.defineProperties(to, descriptors);
}

/** Turns a Node-style callback function into one returning a promise. */
export function promisify<T extends AnyFn>(original: T): (...args: any[]) => Promise<any> {
  if (typeof original !== "function") throw argType("original", "function", original);
  const custom = (original as unknown as Record<symbol, unknown>)[promisifyCustom];
  if (custom) {
    if (typeof custom !== "function") throw argType("util.promisify.custom", "function", custom);
    Object.defineProperty(custom, promisifyCustom, { value: custom, enumerable: false, writable: false, configurable: true });
    return custom as AnyFn;
  }
  function fn(this: unknown, ...args: unknown[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      args.push((err: unknown, ...values: unknown[]) => (err ? reject(err) : resolve(values[0])));
      Reflect.apply(original, this, args);
    });
  }
  Object.setPrototypeOf(fn, Object.getPrototypeOf(original));
  Object.defineProperty(fn, promisifyCustom, { value: fn, enumerable: false, writable: false, configurable: true });
  copyProps(fn, original);
  return fn;
}
promisify.custom = promisifyCustom;

/** Turns an async function into one taking a Node-style callback last. */
export function callbackify(original: AnyFn): AnyFn {
  if (typeof original !== "function") throw argType("original", "function", original);
  function callbackified(this: unknown, ...args: unknown[]): void {
    const maybeCb = args.pop();
    if (typeof maybeCb !== "function") throw argType("last argument", "function", maybeCb);
    const cb = (maybeCb as AnyFn).bind(this);
    (Reflect.apply(original, this, args) as Promise<unknown>).then(
      (ret) => process.nextTick(cb, null, ret),
      (rej) => process.nextTick(() => {
        if (!rej) rej = Object.assign(new Error("Promise was rejected with falsy value"), { code: "ERR_FALSY_VALUE_REJECTION", reason: rej });
        cb(rej);
      }));
  }
  copyProps(callbackified, original, (d) => {
    if (typeof d.length?.value === "number") d.length.value++;
    if (typeof d.name?.value === "string") d.name.value += "Callbackified";
  });
  return callbackified;
}

/** Makes ctor.prototype inherit from superCtor.prototype and sets ctor.super_ (Node's util.inherits). */
export function inherits(ctor: AnyFn, superCtor: AnyFn): void {
  if (ctor === undefined || ctor === null) throw argType("ctor", "function", ctor);
  if (superCtor === undefined || superCtor === null) throw argType("superCtor", "function", superCtor);
  if (superCtor.prototype === undefined) throw argType("superCtor.prototype", "object", superCtor.prototype);
  Object.defineProperty(ctor, "super_", { value: superCtor, writable: true, configurable: true });
  Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
}

const warnedCodes = new Set<string>();

/**
 * Wraps `fn` to emit a DeprecationWarning on its first call: once per `code` across all wrappers that share it (a
 * code must be a string), or once per wrapper without one; nothing while process.noDeprecation is set.
 */
export function deprecate<T extends AnyFn>(fn: T, msg: string, code?: string): T {
  if (code !== undefined) validateString(code, "code");
  let warned = false;
  function deprecated(this: unknown, ...args: unknown[]): unknown {
    const proc = globalThis.process as (NodeJS.Process & { noDeprecation?: boolean }) | undefined;
    if (!proc?.noDeprecation && !warned) {
      warned = true;
      // (Node also passes `deprecated` to trim the warning's stack; images without the full emitWarning take no ctor.)
      if (code === undefined) proc?.emitWarning?.(msg, "DeprecationWarning");
      else if (!warnedCodes.has(code)) {
        proc?.emitWarning?.(msg, "DeprecationWarning", code);
        warnedCodes.add(code);
      }
    }
    if (new.target) return Reflect.construct(fn, args, new.target);
    return Reflect.apply(fn, this, args);
  }
  Object.setPrototypeOf(deprecated, fn);
  if (fn.prototype) deprecated.prototype = fn.prototype;
  return deprecated as unknown as T;
}

/** A logger for `section` that prints to stderr only when NODE_DEBUG names it ("SECTION pid: msg"). */
export function debuglog(section: string, callback?: (fn: AnyFn) => void): AnyFn & { enabled: boolean } {
  const env = String(globalThis.process?.env?.NODE_DEBUG ?? "");
  const names = env.split(/[\s,]+/).filter(Boolean).map((s) => s.replace(/[|\\{}()[\]^$+?.]/g, "\\$&").replace(/\*/g, ".*"));
  const enabled = names.length > 0 && new RegExp(`^(${names.join("|")})$`, "i").test(section);
  const upper = section.toUpperCase();
  const log = Object.assign((...args: unknown[]) => {
    if (!enabled) return;
    const pid = globalThis.process?.pid ?? 1;
    globalThis.process?.stderr?.write(`${upper} ${pid}: ${format(...args)}\n`);
  }, { enabled });
  callback?.(log);
  return log;
}
