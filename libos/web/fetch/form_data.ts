// libos/web/fetch/form_data.ts — Node 20's FormData (undici): entries in insertion order, Blob values stored as
// File (filename "blob" unless given), undici's messages; and its multipart/form-data encoding (undici's boundary
// shape and escaping) and decoding for Body.formData(). Layer: libos (web). Depends on libos/web/blob.ts.
import { TextDecoder, TextEncoder } from "../../util/text_codec.ts";
import { inspectCustom, toUSVString, webidlClass } from "../_util.ts";
import { Blob, blobBytes, File, isBlob } from "../blob.ts";
import { pairIterator } from "./headers.ts";
import { argCount, illegalInvocation } from "./_webidl.ts";

type Value = string | File;
const FormDataIterator = pairIterator<string, Value>("FormData Iterator");
const lists = new WeakMap<object, [string, Value][]>();

function fst(self: unknown): [string, Value][] {
  const l = lists.get(self as object);
  if (!l) throw illegalInvocation();
  return l;
}

function isFile(v: unknown): v is File {
  return v instanceof File;
}

function entryValue(value: unknown, filename: unknown, hasFilename: boolean): Value {
  if (!isBlob(value)) return toUSVString(value);
  const blob = value as Blob;
  if (isFile(blob) && !hasFilename) return blob;
  const name = hasFilename ? toUSVString(filename) : isFile(blob) ? blob.name : "blob";
  const opts: { type: string; lastModified?: number } = { type: blob.type };
  if (isFile(blob)) opts.lastModified = blob.lastModified;
  return new File([blob], name, opts);
}

function checkBlobArg(method: string, value: unknown, argc: number): void {
  if (argc > 2 && !isBlob(value)) {
    throw new TypeError(`Failed to execute '${method}' on 'FormData': parameter 2 is not of type 'Blob'`);
  }
}

export class FormData {
  constructor(form?: unknown) {
    if (form !== undefined) throw new TypeError("FormData constructor: Argument 1 could not be converted to: undefined.");
    lists.set(this, []);
  }

  append(name: string, value: string | Blob, filename?: string): void {
    const l = fst(this);
    argCount("FormData.append", 2, arguments.length);
    checkBlobArg("append", value, arguments.length);
    l.push([toUSVString(name), entryValue(value, filename, arguments.length > 2)]);
  }

  delete(name: string): void {
    const l = fst(this);
    argCount("FormData.delete", 1, arguments.length);
    const n = toUSVString(name);
    for (let i = l.length - 1; i >= 0; i--) if (l[i][0] === n) l.splice(i, 1);
  }

  get(name: string): Value | null {
    const l = fst(this);
    argCount("FormData.get", 1, arguments.length);
    const n = toUSVString(name);
    return l.find((e) => e[0] === n)?.[1] ?? null;
  }

  getAll(name: string): Value[] {
    const l = fst(this);
    argCount("FormData.getAll", 1, arguments.length);
    const n = toUSVString(name);
    return l.filter((e) => e[0] === n).map((e) => e[1]);
  }

  has(name: string): boolean {
    const l = fst(this);
    argCount("FormData.has", 1, arguments.length);
    const n = toUSVString(name);
    return l.some((e) => e[0] === n);
  }

  set(name: string, value: string | Blob, filename?: string): void {
    const l = fst(this);
    argCount("FormData.set", 2, arguments.length);
    checkBlobArg("set", value, arguments.length);
    const n = toUSVString(name);
    const entry: [string, Value] = [n, entryValue(value, filename, arguments.length > 2)];
    const i = l.findIndex((e) => e[0] === n);
    if (i < 0) {
      l.push(entry);
      return;
    }
    l[i] = entry;
    for (let j = l.length - 1; j > i; j--) if (l[j][0] === n) l.splice(j, 1);
  }

  keys(): IterableIterator<string> {
    const l = fst(this);
    return new FormDataIterator(() => l, "key") as IterableIterator<string>;
  }

  values(): IterableIterator<Value> {
    const l = fst(this);
    return new FormDataIterator(() => l, "value") as IterableIterator<Value>;
  }

  entries(): IterableIterator<[string, Value]> {
    const l = fst(this);
    return new FormDataIterator(() => l, "key+value") as IterableIterator<[string, Value]>;
  }

