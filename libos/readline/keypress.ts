// libos/readline/keypress.ts — readline.emitKeypressEvents(stream[, interface]): decodes the terminal input on
// `stream` into 'keypress' events (str, key) with Node 20's key objects ({ sequence, name, ctrl, meta, shift, code }):
// control characters (ctrl+letter, return, enter, tab, backspace, escape, space), ESC-prefixed meta keys, and the
// xterm/rxvt/putty/gnome CSI and SS3 sequences for arrows, home/end, insert/delete, page keys, F1–F12, bracketed
// paste, with their modifiers. A lone ESC waits escapeCodeTimeout ms (500) for the rest of a sequence.
// The decoder is a generator fed one character at a time (a sequence may be split across chunks).
// Layer: libos. Depends on libos/string_decoder.
import { StringDecoder } from "../string_decoder/index.ts";

export const ESCAPE = "\x1b";
const DECODER = Symbol("keypress-decoder");
const ESCAPE_TIMEOUT = 500;

export interface Key {
  sequence: string | null;
  name: string | undefined;
  ctrl: boolean;
  meta: boolean;
  shift: boolean;
  code?: string;
}

type Emitter = { emit(event: string, ...args: unknown[]): boolean };

/** Sequence codes (after ESC) → key name, with the modifier a code implies ("s" shift, "c" ctrl). */
const CODES: Record<string, string> = {};
const name = (codes: string, key: string) => { for (const c of codes.split(" ")) CODES[c] = key; };
name("[P OP [11~ [[A", "f1"); name("[Q OQ [12~ [[B", "f2"); name("[R OR [13~ [[C", "f3"); name("[S OS [14~ [[D", "f4");
name("[15~ [[E", "f5"); name("[17~", "f6"); name("[18~", "f7"); name("[19~", "f8"); name("[20~", "f9");
name("[21~", "f10"); name("[23~", "f11"); name("[24~", "f12");
name("[200~", "paste-start"); name("[201~", "paste-end");
name("[A OA", "up"); name("[B OB", "down"); name("[C OC", "right"); name("[D OD", "left"); name("[E OE", "clear");
name("[F OF [4~ [8~", "end"); name("[H OH [1~ [7~", "home"); name("[2~", "insert"); name("[3~", "delete");
name("[5~ [[5~", "pageup"); name("[6~ [[6~", "pagedown");
name("[a", "up/s"); name("[b", "down/s"); name("[c", "right/s"); name("[d", "left/s"); name("[e", "clear/s");
name("[2$", "insert/s"); name("[3$", "delete/s"); name("[5$", "pageup/s"); name("[6$", "pagedown/s");
name("[7$", "home/s"); name("[8$", "end/s");
name("Oa", "up/c"); name("Ob", "down/c"); name("Oc", "right/c"); name("Od", "left/c"); name("Oe", "clear/c");
name("[2^", "insert/c"); name("[3^", "delete/c"); name("[5^", "pageup/c"); name("[6^", "pagedown/c");
name("[7^", "home/c"); name("[8^", "end/c"); name("[Z", "tab/s");

const isDigit = (c: string) => c >= "0" && c <= "9";

