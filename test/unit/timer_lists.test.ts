// kernel/timer_lists.ts against a reference: seeded sequences of schedule / reschedule / cancel / advance-and-fire
// over a few durations (and a fractional one) must fire the same timers in the same (expiry, seq) order as sorting
// every scheduled timer would, with the same count left.
import { describe, expect, it } from "vitest";
import { TimerLists, type ListedTimer } from "../../kernel/timer_lists.ts";
import { SeededRandom } from "../sim/prng.ts";

interface T extends ListedTimer { id: number }

describe("TimerLists", () => {
  it("fires in (expiry, seq) order through 20,000 seeded operations, as one sorted set would", () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const r = new SeededRandom(seed);
      const lists = new TimerLists<T>();
      const ref = new Set<T>();
      const timers: T[] = Array.from({ length: 40 }, (_, id) => ({ id, expiry: 0, seq: 0, heapIndex: -1 }));
      const durations = [1, 5, 5, 30, 1000, 2.5];
      let now = 0, seq = 0;
      const fired: number[] = [], expected: number[] = [];
      for (let op = 0; op < 4000; op++) {
        const t = timers[r.int(timers.length)];
        const k = r.int(10);
        if (k < 5) {                                         // schedule or reschedule (refresh)
          lists.remove(t);
          ref.delete(t);
          const d = durations[r.int(durations.length)];
          t.expiry = now + d;
          t.seq = seq++;
          lists.push(t, d);
          ref.add(t);
        } else if (k < 7) {                                  // cancel
          lists.remove(t);
          ref.delete(t);
          expect(t.heapIndex).toBe(-1);
        } else {                                             // time passes; everything due fires
          now += r.int(21);
          for (let n = lists.peek(); n && n.expiry <= now; n = lists.peek()) { lists.remove(n); fired.push(n.id); }
          const due = [...ref].filter((x) => x.expiry <= now).sort((a, b) => a.expiry - b.expiry || a.seq - b.seq);
          for (const x of due) { ref.delete(x); expected.push(x.id); }
        }
        expect(lists.size).toBe(ref.size);
      }
      expect(fired).toEqual(expected);
      expect(fired.length).toBeGreaterThan(500);
    }
  });

  it("keeps order when a timer is added with an earlier expiry than its list's tail", () => {
    const lists = new TimerLists<T>();
    const a: T = { id: 1, expiry: 10, seq: 1, heapIndex: -1 }, b: T = { id: 2, expiry: 5, seq: 2, heapIndex: -1 };
    lists.push(a, 7);
    lists.push(b, 7);
    expect(lists.peek()?.id).toBe(2);
    lists.remove(b);
    expect(lists.peek()?.id).toBe(1);
    lists.remove(a);
    expect(lists.peek()).toBeUndefined();
    expect(lists.size).toBe(0);
  });
});
