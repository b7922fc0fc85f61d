// The simulated platform itself: the rules the kernel's tests rely on (virtual time, interrupt delivery, ports,
// DMA, device memory, entropy, exit), checked directly.
import { describe, expect, it } from "vitest";
import { SIM_SPURIOUS_VECTOR, SIM_TIMER_VECTOR, SimExit, SimPlatform } from "./platform.ts";

describe("SimPlatform: time", () => {
  it("only moves when halted or advanced, and every clock is a view of it", () => {
    const sim = new SimPlatform({ epochMs: 1_700_000_000_000, tscHz: 1_000_000_000 });
    expect(sim.now()).toBe(0);
    sim.advance(1.5);
    expect(sim.now()).toBe(1.5);
    expect(sim.monotonicNs()).toBe(1_500_000);
    expect(sim.tsc() / sim.tscHz()).toBeCloseTo(0.0015, 12);
    expect(sim.wallClock()).toBe(1_700_000_000_001.5);
    expect(sim.rtcSeconds()).toBe(1_700_000_000);
    expect(() => sim.advance(-1)).toThrow(RangeError);
  });

  it("halt() sleeps to the armed deadline and marks the timer vector pending", () => {
    const sim = new SimPlatform();
    sim.timerArm(25);
    sim.halt();
    expect(sim.now()).toBe(25);
    expect(sim.takeInterrupts()).toEqual([SIM_TIMER_VECTOR]);
    expect(sim.armedDeadline).toBeNull();
    expect(sim.halts).toEqual([{ at: 0, armed: 25, wokeAt: 25, vectors: [SIM_TIMER_VECTOR] }]);
  });

  it("halt() with nothing that could wake the machine throws instead of hanging", () => {
    const sim = new SimPlatform();
    sim.timerArm(10);
    sim.timerCancel();
    expect(() => sim.halt()).toThrow(/halt\(\) with nothing that could wake the machine/);
  });

  it("a deadline that passes while code runs raises the timer, delivered only at the next poll or halt", () => {
    const sim = new SimPlatform();
    sim.timerArm(5);
    sim.advance(10);
    expect(sim.takeInterrupts()).toEqual([]);
    sim.pollInterrupts();
    expect(sim.takeInterrupts()).toEqual([SIM_TIMER_VECTOR]);
    sim.timerArm(3); // in the past: fires at once, like the native one
    sim.halt();
    expect(sim.now()).toBe(10);
    expect(sim.takeInterrupts()).toEqual([SIM_TIMER_VECTOR]);
  });

  it("with clockReadStepMs, each clock read takes a little virtual time, so busy-waits end", () => {
    const sim = new SimPlatform({ clockReadStepMs: 0.5 });
    sim.timerArm(1);
    expect([sim.now(), sim.now(), sim.now()]).toEqual([0, 0.5, 1]);
    sim.pollInterrupts();
    expect(sim.takeInterrupts()).toEqual([SIM_TIMER_VECTOR]);
  });

  it("stops code that would halt forever after maxHalts", () => {
    const sim = new SimPlatform({ maxHalts: 3 });
    for (let i = 0; i < 3; i++) {
      sim.timerArm(sim.now() + 1);
      sim.halt();
    }
    sim.timerArm(sim.now() + 1);
    expect(() => sim.halt()).toThrow(/more than 3 times/);
  });
});

