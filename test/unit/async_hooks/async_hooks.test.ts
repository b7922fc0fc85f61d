// libos/async_hooks hosted, over the simulated platform and the real event loop (kernel/event_loop.ts): the
// AsyncLocalStorage API, propagation through timers, intervals, immediates, nextTick, fs-style completions, close
// callbacks and socket-style bound callbacks (the loop's asyncWrap hook), createHook's events and AsyncResource.
// Promise propagation needs the engine patch (hosted, Node runs the promise jobs): test/e2e/async_context.test.ts.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { asyncBinder, setAsyncWrap } from "../../../kernel/async_wrap.ts";
import { EventLoop, IoHandle, setLoop } from "../../../kernel/event_loop.ts";
import { setPlatform } from "../../../kernel/platform.ts";
import {
  AsyncLocalStorage, AsyncResource, createHook, executionAsyncId, executionAsyncResource, triggerAsyncId,
} from "../../../libos/async_hooks/index.ts";
import { wrapLoop } from "../../../libos/async_hooks/loop_wrap.ts";
import { clearInterval, clearTimeout, setImmediate, setInterval, setTimeout } from "../../../libos/timers/index.ts";
import { SimPlatform } from "../../sim/platform.ts";

let sim: SimPlatform;
let ev: EventLoop;
const als = new AsyncLocalStorage<string>();

beforeEach(() => {
  sim = new SimPlatform();
  setPlatform(sim);
  ev = new EventLoop(sim);
  ev.hooks = { uncaught(e) { throw e; }, beforeExit() {} };
  wrapLoop(ev);
  setLoop(ev);
});
afterEach(() => setLoop(undefined));

describe("AsyncLocalStorage (synchronous API)", () => {
  it("run sets the store for the callback only, passes args and returns its value; nests; restores after a throw", () => {
    expect(als.getStore()).toBeUndefined();
    expect(als.run("a", (x: number, y: number) => [als.getStore(), x + y], 1, 2)).toEqual(["a", 3]);
    expect(als.run("outer", () => [als.run("inner", () => als.getStore()), als.getStore()])).toEqual(["inner", "outer"]);
    expect(() => als.run("t", () => { throw new Error("boom"); })).toThrow("boom");
    expect(als.getStore()).toBeUndefined();
  });

  it("instances are independent; exit hides only its own store", () => {
    const other = new AsyncLocalStorage<number>();
    als.run("s", () => other.run(7, () => {
      expect(als.exit(() => [als.getStore(), other.getStore()])).toEqual([undefined, 7]);
      expect(als.getStore()).toBe("s");
    }));
  });

  it("disable makes getStore undefined until the next run; enterWith persists in the current context", () => {
    const d = new AsyncLocalStorage<string>();
    d.run("x", () => {
      d.disable();
      expect(d.getStore()).toBeUndefined();
    });
    expect(d.run("y", () => d.getStore())).toBe("y");
    setTimeout(() => {
      d.enterWith("entered");
      expect(d.getStore()).toBe("entered");
      setTimeout(() => expect(d.getStore()).toBe("entered"), 1);
    }, 1);
    setTimeout(() => expect(d.getStore()).toBeUndefined(), 5);
    ev.run();
  });

  it("bind and snapshot capture the context where they are made", () => {
    const bound = als.run("b", () => AsyncLocalStorage.bind(() => als.getStore()));
    const snap = als.run("s", () => AsyncLocalStorage.snapshot());
    expect(bound()).toBe("b");
    expect(snap(() => als.getStore())).toBe("s");
    expect(snap((a: number, b: number) => a * b, 6, 7)).toBe(42);
  });
});

