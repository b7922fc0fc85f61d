// libos/assert/assertion_error.ts — Node 20's AssertionError: code ERR_ASSERTION, actual/expected/operator,
// generatedMessage, the name printed as "AssertionError [ERR_ASSERTION]" in toString, and the messages Node 20
// generates — "Expected values to be strictly equal:" with "a !== b" for short primitives, the "+ actual - expected"
// line diff of the two values inspected (sorted keys, one entry per line) with Node 20's rules for skipping identical
// lines, trailing-comma tolerance and the "^" mismatch indicator, and the texts of the not*/loose operators.
// Written from the behaviour of Node 20's lib/internal/assert/assertion_error.js (its line-by-line diff, not the
// Myers diff of later Node versions). Output is never coloured (Node colours it only for a colour terminal).
// Layer: libos. Depends on libos/util (inspect, validators).

import { inspect } from "../util/inspect.ts";
import { validateObject } from "../util/errors.ts";

const READABLE: Record<string, string> = {
  deepStrictEqual: "Expected values to be strictly deep-equal:",
  strictEqual: "Expected values to be strictly equal:",
  strictEqualObject: 'Expected "actual" to be reference-equal to "expected":',
  deepEqual: "Expected values to be loosely deep-equal:",
  notDeepStrictEqual: 'Expected "actual" not to be strictly deep-equal to:',
  notStrictEqual: 'Expected "actual" to be strictly unequal to:',
  notStrictEqualObject: 'Expected "actual" not to be reference-equal to "expected":',
  notDeepEqual: 'Expected "actual" not to be loosely deep-equal to:',
  notIdentical: "Values have same structure but are not reference-equal:",
  notDeepEqualUnequal: "Expected values not to be loosely deep-equal:",
};

/** Two values whose inspected forms are at most this long together are shown as "a !== b". */
const SHORT = 12;

/** The form assert messages show a value in: every key on its own line, sorted, getters read, no custom inspect. */
export function inspectValue(v: unknown): string {
  return inspect(v, {
    compact: false, customInspect: false, depth: 1000, maxArrayLength: Infinity, showHidden: false,
    showProxy: false, sorted: true, getters: true,
  });
}

/** A copy of an Error (own enumerable props + message, same prototype), so messages do not show its stack. */
function copyError(source: Error): Error {
  const target = Object.assign(Object.create(Object.getPrototypeOf(source)), source) as Error;
  Object.defineProperty(target, "message", { value: source.message });
  return target;
}

