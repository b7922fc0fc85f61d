// libos/util/style_text.ts — util.styleText(format, text, { validateStream, stream }) as Node 20.20: a format name
// from util.inspect.colors (or an array of them) wraps the text in its ANSI codes; with validateStream (the default)
// the stream (default process.stdout) must be a Node or web stream and the codes are added only when it should be
// coloured (FORCE_COLOR, else a TTY with more than 2 colours). Layer: libos. Depends on errors.ts and inspect.ts.

import { invalidArgType, invalidArgValue, validateBoolean, validateString } from "./errors.ts";
import { inspect } from "./inspect.ts";

type Stream = { isTTY?: boolean; getColorDepth?: () => number; write?: unknown; on?: unknown; pipe?: unknown;
  _readableState?: unknown; _writableState?: unknown };

function isStream(s: unknown): boolean {
  if (s === null || typeof s !== "object") return false;
  const o = s as Stream;
  if (o._readableState || o._writableState || (typeof o.write === "function" && typeof o.on === "function") ||
      (typeof o.pipe === "function" && typeof o.on === "function")) return true;
  const g = globalThis as { ReadableStream?: Function; WritableStream?: Function };
  return (typeof g.ReadableStream === "function" && s instanceof g.ReadableStream) ||
    (typeof g.WritableStream === "function" && s instanceof g.WritableStream);
}

/** Node's colour decision for a stream: FORCE_COLOR's depth, else a TTY with more than 2 colours. */
function shouldColorize(stream: Stream | undefined): boolean {
  const force = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.FORCE_COLOR;
  if (force !== undefined) return ["", "1", "true", "2", "3"].includes(force);
  return !!stream?.isTTY && (typeof stream.getColorDepth === "function" ? stream.getColorDepth() > 2 : true);
}

const escape = (code: number) => `\u001b[${code}m`;

function codesOf(key: unknown): [number, number] {
  const colors = inspect.colors as unknown as Record<string, [number, number]>;
  const codes = typeof key === "string" && Object.prototype.hasOwnProperty.call(colors, key) ? colors[key] : undefined;
  if (codes == null) {
    const allowed = Object.keys(colors).map((v) => `'${v}'`).join(", ");
    throw invalidArgValue("format", key, `must be one of: ${allowed}`);
  }
  return codes;
}

/** `text` wrapped in the ANSI codes of `format` (a util.inspect.colors name or an array of them). */
export function styleText(format: string | string[], text: string,
                          { validateStream = true, stream = globalThis.process?.stdout as unknown }: { validateStream?: boolean; stream?: unknown } = {}): string {
  validateString(text, "text");
  validateBoolean(validateStream, "options.validateStream");
  if (validateStream && !isStream(stream)) throw invalidArgType("stream", ["ReadableStream", "WritableStream", "Stream"], stream);
  if (Array.isArray(format)) {
    let left = "", right = "";
    for (const key of format) {
      const [open, close] = codesOf(key);
      left += escape(open);
      right = `${escape(close)}${right}`;
    }
    return `${left}${text}${right}`;                         // (Node 20.20 does not consult the stream for arrays)
  }
  const [open, close] = codesOf(format);
  if (validateStream && (!stream || !shouldColorize(stream as Stream))) return text;
  return `${escape(open)}${text}${escape(close)}`;
}