/** The key decoder: feed one character per next(); it emits 'keypress' on `stream` as keys complete. */
export function* keyDecoder(stream: Emitter): Generator<void, void, string> {
  for (;;) {
    let ch: string = yield;
    let s = ch;
    let escaped = false;
    const key: Key = { sequence: null, name: undefined, ctrl: false, meta: false, shift: false };
    if (ch === ESCAPE) {
      escaped = true;
      s += ch = yield;
      if (ch === ESCAPE) s += ch = yield;
    }
    if (escaped && (ch === "O" || ch === "[")) {
      let code = ch;
      let modifier = 0;
      if (ch === "O") {
        s += ch = yield;
        if (isDigit(ch)) {
          modifier = Number(ch) - 1;
          s += ch = yield;
        }
        code += ch;
      } else {
        s += ch = yield;
        if (ch === "[") {
          code += ch;
          s += ch = yield;
        }
        const start = s.length - 1;
        for (let digits = 0; digits < 3 && isDigit(ch); digits++) s += ch = yield;
        if (ch === ";") {
          s += ch = yield;
          if (isDigit(ch)) s += yield;
        }
        const cmd = s.slice(start);
        let m: RegExpExecArray | null;
        if ((m = /^(?:(\d\d?)(?:;(\d))?([~^$])|(\d{3}~))$/.exec(cmd))) {
          if (m[4]) code += m[4];
          else {
            code += m[1] + m[3];
            modifier = Number(m[2] || 1) - 1;
          }
        } else if ((m = /^((\d;)?(\d))?([A-Za-z])$/.exec(cmd))) {
          code += m[4];
          modifier = Number(m[3] || 1) - 1;
        } else {
          code += cmd;
        }
      }
      key.ctrl = !!(modifier & 4);
      key.meta = !!(modifier & 10);
      key.shift = !!(modifier & 1);
      key.code = code;
      const named = CODES[code];
      if (named) {
        const [n, mod] = named.split("/");
        key.name = n;
        if (mod === "s") key.shift = true;
        if (mod === "c") key.ctrl = true;
      } else {
        key.name = "undefined";
      }
    } else if (ch === "\r" || ch === "\n" || ch === "\t" || ch === "\b" || ch === "\x7f" || ch === ESCAPE || ch === " ") {
      key.name = { "\r": "return", "\n": "enter", "\t": "tab", "\b": "backspace", "\x7f": "backspace", [ESCAPE]: "escape", " ": "space" }[ch];
      key.meta = escaped;
    } else if (!escaped && ch <= "\x1a") {
      key.name = String.fromCharCode(ch.charCodeAt(0) + 96);
      key.ctrl = true;
    } else if (/^[0-9A-Za-z]$/.test(ch)) {
      key.name = ch.toLowerCase();
      key.shift = /^[A-Z]$/.test(ch);
      key.meta = escaped;
    } else if (escaped) {
      key.name = ch.length ? undefined : "escape";
      key.meta = true;
    }
    key.sequence = s;
    if (s.length !== 0 && (key.name !== undefined || escaped)) {
      stream.emit("keypress", escaped ? undefined : s, key);
    } else if ([...s].length === 1) {
      stream.emit("keypress", s, key);
    }
    // an unrecognised or broken escape sequence emits nothing
  }
}

type KeypressStream = Emitter & {
  on(event: string, fn: (...args: never[]) => void): unknown;
  removeListener(event: string, fn: (...args: never[]) => void): unknown;
  listenerCount(event: string): number;
  [DECODER]?: { decoder: InstanceType<typeof StringDecoder>; keys: Generator<void, void, string> };
};

/** Makes `stream` emit 'keypress' for what it reads (once per stream; `iface` gives escapeCodeTimeout). */
export function emitKeypressEvents(stream: KeypressStream, iface: { escapeCodeTimeout?: number } = {}): void {
  if (stream[DECODER]) return;
  const state = { decoder: new StringDecoder("utf8"), keys: keyDecoder(stream) };
  state.keys.next();
  stream[DECODER] = state;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const feed = (ch: string) => {
    try {
      state.keys.next(ch);
    } catch (err) {
      state.keys = keyDecoder(stream);                 // a throwing listener must not kill the decoder
      state.keys.next();
      throw err;
    }
  };
  const onData = (input: unknown) => {
    if (stream.listenerCount("keypress") === 0) {
      stream.removeListener("data", onData);
      stream.on("newListener", onNewListener);
      return;
    }
    const text = typeof input === "string" ? input : state.decoder.write(input as Uint8Array);
    if (!text) return;
    if (timer) clearTimeout(timer);
    timer = undefined;
    const chars = [...text];
    for (let i = 0; i < chars.length; i++) {
      feed(chars[i]);
      // A trailing ESC may be the escape key or the start of a sequence: wait a little for the rest.
      if (i === chars.length - 1 && chars[i] === ESCAPE) {
        timer = setTimeout(() => { timer = undefined; feed(""); }, iface.escapeCodeTimeout ?? ESCAPE_TIMEOUT);
      }
    }
  };
  const onNewListener = (event: string) => {
    if (event === "keypress") {
      stream.on("data", onData);
      stream.removeListener("newListener", onNewListener);
    }
  };
  if (stream.listenerCount("keypress") > 0) stream.on("data", onData);
  else stream.on("newListener", onNewListener);
}
