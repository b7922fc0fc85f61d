// libos/dns/index.ts — `node:dns`: lookup (the resolver plus "localhost" and IP literals, as getaddrinfo would),
// resolve4, Resolver, getServers/setServers, and the promises API. IPv4 only: AAAA answers are never returned, and
// "localhost" is 127.0.0.1 (the loopback interface; no ::1 without an IPv6 stack). Lookups of IP literals and of
// localhost never touch the network stack. "host.unijs.internal" is the host machine, as Docker's
// host.docker.internal (a hosts-file name: lookup only): the interface's gateway, which the launcher's user network
// (passt, slirp) maps to the host's loopback. The work of lookup is lookup.ts (dgram and net use it on their own
// socket's network); this file checks arguments as Node does, with Node's errors (libos/internal/errors.ts), and
// works on the current network (libos/net/system.ts).
// Layer: libos. Depends on libos/net (the stack and its DNS stub resolver), libos/internal/errors.ts.

import { IoHandle, loop } from "../../kernel/event_loop.ts";
import { invalidArgType, invalidArgValue, nodeError } from "../internal/errors.ts";
import { netRuntime } from "../net/system.ts";
import { isIP } from "../net/ip.ts";
import { formatIpv4, parseIpv4 } from "../net/wire/index.ts";
import { lookupIn, type LookupAddress, type LookupCallback } from "./lookup.ts";

export type { LookupAddress };
type Resolve4Callback = (err: NodeJS.ErrnoException | null, addresses?: string[] | { address: string; ttl: number }[]) => void;

function validateFunction(value: unknown, name: string): void {
  if (typeof value !== "function") throw invalidArgType(name, "Function", value);
}

/** Node's validateOneOf for numbers: ERR_INVALID_ARG_VALUE "must be one of: 0, 4, 6". */
function validateFamily(value: unknown, name: string): void {
  if (value !== 0 && value !== 4 && value !== 6) throw invalidArgValue(name, value, "must be one of: 0, 4, 6");
}

let invalidHostnameWarned = false;

/** Resolves a hostname the way Node's dns.lookup does (options: family 0/4/6 or "IPv4"/"IPv6", all), on the
 *  current network. Arguments are checked as Node checks them, with its errors. */
export function lookup(hostname: string, options: number | { family?: number | string; all?: boolean } | LookupCallback, callback?: LookupCallback): void {
  let family = 0;
  let all = false;
  if (hostname && typeof hostname !== "string") throw invalidArgType("hostname", "string", hostname);
  if (typeof options === "function") callback = options;
  else if (typeof options === "number") {
    validateFunction(callback, "callback");
    validateFamily(options, "family");
    family = options;
  } else if (options !== undefined && typeof options !== "object") {
    validateFunction(arguments.length === 2 ? options : callback, "callback");
    throw invalidArgType("options", ["integer", "object"], options);
  } else {
    validateFunction(callback, "callback");
    const f = options?.family;
    if (f != null) {
      family = f === "IPv4" ? 4 : f === "IPv6" ? 6 : (validateFamily(f, "options.family"), f as number);
    }
    if (options?.all != null) {
      if (typeof options.all !== "boolean") throw invalidArgType("options.all", "boolean", options.all);
      all = options.all;
    }
  }
  const cb = callback as LookupCallback;
  if (!hostname) {
    if (!invalidHostnameWarned) {
      invalidHostnameWarned = true;
      process.emitWarning(`The provided hostname "${hostname}" is not a valid hostname, and is supported in the dns module solely for compatibility.`,
        "DeprecationWarning", "DEP0118");
    }
    if (all) process.nextTick(cb, null, []);
    else process.nextTick(cb, null, null, family === 6 ? 6 : 4);
    return;
  }
  lookupIn(netRuntime, hostname, { family, all }, cb);
}

