// libos/process/warning_args.ts — process.emitWarning with every argument form and check of Node 20 (the
// (warning, type, code, ctor) and (warning, {type, code, detail, ctor}) forms, ERR_INVALID_ARG_TYPE for a warning
// that is neither a string nor an Error, a non-string type or code). Installed into Process.prototype by images
// whose code names emitWarning (boot/image/globals.ts); the core it calls is warning.ts.
// Layer: libos. Depends on libos/util/errors.
import { invalidArgType } from "../util/errors.ts";
import { Process } from "./index.ts";
import { createWarning, emitWarningObject, type Ctor, type WarningProcess } from "./warning.ts";

function validateString(value: unknown, name: string): void {
  if (typeof value !== "string") throw invalidArgType(name, "string", value);
}

/** process.emitWarning(warning[, type[, code]][, ctor]) and process.emitWarning(warning[, options]). */
export function emitWarningChecked(proc: WarningProcess, warning: unknown, type?: unknown, code?: unknown, ctor?: unknown): void {
  if (proc.noDeprecation && type === "DeprecationWarning") return;
  let detail: string | undefined;
  if (type !== null && typeof type === "object" && !Array.isArray(type)) {
    const o = type as { type?: unknown; code?: unknown; detail?: unknown; ctor?: unknown };
    ctor = o.ctor;
    code = o.code;
    if (typeof o.detail === "string") detail = o.detail;
    type = o.type || "Warning";
  } else if (typeof type === "function") {
    ctor = type;
    code = undefined;
    type = "Warning";
  }
  if (type !== undefined) validateString(type, "type");
  if (typeof code === "function") {
    ctor = code;
    code = undefined;
  } else if (code !== undefined) {
    validateString(code, "code");
  }
  if (typeof warning === "string") {
    warning = createWarning(warning, type as string | undefined, code as string | undefined, ctor as Ctor | undefined, detail);
  } else if (!(warning instanceof Error)) {
    throw invalidArgType("warning", ["Error", "string"], warning);
  }
  emitWarningObject(proc, warning as Error);
}

/** Replaces Process.prototype.emitWarning with the checked form (the bundle calls this before the app runs). */
export function install(): void {
  const methods = {
    emitWarning(this: WarningProcess, warning: unknown, type?: unknown, code?: unknown, ctor?: unknown): void {
      emitWarningChecked(this, warning, type, code, ctor);
    },
  };
  Object.defineProperty(Process.prototype, "emitWarning", { value: methods.emitWarning, writable: true, configurable: true });
}
