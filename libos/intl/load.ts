// libos/intl/load.ts — builds the image's `Intl` (ECMA-402 for en-US, as Node 20 with small-icu answers for its
// default locale) from the pinned @formatjs polyfills and their English data, plus our own Collator
// (libos/intl/collator.ts), which no polyfill provides. Called once, the first time the app touches `Intl` or a
// toLocale*String/localeCompare method (libos/globals/intl.ts): the ~1 MB of polyfill code and CLDR data is in the
// image but not run at boot. Time zones: the guest runs in UTC and the image carries no IANA data, so formatting in
// any zone but UTC (or a fixed "+hh:mm" offset) throws a RangeError that says so, instead of printing UTC times
// under another zone's name.
// Layer: libos. Depends on the @formatjs packages and libos/intl/collator.ts.

import { installCollator } from "./collator.ts";

let intl: typeof Intl | undefined;
const supportedCache = new Map<string, string[]>();
const canonicalCache = new Map<string, string[]>();

/** Zones that need no tz data: UTC under its names (the polyfill computes offset 0 for them). */
const UTC_NAMES = new Set(["UTC", "ETC/UTC", "ETC/GMT", "GMT", "ETC/UCT", "UCT", "ETC/UNIVERSAL", "UNIVERSAL", "ETC/ZULU",
  "ZULU", "ETC/GREENWICH", "GREENWICH", "GMT0", "ETC/GMT0", "ETC/GMT+0", "ETC/GMT-0", "GMT+0", "GMT-0"]);

/** The polyfill reads `tzData[zone]` when it formats; this answers UTC's zones with "no transitions" and refuses
 *  the others (Node would use its IANA data; the image has none). */
function utcOnlyTzData(): object {
  return new Proxy({}, {
    get(_target, zone) {
      if (typeof zone !== "string" || UTC_NAMES.has(zone.toUpperCase())) return undefined;
      throw new RangeError(`Time zone '${zone}' cannot be used in this image: it carries no time-zone data ` +
        `(the guest runs in UTC; format with timeZone 'UTC' or a fixed offset such as '+01:00')`);
    },
  });
}

type LocaleEntry = { data: unknown; locale: string };
type Ctor = { __addLocaleData(...d: LocaleEntry[]): void; __defaultLocale?: string; prototype: object };

/**
 * DateTimeFormat's English data has 760 format skeletons, and the polyfill prepares every one, with its range
 * patterns, the first time a DateTimeFormat is made: seconds under the interpreter. The range patterns are what
 * cost most (each skeleton without its own is matched against all of them), and only formatRange needs them:
 * so the data is first added without them (formatRange's fallback "{0} – {1}" only), and again in full the
 * first time formatRange or formatRangeToParts is called (libos/intl/load.ts#withRanges).
 */
const dateEntries: LocaleEntry[] = [];
function withoutRanges(e: LocaleEntry): LocaleEntry {
  dateEntries.push(e);
  const data = e.data as { intervalFormats?: { intervalFormatFallback?: string } };
  if (!data.intervalFormats) return e;
  // Every skeleton "has" an empty set of range patterns: the polyfill would otherwise search one for each of the
  // 760 skeletons (parsing each a second time) and find none.
  const fallback = data.intervalFormats.intervalFormatFallback;
  const intervalFormats = new Proxy({ intervalFormatFallback: fallback }, {
    get: (target, key) => (key === "intervalFormatFallback" ? fallback : typeof key === "string" ? {} : Reflect.get(target, key)),
  });
  return { ...e, data: { ...data, intervalFormats } };
}

/** Makes a polyfill register its English data under "en-US" as well (Node resolves en-US to itself, and it is
 *  the default locale). Returns a function that sets the default locale. */
