// node:readline, readline/promises and node:tty's colour logic, hosted and differential: each scenario runs once
// with host Node's modules and once with unijs' (libos/readline over libos/stream), and the transcripts (events,
// answers, bytes written, errors) must be equal.
import * as nodeReadline from "node:readline";
import * as nodeReadlinePromises from "node:readline/promises";
import * as nodeStream from "node:stream";
import * as nodeTty from "node:tty";
import { describe, expect, it } from "vitest";
import * as ourReadline from "../../../libos/readline/index.ts";
import * as ourReadlinePromises from "../../../libos/readline/promises.ts";
import * as ourStream from "../../../libos/stream/index.ts";
import { getColorDepth, hasColors } from "../../../libos/tty/color_depth.ts";

type Impl = { readline: typeof nodeReadline; promises: typeof nodeReadlinePromises; stream: typeof nodeStream };
const host: Impl = { readline: nodeReadline, promises: nodeReadlinePromises, stream: nodeStream };
const ours = { readline: ourReadline, promises: ourReadlinePromises, stream: ourStream } as unknown as Impl;

const tick = () => new Promise((r) => setImmediate(r));

/** An output stream that records what is written to it. */
function recorder(stream: Impl["stream"], log: unknown[], extra: Record<string, unknown> = {}) {
  const out = new stream.Writable({
    decodeStrings: false,
    write(chunk, _enc, cb) {
      log.push(["out", String(chunk)]);
      cb();
    },
  });
  return Object.assign(out, extra);
}

function errorOf(fn: () => unknown): unknown {
  try {
    return ["ok", fn()];
  } catch (e) {
    const err = e as Error & { code?: string };
    return ["throws", err.name, err.code, err.message];
  }
}

async function both(scenario: (impl: Impl) => Promise<unknown[]>): Promise<unknown[]> {
  const expected = await scenario(host);
  const actual = await scenario(ours);
  expect(actual).toEqual(expected);
  return actual;
}

describe("readline over a stream (not a terminal)", () => {
  it("splits lines at \\n, \\r\\n and \\r across chunks, flushes the last line at end, then closes", async () => {
    const log = await both(async ({ readline, stream }) => {
      const log: unknown[] = [];
      const input = new stream.PassThrough();
      const rl = readline.createInterface({ input });
      log.push(["terminal", rl.terminal, "line", rl.line, "prompt", rl.getPrompt()]);
      for (const ev of ["line", "close", "pause", "resume", "history"]) rl.on(ev, (...a: unknown[]) => log.push([ev, ...a]));
      for (const chunk of ["one\ntw", "o\r\nthree\rfo", "ur\r", "\nfive\n\n", "é", Buffer.from([0xc3]), Buffer.from([0xa9, 0x0a]), "last"]) {
        input.write(chunk);
        await tick();
      }
      input.end();
      await tick();
      log.push(["closed", (rl as unknown as { closed?: boolean }).closed]);
      return log;
    });
    expect(log).toContainEqual(["line", "four"]);
    expect(log).toContainEqual(["line", "éé"]);
  });

  it("question, prompt, setPrompt, write and pause/resume", async () => {
    await both(async ({ readline, stream }) => {
      const log: unknown[] = [];
      const input = new stream.PassThrough();
      const output = recorder(stream, log);
      const rl = readline.createInterface({ input, output, prompt: "$ " });
      for (const ev of ["line", "close", "pause", "resume"]) rl.on(ev, (...a: unknown[]) => log.push([ev, ...a]));
      rl.prompt();
      rl.question("name? ", (a) => log.push(["answer", a, rl.getPrompt()]));
      rl.question("ignored? ", (a) => log.push(["never", a]));
      input.write("Ada\nnext\n");
      await tick();
      rl.setPrompt("% ");
      rl.prompt();
      rl.pause();
      rl.pause();
      rl.resume();
      rl.write("typed\n");
      await tick();
      rl.close();
      rl.close();
      log.push(errorOf(() => rl.question("late?", () => {})));
      await tick();
      return log;
    });
  });

  it("async iteration ends at close; leaving the loop early closes the interface", async () => {
    await both(async ({ readline, stream }) => {
      const log: unknown[] = [];
      const input = new stream.PassThrough();
      const rl = readline.createInterface({ input, crlfDelay: Infinity });
      rl.on("close", () => log.push(["close"]));
      input.end("a\nb\nc\nd\n");
      for await (const line of rl) {
        log.push(["line", line]);
        if (line === "c") break;
      }
      log.push(["after loop"]);
      await tick();
      const rl2 = readline.createInterface({ input: stream.Readable.from(["x\ny", "\nz"]) });
      const all: string[] = [];
      for await (const line of rl2) all.push(line);
      log.push(["all", all]);
      return log;
    });
  });

  it("an AbortSignal closes the interface or cancels a question", async () => {
    await both(async ({ readline, stream }) => {
      const log: unknown[] = [];
      const input = new stream.PassThrough();
      const ac = new AbortController();
      const rl = readline.createInterface({ input, signal: ac.signal });
      rl.on("close", () => log.push(["close"]));
      const q = new AbortController();
      rl.question("q1 ", { signal: q.signal }, (a) => log.push(["q1", a]));
      q.abort();
      rl.on("line", (l) => log.push(["line", l]));
      input.write("after abort\n");
      await tick();
      ac.abort();
      await tick();
      log.push(["closed", (rl as unknown as { closed?: boolean }).closed]);
      return log;
    });
  });

  it("option checks throw Node's errors", async () => {
    await both(async ({ readline, stream }) => {
      const input = new stream.PassThrough();
      return [
        errorOf(() => readline.createInterface({ input, completer: 5 as never })),
        errorOf(() => readline.createInterface({ input, historySize: -1 })),
        errorOf(() => readline.createInterface({ input, history: "x" as never })),
        errorOf(() => readline.createInterface({ input, escapeCodeTimeout: NaN })),
      ];
    });
  });
});

