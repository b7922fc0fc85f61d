// libos/util/legacy.ts — util's old helpers Node 20 still exports: _extend (copies own enumerable keys),
// _errnoException and _exceptionWithHostPort (the "syscall CODE [address:port]" errors with errno/code/syscall that
// old network code builds), and parseEnv (the .env parser of Node 20.12+: KEY=value lines, `export ` prefixes,
// # comments, '…' "…" `…` quoted values, \n expanded inside double quotes, multi-line quoted values), each with
// Node 20.20's observable behaviour, quirks included. Layer: libos. Depends on errors.ts and system_errors.ts.

import { validateString } from "./errors.ts";
import { getSystemErrorName } from "./system_errors.ts";

/** Copies `source`'s own enumerable keys onto `target` (deprecated Node helper). */
export function _extend(target: Record<string, unknown>, source: unknown): Record<string, unknown> {
  if (source === null || typeof source !== "object") return target;
  const keys = Object.keys(source);
  for (let i = keys.length - 1; i >= 0; i--) target[keys[i]] = (source as Record<string, unknown>)[keys[i]];
  return target;
}

/** An errno error: message "syscall CODE[ original]", errno, code, syscall; its constructor reads as Error. */
export function _errnoException(err: number, syscall: string, original?: string): Error {
  const code = getSystemErrorName(err);
  const e = new Error(original ? `${syscall} ${code} ${original}` : `${syscall} ${code}`) as Error & Record<string, unknown>;
  e.errno = err;
  e.code = code;
  e.syscall = syscall;
  return e;
}

/** As _errnoException, with " address:port" (or " address") and " - Local (additional)" in the message. */
export function _exceptionWithHostPort(err: number, syscall: string, address?: string, port?: number, additional?: string): Error {
  const code = getSystemErrorName(err);
  let details = "";
  if (port && port > 0) details = ` ${address}:${port}`;
  else if (address) details = ` ${address}`;
  if (additional) details += ` - Local (${additional})`;
  const e = new Error(`${syscall} ${code}${details}`) as Error & Record<string, unknown>;
  e.errno = err;
  e.code = code;
  e.syscall = syscall;
  e.address = address;
  if (port) e.port = port;
  return e;
}

/**
 * Node's trim of a view [start, end) of `text` (spaces only). Faithful to a quirk of Node 20.20's parser: a view
 * that is all spaces is not emptied but moved one character back (its start pointer steps back by one), so after
 * the trailing trim it holds the character just before it — a key of only spaces after a newline becomes "\n".
 */
function trimView(text: string, start: number, end: number): [number, number] {
  if (start >= end) return [start, start];
  if (text[start] === " ") {
    let i = start;
    while (i < end && text[i] === " ") i++;
    start = i < end ? i : start - 1;
  }
  if (start < end && text[end - 1] === " ") {
    let j = end - 1;
    while (j >= start && text[j] === " ") j--;
    end = j >= start ? j + 1 : start;
  }
  return [Math.max(start, 0), end];
}

/** Parses .env content into a null-prototype object of strings, keys in byte order (Node's std::map). */
export function parseEnv(content: string): Record<string, string> {
  validateString(content, "content");
  const text = content.replace(/\r/g, "");
  const store = new Map<string, string>();
  let [at, end] = trimView(text, 0, text.length);
  const find = (c: string, from: number) => {
    const i = text.indexOf(c, from);
    return i === -1 || i >= end ? -1 : i;
  };
  while (at < end) {
    if (text[at] === "\n" || text[at] === "#") {            // blank line or comment (a last line without \n is parsed)
      const nl = find("\n", at);
      if (nl !== -1) {
        at = nl + 1;
        continue;
      }
    }
    const eq = find("=", at);
    if (eq === -1) break;
    const [ks, ke] = trimView(text, at, eq);
    let key = text.slice(ks, ke);
    [at, end] = trimView(text, eq + 1, end);
    if (key === "") break;
    if (key.startsWith("export ")) key = key.slice(7);
    if (at >= end) {
      store.set(key, "");
      break;
    }
    const q = text[at];
    if (q === '"' || q === "'" || q === "`") {
      const close = find(q, at + 1);
      if (close === -1) {                                    // unterminated: the rest of the line, quote included
        const nl = find("\n", at);
        if (nl !== -1) {
          store.set(key, text.slice(at, nl));
          at = nl;
        }
        continue;                                            // (without a newline the text is read again as a key)
      }
      const inner = text.slice(at + 1, close);
      store.set(key, q === '"' ? inner.replace(/\\n/g, "\n") : inner);
      const nl = find("\n", close + 1);
      at = nl === -1 ? end : q === '"' ? nl + 1 : nl;
      continue;
    }
    const nl = find("\n", at);
    let vEnd = nl === -1 ? end : nl;
    const hash = find("#", at);
    if (hash !== -1 && hash < vEnd) vEnd = hash;
    const [vs, ve] = trimView(text, at, vEnd);
    store.set(key, text.slice(vs, ve));
    at = nl === -1 ? end : nl;
  }
  const out = Object.create(null) as Record<string, string>;
  for (const k of [...store.keys()].sort(byBytes)) out[k] = store.get(k) as string;
  return out;
}

/** UTF-8 byte order (std::string's operator<), which differs from UTF-16 order only around surrogates. */
function byBytes(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i), y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && x <= 0xdfff) x += 0x2000;            // surrogates (U+10000+) sort after U+E000–U+FFFF
    if (y >= 0xd800 && y <= 0xdfff) y += 0x2000;
    return x - y;
  }
  return a.length - b.length;
}
