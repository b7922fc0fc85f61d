// The optional parts of `process` and their drivers on the simulated platform: process.kill and signal delivery,
// the ACPI power button (PIIX4's PM1 block behind a simulated PCI config space; microvm's Generic Event Device as
// MMIO), the UART receive path and the stdin Readable over it, cpuUsage's idle accounting, and the emitWarning core.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EventLoop, setLoop } from "../../../kernel/event_loop.ts";
import { setPlatform } from "../../../kernel/platform.ts";
import { CpuClock, cpuUsageOf, resourceUsageOf } from "../../../libos/process/usage.ts";
import { watchPowerButton } from "../../../libos/process/power_button.ts";
import { deliverSignal, kill, powerButtonSignal, SIGNALS, type SignalProcess } from "../../../libos/process/signals.ts";
import { emitWarning, printWarning, type WarningProcess } from "../../../libos/process/warning.ts";
import { startSerialInput, stopSerialInput } from "../../../libos/tty/serial_input.ts";
import { setTimeout } from "../../../libos/timers/index.ts";
import { SerialReadable } from "../../../libos/tty/serial_stream.ts";
import { SimPlatform } from "../../sim/platform.ts";

let sim: SimPlatform;
let ev: EventLoop;

beforeEach(() => {
  sim = new SimPlatform();
  setPlatform(sim);
  ev = new EventLoop(sim);
  setLoop(ev);
});
afterEach(() => setLoop(undefined));

class Exited extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** A process with listeners, recording emits and stopping with Exited. */
function fakeProcess() {
  const listeners = new Map<string, number>();
  const emitted: unknown[][] = [];
  const proc: SignalProcess & { listen(name: string, n?: number): void; emitted: unknown[][] } = {
    pid: 1,
    emitted,
    listen(name: string, n = 1) { listeners.set(name, n); },
    listenerCount: (name) => listeners.get(name) ?? 0,
    emit: (name, ...args) => { emitted.push([name, ...args]); return true; },
    reallyExit: (code) => { throw new Exited(code); },
  };
  return proc;
}

const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return "returned";
  } catch (e) {
    return e instanceof Exited ? e.code : (e as { code?: string }).code;
  }
};

describe("process.kill and signal delivery", () => {
  it("checks pid and signal as Node: ESRCH for other pids, EINVAL beyond 64, ERR_UNKNOWN_SIGNAL, signal 0 probes", () => {
    const p = fakeProcess();
    expect(kill(p, 1, 0)).toBe(true);
    expect(kill(p, 0, 0)).toBe(true);
    expect(kill(p, -1, 0)).toBe(true);
    expect(codeOf(() => kill(p, 2, 0))).toBe("ESRCH");
    expect(codeOf(() => kill(p, 1, 65))).toBe("EINVAL");
    expect(codeOf(() => kill(p, 1, "SIGFOO"))).toBe("ERR_UNKNOWN_SIGNAL");
    expect(codeOf(() => kill(p, "1" as unknown as number, 0))).toBe("returned");   // "1" == 1, as Node's check
    expect(codeOf(() => kill(p, "x"))).toBe("ERR_INVALID_ARG_TYPE");
    expect(codeOf(() => kill(p, 1.5))).toBe("ERR_INVALID_ARG_TYPE");
  });

  it("without a listener: the default action at once (128 + n), ignored signals do nothing", () => {
    const p = fakeProcess();
    expect(codeOf(() => kill(p, 1))).toBe(143);
    expect(codeOf(() => kill(p, 1, "SIGINT"))).toBe(130);
    expect(codeOf(() => kill(p, 1, "SIGKILL"))).toBe(137);
    expect(codeOf(() => kill(p, 1, 40))).toBe(168);
    for (const s of ["SIGCHLD", "SIGWINCH", "SIGURG", "SIGCONT", "SIGPIPE", "SIGTSTP"]) expect(codeOf(() => kill(p, 1, s))).toBe("returned");
  });

  it("with a listener: emitted later with (name, number), not keeping the loop alive; SIGKILL cannot be caught", () => {
    const p = fakeProcess();
    p.listen("SIGUSR1");
    p.listen("SIGKILL");
    kill(p, 1, "SIGUSR1");
    expect(p.emitted).toEqual([]);
    expect(ev.alive()).toBe(false);
    setTimeout(() => {}, 5);
    ev.run();
    expect(p.emitted).toEqual([["SIGUSR1", "SIGUSR1", 10]]);
    expect(codeOf(() => kill(p, 1, "SIGKILL"))).toBe(137);
  });

  it("the power button is SIGTERM; SIGINT for an app that only listens for that", () => {
    const p = fakeProcess();
    expect(powerButtonSignal(p)).toBe(SIGNALS.SIGTERM);
    p.listen("SIGINT");
    expect(powerButtonSignal(p)).toBe(SIGNALS.SIGINT);
    p.listen("SIGTERM");
    expect(powerButtonSignal(p)).toBe(SIGNALS.SIGTERM);
    deliverSignal(p, SIGNALS.SIGTERM);
    expect(p.emitted).toEqual([["SIGTERM", "SIGTERM", 15]]);
  });
});