describe("readline/promises", () => {
  it("question resolves with the next line; an aborted signal rejects with AbortError", async () => {
    await both(async ({ promises, stream }) => {
      const log: unknown[] = [];
      const input = new stream.PassThrough();
      const output = recorder(stream, log);
      const rl = promises.createInterface({ input, output });
      const answer = rl.question("first? ");
      input.write("yes\n");
      log.push(["answer", await answer]);
      const ac = new AbortController();
      const pending = rl.question("second? ", { signal: ac.signal });
      ac.abort();
      log.push(await pending.then((v) => ["resolved", v], (e: Error & { code?: string }) => ["rejected", e.name, e.code]));
      rl.close();
      return log;
    });
  });

  it("Readline queues cursor operations until commit", async () => {
    await both(async ({ promises, stream }) => {
      const log: unknown[] = [];
      const out = recorder(stream, log);
      const r = new promises.Readline(out as never);
      r.cursorTo(0).cursorTo(3, 4).moveCursor(-2, 5).moveCursor(0, 0).clearLine(-1).clearLine(1).clearLine(0).clearScreenDown();
      await r.commit();
      r.cursorTo(7).rollback();
      await r.commit();
      log.push(errorOf(() => r.clearLine(2 as never)));
      log.push(errorOf(() => r.cursorTo(1.5)));
      return log;
    });
  });
});

describe("cursor functions", () => {
  it("write Node's sequences and answer as Node", async () => {
    await both(async ({ readline, stream }) => {
      const log: unknown[] = [];
      const out = recorder(stream, log);
      log.push(readline.cursorTo(out, 5), readline.cursorTo(out, 2, 3), readline.moveCursor(out, -1, 2),
        readline.moveCursor(out, 3, -4), readline.clearLine(out, -1), readline.clearLine(out, 0),
        readline.clearLine(out, 1), readline.clearScreenDown(out), readline.cursorTo(null as never, 1),
        readline.moveCursor(out, 0, 0));
      log.push(errorOf(() => readline.cursorTo(out, NaN)));
      log.push(errorOf(() => readline.cursorTo(out, undefined as never, 2)));
      log.push(errorOf(() => readline.clearLine(out, 0, 5 as never)));
      await new Promise<void>((r) => readline.cursorTo(null as never, 1, (() => { log.push(["cb"]); r(); }) as never));
      await tick();
      return log;
    });
  });
});

