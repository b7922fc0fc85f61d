// e2e: real images booted in real QEMU (TCG by default). Each test reads the serial console and the exit code.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LAUNCH } from "../../boot/exit_codes.ts";
import { ROOT } from "../../boot/paths.ts";
import { boot, buildFixture, run } from "../helpers/guest.ts";

describe("hello", () => {
  it("prints its greeting and computed values and exits 0", async () => {
    const r = await run(join(ROOT, "examples/hello"));
    expect(r.outcome).toBe("exit");
    expect(r.code).toBe(0);
    expect(r.output).toContain("Hello from unijs!\n");
    expect(r.output).toContain("fib(15) = 610\n");
    expect(r.output).toContain("first primes: 2 3 5 7 11 13 17 19 23 29\n");
    expect(r.output).toContain("sqrt(2) = 1.414214\n");
    expect(r.output).toContain("running on linux x64 with QuickJS 2025-04-26\n");
  });

  it("boots on the pc machine type too", async () => {
    const img = await buildFixture(join(ROOT, "examples/hello"));
    const r = await boot(img.path, { machine: "pc" });
    expect(r.code).toBe(0);
    expect(r.output).toContain("Hello from unijs!\n");
  });
});

describe("exit codes", () => {
  it("process.exit(7) exits with 7 and runs nothing after it", async () => {
    const r = await run("exit-code");
    expect(r.outcome).toBe("exit");
    expect(r.code).toBe(7);
    expect(r.output).toContain("exiting with 7");
    expect(r.output).not.toContain("not reached");
  });

  it("passes any code 0..125 through (argv from the image build)", async () => {
    for (const code of [0, 1, 42, 125]) {
      const r = await run("exit-code", { args: [String(code)] });
      expect(r.code).toBe(code);
    }
  });

  it("pending promise jobs run after the top level; process.exitCode is the exit code", async () => {
    const r = await run("jobs");
    expect(r.output).toBe("top level done\norder: a,b,c\n");
    expect(r.code).toBe(5);
  });
});

describe("errors", () => {
  it("an uncaught exception prints Uncaught <error> with the source function and line, exit 1", async () => {
    const r = await run("throws");
    const line = readFileSync(join(ROOT, "test/fixtures/throws/index.ts"), "utf8").split("\n")
      .findIndex((l) => l.includes("THROW-LINE")) + 1;
    expect(r.code).toBe(1);
    expect(r.output).toContain("starting\n");
    expect(r.output).toContain("Uncaught TypeError: config must be JSON, got 'oops'\n");
    // Line and column of the source (the engine points at the callee of `new TypeError`, V8 at `new`).
    const column = readFileSync(join(ROOT, "test/fixtures/throws/index.ts"), "utf8").split("\n")[line - 1]
      .indexOf("TypeError(") + 1;
    expect(r.output).toContain(`    at parseConfig (test/fixtures/throws/index.ts:${line}:${column})\n`);
    expect(r.output).toMatch(/at startService \(test\/fixtures\/throws\/index\.ts:10:3\)/);
    expect(r.output).not.toContain("not reached");
    expect(r.output).not.toContain("unijs-entry.js");
  });

  it("an unhandled rejection prints Uncaught <error> and exits 1; a handled one does not", async () => {
    const r = await run("rejects");
    expect(r.code).toBe(1);
    expect(r.output).toContain("handled rejection is fine\n");
    expect(r.output).toContain("Uncaught RangeError: no user 42\n");
    expect(r.output).toMatch(/at loadUser \(test\/fixtures\/rejects\/index\.ts:\d+:\d+\)/);
    expect(r.output).not.toContain("handled later");
  });
});

describe("libc-backed JS semantics", () => {
  it("match the host's Node exactly", async () => {
    const fixture = join(ROOT, "test/fixtures/libc/index.js");
    const expected = execFileSync(process.execPath, [fixture], { encoding: "utf8" });
    const r = await run("libc");
    expect(r.code).toBe(0);
    expect(r.output).toBe(expected);
    expect(r.output).toContain("0.1+0.2 = 0.30000000000000004\n");
    expect(r.output).toContain("new Date(0).toISOString() = 1970-01-01T00:00:00.000Z\n");
  });
});

