// libos/unsupported/_unsupported.ts — how a Node built-in that cannot work in a unikernel behaves: the module
// exists with Node's names (an import never fails the build, `instanceof` checks and constants work), and calling a
// function — or constructing a class — throws an Error with code ERR_FEATURE_UNAVAILABLE_ON_PLATFORM and a message
// saying what is unsupported and why. The image builder prints one warning line per such module a bundle uses.
// Layer: libos. No dependencies.

/** The Error a call into an unsupported feature throws. */
export function unsupportedError(what: string, why: string): Error {
  const err = new Error(`${what} is not available in unijs: ${why}`);
  Object.defineProperty(err, "code", { value: "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM", enumerable: true, writable: true, configurable: true });
  return err;
}

/** A function named `name` (with Node's `length`) that throws unsupportedError when called. */
export function unsupportedFunction(what: string, why: string, length = 0): (...args: unknown[]) => never {
  const name = what.slice(what.lastIndexOf(".") + 1);
  const f = { [name](..._args: unknown[]): never { throw unsupportedError(`${what}()`, why); } }[name];
  Object.defineProperty(f, "length", { value: length });
  return f;
}
