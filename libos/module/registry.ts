// libos/module/registry.ts — the built-in modules an image holds, by name, for require() calls esbuild could not
// see (module.createRequire's require): the image builder fills it when the bundle uses node:module, with the
// built-ins that bundle already contains (so it adds none). Layer: libos. No dependencies.

const KEY = Symbol.for("unijs.builtinModules");

type Registry = Map<string, () => unknown>;

function registry(): Registry {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>;
  return (g[KEY] ??= new Map());
}

/** Registers built-ins by name (without "node:"): each loader returns the module object require() gives. */
export function registerBuiltins(loaders: Record<string, () => unknown>): void {
  const r = registry();
  for (const [name, load] of Object.entries(loaders)) r.set(name, load);
}

/** The registered built-in `name`, or undefined when it is not in the image. */
export function loadBuiltin(name: string): unknown {
  const load = registry().get(name);
  return load ? load() : undefined;
}

export function hasBuiltin(name: string): boolean {
  return registry().has(name);
}
