// libos/v8/index.ts — node:v8 on QuickJS: heap statistics from the engine's own accounting (hal.memoryUsage: the
// JS heap is one malloc arena, reported as V8's old_space), serialize/deserialize and the Serializer classes in
// V8's wire format (./serializer.ts, byte-compatible with Node 20 for plain data), cachedDataVersionTag from the
// engine's version, setFlagsFromString accepted with a one-time warning (QuickJS has no V8 flags), coverage calls
// as without NODE_V8_COVERAGE, and heap snapshots / promise hooks throwing ERR_FEATURE_UNAVAILABLE_ON_PLATFORM.
// Layer: libos. Depends on kernel/platform, libos/buffer, libos/util/errors, libos/unsupported, ./serializer.

import { platform } from "../../kernel/platform.ts";
import { Buffer } from "../buffer/index.ts";
import { unsupportedFunction } from "../unsupported/_unsupported.ts";
import { invalidArgType, nodeError, validateString } from "../util/errors.ts";
import { BUFFER_INDEX, dataCloneError, ValueReader, ValueWriter, VIEW_TYPES } from "./serializer.ts";

const NO_SNAPSHOTS = "QuickJS has no heap snapshots or inspector (npm run image -- --profile samples the JS)";

/** The heap figures Node reports, from the engine's allocator. */
export function getHeapStatistics(): Record<string, number> {
  const m = platform().memoryUsage();
  return {
    total_heap_size: m.heapUsed,
    total_heap_size_executable: 0,
    total_physical_size: m.heapUsed,
    total_available_size: Math.max(0, m.heapLimit - m.heapUsed),
    used_heap_size: m.heapUsed,
    heap_size_limit: m.heapLimit,
    malloced_memory: m.heapUsed,
    peak_malloced_memory: m.heapUsed,
    does_zap_garbage: 0,
    number_of_native_contexts: 1,
    number_of_detached_contexts: 0,
    total_global_handles_size: 0,
    used_global_handles_size: 0,
    external_memory: 0,
  };
}

const SPACES = ["read_only_space", "new_space", "old_space", "code_space", "shared_space", "new_large_object_space",
  "large_object_space", "code_large_object_space", "shared_large_object_space"];

/** V8's spaces, by name: QuickJS's one heap is reported as old_space, the others are empty. */
export function getHeapSpaceStatistics(): { space_name: string; space_size: number; space_used_size: number; space_available_size: number; physical_space_size: number }[] {
  const m = platform().memoryUsage();
  return SPACES.map((space_name) => {
    const used = space_name === "old_space" ? m.heapUsed : 0;
    const available = space_name === "old_space" ? Math.max(0, m.heapLimit - m.heapUsed) : 0;
    return { space_name, space_size: used, space_used_size: used, space_available_size: available, physical_space_size: used };
  });
}

/** Bytecode is kept inside the heap; QuickJS does not account it apart. */
export function getHeapCodeStatistics(): Record<string, number> {
  return { code_and_metadata_size: 0, bytecode_and_metadata_size: 0, external_script_source_size: 0, cpu_profiler_metadata_size: 0 };
}

