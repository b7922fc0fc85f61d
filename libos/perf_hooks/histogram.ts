// libos/perf_hooks/histogram.ts — Node's histograms (perf_hooks.createHistogram, monitorEventLoopDelay, timerify's
// option): values kept in HdrHistogram's buckets (lowest 1, the given significant figures), so min/max/mean/stddev,
// percentile() and the percentiles map give what Node's HdrHistogram_c gives (exact below 2048, bucket bounds
// above); the event-loop-delay histogram records, every `resolution` ms, the time since its previous tick (ns).
// Written from HdrHistogram's published bucket layout. Layer: libos. Depends on kernel/platform, libos/timers,
// libos/util/errors.

import { platform } from "../../kernel/platform.ts";
import { clearInterval, setInterval, type Timeout } from "../timers/index.ts";
import { invalidArgType, outOfRange, validateInteger, validateObject } from "../util/errors.ts";

const INT64_MAX = 9223372036854775807;
const inspectCustom = Symbol.for("nodejs.util.inspect.custom");
const kHistogram = Symbol("kHistogram");

/** floor(log2(v)) + 1 for 0 <= v < 2^53, exactly. */
function bitLength(v: number): number {
  if (v < 4294967296) return 32 - Math.clz32(v);
  return 64 - Math.clz32(Math.floor(v / 4294967296));
}

/** HdrHistogram's bucket arithmetic and counts (a sparse map from bucket start to count). */
class Hdr {
  private readonly unitMagnitude: number;
  private readonly subBucketHalfCountMagnitude: number;
  private readonly subBucketCount: number;
  private readonly subBucketMask: number;
  counts = new Map<number, number>();
  total = 0;
  minValue = INT64_MAX;
  maxValue = 0;

  constructor(lowest: number, readonly highest: number, figures: number) {
    const largestSingleUnit = 2 * 10 ** figures;
    const subBucketCountMagnitude = Math.ceil(Math.log2(largestSingleUnit));
    this.subBucketHalfCountMagnitude = subBucketCountMagnitude - 1;
    this.unitMagnitude = Math.floor(Math.log2(lowest));
    this.subBucketCount = 2 ** subBucketCountMagnitude;
    this.subBucketMask = (this.subBucketCount - 1) * 2 ** this.unitMagnitude;
  }

  private bucketIndex(v: number): number {
    const pow2ceiling = bitLength(v < this.subBucketMask ? this.subBucketMask : v);
    return Math.max(0, pow2ceiling - this.unitMagnitude - (this.subBucketHalfCountMagnitude + 1));
  }

  lowestEquivalent(v: number): number {
    const b = this.bucketIndex(v);
    const shift = 2 ** (b + this.unitMagnitude);
    return Math.floor(v / shift) * shift;
  }

  private sizeOfRange(v: number): number {
    const b = this.bucketIndex(v);
    const sub = Math.floor(v / 2 ** (b + this.unitMagnitude));
    return 2 ** (this.unitMagnitude + (sub >= this.subBucketCount ? b + 1 : b));
  }

  highestEquivalent(v: number): number {
    return this.lowestEquivalent(v) + this.sizeOfRange(v) - 1;
  }

  medianEquivalent(v: number): number {
    return this.lowestEquivalent(v) + Math.floor(this.sizeOfRange(v) / 2);
  }

  /** False when the value is beyond the histogram's range (Node counts it in `exceeds`). */
  record(v: number, count = 1): boolean {
    if (v < 0 || v > this.highest) return false;
    const key = this.lowestEquivalent(v);
    this.counts.set(key, (this.counts.get(key) ?? 0) + count);
    this.total += count;
    if (v < this.minValue && v !== 0) this.minValue = v;
    if (v > this.maxValue) this.maxValue = v;
    return true;
  }

  reset(): void {
    this.counts.clear();
    this.total = 0;
    this.minValue = INT64_MAX;
    this.maxValue = 0;
  }

  /** [bucket start, count], ascending. */
  sorted(): [number, number][] {
    return [...this.counts].sort((a, b) => a[0] - b[0]);
  }

