// e2e: Node's event-loop semantics. Every script in test/fixtures/loop runs under the host's Node and, built into an
// image, in QEMU: the guest's console output and exit code must equal Node's stdout and exit status exactly.
// The scripts print with console.log only and are deterministic under Node (no measured durations, no races
// between timers whose due times are close unless Node orders them by insertion). The root package.json has
// "type": "module", so Node runs them as ES modules.
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../boot/paths.ts";
import { boot, buildFixture } from "../helpers/guest.ts";

const DIR = join(ROOT, "test/fixtures/loop");
const scripts = readdirSync(DIR).filter((f) => f.endsWith(".js")).sort();

/**
 * Scripts whose guest output still differs from Node's because of a known runtime bug: script → the bug. Their
 * tests are `it.fails`, so they start failing (and must be moved out of here) once the bug is fixed.
 */
const KNOWN_BUGS: Record<string, string> = {};

interface NodeRun {
  stdout: string;
  stderr: string;
  code: number | null;
}

/** Runs a script under the host's Node (the one running vitest), capturing stdout, stderr and the exit status. */
function runNode(file: string): Promise<NodeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { cwd: DIR, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    child.on("error", reject);
    child.on("close", (code) => resolve({ stdout, stderr, code }));
  });
}

async function compare(script: string): Promise<void> {
  const file = join(DIR, script);
  const [node, image] = await Promise.all([runNode(file), buildFixture(file)]);
  // The fixture itself must be clean under Node: no warnings or crash reports (the guest's console mixes both).
  expect(node.stderr, `${script} under Node wrote to stderr`).toBe("");
  expect(node.code).not.toBeNull();
  const r = await boot(image.path);
  expect(r.outcome).toBe("exit");
  expect(r.output).toBe(node.stdout);
  expect(r.code).toBe(node.code);
}

describe("event loop: guest output equals Node's", () => {
  it("has the fixture scripts", () => {
    expect(scripts.length).toBeGreaterThanOrEqual(24);
    for (const name of Object.keys(KNOWN_BUGS)) expect(scripts).toContain(name);
  });

  for (const script of scripts) {
    const bug = KNOWN_BUGS[script];
    if (bug) it.fails(`${script} (known runtime bug: ${bug})`, () => compare(script));
    else it(script, () => compare(script));
  }
});
