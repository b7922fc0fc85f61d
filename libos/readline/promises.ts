// libos/readline/promises.ts — `node:readline/promises`: an Interface whose question() returns a promise (an
// AbortSignal rejects it with AbortError and drops the question), createInterface, and Readline — cursor and
// clear operations queued and written at commit() (or on the next tick with autoCommit), as Node 20's.
// Layer: libos. Depends on interface.ts, cursor.ts, libos/util/errors.
import { AbortError, invalidArgType, validateBoolean, validateInteger, validateAbortSignal } from "../util/errors.ts";
import { CSI } from "./cursor.ts";
import { Interface as BaseInterface, type InterfaceOptions } from "./interface.ts";

type Ctor = ConstructorParameters<typeof BaseInterface>;
const nextTick = (fn: () => void) => (globalThis as { process?: { nextTick(f: () => void): void } }).process?.nextTick(fn);

export class Interface extends BaseInterface {
  /** The promise form replaces the callback form, as in Node. */
  override question(query: string, options?: { signal?: AbortSignal }): Promise<string> {
    return new Promise((resolve, reject) => {
      let cb = resolve;
      const signal = options?.signal;
      if (signal) {
        validateAbortSignal(signal, "options.signal");
        if (signal.aborted) return reject(new AbortError(undefined, { cause: signal.reason }));
        const onAbort = () => {
          this.questionCancel();
          reject(new AbortError(undefined, { cause: signal.reason }));
        };
        signal.addEventListener("abort", onAbort, { once: true });
        cb = (answer) => {
          signal.removeEventListener("abort", onAbort);
          resolve(answer);
        };
      }
      this.askQuestion(query, cb);
    });
  }
}

export function createInterface(input: Ctor[0] | InterfaceOptions, output?: Ctor[1], completer?: Ctor[2], terminal?: boolean): Interface {
  return new Interface(input, output, completer, terminal);
}

type Stream = { write(data: string, cb?: () => void): unknown; writable?: boolean };

/** Cursor and clear operations on a stream, written together at commit(). */
export class Readline {
  #autoCommit = false;
  #stream: Stream;
  #todo: string[] = [];

  constructor(stream: Stream, options?: { autoCommit?: boolean }) {
    if (stream == null || typeof stream.write !== "function") throw invalidArgType("stream", "Writable", stream);
    this.#stream = stream;
    if (options?.autoCommit != null) {
      validateBoolean(options.autoCommit, "options.autoCommit");
      this.#autoCommit = options.autoCommit;
    }
  }

  #queue(data: string): this {
    if (this.#autoCommit) nextTick(() => this.#stream.write(data));
    else this.#todo.push(data);
    return this;
  }

  cursorTo(x: number, y?: number): this {
    validateInteger(x, "x");
    if (y != null) validateInteger(y, "y");
    return this.#queue(y == null ? `${CSI}${x + 1}G` : `${CSI}${y + 1};${x + 1}H`);
  }

  moveCursor(dx: number, dy: number): this {
    if (!(dx || dy)) return this;
    validateInteger(dx, "dx");
    validateInteger(dy, "dy");
    let data = "";
    if (dx < 0) data += `${CSI}${-dx}D`;
    else if (dx > 0) data += `${CSI}${dx}C`;
    if (dy < 0) data += `${CSI}${-dy}A`;
    else if (dy > 0) data += `${CSI}${dy}B`;
    return this.#queue(data);
  }

  clearLine(dir: number): this {
    validateInteger(dir, "dir", -1, 1);
    return this.#queue(dir < 0 ? `${CSI}1K` : dir > 0 ? `${CSI}0K` : `${CSI}2K`);
  }

  clearScreenDown(): this {
    return this.#queue(`${CSI}0J`);
  }

  commit(): Promise<void> {
    return new Promise((resolve) => {
      this.#stream.write(this.#todo.join(""), () => resolve());
      this.#todo = [];
    });
  }

  rollback(): this {
    this.#todo = [];
    return this;
  }
}

export default { Interface, Readline, createInterface };
