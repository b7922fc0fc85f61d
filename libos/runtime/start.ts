// libos/runtime/start.ts — the image's entry: installs the Node-like globals, runs the app's top level, runs
// pending promise jobs to completion, reports uncaught exceptions and unhandled rejections, and exits.
// Layer: libos (the top: it assembles kernel services and Node APIs). The builder's entry stub calls runMain.

import { platform } from "../../kernel/platform.ts";
import { mapStack } from "../../kernel/stack_trace.ts";
import { createConsole } from "../console/index.ts";
import { inspect } from "../console/inspect.ts";
import { createProcess, type ImageConfig } from "../process/index.ts";

/**
 * Drops the frames that belong to starting the app rather than to the app: the entry stub, runMain, the
 * bundle's module wrappers (lines with no source) and the script's own top frame.
 */
export function appFrames(mappedStack: string, bundle: string): string {
  return mappedStack
    .split("\n")
    .filter((f) => !/\(unijs-entry\.js[:)]|^\s+at runMain \(libos\/runtime\/start\.ts:/.test(f) &&
      !f.includes(`(${bundle}:`) && !f.includes(`(${bundle})`))
    .join("\n");
}

/** "Uncaught <error>" plus the source-mapped stack, as Node prints an uncaught exception. */
export function describeUncaught(err: unknown, bundle = ""): string {
  if (err instanceof Error || (typeof err === "object" && err !== null && "stack" in err)) {
    const e = err as Error;
    const raw = typeof e.stack === "string" ? mapStack(e.stack).replace(/\n+$/, "") : "";
    const stack = bundle ? appFrames(raw, bundle) : raw;
    return `Uncaught ${e.name ?? "Error"}: ${e.message}${stack ? "\n" + stack : ""}`;
  }
  return `Uncaught ${inspect(err)}`;
}

function report(hal: ReturnType<typeof platform>, err: unknown, bundle: string): void {
  let text: string;
  try {
    text = describeUncaught(err, bundle);
  } catch {
    text = "Uncaught exception (it could not be described: out of memory?)";
  }
  hal.write(text + "\n");
}

/**
 * Runs an app inside the image. `loadApp` evaluates the app's top level (the builder passes `() => require(app)`).
 * Never returns: the machine exits with process.exitCode (default 0), or 1 after an uncaught error.
 */
export function runMain(loadApp: () => unknown): never {
  const hal = platform();
  const config = JSON.parse(hal.config()) as ImageConfig;
  const bundle = config.bundle;
  const g = globalThis as Record<string, unknown>;
  g.console = createConsole((_fd, text) => hal.write(text), () => hal.now());
  const proc = createProcess(config, (code) => hal.exit(code));
  g.process = proc;
  g.global = globalThis;

  try {
    loadApp();
    hal.runJobs();
    const rejected = hal.takeRejections();
    if (rejected.length > 0) {
      report(hal, rejected[1], bundle);
      return hal.exit(1);
    }
  } catch (err) {
    report(hal, err, bundle);
    return hal.exit(1);
  }
  return hal.exit(proc.exitCode ?? 0);
}
