// libos/domain/index.ts — node:domain (deprecated, still touched by older packages): domains as Node 20 runs them.
// A domain is entered while its run()/bind()/intercept() callbacks run, and stays entered when a callback throws,
// so the uncaught exception is routed to the domain that was active ('error' with er.domain, er.domainThrown).
// Callbacks scheduled while a domain is active (timers, immediates, nextTick, queueMicrotask) run inside it, and
// an 'error' emitted with no listener by an emitter added to a domain goes to the domain. These hooks are set the
// first time a domain is created, so only images that use domains carry or pay for them. Emitters created while a
// domain is active join it, and their listeners run inside it.
// Layer: libos. Depends on libos/events.

import EventEmitter from "../events/index.ts";

type Fn = (...args: unknown[]) => unknown;
interface DomainError { domain?: Domain; domainThrown?: boolean; domainEmitter?: unknown; domainBound?: unknown }
interface Proc {
  domain?: Domain | null;
  nextTick: (cb: Fn, ...args: unknown[]) => void;
  on(event: string, fn: Fn): unknown;
  listenerCount(event: string): number;
}
const proc = (): Proc => (globalThis as unknown as { process: Proc }).process;

/** The stack of entered domains (Node's domain._stack). */
export const _stack: Domain[] = [];
/** The domain whose code is running, or null. */
export let active: Domain | null = null;

function setActive(d: Domain | null): void {
  active = d;
  moduleObject.active = d;
  proc().domain = d;
}

export class Domain extends (EventEmitter as unknown as new () => InstanceType<typeof import("node:events").EventEmitter>) {
  members: unknown[] = [];

  constructor() {
    super();
    installHooks();
  }

  /** Makes this the active domain (pushing it on the stack). */
  enter(): void {
    setActive(this);
    _stack.push(this);
  }

  /** Leaves this domain and any entered after it. */
  exit(): void {
    const index = _stack.lastIndexOf(this);
    if (index === -1) return;
    _stack.length = index;
    setActive(_stack.length ? _stack[_stack.length - 1] : null);
  }

  /** Adds an emitter (or timer) whose unhandled 'error' events go to this domain. */
  add(ee: unknown): void {
    const obj = ee as { domain?: Domain | null };
    if (obj.domain === this) return;
    if (obj.domain) obj.domain.remove(ee);
    obj.domain = this;
    this.members.push(ee);
  }

  remove(ee: unknown): void {
    (ee as { domain?: Domain | null }).domain = null;
    const index = this.members.indexOf(ee);
    if (index !== -1) this.members.splice(index, 1);
  }

  /** Runs fn(...args) inside the domain and returns its value. */
  run(fn: Fn, ...args: unknown[]): unknown {
    this.enter();
    const ret = fn.apply(this, args);
    this.exit();
    return ret;
  }

  /** Like bind, but a first (error) argument is emitted as 'error' instead of being passed on. */
  intercept(cb: Fn): Fn {
    const self = this;
    function runIntercepted(this: unknown, ...args: unknown[]): unknown {
      const err = args[0];
      if (err) {
        if (typeof err === "object") Object.assign(err, { domainBound: cb, domainThrown: false, domain: self });
        self.emit("error", err);
        return undefined;
      }
      self.enter();
      const ret = cb.apply(this, args.slice(1));
      self.exit();
      return ret;
    }
    return runIntercepted;
  }

  /** A function that runs cb inside the domain (its `domain` property is this domain). */
  bind(cb: Fn): Fn {
    const self = this;
    function runBound(this: unknown, ...args: unknown[]): unknown {
      self.enter();
      const ret = cb.apply(this, args);
      self.exit();
      return ret;
    }
    Object.defineProperty(runBound, "domain", { value: this, configurable: true, enumerable: false, writable: true });
    return runBound;
  }

  /** Routes an uncaught exception to this domain; true when an 'error' listener took it. */
  _errorHandler(er: unknown): boolean {
    if (er !== null && typeof er === "object") Object.assign(er as DomainError, { domain: this, domainThrown: true });
    let caught = false;
    if (this.listenerCount("error") > 0) {
      // The handler runs outside every domain (Node empties the stack first), so its own throw is fatal.
      _stack.length = 0;
      setActive(null);
      caught = this.emit("error", er);
    }
    _stack.length = 0;
    setActive(null);
    return caught;
  }
}

let hooked = false;

/** A callback scheduled now: bound to the active domain, if any. */
function wrap(cb: unknown): unknown {
  return active && typeof cb === "function" ? active.bind(cb as Fn) : cb;
}

/** Installs the routing: the uncaught-exception path, scheduling functions, and EventEmitter's 'error'. */
function installHooks(): void {
  if (hooked) return;
  hooked = true;
  const p = proc();
  const g = globalThis as unknown as Record<string, Fn>;
  for (const name of ["setTimeout", "setInterval", "setImmediate", "queueMicrotask"]) {
    const original = g[name];
    if (typeof original !== "function") continue;
    const patched = { [name](this: unknown, cb: unknown, ...rest: unknown[]) { return original.call(this, wrap(cb), ...rest); } }[name];
    Object.defineProperty(globalThis, name, { value: patched, writable: true, configurable: true, enumerable: false });
  }
  const nextTick = p.nextTick;
  p.nextTick = function (cb: Fn, ...args: unknown[]) { return nextTick.call(p, wrap(cb) as Fn, ...args); };
  // Node's capture callback: an exception thrown while a domain is active goes to it; others go on as usual.
  p.on("uncaughtException", function domainUncaught(er: unknown) {
    const d = active;
    if (d && d._errorHandler(er)) return;
    if (p.listenerCount("uncaughtException") <= 1) throw er;   // only ours: fatal, as without domains
  });
  // Emitters made while a domain is active belong to it (EventEmitter.init is looked up at each construction).
  const EE = EventEmitter as unknown as { init: Fn; usingDomains: boolean; prototype: { emit: Fn } };
  const init = EE.init;
  EE.usingDomains = true;
  EE.init = function (this: object, ...args: unknown[]) {
    Object.defineProperty(this, "domain", { value: null, writable: true, configurable: true, enumerable: false });
    if (active && !(this instanceof Domain)) (this as { domain: Domain | null }).domain = active;
    return init.apply(this, args);
  };
  // An emitter's listeners run inside its domain; an 'error' nobody listens to goes to the domain.
  const proto = EE.prototype;
  const emit = proto.emit;
  proto.emit = function (this: { domain?: Domain | null; listenerCount(t: unknown): number }, type: unknown, ...args: unknown[]) {
    const d = this.domain;
    if (!d || d === (this as unknown)) return emit.call(this, type, ...args);
    if (type === "error" && this.listenerCount("error") === 0) {
      const er = args[0];
      if (er !== null && typeof er === "object") Object.assign(er as DomainError, { domainEmitter: this, domain: d, domainThrown: false });
      d.emit("error", er);
      return false;
    }
    d.enter();
    const ret = emit.call(this, type, ...args);
    d.exit();
    return ret;
  };
}

/** A new domain. */
export function create(): Domain {
  return new Domain();
}
export const createDomain = create;

const moduleObject = { _stack, Domain, createDomain, create, active: null as Domain | null };
export default moduleObject;
