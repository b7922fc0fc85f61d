// libos/net/stack/dns_resolver.ts — a DNS stub resolver for A records: queries the configured servers over UDP
// from a random port with a random id, follows CNAMEs inside one answer, retries with backoff across servers,
// caches answers for their TTL (bounded), and reports errors with Node's codes (ENOTFOUND, ETIMEOUT, ESERVFAIL,
// ECONNREFUSED when there is no server). Time is passed in. Layer: libos/net/stack. Depends on libos/internal/errors.ts.

import { buildDnsQuery, DNS_PORT, DnsPacket, DnsRcode, DnsRepr, DnsType, WireError } from "../wire/index.ts";
import { dnsException } from "../../internal/errors.ts";
import type { NetInterface } from "./interface.ts";

export interface DnsAnswer { address: number; ttl: number }
export type DnsCallback = (err: (Error & { code: string }) | null, answers: DnsAnswer[]) => void;

interface Query {
  name: string;
  id: number;
  port: number;
  tries: number;
  server: number;
  deadline: number;
  callbacks: DnsCallback[];
}

const MAX_CACHE = 256;

/** Node's error for a failed query (c-ares codes: errno stays undefined). */
const dnsError = (code: string, syscall: string, hostname: string) => dnsException(code, syscall, hostname);

export class DnsResolver {
  /** Servers to ask; empty: the interface's DHCP/static list. */
  servers: number[] = [];
  timeout = 2000;
  attempts = 4;
  private readonly cache = new Map<string, { answers: DnsAnswer[]; expires: number }>();
  private readonly inflight = new Map<string, Query>();

  constructor(private readonly ifc: NetInterface, private readonly random32: () => number, private readonly clock: () => number) {}

  private serverList(): number[] {
    return this.servers.length ? this.servers : this.ifc.config?.dns ?? [];
  }

  /** Resolves `name` to IPv4 addresses. The callback runs later (never synchronously). */
  resolve4(name: string, cb: DnsCallback): void {
    const key = name.toLowerCase().replace(/\.$/, "");
    const now = this.clock();
    const hit = this.cache.get(key);
    if (hit && hit.expires > now) {
      const answers = hit.answers.map((a) => ({ address: a.address, ttl: Math.max(0, Math.round((hit.expires - now) / 1000)) }));
      Promise.resolve().then(() => cb(null, answers));
      return;
    }
    const running = this.inflight.get(key);
    if (running) { running.callbacks.push(cb); return; }
    const servers = this.serverList();
    if (servers.length === 0) {
      Promise.resolve().then(() => cb(dnsError("ECONNREFUSED", "queryA", name), []));
      return;
    }
    const q: Query = { name: key, id: 0, port: 0, tries: 0, server: 0, deadline: 0, callbacks: [cb] };
    this.inflight.set(key, q);
    this.send(q, now);
  }

  private send(q: Query, now: number): void {
    const servers = this.serverList();
    if (q.port) this.ifc.unbindUdp(q.port);
    q.id = this.random32() & 0xffff;
    q.port = this.ifc.bindUdp(0, (src, srcPort, _dst, payload) => {
      if (srcPort === DNS_PORT && src === servers[q.server % servers.length]) this.receive(q, payload);
    });
    q.server = q.tries % Math.max(1, servers.length);
    q.deadline = now + this.timeout * 2 ** Math.floor(q.tries / Math.max(1, servers.length));
    q.tries++;
    this.ifc.sendUdp(q.port, servers[q.server], DNS_PORT, buildDnsQuery(q.id, q.name, DnsType.A));
  }

  private finish(q: Query, err: (Error & { code: string }) | null, answers: DnsAnswer[]): void {
    this.inflight.delete(q.name);
    this.ifc.unbindUdp(q.port);
    for (const cb of q.callbacks) cb(err, answers);
  }

  private receive(q: Query, payload: Uint8Array): void {
    let msg: DnsRepr;
    try {
      msg = DnsRepr.parse(DnsPacket.check(payload));
    } catch (e) {
      if (e instanceof WireError) return;            // a malformed reply is ignored; the retry timer still runs
      throw e;
    }
    if (msg.id !== q.id || !msg.response) return;
    if (msg.rcode === DnsRcode.NXDomain) return this.finish(q, dnsError("ENOTFOUND", "queryA", q.name), []);
    if (msg.rcode !== DnsRcode.NoError) return this.finish(q, dnsError(msg.rcode === DnsRcode.ServFail ? "ESERVFAIL" : "EREFUSED", "queryA", q.name), []);
    // Follow CNAMEs within the answer section.
    let target = q.name;
    for (let hops = 0; hops < 8; hops++) {
      const cname = msg.answers.find((a) => a.data.kind === "cname" && a.name.toLowerCase() === target);
      if (!cname || cname.data.kind !== "cname") break;
      target = cname.data.name.toLowerCase();
    }
    const answers: DnsAnswer[] = [];
    for (const a of msg.answers) {
      if (a.data.kind === "a" && a.name.toLowerCase().replace(/\.$/, "") === target.replace(/\.$/, "")) {
        answers.push({ address: a.data.address, ttl: a.ttl });
      }
    }
    if (answers.length === 0) return this.finish(q, dnsError("ENODATA", "queryA", q.name), []);
    if (this.cache.size >= MAX_CACHE) this.cache.delete(this.cache.keys().next().value as string);
    const ttl = Math.min(...answers.map((a) => a.ttl));
    this.cache.set(q.name, { answers, expires: this.clock() + ttl * 1000 });
    this.finish(q, null, answers);
  }

  /** Retries or fails queries whose time ran out. */
  poll(now: number): void {
    for (const q of [...this.inflight.values()]) {
      if (q.deadline > now) continue;
      if (q.tries >= this.attempts * Math.max(1, this.serverList().length)) this.finish(q, dnsError("ETIMEOUT", "queryA", q.name), []);
      else this.send(q, now);
    }
  }

  pollAt(): number {
    let at = Infinity;
    for (const q of this.inflight.values()) at = Math.min(at, q.deadline);
    return at;
  }
}
