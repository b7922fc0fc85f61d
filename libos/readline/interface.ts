// libos/readline/interface.ts — readline.Interface as Node 20's (lib/internal/readline/interface.js) behaves, over
// any Readable (process.stdin from the serial console, a PassThrough, a socket):
//  - not a terminal (the default unless output.isTTY or `terminal: true`): the input is decoded as UTF-8 and split
//    at \n, \r\n and \r (a \n within crlfDelay ms of a chunk-ending \r is not a second line); 'line' per line, the
//    rest as a last line at 'end', then 'close'; prompt() writes the prompt, question() writes the query and takes
//    the next line; write(data) feeds data as input; no history, no echo.
//  - terminal: 'keypress' events (keypress.ts) edit the line: printable text, backspace/delete, left/right,
//    home/end, ctrl+a/e/b/f/h/d/u/k/w, up/down through the history (historySize, removeHistoryDuplicates,
//    'history' events), return/enter, ctrl+c ('SIGINT' on the interface, else close), ctrl+d on an empty line
//    (close), tab through the completer; the line is redrawn with ANSI sequences (cursor.ts). Every character is
//    one column wide (no East Asian width table).
//  - pause/resume ('pause'/'resume' events), close ('close', once), getPrompt/setPrompt, line/cursor/
//    getCursorPos, the `signal` option, Symbol.asyncIterator (lines until 'close'; leaving the loop early closes).
// Layer: libos. Depends on libos/events, libos/string_decoder, libos/util/errors, cursor.ts, keypress.ts.
import { EventEmitter } from "../events/index.ts";
import { StringDecoder } from "../string_decoder/index.ts";
import { invalidArgValue, nodeError, validateAbortSignal, validateArray, validateNumber, validateString } from "../util/errors.ts";
import { clearScreenDown, cursorTo, moveCursor } from "./cursor.ts";
import { emitKeypressEvents, type Key } from "./keypress.ts";

const HISTORY_SIZE = 30;
const MIN_CRLF_DELAY = 100;
const LINE_ENDING = /\r?\n|\r(?!\n)/g;

type Emitter = InstanceType<typeof EventEmitter>;
type Input = Emitter & {
  pause(): unknown;
  resume(): unknown;
  isRaw?: boolean;
  setRawMode?(mode: boolean): unknown;
};
type Output = Emitter & { write(data: string, cb?: (err?: Error | null) => void): unknown; columns?: number };
type Completer = (line: string, cb?: (err: Error | null, result: [string[], string]) => void) => unknown;

export interface InterfaceOptions {
  input: Input;
  output?: Output | null;
  completer?: Completer;
  terminal?: boolean;
  history?: string[];
  historySize?: number;
  removeHistoryDuplicates?: boolean;
  prompt?: string;
  crlfDelay?: number;
  escapeCodeTimeout?: number;
  tabSize?: number;
  signal?: AbortSignal;
}

const useAfterClose = () => nodeError(Error, "ERR_USE_AFTER_CLOSE", "readline was closed");

export class Interface extends EventEmitter {
  line = "";
  /** Terminal mode only (as in Node, absent otherwise). */
  declare cursor: number;
  declare historyIndex: number;
  terminal: boolean;
  input: Input;
  output: Output | null | undefined;
  history: string[];
  historySize: number;
  removeHistoryDuplicates: boolean;
  crlfDelay: number;
  completer: Completer | undefined;
  escapeCodeTimeout = 500;
  tabSize = 8;
  isCompletionEnabled = true;
  /** Set by close() and pause()/resume(), as in Node (undefined before). */
  declare closed: boolean;
  declare paused: boolean;
  private promptText = "> ";
  private oldPrompt = "";
  private questionCallback: ((answer: string) => void) | null = null;
  private lineBuffer: string | null = null;
  private sawReturnAt = 0;
  private prevRows = 0;
  private decoder = new StringDecoder("utf8");
  private lineIterator: AsyncIterableIterator<string> | undefined;