describe("SimPlatform: interrupts", () => {
  it("hands out vectors as the native allocator does; a routed GSI keeps its vector; MSI targets the LAPIC", () => {
    const sim = new SimPlatform();
    const a = sim.irqRoute(4, false, false);
    expect(a).toBe(0x30);
    expect(sim.irqRoute(4, false, false)).toBe(a);
    const msi = sim.msiAllocate();
    expect(msi).toEqual({ vector: 0x31, address: 0xfee00000, data: 0x31 });
    expect(() => sim.irqRoute(24, false, false)).toThrow(/cannot route GSI 24/);
    expect(sim.allocatedVectors()).toEqual([0x30, 0x31]);
  });

  it("scheduled interrupts wake halt() at their time; several due together are taken ascending", () => {
    const sim = new SimPlatform();
    const a = sim.irqRoute(1, false, false), b = sim.irqRoute(2, false, false);
    sim.scheduleInterrupt(30, b);
    sim.scheduleInterrupt(30, a);
    sim.timerArm(50);
    sim.halt();
    expect(sim.now()).toBe(30);
    expect(sim.takeInterrupts()).toEqual([a, b]);
    sim.halt();
    expect(sim.now()).toBe(50);
    expect(sim.takeInterrupts()).toEqual([SIM_TIMER_VECTOR]);
    expect(() => sim.scheduleInterrupt(10, a)).toThrow(/in the past/);
  });

  it("masks a level-triggered line after delivery until irqAck; irqMask holds raises until unmasked", () => {
    const sim = new SimPlatform();
    const level = sim.irqRoute(9, true, true), edge = sim.irqRoute(3, false, false);
    sim.raiseInterrupt(level);
    sim.pollInterrupts();
    expect(sim.takeInterrupts()).toEqual([level]);
    sim.raiseInterrupt(level);
    sim.pollInterrupts();
    expect(sim.takeInterrupts()).toEqual([]);
    sim.irqAck(level);
    sim.pollInterrupts();
    expect(sim.takeInterrupts()).toEqual([level]);

    sim.irqMask(edge, true);
    sim.raiseInterrupt(edge);
    expect(() => sim.halt()).toThrow(/nothing that could wake/);
    sim.irqMask(edge, false);
    sim.halt();
    expect(sim.takeInterrupts()).toEqual([edge]);
    expect(sim.acks).toEqual([level]);
    expect(sim.maskCalls).toEqual([{ vector: edge, masked: true }, { vector: edge, masked: false }]);
  });

  it("counts spurious interrupts without delivering them, and unexpected ones on unallocated vectors", () => {
    const sim = new SimPlatform();
    sim.raiseInterrupt(SIM_SPURIOUS_VECTOR);
    sim.raiseInterrupt(0x80);
    sim.pollInterrupts();
    expect(sim.takeInterrupts()).toEqual([0x80]);
    expect(sim.interruptStats()).toEqual({ spurious: 1, unexpected: 1, total: 1 });
    expect(() => sim.raiseInterrupt(13)).toThrow(RangeError);
  });
});

describe("SimPlatform: ports", () => {
  it("reads back what was written, masked to the access size; unwritten ports float high", () => {
    const sim = new SimPlatform();
    expect(sim.inb(0x3f8)).toBe(0xff);
    expect(sim.inl(0xcfc)).toBe(0xffffffff);
    sim.outw(0x70, 0x12345);
    expect(sim.inw(0x70)).toBe(0x2345);
    expect(sim.inb(0x70)).toBe(0x45);
    sim.setPort(0x71, 0xdeadbeef);
    expect(sim.inl(0x71)).toBe(0xdeadbeef);
    expect(() => sim.outb(0x10000, 0)).toThrow(/outside 0\.\.0xffff/);
  });

  it("per-port handlers answer reads and receive writes; every access is logged", () => {
    const sim = new SimPlatform();
    const written: number[] = [];
    let status = 0x20;
    sim.onPort(0x3fd, { read: () => status });
    sim.onPort(0x3f8, { write: (v) => written.push(v) });
    sim.outb(0x3f8, 0x41);
    expect(sim.inb(0x3fd)).toBe(0x20);
    status = 0;
    expect(sim.inb(0x3fd)).toBe(0);
    expect(written).toEqual([0x41]);
    expect(sim.portLog[0]).toEqual({ dir: "out", port: 0x3f8, size: 1, value: 0x41 });
    expect(sim.portLog).toHaveLength(3);
  });
});

