// libos/v8/serializer.ts — V8's ValueSerializer wire format, version 15 (what Node 20's v8.serialize writes and
// v8.deserialize reads), for plain data: primitives (int32 as zigzag varints, other numbers as doubles, BigInt,
// Latin-1 and two-byte strings with V8's alignment padding), objects, dense and sparse arrays with extra
// properties, Date, RegExp, Map, Set, ArrayBuffer, primitive wrappers, errors, back-references for repeated
// objects, and typed arrays/Buffers as Node's host objects (view type index, byte length, bytes). Values V8 cannot
// clone (functions, symbols, promises, ...) raise Node's "X could not be cloned." Written from V8's format
// description and checked byte for byte against host Node. Layer: libos. Depends on libos/buffer.

import { Buffer } from "../buffer/index.ts";

export const LATEST_VERSION = 15;

const enum Tag {
  Version = 0xff, Padding = 0x00, VerifyObjectCount = 0x3f, TheHole = 0x2d, Undefined = 0x5f, Null = 0x30,
  True = 0x54, False = 0x46, Int32 = 0x49, Uint32 = 0x55, Double = 0x4e, BigInt = 0x5a, Utf8String = 0x53,
  OneByteString = 0x22, TwoByteString = 0x63, ObjectReference = 0x5e, BeginJSObject = 0x6f, EndJSObject = 0x7b,
  BeginSparseArray = 0x61, EndSparseArray = 0x40, BeginDenseArray = 0x41, EndDenseArray = 0x24, Date = 0x44,
  TrueObject = 0x79, FalseObject = 0x78, NumberObject = 0x6e, BigIntObject = 0x7a, StringObject = 0x73,
  RegExp = 0x52, BeginJSMap = 0x3b, EndJSMap = 0x3a, BeginJSSet = 0x27, EndJSSet = 0x2c, ArrayBuffer = 0x42,
  HostObject = 0x5c, Error = 0x72, ArrayBufferView = 0x56,
}

/** V8's ArrayBufferView sub-tags. */
const VIEW_SUBTAGS: Record<string, number> = {
  Int8Array: 0x62, Uint8Array: 0x42, Uint8ClampedArray: 0x43, Int16Array: 0x77, Uint16Array: 0x57, Int32Array: 0x64,
  Uint32Array: 0x44, Float32Array: 0x66, Float64Array: 0x46, BigInt64Array: 0x71, BigUint64Array: 0x51, DataView: 0x3f,
};

// Error sub-tags.
const enum ErrorTag {
  EvalPrototype = 0x45, RangePrototype = 0x52, ReferencePrototype = 0x46, SyntaxPrototype = 0x53,
  TypePrototype = 0x54, UriPrototype = 0x55, Message = 0x6d, Cause = 0x63, Stack = 0x73, End = 0x2e,
}

const ERROR_TAGS: [ErrorConstructor, number][] = [
  [EvalError, ErrorTag.EvalPrototype], [RangeError, ErrorTag.RangePrototype], [ReferenceError, ErrorTag.ReferencePrototype],
  [SyntaxError, ErrorTag.SyntaxPrototype], [TypeError, ErrorTag.TypePrototype], [URIError, ErrorTag.UriPrototype],
];

const REGEXP_FLAGS: [string, number][] = [["g", 1], ["i", 2], ["m", 4], ["y", 8], ["u", 16], ["s", 32], ["d", 128], ["v", 256]];

/** Node's host-object view types, by index (lib/v8.js): FastBuffer is 10. */
export const VIEW_TYPES: (new (buffer: ArrayBuffer, offset: number, length: number) => ArrayBufferView)[] = [
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array,
  Float64Array, DataView as never, Buffer as never, BigInt64Array as never, BigUint64Array as never,
];
export const BUFFER_INDEX = 10;

const toStringTag = (v: object): string => Object.prototype.toString.call(v);
const isArrayIndex = (k: string): boolean => /^(0|[1-9][0-9]*)$/.test(k) && Number(k) < 4294967295;

export function dataCloneError(value: unknown): Error {
  let shown: string;
  try {
    if (typeof value === "symbol") shown = value.toString();
    else if (typeof value === "object" && value !== null) {
      const ctor = (value as { constructor?: { name?: unknown } }).constructor;
      shown = `#<${typeof ctor?.name === "string" && ctor.name ? ctor.name : "Object"}>`;
    } else shown = String(value);
  } catch {
    shown = "#<Object>";
  }
  return new Error(`${shown} could not be cloned.`);
}

