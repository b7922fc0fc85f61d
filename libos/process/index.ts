// libos/process/index.ts — the global `process`: an EventEmitter with argv/env baked in at image build, exit
// and exitCode, nextTick, hrtime, uptime, memoryUsage, emitWarning, platform facts and stdout/stderr writers.
// What only some apps use is added to Process.prototype by modules the image builder includes when the app's code
// names them (boot/image/globals.ts): cpuUsage/resourceUsage (usage.ts), stdin (stdin.ts), kill and the signal
// events (signals.ts). Layer: libos. Depends on kernel (platform, event loop) and libos/events.

import { loop } from "../../kernel/event_loop.ts";
import { platform, platformOrNull } from "../../kernel/platform.ts";
import { EventEmitter } from "../events/index.ts";
import { onStdioDrain, stdioWrite } from "../console/stdio.ts";
import { emitWarning, printWarning } from "./warning.ts";
import type { ImageConfig } from "../runtime/config.ts";

export type { ImageConfig } from "../runtime/config.ts";

/** How process.cwd()/chdir() reach the file system: node:fs installs these when an image uses it (the VFS keeps
 *  the working directory, libos/fs/system.ts). */
export interface CwdHooks {
  cwd(): string;
  chdir(directory: unknown): void;
  /** process.umask([mask]): returns the old mask (Linux's default 0o022 until changed). */
  umask(mask?: number): number;
}
let cwdHooks: CwdHooks | undefined;

/** Installs (or, with undefined, removes) the file system's cwd/chdir. */
export function setCwdHooks(hooks: CwdHooks | undefined): void {
  cwdHooks = hooks;
}

/** The working directory of an image: the app's own directory (its files are there), until chdir. */
export const INITIAL_CWD = "/app";

/** The unijs version reported in process.versions.unijs. */
export const UNIJS_VERSION = "0.1.0";

/** A writable with enough of Node's stream surface for output: write(chunk[, encoding][, cb]) → whether to go on
 *  ('drain' follows a false), through libos/console/stdio.ts (the UART, or a virtio-console port per stream). No
 *  isTTY: the console is not a terminal (libos/tty), and Node leaves isTTY undefined for a pipe or file. */
class OutputStream extends EventEmitter {
  readonly writable = true;
  private needDrain = false;
  constructor(readonly fd: 1 | 2) {
    super();
    onStdioDrain((fd) => {
      if (fd === this.fd && this.needDrain) { this.needDrain = false; this.emit("drain"); }
    });
  }
  write(chunk: unknown, encoding?: unknown, cb?: unknown): boolean {
    const data = typeof chunk === "string" || chunk instanceof Uint8Array ? chunk : String(chunk);
    const done = typeof encoding === "function" ? encoding : cb;
    const ok = stdioWrite(this.fd, data, typeof done === "function" ? done as () => void : undefined);
    if (!ok) this.needDrain = true;
    return ok;
  }
  end(chunk?: unknown): this {
    if (chunk !== undefined && chunk !== null) this.write(chunk);
    return this;
  }
}

const NS_PER_SEC = 1e9;

function hrtime(prev?: [number, number]): [number, number] {
  const ns = platform().monotonicNs();
  let s = Math.floor(ns / NS_PER_SEC);
  let n = Math.round(ns - s * NS_PER_SEC);
  if (prev) {
    s -= prev[0];
    n -= prev[1];
    if (n < 0) { s--; n += NS_PER_SEC; }
  }
  return [s, n];
}
hrtime.bigint = (): bigint => BigInt(Math.round(platform().monotonicNs()));

/** The process object's own surface (beyond EventEmitter). */
export class Process extends EventEmitter {
  title = "unijs";
  argv: string[];
  argv0 = "unijs";
  execArgv: string[] = [];
  execPath = "/unijs";
  env: Record<string, string | undefined>;
  /** "linux": the conventions inside (musl, POSIX paths, errno names) are Linux's; see README. */
  readonly platform = "linux" as const;
  readonly arch = "x64" as const;
  readonly version = "v20.0.0";
  readonly versions: Record<string, string> = {
    node: "20.0.0", unijs: UNIJS_VERSION, quickjs: platformOrNull()?.engineVersion ?? "unknown",
  };
  readonly release = { name: "unijs" };
  readonly pid = 1;
  readonly ppid = 0;
  readonly stdout = new OutputStream(1);
  readonly stderr = new OutputStream(2);
  readonly hrtime = hrtime;
  exitCode: number | undefined = undefined;
  /** True once 'exit' is being emitted. */
  _exiting = false;

