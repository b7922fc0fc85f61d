// boot/image/globals.ts — Node's web-platform globals (fetch, AbortController, EventTarget, structuredClone, Blob,
// web streams, Intl, ...) go only into images whose code mentions them: the app's and its packages' sources are
// scanned for the names (as identifiers or properties: `typeof Headers`, `globalThis.fetch`), and the bundle then
// starts by calling the `install()` of each module that provides one (libos/globals/*.ts), before the app runs.
// A name in a comment or string also counts (a false positive costs size, never correctness).
// Layer: build tools (host only).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../paths.ts";

/** A module that installs one or more globals; `names` are what the scan looks for. */
export interface GlobalsModule {
  names: string[];
  /** Relative to the unijs checkout; it exports `install(): void`. */
  module: string;
}

export const GLOBAL_MODULES: readonly GlobalsModule[] = [
  { names: ["fetch", "Request", "Response", "Headers", "FormData"], module: "libos/globals/fetch.ts" },
  // util.transferableAbortController/Signal make signals through the globals (libos/util/abort.ts).
  { names: ["AbortController", "AbortSignal", "transferableAbortController", "transferableAbortSignal"], module: "libos/globals/abort.ts" },
  { names: ["EventTarget", "Event", "CustomEvent"], module: "libos/globals/event_target.ts" },
  { names: ["structuredClone"], module: "libos/globals/structured_clone.ts" },
  { names: ["Blob", "File"], module: "libos/globals/blob.ts" },
  {
    names: ["ReadableStream", "WritableStream", "TransformStream", "ByteLengthQueuingStrategy", "CountQueuingStrategy",
      "TextEncoderStream", "TextDecoderStream", "ReadableStreamDefaultReader", "ReadableStreamBYOBReader",
      "ReadableStreamBYOBRequest", "ReadableStreamDefaultController", "ReadableByteStreamController",
      "TransformStreamDefaultController", "WritableStreamDefaultWriter", "WritableStreamDefaultController"],
    module: "libos/globals/web_streams.ts",
  },
  { names: ["CompressionStream", "DecompressionStream"], module: "libos/globals/compression_streams.ts" },
  { names: ["fromWeb", "toWeb"], module: "libos/globals/stream_web_adapters.ts" },
  { names: ["atob", "btoa"], module: "libos/globals/base64.ts" },
  { names: ["navigator"], module: "libos/globals/navigator.ts" },
  { names: ["DOMException"], module: "libos/globals/dom_exception.ts" },
  { names: ["MessageChannel", "MessagePort", "BroadcastChannel"], module: "libos/globals/message_channel.ts" },
  { names: ["Intl"], module: "libos/globals/intl.ts" },
  { names: ["toLocaleString", "toLocaleDateString", "toLocaleTimeString", "localeCompare"], module: "libos/globals/locale_methods.ts" },
  { names: ["captureStackTrace", "prepareStackTrace", "stackTraceLimit"], module: "libos/globals/error_stack.ts" },
  { names: ["subtle", "CryptoKey", "webcrypto"], module: "libos/globals/webcrypto.ts" },
  // crypto.X509Certificate and tls.TLSSocket's X509 getters (not globals: node:crypto finds the class through a slot).
  { names: ["X509Certificate", "getPeerX509Certificate", "getX509Certificate"], module: "libos/crypto/x509_install.ts" },
  { names: ["Buffer"], module: "libos/globals/buffer.ts" },
  { names: ["URL", "URLSearchParams"], module: "libos/globals/url.ts" },
  { names: ["TextEncoder", "TextDecoder"], module: "libos/globals/text_codec.ts" },
  // Parts of `process` only some apps use (libos/process/*.ts add them to Process.prototype).
  { names: ["cpuUsage", "resourceUsage"], module: "libos/process/usage.ts" },
  { names: ["emitWarning"], module: "libos/process/warning_args.ts" },
  { names: ["stdin"], module: "libos/process/stdin.ts" },
  // stdout/stderr over virtio-console ports (apart and fast; the UART otherwise, which costs no driver): images that
  // name the streams or write to stderr through console.
  { names: ["stdout", "stderr", "console.error", "console.warn", "console.trace"], module: "libos/console/virtio_stdio.ts" },
  { names: ["kill", "SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGBREAK"], module: "libos/process/signals.ts" },
  // path.win32 (libos/path/install_win32.ts): a mention of win32 is often a process.platform test; size only.
  { names: ["win32"], module: "libos/path/install_win32.ts" },
  { names: ["performance", "PerformanceObserver", "PerformanceEntry", "PerformanceMark", "PerformanceMeasure"], module: "libos/globals/performance.ts" },
];

const WORD = new RegExp(`\\b(${[...new Set(GLOBAL_MODULES.flatMap((g) => g.names))].join("|")})\\b`, "g");

/** The names of web globals a source text mentions. */
export function mentionedGlobals(text: string): Set<string> {
  return new Set(text.match(WORD) ?? []);
}

/** The installer modules (that exist in this checkout) for the names mentioned, in table order. */
export function installersFor(names: ReadonlySet<string>): string[] {
  return GLOBAL_MODULES.filter((g) => g.names.some((n) => names.has(n)) && existsSync(join(ROOT, g.module))).map((g) => g.module);
}