describe("SimPlatform: memory", () => {
  it("dmaAlloc hands out zeroed buffers at unique, page-aligned addresses that devices can reach", () => {
    const sim = new SimPlatform();
    const a = sim.dmaAlloc(100), b = sim.dmaAlloc(5000), c = sim.dmaAlloc(1);
    for (const r of [a, b, c]) {
      expect(r.address % 4096).toBe(0);
      expect(new Uint8Array(r.buffer).every((x) => x === 0)).toBe(true);
    }
    expect(new Set([a.address, b.address, c.address]).size).toBe(3);
    expect(b.buffer.byteLength).toBe(5000);
    expect(c.address - b.address).toBe(8192);
    new Uint8Array(b.buffer)[4097] = 7;
    expect(sim.dmaView(b.address + 4097, 1)[0]).toBe(7);
    expect(() => sim.dmaAlloc(0)).toThrow(/outside 1\.\.1 GiB/);
  });

  it("dmaFree detaches the buffer and returns its pages; running out throws a RangeError", () => {
    const sim = new SimPlatform({ totalMemory: 1 << 20 });
    const before = sim.memoryUsage().rss;
    const r = sim.dmaAlloc(8192);
    expect(sim.memoryUsage().rss).toBe(before + 8192);
    sim.dmaFree(r.buffer);
    expect(r.buffer.byteLength).toBe(0);
    expect(sim.memoryUsage().rss).toBe(before);
    expect(() => sim.dmaView(r.address, 1)).toThrow(/no live DMA buffer/);
    expect(() => sim.dmaAlloc(1 << 20)).toThrow(/out of physical memory/);
  });

  it("physical() refuses RAM and unknown ranges, and serves a registered plain buffer from its base", () => {
    const sim = new SimPlatform();
    expect(() => sim.physical(0x1000, 16)).toThrow(/overlaps RAM; use hal.dmaAlloc/);
    expect(() => sim.physical(0xfeb00000, 16)).toThrow(/has no simulated device/);
    const regs = new ArrayBuffer(0x200);
    sim.mapDevice(0xfeb00000, { buffer: regs });
    expect(sim.physical(0xfeb00000, 0x200)).toBe(regs);
    expect(() => sim.physical(0xfeb00010, 4)).toThrow(/from its base address only/);
    expect(() => sim.mapDevice(0xfeb00100, { buffer: new ArrayBuffer(4) })).toThrow(/overlaps/);
    expect(() => sim.mapDevice(0x2000, { buffer: new ArrayBuffer(4) })).toThrow(/overlap simulated RAM/);
  });

  it("a hooked device sees the guest's writes and refreshes its registers at the next platform call", () => {
    const sim = new SimPlatform();
    const writes: [number, number][] = [];
    let notified = 0;
    sim.mapDevice(0xd0000000, {
      length: 0x100,
      write(offset, value, regs) {
        writes.push([offset, value]);
        if (offset === 0x50) { notified++; regs.setUint32(0x60, 1, true); } // "queue notify" sets "interrupt status"
      },
      refresh(regs) {
        regs.setUint32(0, 0x74726976, true); // magic "virt"
      },
    });
    const view = new DataView(sim.physical(0xd0000000, 0x100));
    expect(view.getUint32(0, true)).toBe(0x74726976);
    view.setUint32(0x50, 3, true);
    expect(view.getUint32(0x60, true)).toBe(0); // not seen until the guest calls the platform
    sim.now();
    expect(writes).toEqual([[0x50, 3]]);
    expect(notified).toBe(1);
    expect(view.getUint32(0x60, true)).toBe(1);
    sim.now();
    expect(writes).toHaveLength(1);
  });

  it("entropy is a seeded stream: the same seed gives the same bytes; a CPU without RDRAND fills nothing", () => {
    const take = (seed: number) => {
      const b = new Uint8Array(13);
      expect(new SimPlatform({ seed }).entropy(b)).toBe(13);
      return [...b];
    };
    expect(take(7)).toEqual(take(7));
    expect(take(7)).not.toEqual(take(8));
    expect(new SimPlatform({ entropy: false }).entropy(new Uint8Array(4))).toBe(0);
  });
});

describe("SimPlatform: console, exit and engine hooks", () => {
  it("collects console output; exit throws SimExit and the machine stays stopped", () => {
    const sim = new SimPlatform();
    sim.write("hello ");
    sim.write("world\n");
    expect(sim.output).toBe("hello world\n");
    expect(() => sim.exit(4)).toThrow(SimExit);
    expect(sim.exitCode).toBe(4);
    expect(() => sim.write("more")).toThrow(expect.objectContaining({ code: 4 }));
    expect(sim.output).toBe("hello world\n");
  });

  it("clamps exit codes as the exit device does, with the native note", () => {
    const sim = new SimPlatform();
    expect(() => sim.exit(300)).toThrow(expect.objectContaining({ code: 44 }));
    const big = new SimPlatform();
    expect(() => big.exit(200)).toThrow(expect.objectContaining({ code: 125 }));
    expect(big.output).toBe("[unijs] exit code 200 does not fit the exit device; exiting with 125\n");
  });

  it("hands config, cmdline and line map through, and delegates runJobs and takeRejections", () => {
    const sim = new SimPlatform({
      config: '{"name":"x"}', cmdline: "virtio_mmio.device=4K@0xd0000000:5", lineMap: "{}",
      runJobs: () => 3, takeRejections: () => ["p", "r"],
    });
    expect(sim.config()).toBe('{"name":"x"}');
    expect(sim.cmdline()).toContain("virtio_mmio");
    expect(sim.lineMap()).toBe("{}");
    expect(sim.runJobs()).toBe(3);
    expect(sim.takeRejections()).toEqual(["p", "r"]);
    const plain = new SimPlatform();
    expect(JSON.parse(plain.config()).argv).toEqual(["/unijs", "/app/sim"]);
    expect(plain.runJobs()).toBe(0);
    expect(plain.takeRejections()).toEqual([]);
  });
});
