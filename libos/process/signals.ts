// libos/process/signals.ts — signals for a process that is a whole machine: process.kill(pid, sig) and the
// 'SIGTERM'/'SIGINT'/... events, with Node 20's arguments, errors and default actions.
//  - Where signals come from: process.kill(process.pid | 0 | -1, sig) (any other pid: ESRCH, there is no other
//    process), and the hypervisor's shutdown request — the ACPI power button (power_button.ts: QEMU's
//    system_powerdown on pc, q35 and microvm) — delivered as SIGTERM, as a Linux init sends SIGTERM on power-off.
//    An app that listens only for SIGINT (written for Ctrl-C) gets SIGINT for it instead, so it too closes
//    gracefully; with neither listener, SIGTERM's default action ends the machine with 143.
//  - Delivery: with listeners, the signal is emitted in a later loop phase as (name, number), as Node's signal
//    handles do, without keeping the loop alive; without, the default action runs at once: terminating signals stop the machine with 128 + number and no
//    'exit' event (as a process killed by a signal has none); SIGCHLD, SIGCONT, SIGURG, SIGWINCH and SIGPIPE (which
//    Node ignores) do nothing, and neither do the stop signals (a unikernel has nobody to continue it).
// Adding a listener for SIGKILL or SIGSTOP throws, as in Node (a 'newListener' listener on process, as Node's).
// Installed into Process.prototype (kill) and the power button only in images whose code names a signal or kill
// (boot/image/globals.ts); elsewhere a power-down request goes unanswered, as on a guest without ACPI.
// Layer: libos. Depends on kernel/event_loop, libos/util/errors, power_button.ts.
import { loop } from "../../kernel/event_loop.ts";
import { invalidArgType, nodeError } from "../util/errors.ts";
import { processCounters } from "./counters.ts";
import { Process } from "./index.ts";
import { watchPowerButton } from "./power_button.ts";

/** Linux's signal numbers (os.constants.signals). */
export const SIGNALS: Readonly<Record<string, number>> = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGIOT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9,
  SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15, SIGCHLD: 17, SIGSTKFLT: 16,
  SIGCONT: 18, SIGSTOP: 19, SIGTSTP: 20, SIGTTIN: 21, SIGTTOU: 22, SIGURG: 23, SIGXCPU: 24, SIGXFSZ: 25,
  SIGVTALRM: 26, SIGPROF: 27, SIGWINCH: 28, SIGIO: 29, SIGPOLL: 29, SIGPWR: 30, SIGSYS: 31,
};

const IGNORED_BY_DEFAULT = new Set([13, 17, 18, 19, 20, 21, 22, 23, 28]);
const SIGRTMAX = 64;

/** The part of process signal delivery uses. */
export interface SignalProcess {
  readonly pid: number;
  listenerCount(name: string): number;
  emit(name: string, ...args: unknown[]): boolean;
  reallyExit(code: number): never;
}

function nameOf(num: number): string | undefined {
  for (const name in SIGNALS) if (SIGNALS[name] === num) return name;
  return undefined;
}

function errnoError(code: "ESRCH" | "EINVAL", errno: number, syscall: string): Error {
  return Object.assign(new Error(`${syscall} ${code}`), { errno, code, syscall });
}

/** Delivers signal `num` now: its listeners, or the default action. */
export function deliverSignal(proc: SignalProcess, num: number): void {
  processCounters.signals++;
  const name = nameOf(num);
  if (name && num !== 9 && num !== 19 && proc.listenerCount(name) > 0) {
    proc.emit(name, name, num);
    return;
  }
  if (!IGNORED_BY_DEFAULT.has(num)) proc.reallyExit(128 + num);
}

/** Whether sending `num` would run the default action now (no listener to queue it for). */
function actsAtOnce(proc: SignalProcess, num: number): boolean {
  const name = nameOf(num);
  return !(name && num !== 9 && num !== 19 && proc.listenerCount(name) > 0);
}

/** process.kill(pid[, signal]) with Node's checks; returns true. */
export function kill(proc: SignalProcess, pid: unknown, sig?: unknown): true {
  // eslint-disable-next-line eqeqeq
  if (pid != ((pid as number) | 0)) throw invalidArgType("pid", "number", pid);
  let num: number;
  if (sig === ((sig as number) | 0)) {
    num = sig as number;
  } else {
    const name = (sig || "SIGTERM") as string;
    if (!Object.prototype.hasOwnProperty.call(SIGNALS, name)) throw nodeError(TypeError, "ERR_UNKNOWN_SIGNAL", `Unknown signal: ${name}`);
    num = SIGNALS[name];
  }
  const target = Number(pid);
  if (target !== proc.pid && target !== 0 && target !== -1) throw errnoError("ESRCH", -3, "kill");
  if (num < 0 || num > SIGRTMAX) throw errnoError("EINVAL", -22, "kill");
  if (num === 0) return true;
  if (actsAtOnce(proc, num)) deliverSignal(proc, num);                         // as the kernel does on return from kill()
  else queueSignal(proc, num);
  return true;
}

/** Delivers a signal in a later phase of the loop without keeping it alive: as in Node, a loop with nothing else
 *  to do ends before a pending signal is seen. */
function queueSignal(proc: SignalProcess, num: number): void {
  loop().queueImmediate({ refed: false, queued: false, run: () => deliverSignal(proc, num) });
}

/** The power button was pressed: SIGTERM, or SIGINT for an app that listens only for that. */
export function powerButtonSignal(proc: SignalProcess): number {
  return proc.listenerCount("SIGTERM") === 0 && proc.listenerCount("SIGINT") > 0 ? SIGNALS.SIGINT : SIGNALS.SIGTERM;
}

/** Node's check when a listener is added: SIGKILL and SIGSTOP cannot be caught ("uv_signal_start EINVAL"). */
export function checkSignalListener(event: unknown): void {
  if (event === "SIGKILL" || event === "SIGSTOP") throw errnoError("EINVAL", -22, "uv_signal_start");
}

/** Adds process.kill, the listener check, and starts watching the power button (the bundle calls this before the
 *  app runs). */
export function install(): void {
  Process.setups.push((proc) => proc.on("newListener", checkSignalListener));
  Object.defineProperty(Process.prototype, "kill", {
    value: function kill_(this: SignalProcess, pid: unknown, sig?: unknown) { return kill(this, pid, sig); },
    writable: true, configurable: true,
  });
  Object.defineProperty((Process.prototype as unknown as { kill: () => void }).kill, "name", { value: "kill" });
  watchPowerButton(() => {
    const proc = (globalThis as unknown as { process?: SignalProcess }).process;
    if (proc) deliverSignal(proc, powerButtonSignal(proc));
  });
}