// eslint-disable-next-line no-control-regex
const stripAnsi = (t: string) => t.replace(/\u001b\[\d\d?m/g, "");
const isObjectLike = (v: unknown) => typeof v === "object" && v !== null;

function terminalWidth(): number {
  const err = (globalThis as { process?: { stderr?: { isTTY?: boolean; columns?: number } } }).process?.stderr;
  return err?.isTTY ? err.columns ?? 80 : 80;
}

/** Prints up to three identical lines before a differing one (the run's last lines; "..." for a longer run). */
function identicalRun(lines: string[], i: number, identical: number): { text: string; printed: number; skipped: boolean } {
  let text = "", printed = 0, skipped = false;
  if (identical > 2) {
    if (identical > 3) {
      if (identical > 4) {
        if (identical === 5) { text += `\n  ${lines[i - 3]}`; printed++; }
        else { text += "\n..."; skipped = true; }
      }
      text += `\n  ${lines[i - 2]}`;
      printed++;
    }
    text += `\n  ${lines[i - 1]}`;
    printed++;
  }
  return { text, printed, skipped };
}

/** The message of a failed strictEqual/deepStrictEqual: a short "a !== b" or the line diff. */
function diffMessage(actual: unknown, expected: unknown, operator: string, message?: unknown): string {
  const actualShown = inspectValue(actual);
  const actualLines = actualShown.split("\n");
  const expectedLines = inspectValue(expected).split("\n");
  const header = (op: string) => (message ? String(message) : READABLE[op]);
  let i = 0;
  let indicator = "";
  if (operator === "strictEqual" &&
      ((isObjectLike(actual) && isObjectLike(expected)) || (typeof actual === "function" && typeof expected === "function"))) {
    operator = "strictEqualObject";
  }
  if (actualLines.length === 1 && expectedLines.length === 1 && actualLines[0] !== expectedLines[0]) {
    // With util.inspect.defaultOptions.colors set, lengths and columns are those of the visible text.
    const colored = (inspect as unknown as { defaultOptions: { colors?: boolean } }).defaultOptions.colors;
    const visible = (t: string) => (colored ? stripAnsi(t) : t);
    const a = visible(actualLines[0]), b = visible(expectedLines[0]);
    const total = a.length + b.length;
    if (total <= SHORT) {
      if (!isObjectLike(actual) && !isObjectLike(expected) && (actual !== 0 || expected !== 0)) {
        return `${header(operator)}\n\n${actualLines[0]} !== ${expectedLines[0]}\n`;
      }
    } else if (operator !== "strictEqualObject" && total < terminalWidth()) {
      while (a[i] === b[i]) i++;
      if (i > 2) {                                          // point at the first differing column
        indicator = `\n  ${" ".repeat(i)}^`;
        i = 0;
      }
    }
  }

  // Identical trailing lines are dropped (the last three kept as context, and the one before them).
  let end = "", other = "", skipped = false;
  let a = actualLines[actualLines.length - 1], b = expectedLines[expectedLines.length - 1];
  while (a === b) {
    if (i++ < 3) end = `\n  ${a}${end}`;
    else other = a;
    actualLines.pop();
    expectedLines.pop();
    if (actualLines.length === 0 || expectedLines.length === 0) break;
    a = actualLines[actualLines.length - 1];
    b = expectedLines[expectedLines.length - 1];
  }
  const maxLines = Math.max(actualLines.length, expectedLines.length);
  if (maxLines === 0) {                                     // same text, different identity
    const lines = actualShown.split("\n");
    if (lines.length > 50) {
      lines[46] = "...";
      lines.length = 47;
    }
    return `${READABLE.notIdentical}\n\n${lines.join("\n")}\n`;
  }
  if (i >= 5) {
    end = `\n...${end}`;
    skipped = true;
  }
  if (other !== "") {
    end = `\n  ${other}${end}`;
    other = "";
  }

  let res = "", printed = 0, identical = 0;
  const head = `${header(operator)}\n+ actual - expected`;
  const skippedNote = " ... Lines skipped";
  let lines = actualLines, sign = "+", shorter = expectedLines.length;
  if (actualLines.length < maxLines) {
    lines = expectedLines;
    sign = "-";
    shorter = actualLines.length;
  }
  for (i = 0; i < maxLines; i++) {
    if (shorter < i + 1) {                                  // only the longer side has this line
      const run = identicalRun(lines, i, identical);
      res += run.text;
      printed += run.printed;
      skipped ||= run.skipped;
      identical = 0;
      if (lines === actualLines) res += `\n${sign} ${lines[i]}`;
      else other += `\n${sign} ${lines[i]}`;
      printed++;
    } else {
      const expectedLine = expectedLines[i];
      let actualLine = actualLines[i];
      // Lines that differ only by a trailing comma count as identical.
      let diverging = actualLine !== expectedLine && (!actualLine.endsWith(",") || actualLine.slice(0, -1) !== expectedLine);
      if (diverging && expectedLine.endsWith(",") && expectedLine.slice(0, -1) === actualLine) {
        diverging = false;
        actualLine += ",";
      }
      if (diverging) {
        const run = identicalRun(actualLines, i, identical);
        res += run.text;
        printed += run.printed;
        skipped ||= run.skipped;
        identical = 0;
        res += `\n+ ${actualLine}`;                         // "+" lines now, their "-" lines after the run
        other += `\n- ${expectedLine}`;
        printed += 2;
      } else {
        res += other;
        other = "";
        identical++;
        if (identical <= 2) {
          res += `\n  ${actualLine}`;
          printed++;
        }
      }
    }
    if (printed > 50 && i < maxLines - 2) {                 // about 50 lines at most
      return `${head}${skippedNote}\n${res}\n...${other}\n...`;
    }
  }
  return `${head}${skipped ? skippedNote : ""}\n${res}${other}${end}${indicator}`;
}

/** A long string shortened for inspecting an AssertionError (10 lines or 512 characters). */
function addEllipsis(s: string): string {
  const lines = s.split("\n", 11);
  if (lines.length > 10) {
    lines.length = 10;
    return `${lines.join("\n")}\n...`;
  }
  if (s.length > 512) return `${s.slice(512)}...`;        // (sic: Node 20 keeps the end, not the start)
  return s;
}

/** What the constructor accepts (Node's AssertionError options). */
export interface AssertionErrorOptions {
  message?: unknown;
  actual?: unknown;
  expected?: unknown;
  operator?: string;
  stackStartFn?: Function;
  /** Older name of stackStartFn. */
  stackStartFunction?: Function;
  /** CallTracker's per-function reports (one error for several). */
  details?: { message: string; actual: unknown; expected: unknown; operator: string; stack: unknown }[];
}

type Capture = (target: object, ctor?: Function) => void;

/**
 * Without Error.captureStackTrace (an image that does not name it): drops the engine's frames of the assertion's
 * own functions, down to and including the one the user called (`name`), so the stack starts at the caller as
 * Node's does. Frames read "    at name (file:line:column)"; only the first few are searched.
 */
function dropFramesThrough(err: Error, name: string): void {
  const stack = err.stack;
  if (typeof stack !== "string" || !name) return;
  const lines = stack.split("\n");
  const at = lines.slice(0, 12).findIndex((l) => l.trimStart().startsWith(`at ${name} (`));
  if (at === -1) return;
  Object.defineProperty(err, "stack", { value: lines.slice(at + 1).join("\n"), writable: true, configurable: true, enumerable: false });
}
const INSPECT_CUSTOM = Symbol.for("nodejs.util.inspect.custom");

/** The error every failed assertion throws. */
export class AssertionError extends Error {
  generatedMessage!: boolean;
  code!: "ERR_ASSERTION";
  actual: unknown;
  expected: unknown;
  operator: string | undefined;
  [key: string]: unknown;

  constructor(options: AssertionErrorOptions) {
    validateObject(options, "options");
    const { message, operator, stackStartFn, details, stackStartFunction } = options;
    let { actual, expected } = options;
    let text: string;
    if (message != null) {
      text = operator === "deepStrictEqual" || operator === "strictEqual"
        ? diffMessage(actual, expected, operator, message) : String(message);
    } else {
      if (actual instanceof Error && expected instanceof Error && "stack" in actual && "stack" in expected) {
        actual = copyError(actual);
        expected = copyError(expected);
      }
      text = generatedText(actual, expected, operator);
    }
    super(text);
    this.generatedMessage = !message;
    Object.defineProperty(this, "name", { value: "AssertionError [ERR_ASSERTION]", enumerable: false, writable: true, configurable: true });
    this.code = "ERR_ASSERTION";
    if (details) {
      this.actual = undefined;
      this.expected = undefined;
      this.operator = undefined;
      for (let i = 0; i < details.length; i++) {
        this[`message ${i}`] = details[i].message;
        this[`actual ${i}`] = details[i].actual;
        this[`expected ${i}`] = details[i].expected;
        this[`operator ${i}`] = details[i].operator;
        this[`stack trace ${i}`] = details[i].stack;
      }
    } else {
      this.actual = actual;
      this.expected = expected;
      this.operator = operator;
    }
    const capture = (Error as unknown as { captureStackTrace?: Capture }).captureStackTrace;
    const start = stackStartFn || stackStartFunction;
    if (typeof capture === "function") capture(this, start);
    else if (start) dropFramesThrough(this, start.name);
    void this.stack;                                        // a V8-style stack is made while the name has the code
    this.name = "AssertionError";
  }

  override toString(): string {
    return `${this.name} [${this.code}]: ${this.message}`;
  }

  /** As Node: long string actual/expected shortened, and both shown at depth 0. */
  [INSPECT_CUSTOM](_depth: number, ctx: object): string {
    const { actual, expected } = this;
    if (typeof actual === "string") this.actual = addEllipsis(actual);
    if (typeof expected === "string") this.expected = addEllipsis(expected);
    try {
      return inspect(this, { ...ctx, customInspect: false, depth: 0 });
    } finally {
      this.actual = actual;
      this.expected = expected;
    }
  }
}

/** The generated message of every operator but a failed strictEqual/deepStrictEqual's with a message. */
function generatedText(actual: unknown, expected: unknown, operator: string | undefined): string {
  if (operator === "deepStrictEqual" || operator === "strictEqual") return diffMessage(actual, expected, operator);
  if (operator === "notDeepStrictEqual" || operator === "notStrictEqual") {
    let base = READABLE[operator];
    const res = inspectValue(actual).split("\n");
    if (operator === "notStrictEqual" && (isObjectLike(actual) || typeof actual === "function")) base = READABLE.notStrictEqualObject;
    if (res.length > 50) {
      res[46] = "...";
      res.length = 47;
    }
    if (res.length === 1) return `${base}${res[0].length > 5 ? "\n\n" : " "}${res[0]}`;
    return `${base}\n\n${res.join("\n")}\n`;
  }
  let res = inspectValue(actual);
  let other = inspectValue(expected);
  const known = operator === undefined ? undefined : READABLE[operator];
  if (operator === "notDeepEqual" && res === other) {
    res = `${known}\n\n${res}`;
    return res.length > 1024 ? `${res.slice(0, 1021)}...` : res;
  }
  if (res.length > 512) res = `${res.slice(0, 509)}...`;
  if (other.length > 512) other = `${other.slice(0, 509)}...`;
  if (operator === "deepEqual") res = `${known}\n\n${res}\n\nshould loosely deep-equal\n\n`;
  else {
    const unequal = READABLE[`${operator}Unequal`];
    if (unequal) res = `${unequal}\n\n${res}\n\nshould not loosely deep-equal\n\n`;
    else other = ` ${operator} ${other}`;
  }
  return `${res}${other}`;
}
