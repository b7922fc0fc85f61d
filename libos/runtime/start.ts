// libos/runtime/start.ts — the image's entry: installs the Node-like globals, runs the app's top level, then the
// event loop until nothing is left, and exits as Node does ('beforeExit', 'exit', process.exitCode). Uncaught
// exceptions and unhandled rejections go to process listeners when there are any, else they are printed as
// "Uncaught <error>" with the source-mapped stack and the exit code is 1.
// Layer: libos (the top: it assembles kernel services and Node APIs). The builder's entry stub calls runMain.

import { entropyPool } from "../../kernel/entropy.ts";
import { loop } from "../../kernel/event_loop.ts";
import { platform } from "../../kernel/platform.ts";
import { startProfiler, takeProfileReport } from "../../kernel/profile.ts";
import { runShutdownHooks } from "../../kernel/shutdown.ts";
import { mapStack } from "../../kernel/stack_trace.ts";
import { createConsole } from "../console/index.ts";
import { inspect } from "../console/inspect.ts";
import { stdioWrite } from "../console/stdio.ts";
import { Process } from "../process/index.ts";
import { imageConfig } from "./config.ts";
import { clearImmediate, clearInterval, clearTimeout, setImmediate, setInterval, setTimeout } from "../timers/index.ts";

/**
 * Drops the frames that belong to starting the app rather than to the app: the entry stub, runMain, the
 * bundle's module wrappers (lines with no source) and the script's own top frame.
 */
