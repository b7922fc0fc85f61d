// libos/util/_engine_stubs.ts — evaluated just before node-inspect-extracted, whose start-up copies the methods of
// globalThis.Atomics and subclasses FinalizationRegistry and WeakRef (QuickJS 2021 has none of the three: it
// would throw). Puts inert stand-ins there for that moment only; inspect.ts removes them right after, so apps
// still see that the engine lacks them. Private to libos/util. Layer: libos.
const g = globalThis as Record<string, unknown>;

const stubs: Record<string, unknown> = {
  Atomics: {},
  FinalizationRegistry: class FinalizationRegistry { register(): void {} unregister(): boolean { return false; } },
  WeakRef: class WeakRef { constructor(private readonly target: object) {} deref(): object { return this.target; } },
};
const installed = Object.keys(stubs).filter((name) => g[name] === undefined);
for (const name of installed) g[name] = stubs[name];

/** Removes the stand-ins again. */
export function removeEngineStubs(): void {
  for (const name of installed) delete g[name];
}
