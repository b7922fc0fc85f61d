// libos/tty/serial_stream.ts — a Readable over the serial console's input (serial_input.ts): process.stdin, and
// the base of tty.ReadStream. As Node's stdin over a pipe: nothing is read and the event loop is not kept alive
// until the app reads ('data', 'readable', resume(), read(), pipe(), a readline interface); pause() stops reading
// and lets the loop end; setEncoding gives strings. A serial line has no end of file: an EOT byte (Ctrl-D, 0x04) ends
// the stream, as Ctrl-D does on a terminal (the launcher's Guest.endInput sends one); the bytes before it in the
// same chunk are delivered first. No other byte is translated (no echo, no line editing, CR stays CR).
// Layer: libos. Depends on kernel/event_loop, libos/stream, serial_input.ts.
import { IoHandle, loop } from "../../kernel/event_loop.ts";
import { Readable } from "../stream/index.ts";
import { startSerialInput, stopSerialInput } from "./serial_input.ts";

const EOT = 0x04;

export class SerialReadable extends Readable {
  readonly fd: number;
  private handle: IoHandle | null = null;
  private ended = false;
  private readonly onBytes = (bytes: Uint8Array): void => this.received(bytes);

  constructor(fd = 0, options?: ConstructorParameters<typeof Readable>[0]) {
    super({ highWaterMark: 64 * 1024, ...options });
    this.fd = fd;
  }

  /** Starts reading: the serial interrupt on, the loop kept alive while it is on. */
  private startReading(): void {
    if (this.ended || this.destroyed) return;
    if (!this.handle) this.handle = new IoHandle(loop());
    startSerialInput(this.onBytes);
  }

  private stopReading(): void {
    stopSerialInput(this.onBytes);
    this.handle?.close();
    this.handle = null;
  }

  private received(bytes: Uint8Array): void {
    const eot = bytes.indexOf(EOT);
    const data = eot >= 0 ? bytes.subarray(0, eot) : bytes;
    let more = true;
    if (data.length > 0) more = this.push(Uint8Array.prototype.slice.call(data));
    if (eot >= 0) {
      this.ended = true;
      this.stopReading();
      this.push(null);
    } else if (!more) {
      this.stopReading();                           // the consumer is behind: let the UART hold the rest
    }
  }

  override _read(): void {
    this.startReading();
  }

  override pause(): this {
    super.pause();
    this.stopReading();
    return this;
  }

  override resume(): this {
    super.resume();
    if (!this.ended) this.startReading();
    return this;
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    this.ended = true;
    this.stopReading();
    cb(err);
  }
}
