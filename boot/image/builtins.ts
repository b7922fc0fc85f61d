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
  net: "libos/node_net/index.ts",
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
  // Node compatibility (each resolves once its file exists; until then the build says it is not available yet):
  assert: "libos/assert/index.ts",
  "assert/strict": "libos/assert/strict.ts",
  async_hooks: "libos/async_hooks/index.ts",
  diagnostics_channel: "libos/diagnostics_channel/index.ts",
  os: "libos/os/index.ts",
  perf_hooks: "libos/perf_hooks/index.ts",
  tty: "libos/tty/index.ts",
  readline: "libos/readline/index.ts",
  "readline/promises": "libos/readline/promises.ts",
  module: "libos/module/index.ts",
  v8: "libos/v8/index.ts",
  vm: "libos/vm/index.ts",
  worker_threads: "libos/worker_threads/index.ts",
  punycode: "libos/punycode/index.ts",
  "stream/promises": "libos/stream/promises.ts",
  "stream/web": "libos/stream/web.ts",
  "stream/consumers": "libos/stream/consumers.ts",
  "path/win32": "libos/path/win32.ts",
  sys: "libos/util/index.ts",
  constants: "libos/constants/index.ts",
  child_process: "libos/unsupported/child_process.ts",
  cluster: "libos/unsupported/cluster.ts",
  domain: "libos/domain/index.ts",
  http2: "libos/unsupported/http2.ts",
  https: "libos/https/index.ts",
  tls: "libos/tls/index.ts",
  inspector: "libos/unsupported/inspector.ts",
  "inspector/promises": "libos/unsupported/inspector_promises.ts",
  repl: "libos/unsupported/repl.ts",
  trace_events: "libos/unsupported/trace_events.ts",
  wasi: "libos/unsupported/wasi.ts",
  test: "libos/unsupported/test.ts",
};

/** Node's built-in module names, so `import "fs"` is recognised as a built-in even before unijs provides it. */
export const NODE_BUILTIN_NAMES = new Set([
  "assert", "assert/strict", "async_hooks", "buffer", "child_process", "cluster", "console", "constants", "crypto",
  "dgram", "diagnostics_channel", "dns", "dns/promises", "domain", "events", "fs", "fs/promises", "http", "http2",
  "https", "inspector", "module", "net", "os", "path", "path/posix", "path/win32", "perf_hooks", "process",
  "punycode", "querystring", "readline", "repl", "stream", "stream/promises", "stream/web", "string_decoder",
  "sys", "timers", "timers/promises", "tls", "trace_events", "tty", "url", "util", "util/types", "v8", "vm",
  "wasi", "worker_threads", "zlib", "test", "readline/promises", "stream/consumers", "inspector/promises",
]);

/** Built-ins whose functions cannot work in a unikernel (or not yet): the builder prints one warning line for each
 *  one a bundle contains, with why. */
export const UNSUPPORTED_BUILTINS: Record<string, string> = {
  child_process: "there are no other processes to start",
  cluster: "a unikernel is one process (run more instances instead)",
  http2: "HTTP/2 is not implemented yet (node:http serves HTTP/1.1)",
  inspector: "there is no V8 inspector (npm run image -- --profile samples the JS)",
  "inspector/promises": "there is no V8 inspector",
  repl: "there is no REPL on the serial console",
  trace_events: "there is no V8 tracing",
  wasi: "QuickJS has no WebAssembly",
  test: "node:test runs tests in child processes",
};
