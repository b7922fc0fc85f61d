// libos/intl/collator.ts — Intl.Collator and String.prototype.localeCompare for English, which no @formatjs polyfill
// provides. A small model of the Unicode Collation Algorithm with ICU's root order (what Node's en-US collator uses,
// CLDR's English having no tailoring): strings are cut into collation elements (primary: the letter, secondary:
// accents, tertiary: case and variants) and compared level by level over the whole string. The order of the
// Latin-1 punctuation, symbols, digits and letters is ICU's (checked against Node in test/unit/intl); characters
// beyond Latin-1 keep ICU's groups (spaces and punctuation < symbols < currency < digits < Latin < other scripts)
// but are ordered by code point inside a group, where ICU's full table would differ.
// Options: usage, sensitivity, ignorePunctuation, numeric, caseFirst (and -u-kn / -u-kf in the locale).
// Layer: libos (pure computation, no dependencies).

/** Whitespace, punctuation and symbols of Latin-1 in ICU's root order (NBSP sorts as a variant of the space). */
const VARIABLE = "\t\n\v\f\r _-,;:!¡?¿.·'\"«»()[]{}§¶@*/\\&#%`´^¯¨¸°©®+±÷×<=>¬|¦~";
const CURRENCY = "¤¢$£¥";
/** Accents in ICU's secondary order (acute < grave < breve < circumflex < caron < ring < diaeresis < ...). */
const ACCENTS = [0x301, 0x300, 0x306, 0x302, 0x30c, 0x30a, 0x308, 0x30b, 0x303, 0x307, 0x327, 0x328, 0x304];

// Primary weight regions, ascending in ICU's group order.
const P_VARIABLE = 1;
const P_OTHER_PUNCT = 1_000_000;
const P_OTHER_SYMBOL = 3_000_000;
const P_CURRENCY = 5_000_000;
const P_DIGIT = 7_000_000;
const P_NUMBER_LENGTH = 7_000_100;
const P_LATIN = 8_000_000;
const P_OTHER = 9_000_000;

const SECONDARY_COMMON = 1;
const SECONDARY_STROKE = 60;
const SECONDARY_EXPANSION = 9;
const T_LOWER = 1;
const T_UPPER = 2;
const T_VARIANT = 3;

/** A collation element: primary, secondary, tertiary weights, whether it is upper case, whether it is punctuation
 *  or a space (ignored with ignorePunctuation). A primary of 0 is a combining mark (secondary only). */
interface Element { p: number; s: number; t: number; upper: boolean; punct: boolean }

/** Latin letters that NFD does not decompose: [base letters, secondary]. */
const SPECIAL: Record<string, [string, number]> = {
  "ø": ["o", SECONDARY_STROKE], "đ": ["d", SECONDARY_STROKE], "ð": ["d", SECONDARY_STROKE + 1], "ł": ["l", SECONDARY_STROKE],
  "ħ": ["h", SECONDARY_STROKE], "ŧ": ["t", SECONDARY_STROKE], "ı": ["i", SECONDARY_STROKE + 2],
};
/** Letters that sort as two letters, as a tertiary variant of them. */
const EXPANSIONS: Record<string, string> = { "æ": "ae", "œ": "oe", "ß": "ss", "ĳ": "ij" };
/** Latin-1 compatibility characters: what they sort as, as a tertiary variant. */
const COMPAT: Record<string, string> = { "ª": "a", "º": "o", "¹": "1", "²": "2", "³": "3", "\u00a0": " " };
const FRACTIONS: Record<string, string> = { "¼": "14", "½": "12", "¾": "34" };

const isMark = (c: string): boolean => /\p{M}/u.test(c);
const isIgnorable = (c: string): boolean => /[\p{Cc}\p{Cf}]/u.test(c) && !/[\t\n\v\f\r]/.test(c);

function latinElements(letter: string, upper: boolean, secondary: number, variant: boolean, out: Element[]): void {
  for (const l of letter) {
    out.push({ p: P_LATIN + (l === "þ" ? 26 : l.charCodeAt(0) - 97) * 10, s: secondary, t: variant ? T_VARIANT : upper ? T_UPPER : T_LOWER, upper, punct: false });
  }
}

