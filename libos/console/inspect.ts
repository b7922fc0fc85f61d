// libos/console/inspect.ts — value formatting for console.* in the style of Node's util.inspect (single-line when
// short, indented when long, depth-limited, cycle-safe). Layer: libos. Depends on kernel/stack_trace.ts for errors.

import { mapStack } from "../../kernel/stack_trace.ts";

/** Options understood by inspect(); a subset of Node's util.inspect options. */
export interface InspectOptions {
  /** How deep nested objects are shown before "[Object]" (default 2, like Node). */
  depth?: number;
  /** Line width before entries are broken over lines (default 80). */
  breakLength?: number;
}

const MAX_ARRAY_ITEMS = 100;
/** util.inspect.custom (Symbol.for, so packages that define it without importing util are honoured). */
const CUSTOM = Symbol.for("nodejs.util.inspect.custom");
const IDENT = /^[A-Za-z_$][\w$]*$/;

function quote(s: string): string {
  const q = !s.includes("'") ? "'" : !s.includes('"') ? '"' : !s.includes("`") ? "`" : "'";
  const esc = s.replace(/[\\\n\r\t\b\f\v\0]/g, (c) => ({ "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t",
    "\b": "\\b", "\f": "\\f", "\v": "\\v", "\0": "\\0" })[c] as string);
  return q + (q === "'" ? esc.replace(/'/g, "\\'") : esc) + q;
}

function key(k: string | symbol): string {
  if (typeof k === "symbol") return `[${String(k)}]`;
  return IDENT.test(k) ? k : quote(k);
}

function constructorName(o: object): string | null {
  const proto = Object.getPrototypeOf(o);
  if (proto === null) return null;
  const ctor = proto.constructor;
  return typeof ctor === "function" && typeof ctor.name === "string" ? ctor.name : "";
}

function formatError(e: Error): string {
  const stack = typeof e.stack === "string" ? mapStack(e.stack).replace(/\n+$/, "") : "";
  // A stack in V8's shape (libos/globals/error_stack.ts: "Error: msg\n    at ...") already has its header.
  if (stack && !/^\s+at /.test(stack)) return stack;
  const head = `${e.name || "Error"}: ${e.message}`;
  return stack ? `${String(e.message) === "" ? e.name || "Error" : head}\n${stack}` : `[${head}]`;
}

function join(open: string, entries: string[], close: string, indent: number, breakLength: number): string {
  if (entries.length === 0) return open.endsWith(" ") ? open.trimEnd() + close : open + close;
  const single = `${open} ${entries.join(", ")} ${close}`;
  if (single.length + indent <= breakLength && !single.includes("\n")) return single;
  const pad = " ".repeat(indent + 2);
  return `${open}\n${pad}${entries.join(`,\n${pad}`)}\n${" ".repeat(indent)}${close}`;
}

function formatValue(v: unknown, depth: number, seen: object[], indent: number, opts: Required<InspectOptions>,
                     nested: boolean): string {
  switch (typeof v) {
    case "string": return nested ? quote(v) : v;
    case "number": return Object.is(v, -0) ? "-0" : String(v);
    case "bigint": return `${v}n`;
    case "boolean": case "undefined": return String(v);
    case "symbol": return v.toString();
    case "function": {
      const src = Function.prototype.toString.call(v);
      const name = v.name ? `: ${v.name}` : " (anonymous)";
      const own = Object.keys(v);
      const base = src.startsWith("class") ? `[class ${v.name || "(anonymous)"}]` : `[Function${name}]`;
      if (own.length === 0 || depth > opts.depth) return base;
      return formatObjectBody(v, base + " {", "}", own, depth, seen, indent, opts);
    }
  }
  if (v === null) return "null";
  const o = v as object;
  if (seen.includes(o)) return "[Circular *1]";
  // A value's own formatting, as util.inspect honours it (Buffer, URL, Headers, app classes): (depth, options, inspect).
  const custom = (o as Record<symbol, unknown>)[CUSTOM];
  if (typeof custom === "function" && custom !== inspect) {
    const left = opts.depth - depth;
    const r: unknown = custom.call(o, left, { depth: left, breakLength: opts.breakLength, colors: false, stylize: (t: string) => t }, inspect);
    if (r !== o) return typeof r === "string" ? r : formatValue(r, depth, seen, indent, opts, nested);
  }
  if (o instanceof Error) return formatError(o);
  if (o instanceof Date) return isNaN(o.getTime()) ? "Invalid Date" : o.toISOString();
  if (o instanceof RegExp) return String(o);
  if (o instanceof Number || o instanceof String || o instanceof Boolean)
    return `[${constructorName(o)}: ${formatValue(o.valueOf(), depth, seen, indent, opts, true)}]`;
  const ctor = constructorName(o);
  if (depth > opts.depth) return Array.isArray(o) ? "[Array]" : `[${ctor || "Object"}]`;
  seen.push(o);
  try {
    if (Array.isArray(o)) {
      const items = o.slice(0, MAX_ARRAY_ITEMS).map((x) => formatValue(x, depth + 1, seen, indent + 2, opts, true));
      if (o.length > MAX_ARRAY_ITEMS) items.push(`... ${o.length - MAX_ARRAY_ITEMS} more items`);
      const prefix = ctor === "Array" ? "" : `${ctor}(${o.length}) `;
      return join(prefix + "[", items, "]", indent, opts.breakLength);
    }
    if (ArrayBuffer.isView(o) && !(o instanceof DataView)) {
      const arr = Array.from(o as unknown as ArrayLike<number | bigint>).slice(0, MAX_ARRAY_ITEMS);
      const items = arr.map((x) => formatValue(x, depth + 1, seen, indent + 2, opts, true));
      const len = (o as unknown as ArrayLike<number>).length;
      if (len > MAX_ARRAY_ITEMS) items.push(`... ${len - MAX_ARRAY_ITEMS} more items`);
      return join(`${ctor}(${len}) [`, items, "]", indent, opts.breakLength);
    }
    if (o instanceof Map) {
      const items = Array.from(o, ([k, x]) => `${formatValue(k, depth + 1, seen, indent + 2, opts, true)} => ${
        formatValue(x, depth + 1, seen, indent + 2, opts, true)}`);
      return join(`Map(${o.size}) {`, items, "}", indent, opts.breakLength);
    }
    if (o instanceof Set) {
      const items = Array.from(o, (x) => formatValue(x, depth + 1, seen, indent + 2, opts, true));
      return join(`Set(${o.size}) {`, items, "}", indent, opts.breakLength);
    }
    if (o instanceof ArrayBuffer) {
      const bytes = Array.from(new Uint8Array(o, 0, Math.min(o.byteLength, 50)), (b) => b.toString(16).padStart(2, "0"));
      return `ArrayBuffer { [Uint8Contents]: <${bytes.join(" ")}${o.byteLength > 50 ? " ..." : ""}>, byteLength: ${o.byteLength} }`;
    }
    if (o instanceof Promise) return "Promise { <unknown> }";
    const prefix = ctor === null ? "[Object: null prototype] {" : ctor === "Object" || ctor === "" ? "{" : `${ctor} {`;
    const keys: (string | symbol)[] = Object.keys(o);
    for (const s of Object.getOwnPropertySymbols(o)) if (Object.getOwnPropertyDescriptor(o, s)?.enumerable) keys.push(s);
    return formatObjectBody(o, prefix, "}", keys, depth, seen, indent, opts);
  } finally {
    seen.pop();
  }
}

function formatObjectBody(o: object, open: string, close: string, keys: (string | symbol)[], depth: number,
                          seen: object[], indent: number, opts: Required<InspectOptions>): string {
  const entries = keys.map((k) => {
    const d = Object.getOwnPropertyDescriptor(o, k);
    const shown = d && (d.get || d.set) ? (d.get && d.set ? "[Getter/Setter]" : d.get ? "[Getter]" : "[Setter]")
      : formatValue((o as Record<string | symbol, unknown>)[k], depth + 1, seen, indent + 2, opts, true);
    return `${key(k)}: ${shown}`;
  });
  return join(open, entries, close, indent, opts.breakLength);
}

/** Formats any value for display, like Node's util.inspect. Never throws on ordinary values. */
export function inspect(value: unknown, options: InspectOptions = {}): string {
  const opts = { depth: options.depth ?? 2, breakLength: options.breakLength ?? 80 };
  return formatValue(value, 0, [], 0, opts, true);
}

/** Formats console arguments like Node's util.format: printf-style %s %d %i %f %j %o %O %c %% in a leading string. */
export function format(...args: unknown[]): string {
  const first = args[0];
  let out = "";
  let rest = 0;
  if (typeof first === "string" && !first.includes("%")) {
    rest = 1;
    out = first;
  } else if (typeof first === "string") {
    rest = 1;
    out = first.replace(/%([sdifjoOc%])/g, (m, c: string) => {
      if (c === "%") return "%";
      if (rest >= args.length) return m;
      const a = args[rest++];
      switch (c) {
        case "s": return typeof a === "string" ? a : typeof a === "bigint" ? `${a}n` :
          typeof a === "object" && a !== null ? inspect(a, { depth: 1 }) : String(a);
        case "d": case "i": {
          if (typeof a === "bigint") return `${a}n`;
          if (typeof a === "symbol") return "NaN";
          const n = Number(a);
          return c === "i" ? String(Math.trunc(n)) : Object.is(n, -0) ? "-0" : String(n);
        }
        case "f": return typeof a === "symbol" ? "NaN" : String(parseFloat(String(a)));
        case "j": try { return JSON.stringify(a); } catch { return "[Circular]"; }
        case "o": case "O": return inspect(a, { depth: c === "o" ? 4 : 2 });
        default: return "";  // %c: CSS, ignored
      }
    });
  }
  for (; rest < args.length; rest++) {
    const a = args[rest];
    out += (out === "" && rest === 0 ? "" : " ") + (typeof a === "string" ? a : inspect(a));
  }
  return out;
}