function englishAsEnUs(ctor: Ctor, transform = (e: LocaleEntry): LocaleEntry => e): () => void {
  const add = ctor.__addLocaleData.bind(ctor);
  ctor.__addLocaleData = (...entries) => {
    for (const raw of entries) {
      const e = transform(raw);
      add(e);
      if (e.locale === "en") add({ ...e, locale: "en-US" });
    }
  };
  return () => {
    ctor.__addLocaleData = add;
    ctor.__defaultLocale = "en-US";
  };
}

/** V8's messages for the errors the polyfills word differently. */
const V8_MESSAGES: Record<string, string> = {
  "currency cannot be undefined": "Currency code is required with currency style.",
  "Invalid time": "Invalid time value",
};

function v8Error(e: unknown): unknown {
  if (e instanceof Error && V8_MESSAGES[e.message]) e.message = V8_MESSAGES[e.message];
  return e;
}

/** Calls `f`, rewording its error as V8 does. */
function reworded<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw v8Error(e);
  }
}

/** Property order of resolvedOptions() in V8 (the polyfills add some in another order). */
const NF_KEYS = ["locale", "numberingSystem", "style", "currency", "currencyDisplay", "currencySign", "unit", "unitDisplay",
  "minimumIntegerDigits", "minimumFractionDigits", "maximumFractionDigits", "minimumSignificantDigits", "maximumSignificantDigits",
  "useGrouping", "notation", "compactDisplay", "signDisplay", "roundingMode", "roundingIncrement", "trailingZeroDisplay", "roundingPriority"];
const DTF_KEYS = ["locale", "calendar", "numberingSystem", "timeZone", "hourCycle", "hour12", "weekday", "era", "year", "month",
  "day", "dayPeriod", "hour", "minute", "second", "fractionalSecondDigits", "timeZoneName", "dateStyle", "timeStyle"];

function orderResolvedOptions(proto: object, keys: string[]): void {
  const original = (proto as { resolvedOptions(): Record<string, unknown> }).resolvedOptions;
  Object.defineProperty(proto, "resolvedOptions", {
    value: function resolvedOptions(this: object) {
      const r = original.call(this);
      const out: Record<string, unknown> = {};
      for (const k of keys) if (k in r) out[k] = r[k];
      for (const k of Object.keys(r)) if (!(k in out)) out[k] = r[k];
      return out;
    },
    writable: true, configurable: true,
  });
}

/** CLDR 42+ puts U+202F before AM/PM; V8 prints a plain space there in format() and Date's toLocale*String (not
 *  in formatToParts or formatRange). */
const plainSpaces = (s: string): string => s.replace(/\u202f/g, " ");

/** Gives the formatting methods of a DateTimeFormat prototype V8's error messages and format() V8's spaces. */
function v8DateErrors(proto: object): void {
  const format = Object.getOwnPropertyDescriptor(proto, "format");
  if (format?.get) {
    const get = format.get;
    const bound = new WeakMap<object, (d?: unknown) => string>();
    Object.defineProperty(proto, "format", {
      get(this: object) {
        const f = get.call(this) as (d?: unknown) => string;
        let b = bound.get(this);
        if (!b) bound.set(this, b = (d?: unknown) => plainSpaces(reworded(() => f(d))));
        return b;
      },
      configurable: true,
    });
  }
  for (const name of ["formatToParts", "formatRange", "formatRangeToParts"]) {
    const m = (proto as Record<string, (...a: unknown[]) => unknown>)[name];
    if (typeof m !== "function") continue;
    const range = name !== "formatToParts";
    Object.defineProperty(proto, name, {
      value: { [name](this: object, ...a: unknown[]) { return reworded(() => m.apply(range ? withRanges(this) : this, a)); } }[name],
      writable: true, configurable: true,
    });
  }
}

