// boot/exit_codes.ts — how a guest's exit reaches the host. The guest writes v to isa-debug-exit and QEMU exits
// with (v << 1) | 1: v = code + 1 for the app's codes 0..125, v = 127 for a kernel panic (boot/native/exit.c).
// QEMU's own status 1 (it failed) and 0 (guest reset or triple fault, with -no-reboot) are never app exits.
// Layer: build tools (host only).

/** The largest exit code an app can report through the exit device. */
export const APP_EXIT_MAX = 125;

/** Launcher exit codes for outcomes that are not the app's own (all above APP_EXIT_MAX). */
export const LAUNCH = {
  /** The kernel panicked (CPU exception, fatal kernel error): register dump on the console. */
  PANIC: 255,
  /** The guest reset itself (a triple fault, or a reboot request). */
  RESET: 254,
  /** The guest was still running when the --timeout expired and was killed. */
  TIMEOUT: 253,
  /** QEMU failed to start or died without the guest exiting (bad arguments, missing accelerator, signal). */
  QEMU_ERROR: 252,
} as const;

/** "stopped": the launcher was asked to stop (a signal, or its parent's death) and the guest did not power off
 *  within the grace period, so it was killed; the launcher exits with signalExitCode. */
export type Outcome = "exit" | "panic" | "reset" | "timeout" | "qemu-error" | "stopped";

const SIGNAL_NUMBERS: Readonly<Record<string, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

/** 128 + the signal's number (SIGINT 130, SIGTERM 143, SIGHUP 129): the code of a process that signal ended, as a
 *  shell reports it; for a guest that did not answer the power-off request the launcher made for that signal. */
export function signalExitCode(signal: "SIGINT" | "SIGTERM" | "SIGHUP"): number {
  return 128 + SIGNAL_NUMBERS[signal];
}

/** Interprets QEMU's exit status (null when it died from a signal). */
export function decodeQemuStatus(status: number | null): { outcome: Outcome; code: number } {
  if (status === null) return { outcome: "qemu-error", code: LAUNCH.QEMU_ERROR };
  if (status === 0) return { outcome: "reset", code: LAUNCH.RESET };
  if ((status & 1) === 1 && status > 1) {
    const v = status >> 1;
    if (v === 127) return { outcome: "panic", code: LAUNCH.PANIC };
    return { outcome: "exit", code: v - 1 };
  }
  return { outcome: "qemu-error", code: LAUNCH.QEMU_ERROR };
}
