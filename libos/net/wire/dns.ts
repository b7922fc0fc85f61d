// libos/net/wire/dns.ts — DNS messages (RFC 1035): the DnsPacket header view and DnsRepr with questions and
// resource records (A and CNAME decoded, others kept as raw bytes). Names are decompressed on parse (see
// ./dns_name.ts, re-exported here) and written uncompressed. Layer: libos/net/wire. Depends on ./_util.ts,
// ./dns_name.ts.

import { get16, get32, malformed, noRoom, set16, set32, truncated } from "./_util.ts";
import { dnsNameEnd, dnsNameLength, readDnsName, writeDnsName } from "./dns_name.ts";

export * from "./dns_name.ts";

/** UDP port of DNS servers. */
export const DNS_PORT = 53;
/** Bytes of the DNS header. */
export const DNS_HEADER_LENGTH = 12;

/** Record types. */
export const DnsType = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28, ANY: 255 } as const;
/** The Internet class. */
export const DNS_CLASS_IN = 1;
/** Response codes. */
export const DnsRcode = { NoError: 0, FormErr: 1, ServFail: 2, NXDomain: 3, NotImp: 4, Refused: 5 } as const;

/** A view of a DNS message header in `bytes` from `offset`; the message runs to the end of `bytes`. */
export class DnsPacket {
  /** The underlying buffer (not copied). */
  readonly bytes: Uint8Array;
  /** Where the message starts in `bytes`. */
  readonly offset: number;

  /** Wraps `bytes` without validating; see `check`. */
  constructor(bytes: Uint8Array, offset = 0) {
    this.bytes = bytes;
    this.offset = offset;
  }

  /** Wraps and validates: throws WireError ("truncated") under 12 bytes. */
  static check(bytes: Uint8Array, offset = 0): DnsPacket {
    const p = new DnsPacket(bytes, offset);
    p.checkLen();
    return p;
  }

  /** Throws WireError unless the 12-byte header is present. */
  checkLen(): void {
    if (this.length < DNS_HEADER_LENGTH) throw truncated("a DNS header", DNS_HEADER_LENGTH, this.length);
  }

  /** Bytes from `offset` to the end of the buffer. */
  get length(): number {
    return Math.max(0, this.bytes.length - this.offset);
  }
  /** Message id. */
  get id(): number {
    return get16(this.bytes, this.offset);
  }
  /** The 16 flag bits (QR, opcode, AA, TC, RD, RA, Z, rcode). */
  get flags(): number {
    return get16(this.bytes, this.offset + 2);
  }
  /** QR: a response. */
  get response(): boolean {
    return (this.bytes[this.offset + 2] & 0x80) !== 0;
  }
  /** Opcode (0: query). */
  get opcode(): number {
    return (this.bytes[this.offset + 2] >>> 3) & 0x0f;
  }
  /** AA: authoritative answer. */
  get authoritative(): boolean {
    return (this.bytes[this.offset + 2] & 0x04) !== 0;
  }
  /** TC: truncated message (retry over TCP). */
  get truncated(): boolean {
    return (this.bytes[this.offset + 2] & 0x02) !== 0;
  }
  /** RD: recursion desired. */
  get recursionDesired(): boolean {
    return (this.bytes[this.offset + 2] & 0x01) !== 0;
  }
  /** RA: recursion available. */
  get recursionAvailable(): boolean {
    return (this.bytes[this.offset + 3] & 0x80) !== 0;
  }
  /** Response code (see `DnsRcode`). */
  get rcode(): number {
    return this.bytes[this.offset + 3] & 0x0f;
  }
  /** Number of questions. */
  get questionCount(): number {
    return get16(this.bytes, this.offset + 4);
  }
  /** Number of answer records. */
  get answerCount(): number {
    return get16(this.bytes, this.offset + 6);
  }
  /** Number of authority records. */
  get authorityCount(): number {
    return get16(this.bytes, this.offset + 8);
  }
  /** Number of additional records. */
  get additionalCount(): number {
    return get16(this.bytes, this.offset + 10);
  }

  set id(v: number) {
    set16(this.bytes, this.offset, v);
  }
  set flags(v: number) {
    set16(this.bytes, this.offset + 2, v);
  }
  set questionCount(v: number) {
    set16(this.bytes, this.offset + 4, v);
  }
  set answerCount(v: number) {
    set16(this.bytes, this.offset + 6, v);
  }
  set authorityCount(v: number) {
    set16(this.bytes, this.offset + 8, v);
  }
  set additionalCount(v: number) {
    set16(this.bytes, this.offset + 10, v);
  }
}

