// test/sim/quickjs_runner.ts — runs a unijs app inside quickjs-emscripten 0.32 (Bellard's QuickJS 2025-09-13
// compiled to WebAssembly: the kernel's engine generation, 2025-04-26; test/sim/quickjs_engine.ts lists the gap),
// on a SimPlatform exposed to the VM as the global `hal`. The app is bundled exactly as for an image
// (boot/image/bundle.ts bundleApp: a script that calls runMain, or one ES module when the app uses top-level
// await) and evaluated the same way, so engine incompatibilities in the runtime and libos show up without QEMU.
//
// How the VM's `hal` is built: host functions (numbers and strings in and out) backed by a SimPlatform, wrapped
// by a small shim evaluated in the VM that gives them the shape kernel/platform.ts declares (objects, arrays,
// ArrayBuffers are made inside the VM). Errors the sim throws reach the VM as instances of the VM's own
// RangeError/TypeError/Error. runJobs runs the VM runtime's executePendingJobs and rethrows a job's exception in
// the VM, as the native one does. exit() records the code and stops the run: the host function throws, every
// later hal call throws as well (the machine is gone; nothing more is printed), and the runtime's interrupt
// handler ends the evaluation at the engine's next interrupt check even if the app catches the exception.
// Clock reads advance virtual time by a small step (SimOptions.clockReadStepMs), so busy-waits end.
//
// GAPS (what differs from the native hal):
// - takeRejections() always returns []: quickjs-emscripten 0.32 does not expose QuickJS's promise-rejection
//   tracker (JS_SetHostPromiseRejectionTracker; its RuntimeOptions.promiseRejectionHandler is typed TODO/never),
//   so unhandled rejections are never reported: no "Uncaught" message, no exit code 1, no 'unhandledRejection'.
//   Apps and fixtures that depend on that must be skipped here (by name, with this reason).
// - DMA buffers are VM ArrayBuffers: the host-side sim only hands out their addresses, so simulated devices on the
//   host cannot see their contents; dmaFree returns the pages but cannot detach the buffer (the VM offers no
//   way to detach from JS).
// - engineVersion is the wasm build's QuickJS release (QUICKJS_WASM_VERSION), not the kernel's.
// - physical() always throws: device memory cannot be shared between the host and the VM.
// - memoryUsage() reports the wasm runtime's figures (heap used/limit, objects); rss and totalMemory are the sim's.
// Layer: test support (host only).

import type { QuickJSContext, QuickJSHandle } from "quickjs-emscripten-core";
import { getQuickJS, QUICKJS_WASM_VERSION } from "./quickjs_engine.ts";
import { appNameOf, bundleApp, imagePath } from "../../boot/image/bundle.ts";
import { resolveAppEntry, resolveAppRoot } from "../../boot/image/entry.ts";
import type { ImageConfig } from "../../libos/process/index.ts";
import { SimExit, SimPlatform, type SimOptions } from "./platform.ts";

export interface QuickJsRunOptions {
  /** Extra process.argv entries after argv[1] (as the image builder's --arg). */
  argv?: string[];
  /** process.env. */
  env?: Record<string, string>;
  /** JS heap limit, bytes (default 112 MiB, as an automatic limit on a 128 MiB image). */
  heapBytes?: number;
  /** Host wall-clock ms after which a run that has not exited is stopped (default 30 s). */
  timeoutMs?: number;
  /** Virtual ms each clock read takes (default 0.01). */
  clockReadStepMs?: number;
  /** The bundle is an ES module (bundleApp's `module`): evaluate it as one. */
  module?: boolean;
  /** Other simulated-machine settings (seed, epochMs, totalMemory, ...). */
  sim?: Omit<SimOptions, "config" | "lineMap" | "runJobs" | "takeRejections" | "memoryUsage" | "clockReadStepMs">;
}

export interface QuickJsRunResult {
  /** Everything the app wrote to the console. */
  output: string;
  /** The exit code, as the machine would report it. */
  code: number;
  /** The simulated machine after the run (halts, virtual time, ...). */
  sim: SimPlatform;
}