/** The collation elements of one string. */
export function collationElements(text: string, numeric = false): Element[] {
  const out: Element[] = [];
  const chars = [...text.normalize("NFD")];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (isIgnorable(c)) continue;
    if (isMark(c)) {
      const k = ACCENTS.indexOf(c.codePointAt(0) as number);
      out.push({ p: 0, s: k >= 0 ? 10 + k : 100 + (c.codePointAt(0) as number), t: T_LOWER, upper: false, punct: false });
      continue;
    }
    if (c >= "0" && c <= "9") {
      if (numeric) {
        let j = i;
        while (j < chars.length && chars[j] >= "0" && chars[j] <= "9") j++;
        const digits = chars.slice(i, j).join("").replace(/^0+(?=\d)/, "");
        out.push({ p: P_NUMBER_LENGTH + digits.length, s: SECONDARY_COMMON, t: T_LOWER, upper: false, punct: false });
        for (const d of digits) out.push({ p: P_DIGIT + Number(d), s: SECONDARY_COMMON, t: T_LOWER, upper: false, punct: false });
        i = j - 1;
      } else out.push({ p: P_DIGIT + Number(c), s: SECONDARY_COMMON, t: T_LOWER, upper: false, punct: false });
      continue;
    }
    const lower = c.toLowerCase();
    const upper = lower !== c;
    if (lower.length === 1 && ((lower >= "a" && lower <= "z") || lower === "þ")) {
      latinElements(lower, upper, SECONDARY_COMMON, false, out);
      continue;
    }
    const special = SPECIAL[lower];
    if (special) {
      latinElements(special[0], upper, special[1], false, out);
      continue;
    }
    const expansion = EXPANSIONS[lower];
    if (expansion) {
      const first = out.length;
      latinElements(expansion, upper, SECONDARY_COMMON, false, out);
      out[first].s = SECONDARY_EXPANSION;
      continue;
    }
    const nfkd = c.normalize("NFKD");
    const compat = COMPAT[c] ?? (nfkd !== c && !FRACTIONS[c] && !VARIABLE.includes(c) ? nfkd : undefined);
    if (compat) {
      const before = out.length;
      out.push(...collationElements(compat, false));
      for (let k = before; k < out.length; k++) out[k].t = T_VARIANT;
      continue;
    }
    const fraction = FRACTIONS[c];
    if (fraction) {
      out.push({ p: P_DIGIT + Number(fraction[0]), s: SECONDARY_COMMON, t: T_VARIANT, upper: false, punct: false });
      out.push({ p: P_VARIABLE + VARIABLE.indexOf("/"), s: SECONDARY_COMMON, t: T_VARIANT, upper: false, punct: false });
      out.push({ p: P_DIGIT + Number(fraction[1]), s: SECONDARY_COMMON, t: T_VARIANT, upper: false, punct: false });
      continue;
    }
    const cp = c.codePointAt(0) as number;
    const v = VARIABLE.indexOf(c);
    const punct = /[\p{P}\p{Z}\s]/u.test(c);
    let p: number;
    if (v >= 0) p = P_VARIABLE + v;
    else if (CURRENCY.includes(c)) p = P_CURRENCY + CURRENCY.indexOf(c);
    else if (/\p{Sc}/u.test(c)) p = P_CURRENCY + 100 + cp;
    else if (punct) p = P_OTHER_PUNCT + cp;
    else if (/\p{S}/u.test(c)) p = P_OTHER_SYMBOL + cp;
    else p = P_OTHER + (lower.codePointAt(0) as number);
    out.push({ p, s: SECONDARY_COMMON, t: upper ? T_UPPER : T_LOWER, upper, punct });
  }
  return out;
}

/** Options after validation (what resolvedOptions() reports, less the locale). */
export interface CollatorSettings {
  usage: "sort" | "search";
  sensitivity: "base" | "accent" | "case" | "variant";
  ignorePunctuation: boolean;
  numeric: boolean;
  caseFirst: "upper" | "lower" | "false";
}