describe("propagation through the event loop", () => {
  it("timeouts, intervals, immediates and ticks run in the context they were scheduled from", () => {
    const seen: string[] = [];
    const note = (what: string) => () => seen.push(`${what}:${als.getStore()}`);
    als.run("A", () => {
      setTimeout(note("timeout"), 5);
      setImmediate(note("immediate"));
      ev.nextTick(note("tick"));
      let n = 0;
      const iv = setInterval(() => { note("interval")(); if (++n === 3) clearInterval(iv); }, 2);
    });
    als.run("B", () => setTimeout(() => { note("timeoutB")(); setImmediate(note("nestedB")); }, 1));
    setTimeout(note("none"), 3);
    ev.run();
    expect(seen.sort()).toEqual(["immediate:A", "interval:A", "interval:A", "interval:A", "nestedB:B", "none:undefined",
      "tick:A", "timeout:A", "timeoutB:B"].sort());
  });

  it("a refreshed timer keeps its context; callbacks see the root context again after them", () => {
    const seen: unknown[] = [];
    const t = als.run("R", () => setTimeout(() => seen.push(als.getStore()), 2));
    setTimeout(() => { t.refresh(); seen.push(`between:${als.getStore()}`); }, 1);
    ev.run();
    expect(seen).toEqual(["between:undefined", "R"]);
  });

  it("completions, close callbacks and bound socket callbacks keep their context", () => {
    const seen: string[] = [];
    als.run("io", () => {
      ev.queueCompletion(() => seen.push(`completion:${als.getStore()}`));
      const h = new IoHandle(ev);
      h.close(() => seen.push(`close:${als.getStore()}`));
    });
    const onData = als.run("sock", () => asyncBinder("TCPWRAP", {}))((x: number) => seen.push(`data${x}:${als.getStore()}`));
    onData(1);
    als.run("elsewhere", () => onData(2));
    ev.run();
    expect(seen.sort()).toEqual(["close:io", "completion:io", "data1:sock", "data2:sock"]);
  });

  it("an exception in a callback is reported, and the context is restored for the next one", () => {
    const errors: unknown[] = [];
    ev.hooks = { uncaught(e) { errors.push(als.getStore()); void e; }, beforeExit() {} };
    als.run("E", () => setTimeout(() => { throw new Error("x"); }, 1));
    setTimeout(() => errors.push(`next:${als.getStore()}`), 2);
    ev.run();
    expect(errors).toEqual(["E", "next:undefined"]);
  });

  it("executionAsyncId/triggerAsyncId/executionAsyncResource name the running resource", () => {
    expect([executionAsyncId(), triggerAsyncId()]).toEqual([1, 0]);
    const ids: unknown[] = [];
    const t = setTimeout(() => {
      ids.push(executionAsyncResource() === t, triggerAsyncId());
      const outer = executionAsyncId();
      setImmediate(() => ids.push(triggerAsyncId() === outer, executionAsyncId() > outer));
    }, 1);
    ev.run();
    expect(ids).toEqual([true, 1, true, true]);
  });
});

describe("createHook", () => {
  it("reports init/before/after/destroy for timers, immediates and ticks, and nothing once disabled", () => {
    const events: string[] = [];
    const types = new Map<number, string>();
    const hook = createHook({
      init(id, type, trigger) { types.set(id, type); events.push(`init ${type} ${trigger === executionAsyncId()}`); },
      before(id) { events.push(`before ${types.get(id)}`); },
      after(id) { events.push(`after ${types.get(id)}`); },
      destroy(id) { events.push(`destroy ${types.get(id)}`); },
    });
    expect(hook.enable()).toBe(hook);
    setTimeout(() => { events.push("cb"); ev.nextTick(() => events.push("tick cb")); }, 1);
    const cleared = setTimeout(() => {}, 10);
    clearTimeout(cleared);
    setImmediate(() => events.push("immediate cb"));
    ev.run();
    expect(events).toEqual([
      "init Timeout true", "init Timeout true", "destroy Timeout", "init Immediate true",
      "before Immediate", "immediate cb", "after Immediate", "destroy Immediate",
      "before Timeout", "cb", "init TickObject true", "after Timeout", "destroy Timeout", "before TickObject", "tick cb",
      "after TickObject", "destroy TickObject",
    ]);
    hook.disable();
    events.length = 0;
    setTimeout(() => {}, 1);
    ev.run();
    expect(events).toEqual([]);
  });

  it("an interval runs before/after per repetition and destroy once, when cleared", () => {
    const events: string[] = [];
    const hook = createHook({ before: () => events.push("before"), after: () => events.push("after"), destroy: () => events.push("destroy") }).enable();
    let n = 0;
    const iv = setInterval(() => { if (++n === 2) clearInterval(iv); }, 1);
    ev.run();
    hook.disable();
    expect(events).toEqual(["before", "after", "before", "after", "destroy"]);
  });

  it("rejects callbacks that are not functions with ERR_ASYNC_CALLBACK", () => {
    expect(() => createHook({ before: 1 as never })).toThrow(expect.objectContaining({ code: "ERR_ASYNC_CALLBACK", message: "hook.before must be a function" }));
  });
});

