// libos/tty/color_depth.ts — tty.WriteStream#getColorDepth / hasColors: Node 20's reading of the environment
// (FORCE_COLOR, NO_COLOR, NODE_DISABLE_COLORS, TERM=dumb, TMUX, CI, TERM_PROGRAM, COLORTERM, TERM), for a Linux
// platform. An image's environment is what `--env` gave it (empty by default: 2 colours, as Node with no TERM).
// Layer: libos. Depends on libos/util/errors.
import { validateInteger } from "../util/errors.ts";

type Env = Record<string, string | undefined>;

const TERM_ENVS: Record<string, number> = {
  eterm: 4, cons25: 4, console: 4, cygwin: 4, dtterm: 4, gnome: 4, hurd: 4, jfbterm: 4, konsole: 4, kterm: 4,
  mlterm: 4, mosh: 24, putty: 4, st: 4, "rxvt-unicode-24bit": 24, terminator: 24,
};
const TERM_PATTERNS = [/ansi/, /color/, /linux/, /^con[0-9]*x[0-9]/, /^rxvt/, /^screen/, /^xterm/, /^vt100/];
const CI_NAMES = ["APPVEYOR", "BUILDKITE", "CIRCLECI", "DRONE", "GITHUB_ACTIONS", "GITLAB_CI", "TRAVIS"];

let warned = false;

function warnIgnored(env: Env): void {
  if (warned) return;
  let name = "";
  if (env.NODE_DISABLE_COLORS !== undefined) name = "NODE_DISABLE_COLORS";
  if (env.NO_COLOR !== undefined) name += (name ? "' and '" : "") + "NO_COLOR";
  if (name) {
    (globalThis as { process?: { emitWarning(m: string, t: string): void } }).process?.emitWarning(
      `The '${name}' env is ignored due to the 'FORCE_COLOR' env being set.`, "Warning");
    warned = true;
  }
}

const processEnv = (): Env => (globalThis as { process?: { env: Env } }).process?.env ?? {};

/** Bits of colour the environment says the terminal has: 1, 4, 8 or 24. */
export function getColorDepth(env: Env = processEnv()): number {
  if (env.FORCE_COLOR !== undefined) {
    switch (env.FORCE_COLOR) {
      case "": case "1": case "true": warnIgnored(env); return 4;
      case "2": warnIgnored(env); return 8;
      case "3": warnIgnored(env); return 24;
      default: return 1;
    }
  }
  if (env.NODE_DISABLE_COLORS !== undefined || env.NO_COLOR !== undefined || env.TERM === "dumb") return 1;
  if (env.TMUX) return 8;
  if (env.CI) return CI_NAMES.some((n) => n in env) || env.CI_NAME === "codeship" ? 8 : 1;
  if ("TEAMCITY_VERSION" in env) return /^(9\.(0*[1-9]\d*)\.|\d{2,}\.)/.test(env.TEAMCITY_VERSION ?? "") ? 4 : 1;
  switch (env.TERM_PROGRAM) {
    case "iTerm.app": return !env.TERM_PROGRAM_VERSION || /^[0-2]\./.test(env.TERM_PROGRAM_VERSION) ? 8 : 24;
    case "HyperTerm": case "MacTerm": return 24;
    case "Apple_Terminal": return 8;
  }
  if (env.COLORTERM === "truecolor" || env.COLORTERM === "24bit") return 24;
  if (env.TERM) {
    if (/^xterm-256/.test(env.TERM)) return 8;
    const term = env.TERM.toLowerCase();
    if (TERM_ENVS[term]) return TERM_ENVS[term];
    if (TERM_PATTERNS.some((re) => re.test(term))) return 4;
  }
  return env.COLORTERM ? 4 : 1;
}

/** Whether the terminal has at least `count` colours (default 16). */
export function hasColors(count?: unknown, env?: Env): boolean {
  if (env === undefined && (count === undefined || (typeof count === "object" && count !== null))) {
    env = count as Env | undefined;
    count = 16;
  } else {
    validateInteger(count, "count", 2);
  }
  return (count as number) <= 2 ** getColorDepth(env);
}
