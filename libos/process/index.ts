// libos/process/index.ts — the global `process`: argv and env baked into the image at build time, exit and
// exitCode, platform facts, stdout/stderr writers, memory and time queries.
// Layer: libos. Depends on kernel/platform.ts. The event-loop parts (nextTick, events) arrive with the scheduler.

import { platform } from "../../kernel/platform.ts";

/** The image configuration the builder writes (boot/image/build.ts). */
export interface ImageConfig {
  /** argv[0] and argv[1] as Node shows them ("/unijs", "/app/<name>"), then the --arg values. */
  argv: string[];
  env: Record<string, string>;
  /** The app's name (its folder or entry file name). */
  name: string;
  /** The file name the bytecode records for the bundle (unmapped stack frames show it). */
  bundle: string;
}

/** The unijs version reported in process.versions.unijs. */
export const UNIJS_VERSION = "0.1.0";

/** A writable with just enough of Node's stream surface for output: write(chunk) → true. */
function outputStream(fd: 1 | 2) {
  return {
    fd,
    isTTY: false,
    writable: true,
    write(chunk: unknown, encoding?: unknown, cb?: unknown): boolean {
      const text = typeof chunk === "string" ? chunk
        : chunk instanceof Uint8Array ? decodeUtf8(chunk) : String(chunk);
      platform().write(text);
      const done = typeof encoding === "function" ? encoding : cb;
      if (typeof done === "function") (done as () => void)();
      return true;
    },
  };
}

/** UTF-8 decoding (TextDecoder is not in the engine). Invalid sequences become U+FFFD. */
export function decodeUtf8(b: Uint8Array): string {
  let out = "";
  for (let i = 0; i < b.length;) {
    const c = b[i++];
    let cp = 0xfffd;
    if (c < 0x80) cp = c;
    else if (c >= 0xc2 && c < 0xe0 && i < b.length && (b[i] & 0xc0) === 0x80) cp = ((c & 0x1f) << 6) | (b[i++] & 0x3f);
    else if (c >= 0xe0 && c < 0xf0 && i + 1 < b.length && (b[i] & 0xc0) === 0x80 && (b[i + 1] & 0xc0) === 0x80) {
      cp = ((c & 0x0f) << 12) | ((b[i] & 0x3f) << 6) | (b[i + 1] & 0x3f);
      i += 2;
      if (cp < 0x800 || (cp >= 0xd800 && cp < 0xe000)) cp = 0xfffd;
    } else if (c >= 0xf0 && c < 0xf5 && i + 2 < b.length && (b[i] & 0xc0) === 0x80 && (b[i + 1] & 0xc0) === 0x80 &&
               (b[i + 2] & 0xc0) === 0x80) {
      cp = ((c & 0x07) << 18) | ((b[i] & 0x3f) << 12) | ((b[i + 1] & 0x3f) << 6) | (b[i + 2] & 0x3f);
      i += 3;
      if (cp < 0x10000 || cp > 0x10ffff) cp = 0xfffd;
    }
    out += String.fromCodePoint(cp);
  }
  return out;
}

export type Process = ReturnType<typeof createProcess>;

/** Builds the process object. `exit` runs when the app calls process.exit (the runtime decides what that does). */
export function createProcess(config: ImageConfig, exit: (code: number) => never) {
  const hal = platform();
  const proc = {
    title: "unijs",
    argv: config.argv.slice(),
    argv0: "unijs",
    execArgv: [] as string[],
    execPath: "/unijs",
    env: { ...config.env } as Record<string, string | undefined>,
    /** Node-compatible: "linux" (the libc, path and errno conventions inside are Linux's); see README. */
    platform: "linux" as const,
    arch: "x64" as const,
    version: "v20.0.0",
    versions: { node: "20.0.0", unijs: UNIJS_VERSION, quickjs: "2021-03-27" } as Record<string, string>,
    release: { name: "unijs" },
    pid: 1,
    ppid: 0,
    exitCode: undefined as number | undefined,
    stdout: outputStream(1),
    stderr: outputStream(2),
    cwd: () => "/",
    exit(code?: number): never {
      return exit(code ?? proc.exitCode ?? 0);
    },
    /** Seconds since the machine booted (the process is the machine). */
    uptime: () => hal.now() / 1000,
    memoryUsage() {
      const m = hal.memoryUsage();
      return { rss: m.rss, heapTotal: m.heapLimit, heapUsed: m.heapUsed, external: 0, arrayBuffers: 0 };
    },
  };
  return proc;
}
