// test/unit/web/events_integration.test.ts — node:events (libos/events) working on libos/web's EventTarget and
// AbortSignal as Node's does on its own: getEventListeners, setMaxListeners' leak warning, once() with a signal.
import { describe, expect, it, vi } from "vitest";
import { getEventListeners, once, setMaxListeners } from "../../../libos/events/index.ts";
import { AbortController } from "../../../libos/web/abort.ts";
import { Event } from "../../../libos/web/event.ts";
import { EventTarget } from "../../../libos/web/event_target.ts";

describe("node:events over the web EventTarget", () => {
  it("lists listeners, warns past setMaxListeners' limit once, and once() honours an AbortSignal", async () => {
    const t = new EventTarget();
    const f = () => {};
    t.addEventListener("x", f);
    expect(getEventListeners(t, "x")).toEqual([f]);
    const warn = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
    try {
      setMaxListeners(2, t);
      for (let i = 0; i < 4; i++) t.addEventListener("y", () => {});
      expect(warn).toHaveBeenCalledTimes(1);
      const w = warn.mock.calls[0][0] as unknown as Error & { count: number };
      expect(w.name).toBe("MaxListenersExceededWarning");
      expect(w.message).toBe("Possible EventTarget memory leak detected. 3 y listeners added to EventTarget. MaxListeners is 2. Use events.setMaxListeners() to increase limit");
    } finally {
      warn.mockRestore();
    }
    const p = once(t as never, "z");
    t.dispatchEvent(new Event("z"));
    expect(((await p)[0] as Event).type).toBe("z");
    const ac = new AbortController();
    const q = once(t as never, "never", { signal: ac.signal as never });
    ac.abort();
    await expect(q).rejects.toMatchObject({ name: "AbortError", code: "ABORT_ERR" });
    expect(getEventListeners(t, "never")).toEqual([]);
  });
});