describe("kernel faults", () => {
  const cases: [string, RegExp][] = [
    ["null", /CPU EXCEPTION 14 #PF page fault[\s\S]*page fault at 0x8: page not present, write \(null pointer\)/],
    ["nx", /CPU EXCEPTION 14 #PF[\s\S]*protection violation, instruction fetch/],
    ["wp", /CPU EXCEPTION 14 #PF[\s\S]*protection violation, write/],
    ["stack", /CPU EXCEPTION 14 #PF[\s\S]*page not present, write/],
    ["ud", /CPU EXCEPTION 6 #UD invalid opcode/],
  ];
  for (const [kind, pattern] of cases) {
    it(`a ${kind} fault prints a register dump and backtrace and exits with the panic code`, async () => {
      const r = await run("fault", { testHooks: true, args: [kind] });
      expect(r.output).toContain(`faulting: ${kind}\n`);
      expect(r.output).toMatch(pattern);
      expect(r.output).toMatch(/RIP [0-9a-f]{16}/);
      expect(r.output).toMatch(/CR2 [0-9a-f]{16}/);
      expect(r.output).toContain("backtrace:\n");
      expect(r.output).toContain("[unijs] kernel panic\n");
      expect(r.output).not.toContain("survived");
      expect(r.outcome).toBe("panic");
      expect(r.code).toBe(LAUNCH.PANIC);
    });
  }

  it("the backtrace is symbolised from the image's symbol file", async () => {
    const r = await run("fault", { testHooks: true, args: ["null"] });
    expect(r.output).toMatch(/#- 0x[0-9a-f]+ \(faulting instruction\) fault_null_write\+0x/);
    expect(r.output).toMatch(/#\d+ 0x[0-9a-f]+ js_call_c_function\+0x/);
  });

  it("a normal image has no test hooks", async () => {
    const r = await run("fault", { args: ["null"] });
    expect(r.output).toContain("no test hooks in this image");
    expect(r.code).toBe(3);
  });
});

describe("memory limits", () => {
  it("an app over its heap limit gets a clean out-of-memory report and exit 1", async () => {
    const r = await run("oom", { heapBytes: 16 << 20 });
    expect(r.outcome).toBe("exit");
    expect(r.code).toBe(1);
    expect(r.output).toContain("Uncaught InternalError: out of memory\n");
    // QuickJS records the stack only when it has memory left to build it; when it does, it names the app's frame.
    if (r.output.includes("    at ")) expect(r.output).toMatch(/at grow \(test\/fixtures\/oom\/index\.ts:\d+:\d+\)/);
  });

  it("the out-of-memory error is catchable and the app goes on", async () => {
    const r = await run("oom", { heapBytes: 16 << 20, args: ["catch"] });
    expect(r.code).toBe(0);
    expect(r.output).toMatch(/caught: out of memory after \d+ chunks\n/);
  });

  it("a heap filled by tiny objects still gets a catchable error each time, then a clean report (no panic)", async () => {
    const r = await run("oom", { heapBytes: 8 << 20, args: ["small"] });
    expect(r.outcome).toBe("exit");
    expect(r.code).toBe(1);
    for (const round of [0, 1, 2]) expect(r.output).toMatch(new RegExp(`round ${round}: caught out of memory after \\d+ objects\n`));
    expect(r.output).toContain("Uncaught InternalError: out of memory\n");
  });

  it("an array of tiny objects filling the automatic heap of the default RAM: a catchable InternalError, then a clean report", async () => {
    const r = await run("oom", { args: ["push"] });
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/caught InternalError: out of memory after \d+ objects\n/);
    expect(r.output).toContain("Uncaught InternalError: out of memory\n");
    expect(r.output).not.toContain("null");
  });

  // The builder refuses a heap limit that leaves the kernel no room in the image's own RAM size, so these images are
  // built for 1,040 MiB and booted by the launcher's API (which does not check) with less.
  it("the same with a heap limit above RAM (built --mem 1040M --heap 1G, booted with 64M): RAM runs out first, the error is still built", async () => {
    const r = await run("oom", { heapBytes: 1 << 30, memBytes: 1040 << 20, args: ["push"] }, { memBytes: 64 << 20 });
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/caught InternalError: out of memory after \d+ objects\n/);
    expect(r.output).toContain("Uncaught InternalError: out of memory\n");
    expect(r.output).not.toContain("null");
  });

  it("a heap limit larger than RAM ends in the same clean report when RAM runs out", async () => {
    const r = await run("oom", { heapBytes: 1 << 30, memBytes: 1040 << 20 }, { memBytes: 48 << 20 });
    expect(r.code).toBe(1);
    expect(r.output).toContain("Uncaught InternalError: out of memory\n");
  });
});
