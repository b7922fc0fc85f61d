// libos/dns/lookup.ts — dns.lookup's work for a given network (node:dns uses the current one; a dgram socket the
// one it was bound on): IP literals and "localhost" answer without touching the network, "host.unijs.internal" is
// the interface's gateway (the host machine, as Docker's host.docker.internal), other names go to the stack's
// stub resolver once the interface has an address. Errors are Node's getaddrinfo ones. Private to libos/dns and
// libos/dgram. Layer: libos. Depends on libos/net (the runtime, IP helpers) and libos/internal/errors.ts.

import { IoHandle, loop } from "../../kernel/event_loop.ts";
import { dnsException, UV_EAI_AGAIN, UV_EAI_NONAME } from "../internal/errors.ts";
import { isIP } from "../net/ip.ts";
import type { NetRuntime } from "../net/runtime.ts";
import { formatIpv4 } from "../net/wire/index.ts";

export interface LookupAddress { address: string; family: 4 | 6 }
export type LookupCallback = (err: NodeJS.ErrnoException | null, address?: string | LookupAddress[], family?: number) => void;

/** The host machine's name inside the guest. */
const HOST_MACHINE = "host.unijs.internal";

function defer(fn: () => void): void {
  process.nextTick(fn);
}

/**
 * Resolves `hostname` as Node's dns.lookup does (options: family 0/4/6, all), on the network `runtime()` returns
 * (called only when the name needs the network). The callback always runs asynchronously.
 */
export function lookupIn(runtime: () => NetRuntime, hostname: string, opts: { family?: number; all?: boolean }, cb: LookupCallback): void {
  const reply = (addresses: string[], family: 4 | 6 = 4) =>
    opts.all ? cb(null, addresses.map((a) => ({ address: a, family }))) : cb(null, addresses[0], family);
  const literal = isIP(hostname);
  if (literal !== 0) return defer(() => reply([hostname], literal));   // as Node: whatever family was asked for
  if (opts.family === 6) return defer(() => cb(dnsException(UV_EAI_NONAME, "getaddrinfo", hostname)));
  if (hostname === "" || hostname === "localhost" || hostname.endsWith(".localhost")) return defer(() => reply(["127.0.0.1"]));
  const rt = runtime();
  const pending = new IoHandle(loop());              // an outstanding query keeps the loop alive, as in Node
  if (hostname.toLowerCase() === HOST_MACHINE) {
    return rt.whenConfigured(() => defer(() => {   // whenConfigured may call back at once: the answer stays async
      pending.close();
      const gw = rt.ifc.config?.gateway;
      if (gw) reply([formatIpv4(gw)]);
      else cb(dnsException(UV_EAI_NONAME, "getaddrinfo", hostname));
    }));
  }
  rt.whenConfigured(() => {
    rt.dns.resolve4(hostname, (err, answers) => {
      pending.close();
      if (err) cb(dnsException(err.code === "ETIMEOUT" ? UV_EAI_AGAIN : UV_EAI_NONAME, "getaddrinfo", hostname));
      else reply(answers.map((a) => formatIpv4(a.address)));
    });
    rt.kick();
  });
}