/** Writes the format (Node's v8.Serializer is built on this). */
export class ValueWriter {
  private buf = new Uint8Array(64);
  private len = 0;
  private readonly ids = new Map<object, number>();
  private nextId = 0;
  private readonly transferred = new Map<ArrayBuffer, number>();
  treatViewsAsHostObjects = false;

  constructor(private readonly hostWriter: (view: ArrayBufferView) => void, private readonly cloneError: (v: unknown) => Error) {}

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  varint(v: number): void {
    do {
      let b = v % 128;
      v = Math.floor(v / 128);
      if (v > 0) b |= 0x80;
      this.byte(b);
    } while (v > 0);
  }

  varintBig(v: bigint): void {
    do {
      let b = Number(v & 0x7fn);
      v >>= 7n;
      if (v > 0n) b |= 0x80;
      this.byte(b);
    } while (v > 0n);
  }

  double(d: number): void {
    this.ensure(8);
    new DataView(this.buf.buffer).setFloat64(this.len, d, true);
    this.len += 8;
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  header(): void {
    this.byte(Tag.Version);
    this.varint(LATEST_VERSION);
  }

  release(): Uint8Array {
    const out = this.buf.slice(0, this.len);
    this.buf = new Uint8Array(64);
    this.len = 0;
    return out;
  }

  transferArrayBuffer(id: number, ab: ArrayBuffer): void {
    this.transferred.set(ab, id);
  }

  private string(s: string): void {
    let oneByte = true;
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0xff) { oneByte = false; break; }
    if (oneByte) {
      this.byte(Tag.OneByteString);
      this.varint(s.length);
      this.ensure(s.length);
      for (let i = 0; i < s.length; i++) this.buf[this.len++] = s.charCodeAt(i);
      return;
    }
    const bytes = s.length * 2;
    let lenBytes = 1;
    for (let v = bytes; v >= 128; v = Math.floor(v / 128)) lenBytes++;
    if ((this.len + 1 + lenBytes) & 1) this.byte(Tag.Padding);   // the UTF-16 data starts at an even offset
    this.byte(Tag.TwoByteString);
    this.varint(bytes);
    this.ensure(bytes);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      this.buf[this.len++] = c & 0xff;
      this.buf[this.len++] = c >> 8;
    }
  }

  private bigintBody(v: bigint): void {
    const negative = v < 0n;
    let mag = negative ? -v : v;
    const digits: number[] = [];
    while (mag > 0n) {
      digits.push(Number(mag & 0xffn));
      mag >>= 8n;
    }
    while (digits.length % 8) digits.push(0);
    this.varint(digits.length * 2 + (negative ? 1 : 0));
    this.raw(Uint8Array.from(digits));
  }

  private number(n: number): void {
    if (Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 && !Object.is(n, -0)) {
      this.byte(Tag.Int32);
      this.varint(n >= 0 ? n * 2 : -n * 2 - 1);
    } else {
      this.byte(Tag.Double);
      this.double(n);
    }
  }

  /** A property key: array indices as numbers (as V8 stores them), other keys as strings. */
  private key(k: string): void {
    if (isArrayIndex(k)) this.number(Number(k));
    else this.string(k);
  }

  private properties(o: object, keys: string[]): number {
    let n = 0;
    for (const k of keys) {
      if (!Object.prototype.propertyIsEnumerable.call(o, k)) continue;   // a getter may have deleted it
      this.key(k);
      this.value((o as Record<string, unknown>)[k]);
      n++;
    }
    return n;
  }

  value(v: unknown): void {
    switch (typeof v) {
      case "undefined": this.byte(Tag.Undefined); return;
      case "boolean": this.byte(v ? Tag.True : Tag.False); return;
      case "number": this.number(v); return;
      case "bigint": this.byte(Tag.BigInt); this.bigintBody(v); return;
      case "string": this.string(v); return;
      case "symbol":
      case "function": throw this.cloneError(v);
    }
    if (v === null) {
      this.byte(Tag.Null);
      return;
    }
    this.receiver(v as object);
  }

  private receiver(o: object): void {
    const known = this.ids.get(o);
    if (known !== undefined) {
      this.byte(Tag.ObjectReference);
      this.varint(known);
      return;
    }
    if (ArrayBuffer.isView(o)) {
      if (!this.treatViewsAsHostObjects) return this.view(o);
      this.ids.set(o, this.nextId++);
      this.byte(Tag.HostObject);
      this.hostWriter(o);
      return;
    }
    const tag = toStringTag(o);
    if (o instanceof ArrayBuffer || tag === "[object ArrayBuffer]") {
      const ab = o as ArrayBuffer;
      const transfer = this.transferred.get(ab);
      this.ids.set(o, this.nextId++);
      if (transfer !== undefined) throw this.cloneError(o);     // transfer ids need a receiving Deserializer
      this.byte(Tag.ArrayBuffer);
      this.varint(ab.byteLength);
      this.raw(new Uint8Array(ab));
      return;
    }
    this.ids.set(o, this.nextId++);
    if (Array.isArray(o)) return this.array(o);
    switch (tag) {
      case "[object Date]":
        this.byte(Tag.Date);
        this.double((o as Date).getTime());
        return;
      case "[object RegExp]": {
        const re = o as RegExp;
        this.byte(Tag.RegExp);
        this.string(re.source);
        let flags = 0;
        for (const [f, bit] of REGEXP_FLAGS) if (re.flags.includes(f)) flags |= bit;
        this.varint(flags);
        return;
      }
      case "[object Map]": {
        this.byte(Tag.BeginJSMap);
        let n = 0;
        for (const [k, val] of [...(o as Map<unknown, unknown>)]) {
          this.value(k);
          this.value(val);
          n += 2;
        }
        this.byte(Tag.EndJSMap);
        this.varint(n);
        return;
      }
      case "[object Set]": {
        this.byte(Tag.BeginJSSet);
        let n = 0;
        for (const k of [...(o as Set<unknown>)]) {
          this.value(k);
          n++;
        }
        this.byte(Tag.EndJSSet);
        this.varint(n);
        return;
      }
      case "[object Error]": return this.error(o as Error);
      case "[object Boolean]":
        this.byte(Boolean.prototype.valueOf.call(o) ? Tag.TrueObject : Tag.FalseObject);
        return;
      case "[object Number]":
        this.byte(Tag.NumberObject);
        this.double(Number.prototype.valueOf.call(o));
        return;
      case "[object BigInt]":
        this.byte(Tag.BigIntObject);
        this.bigintBody(BigInt.prototype.valueOf.call(o));
        return;
      case "[object String]":
        this.byte(Tag.StringObject);
        this.string(String.prototype.valueOf.call(o));
        return;
      default:
        if (o instanceof Promise || o instanceof WeakMap || o instanceof WeakSet || o === globalThis ||
            (typeof WeakRef === "function" && o instanceof WeakRef)) throw this.cloneError(o);
    }
    this.byte(Tag.BeginJSObject);
    const n = this.properties(o, Object.keys(o));
    this.byte(Tag.EndJSObject);
    this.varint(n);
  }

  /** A view written by V8 itself (not as a host object): its buffer first, then the view's type and range. */
  private view(v: ArrayBufferView): void {
    this.receiver(v.buffer as ArrayBuffer);
    this.ids.set(v, this.nextId++);
    const name = toStringTag(v).slice(8, -1);
    const sub = VIEW_SUBTAGS[name];
    if (sub === undefined) throw this.cloneError(v);
    this.byte(Tag.ArrayBufferView);
    this.byte(sub);
    this.varint(v.byteOffset);
    this.varint(v.byteLength);
    this.varint(0);                                  // flags: not length-tracking, not resizable-backed
  }

  private array(a: unknown[]): void {
    const length = a.length;
    const keys = Object.keys(a);
    let dense = true;
    for (let i = 0; i < length; i++) if (!(i in a)) { dense = false; break; }
    if (dense) {
      this.byte(Tag.BeginDenseArray);
      this.varint(length);
      for (let i = 0; i < length; i++) this.value(a[i]);
      const extra = keys.filter((k) => !isArrayIndex(k) || Number(k) >= length);
      const n = this.properties(a, extra);
      this.byte(Tag.EndDenseArray);
      this.varint(n);
      this.varint(length);
    } else {
      this.byte(Tag.BeginSparseArray);
      this.varint(length);
      const n = this.properties(a, keys);
      this.byte(Tag.EndSparseArray);
      this.varint(n);
      this.varint(length);
    }
  }

  private error(e: Error): void {
    this.byte(Tag.Error);
    const proto = Object.getPrototypeOf(e);
    for (const [ctor, tag] of ERROR_TAGS) if (proto === ctor.prototype) this.byte(tag);
    const message = Object.getOwnPropertyDescriptor(e, "message");
    if (message && "value" in message) {
      this.byte(ErrorTag.Message);
      this.string(String(message.value));
    }
    const cause = Object.getOwnPropertyDescriptor(e, "cause");
    if (cause && "value" in cause) {
      this.byte(ErrorTag.Cause);
      this.value(cause.value);
    }
    const stack = (e as { stack?: unknown }).stack;
    if (typeof stack === "string") {
      this.byte(ErrorTag.Stack);
      this.string(stack);
    }
    this.byte(ErrorTag.End);
  }
}