/** A question. */
export interface DnsQuestion {
  /** Domain name without the trailing dot. */
  name: string;
  /** Record type (see `DnsType`). */
  type: number;
  /** Class (1: IN). */
  class: number;
}

/** The data of a record: an IPv4 address, a canonical name, or the raw bytes of any other type. */
export type DnsRecordData =
  | { kind: "a"; address: number }
  | { kind: "cname"; name: string }
  | { kind: "raw"; type: number; bytes: Uint8Array };

/** A resource record. */
export interface DnsRecord {
  /** Owner name. */
  name: string;
  /** Class (1: IN). */
  class: number;
  /** Time to live in seconds. */
  ttl: number;
  /** Typed data; its `kind` gives the record type (A, CNAME, or `type` for raw). */
  data: DnsRecordData;
}

/** A DNS message as plain values. */
export interface DnsRepr {
  /** Message id. */
  id: number;
  /** QR. */
  response: boolean;
  /** Opcode. */
  opcode: number;
  /** AA. */
  authoritative: boolean;
  /** TC. */
  truncated: boolean;
  /** RD. */
  recursionDesired: boolean;
  /** RA. */
  recursionAvailable: boolean;
  /** Response code. */
  rcode: number;
  /** Question section. */
  questions: DnsQuestion[];
  /** Answer section. */
  answers: DnsRecord[];
  /** Authority section. */
  authorities: DnsRecord[];
  /** Additional section. */
  additionals: DnsRecord[];
}

/** Parse, emit and size DNS messages. */
export const DnsRepr = {
  /**
   * Reads a whole message (trailing bytes after the last record are ignored). Raw record bytes are subarrays of
   * the buffer. Throws WireError: "truncated" when a section runs past the end; "malformed" for bad names (see
   * `readDnsName`), an A record whose data is not 4 bytes, or a CNAME whose name does not fill its data.
   */
  parse(packet: DnsPacket): DnsRepr {
    packet.checkLen();
    const b = packet.bytes;
    const base = packet.offset;
    const end = b.length;
    const repr: DnsRepr = {
      id: packet.id, response: packet.response, opcode: packet.opcode, authoritative: packet.authoritative,
      truncated: packet.truncated, recursionDesired: packet.recursionDesired,
      recursionAvailable: packet.recursionAvailable, rcode: packet.rcode,
      questions: [], answers: [], authorities: [], additionals: [],
    };
    let p = base + DNS_HEADER_LENGTH;
    for (let k = packet.questionCount; k > 0; k--) {
      const name = readDnsName(b, base, end, p);
      p = dnsNameEnd;
      if (p + 4 > end) throw truncated("a DNS question", p - base + 4, end - base);
      repr.questions.push({ name, type: get16(b, p), class: get16(b, p + 2) });
      p += 4;
    }
    p = readRecords(b, base, end, p, packet.answerCount, repr.answers);
    p = readRecords(b, base, end, p, packet.authorityCount, repr.authorities);
    readRecords(b, base, end, p, packet.additionalCount, repr.additionals);
    return repr;
  },
  /** Writes the message without compression into the first `bufferLength(repr)` bytes of the view. */
  emit(repr: DnsRepr, packet: DnsPacket): void {
    const need = DnsRepr.bufferLength(repr);
    if (packet.length < need) throw noRoom("a DNS message", need, packet.length);
    const b = packet.bytes;
    packet.id = repr.id;
    packet.flags = (repr.response ? 0x8000 : 0) | ((repr.opcode & 0x0f) << 11) | (repr.authoritative ? 0x400 : 0) |
      (repr.truncated ? 0x200 : 0) | (repr.recursionDesired ? 0x100 : 0) | (repr.recursionAvailable ? 0x80 : 0) |
      (repr.rcode & 0x0f);
    packet.questionCount = repr.questions.length;
    packet.answerCount = repr.answers.length;
    packet.authorityCount = repr.authorities.length;
    packet.additionalCount = repr.additionals.length;
    let p = packet.offset + DNS_HEADER_LENGTH;
    for (const q of repr.questions) {
      p = writeDnsName(q.name, b, p);
      set16(b, p, q.type);
      set16(b, p + 2, q.class);
      p += 4;
    }
    for (const list of [repr.answers, repr.authorities, repr.additionals]) {
      for (const r of list) p = writeRecord(r, b, p);
    }
  },
  /** Bytes the uncompressed message takes. Throws WireError for an invalid name or more than 65535 entries. */
  bufferLength(repr: DnsRepr): number {
    let n = DNS_HEADER_LENGTH;
    for (const q of repr.questions) n += dnsNameLength(q.name) + 4;
    for (const list of [repr.questions, repr.answers, repr.authorities, repr.additionals]) {
      if (list.length > 0xffff) {
        throw malformed(`expected at most 65535 entries in a DNS section, found ${list.length}`);
      }
    }
    for (const list of [repr.answers, repr.authorities, repr.additionals]) {
      for (const r of list) n += dnsNameLength(r.name) + 10 + rdataLength(r.data);
    }
    return n;
  },
};

