// libos/web/fetch/body.ts — the Body mixin Request and Response share (undici's): extracting a body from what the
// constructors accept (string, ArrayBuffer and views, Blob, URLSearchParams, FormData as multipart, ReadableStream,
// anything else as its string) with its default Content-Type; `body` (a ReadableStream, made on first use for
// in-memory bodies), `bodyUsed`, and text/json/arrayBuffer/bytes/blob/formData, which read it once ("Body is
// unusable: Body has already been read" after that); clone() through ReadableStream#tee.
// Layer: libos (web). Depends on libos/web/{blob,streams}.ts, ./form_data.ts, libos/url.
import { TextDecoder, TextEncoder } from "../../util/text_codec.ts";
import { URLSearchParams } from "../../url/index.ts";
import { Blob, blobBytes, isBlob } from "../blob.ts";
import { isReadableStream, isReadableStreamDisturbed, isReadableStreamLocked, ReadableStream } from "../streams/index.ts";
import { decodeMultipart, encodeMultipart, FormData, isFormData } from "./form_data.ts";
import type { Headers } from "./headers.ts";

/** A body: bytes held in memory (a stream over them is made when asked for), or a stream. */
export interface BodyState {
  source: Uint8Array | null;
  stream: ReadableStream<Uint8Array> | null;
  /** The bytes were handed out without a stream (text() before `body`). */
  used: boolean;
  length: number | null;
}

export type BodyInit = string | ArrayBuffer | ArrayBufferView | Blob | URLSearchParams | FormData | ReadableStream<Uint8Array>;

/** What a BodyInit becomes, with the Content-Type it implies (null: none). */
export function extractBody(object: unknown): { body: BodyState; type: string | null } {
  if (isReadableStream(object)) {
    if (isReadableStreamDisturbed(object) || isReadableStreamLocked(object)) {
      throw new TypeError("Response body object should not be disturbed or locked");
    }
    return { body: { source: null, stream: object as ReadableStream<Uint8Array>, used: false, length: null }, type: null };
  }
  let bytes: Uint8Array;
  let type: string | null = null;
  if (typeof object === "string") {
    bytes = new TextEncoder().encode(object);
    type = "text/plain;charset=UTF-8";
  } else if (object instanceof URLSearchParams) {
    bytes = new TextEncoder().encode(object.toString());
    type = "application/x-www-form-urlencoded;charset=UTF-8";
  } else if (object instanceof ArrayBuffer || Object.prototype.toString.call(object) === "[object SharedArrayBuffer]") {
    bytes = new Uint8Array((object as ArrayBuffer).slice(0));
  } else if (ArrayBuffer.isView(object)) {
    bytes = new Uint8Array(object.buffer.slice(object.byteOffset, object.byteOffset + object.byteLength));
  } else if (isBlob(object)) {
    bytes = blobBytes(object as Blob);
    if ((object as Blob).type) type = (object as Blob).type;
  } else if (isFormData(object)) {
    const mp = encodeMultipart(object as FormData);
    bytes = mp.bytes;
    type = mp.type;
  } else {
    bytes = new TextEncoder().encode(`${object as string}`);
    type = "text/plain;charset=UTF-8";
  }
  return { body: { source: bytes, stream: null, used: false, length: bytes.byteLength }, type };
}

/** A stream over bytes held in memory. */
export function bytesStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let sent = false;
  return new ReadableStream<Uint8Array>({
    type: "bytes",
    pull(c: { enqueue(v: Uint8Array): void; close(): void }) {
      if (!sent && bytes.byteLength) c.enqueue(bytes.slice());
      sent = true;
      c.close();
    },
  } as never);
}

/** `body`: the stream (made now for in-memory bytes), or null for no body. */
export function bodyStream(b: BodyState | null): ReadableStream<Uint8Array> | null {
  if (!b) return null;
  if (!b.stream) {
    b.stream = bytesStream(b.used ? new Uint8Array(0) : b.source!);
    if (b.used) void b.stream.cancel();                 // already read: a disturbed stream, as Node's would be
  }
  return b.stream;
}

/** `bodyUsed`. */
export function bodyUsed(b: BodyState | null): boolean {
  if (!b) return false;
  return b.stream ? isReadableStreamDisturbed(b.stream) : b.used;
}

const unusable = () => new TypeError("Body is unusable: Body has already been read");

/** Reads the whole body once. */
export async function consumeBody(b: BodyState | null): Promise<Uint8Array> {
  if (!b) return new Uint8Array(0);
  if (bodyUsed(b) || (b.stream && isReadableStreamLocked(b.stream))) throw unusable();
  if (!b.stream) {
    b.used = true;
    return b.source!;
  }
  const reader = b.stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!(value instanceof Uint8Array)) throw new TypeError("Received non-Uint8Array chunk");
    chunks.push(value);
    size += value.byteLength;
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** Splits a body for clone(): the original keeps one branch of a tee, the copy gets the other. */
export function cloneBody(b: BodyState | null): BodyState | null {
  if (!b) return null;
  if (!b.stream) return { source: b.source, stream: null, used: b.used, length: b.length };
  const [one, two] = b.stream.tee();
  b.stream = one as ReadableStream<Uint8Array>;
  return { source: null, stream: two as ReadableStream<Uint8Array>, used: false, length: b.length };
}

/** The MIME type essence of a Content-Type value ("" when absent). */
function essence(ct: string | null): string {
  return (ct ?? "").split(";")[0].trim().toLowerCase();
}

interface HasBody { readonly headers: Headers }

/** Installs undici's Body methods on a class whose instances `getBody` can read. */
export function mixinBody(proto: object, getBody: (self: unknown) => BodyState | null): void {
  const read = (self: unknown) => {
    try {
      return consumeBody(getBody(self));
    } catch (e) {
      return Promise.reject(e);
    }
  };
  const methods: Record<string, (this: HasBody) => Promise<unknown>> = {
    async blob() {
      const type = this.headers.get("content-type");
      const bytes = await read(this);
      return new Blob([bytes], { type: type ?? "" });
    },
    async arrayBuffer() {
      const bytes = await read(this);
      return bytes.buffer.byteLength === bytes.byteLength && bytes.byteOffset === 0 ? bytes.buffer : bytes.slice().buffer;
    },
    async text() {
      return new TextDecoder().decode(await read(this));
    },
    async json() {
      return JSON.parse(new TextDecoder().decode(await read(this)));
    },
    async formData() {
      const ct = this.headers.get("content-type");
      const kind = essence(ct);
      const bytes = await read(this);
      const fd = new FormData();
      if (kind === "multipart/form-data") {
        decodeMultipart(bytes, ct!, fd);
      } else if (kind === "application/x-www-form-urlencoded") {
        for (const [k, v] of new URLSearchParams(new TextDecoder().decode(bytes))) fd.append(k, v);
      } else {
        throw new TypeError('Content-Type was not one of "multipart/form-data" or "application/x-www-form-urlencoded".');
      }
      return fd;
    },
    async bytes() {
      const bytes = await read(this);
      return bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength ? bytes : bytes.slice();
    },
  };
  for (const name of Object.keys(methods)) {
    Object.defineProperty(proto, name, { value: methods[name], writable: true, enumerable: name !== "bytes", configurable: true });
  }
  Object.defineProperty(proto, "body", { get(this: unknown) { return bodyStream(getBody(this)); }, enumerable: true, configurable: true });
  Object.defineProperty(proto, "bodyUsed", { get(this: unknown) { return bodyUsed(getBody(this)); }, enumerable: true, configurable: true });
}