/** Reads the format (Node's v8.Deserializer is built on this). */
export class ValueReader {
  pos = 0;
  version = 0;
  private readonly objects: unknown[] = [];
  private readonly transferred = new Map<number, ArrayBuffer>();

  constructor(readonly bytes: Uint8Array, private readonly hostReader: () => unknown) {}

  fail(): never {
    throw new Error("Unable to deserialize cloned data.");
  }

  byte(): number {
    if (this.pos >= this.bytes.length) this.fail();
    return this.bytes[this.pos++];
  }

  varint(): number {
    let v = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      v += (b & 0x7f) * scale;
      if (!(b & 0x80)) return v;
      scale *= 128;
      if (scale > 2 ** 70) this.fail();
    }
  }

  varintBig(): bigint {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.byte();
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
      shift += 7n;
    }
  }

  double(): number {
    if (this.pos + 8 > this.bytes.length) this.fail();
    const d = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, 8).getFloat64(0, true);
    this.pos += 8;
    return d;
  }

  raw(n: number): Uint8Array {
    if (n > this.bytes.length - this.pos) this.fail();
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  header(): boolean {
    if (this.pos < this.bytes.length && this.bytes[this.pos] === Tag.Version) {
      this.pos++;
      this.version = this.varint();
      if (this.version > LATEST_VERSION) {
        throw new Error(`Unable to deserialize cloned data due to invalid or unsupported version.`);
      }
    }
    return true;
  }

  transferArrayBuffer(id: number, ab: ArrayBuffer): void {
    this.transferred.set(id, ab);
  }

  private tag(): number {
    let t: number;
    do t = this.byte(); while (t === Tag.Padding);
    return t;
  }

  private peekTag(): number {
    let p = this.pos;
    while (p < this.bytes.length && this.bytes[p] === Tag.Padding) p++;
    if (p >= this.bytes.length) this.fail();
    return this.bytes[p];
  }

  private oneByteString(): string {
    const bytes = this.raw(this.varint());
    let s = "";
    for (let i = 0; i < bytes.length; i += 4096) s += String.fromCharCode(...bytes.subarray(i, i + 4096));
    return s;
  }

  private twoByteString(): string {
    const n = this.varint();
    if (n & 1) this.fail();
    const bytes = this.raw(n);
    const units: number[] = [];
    for (let i = 0; i < n; i += 2) units.push(bytes[i] | (bytes[i + 1] << 8));
    let s = "";
    for (let i = 0; i < units.length; i += 4096) s += String.fromCharCode(...units.slice(i, i + 4096));
    return s;
  }

  private utf8String(): string {
    return new TextDecoder().decode(this.raw(this.varint()));
  }

  private bigintBody(): bigint {
    const bitfield = this.varint();
    const negative = bitfield & 1;
    const bytes = this.raw(Math.floor(bitfield / 2));
    let v = 0n;
    for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]);
    return negative ? -v : v;
  }

  private string(): string {
    switch (this.tag()) {
      case Tag.OneByteString: return this.oneByteString();
      case Tag.TwoByteString: return this.twoByteString();
      case Tag.Utf8String: return this.utf8String();
      default: return this.fail();
    }
  }

  private add<T>(v: T): T {
    this.objects.push(v);
    return v;
  }

  value(): unknown {
    const v = this.valueInner();
    if (v instanceof ArrayBuffer && this.pos < this.bytes.length && this.peekTag() === Tag.ArrayBufferView) {
      this.tag();
      return this.add(this.readView(v));
    }
    return v;
  }

  private readView(buffer: ArrayBuffer): ArrayBufferView {
    const sub = this.byte();
    const offset = this.varint();
    const length = this.varint();
    if (this.version >= 14) this.varint();
    const name = Object.keys(VIEW_SUBTAGS).find((k) => VIEW_SUBTAGS[k] === sub);
    const ctor = name ? (globalThis as unknown as Record<string, new (b: ArrayBuffer, o: number, l: number) => ArrayBufferView>)[name] : undefined;
    if (!ctor || offset + length > buffer.byteLength) return this.fail();
    const size = (ctor as unknown as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
    if (offset % size || length % size) return this.fail();
    return new ctor(buffer, offset, length / size);
  }

  private valueInner(): unknown {
    const t = this.tag();
    switch (t) {
      case Tag.VerifyObjectCount: this.varint(); return this.value();
      case Tag.Undefined: return undefined;
      case Tag.Null: return null;
      case Tag.True: return true;
      case Tag.False: return false;
      case Tag.Int32: {
        const z = this.varint();
        return z % 2 ? -(z + 1) / 2 : z / 2;
      }
      case Tag.Uint32: return this.varint();
      case Tag.Double: return this.double();
      case Tag.BigInt: return this.bigintBody();
      case Tag.OneByteString: return this.oneByteString();
      case Tag.TwoByteString: return this.twoByteString();
      case Tag.Utf8String: return this.utf8String();
      case Tag.ObjectReference: {
        const id = this.varint();
        if (id >= this.objects.length) this.fail();
        return this.objects[id];
      }
      case Tag.BeginJSObject: {
        const o = this.add({} as Record<string | number, unknown>);
        const n = this.props(o, Tag.EndJSObject);
        if (this.varint() !== n) this.fail();
        return o;
      }
      case Tag.BeginDenseArray: {
        const length = this.varint();
        if (length > this.bytes.length - this.pos) this.fail();
        const a = this.add([] as unknown[]);
        for (let i = 0; i < length; i++) {
          if (this.peekTag() === Tag.TheHole) { this.tag(); a.length = i + 1; continue; }
          a.push(this.value());
        }
        const n = this.props(a as unknown as Record<string, unknown>, Tag.EndDenseArray);
        if (this.varint() !== n || this.varint() !== length) this.fail();
        return a;
      }
      case Tag.BeginSparseArray: {
        const length = this.varint();
        const a = this.add(new Array(length) as unknown[]);
        const n = this.props(a as unknown as Record<string, unknown>, Tag.EndSparseArray);
        if (this.varint() !== n || this.varint() !== length) this.fail();
        return a;
      }
      case Tag.Date: return this.add(new Date(this.double()));
      case Tag.TrueObject: return this.add(Object(true));
      case Tag.FalseObject: return this.add(Object(false));
      case Tag.NumberObject: return this.add(Object(this.double()));
      case Tag.BigIntObject: return this.add(Object(this.bigintBody()));
      case Tag.StringObject: return this.add(Object(this.string()));
      case Tag.RegExp: {
        const source = this.string();
        const bits = this.varint();
        let flags = "";
        for (const [f, bit] of [...REGEXP_FLAGS].sort((x, y) => (x[0] < y[0] ? -1 : 1))) if (bits & bit) flags += f;
        try {
          return this.add(new RegExp(source, flags));
        } catch {
          return this.fail();
        }
      }
      case Tag.BeginJSMap: {
        const m = this.add(new Map<unknown, unknown>());
        let n = 0;
        while (this.peekTag() !== Tag.EndJSMap) {
          const k = this.value();
          m.set(k, this.value());
          n += 2;
        }
        this.tag();
        if (this.varint() !== n) this.fail();
        return m;
      }
      case Tag.BeginJSSet: {
        const s = this.add(new Set<unknown>());
        let n = 0;
        while (this.peekTag() !== Tag.EndJSSet) {
          s.add(this.value());
          n++;
        }
        this.tag();
        if (this.varint() !== n) this.fail();
        return s;
      }
      case Tag.ArrayBuffer: {
        const n = this.varint();
        return this.add(this.raw(n).slice().buffer);
      }
      case 0x74: {                                   // an ArrayBuffer transferred out of band
        const ab = this.transferred.get(this.varint());
        if (!ab) this.fail();
        return this.add(ab);
      }
      case Tag.HostObject: return this.add(this.hostReader());
      case Tag.Error: return this.add(this.error());
      default: return this.fail();
    }
  }

  private props(o: Record<string | number, unknown>, end: number): number {
    let n = 0;
    while (this.peekTag() !== end) {
      const k = this.value();
      if (typeof k !== "string" && typeof k !== "number") this.fail();
      o[k] = this.value();
      n++;
    }
    this.tag();
    return n;
  }

  private error(): Error {
    let ctor: ErrorConstructor = Error;
    let message: string | undefined;
    let stack: string | undefined;
    let cause: { value: unknown } | undefined;
    for (;;) {
      const t = this.byte();
      if (t === ErrorTag.End) break;
      if (t === ErrorTag.Message) message = this.string();
      else if (t === ErrorTag.Stack) stack = this.string();
      else if (t === ErrorTag.Cause) cause = { value: this.value() };
      else {
        const found = ERROR_TAGS.find(([, tag]) => tag === t);
        if (!found) this.fail();
        ctor = found[0];
      }
    }
    const e = message === undefined ? new ctor() : new ctor(message);
    if (cause) Object.defineProperty(e, "cause", { value: cause.value, writable: true, configurable: true, enumerable: false });
    Object.defineProperty(e, "stack", { value: stack, writable: true, configurable: true, enumerable: false });
    return e;
  }
}
