// boot/image/builtins.ts — which Node built-in modules unijs provides, and the libos file each resolves to.
// `fs`, `node:fs` etc. resolve here; a built-in that is not listed is a build error that says so.
// Layer: build tools (host only).

/** Built-in module name (without "node:") → path relative to the repository root. */
export const BUILTINS: Record<string, string> = {
  process: "libos/process/module.ts",
  console: "libos/console/module.ts",
  events: "libos/events/index.ts",
  timers: "libos/timers/index.ts",
  buffer: "libos/buffer/index.ts",
  stream: "libos/stream/index.ts",
  string_decoder: "libos/string_decoder/index.ts",
  dgram: "libos/dgram/index.ts",
  net: "libos/net/node_net.ts",
  http: "libos/http/index.ts",
  url: "libos/url/index.ts",
  util: "libos/util/index.ts",
  "util/types": "libos/util/types_module.ts",
  path: "libos/path/index.ts",
  "path/posix": "libos/path/posix.ts",
  querystring: "libos/querystring/index.ts",
  dns: "libos/dns/index.ts",
  "dns/promises": "libos/dns/promises.ts",
  "timers/promises": "libos/timers/promises.ts",
  fs: "libos/fs/node/index.ts",
  "fs/promises": "libos/fs/node/promises.ts",
  zlib: "libos/zlib/index.ts",
  crypto: "libos/crypto/index.ts",
};

/** Node's built-in module names, so `import "fs"` is recognised as a built-in even before unijs provides it. */
export const NODE_BUILTIN_NAMES = new Set([
  "assert", "assert/strict", "async_hooks", "buffer", "child_process", "cluster", "console", "constants", "crypto",
  "dgram", "diagnostics_channel", "dns", "dns/promises", "domain", "events", "fs", "fs/promises", "http", "http2",
  "https", "inspector", "module", "net", "os", "path", "path/posix", "path/win32", "perf_hooks", "process",
  "punycode", "querystring", "readline", "repl", "stream", "stream/promises", "stream/web", "string_decoder",
  "sys", "timers", "timers/promises", "tls", "trace_events", "tty", "url", "util", "util/types", "v8", "vm",
  "wasi", "worker_threads", "zlib", "test",
]);