  constructor(input: Input | InterfaceOptions, output?: Output | null, completer?: Completer, terminal?: boolean) {
    super();
    let opts: Partial<InterfaceOptions> = {};
    if ((input as InterfaceOptions)?.input) {
      opts = input as InterfaceOptions;
      output = opts.output;
      completer = opts.completer;
      terminal = opts.terminal;
      input = opts.input as Input;
      if (opts.tabSize !== undefined) {
        validateNumber(opts.tabSize, "tabSize", 1, 4294967295);
        this.tabSize = opts.tabSize;
      }
      if (opts.prompt !== undefined) this.promptText = opts.prompt;
      if (opts.escapeCodeTimeout !== undefined) {
        if (!Number.isFinite(opts.escapeCodeTimeout)) throw invalidArgValue("input.escapeCodeTimeout", this.escapeCodeTimeout);
        this.escapeCodeTimeout = opts.escapeCodeTimeout;
      }
      if (opts.signal) validateAbortSignal(opts.signal, "options.signal");
    }
    if (completer !== undefined && typeof completer !== "function") throw invalidArgValue("completer", completer);
    const history = opts.history ?? [];
    if (opts.history !== undefined) validateArray(history, "history");
    const historySize = opts.historySize ?? HISTORY_SIZE;
    validateNumber(historySize, "historySize", 0);
    if (terminal === undefined && output != null) terminal = !!(output as { isTTY?: boolean }).isTTY;
    this.output = output;
    this.input = input as Input;
    this.history = history;
    this.historySize = historySize;
    this.removeHistoryDuplicates = !!opts.removeHistoryDuplicates;
    this.crlfDelay = opts.crlfDelay ? Math.max(MIN_CRLF_DELAY, opts.crlfDelay) : MIN_CRLF_DELAY;
    this.completer = completer;
    this.terminal = !!terminal;
    const inp = this.input;
    const onError = (err: unknown) => this.emit("error", err);
    inp.on("error", onError);
    if (!this.terminal) {
      const onData = (data: unknown) => this.normalWrite(data);
      const onEnd = () => {
        if (typeof this.lineBuffer === "string" && this.lineBuffer.length > 0) this.emit("line", this.lineBuffer);
        this.close();
      };
      inp.on("data", onData);
      inp.on("end", onEnd);
      this.once("close", () => {
        inp.removeListener("data", onData);
        inp.removeListener("error", onError);
        inp.removeListener("end", onEnd);
      });
    } else {
      const onKeypress = (s: string | undefined, key: Key) => this.ttyWrite(s, key);
      const onEnd = () => {
        if (this.line.length > 0) this.emit("line", this.line);
        this.close();
      };
      const onResize = () => this.refreshLine();
      this.cursor = 0;
      this.historyIndex = -1;
      emitKeypressEvents(inp as never, this);
      inp.on("keypress", onKeypress);
      inp.on("end", onEnd);
      this.setRawMode(true);
      output?.on("resize", onResize);
      this.once("close", () => {
        inp.removeListener("keypress", onKeypress);
        inp.removeListener("error", onError);
        inp.removeListener("end", onEnd);
        output?.removeListener("resize", onResize);
      });
    }
    const signal = opts.signal;
    if (signal) {
      const onAborted = () => this.close();
      if (signal.aborted) (globalThis as { process?: { nextTick(f: () => void): void } }).process?.nextTick(onAborted);
      else {
        signal.addEventListener("abort", onAborted, { once: true });
        this.once("close", () => signal.removeEventListener("abort", onAborted));
      }
    }
    inp.resume();
  }

  get columns(): number {
    return this.output?.columns || Infinity;
  }

  setPrompt(prompt: string): void {
    this.promptText = prompt;
  }

  getPrompt(): string {
    return this.promptText;
  }

  private setRawMode(mode: boolean): boolean | undefined {
    const was = this.input.isRaw;
    if (typeof this.input.setRawMode === "function") this.input.setRawMode(mode);
    return was;
  }

  /** Writes the prompt (terminal: redraws the line with it). */
  prompt(preserveCursor?: boolean): void {
    if (this.paused) this.resume();
    const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
    if (this.terminal && env.TERM !== "dumb") {
      if (!preserveCursor) this.cursor = 0;
      this.refreshLine();
    } else {
      this.writeToOutput(this.promptText);
    }
  }

