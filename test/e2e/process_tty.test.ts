// test/e2e/process_tty.test.ts — process, tty and readline in booted images, against host Node where the same
// program can run there: the process/tty/readline API transcript (emitWarning output and events, cpuUsage/
// resourceUsage/memoryUsage/hrtime shapes and errors, kill and signal events, isatty, readline over a stream);
// process.stdin from the serial console (typed after the program is ready, ended with Ctrl-D), an interactive
// readline session; the hypervisor's shutdown request (QMP system_powerdown: the ACPI power button on pc, the
// Generic Event Device on microvm) reaching an http server's SIGTERM handler, which closes it so the app ends with
// 0, and SIGTERM's default exit code 143 without a handler; and that the hello image carries none of it.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startGuest, type BootOptions, type BootResult, type Guest } from "../../boot/launch/qemu.ts";
import { ROOT } from "../../boot/paths.ts";
import { ACCEL, buildFixture, run } from "../helpers/guest.ts";
import { freeTcpPort } from "../helpers/ports.ts";

const fixture = (name: string) => join(ROOT, "test/fixtures/process_tty", name);

/** "(node:PID)" and the trace hint's program name ("node" on the host, "unijs" in an image) made equal. */
const normalise = (text: string) => text.replace(/\(node:\d+\)/g, "(node:PID)").replace(/\(Use `\S+ --trace/g, "(Use `PROGRAM --trace");

/** Host Node's output for a fixture, stdout and stderr in one pipe, with `input` as its stdin. */
function hostRun(name: string, input = ""): string {
  return execFileSync("sh", ["-c", `"${process.execPath}" "${fixture(name)}" 2>&1`], { input, encoding: "utf8" });
}

const live = new Set<Guest>();
afterAll(() => {
  for (const g of live) g.kill();
});

/**
 * Boots an image and calls `onReady` once the console shows `ready` (a string or pattern), with the guest.
 * Resolves with the result when the guest ends.
 */
async function interact(image: string, ready: RegExp, onReady: (g: Guest) => void | Promise<void>,
                        opts: Partial<BootOptions> = {}): Promise<BootResult> {
  let seen = "";
  let fired = false;
  let guest: Guest | undefined;
  let failure: unknown;
  const g = startGuest({
    image, accel: ACCEL, timeoutMs: 120_000, ...opts,
    onOutput: (text) => {
      seen += text;
      if (!fired && ready.test(seen)) {
        fired = true;
        Promise.resolve(onReady(guest ?? g)).catch((e) => { failure = e; g.kill(); });
      }
    },
  });
  guest = g;
  live.add(g);
  try {
    const r = await g.done;
    if (failure) throw failure;
    return r;
  } finally {
    g.kill();
    live.delete(g);
  }
}

describe("process, tty and readline against host Node", () => {
  it("the API transcript (warnings, usage, hrtime, kill and signals, isatty, readline over a stream) equals host Node's", async () => {
    const expected = normalise(hostRun("process_api.cjs"));
    expect(expected).toContain("signal SIGUSR2 12");
    const r = await run(fixture("process_api.cjs"));
    expect(r.code).toBe(0);
    const a = expected.split("\n"), b = normalise(r.output).split("\n");
    for (let i = 0; i < Math.max(a.length, b.length); i++) expect(`${i}: ${b[i]}`).toBe(`${i}: ${a[i]}`);
  });
});

describe("process.stdin from the serial console", () => {
  it("delivers typed text as 'data' (setEncoding, pause/resume) and Ctrl-D as 'end'", async () => {
    const lines = ["hello world", "second line é", ""];
    const expected = hostRun("stdin_echo.cjs", lines.join("\n"));
    const img = await buildFixture(fixture("stdin_echo.cjs"));
    const r = await interact(img.path, /ready\n/, (g) => {
      g.write(lines.join("\n"));
      setTimeout(() => g.endInput(), 300);
    }, { input: true });
    expect(r.code).toBe(0);
    expect(r.output).toBe(expected);
  });

  it("answers an interactive readline session typed line by line after each prompt", async () => {
    const input = ["Ada", "hello there", "sum", "last"];
    const expected = hostRun("ask.cjs", input.join("\n"));
    const img = await buildFixture(fixture("ask.cjs"));
    const r = await interact(img.path, /What is your name\? $/, async (g) => {
      // Each line goes in only once the program asked for it: the guest reads as a person types.
      let prompts = 0;
      for (const line of input.slice(0, -1)) {
        g.write(line + "\n");
        prompts++;
        await new Promise((resolve) => setTimeout(resolve, 400));
      }
      g.write(input[input.length - 1]);
      g.endInput();
      expect(prompts).toBe(3);
    }, { input: true });
    expect(r.code).toBe(0);
    expect(r.output).toBe(expected);
  });
});

describe("Node's documentation example", () => {
  it("readline/promises with stdin/stdout imported from node:process and a top-level await answers what is typed", async () => {
    const expected = hostRun("docs_question.mjs", "great\n");
    const img = await buildFixture(fixture("docs_question.mjs"));
    const r = await interact(img.path, /Node\.js\? $/, (g) => g.write("great\n"), { input: true });
    expect(r.code).toBe(0);
    expect(r.output).toBe(expected);
  });
});

describe("shutdown requests from the hypervisor", () => {
  for (const machine of ["microvm", "pc"] as const) {
    it(`${machine}: system_powerdown reaches the app's SIGTERM handler, which closes its http server; the app ends with 0`, async () => {
      const img = await buildFixture(fixture("sigterm_server.cjs"));
      const port = await freeTcpPort();
      let response = "";
      const r = await interact(img.path, /listening on 8080\n/, async (g) => {
        const res = await fetch(`http://127.0.0.1:${port}/before`);
        response = await res.text();
        await g.powerDown();
      }, { machine, control: true, net: { kind: "user", hostfwd: [{ proto: "tcp", hostPort: port, guestPort: 8080 }] } });
      expect(response).toBe("hello /before\n");
      expect(r.output).toContain("got SIGTERM 15\nserver closed\nexit 0\n");
      expect(r.outcome).toBe("exit");
      expect(r.code).toBe(0);
    });
  }

  it("without a SIGTERM listener the request ends the app with 143 and no 'exit' event, as Node when killed", async () => {
    const img = await buildFixture(fixture("sigterm_default.cjs"));
    const r = await interact(img.path, /ready\n/, (g) => g.powerDown(), { control: true });
    expect(r.code).toBe(143);
    expect(r.output).not.toContain("exit event");
  });
});

describe("size", () => {
  it("an image that uses none of it carries no signal, stdin, usage, tty or readline code", async () => {
    const img = await buildFixture(join(ROOT, "examples/hello"));
    const paths = img.modules.map((m) => m.path);
    expect(paths.filter((p) => /libos\/(tty|readline)\/|libos\/process\/(signals|power_button|stdin|usage|warning_args)\.ts/.test(p))).toEqual([]);
  });
});
