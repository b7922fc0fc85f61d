// e2e: the kernel core inside QEMU — timers never early and in order, clocks agree with the host and each
// other, a real device interrupt routed through the I/O APIC reaches a JS handler in the poll phase.
import { describe, expect, it } from "vitest";
import { run } from "../helpers/guest.ts";

describe("timers in the guest", () => {
  it("never fire early, and 1,000 concurrent timers fire in due order", async () => {
    const r = await run("timer-accuracy");
    expect(r.code).toBe(0);
    const lines = r.output.split("\n");
    for (const ms of [1, 5, 10, 50, 100, 250]) expect(lines).toContain(`delay ${ms}: not early`);
    expect(r.output).not.toContain("EARLY");
    expect(lines).toContain("1000 timers: 1000 fired, in due order");
  });
});

describe("clocks in the guest", () => {
  it("Date.now() is within 2 s of the host's clock", async () => {
    const before = Date.now();
    const r = await run("clock");
    const after = Date.now();
    const guest = Number(/^now (\d+)$/m.exec(r.output)?.[1]);
    expect(guest).toBeGreaterThan(before - 2000);
    expect(guest).toBeLessThan(after + 2000);
  });

  it("performance.now, hrtime, hrtime.bigint and uptime are monotonic and agree", async () => {
    const r = await run("clock");
    expect(r.code).toBe(0);
    for (const what of ["performance.now", "hrtime", "hrtime.bigint", "uptime", "timeOrigin"]) {
      expect(r.output).toContain(`${what} ok\n`);
    }
    expect(r.output).toContain("typeof hrtime.bigint() bigint\n");
  });
});

describe("interrupts", () => {
  it("a device interrupt (RTC periodic, GSI 8) reaches its JS handler through the I/O APIC", async () => {
    const r = await run("rtc-irq");
    expect(r.code).toBe(0);
    expect(r.output).toContain("closed after 8 interrupts\n");
    expect(r.output).toContain("vector allocated; elapsed plausible\n");
    expect(r.output).toContain("unexpected 0\n");
  });
});

describe("the engine's native fast paths", () => {
  it("hal.onesSum and the text conversions (Buffer from/write/toString/byteLength) equal their TypeScript definitions", async () => {
    const r = await run("native-primitives");
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain("onesSum: ok 2000\n");
    expect(r.output).toContain("crc32c: ok 2000\n");
    expect(r.output).toContain("text: ok 2000\n");
  });
});
