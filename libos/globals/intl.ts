// libos/globals/intl.ts — the `Intl` global (and the locale-sensitive methods of Number, BigInt, Date and String that
// ECMA-402 defines over it) for images whose code mentions Intl (boot/image/globals.ts). The engine has no Intl;
// libos/intl/load.ts builds one for en-US from pinned polyfills. Building it runs ~1 MB of code and CLDR data, so
// it happens the first time the app reads `Intl` or calls toLocaleString/toLocaleDateString/toLocaleTimeString/
// localeCompare, not at boot. Date#toString/toTimeString get V8's zone name after the offset.
// Layer: libos (globals). Depends on libos/intl/load.ts.

import { loadIntl } from "../intl/load.ts";
import { intlState } from "../intl/state.ts";

/** Replaces `proto[name]` with a method that first builds Intl (which installs the real method) and then calls it. */
function loadOnCall(proto: object, name: string): void {
  const first = {
    [name](this: unknown, ...args: unknown[]): unknown {
      loadIntl();
      const real = (proto as Record<string, unknown>)[name] as (...a: unknown[]) => unknown;
      if (real === method) throw new TypeError(`${name} is not available: Intl did not install it`);
      return real.apply(this, args);
    },
  };
  const method = first[name];
  Object.defineProperty(proto, name, { value: method, writable: true, configurable: true, enumerable: false });
}

/** Installs `Intl` (built on first access) and the methods that use it. */
export function install(): void {
  intlState.full = true;
  Object.defineProperty(globalThis, "Intl", {
    get: () => loadIntl(),
    set: (value: unknown) => {
      Object.defineProperty(globalThis, "Intl", { value, writable: true, configurable: true, enumerable: false });
    },
    configurable: true,
    enumerable: false,
  });
  loadOnCall(Number.prototype, "toLocaleString");
  loadOnCall(BigInt.prototype, "toLocaleString");
  loadOnCall(Date.prototype, "toLocaleString");
  loadOnCall(Date.prototype, "toLocaleDateString");
  loadOnCall(Date.prototype, "toLocaleTimeString");
  loadOnCall(String.prototype, "localeCompare");
  // V8 names the time zone after the offset, from ICU ("GMT+0000 (Coordinated Universal Time)"); the guest is in UTC.
  for (const name of ["toString", "toTimeString"] as const) {
    const engine = Date.prototype[name] as (this: Date) => string;
    Object.defineProperty(Date.prototype, name, {
      value: { [name](this: Date) { const s = engine.call(this); return s.endsWith(" GMT+0000") ? `${s} (Coordinated Universal Time)` : s; } }[name],
      writable: true, configurable: true, enumerable: false,
    });
  }
}