  min(): number {
    if (this.counts.get(0)) return 0;
    return this.minValue === INT64_MAX ? INT64_MAX : this.lowestEquivalent(this.minValue);
  }

  max(): number {
    return this.maxValue === 0 ? 0 : this.highestEquivalent(this.maxValue);
  }

  mean(): number {
    let sum = 0;
    for (const [v, c] of this.sorted()) sum += c * this.medianEquivalent(v);
    return sum / this.total;
  }

  stddev(): number {
    const mean = this.mean();
    let dev = 0;
    for (const [v, c] of this.sorted()) {
      const d = this.medianEquivalent(v) - mean;
      dev += d * d * c;
    }
    return Math.sqrt(dev / this.total);
  }

  valueAtPercentile(p: number): number {
    const requested = Math.min(p, 100);
    const countAt = Math.max(1, Math.floor((requested / 100) * this.total + 0.5));
    let cumulative = 0;
    let value = 0;
    for (const [v, c] of this.sorted()) {
      cumulative += c;
      value = v;
      if (cumulative >= countAt) break;
    }
    return p === 0 ? this.lowestEquivalent(value) : this.highestEquivalent(value);
  }

  /** HdrHistogram's percentile iteration with one tick per half distance: [percentile, bucket start]. */
  percentiles(): [number, number][] {
    const out: [number, number][] = [];
    const entries = this.sorted();
    let cumulative = 0;
    let at = -1;
    let value = 0;
    let next = 0;
    for (;;) {
      if (!(cumulative < this.total)) {
        out.push([100, value]);
        return out;
      }
      if (at === -1) {
        at = 0;
        [value] = entries[0];
        cumulative = entries[0][1];
      }
      for (;;) {
        const current = (100 * cumulative) / this.total;
        if (next <= current) {
          out.push([next, value]);
          const ticks = 2 ** (Math.floor(Math.log(100 / (100 - next)) / Math.log(2)) + 1);
          next += 100 / ticks;
          break;
        }
        at++;
        [value] = entries[at];
        cumulative += entries[at][1];
      }
    }
  }
}

function validatePercentile(p: unknown): asserts p is number {
  if (typeof p !== "number") throw invalidArgType("percentile", "number", p);
  if (!(p > 0 && p <= 100)) throw outOfRange("percentile", "> 0 && <= 100", p);
}

/** Node's Histogram: read-only statistics (perf_hooks' histograms all extend it). */
export class Histogram {
  /** @internal */
  [kHistogram]: Hdr;
  /** @internal */
  _exceeds = 0;

  /** @internal (Node's constructor is not public either) */
  constructor(lowest = 1, highest = Number.MAX_SAFE_INTEGER, figures = 3) {
    this[kHistogram] = new Hdr(lowest, highest, figures);
  }

  get count(): number { return this[kHistogram].total; }
  get countBigInt(): bigint { return BigInt(this.count); }
  get min(): number { return this[kHistogram].min(); }
  get minBigInt(): bigint { return BigInt(this.min); }
  get max(): number { return this[kHistogram].max(); }
  get maxBigInt(): bigint { return BigInt(this.max); }
  get mean(): number { return this[kHistogram].mean(); }
  get exceeds(): number { return this._exceeds; }
  get exceedsBigInt(): bigint { return BigInt(this._exceeds); }
  get stddev(): number { return this[kHistogram].stddev(); }

  percentile(percentile: number): number {
    validatePercentile(percentile);
    return this[kHistogram].valueAtPercentile(percentile);
  }

  percentileBigInt(percentile: number): bigint {
    return BigInt(this.percentile(percentile));
  }

  get percentiles(): Map<number, number> {
    return new Map(this[kHistogram].percentiles());
  }

  get percentilesBigInt(): Map<number, bigint> {
    return new Map(this[kHistogram].percentiles().map(([k, v]) => [k, BigInt(v)]));
  }

  reset(): void {
    this[kHistogram].reset();
    this._exceeds = 0;
  }

  toJSON(): object {
    return {
      count: this.count, min: this.min, max: this.max, mean: this.mean, exceeds: this.exceeds, stddev: this.stddev,
      percentiles: Object.fromEntries(this[kHistogram].percentiles()),
    };
  }