  /** Node's question(query[, options], cb): the next line answers; a pending question only re-prompts. */
  question(query: string, options?: unknown, cb?: (answer: string) => void): void {
    const callback = typeof options === "function" ? options as (answer: string) => void : cb;
    const signal = options !== null && typeof options === "object" ? (options as { signal?: AbortSignal }).signal : undefined;
    let done = callback;
    if (signal) {
      validateAbortSignal(signal, "options.signal");
      if (signal.aborted) return;
      const onAbort = () => this.questionCancel();
      signal.addEventListener("abort", onAbort, { once: true });
      done = (answer) => {
        signal.removeEventListener("abort", onAbort);
        callback?.(answer);
      };
    }
    if (typeof callback === "function") this.askQuestion(query, done as (answer: string) => void);
  }

  /** The question, as the promise API asks it (readline/promises). */
  askQuestion(query: string, cb: (answer: string) => void): void {
    if (this.closed) throw useAfterClose();
    if (this.questionCallback) {
      this.prompt();
    } else {
      this.oldPrompt = this.promptText;
      this.setPrompt(query);
      this.questionCallback = cb;
      this.prompt();
    }
  }

  /** Drops a pending question (its AbortSignal fired). */
  questionCancel(): void {
    if (this.questionCallback) {
      this.questionCallback = null;
      this.setPrompt(this.oldPrompt);
      this.clearLine();
    }
  }

  private onLine(line: string): void {
    const cb = this.questionCallback;
    if (cb) {
      this.questionCallback = null;
      this.setPrompt(this.oldPrompt);
      cb(line);
    } else {
      this.emit("line", line);
    }
  }

  private writeToOutput(text: string): void {
    validateString(text, "stringToWrite");
    if (this.output != null) this.output.write(text);
  }

  close(): void {
    if (this.closed) return;
    this.pause();
    if (this.terminal) this.setRawMode(false);
    this.closed = true;
    this.emit("close");
  }

  pause(): this | undefined {
    if (this.paused) return undefined;
    this.input.pause();
    this.paused = true;
    this.emit("pause");
    return this;
  }

  resume(): this | undefined {
    if (!this.paused) return undefined;
    this.input.resume();
    this.paused = false;
    this.emit("resume");
    return this;
  }

  /** Feeds `data` as if it had been read (terminal: as typed, or the `key` given). */
  write(data: unknown, key?: Partial<Key>): void {
    if (this.paused) this.resume();
    if (this.terminal) this.ttyWrite(data as string | undefined, (key ?? {}) as Key);
    else this.normalWrite(data);
  }

  private normalWrite(b: unknown): void {
    if (b === undefined) return;
    let text = typeof b === "string" ? b : this.decoder.write(b as Uint8Array);
    if (this.sawReturnAt && Date.now() - this.sawReturnAt <= this.crlfDelay) {
      if (text.codePointAt(0) === 10) text = text.slice(1);
      this.sawReturnAt = 0;
    }
    LINE_ENDING.lastIndex = 0;
    if (LINE_ENDING.test(text)) {
      if (this.lineBuffer) {
        text = this.lineBuffer + text;
        this.lineBuffer = null;
      }
      this.sawReturnAt = text.endsWith("\r") ? Date.now() : 0;
      const parts = text.split(LINE_ENDING);
      this.lineBuffer = parts.pop() as string;
      for (const line of parts) this.onLine(line);
    } else if (text) {
      this.lineBuffer = (this.lineBuffer ?? "") + text;
    }
  }

  // ---- terminal mode ----

  /** Clears the line being edited (what Ctrl+U does to all of it). */
  clearLine(): void {
    this.moveCursorBy(Infinity);
    this.writeToOutput("\r\n");
    this.line = "";
    this.cursor = 0;
    this.prevRows = 0;
  }

