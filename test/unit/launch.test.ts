// test/unit/launch.test.ts — the launcher's host-side pieces without QEMU: --net user's options, passt's command
// line, taken ports (read from /proc against a real listener) and the messages of QEMU and passt mapped to one
// sentence, the parent chain, the stop-request state machine with a fake guest, and signal exit codes.
import { createServer, type AddressInfo } from "node:net";
import { describe, expect, it, vi } from "vitest";
import { signalExitCode } from "../../boot/exit_codes.ts";
import { firstTakenForward, hostPortTaken, mapForwardError } from "../../boot/launch/host_ports.ts";
import { passtArgs } from "../../boot/launch/passt.ts";
import { deviceArgs, parseNetOption } from "../../boot/launch/qemu.ts";
import { ancestorLinks, supervise } from "../../boot/launch/supervise.ts";

describe("--net user", () => {
  it("allows outbound connections by default, as a container, and picks passt where it can (backend auto)", () => {
    expect(parseNetOption("user,hostfwd=tcp:8080-:80")).toEqual({
      kind: "user", hostfwd: [{ proto: "tcp", hostPort: 8080, guestPort: 80 }], restrict: false, backend: "auto" });
  });
  it("takes restrict, restrict=on|off and backend=passt|slirp", () => {
    expect(parseNetOption("user,restrict=off")).toMatchObject({ restrict: false });
    expect(parseNetOption("user,restrict")).toMatchObject({ restrict: true });
    expect(parseNetOption("user,restrict=on,backend=slirp")).toMatchObject({ restrict: true, backend: "slirp" });
    expect(parseNetOption("user,backend=passt")).toMatchObject({ backend: "passt" });
  });
  it("refuses what it cannot read, and ports outside 1..65535, in one sentence", () => {
    expect(() => parseNetOption("user,restrict=maybe")).toThrow(/cannot read 'restrict=maybe'/);
    expect(() => parseNetOption("user,backend=vde")).toThrow(/cannot read 'backend=vde'/);
    expect(() => parseNetOption("user,hostfwd=tcp:70000-:80")).toThrow(/ports are 1 to 65535/);
  });
  it("slirp: restrict=off only when asked; passt: a stream netdev on the socket startGuest made", () => {
    const img = { image: "x.elf" };
    const slirp = deviceArgs({ ...img, net: { kind: "user", restrict: false, hostfwd: [] } }, "microvm").join(" ");
    expect(slirp).toContain("user,id=net0,restrict=off");
    expect(deviceArgs({ ...img, net: { kind: "user" } }, "microvm").join(" ")).toContain("restrict=on");
    const passt = deviceArgs({ ...img, net: { kind: "user", backend: "passt", passtSocket: "/tmp/p.sock" } }, "microvm").join(" ");
    expect(passt).toContain("stream,id=net0,server=off,addr.type=unix,addr.path=/tmp/p.sock");
    expect(() => deviceArgs({ ...img, net: { kind: "user", backend: "passt" } }, "microvm")).toThrow(/startGuest/);
  });
});

describe("passt's command line", () => {
  const fwd = [{ proto: "tcp" as const, hostPort: 8080, guestPort: 80 }, { proto: "udp" as const, hostPort: 5353, guestPort: 53 }];
  it("binds forwards to 127.0.0.1, gives the guest slirp's addresses, and stays in the foreground for one client", () => {
    const a = passtArgs({ hostfwd: fwd, restrict: false }, "/s");
    expect(a).toEqual(expect.arrayContaining(["--foreground", "--one-off", "--socket", "/s", "--address", "10.0.2.15", "--gateway", "10.0.2.2"]));
    expect(a.slice(a.indexOf("--tcp-ports"), a.indexOf("--tcp-ports") + 2)).toEqual(["--tcp-ports", "127.0.0.1/8080:80"]);
    expect(a.slice(a.indexOf("--udp-ports"), a.indexOf("--udp-ports") + 2)).toEqual(["--udp-ports", "127.0.0.1/5353:53"]);
    expect(a).not.toContain("--outbound");
  });
  it("restricted: outbound sockets bound to 127.0.0.1 (nothing leaves the machine), no DNS server, no ICMP", () => {
    const a = passtArgs({ hostfwd: [] }, "/s");
    expect(a.slice(a.indexOf("--outbound"), a.indexOf("--outbound") + 2)).toEqual(["--outbound", "127.0.0.1"]);
    expect(a).toEqual(expect.arrayContaining(["--dns", "none", "--no-icmp", "--tcp-ports", "none", "--udp-ports", "none"]));
  });
});