export function appFrames(mappedStack: string, bundle: string): string {
  return mappedStack
    .split("\n")
    .filter((f) => !/\(unijs-entry\.js[:)]|^\s+at runMain \(libos\/runtime\/start\.ts:/.test(f) &&
      !f.includes(`(${bundle}:`) && !f.includes(`(${bundle})`))
    .join("\n");
}

/** "Uncaught <error>" plus the source-mapped stack, as Node prints an uncaught exception. */
export function describeUncaught(err: unknown, bundle = ""): string {
  if (err instanceof Error || (typeof err === "object" && err !== null && "stack" in err)) {
    const e = err as Error;
    const raw = typeof e.stack === "string" ? mapStack(e.stack).replace(/\n+$/, "") : "";
    const stack = bundle ? appFrames(raw, bundle) : raw;
    // A stack in V8's shape (libos/globals/error_stack.ts: "Error: msg\n    at ...") already has its header.
    if (stack && !/^\s+at /.test(stack)) return `Uncaught ${stack}`;
    return `Uncaught ${e.name ?? "Error"}: ${e.message}${stack ? "\n" + stack : ""}`;
  }
  return `Uncaught ${inspect(err)}`;
}

/** The part of Web Crypto every image has: getRandomValues and randomUUID over the kernel entropy pool. */
const webCrypto = {
  getRandomValues<T extends ArrayBufferView | null>(array: T): T {
    if (!(array instanceof Int8Array || array instanceof Uint8Array || array instanceof Uint8ClampedArray ||
          array instanceof Int16Array || array instanceof Uint16Array || array instanceof Int32Array ||
          array instanceof Uint32Array || array instanceof BigInt64Array || array instanceof BigUint64Array)) {
      throw Object.assign(new TypeError("The data argument must be an integer-type TypedArray"), { code: 17, name: "TypeMismatchError" });
    }
    if (array.byteLength > 65536) {
      throw Object.assign(new RangeError(`The ArrayBufferView's byte length (${array.byteLength}) exceeds the number of bytes of entropy available via this API (65536)`),
        { name: "QuotaExceededError", code: 22 });
    }
    entropyPool().fill(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    return array;
  },
  randomUUID(): string {
    const b = entropyPool().fill(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  },
};

/** Installs a global that apps may overwrite (writable, configurable, not enumerable — as Node's are). */
function defineGlobal(name: string, value: unknown): void {
  Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
}

/**
 * Runs an app inside the image. `loadApp` evaluates the app's top level (the builder passes `() => require(app)`).
 * Never returns: the machine exits with process.exitCode (default 0), or 1 after an uncaught error.
 */
export function runMain(loadApp: () => unknown): never {
  const hal = platform();
  const config = imageConfig();
  const events = loop();
  const stop = (code: number): never => {
    runShutdownHooks();                          // file systems unmount cleanly, whatever ends the app
    return hal.exit(code);
  };
  const proc = new Process(config, stop);

  const fatal = (err: unknown): never => {
    let text: string;
    try {
      text = describeUncaught(err, config.bundle);
    } catch {
      text = "Uncaught exception (it could not be described: out of memory?)";
    }
    stdioWrite(2, text + "\n");                  // stderr: a virtio-console port, or the UART
    return proc.exit(1);
  };
  // Node numbers unhandled rejections ("rejection id") and names the number again when one is handled late.
  const rejectionIds = new WeakMap<object, number>();
  let lastRejectionId = 0;
  events.hooks = {
    uncaught(err, origin, promise) {
      if (origin === "unhandledRejection" && typeof promise === "object" && promise !== null) rejectionIds.set(promise, ++lastRejectionId);
      if (origin === "unhandledRejection" && proc.listenerCount("unhandledRejection") > 0) {
        proc.emit("unhandledRejection", err, promise);
        return;
      }
      if (proc.listenerCount("uncaughtException") > 0) {
        try {
          proc.emit("uncaughtException", err, origin);
        } catch (e) {
          fatal(e);
        }
        return;
      }
      fatal(err);
    },
    beforeExit() {
      proc.emit("beforeExit", proc.exitCode ?? 0);
    },
    rejectionHandled(promise) {
      const id = typeof promise === "object" && promise !== null ? rejectionIds.get(promise) : undefined;
      if (!proc.emit("rejectionHandled", promise)) {
        proc.emitWarning(`Promise rejection was handled asynchronously (rejection id: ${id})`, "PromiseRejectionHandledWarning");
      }
    },
  };

  const timeOrigin = hal.wallClock() - hal.now();
  defineGlobal("global", globalThis);
  defineGlobal("console", createConsole((fd, text) => { stdioWrite(fd, text); }, () => hal.now()));
  defineGlobal("process", proc);
  defineGlobal("setTimeout", setTimeout);
  defineGlobal("setInterval", setInterval);
  defineGlobal("setImmediate", setImmediate);
  defineGlobal("clearTimeout", clearTimeout);
  defineGlobal("clearInterval", clearInterval);
  defineGlobal("clearImmediate", clearImmediate);
  defineGlobal("queueMicrotask", (callback: () => void) => {
    if (typeof callback !== "function") throw new TypeError('The "callback" argument must be of type function');
    Promise.resolve().then(() => {
      try {
        callback();
      } catch (e) {
        events.hooks.uncaught(e, "uncaughtException");
      }
    });
  });
  if (!("crypto" in globalThis)) defineGlobal("crypto", webCrypto);   // libos/globals/webcrypto.ts may have set it
  // The full performance object (libos/globals/performance.ts) is installed before this when the app names it.
  if (!("performance" in globalThis)) defineGlobal("performance", {
    timeOrigin,
    now: () => hal.now(),
    toJSON: () => ({ timeOrigin }),
  });

  if (config.exposeGc && hal.gc) defineGlobal("gc", () => { hal.gc?.(); });

  if (config.profile && startProfiler()) {
    setInterval(() => hal.write(takeProfileReport() ?? ""), config.profile.intervalMs).unref();
    proc.on("exit", () => hal.write(takeProfileReport() ?? ""));
  }

  // A module graph with top-level await is loaded by import(): a promise that settles when the app's top level
  // has run to its end. Node: a rejection is an uncaught exception of origin 'unhandledRejection' (listeners for
  // 'unhandledRejection' are not asked), and a loop that empties while it is pending exits with code 13.
  let topLevel = "none" as "none" | "pending" | "settled";
  const mainRejected = (err: unknown): void => {
    if (proc.listenerCount("uncaughtException") === 0) fatal(err);
    try {
      proc.emit("uncaughtException", err, "unhandledRejection");
    } catch (e) {
      fatal(e);
    }
  };
  const load = (): void => {
    const loaded = loadApp();
    if (loaded instanceof Promise) {
      topLevel = "pending";
      loaded.then(() => { topLevel = "settled"; }, (err: unknown) => { topLevel = "settled"; mainRejected(err); });
    }
  };
  if (config.esm) {
    // Node evaluates an ES module entry inside a promise job: its microtasks run before its nextTicks.
    events.invoke(() => {
      load();
      hal.runJobs();
    });
  } else {
    events.invoke(load);
  }
  events.run();
  // The natural end: 'exit' listeners run, then the promise jobs they queued (as in Node), then the machine stops.
  proc._exiting = true;
  if (topLevel === "pending") {
    // Node 20 sets the code and emits 'exit' with 0 (its listeners see process.exitCode 13).
    proc.exitCode ??= 13;
    proc.emit("exit", 0);
    hal.runJobs();
    return stop(proc.exitCode);
  }
  proc.emit("exit", proc.exitCode ?? 0);
  hal.runJobs();
  return stop(proc.exitCode ?? 0);
}
