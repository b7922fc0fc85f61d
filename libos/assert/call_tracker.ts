// libos/assert/call_tracker.ts — Node 20's assert.CallTracker (deprecated, DEP0173, but present): calls(fn, n)
// wraps a function in a Proxy that records each call (this and frozen arguments), getCalls/reset per tracked
// function, report() lists the functions called a different number of times than expected, and verify() throws
// one AssertionError for them ("Expected the f function to be executed 2 time(s) but was executed 1 time(s).", or
// "Functions were not called the expected number of times" with per-function details).
// Layer: libos. Depends on assertion_error.ts and libos/util/errors.ts.

import { invalidArgType, invalidArgValue, nodeError, outOfRange } from "../util/errors.ts";
import { inspect } from "../util/inspect.ts";
import { AssertionError } from "./assertion_error.ts";

type Fn = (...args: any[]) => any;
interface Call { thisArg: unknown; arguments: readonly unknown[] }
interface Report { message: string; actual: number; expected: number; operator: string; stack: Error }

class TrackerContext {
  calls: Call[] = [];
  constructor(readonly expected: number, readonly stackTrace: Error, readonly name: string) {}

  track(thisArg: unknown, args: unknown[]): void {
    this.calls.push(Object.freeze({ thisArg, arguments: Object.freeze(args.slice()) }));
  }

  report(): Report | undefined {
    if (this.calls.length === this.expected) return undefined;
    return {
      message: `Expected the ${this.name} function to be executed ${this.expected} time(s) but was executed ${this.calls.length} time(s).`,
      actual: this.calls.length, expected: this.expected, operator: this.name, stack: this.stackTrace,
    };
  }
}

function validateUint32Positive(value: unknown, name: string): asserts value is number {
  if (typeof value !== "number") throw invalidArgType(name, "number", value);
  if (!Number.isInteger(value)) throw outOfRange(name, "an integer", value);
  if (value < 1 || value > 4294967295) throw outOfRange(name, ">= 1 && <= 4294967295", value);
}

const noop = Function.prototype as Fn;             // nameless, as Node's

/** Tracks how often functions are called; verify() checks the expected counts. */
export class CallTracker {
  #checks = new Set<TrackerContext>();
  #tracked = new WeakMap<Fn, TrackerContext>();

  #context(tracked: unknown): TrackerContext {
    const c = this.#tracked.get(tracked as Fn);
    if (!c) throw invalidArgValue("tracked", tracked, "is not a tracked function", inspect);
    return c;
  }

  /** Forgets the calls of `tracked`, or of every tracked function. */
  reset(tracked?: Fn): void {
    if (tracked === undefined) {
      for (const c of this.#checks) c.calls = [];
      return;
    }
    this.#context(tracked).calls = [];
  }

  /** The calls of `tracked` so far ({ thisArg, arguments }, frozen). */
  getCalls(tracked: Fn): readonly Call[] {
    return Object.freeze(this.#context(tracked).calls.slice());
  }

  /** A wrapper of `fn` (default: a no-op) expected to be called `expected` times (default 1). */
  calls(fn?: Fn | number, expected: number = 1): Fn {
    if ((globalThis.process as { _exiting?: boolean } | undefined)?._exiting) {
      throw nodeError(Error, "ERR_UNAVAILABLE_DURING_EXIT", "Cannot call function in process exit handler");
    }
    if (typeof fn === "number") {
      expected = fn;
      fn = noop;
    } else if (fn === undefined) fn = noop;
    validateUint32Positive(expected, "expected");
    const target = fn;
    const context = new TrackerContext(expected, new Error(), target.name || "calls");
    const tracked = new Proxy(target, {
      apply(f, thisArg, args) {
        context.track(thisArg, args);
        return Reflect.apply(f, thisArg, args);
      },
    });
    this.#checks.add(context);
    this.#tracked.set(tracked, context);
    return tracked;
  }

  /** One entry per tracked function called a different number of times than expected. */
  report(): Report[] {
    const out: Report[] = [];
    for (const c of this.#checks) {
      const r = c.report();
      if (r !== undefined) out.push(r);
    }
    return out;
  }

  /** Throws an AssertionError if any tracked function's call count is not the expected one. */
  verify(): void {
    const errors = this.report();
    if (errors.length === 0) return;
    const message = errors.length === 1 ? errors[0].message : "Functions were not called the expected number of times";
    throw new AssertionError({ message, details: errors });
  }
}
