// libos/os/system_error.ts — Node's SystemError (ERR_SYSTEM_ERROR) for a failed libuv call: "A system error
// occurred: uv_os_getpriority returned ESRCH (no such process)", with `info` {errno, code, message, syscall} and
// errno/syscall accessors that read and write it, as lib/internal/errors.js builds it. Layer: libos. Depends on
// ./constants.ts.

import { UV_ERRORS } from "./constants.ts";

/** The SystemError Node throws when libuv's `syscall` failed with `code` (a libuv error name such as ESRCH). */
export function systemError(syscall: string, code: string): Error & { code: string; info: object } {
  const entry = UV_ERRORS.find((e) => e[1] === code);
  const errno = entry ? entry[0] : -4094;
  const text = entry ? entry[2] : "unknown error";
  const info = { errno, code, message: text, syscall };
  const err = new Error(`A system error occurred: ${syscall} returned ${code} (${text})`) as Error & { code: string; info: object };
  Object.defineProperty(err, "name", { value: "SystemError", enumerable: false, writable: true, configurable: true });
  Object.defineProperty(err, "toString", {
    value() { return `SystemError [ERR_SYSTEM_ERROR]: ${err.message}`; }, enumerable: false, writable: true, configurable: true,
  });
  Object.defineProperty(err, "code", { value: "ERR_SYSTEM_ERROR", enumerable: true, writable: true, configurable: true });
  Object.defineProperty(err, "info", { value: info, enumerable: true, writable: false, configurable: true });
  for (const key of ["errno", "syscall"] as const) {
    Object.defineProperty(err, key, {
      get() { return info[key]; },
      set(v: never) { info[key] = v; },
      enumerable: true, configurable: true,
    });
  }
  return err;
}
