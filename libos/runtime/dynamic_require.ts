// libos/runtime/dynamic_require.ts — what `require(x)` does when esbuild could not see `x` at build time (a computed
// argument): the bundle's require shim calls this global require, which says that the module is not in the image
// (Node's MODULE_NOT_FOUND, so optional-dependency probes in try/catch behave as when a package is not installed).
// Installed only into bundles where the builder found such a call (it also warns at build time).
// Layer: libos (runtime). No dependencies.

/** The error for a module that is not in the image. */
export function notInImage(id: unknown): Error {
  const name = String(id);
  const builtin = /^node:/.test(name) ? name.slice(5) : name;
  const err = new Error(`Cannot find module '${name}': it is not in the image. unijs bundles every module at build ` +
    `time, and this require() names it with a value computed at run time${/^[a-z_]+(\/[a-z_]+)?$/.test(builtin) ?
      ` (for a built-in, import it statically somewhere in the app)` : ""}`);
  Object.defineProperty(err, "code", { value: "MODULE_NOT_FOUND", enumerable: true, writable: true, configurable: true });
  return err;
}

export function install(): void {
  const require = (id: unknown): never => {
    throw notInImage(id);
  };
  Object.defineProperty(globalThis, "require", { value: require, writable: true, configurable: true, enumerable: false });
}