  [inspectCustom](depth: number, options: { depth?: number | null }, inspect?: (v: unknown, o: object) => string): unknown {
    if (depth < 0) return this;
    const body = {
      min: this.min, max: this.max, mean: this.mean, exceeds: this.exceeds, stddev: this.stddev, count: this.count,
      percentiles: this.percentiles,
    };
    const opts = { ...options, depth: options.depth == null ? null : options.depth - 1 };
    return `Histogram ${inspect ? inspect(body, opts) : JSON.stringify(body)}`;
  }
}

/** A histogram the application records into (perf_hooks.createHistogram). */
export class RecordableHistogram extends Histogram {
  private prevDelta = 0;

  /** Records an integer value >= 1 (number or bigint). */
  record(val: number | bigint): void {
    if (typeof val === "bigint") {
      if (!this[kHistogram].record(Number(val))) this._exceeds++;
      return;
    }
    validateInteger(val, "val", 1);
    if (!this[kHistogram].record(val)) this._exceeds++;
  }

  /** Records the nanoseconds since the previous call (nothing on the first). */
  recordDelta(): void {
    const now = platform().monotonicNs();
    if (this.prevDelta > 0 && !this[kHistogram].record(Math.max(1, Math.round(now - this.prevDelta)))) this._exceeds++;
    this.prevDelta = now;
  }

  /** Adds another histogram's counts to this one. */
  add(other: unknown): void {
    if (!(other instanceof RecordableHistogram)) throw invalidArgType("other", "RecordableHistogram", other);
    const src = other[kHistogram];
    for (const [v, c] of src.counts) this[kHistogram].record(v, c);
    const h = this[kHistogram];
    if (src.minValue < h.minValue) h.minValue = src.minValue;
    if (src.maxValue > h.maxValue) h.maxValue = src.maxValue;
  }
}

/** perf_hooks.createHistogram({ lowest, highest, figures }). */
export function createHistogram(options: { lowest?: number | bigint; highest?: number | bigint; figures?: number } = {}): RecordableHistogram {
  validateObject(options, "options");
  let { lowest = 1, highest = Number.MAX_SAFE_INTEGER, figures = 3 } = options;
  if (typeof lowest !== "bigint") validateInteger(lowest, "options.lowest", 1, Number.MAX_SAFE_INTEGER);
  else lowest = Number(lowest);
  if (typeof highest !== "bigint") validateInteger(highest, "options.highest", 2 * lowest, Number.MAX_SAFE_INTEGER);
  else highest = Number(highest);
  validateInteger(figures, "options.figures", 1, 5);
  return new RecordableHistogram(lowest, highest, figures);
}

/** The event-loop delay monitor: while enabled, a tick every `resolution` ms records the time since the last. */
export class IntervalHistogram extends Histogram {
  private timer: Timeout | null = null;
  private prev = 0;

  /** @internal */
  constructor(private readonly resolution: number) {
    super(1, INT64_MAX, 3);
  }

  /** Starts sampling; false when it already was. */
  enable(): boolean {
    if (this.timer) return false;
    this.prev = platform().monotonicNs();
    this.timer = setInterval(() => {
      const now = platform().monotonicNs();
      const delta = Math.round(now - this.prev);
      this.prev = now;
      if (delta > 0 && !this[kHistogram].record(delta)) this._exceeds++;
    }, this.resolution);
    this.timer.unref();
    return true;
  }

  /** Stops sampling; false when it was not running. */
  disable(): boolean {
    if (!this.timer) return false;
    clearInterval(this.timer);
    this.timer = null;
    return true;
  }
}

/** perf_hooks.monitorEventLoopDelay({ resolution = 10 }): an IntervalHistogram of delays in nanoseconds. */
export function monitorEventLoopDelay(options: { resolution?: number } = {}): IntervalHistogram {
  validateObject(options, "options");
  const { resolution = 10 } = options;
  validateInteger(resolution, "options.resolution", 1);
  return new IntervalHistogram(resolution);
}

/** Whether v is one of these histograms (timerify's option check). */
export function isRecordableHistogram(v: unknown): v is RecordableHistogram {
  return v instanceof RecordableHistogram;
}
