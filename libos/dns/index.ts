// libos/dns/index.ts — `node:dns`: lookup (the resolver plus "localhost" and IP literals, as getaddrinfo would),
// resolve4, Resolver, getServers/setServers, and the promises API. IPv4 only: AAAA answers are never returned, and
// "localhost" is 127.0.0.1 (the loopback interface; no ::1 without an IPv6 stack). Lookups of IP literals and of
// localhost never touch the network stack. "host.unijs.internal" is the host machine, as Docker's
// host.docker.internal (a hosts-file name: lookup only): the interface's gateway, which the launcher's user network
// (passt, slirp) maps to the host's loopback.
// Layer: libos. Depends on libos/net (the stack and its DNS stub resolver).

import { IoHandle, loop } from "../../kernel/event_loop.ts";
import { netRuntime } from "../net/runtime.ts";
import { isIP } from "../net/ip.ts";
import { formatIpv4, parseIpv4 } from "../net/wire/index.ts";

export interface LookupAddress { address: string; family: 4 | 6 }
type LookupCallback = (err: NodeJS.ErrnoException | null, address?: string | LookupAddress[], family?: number) => void;
type Resolve4Callback = (err: NodeJS.ErrnoException | null, addresses?: string[] | { address: string; ttl: number }[]) => void;

function invalidArg(name: string, value: unknown): TypeError {
  return Object.assign(new TypeError(`The "${name}" argument must be of type string. Received ${typeof value}`), { code: "ERR_INVALID_ARG_TYPE" });
}

/** The host machine's name inside the guest. */
const HOST_MACHINE = "host.unijs.internal";

function defer(fn: () => void): void {
  process.nextTick(fn);
}

/** Resolves a hostname the way Node's dns.lookup does (options: family 0/4, all). */
export function lookup(hostname: string, options: number | { family?: number; all?: boolean } | LookupCallback, callback?: LookupCallback): void {
  const cb = (typeof options === "function" ? options : callback) as LookupCallback;
  const opts = typeof options === "object" && options !== null ? options : typeof options === "number" ? { family: options } : {};
  if (typeof cb !== "function") throw Object.assign(new TypeError('The "callback" argument must be of type function'), { code: "ERR_INVALID_ARG_TYPE" });
  if (typeof hostname !== "string") throw invalidArg("hostname", hostname);
  const reply = (addresses: string[], family: 4 | 6 = 4) =>
    opts.all ? cb(null, addresses.map((a) => ({ address: a, family }))) : cb(null, addresses[0], family);
  const literal = isIP(hostname);
  if (literal !== 0) return defer(() => reply([hostname], literal));   // as Node: whatever family was asked for
  if (opts.family === 6) {
    return defer(() => cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND", errno: -3008, syscall: "getaddrinfo", hostname })));
  }
  if (hostname === "" || hostname === "localhost" || hostname.endsWith(".localhost")) return defer(() => reply(["127.0.0.1"]));
  const rt = netRuntime();
  const pending = new IoHandle(loop());              // an outstanding query keeps the loop alive, as in Node
  if (hostname.toLowerCase() === HOST_MACHINE) {
    return rt.whenConfigured(() => defer(() => {   // whenConfigured may call back at once: the answer stays async
      pending.close();
      const gw = rt.ifc.config?.gateway;
      if (gw) reply([formatIpv4(gw)]);
      else cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND", errno: -3008, syscall: "getaddrinfo", hostname }));
    }));
  }
  rt.whenConfigured(() => {
    rt.dns.resolve4(hostname, (err, answers) => {
      pending.close();
      if (err) {
        const code = err.code === "ETIMEOUT" ? "EAI_AGAIN" : "ENOTFOUND";
        cb(Object.assign(new Error(`getaddrinfo ${code} ${hostname}`), { code, errno: code === "ENOTFOUND" ? -3008 : -3001, syscall: "getaddrinfo", hostname }));
      } else reply(answers.map((a) => formatIpv4(a.address)));
    });
    rt.kick();
  });
}

/** A records for `hostname` (options.ttl: with TTLs). */
export function resolve4(hostname: string, options: { ttl?: boolean } | Resolve4Callback, callback?: Resolve4Callback): void {
  const cb = (typeof options === "function" ? options : callback) as Resolve4Callback;
  const withTtl = typeof options === "object" && options?.ttl === true;
  if (typeof hostname !== "string") throw invalidArg("hostname", hostname);
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
  if (type !== "A") return defer(() => cb(Object.assign(new Error(`queryA ENOTIMP ${hostname}: only A records are supported`), { code: "ENOTIMP" })));
  resolve4(hostname, cb);
}

export function getServers(): string[] {
  const rt = netRuntime();
  return (rt.dns.servers.length ? rt.dns.servers : rt.ifc.config?.dns ?? []).map(formatIpv4);
}

export function setServers(servers: string[]): void {
  netRuntime().dns.servers = servers.map((s) => {
    const host = s.replace(/:\d+$/, "");
    if (isIP(host) !== 4) throw Object.assign(new TypeError(`Invalid IP address: ${s}`), { code: "ERR_INVALID_IP_ADDRESS" });
    return parseIpv4(host);
  });
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
