// libos/readline/cursor.ts — readline.cursorTo / moveCursor / clearLine / clearScreenDown: the ANSI (ECMA-48 CSI)
// sequences written to a stream, with Node 20's argument checks and callbacks (a null stream or nothing to do:
// the callback runs on the next tick and the result is true). tty.WriteStream's methods use these too.
// Layer: libos. Depends on libos/util/errors.
import { invalidArgValue, nodeError, validateFunction } from "../util/errors.ts";

type Callback = (err?: Error | null) => void;
type Out = { write(data: string, cb?: Callback): unknown } | null | undefined;

export const ESC = "\x1b";
export const CSI = `${ESC}[`;

function skip(callback: Callback | undefined): true {
  if (typeof callback === "function") (globalThis as { process?: { nextTick(f: Callback, a: null): void } }).process?.nextTick(callback, null);
  return true;
}

/** Moves the cursor to column x (and row y when given), zero-based. */
export function cursorTo(stream: Out, x: unknown, y?: unknown, callback?: Callback): boolean {
  if (callback !== undefined) validateFunction(callback, "callback");
  if (typeof y === "function") {
    callback = y as Callback;
    y = undefined;
  }
  if (Number.isNaN(x)) throw invalidArgValue("x", x);
  if (Number.isNaN(y)) throw invalidArgValue("y", y);
  if (stream == null || (typeof x !== "number" && typeof y !== "number")) return skip(callback);
  if (typeof x !== "number") throw nodeError(TypeError, "ERR_INVALID_CURSOR_POS", "Cannot set cursor row without setting its column");
  const data = typeof y !== "number" ? `${CSI}${x + 1}G` : `${CSI}${y + 1};${x + 1}H`;
  return stream.write(data, callback) as boolean;
}

/** Moves the cursor dx columns and dy rows from where it is. */
export function moveCursor(stream: Out, dx: number, dy: number, callback?: Callback): boolean {
  if (callback !== undefined) validateFunction(callback, "callback");
  if (stream == null || !(dx || dy)) return skip(callback);
  let data = "";
  if (dx < 0) data += `${CSI}${-dx}D`;
  else if (dx > 0) data += `${CSI}${dx}C`;
  if (dy < 0) data += `${CSI}${-dy}A`;
  else if (dy > 0) data += `${CSI}${dy}B`;
  return stream.write(data, callback) as boolean;
}

/** Clears the line: dir < 0 left of the cursor, > 0 right of it, 0 all of it. */
export function clearLine(stream: Out, dir: number, callback?: Callback): boolean {
  if (callback !== undefined) validateFunction(callback, "callback");
  if (stream == null) return skip(callback);
  return stream.write(dir < 0 ? `${CSI}1K` : dir > 0 ? `${CSI}0K` : `${CSI}2K`, callback) as boolean;
}

/** Clears from the cursor to the end of the screen. */
export function clearScreenDown(stream: Out, callback?: Callback): boolean {
  if (callback !== undefined) validateFunction(callback, "callback");
  if (stream == null) return skip(callback);
  return stream.write(`${CSI}0J`, callback) as boolean;
}
