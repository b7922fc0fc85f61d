// libos/globals/locale_methods.ts — Number/BigInt/Date toLocale*String and String#localeCompare for images whose
// code calls them but never names Intl (boot/image/globals.ts): called without locales or options (or with
// "en-US"/"en" and no options) they answer as Node 20 does for en-US in UTC (libos/intl/en_us.ts) and compare
// strings with our ICU-order collator (libos/intl/collator.ts). Calls with options need Intl's formatters, which
// this image does not carry: they keep the engine's own method (QuickJS ignores the options). An image that names
// Intl gets the full Intl instead (libos/globals/intl.ts), and this module then leaves the methods to it.
// Layer: libos (globals). Depends on libos/intl/{en_us,collator,state}.ts.

import { collate, type CollatorSettings } from "../intl/collator.ts";
import { formatBigInt, formatDate, formatNumber } from "../intl/en_us.ts";
import { intlState } from "../intl/state.ts";

const DEFAULT_COLLATION: CollatorSettings = { usage: "sort", sensitivity: "variant", ignorePunctuation: false, numeric: false, caseFirst: "false" };

/** True when a call can be answered here: no options, and no locale or an English one we format as en-US. */
const plain = (locales: unknown, options: unknown): boolean =>
  options === undefined && (locales === undefined || locales === "en-US" || locales === "en" ||
    (Array.isArray(locales) && (locales.length === 0 || locales[0] === "en-US" || locales[0] === "en")));

function replace(proto: object, name: string, make: (engine: (...a: unknown[]) => unknown) => (this: unknown, ...a: unknown[]) => unknown): void {
  const engine = (proto as Record<string, (...a: unknown[]) => unknown>)[name];
  const method = make(engine);
  Object.defineProperty(method, "name", { value: name });
  Object.defineProperty(proto, name, { value: method, writable: true, configurable: true, enumerable: false });
}

/** Installs the en-US locale methods (unless the full Intl is in the image). */
export function install(): void {
  if (intlState.full) return;
  const numberValue = Number.prototype.valueOf as (this: unknown) => number;
  const bigintValue = BigInt.prototype.valueOf as (this: unknown) => bigint;
  const dateValue = Date.prototype.getTime as (this: unknown) => number;
  replace(Number.prototype, "toLocaleString", (engine) => function (this: unknown, locales?: unknown, options?: unknown) {
    const x = numberValue.call(this);
    return plain(locales, options) ? formatNumber(x) : engine.call(this, locales, options);
  });
  replace(BigInt.prototype, "toLocaleString", (engine) => function (this: unknown, locales?: unknown, options?: unknown) {
    const n = bigintValue.call(this);
    return plain(locales, options) ? formatBigInt(n) : engine.call(this, locales, options);
  });
  for (const [name, parts] of [["toLocaleString", "both"], ["toLocaleDateString", "date"], ["toLocaleTimeString", "time"]] as const) {
    replace(Date.prototype, name, (engine) => function (this: unknown, locales?: unknown, options?: unknown) {
      const t = dateValue.call(this);
      return plain(locales, options) ? formatDate(t, parts) : engine.call(this, locales, options);
    });
  }
  replace(String.prototype, "localeCompare", (engine) => function (this: unknown, that?: unknown, locales?: unknown, options?: unknown) {
    if (this === null || this === undefined) throw new TypeError("String.prototype.localeCompare called on null or undefined");
    return plain(locales, options) ? collate(String(this), String(that), DEFAULT_COLLATION) : engine.call(this, that, locales, options);
  });
}
