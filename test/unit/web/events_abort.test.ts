// test/unit/web/events_abort.test.ts — libos/web's DOMException, Event/CustomEvent/EventTarget and
// AbortController/AbortSignal against host Node 20's own globals: one scenario runs over both sets of classes and
// the transcripts must be equal (the classes are the only thing that differs between the two runs).
import { describe, expect, it } from "vitest";
import { AbortController, AbortSignal } from "../../../libos/web/abort.ts";
import { DOMException } from "../../../libos/web/dom_exception.ts";
import { CustomEvent, Event } from "../../../libos/web/event.ts";
import { EventTarget } from "../../../libos/web/event_target.ts";

const ours = { AbortController, AbortSignal, DOMException, CustomEvent, Event, EventTarget };
const node = {
  AbortController: globalThis.AbortController, AbortSignal: globalThis.AbortSignal, DOMException: globalThis.DOMException,
  CustomEvent: globalThis.CustomEvent, Event: globalThis.Event, EventTarget: globalThis.EventTarget,
} as unknown as typeof ours;

function err(f: () => unknown): string {
  try {
    f();
    return "no error";
  } catch (e) {
    const x = e as { name: string; code?: unknown; message: string };
    return `${x.name} ${String(x.code)} ${x.message}`;
  }
}

function desc(o: object, k: string | symbol): string {
  const d = Object.getOwnPropertyDescriptor(o, k);
  return d ? `${d.get ? "get" : typeof d.value} e${+!!d.enumerable} c${+!!d.configurable} w${+!!d.writable}` : "none";
}

function domScenario(G: typeof ours): string[] {
  const { DOMException: D } = G;
  const log: string[] = [];
  const e = new D("m", "AbortError");
  log.push(Object.getOwnPropertyNames(e).join(), Object.getOwnPropertyNames(D.prototype).join(), Object.keys(D).join());
  log.push(String(Object.getPrototypeOf(D.prototype) === Error.prototype), String(e instanceof Error), String(e.code),
    String(e), Object.prototype.toString.call(e), e.stack!.split("\n")[0]);
  const f = new D("m", { name: "DataCloneError", cause: 1 } as never);
  log.push(f.name, String(f.code), String((f as { cause?: unknown }).cause), desc(f, "cause"));
  log.push(new D().name, `[${new D().message}]`, String(new D("x", "Foo").code), String(D.length), String((D as unknown as Record<string, number>).TIMEOUT_ERR));
  log.push(desc(D.prototype, "name"), desc(D, "ABORT_ERR"), desc(D.prototype, "ABORT_ERR"));
  log.push(err(() => D.prototype.name), err(() => (D as unknown as () => void)()).split(" ")[0]);
  for (const n of ["IndexSizeError", "NetworkError", "InvalidStateError", "NotSupportedError", "QuotaExceededError", "Nope"]) {
    log.push(`${n}=${new D("", n).code}`);
  }
  log.push(new D(undefined, undefined).name, new D(null as never, null as never).name, new D(5 as never, { } as never).name);
  return log;
}

