// libos/crypto/keys/der.ts — the ASN.1 DER that key formats are made of (X.690): a reader over bytes that checks
// every length against its container (DerError on anything malformed), and writers that build DER from parts.
// Only what keys need: SEQUENCE, INTEGER, BIT STRING, OCTET STRING, NULL, OBJECT IDENTIFIER, context tags.
// Pure TypeScript (tested hosted). Layer: libos (private to libos/crypto).

export class DerError extends Error {}

export const TAG = { INTEGER: 0x02, BIT_STRING: 0x03, OCTET_STRING: 0x04, NULL: 0x05, OID: 0x06, SEQUENCE: 0x30 } as const;

/** One element: its tag and the bytes of its contents. */
export interface DerElement {
  tag: number;
  body: Uint8Array;
}

/** Reads the elements of one level of DER, in order. */
export class DerReader {
  private pos: number;

  constructor(private readonly bytes: Uint8Array, start = 0, private readonly end = bytes.length) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** The next element's tag, or -1 at the end. */
  peekTag(): number {
    return this.pos < this.end ? this.bytes[this.pos] : -1;
  }

  /** The next element (any tag). */
  read(): DerElement {
    const b = this.bytes;
    if (this.pos + 2 > this.end) throw new DerError("truncated element");
    const tag = b[this.pos];
    if ((tag & 0x1f) === 0x1f) throw new DerError("multi-byte tags are not used in keys");
    let len = b[this.pos + 1];
    let p = this.pos + 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 4 || p + n > this.end) throw new DerError("bad length");
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + b[p + i];
      if (len < 0x80 || (n > 1 && b[p] === 0)) throw new DerError("non-minimal length");
      p += n;
    }
    if (p + len > this.end) throw new DerError("element longer than its container");
    this.pos = p + len;
    return { tag, body: b.subarray(p, p + len) };
  }

  /** The next element, which must have `tag`. */
  expect(tag: number): Uint8Array {
    const e = this.read();
    if (e.tag !== tag) throw new DerError(`expected tag 0x${tag.toString(16)}, found 0x${e.tag.toString(16)}`);
    return e.body;
  }

  /** A reader over the next element's contents (a SEQUENCE by default). */
  sequence(tag: number = TAG.SEQUENCE): DerReader {
    const body = this.expect(tag);
    return new DerReader(body);
  }

  /** An INTEGER as unsigned big-endian bytes without leading zeros (negative ones are refused). */
  integer(): Uint8Array {
    const body = this.expect(TAG.INTEGER);
    if (body.length === 0 || (body[0] & 0x80)) throw new DerError("negative or empty integer");
    let i = 0;
    while (i < body.length - 1 && body[i] === 0) i++;
    return body.subarray(i);
  }

  /** A small non-negative INTEGER as a number. */
  smallInteger(): number {
    const b = this.integer();
    if (b.length > 4) throw new DerError("integer too large");
    let v = 0;
    for (const x of b) v = v * 256 + x;
    return v;
  }

  oid(): string {
    return decodeOid(this.expect(TAG.OID));
  }

  octetString(): Uint8Array {
    return this.expect(TAG.OCTET_STRING);
  }

  /** A BIT STRING's bytes (only whole bytes: keys never have unused bits). */
  bitString(): Uint8Array {
    const body = this.expect(TAG.BIT_STRING);
    if (body.length === 0 || body[0] !== 0) throw new DerError("bit string with unused bits");
    return body.subarray(1);
  }

  null(): void {
    if (this.expect(TAG.NULL).length !== 0) throw new DerError("NULL with contents");
  }

  /** Throws unless every element was read. */
  assertDone(): void {
    if (!this.done) throw new DerError("trailing data");
  }
}

export function decodeOid(b: Uint8Array): string {
  if (b.length === 0) throw new DerError("empty object identifier");
  const parts: number[] = [];
  let v = 0;
  for (let i = 0; i < b.length; i++) {
    v = v * 128 + (b[i] & 0x7f);
    if (!(b[i] & 0x80)) {
      parts.push(v);
      v = 0;
    } else if (i === b.length - 1) throw new DerError("truncated object identifier");
  }
  const first = parts[0] < 80 ? Math.floor(parts[0] / 40) : 2;
  return [first, parts[0] - first * 40, ...parts.slice(1)].join(".");
}

function encodeOid(oid: string): number[] {
  const n = oid.split(".").map(Number);
  const out: number[] = [];
  const arcs = [n[0] * 40 + n[1], ...n.slice(2)];
  for (const a of arcs) {
    const bytes = [a & 0x7f];
    for (let v = Math.floor(a / 128); v > 0; v = Math.floor(v / 128)) bytes.unshift((v & 0x7f) | 0x80);
    out.push(...bytes);
  }
  return out;
}

function lengthBytes(len: number): number[] {
  if (len < 0x80) return [len];
  const out: number[] = [];
  for (let v = len; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return [0x80 | out.length, ...out];
}

/** One element: tag, length, contents. */
export function der(tag: number, ...parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const head = [tag, ...lengthBytes(len)];
  const out = new Uint8Array(head.length + len);
  out.set(head, 0);
  let at = head.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const derSequence = (...parts: Uint8Array[]) => der(TAG.SEQUENCE, ...parts);
export const derOid = (oid: string) => der(TAG.OID, Uint8Array.from(encodeOid(oid)));
export const derNull = () => der(TAG.NULL);
export const derOctetString = (b: Uint8Array) => der(TAG.OCTET_STRING, b);
export const derBitString = (b: Uint8Array) => der(TAG.BIT_STRING, Uint8Array.of(0), b);
/** A context-specific element [n] (constructed). */
export const derContext = (n: number, ...parts: Uint8Array[]) => der(0xa0 | n, ...parts);

/** An INTEGER from unsigned big-endian bytes (leading zeros dropped, a zero byte added before a high bit). */
export function derInteger(unsigned: Uint8Array | number): Uint8Array {
  let b: Uint8Array;
  if (typeof unsigned === "number") {
    const bytes: number[] = [];
    for (let v = unsigned; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    b = Uint8Array.from(bytes);
  } else {
    let i = 0;
    while (i < unsigned.length && unsigned[i] === 0) i++;
    b = unsigned.subarray(i);
  }
  if (b.length === 0) return der(TAG.INTEGER, Uint8Array.of(0));
  return b[0] & 0x80 ? der(TAG.INTEGER, Uint8Array.of(0), b) : der(TAG.INTEGER, b);
}

/** Unsigned big-endian bytes left-padded with zeros to `len` (DerError when they do not fit). */
export function padStart(b: Uint8Array, len: number): Uint8Array {
  let i = 0;
  while (i < b.length && b[i] === 0 && b.length - i > len) i++;
  const v = b.subarray(i);
  if (v.length > len) throw new DerError("number longer than its field");
  if (v.length === len) return v;
  const out = new Uint8Array(len);
  out.set(v, len - v.length);
  return out;
}

/** Bytes without leading zero bytes (at least one byte is kept). */
export function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}
