// The compatibility probe: for every Node 20 built-in module, the names it exports and what kind each is; and for
// the web globals, whether each exists. Run by host Node (the reference) and inside an image (what unijs has);
// test/compat/table.ts turns the two into README's compatibility table. Every require is static, so the image
// holds every module. Prints one JSON line: { modules: { name: { key: kind } }, globals: { name: kind } }.
const modules = {
  assert: require("assert"), "assert/strict": require("assert/strict"), async_hooks: require("async_hooks"),
  buffer: require("buffer"), child_process: require("child_process"), cluster: require("cluster"),
  console: require("console"), constants: require("constants"), crypto: require("crypto"), dgram: require("dgram"),
  diagnostics_channel: require("diagnostics_channel"), dns: require("dns"), "dns/promises": require("dns/promises"),
  domain: require("domain"), events: require("events"), fs: require("fs"), "fs/promises": require("fs/promises"),
  http: require("http"), http2: require("http2"), https: require("https"), inspector: require("inspector"),
  module: require("module"), net: require("net"), os: require("os"), path: require("path"),
  "path/posix": require("path/posix"), "path/win32": require("path/win32"), perf_hooks: require("perf_hooks"),
  process: require("process"), punycode: require("punycode"), querystring: require("querystring"),
  readline: require("readline"), "readline/promises": require("readline/promises"), repl: require("repl"),
  stream: require("stream"), "stream/consumers": require("stream/consumers"), "stream/promises": require("stream/promises"),
  "stream/web": require("stream/web"), string_decoder: require("string_decoder"), sys: require("sys"),
  timers: require("timers"), "timers/promises": require("timers/promises"), tls: require("tls"),
  trace_events: require("trace_events"), tty: require("tty"), url: require("url"), util: require("util"),
  "util/types": require("util/types"), v8: require("v8"), vm: require("vm"), wasi: require("wasi"),
  worker_threads: require("worker_threads"), zlib: require("zlib"),
};
const GLOBALS = ["fetch", "Request", "Response", "Headers", "FormData", "AbortController", "AbortSignal", "EventTarget",
  "Event", "CustomEvent", "structuredClone", "Blob", "File", "ReadableStream", "WritableStream", "TransformStream",
  "TextEncoderStream", "TextDecoderStream", "CompressionStream", "DecompressionStream", "atob", "btoa", "navigator",
  "DOMException", "MessageChannel", "MessagePort", "BroadcastChannel", "Intl", "Buffer", "URL", "URLSearchParams",
  "TextEncoder", "TextDecoder", "crypto", "performance", "queueMicrotask", "setImmediate", "structuredClone"];

const kind = (v) => (typeof v === "function" ? (/^class\b/.test(Function.prototype.toString.call(v)) || (v.prototype && Object.getOwnPropertyNames(v.prototype).length > 1) ? "class" : "function") : v === null ? "null" : typeof v);
const out = { modules: {}, globals: {} };
// A module that is an object of a class (process is one) may keep its methods on the class's prototype: those count
// too, up to EventEmitter's and Object's prototypes (the same walk under host Node and in the image).
const EE = require("events").EventEmitter.prototype;
function names(m) {
  const seen = new Set(Object.keys(m));
  for (let p = Object.getPrototypeOf(m); p && p !== Object.prototype && p !== EE && p !== Function.prototype; p = Object.getPrototypeOf(p)) {
    for (const k of Object.getOwnPropertyNames(p)) if (k !== "constructor" && !k.startsWith("_")) seen.add(k);
  }
  return [...seen];
}
for (const [name, m] of Object.entries(modules)) {
  const keys = {};
  for (const k of names(m)) keys[k] = kind(m[k]);
  out.modules[name] = keys;
}
// A global the app mentions is installed (only such ones are, in an image): every name is mentioned above.
for (const g of GLOBALS) out.globals[g] = kind(globalThis[g]);
out.globals["Error.captureStackTrace"] = kind(Error.captureStackTrace);
out.globals["crypto.subtle"] = kind(globalThis.crypto && globalThis.crypto.subtle);
console.log("COMPAT " + JSON.stringify(out));
