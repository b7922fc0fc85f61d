// libos/console/index.ts — the global `console` (Node's API: log/info/debug to stdout, warn/error/trace to
// stderr, assert, count, time, group, dir, table-less), as UTF-8 lines. Output goes through the writer it is given
// (libos/runtime/start.ts passes stdio.ts's stdioWrite: the UART, or a virtio-console port per stream).
// Layer: libos. Depends on inspect.ts.

import { format, inspect } from "./inspect.ts";

/** Where console output goes: fd 1 or 2 and one complete line including its "\n". */
export type ConsoleWriter = (fd: 1 | 2, text: string) => void;

export type Console = ReturnType<typeof createConsole>;

/** Builds a console over a writer. Example: `createConsole((fd, s) => hal.write(s)).log("x =", 1)`. */
export function createConsole(write: ConsoleWriter, now: () => number) {
  let indent = "";
  const counts = new Map<string, number>();
  const timers = new Map<string, number>();
  const emit = (fd: 1 | 2, args: unknown[]) => {
    const text = format(...args);
    write(fd, (indent ? indent + text.split("\n").join("\n" + indent) : text) + "\n");
  };
  const elapsed = (label: string) => {
    const ms = now() - (timers.get(label) as number);
    return ms >= 1000 ? `${(ms / 1000).toFixed(3)}s` : `${ms.toFixed(3)}ms`;
  };
  return {
    log: (...args: unknown[]) => emit(1, args),
    info: (...args: unknown[]) => emit(1, args),
    debug: (...args: unknown[]) => emit(1, args),
    warn: (...args: unknown[]) => emit(2, args),
    error: (...args: unknown[]) => emit(2, args),
    dir: (value: unknown, options?: { depth?: number }) => emit(1, [inspect(value, options)]),
    trace: (...args: unknown[]) => {
      const err = { name: "Trace", message: format(...args) } as Error;
      const stack = new Error().stack ?? "";
      emit(2, [`Trace${err.message ? ": " + err.message : ""}\n${stack.split("\n").filter((l) => /^\s+at /.test(l)).slice(1).join("\n")}`.trimEnd()]);
    },
    assert: (value: unknown, ...args: unknown[]) => {
      if (!value) emit(2, args.length ? ["Assertion failed:", ...args] : ["Assertion failed"]);
    },
    count: (label = "default") => {
      const n = (counts.get(label) ?? 0) + 1;
      counts.set(label, n);
      emit(1, [`${label}: ${n}`]);
    },
    countReset: (label = "default") => void counts.delete(label),
    time: (label = "default") => {
      if (timers.has(label)) emit(2, [`Warning: Label '${label}' already exists for console.time()`]);
      else timers.set(label, now());
    },
    timeLog: (label = "default", ...args: unknown[]) => {
      if (!timers.has(label)) emit(2, [`Warning: No such label '${label}' for console.timeLog()`]);
      else emit(1, [`${label}: ${elapsed(label)}`, ...args]);
    },
    timeEnd: (label = "default") => {
      if (!timers.has(label)) return emit(2, [`Warning: No such label '${label}' for console.timeEnd()`]);
      emit(1, [`${label}: ${elapsed(label)}`]);
      timers.delete(label);
    },
    group: (...args: unknown[]) => {
      if (args.length) emit(1, args);
      indent += "  ";
    },
    groupEnd: () => void (indent = indent.slice(2)),
  };
}
