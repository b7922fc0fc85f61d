// e2e: node:net in the guest over QEMU user networking (restrict=on; forwards bound to 127.0.0.1): a guest echo
// server reached with hostfwd, and a guest client reaching a server the test runs on the host with guestfwd.
import { randomBytes } from "node:crypto";
import { connect, createServer, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startGuest } from "../../boot/launch/qemu.ts";
import { ACCEL, buildFixture } from "../helpers/guest.ts";
import { freeTcpPort } from "../helpers/ports.ts";

let cleanups: (() => void)[] = [];
afterEach(() => { for (const c of cleanups.splice(0).reverse()) c(); });

/** Connects to a forwarded port, retrying while the guest is still booting. */
async function connectWhenUp(port: number, deadline = Date.now() + 60_000): Promise<import("node:net").Socket> {
  for (;;) {
    try {
      return await new Promise((resolve, reject) => {
        const s = connect(port, "127.0.0.1");
        s.once("connect", () => {
          // slirp accepts on the host before the guest answers: wait for the first byte or a clean echo path.
          resolve(s);
        });
        s.once("error", reject);
      });
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

describe("node:net in the guest", () => {
  it("echo server: 1 MiB and several concurrent connections round-trip intact", async () => {
    const port = await freeTcpPort();
    const img = await buildFixture("tcp-echo");
    const guest = startGuest({ image: img.path, accel: ACCEL, timeoutMs: 170_000,
      net: { kind: "user", hostfwd: [{ proto: "tcp", hostPort: port, guestPort: 7000 }] } });
    cleanups.push(() => guest.kill());
    const roundTrip = async (size: number, connected?: Socket) => {
      const data = randomBytes(size);
      const s = connected ?? await connectWhenUp(port);
      const chunks: Buffer[] = [];
      s.on("data", (d) => chunks.push(d));
      s.end(data);
      await new Promise<void>((resolve, reject) => { s.on("end", resolve); s.on("error", reject); });
      return Buffer.concat(chunks).equals(data);
    };
    expect(await roundTrip(1 << 20)).toBe(true);
    // Connected one after another, then all transfers at once: QEMU's host forward listens with a backlog of 1, and
    // a burst of connects can lose handshakes on the host side under load (see http_scale.test.ts).
    const sizes = [1, 1000, 65536, 200_000, 5];
    const sockets: Socket[] = [];
    for (const _ of sizes) {
      const s = await connectWhenUp(port);
      // One byte echoed: the guest has this connection (the host's connect completes before slirp accepts it).
      await new Promise<void>((resolve, reject) => { s.once("data", () => resolve()); s.once("error", reject); s.write("P"); });
      sockets.push(s);
    }
    const results = await Promise.all(sizes.map((n, i) => roundTrip(n, sockets[i])));
    expect(results).toEqual([true, true, true, true, true]);
    guest.kill();
    const r = await guest.done;
    expect(r.output).toContain("listening on 7000\n");
    expect(r.output).toMatch(/connection from 10\.0\.2\.2:\d+/);
    expect(r.output).toContain("closed after 1048576 bytes\n");
  });

  it("client: reaches a host server through guestfwd, and gets ECONNREFUSED from a closed port", async () => {
    const hostPort = await freeTcpPort();
    const server = createServer((s) => {
      let got = "";
      s.on("data", (d) => {
        got += d;
        if (got.endsWith("\n")) s.end(`you said ${got}`);
      });
    });
    await new Promise<void>((r) => server.listen(hostPort, "127.0.0.1", r));
    cleanups.push(() => server.close());
    // Port 81 has no guestfwd: with restrict=on QEMU refuses the connection.
    const img = await buildFixture("tcp-client", { args: ["10.0.2.100", "80", "81"] });
    const guest = startGuest({ image: img.path, accel: ACCEL, timeoutMs: 120_000, net: { kind: "user",
      guestfwd: [{ guestIp: "10.0.2.100", guestPort: 80, hostPort }] } });
    cleanups.push(() => guest.kill());
    const r = await guest.done;
    expect(r.output).toMatch(/connected to 10\.0\.2\.100:80 from port \d+/);
    expect(r.output).toContain('reply: "you said hello from the guest\\n"\n');
    expect(r.output).toMatch(/closed port: (ECONNREFUSED|ECONNRESET) (connect|read)\n/);
    expect(r.code).toBe(0);
  });
});
