// VirtioConsole (drivers/virtio/console) over a simulated multiport virtio-console (test/sim/virtio/console.ts),
// through the real event loop on the simulated platform: the control handshake, ports found by name, bytes in
// order per port, coalescing, backpressure while the host does not read, flush, and the single-port device.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEVICE_READY, PORT_OPEN, PORT_READY, VirtioConsole, transmitQueueOf } from "../../../drivers/virtio/console/index.ts";
import { VirtioBench } from "../../sim/virtio/harness.ts";
import { SimVirtioConsole, type SimConsoleOptions } from "../../sim/virtio/console.ts";

const bench = new VirtioBench();

beforeEach(() => { bench.fresh(); });
afterEach(() => { expect(bench.uncaught).toEqual([]); });

function open(o: SimConsoleOptions = {}, buffers = 4, bufferBytes = 4096) {
  const dev = new SimVirtioConsole(bench.sim, o);
  const con = new VirtioConsole(dev, { buffers, bufferBytes, expect: ["out", "err"], handshakeMs: 50 });
  return { dev, con };
}

const bytes = (s: string) => new TextEncoder().encode(s);

describe("virtio-console", () => {
  it("answers the device's announcements and finds the ports by name", () => {
    const { dev, con } = open();
    expect(dev.fromDriver).toEqual([
      [0xffffffff, DEVICE_READY, 1],
      [1, PORT_READY, 1], [1, PORT_OPEN, 1],
      [2, PORT_READY, 1], [2, PORT_OPEN, 1],
    ]);
    expect(con.portNamed("out")).toBe(1);
    expect(con.portNamed("err")).toBe(2);
    expect(con.portNamed("nope")).toBeUndefined();
    expect(con.usable(1) && con.usable(2)).toBe(true);
    expect(con.usable(0)).toBe(false);                    // never announced
    expect(transmitQueueOf(0)).toBe(1);
    expect(transmitQueueOf(2)).toBe(7);
  });

  it("refuses a port it has no queues for", () => {
    const { dev } = open({ ports: [{ id: 1, name: "out" }, { id: 3, name: "err" }] });
    expect(dev.fromDriver).toContainEqual([3, PORT_READY, 0]);
  });

  it("keeps each port's bytes apart and in order", () => {
    const { dev, con } = open();
    for (let i = 0; i < 50; i++) con.write(i % 2 ? 2 : 1, bytes(`${i % 2 ? "err" : "out"} ${i}\n`));
    bench.run();
    const want = (odd: number) => Array.from({ length: 50 }, (_, i) => i).filter((i) => i % 2 === odd)
      .map((i) => `${odd ? "err" : "out"} ${i}\n`).join("");
    expect(dev.output(1)).toBe(want(0));
    expect(dev.output(2)).toBe(want(1));
    expect(() => con.write(0, bytes("x"))).toThrow("virtio-console port 0 is not open");
  });

  it("holds what the ring cannot take, coalesces it, keeps the loop alive and reports the drain", () => {
    const { dev, con } = open({}, 2, 4096);
    dev.stalled = true;
    const drained: number[] = [];
    con.onDrain = (p) => drained.push(p);
    let expected = "";
    const lines: string[] = [];
    for (let i = 0; i < 100; i++) {
      const line = `line ${i} ${"x".repeat(200)}\n`;
      lines.push(line);
      expected += line;
      con.write(1, bytes(line));
    }
    expect(dev.chains.get(1)).toBe(2);                   // a buffer per write while one was free; the rest waits
    expect(con.pendingBytes(1)).toBe(expected.length - lines[0].length - lines[1].length);
    expect(bench.ev.alive()).toBe(true);
    expect(drained).toEqual([]);
    dev.release();
    bench.run();
    expect(dev.output(1)).toBe(expected);
    expect(con.pendingBytes(1)).toBe(0);
    expect(drained).toEqual([1]);
    expect(dev.chains.get(1)).toBeLessThanOrEqual(Math.ceil(expected.length / 4096) + 1);   // coalesced into full buffers
    expect(bench.ev.alive()).toBe(false);
  });

  it("does not keep the caller's buffer: what waits is copied", () => {
    const { dev, con } = open({}, 1, 4096);
    dev.stalled = true;
    const a = new Uint8Array(5000).fill(0x61);
    con.write(1, a);
    a.fill(0x62);                                         // the caller reuses its buffer
    dev.release();
    bench.run();
    expect(dev.output(1)).toBe("a".repeat(5000));
  });

  it("flush() waits until the device has taken everything", () => {
    const { dev, con } = open({ latencyMs: 2 }, 2, 1024);
    con.write(2, bytes("e".repeat(10_000)));
    expect(dev.output(2).length).toBeLessThan(10_000);
    con.flush(1000);
    expect(dev.output(2)).toBe("e".repeat(10_000));
    expect(con.pendingBytes(2)).toBe(0);
  });

  it("waitFor() blocks a writer until the port has at most the limit waiting (a full pipe)", () => {
    const { dev, con } = open({ latencyMs: 1 }, 2, 1024);
    con.write(1, bytes("p".repeat(10_000)));
    expect(con.pendingBytes(1)).toBe(10_000 - 2048);
    con.waitFor(3000, 1, 1000);
    expect(con.pendingBytes(1)).toBeLessThanOrEqual(3000);
    expect(con.pendingBytes(1)).toBeGreaterThan(0);        // it returned as soon as the limit held
    con.flush(1000);
    expect(dev.output(1)).toBe("p".repeat(10_000));
  });

  it("flush() gives up with ETIMEDOUT when the host never reads", () => {
    const { dev, con } = open();
    dev.stalled = true;
    con.write(1, bytes("stuck\n"));
    expect(() => con.flush(20)).toThrow(expect.objectContaining({ code: "ETIMEDOUT" }));
  });

  it("a port whose host end is closed is not usable; a missing one is not found (after the handshake wait)", () => {
    const { con } = open({ ports: [{ id: 1, name: "out", hostOpen: false }] });
    expect(con.portNamed("out")).toBe(1);
    expect(con.usable(1)).toBe(false);
    expect(con.portNamed("err")).toBeUndefined();
  });

  it("uses port 0 of a device without MULTIPORT", () => {
    const { dev, con } = open({ multiport: false });
    expect(dev.fromDriver).toEqual([]);
    expect(con.usable(0)).toBe(true);
    con.write(0, bytes("single\n"));
    bench.run();
    expect(dev.output(0)).toBe("single\n");
  });
});
