// libos/web/streams/queuing_strategy.ts — ByteLengthQueuingStrategy and CountQueuingStrategy (Streams Standard §7)
// with Node 20's argument errors (ERR_INVALID_ARG_TYPE for a missing init, ERR_MISSING_OPTION for its
// highWaterMark). Each class's `size` is one function shared by all its instances, as the spec asks.
// Layer: libos (web platform).
import { inspectAs, invalidArgType, invalidThis, isObject, kInspect } from "./_util.ts";
import { webidlClass } from "../_util.ts";
import { nodeError } from "../../util/errors.ts";

function readInit(init: unknown): number {
  if (!isObject(init)) throw invalidArgType("init", "object", init);
  const hwm = (init as { highWaterMark?: unknown }).highWaterMark;
  if (hwm === undefined) throw nodeError(TypeError, "ERR_MISSING_OPTION", "init.highWaterMark is required");
  return Number(hwm);
}

const byteLengthSize = function size(chunk: ArrayBufferView): number {
  return chunk.byteLength;
};
const countSize = function size(): number {
  return 1;
};

export class ByteLengthQueuingStrategy {
  _highWaterMark: number;
  constructor(init: { highWaterMark: number }) {
    this._highWaterMark = readInit(init);
  }
  get highWaterMark(): number {
    if (!(this instanceof ByteLengthQueuingStrategy)) throw invalidThis("ByteLengthQueuingStrategy");
    return this._highWaterMark;
  }
  get size(): (chunk: ArrayBufferView) => number {
    if (!(this instanceof ByteLengthQueuingStrategy)) throw invalidThis("ByteLengthQueuingStrategy");
    return byteLengthSize;
  }
  [kInspect](depth: number, options: { depth?: number | null }, inspect?: (v: unknown, o?: object) => string): unknown {
    return inspectAs("ByteLengthQueuingStrategy", depth, options, inspect, { highWaterMark: this._highWaterMark });
  }
}
webidlClass(ByteLengthQueuingStrategy, "ByteLengthQueuingStrategy");

export class CountQueuingStrategy {
  _highWaterMark: number;
  constructor(init: { highWaterMark: number }) {
    this._highWaterMark = readInit(init);
  }
  get highWaterMark(): number {
    if (!(this instanceof CountQueuingStrategy)) throw invalidThis("CountQueuingStrategy");
    return this._highWaterMark;
  }
  get size(): () => number {
    if (!(this instanceof CountQueuingStrategy)) throw invalidThis("CountQueuingStrategy");
    return countSize;
  }
  [kInspect](depth: number, options: { depth?: number | null }, inspect?: (v: unknown, o?: object) => string): unknown {
    return inspectAs("CountQueuingStrategy", depth, options, inspect, { highWaterMark: this._highWaterMark });
  }
}
webidlClass(CountQueuingStrategy, "CountQueuingStrategy");
