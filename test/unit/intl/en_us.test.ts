// test/unit/intl/en_us.test.ts — libos/intl/en_us.ts (the light en-US locale methods) against host Node 20's ICU:
// Number/BigInt toLocaleString() and Date toLocale*String() without arguments, in UTC.
import { describe, expect, it } from "vitest";
import { formatBigInt, formatDate, formatNumber } from "../../../libos/intl/en_us.ts";

const NUMBERS = [0, -0, 1, -1, 0.5, 1.0005, 1.0015, 2.5, -2.5, 0.0005, 0.0004999, 999.9995, 1234.5678, -1234.5678, 1e6, 123456789.123456,
  1e15, 2 ** 53, 1e20, 1e21, 1.5e22, -1e21, 1.7976931348623157e308, 5e-324, 1e-7, NaN, Infinity, -Infinity, 0.1 + 0.2, 1.45, 1.55, 8.345, 1.0045];
const BIGINTS = [0n, 1n, -1n, 999n, 1000n, -1000n, 123456789012345678901234567890n, -(2n ** 64n)];
const DATES = [0, Date.UTC(2024, 2, 5, 14, 7, 9, 45), Date.UTC(1999, 11, 31, 23, 59, 59), Date.UTC(2024, 0, 1, 0, 0, 0), Date.UTC(2024, 0, 1, 12, 0, 0),
  Date.UTC(1969, 6, 20, 20, 17, 40), Date.UTC(2038, 0, 19, 3, 14, 8), Date.UTC(10000, 0, 1), Date.UTC(999, 5, 1), NaN];

describe("en-US locale methods without arguments, against host ICU", () => {
  it("Number#toLocaleString", () => {
    for (const x of NUMBERS) expect(`${x}: ${formatNumber(x)}`).toBe(`${x}: ${x.toLocaleString("en-US")}`);
  });
  it("BigInt#toLocaleString", () => {
    for (const n of BIGINTS) expect(formatBigInt(n)).toBe(n.toLocaleString("en-US"));
  });
  it("Date#toLocaleString, toLocaleDateString, toLocaleTimeString in UTC", () => {
    const utc = { timeZone: "UTC" } as const;
    for (const t of DATES) {
      const d = new Date(t);
      expect(formatDate(t, "both")).toBe(d.toLocaleString("en-US", utc));
      expect(formatDate(t, "date")).toBe(d.toLocaleDateString("en-US", utc));
      expect(formatDate(t, "time")).toBe(d.toLocaleTimeString("en-US", utc));
    }
  });
});