/** The VM side of `hal`: gives the host primitives the shapes of kernel/platform.ts. Evaluated as an expression. */
const HAL_SHIM = `(function (h) {
  "use strict";
  var json = function (f) { return function () { return JSON.parse(f.apply(null, arguments)); }; };
  var dmaAddress = new WeakMap();
  var hal = {
    engineVersion: ${JSON.stringify(QUICKJS_WASM_VERSION)},
    write: function (text) { h.write(String(text)); },
    exit: function (code) { h.exit(code); throw new Error("unreachable: hal.exit returned"); },
    runJobs: h.runJobs,
    takeRejections: function () { return []; },
    config: h.config, cmdline: h.cmdline, lineMap: h.lineMap,
    memoryUsage: json(h.memoryUsage),
    now: h.now, wallClock: h.wallClock, monotonicNs: h.monotonicNs, tsc: h.tsc, tscHz: h.tscHz,
    rtcSeconds: h.rtcSeconds,
    timerArm: h.timerArm, timerCancel: h.timerCancel, halt: h.halt, pollInterrupts: h.pollInterrupts,
    takeInterrupts: json(h.takeInterrupts),
    irqRoute: function (gsi, level, low) { return h.irqRoute(gsi, !!level, !!low); },
    irqAck: h.irqAck,
    irqMask: function (vector, masked) { h.irqMask(vector, !!masked); },
    msiAllocate: json(h.msiAllocate), interruptStats: json(h.interruptStats),
    inb: h.inb, inw: h.inw, inl: h.inl, outb: h.outb, outw: h.outw, outl: h.outl,
    dmaAlloc: function (size) {
      var address = h.dmaAlloc(size);
      var buffer = new ArrayBuffer(Math.floor(size));
      dmaAddress.set(buffer, address);
      return { buffer: buffer, address: address };
    },
    dmaFree: function (buffer) {
      var address = dmaAddress.get(buffer);
      if (address !== undefined) { dmaAddress.delete(buffer); h.dmaFree(address); }
    },
    physical: h.physical,
    entropy: function (into) {
      var bytes = JSON.parse(h.entropy(into.length));
      for (var i = 0; i < bytes.length; i++) into[i] = bytes[i];
      return bytes.length;
    }
  };
  globalThis.hal = hal;
})`;

/** Makes an error inside the VM of the same class as a host error (RangeError stays RangeError). */
const MAKE_ERROR = `(function (name, message) {
  var C = { RangeError: RangeError, TypeError: TypeError, SyntaxError: SyntaxError }[name] || Error;
  var e = new C(message);
  if (C === Error && name !== "Error") e.name = name;
  return e;
})`;

/** A VM exception to rethrow as is (a failed promise job). */
class VmThrow {
  constructor(readonly handle: QuickJSHandle) {}
}

type HostValue = number | string | boolean | undefined | void | VmThrow;

function toHandle(vm: QuickJSContext, v: HostValue): QuickJSHandle {
  if (typeof v === "number") return vm.newNumber(v);
  if (typeof v === "string") return vm.newString(v);
  if (typeof v === "boolean") return v ? vm.true : vm.false;
  return vm.undefined;
}

/** Builds `app` (a file or folder) as for an image and runs it in QuickJS-wasm. Resolves when the app exits. */
export async function runInQuickJs(appPath: string, options: QuickJsRunOptions = {}): Promise<QuickJsRunResult> {
  const entry = resolveAppEntry(appPath);
  const name = appNameOf(entry);
  const appRoot = resolveAppRoot(appPath, entry);
  const bundle = await bundleApp(entry, name, { appRoot });
  const config: ImageConfig = {
    argv: ["/unijs", imagePath(entry, appRoot), ...(options.argv ?? [])],
    env: options.env ?? {},
    name,
    bundle: bundle.bundleName,
    esm: bundle.esm,
  };
  return runBundleInQuickJs(bundle.code, bundle.bundleName, JSON.stringify(config), JSON.stringify(bundle.lineMap),
    { ...options, module: bundle.module });
}

