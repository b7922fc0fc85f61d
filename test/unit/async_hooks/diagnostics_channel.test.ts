// libos/diagnostics_channel hosted: channels by name, hasSubscribers, publish order, a throwing subscriber
// (reported on the next tick), runStores with bound stores and transforms, and tracingChannel's event order.
// The same semantics run against host Node in test/e2e/async_context.test.ts (diagnostics.mjs).
import { afterEach, describe, expect, it, vi } from "vitest";
import dc, { Channel } from "../../../libos/diagnostics_channel/index.ts";

/** A store with AsyncLocalStorage's run(), recording what it held. */
function fakeStore() {
  let current: unknown;
  return { get: () => current, run<R>(v: unknown, fn: () => R): R { const p = current; current = v; try { return fn(); } finally { current = p; } } };
}

afterEach(() => vi.restoreAllMocks());

describe("channels", () => {
  it("one channel per name; hasSubscribers follows subscribers; publish passes (message, name) in order", () => {
    const a = dc.channel("unit:a");
    expect(dc.channel("unit:a")).toBe(a);
    expect(a).toBeInstanceOf(Channel);
    expect([a.hasSubscribers, dc.hasSubscribers("unit:a"), dc.hasSubscribers("unit:none")]).toEqual([false, false, false]);
    const got: unknown[] = [];
    const s1 = (m: unknown, n: unknown) => got.push(["s1", m, n]);
    const s2 = (m: unknown) => got.push(["s2", m]);
    a.subscribe(s1);
    dc.subscribe("unit:a", s2);
    expect(a.hasSubscribers).toBe(true);
    a.publish(1);
    expect(got).toEqual([["s1", 1, "unit:a"], ["s2", 1]]);
    expect([a.unsubscribe(s1), a.unsubscribe(s1), dc.unsubscribe("unit:a", s2), a.hasSubscribers]).toEqual([true, false, true, false]);
  });

  it("a throwing subscriber does not stop the others; its error is thrown from a nextTick", () => {
    const ticks: (() => void)[] = [];
    vi.spyOn(process, "nextTick").mockImplementation(((fn: () => void) => { ticks.push(fn); }) as never);
    const c = dc.channel("unit:throw");
    const order: number[] = [];
    c.subscribe(() => { order.push(1); throw new Error("bad"); });
    c.subscribe(() => order.push(2));
    c.publish();
    expect(order).toEqual([1, 2]);
    expect(ticks).toHaveLength(1);
    expect(() => ticks[0]()).toThrow("bad");
  });

  it("rejects names that are not strings or symbols and subscribers that are not functions", () => {
    expect(() => dc.channel(1 as never)).toThrow(expect.objectContaining({ code: "ERR_INVALID_ARG_TYPE" }));
    expect(() => dc.channel("unit:x").subscribe("no" as never)).toThrow(expect.objectContaining({ code: "ERR_INVALID_ARG_TYPE" }));
  });
});

describe("stores", () => {
  it("runStores publishes inside the bound stores (transformed) and returns fn's value", () => {
    const c = dc.channel("unit:stores");
    const plain = fakeStore(), shaped = fakeStore();
    c.bindStore(plain);
    c.bindStore(shaped, (m) => ({ id: (m as { id: number }).id }));
    expect(c.hasSubscribers).toBe(true);
    const seen: unknown[] = [];
    c.subscribe(() => seen.push(plain.get()));
    const r = c.runStores({ id: 3 }, function (this: string, x: number) { return [plain.get(), shaped.get(), this, x]; }, "t", 4);
    expect(r).toEqual([{ id: 3 }, { id: 3 }, "t", 4]);
    expect(seen).toEqual([{ id: 3 }]);
    expect([c.unbindStore(plain), c.unbindStore(plain)]).toEqual([true, false]);
  });
});

describe("tracingChannel", () => {
  const record = (tc: ReturnType<typeof dc.tracingChannel>) => {
    const events: string[] = [];
    const h = Object.fromEntries(["start", "end", "asyncStart", "asyncEnd", "error"].map((e) => [e, (m: Record<string, unknown>) =>
      events.push(`${e}${"result" in m ? `=${String(m.result)}` : ""}${m.error ? `!${(m.error as Error).message}` : ""}`)]));
    tc.subscribe(h);
    return { events, h };
  };

  it("traceSync publishes start/end (error when it throws); unsubscribed, it just calls", () => {
    const tc = dc.tracingChannel("unit:sync");
    expect(tc.start.name).toBe("tracing:unit:sync:start");
    expect(tc.traceSync(() => 1)).toBe(1);
    const { events, h } = record(tc);
    expect(tc.traceSync((x: number) => x + 1, {}, undefined, 1)).toBe(2);
    expect(() => tc.traceSync(() => { throw new Error("e"); })).toThrow("e");
    expect(events).toEqual(["start", "end=2", "start", "error!e", "end!e"]);
    expect([tc.unsubscribe(h), tc.hasSubscribers]).toEqual([true, false]);
  });

  it("tracePromise publishes asyncStart/asyncEnd when the promise settles", async () => {
    const tc = dc.tracingChannel("unit:promise");
    const { events } = record(tc);
    const p = tc.tracePromise(async () => 5);
    expect(events).toEqual(["start", "end"]);
    await expect(p).resolves.toBe(5);
    await expect(tc.tracePromise(async () => { throw new Error("no"); })).rejects.toThrow("no");
    expect(events).toEqual(["start", "end", "asyncStart=5", "asyncEnd=5", "start", "end", "error!no", "asyncStart!no", "asyncEnd!no"]);
  });

  it("traceCallback wraps the callback at `position`: asyncStart before it, asyncEnd after it", () => {
    const tc = dc.tracingChannel("unit:cb");
    const { events } = record(tc);
    let later: (() => void) | undefined;
    tc.traceCallback((cb: (e: unknown, v: number) => void) => { later = () => cb(null, 9); }, 0, {}, undefined, (_e: unknown, v: number) => events.push(`cb ${v}`));
    later!();
    expect(events).toEqual(["start", "end", "asyncStart=9", "cb 9", "asyncEnd=9"]);
    expect(() => tc.traceCallback(() => {}, -1, {}, undefined, 1)).toThrow(expect.objectContaining({ code: "ERR_INVALID_ARG_TYPE" }));
  });

  it("takes its channels from an object, and rejects other arguments", () => {
    const own = { start: dc.channel("o1"), end: dc.channel("o2"), asyncStart: dc.channel("o3"), asyncEnd: dc.channel("o4"), error: dc.channel("o5") };
    expect(dc.tracingChannel(own).error).toBe(own.error);
    expect(() => dc.tracingChannel(1 as never)).toThrow(expect.objectContaining({ code: "ERR_INVALID_ARG_TYPE" }));
    expect(() => dc.tracingChannel({ ...own, end: 5 as never })).toThrow(expect.objectContaining({ code: "ERR_INVALID_ARG_TYPE" }));
  });
});
