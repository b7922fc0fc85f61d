// libos/tty/serial_input.ts — the serial console's receive side: COM1, a 16550 UART at 0x3f8 (on every QEMU x86
// machine; `-serial stdio` connects it to QEMU's stdin). The native core sets the UART up for output with its
// interrupts off; reading turns on "received data available" (IER bit 0) and routes ISA IRQ 4 (edge-triggered),
// and each interrupt drains the receive FIFO (LSR bit 0: data ready). While nobody reads, the interrupt is off and
// the bytes wait in the UART's FIFO and, behind it, in QEMU (which stops reading its stdin when the FIFO is full):
// nothing is lost, and a paused reader gives flow control back to the host.
// One reader at a time: the latest to call start() receives the bytes.
// Layer: libos (a small device driver used by process.stdin and tty.ReadStream). Depends on kernel.
import { loop } from "../../kernel/event_loop.ts";
import { platform } from "../../kernel/platform.ts";

const COM1 = 0x3f8;
const IER = COM1 + 1;
const LSR = COM1 + 5;
const LSR_DATA_READY = 0x01;
const IER_RX = 0x01;
const IRQ = 4;
/** The most bytes taken per interrupt (the FIFO holds 16; QEMU refills it as we read). */
const MAX_BATCH = 4096;

export type SerialReader = (bytes: Uint8Array) => void;

let reader: SerialReader | null = null;
let routed = false;

/** Takes what the UART holds now and hands it to the reader. */
function drain(): void {
  const p = platform();
  const buf = new Uint8Array(MAX_BATCH);
  let n = 0;
  while (reader && n < MAX_BATCH && (p.inb(LSR) & LSR_DATA_READY)) buf[n++] = p.inb(COM1);
  if (n > 0 && reader) reader(buf.subarray(0, n));
  // A batch cut short by MAX_BATCH: the UART still signals data ready and will not raise a new edge for it.
  if (reader && n === MAX_BATCH) loop().queueCompletion(drain);
}

/** Starts delivering received bytes to `onBytes` (in the poll phase), replacing any earlier reader. */
export function startSerialInput(onBytes: SerialReader): void {
  const p = platform();
  reader = onBytes;
  if (!routed) {
    routed = true;
    const vector = p.irqRoute(IRQ, false, false);
    loop().onInterrupt(vector, drain);
  }
  p.outb(IER, IER_RX);
  loop().queueCompletion(drain);                     // bytes that were waiting before the interrupt was on
}

/** Stops delivering (the bytes stay in the UART and QEMU until start again). Only the current reader stops it. */
export function stopSerialInput(onBytes?: SerialReader): void {
  if (onBytes && reader !== onBytes) return;
  reader = null;
  platform().outb(IER, 0);
}