function eventScenario(G: typeof ours): string[] {
  const { Event: E, EventTarget: T, CustomEvent: C } = G;
  const log: string[] = [];
  const t = new T();
  t.addEventListener("x", function a(this: unknown, ev: Event) {
    log.push(`a this=${this === t} phase=${ev.eventPhase} target=${ev.target === t} cur=${ev.currentTarget === t} path=${ev.composedPath().length}`);
    t.addEventListener("x", () => log.push("added during dispatch"));
    t.removeEventListener("x", b);
  });
  function b() { log.push("b"); }
  t.addEventListener("x", b);
  t.addEventListener("x", { handleEvent(this: unknown) { log.push(`obj this-is-obj=${this !== t}`); } });
  t.addEventListener("x", b);                              // a duplicate: ignored
  const ev = new E("x", { cancelable: true });
  log.push(`dispatch=${t.dispatchEvent(ev)} phase=${ev.eventPhase} target=${ev.target === t} cur=${ev.currentTarget}`);
  log.push(`trusted=${ev.isTrusted} own=${Object.getOwnPropertyNames(ev)} ts=${typeof ev.timeStamp}`);
  log.push(Object.keys(E.prototype).join(), Object.keys(T.prototype).join(), Object.keys(C.prototype).join());
  log.push(desc(E.prototype, "type"), desc(E, "AT_TARGET"), String((ev as unknown as Record<string, unknown>).AT_TARGET));
  log.push(String(ev), Object.prototype.toString.call(t), Object.prototype.toString.call(new C("c")));
  log.push(err(() => (t.addEventListener as (...a: unknown[]) => void)("x")), err(() => t.addEventListener("x", 5 as never)));
  log.push(err(() => t.dispatchEvent({} as never)), err(() => new (E as unknown as new () => Event)()));
  log.push(err(() => E.prototype.type), err(() => (T.prototype.dispatchEvent as (e: unknown) => void).call({}, new E("q"))));
  // once, capture identity, passive, preventDefault, stopImmediatePropagation, return value
  const u = new T();
  u.addEventListener("y", () => log.push("once"), { once: true });
  u.addEventListener("y", () => log.push("capture"), true);
  const cap = () => log.push("cap2");
  u.addEventListener("y", cap, { capture: true });
  u.removeEventListener("y", cap);                         // not removed: capture differs
  u.addEventListener("y", (e: Event) => { e.preventDefault(); log.push(`passive prevented=${e.defaultPrevented}`); }, { passive: true });
  u.addEventListener("y", (e: Event) => { e.preventDefault(); log.push(`prevented=${e.defaultPrevented} rv=${e.returnValue}`); });
  u.addEventListener("y", (e: Event) => { e.stopImmediatePropagation(); log.push(`stopped cb=${e.cancelBubble}`); });
  u.addEventListener("y", () => log.push("never"));
  log.push(`r1=${u.dispatchEvent(new E("y", { cancelable: true }))}`);
  log.push(`r2=${u.dispatchEvent(new E("y"))}`);
  // signal removes listeners; an aborted one never adds
  const ac = new G.AbortController();
  u.addEventListener("z", () => log.push("z"), { signal: ac.signal });
  u.dispatchEvent(new E("z"));
  ac.abort();
  u.dispatchEvent(new E("z"));
  u.addEventListener("z", () => log.push("z-late"), { signal: ac.signal });
  u.dispatchEvent(new E("z"));
  log.push(err(() => u.addEventListener("z", () => {}, { signal: 1 } as never)));
  // recursion
  const r = new T();
  const rev = new E("r");
  r.addEventListener("r", () => log.push(err(() => r.dispatchEvent(rev))));
  r.dispatchEvent(rev);
  // CustomEvent, initEvent, cancelBubble
  const c = new C("c", { detail: { a: 1 } });
  log.push(JSON.stringify(c.detail), String(new C("d").detail), String(c instanceof E), err(() => (C.prototype as CustomEvent).detail));
  const ie = new E("a");
  ie.initEvent("b", true, true);
  ie.cancelBubble = true;
  log.push(`${ie.type} ${ie.bubbles} ${ie.cancelable} ${ie.cancelBubble} ${ie.composed}`);
  log.push(err(() => new E("x", 5 as never)));
  return log;
}

function abortScenario(G: typeof ours): string[] {
  const { AbortController: AC, AbortSignal: S } = G;
  const log: string[] = [];
  const a = new AC(), b = new AC();
  const any = S.any([a.signal, b.signal]);
  a.signal.addEventListener("abort", (e: Event) => log.push(`a abort trusted=${e.isTrusted} any=${any.aborted}`));
  any.addEventListener("abort", () => log.push(`any abort ${String(any.reason)}`));
  a.signal.onabort = () => log.push("onabort 1");
  a.signal.onabort = () => log.push("onabort 2");
  a.abort("R");
  a.abort("X");
  log.push(`aborted=${a.signal.aborted} reason=${String(a.signal.reason)} b=${b.signal.aborted}`);
  log.push(err(() => a.signal.throwIfAborted()), err(() => b.signal.throwIfAborted()));
  const d = new AC();
  d.abort();
  const r = d.signal.reason as DOMException;
  log.push(`${r.name} ${r.code} ${r.message} ${r instanceof G.DOMException}`);
  log.push(`${(S.abort().reason as DOMException).message} ${String(S.abort(7).reason)} ${S.abort(undefined).reason instanceof G.DOMException}`);
  log.push(err(() => new (S as unknown as new () => unknown)()), err(() => S.timeout(-1)), err(() => S.timeout(1.5)));
  log.push(err(() => S.timeout("1" as never)), err(() => S.any([1 as never])), err(() => S.any(1 as never)));
  log.push(err(() => Object.getOwnPropertyDescriptor(S.prototype, "aborted")!.get!.call({})));
  log.push(Object.getOwnPropertyNames(S.prototype).join(), Object.getOwnPropertyNames(AC.prototype).join());
  log.push(`${S.any([]).aborted} ${S.any([S.abort(3)]).reason} ${S.timeout.length} ${S.any.length} ${S.abort.length}`);
  log.push(Object.prototype.toString.call(a.signal), Object.prototype.toString.call(a), String(a.signal.onabort !== null));
  a.signal.onabort = null;
  log.push(String(a.signal.onabort));
  return log;
}

describe("web globals against host Node 20", () => {
  it("DOMException", () => expect(domScenario(ours)).toEqual(domScenario(node)));
  it("Event, CustomEvent, EventTarget", () => expect(eventScenario(ours)).toEqual(eventScenario(node)));
  it("AbortController, AbortSignal", () => expect(abortScenario(ours)).toEqual(abortScenario(node)));
  it("AbortSignal.timeout aborts with a TimeoutError and does not hold the loop", async () => {
    for (const G of [ours, node]) {
      const s = G.AbortSignal.timeout(5);
      const got = await new Promise<string>((res) => s.addEventListener("abort", () => {
        const r = s.reason as DOMException;
        res(`${r.name} ${r.code} ${r.message}`);
      }));
      expect(got).toBe("TimeoutError 23 The operation was aborted due to timeout");
    }
  });
});
