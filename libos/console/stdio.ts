// libos/console/stdio.ts — where the app's stdout (fd 1) and stderr (fd 2) bytes go: the serial console (UART)
// by default, or a sink installed at start (libos/console/virtio_stdio.ts: a virtio-console port per stream).
// process.stdout/stderr, console.* and the uncaught-error report all write through stdioWrite, so one stream keeps
// its order whatever API wrote it. Layer: libos. Depends on kernel (platform, event loop) and libos/util/utf8.ts.

import { loop } from "../../kernel/event_loop.ts";
import { platform } from "../../kernel/platform.ts";
import { utf8Decode } from "../util/utf8.ts";

/** A place stdout/stderr can go instead of the UART. */
export interface StdioSink {
  /**
   * Takes `chunk` for `fd`; returns null when the sink does not carry that stream (the UART then does), else
   * whether the caller may keep writing (false: bytes are waiting in memory; `drained(fd)` follows). `done` runs
   * once the chunk was handed to the device.
   */
  write(fd: 1 | 2, chunk: string | Uint8Array, done?: () => void): boolean | null;
}

let sink: StdioSink | undefined;
const drainListeners: ((fd: 1 | 2) => void)[] = [];

/** Installs the sink (virtio_stdio.ts does, before the app runs). */
export function setStdioSink(s: StdioSink | undefined): void {
  sink = s;
}

/** Called by the sink when a stream's waiting bytes have all gone to the device. */
export function stdioDrained(fd: 1 | 2): void {
  for (const l of drainListeners) l(fd);
}

/** Registers a listener for stdioDrained (process.stdout/stderr emit 'drain' from it). */
export function onStdioDrain(listener: (fd: 1 | 2) => void): void {
  drainListeners.push(listener);
}

/** Writes to the app's stdout or stderr. Returns false when the caller should wait for 'drain' (see StdioSink). */
export function stdioWrite(fd: 1 | 2, chunk: string | Uint8Array, done?: () => void): boolean {
  const r = sink ? sink.write(fd, chunk, done) : null;
  if (r !== null) return r;
  platform().write(typeof chunk === "string" ? chunk : utf8Decode(chunk).text);
  if (done) loop().nextTick(done);
  return true;
}