/** Keeps the loop alive for one poll phase (interrupts raised before run() are taken there). */
const onePoll = () => setTimeout(() => {}, 1);

/** PCI configuration mechanism #1 over the simulated ports, with one function's registers. */
function pciFunction(sim: SimPlatform, bdf: { bus: number; device: number; fn: number }, regs: Map<number, number>) {
  let address = 0;
  sim.onPort(0xcf8, { write: (v) => { address = v; }, read: () => address });
  sim.onPort(0xcfc, {
    read: () => {
      const bus = (address >>> 16) & 0xff, dev = (address >>> 11) & 0x1f, fn = (address >>> 8) & 7;
      if (bus !== bdf.bus || dev !== bdf.device || fn !== bdf.fn) return 0xffffffff;
      return regs.get(address & 0xfc) ?? 0;
    },
    write: (v) => { regs.set(address & 0xfc, v >>> 0); },
  });
}

describe("ACPI power button", () => {
  it("pc (PIIX4): programs the PM base when firmware left it off, enables PWRBTN, and reports each press once", () => {
    const regs = new Map([[0, 0x71138086]]);
    pciFunction(sim, { bus: 0, device: 1, fn: 3 }, regs);
    let status = 0x100;                        // a press from before boot
    let enable = 0;
    sim.onPort(0x600, { read: () => status, write: (v) => { status &= ~v; } });
    sim.onPort(0x602, { read: () => enable, write: (v) => { enable = v; } });
    let presses = 0;
    expect(watchPowerButton(() => presses++)).toBe("piix4");
    expect(regs.get(0x40)).toBe(0x601);
    expect(regs.get(0x80)! & 1).toBe(1);
    expect(enable & 0x100).toBe(0x100);
    expect(status).toBe(0);                    // the old press was cleared, not reported
    const vector = sim.allocatedVectors()[0];
    sim.raiseInterrupt(vector);                // a shared SCI without our status bit
    onePoll();
    ev.run();
    expect(presses).toBe(0);
    status = 0x100;
    sim.raiseInterrupt(vector);
    onePoll();
    ev.run();
    expect(presses).toBe(1);
    expect(status).toBe(0);
    expect(sim.acks).toContain(vector);        // level-triggered: unmasked again after service
  });

  it("microvm: the Generic Event Device's power-down bit on GSI 9", () => {
    const esel = new DataView(new ArrayBuffer(4));
    sim.mapDevice(0xfea00000, { buffer: esel.buffer });
    let presses = 0;
    expect(watchPowerButton(() => presses++)).toBe("ged");
    const vector = sim.allocatedVectors()[0];
    esel.setUint32(0, 1, true);                // another event (memory hotplug): not ours
    sim.raiseInterrupt(vector);
    onePoll();
    ev.run();
    expect(presses).toBe(0);
    esel.setUint32(0, 2, true);
    sim.raiseInterrupt(vector);
    onePoll();
    ev.run();
    expect(presses).toBe(1);
  });

  it("a machine with neither finds none", () => {
    expect(watchPowerButton(() => {})).toBe(null);
  });
});

/** A 16550's receive side: bytes queued by the test, LSR bit 0 while any is left, IER recorded. */
function uart(sim: SimPlatform) {
  const rx: number[] = [];
  const ier: number[] = [];
  sim.onPort(0x3f8, { read: () => rx.shift() ?? 0 });
  sim.onPort(0x3fd, { read: () => (rx.length ? 0x61 : 0x60) });
  sim.onPort(0x3f9, { write: (v) => { ier.push(v); } });
  return { rx, ier, type: (text: string) => rx.push(...new TextEncoder().encode(text)) };
}

