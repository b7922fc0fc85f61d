// libos/console/virtio_stdio.ts — stdout and stderr over virtio-console (drivers/virtio/console): port 0 carries
// fd 1, port 1 fd 2, so the host receives them apart and fast; the UART keeps kernel messages and panics, and
// carries a stream whose port is missing (no device: an old launcher, `--console uart`). The device is opened at
// the first write. Like a pipe that fills, a stream holding more than 1 MiB the device has not taken blocks the
// writer until the device catches up; below that, write() returns false past 16 KiB and 'drain' follows. The
// machine does not stop before everything written reached the device (a shutdown hook flushes).
// Layer: libos. Depends on drivers/virtio/console, kernel, libos/console/stdio.ts.

import { openVirtioConsole, type VirtioConsole } from "../../drivers/virtio/console/index.ts";
import { loop } from "../../kernel/event_loop.ts";
import { platformOrNull } from "../../kernel/platform.ts";
import { onShutdown } from "../../kernel/shutdown.ts";
import { utf8Encode } from "../util/utf8.ts";
import { setStdioSink, stdioDrained, type StdioSink } from "./stdio.ts";

/** Node's default highWaterMark for a writable stream: write() returns false beyond it. */
const HIGH_WATER = 16 * 1024;
/** Beyond this many waiting bytes a write blocks until the device has taken all but HIGH_WATER of them. */
const BLOCK_AT = 1024 * 1024;

class VirtioStdio implements StdioSink {
  private con: VirtioConsole | null | undefined;
  private readonly waiting: [(() => void)[], (() => void)[]] = [[], []];

  private open(): VirtioConsole | null {
    if (this.con !== undefined) return this.con;
    try {
      this.con = openVirtioConsole();
    } catch {
      return (this.con = null);                        // no console device: the UART carries both streams
    }
    const con = this.con;
    con.onDrain = (port) => loop().nextTick(() => {   // never inside the write() that caused it, as in Node
      for (const cb of this.waiting[port].splice(0)) cb();
      stdioDrained((port + 1) as 1 | 2);
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
    const port = fd - 1;
    if (!con || !con.usable(port)) return null;
    let pending = con.write(port, typeof chunk === "string" ? utf8Encode(chunk) : chunk);
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
      else this.waiting[port].push(done);
    }
    return pending < HIGH_WATER;
  }
}

/** Routes stdout/stderr through virtio-console from now on (the image builder calls this before the app runs). */
export function install(): void {
  setStdioSink(new VirtioStdio());
}