describe("AsyncResource", () => {
  it("runs functions in the context of its construction, with its own ids and hooks", () => {
    const events: string[] = [];
    const hook = createHook({
      init: (_id, type) => events.push(`init ${type}`), before: () => events.push("before"), after: () => events.push("after"),
      destroy: () => events.push("destroy"),
    }).enable();
    const r = als.run("R", () => new AsyncResource("Mine"));
    expect(r.runInAsyncScope(function (this: { k: number }, a: number) { return [als.getStore(), this.k, a, executionAsyncId() === r.asyncId()]; }, { k: 1 }, 2))
      .toEqual(["R", 1, 2, true]);
    expect(r.triggerAsyncId()).toBe(1);
    expect(r.emitDestroy()).toBe(r);
    hook.disable();
    expect(events).toEqual(["init Mine", "before", "after", "destroy"]);
  });

  it("bind keeps `this` unless given, and the function's length", () => {
    const r = als.run("B", () => new AsyncResource("B"));
    const f = r.bind(function (this: unknown, a: number, b: number) { return [als.getStore(), this, a + b]; });
    expect(f.length).toBe(2);
    expect(f.call("self", 1, 2)).toEqual(["B", "self", 3]);
    expect(r.bind(function (this: unknown) { return this; }, "fixed").call("ignored")).toBe("fixed");
    expect(AsyncResource.bind(() => als.getStore())()).toBeUndefined();
  });

  it("validates its arguments as Node does", () => {
    expect(() => new AsyncResource(5 as never)).toThrow(expect.objectContaining({ code: "ERR_INVALID_ARG_TYPE" }));
    expect(() => new AsyncResource("X", { triggerAsyncId: -2 })).toThrow(expect.objectContaining({ code: "ERR_INVALID_ASYNC_ID", message: "Invalid triggerAsyncId value: -2" }));
    expect(new AsyncResource("X", 9).triggerAsyncId()).toBe(9);
    expect(() => new AsyncResource("X").bind(3 as never)).toThrow(expect.objectContaining({ code: "ERR_INVALID_ARG_TYPE" }));
  });
});

describe("without async_hooks the loop is untouched", () => {
  it("an unwrapped loop carries no context, and asyncBinder binds nothing without the hooks", () => {
    const plain = new EventLoop(sim);
    plain.hooks = ev.hooks;
    setLoop(plain);
    const seen: unknown[] = [];
    als.run("lost", () => setTimeout(() => seen.push(als.getStore()), 1));
    plain.run();
    expect(seen).toEqual([undefined]);
    expect(Object.keys(plain)).not.toContain("nextTick");           // wrapLoop sets own properties; none here
    const fn = () => {};
    setAsyncWrap(undefined);
    expect(asyncBinder("TCPWRAP", {})(fn)).toBe(fn);
    wrapLoop(new EventLoop(sim));                                     // puts the hooks back for later tests
  });
});