/** Runs an already built bundle (its code, file name, config and line map JSON) in QuickJS-wasm. */
export async function runBundleInQuickJs(code: string, bundleName: string, config: string, lineMap: string,
                                         options: QuickJsRunOptions = {}): Promise<QuickJsRunResult> {
  const QuickJS = await getQuickJS();
  const runtime = QuickJS.newRuntime();
  const heapLimit = options.heapBytes ?? 112 * 1024 * 1024;
  runtime.setMemoryLimit(heapLimit);
  const vm = runtime.newContext();
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let exited = false;
  let timedOut = false;
  runtime.setInterruptHandler(() => {
    if (!timedOut && Date.now() > deadline) timedOut = true;
    return exited || timedOut;
  });

  const sim = new SimPlatform({
    ...options.sim,
    config,
    lineMap,
    clockReadStepMs: options.clockReadStepMs ?? 0.01,
    memoryUsage: () => {
      const usage = runtime.computeMemoryUsage();
      const mu = vm.dump(usage) as { malloc_size: number; malloc_limit: number; obj_count: number };
      usage.dispose();
      const total = options.sim?.totalMemory ?? 128 * 1024 * 1024;
      return { heapUsed: mu.malloc_size, heapLimit: heapLimit, objects: mu.obj_count, rss: mu.malloc_size, totalMemory: total };
    },
  });
  const dmaByAddress = new Map<number, ArrayBuffer>();

  const host: Record<string, (...args: unknown[]) => HostValue> = {
    write: (t) => sim.write(String(t)),
    exit: (c) => sim.exit(Number(c)),
    runJobs: () => {
      const r = runtime.executePendingJobs();
      if (r.error) return new VmThrow(r.error);
      return r.value;
    },
    config: () => sim.config(),
    cmdline: () => sim.cmdline(),
    lineMap: () => sim.lineMap(),
    memoryUsage: () => JSON.stringify(sim.memoryUsage()),
    now: () => sim.now(),
    wallClock: () => sim.wallClock(),
    monotonicNs: () => sim.monotonicNs(),
    tsc: () => sim.tsc(),
    tscHz: () => sim.tscHz(),
    rtcSeconds: () => sim.rtcSeconds(),
    timerArm: (d) => sim.timerArm(Number(d)),
    timerCancel: () => sim.timerCancel(),
    halt: () => sim.halt(),
    pollInterrupts: () => sim.pollInterrupts(),
    takeInterrupts: () => JSON.stringify(sim.takeInterrupts()),
    irqRoute: (g, l, a) => sim.irqRoute(Number(g), l === true, a === true),
    irqAck: (v) => sim.irqAck(Number(v)),
    irqMask: (v, m) => sim.irqMask(Number(v), m === true),
    msiAllocate: () => JSON.stringify(sim.msiAllocate()),
    interruptStats: () => JSON.stringify(sim.interruptStats()),
    inb: (p) => sim.inb(Number(p)),
    inw: (p) => sim.inw(Number(p)),
    inl: (p) => sim.inl(Number(p)),
    outb: (p, v) => sim.outb(Number(p), Number(v)),
    outw: (p, v) => sim.outw(Number(p), Number(v)),
    outl: (p, v) => sim.outl(Number(p), Number(v)),
    dmaAlloc: (size) => {
      const r = sim.dmaAlloc(Number(size));
      dmaByAddress.set(r.address, r.buffer);
      return r.address;
    },
    dmaFree: (address) => {
      const buffer = dmaByAddress.get(Number(address));
      dmaByAddress.delete(Number(address));
      if (buffer) sim.dmaFree(buffer);
    },
    physical: (a, n) => {
      sim.physical(Number(a), Number(n)); // the sim's own errors first (RAM, no device)
      throw new RangeError("physical(): device memory cannot be shared with the QuickJS-wasm runner");
    },
    entropy: (n) => {
      const b = new Uint8Array(Number(n));
      const filled = sim.entropy(b);
      return JSON.stringify([...b.subarray(0, filled)]);
    },
  };

  const handles: QuickJSHandle[] = [];
  try {
    const makeError = vm.unwrapResult(vm.evalCode(MAKE_ERROR, "unijs-sim-error.js"));
    handles.push(makeError);
    const vmError = (e: unknown): QuickJSHandle => {
      const err = e instanceof Error ? e : new Error(String(e));
      const n = vm.newString(err.name), m = vm.newString(err.message);
      try {
        return vm.unwrapResult(vm.callFunction(makeError, vm.undefined, n, m));
      } finally {
        n.dispose();
        m.dispose();
      }
    };

    const hostObject = vm.newObject();
    handles.push(hostObject);
    for (const [fname, impl] of Object.entries(host)) {
      const f = vm.newFunction(fname, (...args: QuickJSHandle[]) => {
        try {
          const v = impl(...args.map((a) => vm.dump(a) as unknown));
          if (v instanceof VmThrow) return { error: v.handle };
          return toHandle(vm, v);
        } catch (e) {
          if (e instanceof SimExit) exited = true;
          return { error: vmError(e) };
        }
      });
      vm.setProp(hostObject, fname, f);
      f.dispose();
    }
    const install = vm.unwrapResult(vm.evalCode(HAL_SHIM, "unijs-sim-hal.js"));
    handles.push(install);
    vm.unwrapResult(vm.callFunction(install, vm.undefined, hostObject)).dispose();

    const result = vm.evalCode(code, bundleName, { type: options.module ? "module" : "global" });
    let failure: unknown;
    if (result.error) {
      failure = vm.dump(result.error);
      result.error.dispose();
    } else {
      result.value.dispose();
    }
    if (sim.exitCode === undefined) {
      const why = timedOut ? `it was still running after ${options.timeoutMs ?? 30_000} ms of host time`
        : `evaluation ended with ${describeVmValue(failure)}`;
      throw new Error(`the app did not exit: ${why}\n--- console output so far ---\n${sim.output}`);
    }
    return { output: sim.output, code: sim.exitCode, sim };
  } finally {
    for (const h of handles) h.dispose();
    vm.dispose();
    runtime.dispose();
  }
}

function describeVmValue(v: unknown): string {
  if (v && typeof v === "object") {
    const e = v as { name?: string; message?: string; stack?: string };
    if (typeof e.message === "string") return `${e.name ?? "Error"}: ${e.message}${e.stack ? "\n" + e.stack : ""}`;
  }
  return v === undefined ? "no exception (runMain returned)" : JSON.stringify(v);
}
