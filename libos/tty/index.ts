// libos/tty/index.ts — `node:tty` for a machine whose only terminal-like device is the serial console.
// Decision: isatty(fd) is false for every fd, so process.stdin/stdout/stderr are not TTYs (isTTY absent/false,
// as Node shows for pipes). The serial line has none of what a TTY promises a program: no line discipline (no echo,
// no line editing, no Ctrl-C → SIGINT), no window size (TIOCGWINSZ), and its far end is usually a pipe or a log
// file on the host. Colour libraries (supports-color, chalk, debug, pino-pretty) therefore print plain text, and an
// app's output is the same as under Node with its output captured.
// The classes still work over the serial console, as Node's do over a pipe: `new tty.ReadStream(0)` reads the
// serial input (serial_stream.ts; setRawMode only records the mode: the line is always raw), `new tty.WriteStream(1
// or 2)` writes to the console, with isTTY true, a VT100's 80x24 as columns/rows (the real size is unknown), Node's
// getColorDepth/hasColors over the environment, and the cursor methods (ANSI sequences, libos/readline/cursor.ts).
// Other fds: ERR_TTY_INIT_FAILED (EBADF), as Node for an fd that is not open. Layer: libos.
import { platform } from "../../kernel/platform.ts";
import { Writable } from "../stream/index.ts";
import { nodeError } from "../util/errors.ts";
import { utf8Decode } from "../util/utf8.ts";
import { clearLine, clearScreenDown, cursorTo, moveCursor } from "../readline/cursor.ts";
import { getColorDepth, hasColors } from "./color_depth.ts";
import { SerialReadable } from "./serial_stream.ts";

/** Whether fd is a terminal: false for every fd in a unijs image (see the header). */
export function isatty(_fd: unknown): boolean {
  return false;
}

function checkFd(fd: unknown, open: readonly number[]): number {
  if (((fd as number) >> 0) !== fd || (fd as number) < 0) {
    throw nodeError(RangeError, "ERR_INVALID_FD", `"fd" must be a positive integer: ${fd}`);
  }
  if (!open.includes(fd as number)) {
    const err = nodeError(Error, "ERR_TTY_INIT_FAILED", "TTY initialization failed: uv_tty_init returned EBADF (bad file descriptor)");
    Object.assign(err, { name: "SystemError", errno: -9, syscall: "uv_tty_init",
      info: { errno: -9, code: "EBADF", message: "bad file descriptor", syscall: "uv_tty_init" } });
    throw err;
  }
  return fd as number;
}

/** A terminal reader over the serial console's input (fd 0). */
export class ReadStream extends SerialReadable {
  isRaw = false;
  readonly isTTY = true;

  constructor(fd: number, options?: ConstructorParameters<typeof SerialReadable>[1]) {
    super(checkFd(fd, [0]), options);
  }

  /** Records the mode: the serial line has no line discipline, so input arrives raw either way. */
  setRawMode(flag: boolean): this {
    this.isRaw = !!flag;
    return this;
  }
}

type Callback = (err?: Error | null) => void;

/** A terminal writer to the serial console (fd 1 or 2). */
export class WriteStream extends Writable {
  readonly isTTY = true;
  columns = 80;
  rows = 24;

  constructor(fd: number) {
    super({ decodeStrings: false });
    checkFd(fd, [1, 2]);                           // no `fd` property: Node's tty streams have none either
  }

  override _write(chunk: unknown, _encoding: string, callback: Callback): void {
    const text = typeof chunk === "string" ? chunk : utf8Decode(chunk as Uint8Array).text;
    platform().write(text);
    callback();
  }

  /** The size is not known over a serial line: the 80x24 the stream reports. */
  getWindowSize(): [number, number] {
    return [this.columns, this.rows];
  }

  _refreshSize(): void {}

  getColorDepth(env?: Record<string, string | undefined>): number {
    return getColorDepth(env);
  }

  hasColors(count?: unknown, env?: Record<string, string | undefined>): boolean {
    return hasColors(count, env);
  }

  cursorTo(x: number, y?: number | Callback, cb?: Callback): boolean {
    return cursorTo(this, x, y, cb);
  }

  moveCursor(dx: number, dy: number, cb?: Callback): boolean {
    return moveCursor(this, dx, dy, cb);
  }

  clearLine(dir: number, cb?: Callback): boolean {
    return clearLine(this, dir, cb);
  }

  clearScreenDown(cb?: Callback): boolean {
    return clearScreenDown(this, cb);
  }
}

// `import tty from "node:tty"` (chalk 5, supports-color) gets the module object, as from Node.
export default { isatty, ReadStream, WriteStream };
