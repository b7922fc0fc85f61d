// libos/util/parse_args.ts — util.parseArgs as Node 20 has it: options of type string/boolean with `short`,
// `multiple` and `default`; `strict` (unknown options, missing or unexpected values and option-like values throw),
// `allowPositionals`, `allowNegative` (--no-foo), `tokens` (the parsed token list with indexes, rawName and
// inlineValue), short option groups (-abc, -abfFILE), --foo=bar, and "--" ending the options. Errors are Node's:
// ERR_PARSE_ARGS_UNKNOWN_OPTION, ERR_PARSE_ARGS_INVALID_OPTION_VALUE, ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL and the
// configuration's ERR_INVALID_ARG_TYPE/VALUE. Without `args` it parses process.argv after the script name.
// Written from the behaviour of Node 20's lib/internal/util/parse_args. Layer: libos. Depends on errors.ts.

import { invalidArgType, invalidArgValue, nodeError, validateArray, validateBoolean, validateObject, validateString } from "./errors.ts";

type OptionType = "string" | "boolean";
type Value = string | boolean;
/** One option's configuration. */
export interface ParseArgsOptionConfig {
  type: OptionType;
  short?: string;
  multiple?: boolean;
  default?: Value | Value[];
}
/** parseArgs' configuration. */
export interface ParseArgsConfig {
  args?: string[];
  options?: Record<string, ParseArgsOptionConfig>;
  strict?: boolean;
  allowPositionals?: boolean;
  allowNegative?: boolean;
  tokens?: boolean;
}
/** A parsed token (returned with `tokens: true`). */
export type Token =
  | { kind: "option"; name: string; rawName: string; index: number; value: string | undefined; inlineValue: boolean | undefined }
  | { kind: "positional"; index: number; value: string }
  | { kind: "option-terminator"; index: number };
type OptionToken = Extract<Token, { kind: "option" }>;

const has = (o: object, k: PropertyKey) => Object.prototype.hasOwnProperty.call(o, k);
function own(o: object, k: string): any {
  return has(o, k) ? (o as Record<string, unknown>)[k] : undefined;
}
function optionOwn(options: object, name: string, prop: string): any {
  return has(options, name) ? own((options as Record<string, object>)[name], prop) : undefined;
}

const unknownOption = (option: string, allowPositionals: boolean) => nodeError(TypeError, "ERR_PARSE_ARGS_UNKNOWN_OPTION",
  `Unknown option '${option}'` + (allowPositionals ? ". To specify a positional argument starting with a '-', place it at " +
    `the end of the command after '--', as in '-- ${JSON.stringify(option)}` : ""));
const invalidOptionValue = (message: string) => nodeError(TypeError, "ERR_PARSE_ARGS_INVALID_OPTION_VALUE", message);

/** The long name of short option `c` (or `c` itself when no option has that short form). */
function longFor(c: string, options: object): string {
  validateObject(options, "options");
  const hit = Object.entries(options).find(([, conf]) => own(conf as object, "short") === c);
  return hit?.[0] ?? c;
}

const isOptionLike = (v: string | undefined) => v != null && v.length > 1 && v[0] === "-";
const isLoneShort = (a: string) => a.length === 2 && a[0] === "-" && a[1] !== "-";
const isLoneLong = (a: string) => a.length > 2 && a.startsWith("--") && !a.includes("=", 3);
const isLongWithValue = (a: string) => a.length > 2 && a.startsWith("--") && a.includes("=", 3);
const isShortGroup = (a: string, options: object) =>
  a.length > 2 && a[0] === "-" && a[1] !== "-" && optionOwn(options, longFor(a[1], options), "type") !== "string";
const isShortWithValue = (a: string, options: object) =>
  a.length > 2 && a[0] === "-" && a[1] !== "-" && optionOwn(options, longFor(a[1], options), "type") === "string";

function tokenize(args: string[], options: object): Token[] {
  const tokens: Token[] = [];
  let index = -1;
  let groupCount = 0;
  const rest = args.slice();
  while (rest.length > 0) {
    const arg = rest.shift() as string;
    const next = rest[0];
    if (groupCount > 0) groupCount--;
    else index++;
    if (arg === "--") {
      tokens.push({ kind: "option-terminator", index });
      for (const value of rest) tokens.push({ kind: "positional", index: ++index, value });
      break;
    }
    if (isLoneShort(arg) || isLoneLong(arg)) {               // -f / --foo, maybe with the next arg as value
      const name = isLoneShort(arg) ? longFor(arg[1], options) : arg.slice(2);
      let value: string | undefined, inlineValue: boolean | undefined;
      if (optionOwn(options, name, "type") === "string" && next != null) {
        value = rest.shift();
        inlineValue = false;
      }
      tokens.push({ kind: "option", name, rawName: arg, index, value, inlineValue });
      if (value != null) ++index;
      continue;
    }
    if (isShortGroup(arg, options)) {                        // -abc → -a -b -c; -abfFILE → -a -b -fFILE
      const expanded: string[] = [];
      for (let i = 1; i < arg.length; i++) {
        const c = arg[i];
        if (optionOwn(options, longFor(c, options), "type") !== "string" || i === arg.length - 1) expanded.push(`-${c}`);
        else {
          expanded.push(`-${arg.slice(i)}`);
          break;
        }
      }
      rest.unshift(...expanded);
      groupCount = expanded.length;
      continue;
    }
    if (isShortWithValue(arg, options)) {                    // -fFILE
      tokens.push({ kind: "option", name: longFor(arg[1], options), rawName: `-${arg[1]}`, index, value: arg.slice(2), inlineValue: true });
      continue;
    }
    if (isLongWithValue(arg)) {                              // --foo=bar
      const eq = arg.indexOf("=");
      const name = arg.slice(2, eq);
      tokens.push({ kind: "option", name, rawName: `--${name}`, index, value: arg.slice(eq + 1), inlineValue: true });
      continue;
    }
    tokens.push({ kind: "positional", index, value: arg });
  }
  return tokens;
}