let rangesAdded = false;
const ranged = new WeakMap<object, object>();
/** A DateTimeFormat like `dtf` made after the range patterns were added (see dateEntries). */
function withRanges(dtf: object): object {
  const DTF = (globalThis.Intl as typeof Intl).DateTimeFormat as unknown as Ctor & (new (l?: string, o?: object) => object);
  if (!rangesAdded) {
    rangesAdded = true;
    const add = DTF.__addLocaleData.bind(DTF);
    for (const e of dateEntries) {
      add(e);
      if (e.locale === "en") add({ ...e, locale: "en-US" });
    }
  }
  let twin = ranged.get(dtf);
  if (!twin) {
    const o = (dtf as Intl.DateTimeFormat).resolvedOptions() as unknown as Record<string, unknown>;
    const options: Record<string, unknown> = {};
    for (const k of DTF_KEYS) if (k !== "locale" && k !== "hour12" && o[k] !== undefined) options[k] = o[k];
    twin = new DTF(o.locale as string, options);
    ranged.set(dtf, twin);
  }
  return twin;
}

/** The Intl object, built on first use. */
export function loadIntl(): typeof Intl {
  if (intl) return intl;
  const target = {} as typeof Intl;
  Object.defineProperty(target, Symbol.toStringTag, { value: "Intl", configurable: true });
  Object.defineProperty(globalThis, "Intl", { value: target, writable: true, configurable: true, enumerable: false });
  intl = target;
  const I = target as unknown as Record<string, Ctor>;
  /* eslint-disable @typescript-eslint/no-require-imports */
  // getCanonicalLocales and supportedValuesOf from the packages' main modules, which Intl.Locale imports too (their
  // polyfill-force files are copies of the same code: the image would carry both).
  const { getCanonicalLocales: canonical } = require("@formatjs/intl-getcanonicallocales") as { getCanonicalLocales: typeof Intl.getCanonicalLocales };
  const { supportedValuesOf: supported } = require("@formatjs/intl-supportedvaluesof") as { supportedValuesOf: typeof Intl.supportedValuesOf };
  // V8 words every malformed tag the same way; the polyfills' constructors all go through this function.
  Object.defineProperty(target, "getCanonicalLocales", {
    value: function getCanonicalLocales(locales?: string | readonly string[]) {
      // Every constructor canonicalizes what it is asked for and what it has, each time: remember the answers.
      const key = typeof locales === "string" ? locales : undefined;
      const known = key === undefined ? undefined : canonicalCache.get(key);
      if (known) return known.slice();
      try {
        const out = canonical(locales);
        if (key !== undefined && canonicalCache.size < 1000) canonicalCache.set(key, out.slice());
        return out;
      } catch (e) {
        if (e instanceof RangeError) throw new RangeError("Incorrect locale information provided");
        throw e;
      }
    },
    writable: true, configurable: true,
  });
  // What this image can honour: time zones, only UTC; collations, only the default one (libos/intl/collator.ts).
  Object.defineProperty(target, "supportedValuesOf", {
    value: function supportedValuesOf(key: string) {
      key = String(key);
      if (key === "timeZone") return ["UTC"];
      if (key === "collation") return [];
      // The polyfill tries each CLDR candidate with a formatter (hundreds of NumberFormats for "currency"): once.
      let all = supportedCache.get(key);
      if (!all) {
        try {
          all = supported(key as Parameters<typeof Intl.supportedValuesOf>[0]);
        } catch (e) {
          if (e instanceof RangeError) throw new RangeError(`Invalid key : ${key}`);
          throw e;
        }
        supportedCache.set(key, all);
      }
      return all.slice();
    },
    writable: true, configurable: true,
  });
  require("@formatjs/intl-locale/polyfill-force.js");
  require("@formatjs/intl-pluralrules/polyfill-force.js");
  let done = englishAsEnUs(I.PluralRules);
  require("@formatjs/intl-pluralrules/locale-data/en.js");
  done();
  require("@formatjs/intl-numberformat/polyfill-force.js");
  done = englishAsEnUs(I.NumberFormat);
  require("@formatjs/intl-numberformat/locale-data/en.js");
  done();
  require("@formatjs/intl-datetimeformat/polyfill-force.js");
  done = englishAsEnUs(I.DateTimeFormat, withoutRanges);
  require("@formatjs/intl-datetimeformat/locale-data/en.js");
  done();
  require("@formatjs/intl-relativetimeformat/polyfill-force.js");
  done = englishAsEnUs(I.RelativeTimeFormat);
  require("@formatjs/intl-relativetimeformat/locale-data/en.js");
  done();
  require("@formatjs/intl-listformat/polyfill-force.js");
  done = englishAsEnUs(I.ListFormat);
  require("@formatjs/intl-listformat/locale-data/en.js");
  done();
  require("@formatjs/intl-segmenter/polyfill-force.js");
  // The segmenter offers every CLDR locale and canonicalizes all ~700 of them when it resolves one (seconds under
  // the interpreter); the image speaks English only (its rules are the root ones, as for most locales).
  (target.Segmenter as unknown as { availableLocales: Set<string> }).availableLocales = new Set(["en", "en-US"]);
  const dtf = target.DateTimeFormat as unknown as { tzData: object };
  dtf.tzData = utcOnlyTzData();
  orderResolvedOptions(target.NumberFormat.prototype, NF_KEYS);
  orderResolvedOptions(target.DateTimeFormat.prototype, DTF_KEYS);
  v8DateErrors(target.DateTimeFormat.prototype);
  // Date's and Number's toLocale*String without arguments use one cached formatter each (as V8 does): making a
  // formatter per call costs milliseconds under the interpreter. The options are ECMA-402's defaults for each.
  const numeric = "numeric" as const;
  const dateDefaults: Record<string, Intl.DateTimeFormatOptions> = {
    toLocaleString: { year: numeric, month: numeric, day: numeric, hour: numeric, minute: numeric, second: numeric },
    toLocaleDateString: { year: numeric, month: numeric, day: numeric },
    toLocaleTimeString: { hour: numeric, minute: numeric, second: numeric },
  };
  for (const name of ["toLocaleString", "toLocaleDateString", "toLocaleTimeString"]) {
    const m = (Date.prototype as unknown as Record<string, (...a: unknown[]) => string>)[name];
    let cached: Intl.DateTimeFormat | undefined;
    const getTime = Date.prototype.getTime;
    Object.defineProperty(Date.prototype, name, {
      value: {
        [name](this: Date, ...a: unknown[]) {
          if (a[0] !== undefined || a[1] !== undefined) return plainSpaces(m.apply(this, a));
          const t = getTime.call(this);                      // throws for a non-Date receiver, as V8
          if (Number.isNaN(t)) return "Invalid Date";
          cached ??= new target.DateTimeFormat(undefined, dateDefaults[name]);
          return cached.format(t);
        },
      }[name],
      writable: true, configurable: true,
    });
  }
  for (const proto of [Number.prototype, BigInt.prototype] as object[]) {
    const m = (proto as Record<string, (...a: unknown[]) => string>).toLocaleString as (this: unknown, ...a: unknown[]) => string;
    let cached: Intl.NumberFormat | undefined;
    const valueOf = (proto as { valueOf(): number | bigint }).valueOf as (this: unknown) => number | bigint;
    Object.defineProperty(proto, "toLocaleString", {
      value: function toLocaleString(this: unknown, ...a: unknown[]) {
        if (a[0] !== undefined || a[1] !== undefined) return m.apply(this, a);
        const x = valueOf.call(this);                        // throws for a wrong receiver, as V8
        cached ??= new target.NumberFormat();
        return cached.format(x);
      },
      writable: true, configurable: true,
    });
  }
  const NumberFormat = target.NumberFormat;
  Object.defineProperty(target, "NumberFormat", {
    value: new Proxy(NumberFormat, {
      construct: (t, args, nt) => reworded(() => Reflect.construct(t, args, nt === proxyNf ? t : nt)),
      apply: (t, self, args) => reworded(() => Reflect.apply(t, self, args)),
    }),
    writable: true, configurable: true,
  });
  const proxyNf = target.NumberFormat;
  installCollator(target);
  return target;
}