  /** `config`: the image's configuration (libos/runtime/config.ts); argv and env are copies the app may change. */
  constructor(config: Readonly<ImageConfig>, private readonly halt: (code: number) => never) {
    super();
    this.argv = config.argv.slice();
    this.env = { ...config.env };
    // Node's own property: Object.prototype.toString.call(process) is "[object process]", by which packages tell
    // Node from a browser (axios picks its http adapter, not fetch, only then).
    Object.defineProperty(this, Symbol.toStringTag, { value: "process", writable: true, enumerable: false, configurable: false });
    this.on("warning", printWarning);                // Node's default listener (apps may remove it)
    for (const setup of Process.setups) setup(this);
  }

  /** Run on the process once it exists, by the optional parts that were installed before it (signals.ts). */
  static readonly setups: ((proc: Process) => void)[] = [];

  /** Without a file system in the image (no node:fs import) the working directory is only a path. */
  private cwdPath = INITIAL_CWD;

  cwd(): string {
    return cwdHooks ? cwdHooks.cwd() : this.cwdPath;
  }

  /** The file-creation mask; without a file system in the image only a number (Linux's default 0o022). */
  private mask = 0o022;

  umask(mask?: unknown): number {
    if (mask !== undefined && !(typeof mask === "number" || typeof mask === "string")) {
      const err = new TypeError(`The "mask" argument must be of type number or string. Received ${mask === null ? "null" : typeof mask}`);
      (err as { code?: string }).code = "ERR_INVALID_ARG_TYPE";
      throw err;
    }
    const m = typeof mask === "string" ? parseInt(mask, 8) : mask;
    if (m !== undefined && !(Number.isInteger(m) && m >= 0 && m <= 0xffffffff)) {
      const err = new RangeError(`The value of "mask" is out of range. It must be >= 0 && <= 4294967295. Received ${m}`);
      (err as { code?: string }).code = "ERR_OUT_OF_RANGE";
      throw err;
    }
    if (cwdHooks) return cwdHooks.umask(m === undefined ? undefined : m & 0o777);
    const old = this.mask;
    if (m !== undefined) this.mask = m & 0o777;
    return old;
  }

  chdir(directory: string): void {
    if (cwdHooks) return cwdHooks.chdir(directory);
    if (typeof directory !== "string") {
      const err = new TypeError(`The "directory" argument must be of type string. Received ${directory === null ? "null" : typeof directory}`);
      (err as { code?: string }).code = "ERR_INVALID_ARG_TYPE";
      throw err;
    }
    const parts = (directory.startsWith("/") ? [] : this.cwdPath.split("/")).concat(directory.split("/"));
    const out: string[] = [];
    for (const p of parts) {
      if (p === "..") out.pop();
      else if (p && p !== ".") out.push(p);
    }
    this.cwdPath = "/" + out.join("/");
  }

  nextTick(callback: (...args: unknown[]) => void, ...args: unknown[]): void {
    if (typeof callback !== "function") {
      const err = new TypeError(`The "callback" argument must be of type function. Received ${typeof callback}`);
      (err as { code?: string }).code = "ERR_INVALID_ARG_TYPE";
      throw err;
    }
    loop().nextTick(callback, args.length ? args : undefined);
  }

  /** Emits 'exit' (once) with the code, then stops the machine. Never returns. */
  exit(code?: number): never {
    if (code !== undefined) this.exitCode = code;
    if (!this._exiting) {
      this._exiting = true;
      this.emit("exit", this.exitCode ?? 0);
    }
    return this.halt(this.exitCode ?? 0);
  }

  /** Stops the machine with `code` without emitting 'exit' (Node's process.reallyExit; a fatal signal uses it). */
  reallyExit(code: number): never {
    return this.halt(code);
  }

  /** Seconds since the machine booted (the process is the machine). */
  uptime(): number {
    return platform().now() / 1000;
  }

  /** Node's shape: heapTotal is the JS heap limit, rss the pages the whole image uses; external and arrayBuffers
   *  are 0 (the engine does not account memory outside its heap separately). */
  readonly memoryUsage = Object.assign(
    (): { rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number } => {
      const m = platform().memoryUsage();
      return { rss: m.rss, heapTotal: m.heapLimit, heapUsed: m.heapUsed, external: 0, arrayBuffers: 0 };
    },
    { rss: (): number => platform().memoryUsage().rss },
  );

  /** Node's process.emitWarning (libos/process/warning.ts): 'warning' on the next tick; the default listener
   *  prints "(node:1) [code] Type: message" on stderr. Images whose code names emitWarning get Node's argument
   *  forms and checks too (warning_args.ts). */
  emitWarning(warning: string | Error, type?: string, code?: string): void {
    emitWarning(this, warning, type, code);
  }
}
