// libos/http/_es5.ts — classes callable as ES5 constructors. Frameworks and test tools call
// `http.ServerResponse.call(this, req)` or `http.IncomingMessage.call(this, socket)` on objects they made, which an
// ES2015 class forbids. So each such class is written as a class (for its methods, never constructed itself) plus
// an ES5 function that initialises `this` and shares the class's prototype. Private to libos/http. Layer: libos.

/** The constructor type of an ES5-callable class: `new C(...args)`, `C(...args)` and `C.call(self, ...args)`. */
export interface Es5Class<T, A extends unknown[]> {
  new (...args: A): T;
  (this: unknown, ...args: A): void;
  prototype: T;
}

/**
 * Returns a function named `name` that, called with `new` or on an object that inherits from `proto`, runs
 * `init(this, ...args)`; called plainly, it constructs. Its prototype is `proto` (whose `constructor` becomes it).
 */
export function es5Class<T extends object, A extends unknown[]>(name: string, proto: T,
                                                                init: (self: T, ...args: A) => void): Es5Class<T, A> {
  const holder = {
    // A function expression (not a method: methods cannot be constructed), named `name` by the key.
    // Three fixed parameters (every init here takes at most three): no rest array per construction.
    [name]: function (this: unknown, a?: unknown, b?: unknown, c?: unknown): T | void {
      if (!(this instanceof ctor)) return new (ctor as unknown as new (...x: unknown[]) => T)(a, b, c);
      (init as unknown as (self: T, a?: unknown, b?: unknown, c?: unknown) => void)(this as T, a, b, c);
    },
  };
  const ctor = holder[name] as unknown as Es5Class<T, A>;
  Object.defineProperty(ctor, "length", { value: Math.max(0, init.length - 1), configurable: true });   // as Node's
  ctor.prototype = proto;
  Object.defineProperty(proto, "constructor", { value: ctor, writable: true, configurable: true, enumerable: false });
  return ctor;
}

/** Calls an ES5-callable base constructor (readable-stream's, or one made by es5Class) on `self`. */
export function callBase(base: unknown, self: object, ...args: unknown[]): void {
  (base as (...a: unknown[]) => void).apply(self, args);
}
