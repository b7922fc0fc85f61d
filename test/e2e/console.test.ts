// e2e: the app's stdout and stderr reach the host apart, over virtio-console ports (drivers/virtio/console,
// libos/console/virtio_stdio.ts, boot/launch/qemu.ts consoleArgs), each in order, compared with host Node running
// the same app with its streams on two pipes; 10 MB arrive intact (hash against host Node's) and the throughput
// of virtio-console, the UART and host Node is printed (never asserted); an uncaught error's report is on stderr
// with exit code 1; backpressure ('drain'); a panic still on the UART; the UART carries everything without the
// device (`console: "uart"`, an old launcher); only images that use the streams carry the driver. Fixture:
// test/fixtures/console_streams.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LAUNCH } from "../../boot/exit_codes.ts";
import { ROOT } from "../../boot/paths.ts";
import { boot as bootWith, buildFixture } from "../helpers/guest.ts";

const APP = join(ROOT, "test/fixtures/console_streams/index.js");

/** The app under host Node, stdout and stderr on separate pipes. */
function hostNode(...args: string[]) {
  const r = spawnSync(process.execPath, [APP, ...args], { encoding: "utf8", maxBuffer: 64 << 20 });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status };
}

/** Boots with the virtio-console ports (the helper's default is the UART, for tests that read one console). */
const boot = (image: string, opts: Parameters<typeof bootWith>[1] = {}) => bootWith(image, { console: "virtio", ...opts });
const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const mbps = (bytes: number, ms: number) => (bytes / (1 << 20) / (ms / 1000)).toFixed(2);

describe("console: stdout and stderr over virtio-console", () => {
  it("each stream arrives on its own, in order, as host Node writes them (microvm, pc; UART without the device)", async () => {
    const img = await buildFixture("console_streams", { args: ["interleave"] });
    const node = hostNode("interleave");
    expect(node.stdout.split("\n")).toHaveLength(102);   // 101 lines and the empty tail
    for (const machine of ["microvm", "pc"] as const) {
      const r = await boot(img.path, { machine });
      expect(r.code).toBe(0);
      expect(r.appStdout).toBe(node.stdout);
      expect(r.appStderr).toBe(node.stderr);
      // The merged console (what the CLI prints when stderr is not apart) has both, whole lines only.
      const lines = r.output.split("\n").filter(Boolean);
      expect(lines).toHaveLength(202);
      for (const line of lines) expect(line).toMatch(/^(out|err) (\d+|end)$/);
    }
    // Without the device the UART carries both streams, merged in write order, as before virtio-console.
    const uart = await boot(img.path, { console: "uart" });
    expect(uart.code).toBe(0);
    expect(uart.appStdout + uart.appStderr).toBe("");
    const merged = Array.from({ length: 200 }, (_, i) => `${i % 2 ? "err" : "out"} ${i}\n`).join("") + "err end\nout end\n";
    expect(uart.output).toContain(merged);
  });

  it("only images that name the streams (or console.error/warn/trace) carry the driver; hello prints over the UART", async () => {
    const streams = await buildFixture("console_streams", { args: ["interleave"] });
    expect(streams.modules.map((m) => m.path)).toContain("drivers/virtio/console/index.ts");
    const hello = await buildFixture(join(ROOT, "examples/hello"));
    expect(hello.modules.filter((m) => /^drivers\//.test(m.path))).toEqual([]);
    const r = await boot(hello.path);
    expect(r.code).toBe(0);
    expect(r.appStdout).toBe("");
    expect(r.output).toContain("Hello from unijs!\n");
  });

  it("10 MB on stdout arrive intact; throughput of virtio-console, the UART and host Node is printed", async () => {
    const img = await buildFixture("console_streams", { args: ["bulk", "10"] });
    const r = await boot(img.path);
    expect(r.code).toBe(0);
    const node = hostNode("bulk", "10");
    expect(r.appStdout.length).toBe(10 << 20);
    expect(sha(r.appStdout)).toBe(sha(node.stdout));
    const guestMs = Number(/in (\d+) ms/.exec(r.appStderr)?.[1]);
    const nodeMs = Number(/in (\d+) ms/.exec(node.stderr)?.[1]);
    expect(r.appStderr).toMatch(/^bulk 10485760 bytes in \d+ ms\n$/);
    // The UART for comparison: 256 KiB (at its speed 10 MB would take minutes).
    const small = await buildFixture("console_streams", { args: ["bulk", "0.25"] });
    const u = await boot(small.path, { console: "uart" });
    expect(u.code).toBe(0);
    const uartMs = Number(/in (\d+) ms/.exec(u.output)?.[1]);
    expect(u.output).toContain("00000000ick brown fox");
    console.log(`[console throughput] virtio-console ${mbps(10 << 20, guestMs)} MB/s (10 MB in ${guestMs} ms, whole boot ` +
      `${r.wallMs.toFixed(0)} ms); UART ${mbps(1 << 18, uartMs)} MB/s (256 KiB in ${uartMs} ms); host Node to a pipe ` +
      `${mbps(10 << 20, nodeMs)} MB/s (10 MB in ${nodeMs} ms)`);
  });

  it("an uncaught error's report goes to stderr and the exit code is 1", async () => {
    const img = await buildFixture("console_streams", { args: ["throw"] });
    const r = await boot(img.path);
    const node = hostNode("throw");
    expect(node.code).toBe(1);
    expect(r.outcome).toBe("exit");
    expect(r.code).toBe(1);
    expect(r.appStdout).toBe(node.stdout);               // "before the error\n" only
    expect(r.appStderr).toMatch(/^about to throw\nUncaught TypeError: console test failure\n\s+at deep \(/);
    expect(node.stderr).toContain("TypeError: console test failure\n    at deep (");
  });

  it("a write the device cannot take at once returns false, then 'drain' and the callback follow (Node's order)", async () => {
    const img = await buildFixture("console_streams", { args: ["drain"] });
    const r = await boot(img.path);
    const node = hostNode("drain");
    expect(r.code).toBe(0);
    expect(r.appStdout).toBe("y".repeat(600000) + "\n");
    expect(r.appStderr).toBe("write returned false, drain, callback\n");
    expect(node.stderr).toBe(r.appStderr);
  });

  it("a kernel panic is still reported on the UART, after what the app wrote on stdout", async () => {
    const img = await buildFixture("console_streams", { args: ["panic"], testHooks: true });
    const r = await boot(img.path);
    expect(r.outcome).toBe("panic");
    expect(r.code).toBe(LAUNCH.PANIC);
    expect(r.appStdout).toBe("before the panic\n");
    expect(r.appStderr).toBe("");
    expect(r.output).toMatch(/CPU EXCEPTION 14 #PF[\s\S]*\[unijs\] kernel panic\n/);
    expect(r.appStdout + r.appStderr).not.toContain("kernel panic");
  });
});
