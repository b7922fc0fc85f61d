// libos/web/blob.ts — Node 20's Blob and File over bytes held in memory: sources of strings (UTF-8, `endings`
// "transparent" or "native"), ArrayBuffers, views and other Blobs; `type` normalised as Node does (lower-cased,
// emptied when not printable ASCII); size, slice(start, end, type) with negative indexes, text/arrayBuffer/bytes
// (promises; ERR_INVALID_THIS for foreign receivers), stream() as a byte ReadableStream; File adds name and
// lastModified. Both are cloned by structuredClone (a File comes back a Blob, as in Node 20).
// Layer: libos (web). Depends on libos/util/{errors,text_codec}.ts, libos/web/streams (for stream()).
import { invalidArgType, invalidArgValue } from "../util/errors.ts";
import { TextDecoder, TextEncoder } from "../util/text_codec.ts";
import { ReadableStream } from "./streams/index.ts";
import { inspectCustom, invalidThis, missingArgs, webidlClass } from "./_util.ts";
import { kClone } from "./structured_clone.ts";

interface BlobState { bytes: Uint8Array; type: string }
const blobs = new WeakMap<object, BlobState>();

function bst(self: unknown): BlobState {
  const s = blobs.get(self as object);
  if (!s) throw invalidThis("Blob");
  return s;
}

function normaliseType(type: unknown): string {
  const t = `${type as string}`;
  return /[^\u0020-\u007E]/.test(t) ? "" : t.toLowerCase();
}

let encoder: TextEncoder | undefined;

function partBytes(part: unknown, endings: string): Uint8Array {
  const b = blobs.get(part as object);
  if (b) return b.bytes;
  if (part instanceof ArrayBuffer || Object.prototype.toString.call(part) === "[object SharedArrayBuffer]") {
    return new Uint8Array(part as ArrayBuffer);
  }
  if (ArrayBuffer.isView(part)) return new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
  let s = `${part as string}`;
  if (endings === "native") s = s.replace(/\r?\n/g, "\n");
  return (encoder ??= new TextEncoder()).encode(s);
}

/** The bytes of a Blob (shared, never to be written) — for fetch bodies and FormData. */
export function blobBytes(blob: Blob): Uint8Array {
  return bst(blob).bytes;
}

/** Whether `x` is a Blob (or File) of this module. */
export function isBlob(x: unknown): x is Blob {
  return blobs.has(x as object);
}

const kBytes = Symbol("bytes");

export class Blob {
  constructor(sources: Iterable<unknown> = [], options?: { type?: string; endings?: "transparent" | "native" }) {
    if (sources as unknown === kBytes) {
      // Internal: (kBytes, { bytes, type }) wraps bytes without copying.
      blobs.set(this, options as unknown as BlobState);
      return;
    }
    if (sources === null || typeof sources !== "object" || typeof (sources as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== "function") {
      throw invalidArgType("sources", "a sequence", sources);
    }
    if (options !== undefined && options !== null && typeof options !== "object" && typeof options !== "function") {
      throw invalidArgType("options", "a dictionary", options);
    }
    const endings = `${options?.endings ?? "transparent"}`;
    if (endings !== "transparent" && endings !== "native") throw invalidArgValue("options.endings", options?.endings);
    const parts: Uint8Array[] = [];
    let size = 0;
    for (const part of sources) {
      const bytes = partBytes(part, endings);
      parts.push(bytes);
      size += bytes.byteLength;
    }
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const p of parts) {
      bytes.set(p, at);
      at += p.byteLength;
    }
    blobs.set(this, { bytes, type: options?.type === undefined ? "" : normaliseType(options.type) });
  }

  get type(): string { return bst(this).type; }
  get size(): number { return bst(this).bytes.byteLength; }

  slice(start?: number, end?: number, contentType?: string): Blob {
    const { bytes } = bst(this);
    const size = bytes.byteLength;
    const rel = (v: number | undefined, dflt: number) => {
      if (v === undefined) return dflt;
      const n = Math.trunc(Number(v)) || 0;
      return n < 0 ? Math.max(size + n, 0) : Math.min(n, size);
    };
    const from = rel(start, 0), to = rel(end, size);
    const type = contentType === undefined ? "" : normaliseType(contentType);
    return new Blob(kBytes as never, { bytes: bytes.subarray(from, Math.max(from, to)), type } as never);
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    const s = blobs.get(this);
    if (!s) return Promise.reject(invalidThis("Blob"));
    return Promise.resolve(s.bytes.slice().buffer);
  }

  text(): Promise<string> {
    const s = blobs.get(this);
    if (!s) return Promise.reject(invalidThis("Blob"));
    return Promise.resolve(new TextDecoder().decode(s.bytes));
  }

  bytes(): Promise<Uint8Array> {
    const s = blobs.get(this);
    if (!s) return Promise.reject(invalidThis("Blob"));
    return Promise.resolve(s.bytes.slice());
  }

  stream(): ReadableStream<Uint8Array> {
    const { bytes } = bst(this);
    let sent = false;
    return new ReadableStream<Uint8Array>({
      type: "bytes",
      pull(c: { enqueue(v: Uint8Array): void; close(): void }) {
        if (!sent && bytes.byteLength > 0) c.enqueue(bytes.slice());
        sent = true;
        c.close();
      },
    } as never);
  }

  [kClone](): Blob {
    const s = bst(this);
    return new Blob(kBytes as never, { bytes: s.bytes, type: s.type } as never);
  }

  [inspectCustom](depth: number, options: object, inspect: (v: unknown, o: object) => string): string {
    const name = this.constructor.name;
    if (depth < 0) return `[${name}]`;
    const f = files.get(this);
    const fields = f ? { size: this.size, type: this.type, name: f.name, lastModified: f.lastModified } : { size: this.size, type: this.type };
    return `${name} ${inspect(fields, { ...options, depth: depth - 1 })}`;
  }
}
webidlClass(Blob, "Blob");
Object.defineProperty(Blob.prototype, "bytes", { enumerable: false });   // backported to Node 20 so, unlike the rest

const files = new WeakMap<object, { name: string; lastModified: number }>();

function fst(self: unknown) {
  const s = files.get(self as object);
  if (!s) throw invalidThis("File");
  return s;
}

export class File extends Blob {
  constructor(fileBits: Iterable<unknown>, fileName: string, options?: { type?: string; endings?: "transparent" | "native"; lastModified?: number }) {
    if (arguments.length < 2) throw missingArgs("fileBits", "fileName");
    super(fileBits, options);
    let lastModified: number;
    if (options?.lastModified !== undefined) {
      lastModified = +options.lastModified;
      if (Number.isNaN(lastModified)) lastModified = 0;
    } else {
      lastModified = Date.now();
    }
    files.set(this, { name: `${fileName}`, lastModified });
  }

  get name(): string { return fst(this).name; }
  get lastModified(): number { return fst(this).lastModified; }
}
webidlClass(File, "File");
