// test/e2e/loopback.test.ts — loopback inside the guest and TIME-WAIT reuse, in booted images.
// 1. test/fixtures/loopback/main.mjs (an app that serves HTTP, TCP and UDP and calls itself over 127.0.0.1,
//    127.0.0.5 and localhost) runs under host Node and in one image booted without a network card and with one;
//    the transcripts must be equal line for line (but for the "only:" lines: IPv6, which the guest lacks).
// 2. RFC 6191: a guest server that closes first keeps each connection in TIME-WAIT; the host connects to it five
//    times from one client port. Each SYN must open a new connection at once: before the fix the guest dropped it
//    and the connection waited for QEMU's SYN retransmission, 6.0 s (issue 11), against ~20 ms from fresh ports.
import { execFileSync } from "node:child_process";
import { connect } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startGuest } from "../../boot/launch/qemu.ts";
import { ROOT } from "../../boot/paths.ts";
import { ACCEL, boot, buildFixture } from "../helpers/guest.ts";
import { freeTcpPort } from "../helpers/ports.ts";

let cleanups: (() => void)[] = [];
afterEach(() => { for (const c of cleanups.splice(0).reverse()) c(); });

const FIXTURE = join(ROOT, "test/fixtures/loopback/main.mjs");
const common = (t: string) => t.split("\n").filter((l) => l !== "" && !l.startsWith("[unijs]") && !l.startsWith("only:"));

describe("loopback inside the guest", () => {
  it("an app calls its own HTTP, TCP and UDP servers over 127.0.0.0/8 and localhost, with and without a NIC, as under host Node", async () => {
    const expected = execFileSync(process.execPath, [FIXTURE], { encoding: "utf8", timeout: 60_000 });
    expect(expected).toContain("\ndone\n");
    const img = await buildFixture(FIXTURE);
    const bare = await boot(img.path, { timeoutMs: 300_000 });
    expect(bare.code).toBe(0);
    expect(common(bare.output)).toEqual(common(expected));
    expect(bare.output).toContain("only: ipv6 EAFNOSUPPORT\n");   // no IPv6 stack: a clear error, not a DNS query
    // With a network card (QEMU user networking): loopback still never waits for DHCP nor touches the device.
    const nic = await boot(img.path, { timeoutMs: 300_000, net: { kind: "user" } });
    expect(nic.code).toBe(0);
    expect(common(nic.output)).toEqual(common(expected));
  }, 900_000);
});

/** Connects from `localPort` (0: any) and resolves with the guest's line and the ms until it arrived. */
function ask(port: number, localPort: number): Promise<{ line: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const s = connect({ port, host: "127.0.0.1", ...(localPort ? { localPort, localAddress: "127.0.0.1" } : {}) });
    let got = "";
    s.on("data", (d) => (got += d));
    s.on("end", () => resolve({ line: got.trim(), ms: performance.now() - t0 }));
    s.on("error", reject);
    s.setTimeout(20_000, () => s.destroy(new Error("no answer in 20 s")));
  });
}

describe("TIME-WAIT reuse (RFC 6191)", () => {
  it("five connections from one client port to a server that closes first each open at once", async () => {
    const hostPort = await freeTcpPort();
    const clientPort = await freeTcpPort();
    const img = await buildFixture(join(ROOT, "test/fixtures/loopback/time_wait_server.mjs"));
    const guest = startGuest({ image: img.path, accel: ACCEL, timeoutMs: 240_000,
      net: { kind: "user", hostfwd: [{ proto: "tcp", hostPort, guestPort: 7000 }] } });
    cleanups.push(() => guest.kill());
    // Until the guest listens, QEMU accepts on the host and then closes: retry from ephemeral ports.
    for (let deadline = Date.now() + 120_000; ;) {
      const r = await ask(hostPort, 0).catch(() => ({ line: "", ms: 0 }));
      if (r.line.startsWith("connection")) break;
      if (Date.now() > deadline) throw new Error("the guest never answered");
      await new Promise((r) => setTimeout(r, 300));
    }
    const times: number[] = [];
    const lines: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await ask(hostPort, clientPort);
      times.push(Math.round(r.ms));
      lines.push(r.line);
    }
    console.log(`TIME-WAIT reuse from port ${clientPort}: ${times.join(", ")} ms`);
    // The guest saw the same four-tuple each time (QEMU keeps the client's port), so each connection met TIME-WAIT.
    const ports = new Set(lines.map((l) => l.replace(/^connection \d+ from port /, "")));
    expect(ports.size).toBe(1);
    expect([...ports][0]).toBe(String(clientPort));
    // Not a benchmark: the failure this guards against is a 6 s SYN retransmission per connection; a few
    // hundred ms is plenty under TCG on a loaded machine.
    for (const ms of times) expect(ms).toBeLessThan(3000);
    guest.kill();
    await guest.done;
  }, 300_000);
});