/** A records for `hostname` (options.ttl: with TTLs). */
export function resolve4(hostname: string, options: { ttl?: boolean } | Resolve4Callback, callback?: Resolve4Callback): void {
  const cb = (typeof options === "function" ? options : callback) as Resolve4Callback;
  const withTtl = typeof options === "object" && options?.ttl === true;
  if (typeof hostname !== "string") throw invalidArgType("name", "string", hostname);
  validateFunction(cb, "callback");
  const rt = netRuntime();
  const pending = new IoHandle(loop());
  rt.whenConfigured(() => {
    rt.dns.resolve4(hostname, (err, answers) => {
      pending.close();
      if (err) cb(err);
      else cb(null, withTtl ? answers.map((a) => ({ address: formatIpv4(a.address), ttl: a.ttl })) : answers.map((a) => formatIpv4(a.address)));
    });
    rt.kick();
  });
}

export function resolve(hostname: string, rrtype: string | Resolve4Callback, callback?: Resolve4Callback): void {
  const type = typeof rrtype === "string" ? rrtype : "A";
  const cb = (typeof rrtype === "function" ? rrtype : callback) as Resolve4Callback;
  if (type !== "A") return process.nextTick(() => cb(Object.assign(new Error(`queryA ENOTIMP ${hostname}: only A records are supported`), { code: "ENOTIMP" })));
  resolve4(hostname, cb);
}

export function getServers(): string[] {
  const rt = netRuntime();
  return (rt.dns.servers.length ? rt.dns.servers : rt.ifc.config?.dns ?? []).map(formatIpv4);
}

/** Sets the resolver's servers: IPv4 addresses, a ":port" suffix accepted and ignored (queries go to port 53). */
export function setServers(servers: string[]): void {
  if (!Array.isArray(servers)) throw invalidArgType("servers", "Array", servers);
  const list = servers.map((s, i) => {
    if (typeof s !== "string") throw invalidArgType(`servers[${i}]`, "string", s);
    const host = s.replace(/:\d+$/, "");
    if (isIP(host) !== 4) throw nodeError(TypeError, "ERR_INVALID_IP_ADDRESS", `Invalid IP address: ${s}`);
    return parseIpv4(host);
  });
  netRuntime().dns.servers = list;
}

/** Node's dns.Resolver: the same resolver with its own server list. */
export class Resolver {
  getServers = getServers;
  setServers = setServers;
  resolve4 = resolve4;
  resolve = resolve;
  cancel(): void {}
}

const promisify = <A extends unknown[], R>(fn: (...args: [...A, (err: NodeJS.ErrnoException | null, ...r: unknown[]) => void]) => void,
                                           pick: (...r: unknown[]) => R) =>
  (...args: A): Promise<R> => new Promise((resolve, reject) => fn(...args, (err, ...r) => (err ? reject(err) : resolve(pick(...r)))));

export const promises = {
  lookup: (hostname: string, options: { family?: number; all?: boolean } = {}) =>
    promisify<[string, { family?: number; all?: boolean }], LookupAddress | LookupAddress[]>(lookup as never,
      (address, family) => (Array.isArray(address) ? address as LookupAddress[] : { address: address as string, family: family as 4 }))(hostname, options),
  resolve4: (hostname: string, options: { ttl?: boolean } = {}) =>
    promisify<[string, { ttl?: boolean }], string[]>(resolve4 as never, (a) => a as string[])(hostname, options),
  resolve: (hostname: string, rrtype = "A") => promisify<[string, string], string[]>(resolve as never, (a) => a as string[])(hostname, rrtype),
  getServers,
  setServers,
  Resolver,
};

export const ADDRCONFIG = 1024;
export const V4MAPPED = 2048;
export const ALL = 256;
export const NOTFOUND = "ENOTFOUND";
export const TIMEOUT = "ETIMEOUT";

export default { lookup, resolve, resolve4, getServers, setServers, Resolver, promises, ADDRCONFIG, V4MAPPED, ALL, NOTFOUND, TIMEOUT };