  forEach(callback: (value: Value, key: string, parent: FormData) => void, thisArg?: unknown): void {
    const l = fst(this);
    argCount("FormData.forEach", 1, arguments.length);
    if (typeof callback !== "function") {
      throw new TypeError("Failed to execute 'forEach' on 'FormData': parameter 1 is not of type 'Function'.");
    }
    for (const [k, v] of [...l]) callback.call(thisArg, v, k, this);
  }

  [Symbol.iterator](): IterableIterator<[string, Value]> {
    return this.entries();
  }

  [inspectCustom](depth: number, options: object, inspect: (v: unknown, o: object) => string): string {
    const o: Record<string, Value> = {};
    for (const [k, v] of fst(this)) o[k] = v;
    return `FormData ${inspect(o, { ...options, depth: depth < 0 ? depth : depth - 1 })}`;
  }
}
webidlClass(FormData, "FormData");
Object.defineProperty(FormData.prototype, Symbol.iterator, { value: FormData.prototype.entries, writable: true, enumerable: false, configurable: true });

/** The entries of a FormData (live list). */
export function formDataEntries(fd: FormData): [string, Value][] {
  return fst(fd);
}

export function isFormData(x: unknown): x is FormData {
  return lists.has(x as object);
}

const escapeName = (s: string) => s.replace(/\n/g, "%0A").replace(/\r/g, "%0D").replace(/"/g, "%22");

/** multipart/form-data bytes for a FormData, as undici writes them; returns the content type too. */
export function encodeMultipart(fd: FormData): { bytes: Uint8Array; type: string } {
  let digits = "";
  for (let i = 0; i < 11; i++) digits += Math.floor(Math.random() * 10);
  const boundary = `----formdata-undici-0${digits}`;
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  for (const [name, value] of fst(fd)) {
    if (typeof value === "string") {
      parts.push(enc.encode(`--${boundary}\r\nContent-Disposition: form-data; name="${escapeName(name)}"\r\n\r\n` +
        `${value.replace(/\r(?!\n)|(?<!\r)\n/g, "\r\n")}\r\n`));
    } else {
      parts.push(enc.encode(`--${boundary}\r\nContent-Disposition: form-data; name="${escapeName(name)}"` +
        `; filename="${escapeName(value.name)}"\r\nContent-Type: ${value.type || "application/octet-stream"}\r\n\r\n`));
      parts.push(blobBytes(value), enc.encode("\r\n"));
    }
  }
  parts.push(enc.encode(`--${boundary}--\r\n`));
  let size = 0;
  for (const p of parts) size += p.byteLength;
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.byteLength;
  }
  return { bytes, type: `multipart/form-data; boundary=${boundary}` };
}

function indexOf(hay: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = from; i <= hay.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** Parses a multipart/form-data body into `fd`; throws TypeError on malformed input (as undici: "Failed to parse body as FormData."). */
export function decodeMultipart(bytes: Uint8Array, contentType: string, fd: FormData): void {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const fail = () => new TypeError("Failed to parse body as FormData.");
  if (!m) throw fail();
  const enc = new TextEncoder(), dec = new TextDecoder();
  const delim = enc.encode(`--${m[1] ?? m[2].trim()}`);
  let at = indexOf(bytes, delim, 0);
  if (at < 0) throw fail();
  for (;;) {
    at += delim.length;
    if (bytes[at] === 0x2d && bytes[at + 1] === 0x2d) return;             // "--": the end
    if (bytes[at] !== 0x0d || bytes[at + 1] !== 0x0a) throw fail();
    at += 2;
    const headEnd = indexOf(bytes, enc.encode("\r\n\r\n"), at);
    if (headEnd < 0) throw fail();
    const head = dec.decode(bytes.subarray(at, headEnd));
    const next = indexOf(bytes, enc.encode(`\r\n--${dec.decode(delim).slice(2)}`), headEnd + 4);
    if (next < 0) throw fail();
    const body = bytes.subarray(headEnd + 4, next);
    let name: string | null = null, filename: string | null = null, type = "";
    for (const line of head.split("\r\n")) {
      const [k, ...rest] = line.split(":");
      const v = rest.join(":").trim();
      if (k.trim().toLowerCase() === "content-disposition") {
        name = /\bname="([^"]*)"/i.exec(v)?.[1] ?? null;
        filename = /\bfilename="([^"]*)"/i.exec(v)?.[1] ?? null;
      } else if (k.trim().toLowerCase() === "content-type") {
        type = v;
      }
    }
    if (name === null) throw fail();
    if (filename !== null) fd.append(name, new File([body.slice()], filename, { type }));
    else fd.append(name, dec.decode(body));
    at = next + 2;
  }
}
