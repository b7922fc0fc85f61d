// libos/unsupported/test.ts — `node:test`: Node's test runner needs to spawn and report from processes; an image
// runs one app. The names exist; running a test throws ERR_FEATURE_UNAVAILABLE_ON_PLATFORM. Layer: libos.
import { unsupportedFunction } from "./_unsupported.ts";

const WHY = "node:test runs test files in child processes; an image runs one app (test it with host Node)";
const f = (name: string) => unsupportedFunction(`test.${name}`, WHY, 2);
export const test = f("test");
export const describe = f("describe");
export const it = f("it");
export const suite = f("suite");
export const before = f("before");
export const after = f("after");
export const beforeEach = f("beforeEach");
export const afterEach = f("afterEach");
export const run = f("run");
export const mock = {};
export default test;
