// libos/assert/index.ts — `node:assert`: the default export is assert() itself (ok) carrying every assertion,
// AssertionError, CallTracker (deprecated: DEP0173 on construction) and `strict` (assert/strict: equal and deepEqual
// are the strict forms); the same functions as named exports. Messages and diffs are Node 20's
// (assertion_error.ts), checked against host Node by test/unit/assert and test/e2e/assert_util.test.ts.
// Known differences: assert(x) without a message cannot quote its source expression (see assert.ts); a Promise in a
// message shows as "Promise { <pending> }" whatever its state (util.inspect cannot read a promise's state on this
// engine); the diff's +/- markers are never coloured (Node colours them only when stderr is a colour terminal; an
// image's is not).
// Layer: libos. Depends on assert.ts, assertion_error.ts, call_tracker.ts and libos/util/functions.ts.

import { deprecate } from "../util/functions.ts";
import * as a from "./assert.ts";
import { AssertionError } from "./assertion_error.ts";
import { CallTracker as Tracker } from "./call_tracker.ts";

type Fn = (...args: any[]) => any;
const CallTrackerDeprecated = deprecate(Tracker as unknown as Fn, "assert.CallTracker is deprecated.", "DEP0173") as unknown as typeof Tracker;

const functions = {
  fail: a.fail, AssertionError, ok: a.ok, equal: a.equal, notEqual: a.notEqual, deepEqual: a.deepEqual,
  notDeepEqual: a.notDeepEqual, deepStrictEqual: a.deepStrictEqual, notDeepStrictEqual: a.notDeepStrictEqual,
  strictEqual: a.strictEqual, notStrictEqual: a.notStrictEqual, throws: a.throws, rejects: a.rejects,
  doesNotThrow: a.doesNotThrow, doesNotReject: a.doesNotReject, ifError: a.ifError, match: a.match,
  doesNotMatch: a.doesNotMatch, CallTracker: CallTrackerDeprecated,
};

type Assert = typeof a.ok & typeof functions & { strict: Assert & { strict: Assert } };

/** assert(value[, message]): assert.ok itself, as in Node. */
const assert = a.ok as Assert;
Object.assign(assert, functions);

/** assert.strict(value[, message]): assert.ok in strict mode. */
const strict = function strict(...args: unknown[]): void {
  a.innerOk(strict, args.length, ...args);
} as Assert["strict"];
Object.assign(strict, assert, {
  equal: a.strictEqual, deepEqual: a.deepStrictEqual, notEqual: a.notStrictEqual, notDeepEqual: a.notDeepStrictEqual,
});
strict.strict = strict;
assert.strict = strict;

export default assert;
export { AssertionError, strict };
export const { fail, ok, equal, notEqual, deepEqual, notDeepEqual, deepStrictEqual, notDeepStrictEqual, strictEqual,
  notStrictEqual, throws, rejects, doesNotThrow, doesNotReject, ifError, match, doesNotMatch, CallTracker } = functions;
