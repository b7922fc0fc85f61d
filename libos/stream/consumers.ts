// libos/stream/consumers.ts — `node:stream/consumers`: text, json, buffer, arrayBuffer and blob read a whole
// stream (a web ReadableStream, a Node Readable, or any async iterable) as Node 20 does: strings are taken as they
// are, bytes are decoded as UTF-8 across chunk boundaries (text/json), or gathered (arrayBuffer/buffer/blob).
// Layer: libos. The Blob is libos/web/blob.ts; the Buffer is node:buffer's.
import { Buffer } from "../buffer/index.ts";
import { TextDecoder } from "../util/text_codec.ts";
import { Blob } from "../web/blob.ts";

type Source = AsyncIterable<unknown> | { [Symbol.asyncIterator](): AsyncIterator<unknown> };

/** Gathers the stream's chunks (Node passes them to the Blob constructor). */
async function chunks(stream: Source): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const chunk of stream as AsyncIterable<unknown>) out.push(chunk);
  return out;
}

/** A Blob of all the chunks. */
export async function blob(stream: Source): Promise<Blob> {
  return new Blob(await chunks(stream));
}

/** An ArrayBuffer of all the chunks' bytes. */
export async function arrayBuffer(stream: Source): Promise<ArrayBuffer> {
  return (await blob(stream)).arrayBuffer();
}

/** A Buffer of all the chunks' bytes. */
export async function buffer(stream: Source): Promise<Buffer> {
  return Buffer.from(await arrayBuffer(stream));
}

/** The chunks as one string: strings as they are, bytes decoded as UTF-8 (a sequence may span chunks). */
export async function text(stream: Source): Promise<string> {
  const dec = new TextDecoder();
  let str = "";
  for await (const chunk of stream as AsyncIterable<unknown>) {
    if (typeof chunk === "string") str += chunk;
    else str += dec.decode(chunk as ArrayBufferView, { stream: true });
  }
  str += dec.decode(undefined, { stream: false });
  return str;
}

/** JSON.parse of text(stream). */
export async function json(stream: Source): Promise<unknown> {
  return JSON.parse(await text(stream));
}

export default { arrayBuffer, blob, buffer, text, json };