/** A 32-bit tag that changes with the engine version (what code caches are keyed on). */
export function cachedDataVersionTag(): number {
  const text = `QuickJS ${platform().engineVersion ?? "unknown"}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

let warnedFlags = false;
/** V8 flags do not exist in QuickJS: accepted, with one warning per process. */
export function setFlagsFromString(flags: unknown): void {
  validateString(flags, "flags");
  if (warnedFlags) return;
  warnedFlags = true;
  const proc = (globalThis as { process?: { emitWarning?(w: string, t: string, c?: string): void } }).process;
  proc?.emitWarning?.(`v8.setFlagsFromString(${JSON.stringify(flags)}) has no effect: the engine is QuickJS, which has no V8 flags`,
    "UnsupportedWarning");
}

/** Coverage is collected only under NODE_V8_COVERAGE, which does not exist here: as in Node without it, no-ops. */
export function takeCoverage(): void {}
export function stopCoverage(): void {}

export const getHeapSnapshot = unsupportedFunction("v8.getHeapSnapshot", NO_SNAPSHOTS, 1);
export const writeHeapSnapshot = unsupportedFunction("v8.writeHeapSnapshot", NO_SNAPSHOTS, 2);
export const setHeapSnapshotNearHeapLimit = unsupportedFunction("v8.setHeapSnapshotNearHeapLimit", NO_SNAPSHOTS, 1);
export const queryObjects = unsupportedFunction("v8.queryObjects", "QuickJS cannot enumerate the heap's objects", 2);

const NO_PROMISE_HOOKS = "QuickJS has no promise hooks (use AsyncLocalStorage from node:async_hooks)";
export const promiseHooks = {
  createHook: unsupportedFunction("v8.promiseHooks.createHook", NO_PROMISE_HOOKS, 1),
  onInit: unsupportedFunction("v8.promiseHooks.onInit", NO_PROMISE_HOOKS, 1),
  onBefore: unsupportedFunction("v8.promiseHooks.onBefore", NO_PROMISE_HOOKS, 1),
  onAfter: unsupportedFunction("v8.promiseHooks.onAfter", NO_PROMISE_HOOKS, 1),
  onSettled: unsupportedFunction("v8.promiseHooks.onSettled", NO_PROMISE_HOOKS, 1),
};

const notBuildingSnapshot = () => nodeError(Error, "ERR_NOT_BUILDING_SNAPSHOT", "Operation cannot be invoked when not building startup snapshot");
/** An image is never building a startup snapshot. */
export const startupSnapshot = {
  addDeserializeCallback(_callback: unknown, _data?: unknown): void { throw notBuildingSnapshot(); },
  addSerializeCallback(_callback: unknown, _data?: unknown): void { throw notBuildingSnapshot(); },
  setDeserializeMainFunction(_callback: unknown, _data?: unknown): void { throw notBuildingSnapshot(); },
  /** Node 20 answers 0 (its flag's value), not false. */
  isBuildingSnapshot(): number { return 0; },
};

/** GC tracing: QuickJS reports no collection events, so the statistics stay empty. */
export class GCProfiler {
  private startTime = 0;
  private running = false;
  start(): void {
    if (this.running) return;
    this.running = true;
    this.startTime = Date.now();
  }
  stop(): { version: number; startTime: number; statistics: unknown[]; endTime: number } | undefined {
    if (!this.running) return undefined;
    this.running = false;
    return { version: 1, startTime: this.startTime, statistics: [], endTime: Date.now() };
  }
}

const kWriter = Symbol("kWriter");
const kReader = Symbol("kReader");

/** V8's ValueSerializer as Node exposes it. */
export class Serializer {
  [kWriter]: ValueWriter;

  constructor() {
    this[kWriter] = new ValueWriter((view) => this._writeHostObject(view), (v) => this._cloneError(v));
  }

  private _cloneError(v: unknown): Error {
    const Ctor = this._getDataCloneError as unknown as ErrorConstructor;
    const e = dataCloneError(v);
    return Ctor === Error ? e : new Ctor(e.message);
  }

  writeHeader(): void {
    this[kWriter].header();
  }

  writeValue(value: unknown): boolean {
    this[kWriter].value(value);
    return true;
  }

  releaseBuffer(): Buffer {
    const bytes = this[kWriter].release();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  transferArrayBuffer(id: number, arrayBuffer: ArrayBuffer): void {
    this[kWriter].transferArrayBuffer(id, arrayBuffer);
  }

  writeUint32(value: number): void {
    this[kWriter].varint(value >>> 0);
  }

  writeUint64(hi: number, lo: number): void {
    this[kWriter].varintBig((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));
  }

  writeDouble(value: number): void {
    this[kWriter].double(Number(value));
  }

  writeRawBytes(source: unknown): void {
    if (!ArrayBuffer.isView(source)) throw invalidArgType("source", ["Buffer", "TypedArray", "DataView"], source);
    this[kWriter].raw(new Uint8Array(source.buffer, source.byteOffset, source.byteLength));
  }

  /** Subclasses write host objects here; the base class has none. */
  _writeHostObject(object: unknown): void {
    throw new (this._getDataCloneError as unknown as ErrorConstructor)(`Unserializable host object: ${String(object)}`);
  }

  declare _getDataCloneError: ErrorConstructor;

  _getSharedArrayBufferId(_sab: unknown): number {
    throw new (this._getDataCloneError as unknown as ErrorConstructor)("SharedArrayBuffer could not be cloned.");
  }

  _setTreatArrayBufferViewsAsHostObjects(flag: boolean): void {
    this[kWriter].treatViewsAsHostObjects = !!flag;
  }
}

/** The class of the error a value that cannot be cloned raises (subclasses may replace it). */
Serializer.prototype._getDataCloneError = Error;

/** V8's ValueDeserializer as Node exposes it. */
export class Deserializer {
  [kReader]: ValueReader;
  readonly buffer: Uint8Array;

  constructor(buffer: unknown) {
    if (!ArrayBuffer.isView(buffer)) throw nodeError(TypeError, "ERR_INVALID_ARG_TYPE", "buffer must be a TypedArray or a DataView");
    this.buffer = buffer instanceof Buffer ? buffer : Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    this[kReader] = new ValueReader(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength), () => this._readHostObject());
  }

  readHeader(): boolean {
    return this[kReader].header();
  }

  readValue(): unknown {
    return this[kReader].value();
  }

  transferArrayBuffer(id: number, arrayBuffer: ArrayBuffer): void {
    this[kReader].transferArrayBuffer(id, arrayBuffer);
  }

  getWireFormatVersion(): number {
    return this[kReader].version;
  }

  readUint32(): number {
    return this[kReader].varint() >>> 0;
  }

  readUint64(): [number, number] {
    const v = this[kReader].varintBig();
    return [Number((v >> 32n) & 0xffffffffn), Number(v & 0xffffffffn)];
  }

  readDouble(): number {
    return this[kReader].double();
  }

  /** Skips `length` bytes; returns their offset in this.buffer. */
  _readRawBytes(length: number): number {
    const r = this[kReader];
    const at = r.pos;
    r.raw(length);
    return at;
  }

  readRawBytes(length: number): Buffer {
    const at = this._readRawBytes(length);
    return this.buffer.subarray(at, at + length) as Buffer;
  }

  _readHostObject(): unknown {
    throw new Error("Unable to deserialize cloned data.");
  }
}

/** The serializer v8.serialize uses: typed arrays and Buffers as Node's host objects. */
export class DefaultSerializer extends Serializer {
  constructor() {
    super();
    this._setTreatArrayBufferViewsAsHostObjects(true);
  }

  override _writeHostObject(abView: unknown): void {
    let i = BUFFER_INDEX;
    const view = abView as ArrayBufferView;
    if (!(abView instanceof Buffer) || (abView as object).constructor !== Buffer) {
      const name = Object.prototype.toString.call(abView).slice(8, -1);
      i = VIEW_TYPES.findIndex((c, n) => n !== BUFFER_INDEX && c.name === name);
      if (i < 0) throw new (this._getDataCloneError as unknown as ErrorConstructor)(`Unserializable host object: ${String(abView)}`);
    }
    this.writeUint32(i);
    this.writeUint32(view.byteLength);
    this.writeRawBytes(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  }
}

/** The deserializer v8.deserialize uses (views share the input's memory when aligned, as Node's do). */
export class DefaultDeserializer extends Deserializer {
  override _readHostObject(): unknown {
    const typeIndex = this.readUint32();
    const ctor = VIEW_TYPES[typeIndex];
    const byteLength = this.readUint32();
    const byteOffset = this._readRawBytes(byteLength);
    if (!ctor) throw new Error("Unable to deserialize cloned data.");
    if (typeIndex === BUFFER_INDEX) return Buffer.from(this.buffer.buffer, this.buffer.byteOffset + byteOffset, byteLength);
    const size = (ctor as unknown as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
    const offset = this.buffer.byteOffset + byteOffset;
    if (offset % size === 0) return new ctor(this.buffer.buffer as ArrayBuffer, offset, byteLength / size);
    const copy = new Uint8Array(byteLength);
    copy.set(this.buffer.subarray(byteOffset, byteOffset + byteLength));
    return new ctor(copy.buffer, 0, byteLength / size);
  }
}

/** The bytes of `value` in V8's format (what Node's v8.serialize gives). */
export function serialize(value: unknown): Buffer {
  const ser = new DefaultSerializer();
  ser.writeHeader();
  ser.writeValue(value);
  return ser.releaseBuffer();
}

/** The value `buffer` holds (written by v8.serialize here or in Node). */
export function deserialize(buffer: unknown): unknown {
  const der = new DefaultDeserializer(buffer);
  der.readHeader();
  return der.readValue();
}


export default {
  cachedDataVersionTag, getHeapSnapshot, getHeapStatistics, getHeapSpaceStatistics, getHeapCodeStatistics,
  setFlagsFromString, Serializer, Deserializer, DefaultSerializer, DefaultDeserializer, deserialize, takeCoverage,
  stopCoverage, serialize, writeHeapSnapshot, promiseHooks, queryObjects, startupSnapshot, setHeapSnapshotNearHeapLimit,
  GCProfiler,
};