/**
 * A recursive query for `name` (type A unless given) with id `id`, as a new buffer ready to send to port 53.
 * Throws WireError for an invalid name.
 *
 * @example buildDnsQuery(0x1234, "example.com")
 */
export function buildDnsQuery(id: number, name: string, type: number = DnsType.A): Uint8Array {
  const repr: DnsRepr = {
    id, response: false, opcode: 0, authoritative: false, truncated: false, recursionDesired: true,
    recursionAvailable: false, rcode: 0, questions: [{ name, type, class: DNS_CLASS_IN }],
    answers: [], authorities: [], additionals: [],
  };
  const bytes = new Uint8Array(DnsRepr.bufferLength(repr));
  DnsRepr.emit(repr, new DnsPacket(bytes));
  return bytes;
}

/** The record type number of `data`. */
export function dnsRecordType(data: DnsRecordData): number {
  return data.kind === "a" ? DnsType.A : data.kind === "cname" ? DnsType.CNAME : data.type;
}

function readRecords(b: Uint8Array, base: number, end: number, p: number, count: number, out: DnsRecord[]): number {
  for (let k = count; k > 0; k--) {
    const name = readDnsName(b, base, end, p);
    p = dnsNameEnd;
    if (p + 10 > end) throw truncated("a DNS resource record header", p - base + 10, end - base);
    const type = get16(b, p);
    const cls = get16(b, p + 2);
    const ttl = get32(b, p + 4);
    const rdlength = get16(b, p + 8);
    p += 10;
    if (p + rdlength > end) throw truncated("DNS record data", p - base + rdlength, end - base);
    let data: DnsRecordData;
    if (type === DnsType.A && cls === DNS_CLASS_IN) {
      if (rdlength !== 4) throw malformed(`expected 4 bytes of data in a DNS A record, found ${rdlength}`);
      data = { kind: "a", address: get32(b, p) };
    } else if (type === DnsType.CNAME) {
      const cname = readDnsName(b, base, p + rdlength, p);
      if (dnsNameEnd !== p + rdlength) {
        throw malformed(`expected a DNS CNAME name to fill its ${rdlength} bytes of data, found ${dnsNameEnd - p}`);
      }
      data = { kind: "cname", name: cname };
    } else {
      data = { kind: "raw", type, bytes: b.subarray(p, p + rdlength) };
    }
    out.push({ name, class: cls, ttl, data });
    p += rdlength;
  }
  return p;
}

function rdataLength(data: DnsRecordData): number {
  if (data.kind === "a") return 4;
  if (data.kind === "cname") return dnsNameLength(data.name);
  if (data.bytes.length > 0xffff) {
    throw malformed(`expected DNS record data of at most 65535 bytes, found ${data.bytes.length}`);
  }
  return data.bytes.length;
}

function writeRecord(r: DnsRecord, b: Uint8Array, p: number): number {
  p = writeDnsName(r.name, b, p);
  set16(b, p, dnsRecordType(r.data));
  set16(b, p + 2, r.class);
  set32(b, p + 4, r.ttl);
  const len = rdataLength(r.data);
  set16(b, p + 8, len);
  p += 10;
  if (r.data.kind === "a") set32(b, p, r.data.address);
  else if (r.data.kind === "cname") writeDnsName(r.data.name, b, p);
  else b.set(r.data.bytes, p);
  return p + len;
}