describe("serial input", () => {
  it("drains what waited before start, then each interrupt's bytes; stop turns the interrupt off", () => {
    const u = uart(sim);
    u.type("early");
    const got: string[] = [];
    const reader = (b: Uint8Array) => got.push(new TextDecoder().decode(b));
    startSerialInput(reader);
    expect(u.ier).toEqual([1]);
    ev.run();
    expect(got).toEqual(["early"]);
    const vector = sim.allocatedVectors()[0];
    u.type("more");
    sim.raiseInterrupt(vector);
    onePoll();
    ev.run();
    expect(got).toEqual(["early", "more"]);
    stopSerialInput(() => {});                 // not the current reader: ignored
    expect(u.ier).toEqual([1]);
    stopSerialInput(reader);
    expect(u.ier).toEqual([1, 0]);
  });

  it("stdin: nothing read and the loop free until a read; text with setEncoding; pause releases the loop; EOT ends", async () => {
    const u = uart(sim);
    const stdin = new SerialReadable(0);
    expect(ev.alive()).toBe(false);
    expect(u.ier).toEqual([]);
    stdin.setEncoding("utf8");
    expect(stdin.read()).toBe(null);           // starts reading
    expect(u.ier).toEqual([1]);
    expect(ev.alive()).toBe(true);
    u.type("héllo\n");
    setTimeout(() => stdin.pause(), 10);
    ev.run();                                  // ends: paused stdin keeps nothing alive
    expect(u.ier.at(-1)).toBe(0);
    expect(stdin.read()).toBe("héllo\n");
    let ended = false;
    stdin.on("end", () => { ended = true; });
    u.type("last\x04ignored");
    expect(stdin.read()).toBe(null);
    onePoll();
    ev.run();
    expect(stdin.read()).toBe("last");
    expect(stdin.read()).toBe(null);
    await new Promise((resolve) => globalThis.setTimeout(resolve, 20));   // the stream's own ticks (host Node's)
    expect(ended).toBe(true);
    expect(u.ier.at(-1)).toBe(0);
    expect(ev.alive()).toBe(false);
  });
});

describe("cpuUsage and resourceUsage", () => {
  it("count halted time as idle and the rest as user time, with Node's checks", () => {
    const clock = new CpuClock(sim).attach();
    sim.advance(10);                           // 10 ms busy
    setTimeout(() => sim.advance(5), 40);      // 40 ms halted, then 5 ms busy
    ev.run();
    expect(cpuUsageOf(clock)).toEqual({ user: 15000, system: 0 });
    expect(cpuUsageOf(clock, { user: 5000, system: 0 })).toEqual({ user: 10000, system: 0 });
    expect(codeOf(() => cpuUsageOf(clock, { user: -1, system: 0 }))).toBe("ERR_INVALID_ARG_VALUE");
    expect(codeOf(() => cpuUsageOf(clock, { user: 1, system: "x" }))).toBe("ERR_INVALID_ARG_TYPE");
    const r = resourceUsageOf(clock);
    expect(r.userCPUTime).toBe(15000);
    expect(r.voluntaryContextSwitches).toBeGreaterThan(0);
    expect(Object.keys(r)).toHaveLength(16);
  });
});

describe("emitWarning core", () => {
  function warningProcess(extra: Partial<WarningProcess> = {}) {
    const text: string[] = [];
    const ticks: (() => void)[] = [];
    const proc: WarningProcess = {
      pid: 1, argv0: "unijs",
      emit: (_e, w) => { printWarning.call(proc, w); return true; },
      nextTick: (fn) => { ticks.push(fn as () => void); },
      stderr: { write: (t: string) => text.push(t) },
      ...extra,
    };
    const flush = () => { for (const t of ticks.splice(0)) t(); };
    return { proc, text, flush };
  }

  it("prints Node's lines on the next tick: code, type, the trace hint once, DeprecationWarning flags", () => {
    const { proc, text, flush } = warningProcess();
    emitWarning(proc, "first");
    expect(text).toEqual([]);
    emitWarning(proc, "old api", "DeprecationWarning", "DEP0001");
    emitWarning(proc, new TypeError("as is"));
    flush();
    expect(text).toEqual([
      "(node:1) Warning: first\n(Use `unijs --trace-warnings ...` to show where the warning was created)\n",
      "(node:1) [DEP0001] DeprecationWarning: old api\n",
      "(node:1) TypeError: as is\n",
    ]);
    proc.noDeprecation = true;
    emitWarning(proc, "hidden", "DeprecationWarning");
    flush();
    expect(text).toHaveLength(3);
    proc.noDeprecation = false;
    proc.throwDeprecation = true;
    emitWarning(proc, "thrown", "DeprecationWarning");
    expect(() => flush()).toThrow("thrown");
  });
});
