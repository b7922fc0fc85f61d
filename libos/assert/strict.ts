// libos/assert/strict.ts — `node:assert/strict`: assert.strict (equal/deepEqual/notEqual/notDeepEqual are the
// strict forms; the default export is the strict assert function). Layer: libos. Depends on index.ts.

import assert from "./index.ts";

const strict = assert.strict;
export default strict;
export const { AssertionError, CallTracker, fail, ok, equal, notEqual, deepEqual, notDeepEqual, deepStrictEqual,
  notDeepStrictEqual, strictEqual, notStrictEqual, throws, rejects, doesNotThrow, doesNotReject, ifError, match,
  doesNotMatch } = strict;
export { strict };