describe("emitKeypressEvents", () => {
  it("decodes keys as Node does, including sequences split across chunks", async () => {
    const log = await both(async ({ readline, stream }) => {
      const log: unknown[] = [];
      const input = new stream.PassThrough();
      readline.emitKeypressEvents(input);
      input.on("keypress", (s, key) => log.push([s, { ...key }]));
      const chunks = ["ab C1 ", "\x01\x03\r\n\t\x7f\b", "\x1b[A\x1b[B\x1b[C\x1b[D\x1b[H\x1b[F", "\x1bOA\x1b[1;5C\x1b[3~\x1b[5~\x1b[6~",
        "\x1b[15~\x1b[24;2~\x1b[200~x\x1b[201~", "\x1bb\x1b\x7f\x1b[", "Z\x1b[1", ";3D", "é€😀", "\x1b[Z\x1bOP"];
      for (const c of chunks) {
        input.write(c);
        await tick();
      }
      return log;
    });
    expect(log.length).toBeGreaterThan(30);
  });
});

describe("terminal interface", () => {
  it("edits the line from keypresses and keeps a history", async () => {
    await both(async ({ readline, stream }) => {
      const log: unknown[] = [];
      const input = Object.assign(new stream.PassThrough(), { isTTY: true, isRaw: false, setRawMode(m: boolean) { log.push(["raw", m]); this.isRaw = m; } });
      const output = recorder(stream, log, { isTTY: true, columns: 80 });
      const rl = readline.createInterface({ input, output, terminal: true, prompt: "> ", historySize: 2 });
      for (const ev of ["line", "close", "history", "SIGINT"]) rl.on(ev, (...a: unknown[]) => log.push([ev, ...a]));
      rl.prompt();
      const keys = ["abc", "\x1b[D", "\x7f", "X", "\r", "one", "\r", "two", "\r", "\x1b[A", "\x1b[A", "\x1b[B", "!", "\r",
        "hello", "\x01", "\x0b", "bye", "\x05", "\x15", "zz", "\x03", "\r"];
      for (const k of keys) {
        input.write(k);
        await tick();
        log.push(["state", rl.line, rl.cursor]);
      }
      log.push(["history", [...(rl as unknown as { history: string[] }).history]]);
      rl.close();
      await tick();
      return log;
    });
  });
});

describe("tty colour depth", () => {
  const envs: Record<string, string>[] = [
    {}, { TERM: "dumb" }, { TERM: "xterm-256color" }, { TERM: "xterm" }, { TERM: "vt100" }, { TERM: "screen" },
    { TERM: "mosh" }, { TERM: "unknown" }, { COLORTERM: "truecolor" }, { COLORTERM: "yes" }, { TMUX: "1" },
    { CI: "1" }, { CI: "1", GITHUB_ACTIONS: "1" }, { TEAMCITY_VERSION: "2017.1" }, { TERM_PROGRAM: "iTerm.app" },
    { TERM_PROGRAM: "iTerm.app", TERM_PROGRAM_VERSION: "3.2" }, { TERM_PROGRAM: "Apple_Terminal" },
    { NO_COLOR: "1", TERM: "xterm-256color" }, { FORCE_COLOR: "0" }, { FORCE_COLOR: "2" }, { FORCE_COLOR: "3" },
    { FORCE_COLOR: "" },
  ];
  it("getColorDepth and hasColors answer as Node's tty.WriteStream for each environment", () => {
    const nodeWs = nodeTty.WriteStream.prototype as unknown as { getColorDepth(env: object): number; hasColors(c?: unknown, e?: object): boolean };
    for (const env of envs) {
      expect([env, getColorDepth(env)]).toEqual([env, nodeWs.getColorDepth(env)]);
      expect(hasColors(env)).toBe(nodeWs.hasColors(env));
      expect(hasColors(256, env)).toBe(nodeWs.hasColors(256, env));
    }
    expect(errorOf(() => hasColors(1))).toEqual(errorOf(() => nodeWs.hasColors(1)));
  });
});
