// node:dgram between two hosts on a simulated Ethernet link (two NetRuntimes, one virtual clock): datagrams both
// ways with rinfo, implicit bind on send, broadcast refused without setBroadcast, and bind/send errors with Node's
// shape (compared with host Node's own dgram where the machine can produce the same error).
import * as hostDgram from "node:dgram";
import { afterEach, describe, expect, it } from "vitest";
import { createSocket, type RemoteInfo } from "../../../libos/dgram/index.ts";
import { TwoHosts } from "./_hosts.ts";

let hosts: TwoHosts;
afterEach(() => hosts?.close());

/** The own enumerable properties and message of an error, for comparing shapes. */
const shape = (e: unknown) => ({ ...(e as object), message: (e as Error).message, name: (e as Error).name });

describe("node:dgram over two simulated hosts", () => {
  it("carries datagrams both ways with Node's rinfo, the sender bound implicitly by send()", async () => {
    hosts = new TwoHosts();
    const got: { host: string; msg: string; rinfo: RemoteInfo }[] = [];
    const server = hosts.on(hosts.b, () => createSocket("udp4"));
    server.on("message", (msg, rinfo) => {
      got.push({ host: "b", msg: msg.toString(), rinfo });
      server.send(msg.toString().toUpperCase(), rinfo.port, rinfo.address);
    });
    let listening = false;
    server.bind(5300, () => { listening = true; });
    await hosts.settle(() => listening);
    expect(server.address()).toEqual({ address: "0.0.0.0", family: "IPv4", port: 5300 });

    const client = hosts.on(hosts.a, () => createSocket("udp4"));
    client.on("message", (msg, rinfo) => got.push({ host: "a", msg: msg.toString(), rinfo }));
    const sent: (number | undefined)[] = [];
    client.send("ping", 5300, "10.0.0.2", (err: Error | null, bytes?: number) => { expect(err).toBeNull(); sent.push(bytes); });
    expect(await hosts.settle(() => got.length === 2)).toBe(true);
    expect(sent).toEqual([4]);
    const clientPort = client.address().port;
    expect(clientPort).toBeGreaterThanOrEqual(32768);
    expect(got[0]).toEqual({ host: "b", msg: "ping", rinfo: { address: "10.0.0.1", family: "IPv4", port: clientPort, size: 4 } });
    expect(got[1]).toEqual({ host: "a", msg: "PING", rinfo: { address: "10.0.0.2", family: "IPv4", port: 5300, size: 4 } });

    // Both hosts' sockets keep their own network after the current one changed.
    client.send("again", 5300, "10.0.0.2");
    expect(await hosts.settle(() => got.length === 4)).toBe(true);
    expect(got.slice(2).map((g) => `${g.host}:${g.msg}`)).toEqual(["b:again", "a:AGAIN"]);
    let closed = 0;
    client.close(() => closed++);
    server.close(() => closed++);
    expect(await hosts.settle(() => closed === 2)).toBe(true);
  });

  it("a datagram to a port nobody bound is dropped; a bound socket on the other host still gets the next one", async () => {
    hosts = new TwoHosts();
    const server = hosts.on(hosts.b, () => createSocket("udp4"));
    const got: string[] = [];
    server.on("message", (m) => got.push(m.toString()));
    server.bind(5301);
    const client = hosts.on(hosts.a, () => createSocket("udp4"));
    client.send("lost", 5399, "10.0.0.2");
    client.send("kept", 5301, "10.0.0.2");
    expect(await hosts.settle(() => got.length > 0)).toBe(true);
    expect(got).toEqual(["kept"]);
    client.close();
    server.close();
  });

  it("refuses broadcast until setBroadcast(true): EACCES with Node's ExceptionWithHostPort shape", async () => {
    hosts = new TwoHosts();
    const client = hosts.on(hosts.a, () => createSocket("udp4"));
    const errors: unknown[] = [];
    client.send("x", 9999, "255.255.255.255", (err: Error | null) => errors.push(err));
    expect(await hosts.settle(() => errors.length === 1)).toBe(true);
    expect(shape(errors[0])).toEqual({
      errno: -13, code: "EACCES", syscall: "send", address: "255.255.255.255", port: 9999,
      message: "send EACCES 255.255.255.255:9999", name: "Error",
    });
    expect(Object.keys(errors[0] as object)).toEqual(["errno", "code", "syscall", "address", "port"]);

    const server = hosts.on(hosts.b, () => createSocket("udp4"));
    const got: string[] = [];
    server.on("message", (m, r) => got.push(`${m} from ${r.address}`));
    server.bind(9999);
    client.setBroadcast(true);
    client.send("to all", 9999, "255.255.255.255");
    expect(await hosts.settle(() => got.length === 1)).toBe(true);
    expect(got).toEqual(["to all from 10.0.0.1"]);
    client.close();
    server.close();
  });

  it("a second bind of a port fails with EADDRINUSE shaped as host Node's", async () => {
    // Host Node first: two sockets on one port of the loopback interface (no reuseAddr).
    const first = hostDgram.createSocket("udp4");
    await new Promise<void>((resolve) => first.bind(0, "127.0.0.1", resolve));
    const port = first.address().port;
    const second = hostDgram.createSocket("udp4");
    const nodeErr = await new Promise<Error>((resolve) => { second.on("error", resolve); second.bind(port, "127.0.0.1"); });
    first.close();
    second.close();

    hosts = new TwoHosts();
    const a1 = hosts.on(hosts.a, () => createSocket("udp4"));
    const a2 = hosts.on(hosts.a, () => createSocket("udp4"));
    a1.bind(port, "127.0.0.1");
    const errors: unknown[] = [];
    a2.on("error", (e) => errors.push(e));
    a2.bind(port, "127.0.0.1");
    expect(await hosts.settle(() => errors.length === 1)).toBe(true);
    expect(shape(errors[0])).toEqual(shape(nodeErr));
    expect(Object.keys(errors[0] as object)).toEqual(Object.keys(nodeErr));
    a1.close();
  });

  it("argument errors match host Node's: bad port, bad type, closed socket, already bound", async () => {
    hosts = new TwoHosts();
    const caught = (fn: () => unknown) => { try { fn(); } catch (e) { return shape(e); } return "no error"; };
    const ours = hosts.on(hosts.a, () => createSocket("udp4"));
    const theirs = hostDgram.createSocket("udp4");
    for (const port of [0, 70000, -1, 1.5]) {
      expect(caught(() => ours.send("x", port, "127.0.0.1"))).toEqual(caught(() => theirs.send("x", port, "127.0.0.1")));
    }
    expect(caught(() => createSocket("tcp" as "udp4"))).toEqual(caught(() => hostDgram.createSocket("tcp" as "udp4")));
    ours.bind(0);
    theirs.bind(0);
    expect(caught(() => ours.bind(0))).toEqual(caught(() => theirs.bind(0)));
    await new Promise<void>((resolve) => theirs.close(resolve));
    ours.close();
    expect(caught(() => ours.close())).toEqual(caught(() => theirs.close()));
    expect(caught(() => ours.send("x", 1, "127.0.0.1"))).toEqual(caught(() => theirs.send("x", 1, "127.0.0.1")));
    let e: unknown;
    try { ours.close(); } catch (x) { e = x; }
    expect(String(e)).toBe("Error [ERR_SOCKET_DGRAM_NOT_RUNNING]: Not running");
  });
});