describe("taken host ports", () => {
  it("a TCP listener on 127.0.0.1 is seen in /proc/net/tcp; once closed it is not", async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    const port = (s.address() as AddressInfo).port;
    expect(hostPortTaken("tcp", port)).toBe(true);
    expect(firstTakenForward([{ proto: "tcp", hostPort: port }])).toBe(`127.0.0.1:${port} is in use`);
    await new Promise<void>((r) => s.close(() => r()));
    expect(hostPortTaken("tcp", port)).toBe(false);
    expect(firstTakenForward([{ proto: "tcp", hostPort: port }])).toBe(null);
  });
  it("QEMU's and passt's messages become the launcher's sentence", () => {
    expect(mapForwardError("qemu-system-x86_64: -netdev user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:8080-:8080: Could not set up host forwarding rule 'tcp:127.0.0.1:8080-:8080'\n"))
      .toBe("127.0.0.1:8080 is in use");
    expect(mapForwardError("Failed to bind any port for '-t 127.0.0.1/8081:8080', exiting\n")).toBe("127.0.0.1:8081 is in use");
    expect(mapForwardError("Failed to bind any port for '-u 127.0.0.1/5353:53', exiting")).toBe("127.0.0.1:5353/udp is in use");
    expect(mapForwardError("qemu-system-x86_64: something else")).toBe(null);
  });
});

describe("the launcher's parent chain", () => {
  it("starts with this process and its parent", () => {
    const links = ancestorLinks();
    expect(links[0]).toEqual([process.pid, process.ppid]);
  });
});

describe("stop requests", () => {
  it("a signal presses the power button; the guest is killed when the grace period ends; handlers go away", async () => {
    vi.useFakeTimers();
    try {
      const guest = { powerDown: vi.fn(() => Promise.resolve()), kill: vi.fn() };
      const before = process.listenerCount("SIGTERM");
      const s = supervise(guest, 3000, 60_000);
      expect(process.listenerCount("SIGTERM")).toBe(before + 1);
      process.emit("SIGTERM", "SIGTERM");
      expect(guest.powerDown).toHaveBeenCalledTimes(1);
      expect(s.signal()).toBe("SIGTERM");
      vi.advanceTimersByTime(2999);
      expect(guest.kill).not.toHaveBeenCalled();
      vi.advanceTimersByTime(1);
      expect(guest.kill).toHaveBeenCalledTimes(1);
      expect(s.killed()).toBe(true);
      s.end();
      expect(process.listenerCount("SIGTERM")).toBe(before);
    } finally {
      vi.useRealTimers();
    }
  });
  it("the same signal relayed again at once is one request; a second one later kills at once", async () => {
    const guest = { powerDown: vi.fn(() => Promise.resolve()), kill: vi.fn() };
    const s = supervise(guest, 60_000, 60_000);
    try {
      process.emit("SIGINT", "SIGINT");
      process.emit("SIGINT", "SIGINT");
      expect(guest.kill).not.toHaveBeenCalled();
      await new Promise((r) => setTimeout(r, 600));
      process.emit("SIGINT", "SIGINT");
      expect(guest.kill).toHaveBeenCalledTimes(1);
      expect(guest.powerDown).toHaveBeenCalledTimes(1);
    } finally {
      s.end();
    }
  });
  it("a guest that cannot take the request (no QMP) is killed at once", async () => {
    const guest = { powerDown: vi.fn(() => Promise.reject(new Error("no QMP"))), kill: vi.fn() };
    const s = supervise(guest, 60_000, 60_000);
    try {
      process.emit("SIGHUP", "SIGHUP");
      await new Promise((r) => setTimeout(r, 0));
      expect(guest.kill).toHaveBeenCalledTimes(1);
    } finally {
      s.end();
    }
  });
  it("exit codes for a guest stopped that way: 128 + the signal's number", () => {
    expect([signalExitCode("SIGHUP"), signalExitCode("SIGINT"), signalExitCode("SIGTERM")]).toEqual([129, 130, 143]);
  });
});
