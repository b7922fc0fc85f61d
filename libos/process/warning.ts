// libos/process/warning.ts — the core of process.emitWarning, as Node 20's lib/internal/process/warning.js: Warning
// objects (an Error named after the type, with code and detail), DeprecationWarning honouring
// process.noDeprecation / throwDeprecation / traceDeprecation, 'warning' emitted on the next tick, and the default
// 'warning' listener that prints "(node:1) [CODE] Type: message" (plus the detail and, once, the "--trace-warnings"
// hint) on stderr. There are no command-line flags in an image: the process.* properties of those flags, set by the
// app, do what the flags do. Every image has this (libos modules warn through it); the argument forms and checks
// Node applies to app calls are in warning_args.ts, installed when the app's code names emitWarning.
// Layer: libos. No dependencies.

/** The part of process these functions use. */
export interface WarningProcess {
  noDeprecation?: boolean;
  throwDeprecation?: boolean;
  traceDeprecation?: boolean;
  traceProcessWarnings?: boolean;
  readonly pid: number;
  readonly argv0: string;
  emit(event: string | symbol, ...args: unknown[]): boolean;
  nextTick(fn: (...args: unknown[]) => void, ...args: unknown[]): void;
  readonly stderr: { write(text: string): unknown };
}

export type Ctor = (...args: never[]) => unknown;
export type Warning = Error & { code?: string; detail?: string };

/** Node's createWarningObject: an Error named `type`, with `code` and `detail`, its stack starting below `ctor`. */
export function createWarning(message: string, type: string | undefined, code: string | undefined, ctor: Ctor | undefined,
                              detail: string | undefined): Warning {
  const w: Warning = new Error(message);
  w.name = String(type || "Warning");
  if (code !== undefined) w.code = code;
  if (detail !== undefined) w.detail = detail;
  const capture = (Error as { captureStackTrace?: (e: object, f?: Ctor) => void }).captureStackTrace;
  if (capture && ctor) capture(w, ctor);
  return w;
}

/** Emits an Error as a warning on the next tick (DeprecationWarning: unless noDeprecation; throwDeprecation throws). */
export function emitWarningObject(proc: WarningProcess, w: Warning): void {
  if (w.name === "DeprecationWarning") {
    if (proc.noDeprecation) return;
    if (proc.throwDeprecation) {
      proc.nextTick(() => { throw w; });       // after the warnings emitted before it, as Node
      return;
    }
  }
  proc.nextTick(() => proc.emit("warning", w));
}

/** process.emitWarning as libos modules call it: (message | Error[, type[, code]]). */
export function emitWarning(proc: WarningProcess, warning: string | Error, type?: string, code?: string, ctor?: Ctor): void {
  if (proc.noDeprecation && type === "DeprecationWarning") return;
  emitWarningObject(proc, typeof warning === "string" ? createWarning(warning, type, code, ctor, undefined) : warning);
}

let hintShown = false;

/** The listener Node installs for 'warning': prints the warning on stderr (the app may remove it). */
export function printWarning(this: WarningProcess, warning: unknown): void {
  if (!(warning instanceof Error)) return;
  const w = warning as Warning;
  const deprecation = w.name === "DeprecationWarning";
  if (deprecation && this.noDeprecation) return;
  const trace = this.traceProcessWarnings || (deprecation && this.traceDeprecation);
  let msg = `(node:${this.pid}) `;
  if (w.code) msg += `[${w.code}] `;
  msg += trace && w.stack ? w.stack : typeof w.toString === "function" ? `${w.toString()}` : Error.prototype.toString.call(w);
  if (typeof w.detail === "string") msg += `\n${w.detail}`;
  if (!trace && !hintShown) {
    const argv0 = (this.argv0 || "node").replace(/^.*\//, "").replace(/\.exe$/, "");
    msg += `\n(Use \`${argv0} ${deprecation ? "--trace-deprecation" : "--trace-warnings"} ...\` to show where the warning was created)`;
    hintShown = true;
  }
  this.stderr.write(msg + "\n");
}
