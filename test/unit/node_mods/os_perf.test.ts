// node:os, perf_hooks' timeline, worker_threads and module's createRequire on the simulated platform: memory and
// CPU facts from the platform, idle time from halts, the hostname from the image configuration, interfaces from the
// stack's registration, marks/measures on the virtual clock, observers dispatched in an immediate, timerify and
// event-loop utilization. Time is virtual: nothing here sleeps.
import { beforeAll, describe, expect, it } from "vitest";
import { EventLoop, setLoop, loop } from "../../../kernel/event_loop.ts";
import { setPlatform } from "../../../kernel/platform.ts";
import os from "../../../libos/os/index.ts";
import { registerNetworkInfo } from "../../../libos/os/net_info.ts";
import { DhcpOption, readDhcpOption, type DhcpOptions } from "../../../libos/net/wire/dhcpv4_options.ts";
import { Module, createRequire } from "../../../libos/module/index.ts";
import { registerBuiltins } from "../../../libos/module/registry.ts";
import { performance } from "../../../libos/perf_hooks/performance.ts";
import { PerformanceObserver } from "../../../libos/perf_hooks/observer.ts";
import { setTimeout } from "../../../libos/timers/index.ts";
import * as wt from "../../../libos/worker_threads/index.ts";
import { SimPlatform } from "../../sim/platform.ts";

let sim: SimPlatform;
const MiB = 1024 * 1024;

beforeAll(() => {
  // One machine for the file: idle accounting wraps the platform's halt once.
  sim = new SimPlatform({
    tscHz: 2_400_000_000,
    totalMemory: 256 * MiB,
    memoryUsage: () => ({ heapUsed: 3 * MiB, heapLimit: 200 * MiB, objects: 10, rss: 40 * MiB, totalMemory: 256 * MiB }),
    config: JSON.stringify({ argv: ["/unijs", "/app/x"], env: {}, name: "My_App.js", bundle: "b.js" }),
  });
  setPlatform(sim);
  setLoop(new EventLoop(sim));
});

describe("os", () => {
  it("memory comes from the platform's accounting: free is what the image does not use", () => {
    expect(os.totalmem()).toBe(256 * MiB);
    expect(os.freemem()).toBe(216 * MiB);
    expect(`${os.totalmem}`).toBe(String(256 * MiB));          // Node's Symbol.toPrimitive
  });

  it("one CPU: speed from the TSC, busy and idle times from the event loop's halts", () => {
    const before = os.cpus()[0];
    expect(os.cpus()).toHaveLength(1);
    expect(before.speed).toBe(2400);
    expect(before.model).toBe("unknown");                        // the simulated platform has no hal.cpuInfo
    sim.advance(30);                                             // busy
    setTimeout(() => {}, 70);
    loop().run();                                                // halts 70 ms
    const after = os.cpus()[0].times;
    expect(after.idle - before.times.idle).toBe(70);
    expect(after.user - before.times.user).toBe(30);
    expect(os.availableParallelism()).toBe(1);
  });

  it("hostname is the app's name made a host name; uptime is the machine's", () => {
    expect(os.hostname()).toBe("my-app");
    expect(os.uptime()).toBe(Math.floor(sim.time / 10) / 100);
  });

  it("the loopback only, until the network stack registers its card", () => {
    expect(Object.keys(os.networkInterfaces())).toEqual(["lo"]);
    registerNetworkInfo(() => [{ mac: 0x525400123456, address: (10 << 24) | (0 << 16) | (2 << 8) | 15, prefixLength: 24 }]);
    expect(os.networkInterfaces().eth0).toEqual([{
      address: "10.0.2.15", netmask: "255.255.255.0", family: "IPv4", mac: "52:54:00:12:34:56", internal: false, cidr: "10.0.2.15/24",
    }]);
    registerNetworkInfo(() => [{ mac: 1, address: null, prefixLength: 0 }]);   // DHCP not bound yet
    expect(Object.keys(os.networkInterfaces())).toEqual(["lo"]);
  });

  it("hostname: the name DHCP gave with the lease (option 12) wins over the app's name", () => {
    const repr = {} as DhcpOptions;
    const bytes = new TextEncoder().encode("xx guest-7\0");
    readDhcpOption(repr, DhcpOption.HostName, bytes, 3, bytes.length - 3);
    expect(repr.hostName).toBe("guest-7");
    registerNetworkInfo(() => [{ mac: 1, address: 1, prefixLength: 8, hostName: repr.hostName }]);
    expect(os.hostname()).toBe("guest-7");
    registerNetworkInfo(() => []);
    expect(os.hostname()).toBe("my-app");
  });

  it("priorities: this process has one; other pids are ESRCH SystemErrors; Node's validation", () => {
    os.setPriority(7);
    expect(os.getPriority()).toBe(7);
    os.setPriority(1, -3);                                       // process.pid is 1
    expect(os.getPriority(0)).toBe(-3);
    os.setPriority(0);
    const e = (() => { try { os.getPriority(42); } catch (x) { return x as Error & { code: string; info: object; errno: number }; } })();
    expect(e?.message).toBe("A system error occurred: uv_os_getpriority returned ESRCH (no such process)");
    expect(e?.code).toBe("ERR_SYSTEM_ERROR");
    expect(e?.info).toEqual({ errno: -3, code: "ESRCH", message: "no such process", syscall: "uv_os_getpriority" });
    expect(e?.errno).toBe(-3);
    expect(() => os.setPriority(0, 20)).toThrow('The value of "priority" is out of range. It must be >= -20 && <= 19. Received 20');
  });

  it("the root user with a null-prototype record and no login shell", () => {
    const u = os.userInfo();
    expect(Object.getPrototypeOf(u)).toBe(null);
    expect({ ...u }).toEqual({ uid: 0, gid: 0, username: "root", homedir: "/root", shell: null });
    expect(os.loadavg()).toEqual([0, 0, 0]);
    expect(os.tmpdir()).toBe("/tmp");
  });
});

