// libos/intl/en_us.ts — what Node 20 prints for en-US, UTC, for the locale methods called without locales or
// options: Number/BigInt#toLocaleString (grouping, at most 3 fraction digits, half away from zero) and
// Date#toLocaleString/DateString/TimeString ("3/5/2024, 2:07:09 PM"). Small, so images that only call these do
// not need the Intl polyfills. Layer: libos (pure computation, no dependencies).

function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Rounds a non-negative decimal ("1.0005", "1.5e-7", "1e+21") to at most `places` fraction digits, half up,
 *  and returns it in plain notation without trailing zeros. */
export function roundDecimal(text: string, places: number): string {
  const m = /^(\d+)(?:\.(\d*))?(?:e([+-]\d+))?$/.exec(text);
  if (!m) return text;
  let digits = m[1] + (m[2] ?? "");
  let point = m[1].length + Number(m[3] ?? 0);         // digits before the decimal point
  if (point < 0) {
    digits = "0".repeat(-point) + digits;
    point = 0;
  }
  if (digits.length < point) digits += "0".repeat(point - digits.length);
  const keep = point + places;
  if (digits.length > keep) {
    const up = digits.charCodeAt(keep) >= 53;          // "5".."9"
    let kept = digits.slice(0, keep);
    if (up) {
      const n = (BigInt(kept || "0") + 1n).toString().padStart(keep, "0");
      if (n.length > keep) point++;
      kept = n;
    }
    digits = kept;
  }
  const int = digits.slice(0, point).replace(/^0+(?=\d)/, "") || "0";
  const frac = digits.slice(point).replace(/0+$/, "");
  return frac ? `${int}.${frac}` : int;
}

/** (x).toLocaleString() for a number, as Node's en-US: "1,234.568", "-0", "∞", "NaN". */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x < 0 ? "-∞" : "∞";
  if (Object.is(x, -0)) return "-0";
  // ICU rounds the shortest decimal that reads back as x (what String(x) prints), half away from zero.
  const fixed = roundDecimal(String(Math.abs(x)), 3);
  const [int, frac] = fixed.split(".");
  const out = group(int) + (frac ? `.${frac}` : "");
  return x < 0 && out !== "0" ? `-${out}` : out;
}

/** (n).toLocaleString() for a bigint. */
export function formatBigInt(n: bigint): string {
  return n < 0n ? `-${group((-n).toString())}` : group(n.toString());
}

/** Date's toLocale*String() in UTC (the guest's zone): "date", "time" or both. */
export function formatDate(t: number, parts: "date" | "time" | "both"): string {
  if (Number.isNaN(t)) return "Invalid Date";
  const d = new Date(t);
  const date = `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()}`;
  const h = d.getUTCHours();
  const time = `${h % 12 === 0 ? 12 : h % 12}:${String(d.getUTCMinutes()).padStart(2, "0")}:` +
    `${String(d.getUTCSeconds()).padStart(2, "0")} ${h < 12 ? "AM" : "PM"}`;
  return parts === "date" ? date : parts === "time" ? time : `${date}, ${time}`;
}
