// libos/web/_util.ts — private helpers of the web globals: installing a global as Node does (writable,
// configurable, not enumerable, only when absent), Node's ERR_INVALID_THIS / ERR_ILLEGAL_CONSTRUCTOR /
// ERR_MISSING_ARGS errors, late access to `process` (installers run before the runtime defines it), and the
// util.inspect.custom symbol. Layer: libos (web). Depends on libos/util/errors.ts only.
import { nodeError, type CodedError } from "../util/errors.ts";

/** Defines each property of `values` on globalThis as Node defines its web globals (writable, configurable; the
 *  classes not enumerable, the functions such as fetch/atob/structuredClone enumerable), unless the name exists. */
export function defineGlobals(values: Record<string, unknown>, enumerable = false): void {
  for (const name of Object.keys(values)) {
    if (Object.prototype.hasOwnProperty.call(globalThis, name)) continue;
    Object.defineProperty(globalThis, name, { value: values[name], writable: true, configurable: true, enumerable });
  }
}

/** ERR_INVALID_THIS: `Value of "this" must be of type X`. */
export function invalidThis(type: string): CodedError {
  return nodeError(TypeError, "ERR_INVALID_THIS", `Value of "this" must be of type ${type}`);
}

/** ERR_ILLEGAL_CONSTRUCTOR: `Illegal constructor`. */
export function illegalConstructor(): CodedError {
  return nodeError(TypeError, "ERR_ILLEGAL_CONSTRUCTOR", "Illegal constructor");
}

/** ERR_MISSING_ARGS: `The "a" and "b" arguments must be specified`. */
export function missingArgs(...names: string[]): CodedError {
  const q = names.map((n) => `"${n}"`);
  const list = q.length === 1 ? q[0] : q.length === 2 ? `${q[0]} and ${q[1]}` : `${q.slice(0, -1).join(", ")}, and ${q[q.length - 1]}`;
  return nodeError(TypeError, "ERR_MISSING_ARGS", `The ${list} argument${names.length > 1 ? "s" : ""} must be specified`);
}

/** The global process object (absent while globals are being installed, and in odd hosts). */
export function proc(): { nextTick(fn: () => void): void; emitWarning(w: unknown): void } | undefined {
  return (globalThis as { process?: { nextTick(fn: () => void): void; emitWarning(w: unknown): void } }).process;
}

/** Reports an error thrown by a listener or callback as Node does: an uncaught exception on the next tick. */
export function reportUncaught(err: unknown): void {
  const p = proc();
  if (p) p.nextTick(() => { throw err; });
  else queueMicrotask(() => { throw err; });
}

/** util.inspect.custom (a registered symbol, so no dependency on node:util). */
export const inspectCustom: unique symbol = Symbol.for("nodejs.util.inspect.custom") as never;

/** WebIDL USVString: `${x}` (a Symbol throws TypeError), lone surrogates replaced by U+FFFD. */
export function toUSVString(v: unknown): string {
  return `${v as string}`.replace(LONE_SURROGATE, "\uFFFD");
}
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Shapes a class as WebIDL (and Node) do: prototype members enumerable, `Symbol.toStringTag` = `tag`. */
export function webidlClass(C: { prototype: object }, tag: string): void {
  const proto = C.prototype;
  for (const k of Object.getOwnPropertyNames(proto)) {
    if (k !== "constructor") Object.defineProperty(proto, k, { enumerable: true });
  }
  Object.defineProperty(proto, Symbol.toStringTag, { value: tag, writable: false, enumerable: false, configurable: true });
}