describe("perf_hooks on the virtual clock", () => {
  it("marks default to now; measures between marks; entries in start order", () => {
    const p = performance();
    const t0 = sim.time;
    p.mark("a");
    sim.advance(12.5);
    p.mark("b");
    const m = p.measure("a-b", "a", "b");
    expect(m.startTime).toBe(t0);
    expect(m.duration).toBe(12.5);
    expect(p.getEntriesByName("a-b")[0]).toBe(m);
    expect(p.getEntries().map((e) => e.name)).toEqual(["a", "a-b", "b"]);
    p.clearMarks();
    p.clearMeasures();
    expect(p.getEntries()).toEqual([]);
  });

  it("observers get entries in an immediate, timerify reports 'function' entries with the call's duration", () => {
    const p = performance();
    const seen: string[] = [];
    const obs = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) seen.push(`${e.entryType}:${e.name}:${e.duration}`);
    });
    obs.observe({ entryTypes: ["mark", "function"] });
    const work = function work(ms: number) { sim.advance(ms); return ms; };
    const slow = p.timerify(work);
    expect(slow.name).toBe(`timerified ${work.name}`);
    expect(slow(4)).toBe(4);
    p.mark("m");
    expect(seen).toEqual([]);                                   // not synchronously
    loop().run();
    expect(seen).toEqual([`function:${work.name}:4`, "mark:m:0"]);
    obs.disconnect();
    p.clearMarks();
  });

  it("eventLoopUtilization: halted time is idle, the rest active; deltas between results", () => {
    const p = performance();
    const a = p.eventLoopUtilization();
    sim.advance(10);
    setTimeout(() => {}, 30);
    loop().run();
    const d = p.eventLoopUtilization(a);
    expect(d.idle).toBe(30);
    expect(d.active).toBe(10);
    expect(d.utilization).toBe(0.25);
  });
});

describe("worker_threads and module", () => {
  it("the main thread only; Worker refuses with ERR_FEATURE_UNAVAILABLE_ON_PLATFORM", () => {
    expect([wt.isMainThread, wt.threadId, wt.parentPort, wt.workerData]).toEqual([true, 0, null, null]);
    expect(() => new wt.Worker("w.js")).toThrow(expect.objectContaining({ code: "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM" }));
    wt.setEnvironmentData("k", 1);
    expect(wt.getEnvironmentData("k")).toBe(1);
    wt.setEnvironmentData("k");
    expect(wt.getEnvironmentData("k")).toBe(undefined);
  });

  it("createRequire finds registered built-ins; anything else is MODULE_NOT_FOUND with the require stack", () => {
    const fake = { fake: true };
    registerBuiltins({ os: () => fake });
    const require = createRequire("file:///app/src/main.js");
    expect(require("node:os")).toBe(fake);
    expect(require("os")).toBe(fake);
    expect(() => require("fs")).toThrow(/^Cannot find module 'fs': the built-in is not in this image/);
    expect(() => require("./x.js")).toThrow(expect.objectContaining({ code: "MODULE_NOT_FOUND", requireStack: ["/app/src/main.js"] }));
    expect(require.resolve("node:fs")).toBe("node:fs");
    expect(require.resolve.paths("x")?.slice(0, 3)).toEqual(["/app/src/node_modules", "/app/node_modules", "/node_modules"]);
    expect(() => createRequire("x.js")).toThrow("The argument 'filename' must be a file URL object, file URL string, or absolute path string. Received 'x.js'");
    expect(new Module("/a/b.js").path).toBe("/a");
    expect(Module.wrap("x")).toBe("(function (exports, require, module, __filename, __dirname) { x\n});");
  });
});