function compareSeq(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Compares two strings under the settings: -1, 0 or 1. */
export function collate(x: string, y: string, o: CollatorSettings): number {
  let a = collationElements(x, o.numeric);
  let b = collationElements(y, o.numeric);
  if (o.ignorePunctuation) {
    a = a.filter((e) => !e.punct);
    b = b.filter((e) => !e.punct);
  }
  const primary = compareSeq(a.filter((e) => e.p).map((e) => e.p), b.filter((e) => e.p).map((e) => e.p));
  if (primary) return primary;
  if (o.sensitivity === "accent" || o.sensitivity === "variant") {
    const secondary = compareSeq(a.map((e) => e.s), b.map((e) => e.s));
    if (secondary) return secondary;
  }
  // The case level (sensitivity "case") and the tertiary level ("variant"); caseFirst "upper" puts capitals first.
  const caseWeight = (e: Element): number => (o.caseFirst === "upper" ? (e.upper ? 0 : 1) : e.upper ? 1 : 0);
  if (o.sensitivity === "case") return compareSeq(a.filter((e) => e.p).map(caseWeight), b.filter((e) => e.p).map(caseWeight));
  if (o.sensitivity === "variant") {
    const tertiary = (e: Element): number => (e.t === T_VARIANT ? 2 : 0) + caseWeight(e);
    return compareSeq(a.map(tertiary), b.map(tertiary));
  }
  return 0;
}

type Locales = string | readonly string[] | undefined;

interface IntlWithLocales { getCanonicalLocales(l: Locales): string[] }

const SLOTS = new WeakMap<object, { locale: string; settings: CollatorSettings; bound?: (x: string, y: string) => number }>();

function option<T extends string>(opts: Record<string, unknown>, name: string, allowed: readonly T[] | null): T | undefined {
  const v = opts[name];
  if (v === undefined) return undefined;
  const s = String(v) as T;
  if (allowed && !allowed.includes(s)) throw new RangeError(`Value ${s} out of range for Intl.Collator options property ${name}`);
  return s;
}

/**
 * Installs Intl.Collator on `intl` (which must already have getCanonicalLocales) and makes
 * String.prototype.localeCompare use it, as ECMA-402 asks.
 */
export function installCollator(intl: object): void {
  const canonical = (l: Locales): string[] => (intl as unknown as IntlWithLocales).getCanonicalLocales(l);
  const english = (tag: string): boolean => /^en(-|$)/i.test(tag);

  class CollatorImpl {
    constructor(locales?: Locales, options?: unknown) {
      const requested = canonical(locales);
      const opts = options === undefined ? {} : (options === null ? (() => { throw new TypeError("Cannot convert undefined or null to object"); })() : Object(options)) as Record<string, unknown>;
      const usage = option(opts, "usage", ["sort", "search"] as const) ?? "sort";
      option(opts, "localeMatcher", ["lookup", "best fit"] as const);
      option(opts, "collation", null);
      const numericOpt = opts.numeric === undefined ? undefined : Boolean(opts.numeric);
      const caseFirstOpt = option(opts, "caseFirst", ["upper", "lower", "false"] as const);
      const sensitivity = option(opts, "sensitivity", ["base", "accent", "case", "variant"] as const) ?? "variant";
      const ignorePunctuation = opts.ignorePunctuation === undefined ? false : Boolean(opts.ignorePunctuation);
      // The first English locale asked for; its -u-kn/-u-kf extensions are kept when the options do not override.
      const tag = requested.find(english) ?? "en-US";
      const ext = /-u(-[a-z0-9]{2,8})+/i.exec(tag)?.[0] ?? "";
      const base = tag.replace(/-u(-[a-z0-9]{2,8})+/i, "").replace(/^en-Latn-US$/, "en");
      const kn = /-kn(-true)?(?=-[a-z0-9]{2}(-|$)|$)/.test(ext) ? true : /-kn-false/.test(ext) ? false : undefined;
      const kf = /-kf-(upper|lower|false)/.exec(ext)?.[1] as CollatorSettings["caseFirst"] | undefined;
      const numeric = numericOpt ?? kn ?? false;
      const caseFirst = caseFirstOpt ?? kf ?? "false";
      // V8 keeps the kf/kn keywords that were asked for in the locale, even where an option overrides them.
      let keep = "";
      if (kf !== undefined) keep += `-kf-${kf}`;
      if (kn !== undefined) keep += kn ? "-kn" : "-kn-false";
      const locale = base === "en-US" || base === "en" ? base + (keep ? `-u${keep}` : "") : "en";
      SLOTS.set(this, { locale, settings: { usage, sensitivity, ignorePunctuation, numeric, caseFirst } });
    }

    get compare(): (x: string, y: string) => number {
      const slots = SLOTS.get(this);
      if (!slots) throw new TypeError(`Method get Intl.Collator.prototype.compare called on incompatible receiver ${String(this)}`);
      slots.bound ??= (x: string, y: string) => collate(String(x), String(y), slots.settings);
      return slots.bound;
    }

    resolvedOptions(): Record<string, unknown> {
      const slots = SLOTS.get(this);
      if (!slots) throw new TypeError(`Method Intl.Collator.prototype.resolvedOptions called on incompatible receiver ${String(this)}`);
      const s = slots.settings;
      return { locale: slots.locale, usage: s.usage, sensitivity: s.sensitivity, ignorePunctuation: s.ignorePunctuation,
        collation: "default", numeric: s.numeric, caseFirst: s.caseFirst };
    }

    static supportedLocalesOf(locales: Locales): string[] {
      return canonical(locales).filter(english);
    }
  }
  // Callable without `new`, as ECMA-402 allows for Collator.
  const ctor = function Collator(this: unknown, locales?: Locales, options?: unknown) {
    return Reflect.construct(CollatorImpl, [locales, options], new.target ?? ctor);
  } as unknown as typeof CollatorImpl;
  ctor.prototype = CollatorImpl.prototype;
  Object.defineProperty(ctor, "length", { value: 0, configurable: true });
  Object.defineProperty(CollatorImpl.prototype, "constructor", { value: ctor, writable: true, configurable: true });
  Object.defineProperty(CollatorImpl.prototype, Symbol.toStringTag, { value: "Intl.Collator", configurable: true });
  Object.defineProperty(ctor, "supportedLocalesOf", { value: CollatorImpl.supportedLocalesOf, writable: true, configurable: true });
  Object.defineProperty(intl, "Collator", { value: ctor, writable: true, configurable: true, enumerable: false });

  const plain = new ctor();
  Object.defineProperty(String.prototype, "localeCompare", {
    value: function localeCompare(this: unknown, that: unknown, locales?: Locales, options?: unknown): number {
      if (this === null || this === undefined) throw new TypeError("String.prototype.localeCompare called on null or undefined");
      const c = locales === undefined && options === undefined ? plain : new ctor(locales, options);
      return c.compare(String(this), String(that));
    },
    writable: true, configurable: true, enumerable: false,
  });
}
