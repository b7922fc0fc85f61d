// kernel/timer_lists.ts — the event loop's timers as Node keeps them: one list per duration, in scheduling order
// (a timer scheduled later with the same duration expires later, so appending keeps each list sorted), and a
// binary heap of the lists ordered by their first timer's (expiry, sequence). Scheduling, rescheduling (refresh)
// and cancelling are O(1) list operations, plus O(log L) for the few distinct durations L when a list's first
// timer changes: a server restarting one keep-alive timer per request no longer pays a heap insert and delete in
// a heap of every connection's timers. Timers fire in exactly (expiry, sequence) order, as with one heap.
// Layer: kernel. Depends on timer_heap.ts.

import { TimerHeap, type TimerEntry } from "./timer_heap.ts";

/** What a timer carries for the lists. `heapIndex` is 0 while scheduled, -1 otherwise (TimerEntry's meaning). */
export interface ListedTimer extends TimerEntry {
  _tlist?: TimerList | null;
  _tprev?: ListedTimer | null;
  _tnext?: ListedTimer | null;
}

/** The timers of one duration, oldest first; its heap key is its first timer's. */
interface TimerList extends TimerEntry {
  duration: number;
  head: ListedTimer | null;
  tail: ListedTimer | null;
}

export class TimerLists<T extends ListedTimer> {
  private readonly lists = new Map<number, TimerList>();
  private readonly heap = new TimerHeap<TimerList>();
  private count = 0;

  /** Timers scheduled. */
  get size(): number {
    return this.count;
  }

  /** Adds `t` (not scheduled; expiry and seq set by the caller) to the list of `duration`. */
  push(t: T, duration: number): void {
    let l = this.lists.get(duration);
    if (l === undefined) {
      l = { duration, head: null, tail: null, expiry: 0, seq: 0, heapIndex: -1 };
      this.lists.set(duration, l);
    }
    const tail = l.tail;
    t._tlist = l;
    t._tprev = tail;
    t._tnext = null;
    t.heapIndex = 0;
    this.count++;
    if (tail === null) {
      l.head = l.tail = t;
      l.expiry = t.expiry;
      l.seq = t.seq;
      this.heap.push(l);
    } else if (tail.expiry > t.expiry) {
      // The clock only moves forward, so the tail expires no later than `t`; should a caller ever break that,
      // insert in order rather than corrupt the list.
      this.insertSorted(l, t);
    } else {
      tail._tnext = t;
      l.tail = t;
    }
  }

  private insertSorted(l: TimerList, t: T): void {
    let after = l.tail;
    while (after !== null && (after.expiry > t.expiry || (after.expiry === t.expiry && after.seq > t.seq))) after = after._tprev ?? null;
    const before = after === null ? l.head : after._tnext ?? null;
    t._tprev = after;
    t._tnext = before;
    if (after === null) l.head = t; else after._tnext = t;
    if (before === null) l.tail = t; else before._tprev = t;
    if (after === null) this.rekey(l);
  }

  /** The next timer to fire (smallest expiry, then seq), or undefined. */
  peek(): T | undefined {
    const l = this.heap.peek();
    return l === undefined ? undefined : (l.head as T);
  }

  /** Removes `t` if scheduled; a no-op otherwise. */
  remove(t: T): void {
    const l = t._tlist;
    if (l === null || l === undefined) return;
    const prev = t._tprev ?? null, next = t._tnext ?? null;
    if (prev === null) l.head = next; else prev._tnext = next;
    if (next === null) l.tail = prev; else next._tprev = prev;
    t._tlist = t._tprev = t._tnext = null;
    t.heapIndex = -1;
    this.count--;
    if (prev === null) this.rekey(l);
  }

  /** The list's first timer changed: its heap key follows, or the list leaves when empty. */
  private rekey(l: TimerList): void {
    const head = l.head;
    if (head === null) {
      this.heap.remove(l);
      this.lists.delete(l.duration);
      return;
    }
    l.expiry = head.expiry;
    l.seq = head.seq;
    this.heap.update(l);
  }
}
