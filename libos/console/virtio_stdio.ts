// libos/console/virtio_stdio.ts — stdout and stderr over virtio-console (drivers/virtio/console): the ports named
// org.unijs.stdout and org.unijs.stderr (boot/launch/qemu.ts, consoleArgs) carry fd 1 and fd 2, so the host
// receives them apart and fast; the UART keeps kernel messages and panics, and
// carries a stream whose port is missing (no device: an old launcher, `--console uart`). The device is opened at
// the first write. Like a pipe that fills, a stream holding more than 1 MiB the device has not taken blocks the
// writer until the device catches up; below that, write() returns false past 16 KiB and 'drain' follows. The
// machine does not stop before everything written reached the device (a shutdown hook flushes).
// Layer: libos. Depends on drivers/virtio/console, kernel, libos/console/stdio.ts.

import { openVirtioConsole } from "../../drivers/virtio/console/index.ts";
import type { ConsoleDevice } from "../../kernel/devices.ts";
import { loop } from "../../kernel/event_loop.ts";
import { platformOrNull } from "../../kernel/platform.ts";
import { onShutdown } from "../../kernel/shutdown.ts";
import { utf8Encode } from "../util/utf8.ts";
import { setStdioSink, stdioDrained, type StdioSink } from "./stdio.ts";

/** Node's default highWaterMark for a writable stream: write() returns false beyond it. */
const HIGH_WATER = 16 * 1024;
/** Beyond this many waiting bytes a write blocks until the device has taken all but HIGH_WATER of them. */
const BLOCK_AT = 1024 * 1024;
/** The port names of fd 1 and fd 2. */
const NAMES = ["org.unijs.stdout", "org.unijs.stderr"];

class VirtioStdio implements StdioSink {
  private con: ConsoleDevice | null | undefined;
  /** Port of fd 1 and fd 2 (-1: none, the UART carries the stream). */
  private readonly portOf = [-1, -1, -1];
  private readonly waiting = new Map<number, (() => void)[]>();

  private open(): ConsoleDevice | null {
    if (this.con !== undefined) return this.con;
    try {
      this.con = openVirtioConsole({ expect: NAMES });
    } catch {
      return (this.con = null);                        // no console device: the UART carries both streams
    }
    const con = this.con;
    NAMES.forEach((name, i) => { this.portOf[i + 1] = con.portNamed(name) ?? -1; });
    con.onDrain = (port) => loop().nextTick(() => {   // never inside the write() that caused it, as in Node
      const callbacks = this.waiting.get(port) ?? [];
      this.waiting.delete(port);
      const fd = this.portOf.indexOf(port);
      if (fd > 0) stdioDrained(fd as 1 | 2);          // 'drain' first, then the write callbacks (Node's afterWrite)
      for (const cb of callbacks) cb();
    });
    onShutdown("console", () => {
      try {
        con.flush();
      } catch (e) {
        platformOrNull()?.write(`[unijs] console output was lost at exit: ${(e as Error).message}\n`);
      }
    });
    return con;
  }

  write(fd: 1 | 2, chunk: string | Uint8Array, done?: () => void): boolean | null {
    const con = this.open();
    const port = this.portOf[fd];
    if (!con || !con.usable(port)) return null;
    let pending = typeof chunk === "string" ? con.write(port, utf8Encode(chunk), true) : con.write(port, chunk);
    if (pending > BLOCK_AT) {
      try {
        con.waitFor(HIGH_WATER, port);
      } catch {
        // The host stopped reading for 30 s: keep the bytes in memory and let the writer go on.
      }
      pending = con.pendingBytes(port);
    }
    if (done) {
      if (pending === 0) loop().nextTick(done);
      else this.waiting.set(port, [...(this.waiting.get(port) ?? []), done]);
    }
    return pending < HIGH_WATER;
  }
}

/** Routes stdout/stderr through virtio-console from now on (the image builder calls this before the app runs). */
export function install(): void {
  setStdioSink(new VirtioStdio());
}