function checkUsage(options: object, allowPositionals: boolean, allowNegative: boolean, token: OptionToken): void {
  let name = token.name;
  if (!has(options, name)) {
    if (allowNegative && name.startsWith("no-")) {
      name = name.slice(3);
      if (!has(options, name) || optionOwn(options, name, "type") !== "boolean") throw unknownOption(token.rawName, allowPositionals);
    } else throw unknownOption(token.rawName, allowPositionals);
  }
  const short = optionOwn(options, name, "short");
  const shortAndLong = `${short ? `-${short}, ` : ""}--${name}`;
  const type = optionOwn(options, name, "type");
  if (type === "string" && typeof token.value !== "string") throw invalidOptionValue(`Option '${shortAndLong} <value>' argument missing`);
  if (type === "boolean" && token.value != null) throw invalidOptionValue(`Option '${shortAndLong}' does not take an argument`);
}

function checkOptionLikeValue(token: OptionToken): void {
  if (!token.inlineValue && isOptionLike(token.value)) {
    const example = token.rawName.startsWith("--") ? `'${token.rawName}=-XYZ'` : `'--${token.name}=-XYZ' or '${token.rawName}-XYZ'`;
    throw invalidOptionValue(`Option '${token.rawName}' argument is ambiguous.\nDid you forget to specify the option argument ` +
      `for '${token.rawName}'?\nTo specify an option argument starting with a dash use ${example}.`);
  }
}

function store(token: OptionToken, options: object, values: Record<string, unknown>, allowNegative: boolean): void {
  let name = token.name;
  let value: Value | undefined = token.value;
  if (name === "__proto__") return;
  if (allowNegative && name.startsWith("no-") && value === undefined) {
    name = name.slice(3);
    token.name = name;
    value = false;
  }
  const v = value ?? true;
  if (optionOwn(options, name, "multiple")) {
    if (values[name]) (values[name] as Value[]).push(v);
    else values[name] = [v];
  } else values[name] = v;
}

function validateUnion(value: unknown, name: string, union: string[]): void {
  if (!union.includes(value as string)) throw invalidArgType(name, `('${union.join("|")}')`, value);
}

function validateArrayOf(value: unknown, name: string, check: (v: unknown, n: string) => void): void {
  validateArray(value, name);
  const list: unknown[] = value;
  for (let i = 0; i < list.length; i++) check(list[i], `${name}[${i}]`);
}

/** The arguments after the script name (process.argv, as Node does for a script). */
function mainArgs(): string[] {
  const argv = (globalThis as { process?: { argv?: string[] } }).process?.argv ?? [];
  return argv.slice(2);
}

/** Parses command-line arguments: { values (null prototype), positionals, tokens? }. */
export function parseArgs(config: ParseArgsConfig = {}): { values: Record<string, Value | Value[] | undefined>; positionals: string[]; tokens?: Token[] } {
  const args = own(config, "args") ?? mainArgs();
  const strict = own(config, "strict") ?? true;
  const allowPositionals = own(config, "allowPositionals") ?? !strict;
  const returnTokens = own(config, "tokens") ?? false;
  const allowNegative = own(config, "allowNegative") ?? false;
  const options = own(config, "options") ?? { __proto__: null };
  validateArray(args, "args");
  validateBoolean(strict, "strict");
  validateBoolean(allowPositionals, "allowPositionals");
  validateBoolean(returnTokens, "tokens");
  validateBoolean(allowNegative, "allowNegative");
  validateObject(options, "options");
  for (const [name, conf] of Object.entries(options as Record<string, unknown>)) {
    validateObject(conf, `options.${name}`);
    const c = conf as object;
    const type = own(c, "type");
    validateUnion(type, `options.${name}.type`, ["string", "boolean"]);
    if (has(c, "short")) {
      const short = own(c, "short");
      validateString(short, `options.${name}.short`);
      if (short.length !== 1) throw invalidArgValue(`options.${name}.short`, short, "must be a single character");
    }
    const multiple = own(c, "multiple");
    if (has(c, "multiple")) validateBoolean(multiple, `options.${name}.multiple`);
    const def = own(c, "default");
    if (def !== undefined) {
      const one: (v: unknown, n: string) => void = type === "string" ? validateString : validateBoolean;
      if (multiple) validateArrayOf(def, `options.${name}.default`, one);
      else one(def, `options.${name}.default`);
    }
  }

  const tokens = tokenize(args as string[], options);
  const result: { values: Record<string, Value | Value[] | undefined>; positionals: string[]; tokens?: Token[] } =
    { values: { __proto__: null } as unknown as Record<string, Value>, positionals: [] };
  if (returnTokens) result.tokens = tokens;
  for (const token of tokens) {
    if (token.kind === "option") {
      if (strict) {
        checkUsage(options, allowPositionals, allowNegative, token);
        checkOptionLikeValue(token);
      }
      store(token, options, result.values, allowNegative);
    } else if (token.kind === "positional") {
      if (!allowPositionals) {
        throw nodeError(TypeError, "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL",
          `Unexpected argument '${token.value}'. This command does not take positional arguments`);
      }
      result.positionals.push(token.value);
    }
  }
  for (const [name, conf] of Object.entries(options as Record<string, object>)) {
    const def = own(conf, "default");
    if (def !== undefined && result.values[name] === undefined && name !== "__proto__") result.values[name] = def;
  }
  return result;
}
