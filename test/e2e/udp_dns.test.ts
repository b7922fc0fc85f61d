// e2e: node:dgram and node:dns in the guest, on a private network namespace (tap device) with peers written in
// Node running inside it: a UDP echo server in the guest, and the guest's resolver against a test DNS server.
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startGuest } from "../../boot/launch/qemu.ts";
import { ROOT } from "../../boot/paths.ts";
import { ACCEL, buildFixture } from "../helpers/guest.ts";
import { createNetns, GUEST_IP, HOST_IP, netnsUnavailable, output, type Netns } from "../helpers/netns.ts";

const skip = netnsUnavailable();
let cleanups: (() => void)[] = [];
afterEach(() => { for (const c of cleanups.splice(0).reverse()) c(); });

function setup(): Netns {
  const ns = createNetns();
  cleanups.push(() => ns.cleanup());
  return ns;
}

describe.skipIf(skip !== null)(`UDP and DNS on a private network${skip ? ` (skipped: ${skip})` : ""}`, () => {
  it("examples/udp-echo echoes datagrams back to a peer", async () => {
    const ns = setup();
    const img = await buildFixture(join(ROOT, "examples/udp-echo"), { ip: { cidr: `${GUEST_IP}/24`, gateway: HOST_IP } });
    const guest = startGuest({ image: img.path, accel: ACCEL, timeoutMs: 120_000, net: { kind: "tap", netns: ns.name, ifname: ns.ifname } });
    cleanups.push(() => guest.kill());
    const peer = ns.node(`
      const d = require("dgram").createSocket("udp4");
      const got = [];
      d.on("message", (m) => { got.push(String(m)); if (got.length === 5) { console.log(JSON.stringify(got)); process.exit(0); } });
      let i = 0;
      const t = setInterval(() => { if (got.length < 5) d.send("datagram " + (i++ % 5), 7, "${GUEST_IP}"); }, 200);
      setTimeout(() => { console.log(JSON.stringify(got)); process.exit(1); }, 60000);
    `);
    const r = await output(peer);
    guest.kill();
    const echoed = JSON.parse(r.stdout.trim().split("\n").pop() as string) as string[];
    expect(echoed.length).toBe(5);
    for (const m of echoed) expect(m).toMatch(/^datagram [0-4]$/);
    const g = await guest.done;
    expect(g.output).toContain("udp echo listening on port 7\n");
    expect(g.output).toContain(`${HOST_IP}:`);
  });

  it("dns.lookup / resolve4 / promises against a test DNS server", async () => {
    const ns = setup();
    // A tiny authoritative server: A records for www (1 address) and multi (2), NXDOMAIN for the rest.
    const server = ns.node(`
      const d = require("dgram").createSocket("udp4");
      const zone = { "www.unijs.test": ["10.9.8.7"], "multi.unijs.test": ["10.9.8.1", "10.9.8.2"] };
      d.on("message", (q, r) => {
        let i = 12, labels = [];
        while (q[i]) { labels.push(q.toString("latin1", i + 1, i + 1 + q[i])); i += q[i] + 1; }
        const name = labels.join(".").toLowerCase(), qend = i + 5;
        const addrs = zone[name] || [];
        const head = Buffer.from(q.subarray(0, qend));
        head.writeUInt16BE(addrs.length ? 0x8180 : 0x8183, 2);
        head.writeUInt16BE(addrs.length, 6);
        const answers = addrs.map((a) => Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 1, 44, 0, 4, ...a.split(".").map(Number)]));
        d.send(Buffer.concat([head, ...answers]), r.port, r.address);
      });
      d.bind(53, "${HOST_IP}", () => console.log("ready"));
    `);
    output(server);
    await new Promise((r) => setTimeout(r, 500));
    const img = await buildFixture("dns-client", { ip: { cidr: `${GUEST_IP}/24`, gateway: HOST_IP, dns: [HOST_IP] } });
    const guest = startGuest({ image: img.path, accel: ACCEL, timeoutMs: 120_000, net: { kind: "tap", netns: ns.name, ifname: ns.ifname } });
    cleanups.push(() => guest.kill());
    const g = await guest.done;
    expect(g.output).toContain("lookup: 10.9.8.7 family 4\n");
    expect(g.output).toContain('resolve4: [{"address":"10.9.8.1","ttl":300},{"address":"10.9.8.2","ttl":300}]\n');
    expect(g.output).toContain("missing: ENOTFOUND getaddrinfo\n");
    expect(g.output).toContain("literal: 10.1.2.3\n");
    expect(g.output).toContain("cached: 10.9.8.7\n");
    expect(g.code).toBe(0);
  });
});
