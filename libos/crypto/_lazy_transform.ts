// libos/crypto/_lazy_transform.ts — the base of Hash, Hmac, Cipheriv and Decipheriv: a stream.Transform whose stream
// state is made only when a stream property is first touched (as Node's LazyTransform), so the common
// createHash().update().digest() never pays for a stream. Callable as an ES5 constructor. Layer: libos (private to
// libos/crypto).
import { Transform } from "../stream/index.ts";

export interface LazyTransform {
  _options: unknown;
}

/** `LazyTransform.call(this, options)` records the options; the Transform is set up on first use. */
export const LazyTransform = function LazyTransform(this: LazyTransform, options?: unknown) {
  this._options = options;
} as unknown as { new (options?: unknown): LazyTransform; (this: unknown, options?: unknown): void; prototype: object };

Object.setPrototypeOf(LazyTransform.prototype, Transform.prototype);
Object.setPrototypeOf(LazyTransform, Transform);

type StreamHolder = Record<string, unknown> & { _options?: { defaultEncoding?: string } };

function lazyGetter(name: string) {
  return function (this: StreamHolder): unknown {
    (Transform as unknown as (this: unknown, o: unknown) => void).call(this, this._options);
    const ws = this._writableState as { decodeStrings: boolean; defaultEncoding: string };
    ws.decodeStrings = false;
    if (!this._options || !this._options.defaultEncoding) ws.defaultEncoding = "buffer";
    return this[name];
  };
}

function ownSetter(name: string) {
  return function (this: object, value: unknown): void {
    Object.defineProperty(this, name, { value, enumerable: true, configurable: true, writable: true });
  };
}

for (const name of ["_readableState", "_writableState"]) {
  Object.defineProperty(LazyTransform.prototype, name, {
    get: lazyGetter(name), set: ownSetter(name), configurable: true, enumerable: true,
  });
}
