// NetRuntime itself, built from its arguments: a machine without a card (loopback only, configured at once), the
// stack's one timer that never keeps the loop alive by itself, a wait for DHCP that does, and DHCP discovery
// retransmitted by that timer at the client's backoff while nobody answers.
import { afterEach, describe, expect, it } from "vitest";
import { createSocket } from "../../../libos/dgram/index.ts";
import { NetRuntime } from "../../../libos/net/runtime.ts";
import { DhcpPacket, DhcpRepr } from "../../../libos/net/wire/index.ts";
import { TwoHosts } from "./_hosts.ts";

let hosts: TwoHosts;
afterEach(() => hosts?.close());

describe("NetRuntime from its arguments", () => {
  it("without a card: loopback only, configured at once, and the loop ends when the last socket closes", async () => {
    hosts = new TwoHosts();
    const lo = new NetRuntime({ device: null, staticConfig: null, now: () => hosts.sim.now(), random32: () => 7, loop: hosts.loop });
    expect(lo.dhcp).toBeNull();
    let configured = false;
    lo.whenConfigured(() => { configured = true; });
    expect(configured).toBe(true);
    expect(hosts.loop.alive()).toBe(false);                   // nothing waits: the stack holds nothing

    const got: string[] = [];
    const a = hosts.on(lo, () => createSocket("udp4"));
    const b = hosts.on(lo, () => createSocket("udp4"));
    b.on("message", (m, r) => got.push(`${m} from ${r.address}`));
    b.bind(4000);
    a.send("over lo", 4000, "127.0.0.1");
    expect(await hosts.settle(() => got.length === 1)).toBe(true);
    expect(got).toEqual(["over lo from 127.0.0.1"]);
    let to10: { code?: string; message?: string } | undefined;
    a.send("x", 4000, "10.9.9.9", (e: Error | null) => { to10 = e ?? {}; });
    expect(await hosts.settle(() => to10 !== undefined)).toBe(true);
    expect(to10?.message).toBe("send ENETUNREACH 10.9.9.9:4000");
    a.close();
    b.close();
    await hosts.settle(() => !hosts.loop.alive());
    expect(hosts.loop.alive()).toBe(false);
  });

  it("a wait for DHCP keeps the loop alive; the stack's timer sends DISCOVER again at the client's backoff", async () => {
    hosts = new TwoHosts({ a: null });
    await hosts.settle(() => false, 0);                       // the first pass ran: DISCOVER sent, timer armed
    expect(hosts.loop.alive()).toBe(false);                   // the stack's timer alone does not hold the loop
    let configured = false;
    hosts.a.whenConfigured(() => { configured = true; });
    expect(hosts.loop.alive()).toBe(true);
    hosts.link.logging = true;
    const t0 = hosts.now;
    await hosts.wait(20_000);
    expect(configured).toBe(false);
    const discovers = hosts.link.log.filter((l) => l.from === "a" && l.frame.length > 14 + 20 + 8 + 240)
      .map((l) => DhcpRepr.parse(DhcpPacket.check(l.frame.subarray(14 + 20 + 8))));
    expect(discovers.length).toBeGreaterThanOrEqual(3);       // at 0, ~2, ~6, ~14 s (2, 4, 8 s ±25 %)
    expect(discovers.length).toBeLessThanOrEqual(5);
    expect(new Set(discovers.map((d) => d.transactionId)).size).toBe(1);
    expect(discovers.every((d) => d.messageType === 1)).toBe(true);
    expect(hosts.now - t0).toBeGreaterThanOrEqual(20_000);
  });
});
