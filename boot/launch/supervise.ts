// boot/launch/supervise.ts — the launcher's side of process hygiene: SIGINT, SIGTERM or SIGHUP to the launcher, or
// the death of a process of the chain that started it (npm → tsx → this node), stops the guest: first the ACPI
// power button (the image turns it into SIGTERM for the app: exit 143 unless the app handles it), then SIGKILL
// after a grace period; a second signal kills at once (one within half a second of the first is the same request
// arriving twice: a signal to npm's process group reaches this process directly and again as npm and tsx relay it). The launcher's own SIGKILL is covered by the death signal
// boot/launch/guard.c arms in QEMU.
// Layer: build tools (host only).

import { readFileSync } from "node:fs";

/** How long the guest has after the power-off request before it is killed (milliseconds). */
export const DEFAULT_GRACE_MS = 3000;

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** The fields of /proc/PID/stat that matter here, or null when the process is gone. */
function procStat(pid: number): { ppid: number; pgrp: number } | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");           // the name (field 2) may hold spaces
    return { ppid: Number(f[1]), pgrp: Number(f[2]) };
  } catch {
    return null;
  }
}

/**
 * The chain of processes that started this one, as [child, parent] links: the parent always, then its ancestors
 * while they are in this process's group (the job a shell started: npm, sh, tsx). When one of them dies, its
 * child is handed to another parent, so a link no longer holds.
 */
export function ancestorLinks(pid = process.pid): [number, number][] {
  const own = procStat(pid);
  if (!own) return [];
  const links: [number, number][] = [];
  let child = pid;
  let parent = own.ppid;
  while (parent > 1) {
    links.push([child, parent]);
    const st = procStat(parent);
    if (!st || st.pgrp !== own.pgrp) break;
    child = parent;
    parent = st.ppid;
  }
  return links;
}

export interface Stoppable {
  /** Presses the ACPI power button (QMP system_powerdown). */
  powerDown(): Promise<void>;
  /** SIGKILL. */
  kill(): void;
}

export type StopSignal = (typeof SIGNALS)[number];

export interface Supervision {
  /** The reason the guest is being stopped ("SIGTERM", "the process that started the launcher exited"), or null. */
  reason(): string | null;
  /** The signal the stop request stands for (a dead parent counts as SIGHUP, a hang-up), or null. */
  signal(): StopSignal | null;
  /** True once the grace period ran out and the guest was killed. */
  killed(): boolean;
  /** Removes the handlers (call when the guest has exited). */
  end(): void;
}

/** Watches signals and the parent chain for a running guest; see the file comment. */
export function supervise(guest: Stoppable, graceMs = DEFAULT_GRACE_MS, pollMs = 500): Supervision {
  let reason: string | null = null;
  let signal: StopSignal | null = null;
  let wasKilled = false;
  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  let firstAt = 0;
  const stop = (sig: StopSignal, why: string = sig) => {
    if (reason !== null) {                          // a second request: no more waiting
      if (why === sig && performance.now() - firstAt > 500) { wasKilled = true; guest.kill(); }
      return;
    }
    reason = why;
    signal = sig;
    firstAt = performance.now();
    guest.powerDown().catch(() => { wasKilled = true; guest.kill(); });
    graceTimer = setTimeout(() => { wasKilled = true; guest.kill(); }, graceMs);
  };
  const handlers = SIGNALS.map((sig) => {
    const h = () => stop(sig);
    process.on(sig, h);
    return [sig, h] as const;
  });
  // A closed terminal or a dead parent makes writes to stdout fail; that must not end the launcher before the
  // guest is down.
  const ignore = () => {};
  process.stdout.on("error", ignore);
  process.stderr.on("error", ignore);
  const links = process.platform === "linux" ? ancestorLinks() : [];
  const poll = links.length
    ? setInterval(() => {
        for (const [child, parent] of links) {
          if (procStat(child)?.ppid !== parent) { stop("SIGHUP", "the exit of the process that started the launcher"); return; }
        }
      }, pollMs)
    : undefined;
  poll?.unref();
  return {
    reason: () => reason,
    signal: () => signal,
    killed: () => wasKilled,
    end() {
      for (const [sig, h] of handlers) process.off(sig, h);
      process.stdout.off("error", ignore);
      process.stderr.off("error", ignore);
      if (poll) clearInterval(poll);
      if (graceTimer) clearTimeout(graceTimer);
    },
  };
}