  private displayPos(str: string): { cols: number; rows: number } {
    const col = this.columns;
    let offset = 0;
    let rows = 0;
    for (const ch of str.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "")) {
      if (ch === "\n") {
        rows += Math.ceil(offset / col) || 1;
        offset = 0;
      } else if (ch === "\t") {
        offset += this.tabSize - (offset % this.tabSize);
      } else if (ch >= " ") {
        offset++;
      }
    }
    const cols = offset % col;
    rows += (offset - cols) / col;
    return { cols, rows };
  }

  getCursorPos(): { rows: number; cols: number } {
    return this.displayPos(this.promptText + this.line.slice(0, this.cursor));
  }

  private refreshLine(): void {
    const line = this.promptText + this.line;
    const disp = this.displayPos(line);
    const pos = this.getCursorPos();
    if (this.prevRows > 0) moveCursor(this.output, 0, -this.prevRows);
    cursorTo(this.output, 0);
    clearScreenDown(this.output);
    this.writeToOutput(line);
    if (disp.cols === 0) this.writeToOutput(" ");
    cursorTo(this.output, pos.cols);
    const diff = disp.rows - pos.rows;
    if (diff > 0) moveCursor(this.output, 0, -diff);
    this.prevRows = pos.rows;
  }

  private moveCursorBy(dx: number): void {
    if (dx === 0) return;
    const old = this.getCursorPos();
    this.cursor = Math.max(0, Math.min(this.line.length, this.cursor + dx));
    const now = this.getCursorPos();
    if (old.rows === now.rows) moveCursor(this.output, now.cols - old.cols, 0);
    else this.refreshLine();
  }

  private insert(text: string): void {
    this.line = this.line.slice(0, this.cursor) + text + this.line.slice(this.cursor);
    this.cursor += text.length;
    if (this.cursor === this.line.length) this.writeToOutput(text);
    else this.refreshLine();
  }

  private deleteLeft(): void {
    if (this.cursor > 0 && this.line.length > 0) {
      const width = this.line.codePointAt(this.cursor - 2)! > 0xffff ? 2 : 1;
      this.line = this.line.slice(0, this.cursor - width) + this.line.slice(this.cursor);
      this.cursor -= width;
      this.refreshLine();
    }
  }

  private deleteRight(): void {
    if (this.cursor < this.line.length) {
      const width = this.line.codePointAt(this.cursor)! > 0xffff ? 2 : 1;
      this.line = this.line.slice(0, this.cursor) + this.line.slice(this.cursor + width);
      this.refreshLine();
    }
  }

  private addHistory(): string {
    if (this.line.length === 0) return "";
    if (this.historySize === 0 || this.line.trim().length === 0) return this.line;
    if (this.history.length === 0 || this.history[0] !== this.line) {
      if (this.removeHistoryDuplicates) {
        const dup = this.history.indexOf(this.line);
        if (dup !== -1) this.history.splice(dup, 1);
      }
      this.history.unshift(this.line);
      if (this.history.length > this.historySize) this.history.pop();
    }
    this.historyIndex = -1;
    const line = this.history[0];
    this.emit("history", this.history);
    return line;
  }

  private historyMove(step: 1 | -1): void {
    const next = this.historyIndex + step;
    if (next < -1 || next >= this.history.length || this.history.length === 0) return;
    this.historyIndex = next;
    this.line = next === -1 ? "" : this.history[next];
    this.cursor = this.line.length;
    this.refreshLine();
  }

  private enter(): void {
    const line = this.addHistory();
    this.clearLine();
    this.onLine(line);
  }

  private tabComplete(): void {
    if (!this.completer || !this.isCompletionEnabled) return this.insert("\t");
    const apply = (err: Error | null, result: [string[], string] | undefined) => {
      if (err || !result) return;
      const [completions, completeOn] = result;
      const hits = completions.filter((c) => c.startsWith(completeOn));
      if (hits.length === 1) this.insert(hits[0].slice(completeOn.length));
      else if (hits.length > 1) {
        this.writeToOutput("\r\n" + hits.join("  ") + "\r\n");
        let common = hits[0];
        for (const h of hits) while (!h.startsWith(common)) common = common.slice(0, -1);
        this.prevRows = 0;
        if (common.length > completeOn.length) this.insert(common.slice(completeOn.length));
        else this.refreshLine();
      }
    };
    const before = this.line.slice(0, this.cursor);
    if (this.completer.length === 2) this.completer(before, apply);
    else {
      const r = this.completer(before);
      if (r instanceof Promise) r.then((v) => apply(null, v as [string[], string]), (e) => apply(e as Error, undefined));
      else apply(null, r as [string[], string]);
    }
  }

  private ttyWrite(s: string | undefined, key: Key): void {
    key = key || ({} as Key);
    if (key.ctrl && !key.meta) {
      switch (key.name) {
        case "c":
          if (this.listenerCount("SIGINT") > 0) this.emit("SIGINT");
          else this.close();
          return;
        case "d":
          if (this.cursor === 0 && this.line.length === 0) this.close();
          else this.deleteRight();
          return;
        case "h": return this.deleteLeft();
        case "u":
          this.line = this.line.slice(this.cursor);
          this.cursor = 0;
          return this.refreshLine();
        case "k":
          this.line = this.line.slice(0, this.cursor);
          return this.refreshLine();
        case "a": return this.moveCursorBy(-Infinity);
        case "e": return this.moveCursorBy(Infinity);
        case "b": return this.moveCursorBy(-1);
        case "f": return this.moveCursorBy(1);
        case "l":
          cursorTo(this.output, 0, 0);
          clearScreenDown(this.output);
          return this.refreshLine();
        case "n": return this.historyMove(-1);
        case "p": return this.historyMove(1);
        case "w": {
          const before = this.line.slice(0, this.cursor).replace(/\S+\s*$|\s+$/, "");
          this.line = before + this.line.slice(this.cursor);
          this.cursor = before.length;
          return this.refreshLine();
        }
      }
    }
    switch (key.name) {
      case "return":
        this.sawReturnAt = Date.now();
        return this.enter();
      case "enter":
        if (this.sawReturnAt === 0 || Date.now() - this.sawReturnAt > this.crlfDelay) this.enter();
        this.sawReturnAt = 0;
        return;
      case "backspace": return this.deleteLeft();
      case "delete": return this.deleteRight();
      case "left": return this.moveCursorBy(-1);
      case "right": return this.moveCursorBy(1);
      case "home": return this.moveCursorBy(-Infinity);
      case "end": return this.moveCursorBy(Infinity);
      case "up": return this.historyMove(1);
      case "down": return this.historyMove(-1);
      case "tab": return this.tabComplete();
    }
    this.sawReturnAt = 0;
    if (typeof s === "string" && s && !key.ctrl && !key.meta) {
      const lines = s.split(/\r\n|\n|\r/);
      for (let i = 0; i < lines.length; i++) {
        if (i > 0) this.enter();
        if (lines[i]) this.insert(lines[i]);
      }
    }
  }

  /** Lines until 'close'; leaving the loop early closes the interface. */
  [Symbol.asyncIterator](): AsyncIterableIterator<string> {
    if (this.lineIterator) return this.lineIterator;
    const queue: string[] = [];
    const waiting: ((r: IteratorResult<string>) => void)[] = [];
    let finished = false;
    const onLine = (line: string) => {
      const w = waiting.shift();
      if (w) w({ value: line, done: false });
      else queue.push(line);
    };
    const finish = () => {
      finished = true;
      this.removeListener("line", onLine);
      this.removeListener("close", finish);
      for (const w of waiting.splice(0)) w({ value: undefined, done: true });
    };
    this.on("line", onLine);
    this.on("close", finish);
    const it: AsyncIterableIterator<string> = {
      next: () => {
        if (queue.length) return Promise.resolve({ value: queue.shift() as string, done: false });
        if (finished) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => waiting.push(resolve));
      },
      return: () => {
        finish();
        queue.length = 0;
        (globalThis as { process?: { nextTick(f: () => void): void } }).process?.nextTick(() => this.close());
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]() {
        return it;
      },
    };
    this.lineIterator = it;
    return it;
  }
}
